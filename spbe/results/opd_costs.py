"""One rule splits a plan's cost (and its index gain) among OPDs, everywhere it is shown: the
planner page, slide 5, the RKA workbook and the deck.

The rule (``OPD_COST_RULE``, stated beside every OPD cost): each level step is charged to the lead
OPD(s) of its indicator; an indicator with several lead OPDs has its step cost split evenly among
them (the same rule as the OPD contributions); supporting OPDs carry no cost; steps of an indicator
without a lead go to "Belum ada OPD pengampu". The parts add up to the plan's total cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import pandas as pd

from spbe.results.contributions import UNASSIGNED, Contributions

OPD_COST_RULE = (
    "Pembagian biaya per OPD: biaya setiap kenaikan tingkat dibebankan kepada OPD pengampu utama "
    "indikatornya; indikator dengan beberapa pengampu utama dibagi rata di antara mereka; OPD "
    "pendukung tidak dibebani. Jumlah bagian semua OPD sama dengan biaya total rencana (langkah "
    "indikator bersama dihitung pada setiap pengampunya)."
)

SPLIT_COLUMNS = ("opd_code", "steps", "indicators", "cost", "index_gain")


def leads_of(contributions: Contributions) -> dict[int, tuple[str, ...]]:
    """Indicator -> its lead OPD codes (empty tuple without a lead), from the contributions."""
    table = contributions.by_indicator
    return {int(n): tuple(codes) for n, codes in zip(table["indicator"], table["lead_codes"])}


def split_plan_cost(
    steps: pd.DataFrame, leads: Mapping[int, Sequence[str]], index_gains: bool = True
) -> pd.DataFrame:
    """Each OPD's part of a plan's steps under ``OPD_COST_RULE``.

    ``steps`` has one row per level step with columns indicator, cost (and index_gain). Returns
    one row per OPD code with a part (first appearance order of the steps): opd_code, steps (level
    steps on its indicators, a shared step counted for each lead), indicators (sorted numbers),
    cost (its share, exact: fractions summed then converted) and index_gain (its share).
    """
    cost: dict[str, Fraction] = {}
    gain: dict[str, Fraction] = {}
    count: dict[str, int] = {}
    indicators: dict[str, set[int]] = {}
    has_gain = index_gains and "index_gain" in steps.columns
    gains = steps["index_gain"] if has_gain else [0.0] * len(steps)
    for indicator, step_cost, step_gain in zip(steps["indicator"], steps["cost"], gains):
        owners = tuple(leads.get(int(indicator)) or ()) or (UNASSIGNED,)
        share = Fraction(1, len(owners))
        for code in owners:
            cost[code] = cost.get(code, Fraction(0)) + Fraction(float(step_cost)) * share
            gain[code] = gain.get(code, Fraction(0)) + Fraction(float(step_gain)) * share
            count[code] = count.get(code, 0) + 1
            indicators.setdefault(code, set()).add(int(indicator))
    return pd.DataFrame(
        {
            "opd_code": list(cost),
            "steps": [count[c] for c in cost],
            "indicators": [sorted(indicators[c]) for c in cost],
            "cost": [float(cost[c]) for c in cost],
            "index_gain": [float(gain[c]) for c in cost],
        },
        columns=list(SPLIT_COLUMNS),
    )
