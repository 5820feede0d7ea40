"""Indices recomputed from stored indicator levels, beside the official published values."""

from __future__ import annotations

import pandas as pd

from spbe.core.formatting import format_index
from spbe.core.framework import load_framework
from spbe.core.scoring import score
from spbe.store import indicator_levels, level_profiles, official_results

PROFILE_KEY = ["instansi_code", "year", "framework", "provenance"]


def recompute_beside_official(con, instansi_code: str | None = None, year: int | None = None):
    """One row per stored level profile: recomputed index/predicate/domains and the official ones.

    Incomplete profiles (fewer indicators than the framework has) are listed with a note, not scored.
    """
    profiles = level_profiles(con, instansi_code)
    if year is not None:
        profiles = profiles[profiles["year"] == year]
    if profiles.empty:
        return pd.DataFrame()
    levels = indicator_levels(con, instansi_code, year)
    pieces = []
    for (framework_id, provenance), group in levels.groupby(["framework", "provenance"]):
        fw = load_framework(framework_id)
        counts = group.groupby(["instansi_code", "year"])["indicator"].transform("size")
        complete = group[counts == len(fw.indicators)]
        if complete.empty:
            continue
        scored = score(complete.rename(columns={"instansi_code": "instansi"}), fw)
        scored = scored.rename(columns={"instansi": "instansi_code"})
        scored["framework"], scored["provenance"] = framework_id, provenance
        pieces.append(scored)
    scored = (
        pd.concat(pieces, ignore_index=True)
        if pieces
        else pd.DataFrame(columns=[*PROFILE_KEY, "index", "predicate"])  # no complete profile
    )
    merged = profiles.merge(scored, on=PROFILE_KEY, how="left")
    official = official_results(con, [instansi_code] if instansi_code else None)
    official = official[official["status"] == "final"][
        ["instansi_code", "year", "index_value", "predicate", "source"]
    ].rename(
        columns={
            "index_value": "official_index",
            "predicate": "official_predicate",
            "source": "official_source",
        }
    )
    merged = merged.merge(official, on=["instansi_code", "year"], how="left")
    merged["note"] = merged.apply(
        lambda r: (
            "" if pd.notna(r.get("index")) else f"profil belum lengkap ({r.n_indicators} indikator)"
        ),
        axis=1,
    )
    return merged.sort_values(PROFILE_KEY).reset_index(drop=True)


def as_display_table(table: pd.DataFrame) -> pd.DataFrame:
    """Indonesian column names and decimal commas for the terminal."""
    return pd.DataFrame(
        {
            "Instansi": table["instansi_code"],
            "Tahun": table["year"],
            "Sumber": table["provenance"],
            "Indeks hitung": table["index"].map(format_index),
            "Predikat hitung": table["predicate"].fillna("–"),
            "Indeks resmi": table["official_index"].map(format_index),
            "Predikat resmi": table["official_predicate"].fillna("–"),
            "Catatan": table["note"],
        }
    )
