"""Shared fixtures of the planning tests: Kota Ternate's frames from the seeded DuckDB store."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from spbe import store as spbe_store
from spbe.core.framework import Framework, load_framework
from spbe.core.scenario import InstansiCosts
from spbe.planning.session import StartProfile, start_options
from spbe.store.scenarios import load_costs


@dataclass(frozen=True)
class TernateFrames:
    levels: pd.DataFrame
    opd: pd.DataFrame
    owners: pd.DataFrame
    fw: Framework
    costs: InstansiCosts  # the stored table: the illustrative one in the seed
    start: StartProfile  # the first 2024 start (the reconstruction)


@pytest.fixture(scope="module")
def ternate_frames(seeded_store) -> TernateFrames:
    con = spbe_store.open_store(seeded_store, seed=False)
    try:
        levels = spbe_store.indicator_levels(con, "kota-ternate")
        opd = spbe_store.opd_table(con, "kota-ternate")
        owners = spbe_store.owner_table(con, "kota-ternate")
        fw = load_framework("spbe-2020")
        costs = load_costs(con, "kota-ternate", fw)
    finally:
        con.close()
    start = start_options(levels, "kota-ternate", 2024)[0]
    return TernateFrames(levels, opd, owners, fw, costs, start)
