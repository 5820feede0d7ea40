"""One rule splits a plan's cost among OPDs (``spbe.results.opd_costs.OPD_COST_RULE``): the planner
page's per-OPD figures (``plan_by_opd``) and its RKA workbook give each OPD the same part as slide
5 (``spbe.presentation.plan.opd_plan_table``) and as ``split_plan_cost`` itself, for Kota Ternate
2024's cheapest plan to Baik with the illustrative costs (real seeded DuckDB store)."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from spbe.files.plans import rka_workbook
from spbe.planning.plan import PlanSettings, opd_leads, plan_by_opd, run_plan
from spbe.presentation.plan import opd_plan_table
from spbe.results.contributions import opd_contributions
from spbe.results.opd_costs import OPD_COST_RULE, leads_of, split_plan_cost

JT = 1_000_000


@pytest.fixture(scope="module")
def ternate(ternate_frames):
    t = ternate_frames
    fw, start, costs = t.fw, t.start, t.costs
    leads = opd_leads(start.profile(), t.owners, t.opd, fw)
    plan = run_plan(start.profile(), PlanSettings(target="Baik"), fw, costs.mapping(), leads.names)
    frame = t.levels[(t.levels["year"] == 2024) & (t.levels["provenance"] == start.provenance)]
    contributions = opd_contributions(frame, t.owners, t.opd, fw)
    return fw, start, leads, plan, contributions, costs


def test_the_planner_splits_a_plan_among_opds_as_slide_5_does(ternate):
    fw, _, leads, plan, contributions, costs = ternate
    assert not costs.stored and plan.total_cost == 1_760 * JT  # the illustrative table
    planner = plan_by_opd(plan, fw, leads).set_index("opd_code")["cost"]
    slide = opd_plan_table(contributions, plan).set_index("opd_code")["plan_cost"]
    rule = split_plan_cost(plan.steps, leads_of(contributions)).set_index("opd_code")["cost"]
    assert leads.codes == leads_of(contributions)
    for code in slide.index:
        assert planner.get(code, 0.0) == pytest.approx(slide[code], abs=0.005), code
    assert planner.to_dict() == pytest.approx(rule.to_dict(), abs=0.005)
    assert planner["kominfo"] == 1_297_500_000  # Diskomsandi, as on slide 5 (issue 16)
    assert planner.sum() == pytest.approx(plan.total_cost, abs=0.005)
    names = plan_by_opd(plan, fw, leads).set_index("opd_code")["opd"]
    short = contributions.by_opd.set_index("opd_code")["short_name"]
    assert all(names[c] == short[c] for c in names.index)


def test_the_rka_workbook_per_opd_sheet_follows_the_same_rule(ternate):
    fw, start, leads, plan, contributions, costs = ternate
    data = rka_workbook(
        plan, fw, PlanSettings(target="Baik"), instansi_name="Kota Ternate", start=start,
        leads=leads, cost_caption=costs.caption(), made_at=datetime(2026, 12, 4, 9, 0),
    )  # fmt: skip
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["Per OPD"].iter_rows(values_only=True))
    parts = {r[0]: r[3] for r in rows[1:-2]}
    slide = opd_plan_table(contributions, plan)
    expected = {name: cost for name, cost in zip(slide["short_name"], slide["plan_cost"]) if cost}
    assert parts == pytest.approx(expected, abs=0.005)
    assert rows[-2][0] == "Jumlah" and rows[-2][3] == sum(parts.values()) == plan.total_cost
    assert rows[-1][:3] == ("Aturan", None, OPD_COST_RULE)
