"""Perencana Anggaran solves a plan once per question (issue 15): ``cached_plan`` gives the same
plan as ``run_plan`` and reuses it while profile, settings, costs and lead OPDs stay the same; the
figures and tables drawn from it (``derived``) equal the direct builders' and are built once."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from spbe.charts.plan import plan_opd_figure
from spbe.planning.plan import PlanSettings, opd_leads, plan_by_opd, run_plan
from views.widgets import planning, plans

JT = 1_000_000


@pytest.fixture(scope="module")
def ternate(ternate_frames):
    t = ternate_frames
    profile = t.start.profile()
    return profile, t.fw, t.costs.mapping(), opd_leads(profile, t.owners, t.opd, t.fw)


@pytest.fixture
def solves(monkeypatch):
    """Counts the planner runs behind ``cached_plan`` (its cache emptied first and after)."""
    st.cache_resource.clear()
    calls = []

    def counted(*args):
        calls.append(args[1])
        return run_plan(*args)

    monkeypatch.setattr(planning, "run_plan", counted)
    yield calls
    st.cache_resource.clear()


@pytest.mark.parametrize(
    "settings",
    [
        PlanSettings(target="Baik"),
        PlanSettings(mode="anggaran", budget=400 * JT),
        PlanSettings(target="Baik", one_step=True, annual_budgets=(750 * JT,), years=5),
    ],
)
def test_the_cached_plan_is_the_plan_and_is_solved_once(ternate, solves, settings):
    levels, fw, costs, leads = ternate
    direct = run_plan(levels, settings, fw, costs, leads.names, 2025)
    first = planning.cached_plan(levels, settings, fw, costs, leads.names, 2025)
    again = planning.cached_plan(dict(levels), settings, fw, dict(costs), dict(leads.names), 2025)
    assert again is first and solves == [settings]  # a rerun asking the same: no new solve
    assert first.total_cost == direct.total_cost and first.raises == direct.raises
    assert first.index_after == direct.index_after and first.feasible == direct.feasible
    pd.testing.assert_frame_equal(first.steps, direct.steps)
    if settings.is_roadmap:
        assert first.roadmap.to_json() == direct.roadmap.to_json()


def test_other_costs_settings_or_leads_are_solved_again(ternate, solves):
    levels, fw, costs, leads = ternate
    base = planning.cached_plan(levels, PlanSettings(target="Baik"), fw, costs, leads.names, 2025)
    cheaper = costs | {21: (10 * JT, *costs[21][1:])}
    tried = planning.cached_plan(
        levels, PlanSettings(target="Baik"), fw, cheaper, leads.names, 2025
    )
    assert (base.total_cost, tried.total_cost) == (1_760 * JT, 1_730 * JT)
    planning.cached_plan(levels, PlanSettings(target="Sangat Baik"), fw, costs, leads.names, 2025)
    planning.cached_plan(levels, PlanSettings(target="Baik"), fw, costs, {}, 2025)
    assert len(solves) == 4


def test_what_is_drawn_from_a_plan_equals_the_direct_builders_and_is_built_once(ternate, solves):
    levels, fw, costs, leads = ternate
    plan = planning.cached_plan(levels, PlanSettings(target="Baik"), fw, costs, leads.names, 2025)
    built = []

    def build():
        built.append(1)
        return plans._by_opd(plan, fw, leads, False)

    figure, parts = planning.derived(plan, ("by_opd", leads, False), build)
    assert planning.derived(plan, ("by_opd", leads, False), build)[0] is figure and built == [1]
    direct = plan_opd_figure(plan_by_opd(plan, fw, leads), title="Biaya per OPD pengampu")
    assert figure.to_json() == direct.to_json()
    assert parts[0][0] == "Diskomsandi — Rp 1.297.500.000 · +0,523 (40 langkah)"
    shared = dict(parts)["BPKAD — Rp 102.500.000 · +0,04 (3 langkah)"]
    assert shared["Bagian OPD ini"].tolist() == ["Rp 40.000.000", "Rp 25.000.000", "Rp 37.500.000"]
    trial_figure, _ = plans._by_opd(plan, fw, leads, True)
    assert trial_figure.layout.title.text.endswith("(biaya coba)")
