"""The one rule that splits a plan's cost among OPDs (spbe.results.opd_costs)."""

from __future__ import annotations

import pandas as pd

from spbe.results.contributions import UNASSIGNED
from spbe.results.opd_costs import OPD_COST_RULE, split_plan_cost


def _steps(rows):
    return pd.DataFrame(rows, columns=["indicator", "cost", "index_gain"])


def test_joint_leads_share_evenly_and_parts_add_up_to_the_total():
    steps = _steps(
        [
            (1, 35_000_000, 0.03),  # led by A alone
            (1, 35_000_000, 0.03),
            (2, 100_000_000, 0.06),  # led jointly by A and B: 50 jt each
            (3, 45_000_000, 0.03),  # no lead
        ]
    )
    parts = split_plan_cost(steps, {1: ("a",), 2: ("a", "b"), 3: ()}).set_index("opd_code")
    assert parts.loc["a", "cost"] == 35_000_000 * 2 + 50_000_000
    assert parts.loc["b", "cost"] == 50_000_000
    assert parts.loc[UNASSIGNED, "cost"] == 45_000_000
    assert parts["cost"].sum() == 215_000_000
    assert parts.loc["a", "steps"] == 3 and parts.loc["b", "steps"] == 1
    assert parts.loc["a", "indicators"] == [1, 2]
    assert abs(parts.loc["b", "index_gain"] - 0.03) < 1e-12


def test_thirds_stay_exact_until_the_end():
    parts = split_plan_cost(_steps([(5, 100, 0.0)]), {5: ("x", "y", "z")})
    assert list(parts["opd_code"]) == ["x", "y", "z"]
    assert sum(parts["cost"]) == 100


def test_the_rule_is_stated_in_indonesian():
    assert "dibagi rata" in OPD_COST_RULE and "pendukung tidak dibebani" in OPD_COST_RULE
