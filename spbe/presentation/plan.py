"""The plan behind slides 4–6: the start profile, the cheapest plan to the next predicate, its roadmap and each OPD's part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from spbe.core.costs import CostTable, costs_frame, default_costs
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework
from spbe.core.planner import Plan, cheapest_plan, fixed_plan
from spbe.core.provenance import Provenance, provenance_label
from spbe.core.roadmap import Roadmap, fastest_roadmap
from spbe.core.scenario import Scenario
from spbe.core.scoring import index_scaled, predicate_scaled
from spbe.planning.tables import number_ranges
from spbe.results.contributions import Contributions, opd_contributions
from spbe.results.insights import Kpi
from spbe.results.opd_costs import leads_of, split_plan_cost

PROFILE_PREFERENCE = (
    Provenance.RESMI,
    Provenance.REKONSTRUKSI,
    Provenance.MANDIRI,
    Provenance.ILUSTRASI,
)


@dataclass(frozen=True, eq=False)
class StoryProfile:
    """The indicator levels of the chosen year that the plan starts from."""

    levels: pd.DataFrame
    provenance: str
    framework: Framework

    def mapping(self) -> dict[int, int]:
        return dict(zip(self.levels["indicator"].astype(int), self.levels["level"].astype(int)))


@dataclass(frozen=True, eq=False)
class StoryPlan:
    """The plan to the next predicate with everything the slides say about it."""

    plan: Plan | None
    profile: StoryProfile | None
    costs: CostTable | None
    contributions: Contributions | None
    note: str | None  # why there is no plan (or no OPD mapping), in Indonesian
    one_year: Plan | None = None  # the cheapest plan with at most one step per indicator
    roadmap: Roadmap | None = None  # under annual budgets, when the story was given them
    annual_budgets: tuple[float, ...] = ()  # as given to build_story (() = none)
    roadmap_note: str | None = None  # why the annual-budget roadmap could not be computed
    scenario_name: str | None = None  # the saved scenario shown instead of the cheapest plan
    trial_costs: bool = False  # the scenario was planned with trial costs ("biaya coba")


def roadmap(plan: Plan, levels: Mapping[int, int], framework: Framework, start_year: int):
    """The plan's steps spread over the years after ``start_year``, one step per indicator and year.

    One row per year: year, steps, indicators (e.g. "1–10, 13"), cost, index (unrounded, after that
    year's steps), predicate (from the integer-scaled index). Empty when the plan raises nothing.
    """
    steps = plan.steps
    if steps.empty:
        return pd.DataFrame(columns=["year", "steps", "indicators", "cost", "index", "predicate"])
    stage = steps["from_level"] - steps["indicator"].map(lambda n: int(levels[int(n)])) + 1
    current = {int(k): int(v) for k, v in levels.items()}
    rows = []
    for offset, part in steps.assign(stage=stage).groupby("stage", sort=True):
        for indicator, to_level in zip(part["indicator"], part["to_level"]):
            current[int(indicator)] = int(to_level)
        scaled = index_scaled(current, framework)
        rows.append(
            {
                "year": int(start_year) + int(offset),
                "steps": len(part),
                "indicators": number_ranges(part["indicator"]),
                "cost": float(part["cost"].sum()),
                "index": scaled / framework.index_denominator,
                "predicate": predicate_scaled(scaled, framework),
            }
        )
    return pd.DataFrame(rows)


def story_profile(levels: pd.DataFrame, kpi: Kpi, fw: Framework) -> StoryProfile | None:
    rows = levels[(levels["instansi_code"] == kpi.instansi_code) & (levels["year"] == kpi.year)]
    if "framework" in rows.columns:
        rows = rows[rows["framework"] == fw.id]
    for provenance in PROFILE_PREFERENCE:
        chosen = rows[rows["provenance"] == provenance]
        if set(chosen["indicator"].astype(int)) == set(fw.indicator_numbers):
            return StoryProfile(chosen.reset_index(drop=True), provenance, fw)
    return None


def story_plan(
    kpi, fw, levels, opd, owners, costs, annual_budgets=None, scenario: Scenario | None = None
) -> StoryPlan:
    """The plan behind slides 4–6; with ``annual_budgets`` (one Rupiah figure or one per year)
    also the fastest, then cheapest, roadmap to the next predicate under them. ``costs`` is the
    instansi's cost table (its own, "mandiri", where saved) or None for the illustrative one; a
    table of another framework is not used. With ``scenario`` (a saved scenario of that
    instansi, year and framework) slides 4–6 show its raises, priced with the costs saved in it."""
    if costs is not None and costs.framework_id != fw.id:
        costs = None
    if scenario is not None:
        return _scenario_plan(kpi, fw, opd, owners, scenario)
    planned = _story_plan(kpi, fw, levels, opd, owners, costs)
    if annual_budgets is None or planned.plan is None:
        return planned
    budgets = (
        tuple(annual_budgets)
        if isinstance(annual_budgets, Sequence) and not isinstance(annual_budgets, str)
        else (annual_budgets,)
    )
    leads = lead_names(planned.contributions)
    try:
        found = fastest_roadmap(
            planned.profile.mapping(),
            kpi.next_predicate,
            fw,
            planned.costs.mapping(),
            list(budgets),
            owners=leads,
            start_year=kpi.year + 1,
        )
    except SpbeError as exc:
        return replace(planned, annual_budgets=budgets, roadmap_note=str(exc))
    return replace(planned, roadmap=found, annual_budgets=budgets)


def _story_plan(kpi, fw, levels, opd, owners, costs) -> StoryPlan:
    profile = story_profile(levels, kpi, fw)
    if profile is None:
        note = (
            f"Belum ada tingkat lengkap {len(fw.indicators)} indikator untuk "
            f"{kpi.instansi_name} tahun {kpi.year}, jadi rencana dan peta jalan belum dapat "
            "dihitung."
        )
        return StoryPlan(None, None, None, None, note)
    contributions, note = _contributions(kpi, fw, profile, opd, owners)
    if kpi.next_predicate is None:
        return StoryPlan(None, profile, None, contributions, "Predikat tertinggi sudah tercapai.")
    try:
        table = costs or default_costs(fw)
        leads = lead_names(contributions)
        target, mapping = kpi.next_predicate, table.mapping()
        plan = cheapest_plan(profile.mapping(), target, fw, mapping, owners=leads)
        one_year = cheapest_plan(profile.mapping(), target, fw, mapping, max_steps=1)
    except SpbeError as exc:
        return StoryPlan(None, profile, None, contributions, str(exc))
    return StoryPlan(plan, profile, table, contributions, note, one_year)


def scenario_costs(scenario: Scenario, fw: Framework) -> CostTable:
    """The cost table saved with a scenario (its provenance kept), else the illustrative one."""
    mapping = scenario.cost_mapping()
    if not mapping:
        return default_costs(fw)
    snapshot = scenario.costs
    provenance = str(snapshot.get("provenance") or Provenance.ILUSTRASI)
    note = str(snapshot.get("note") or "")
    return CostTable(fw.id, costs_frame(mapping, fw), provenance, note)


def _scenario_plan(kpi, fw, opd, owners, scenario: Scenario) -> StoryPlan:
    name = scenario.name
    if (scenario.instansi_code, int(scenario.year)) != (kpi.instansi_code, int(kpi.year)):
        raise SpbeError(
            f"Skenario '{name}' dibuat untuk {scenario.instansi_code} tahun {scenario.year}, "
            f"bukan untuk {kpi.instansi_name} tahun {kpi.year}."
        )
    if scenario.framework_id != fw.id:
        raise SpbeError(
            f"Skenario '{name}' memakai kerangka {scenario.framework_id}, sedangkan tahun "
            f"{kpi.year} dinilai dengan {fw.id}."
        )
    base = scenario.base_levels
    frame = pd.DataFrame(
        {
            "instansi_code": kpi.instansi_code,
            "year": int(kpi.year),
            "indicator": list(base),
            "level": [int(v) for v in base.values()],
            "provenance": scenario.provenance,
        }
    )
    profile = StoryProfile(frame, scenario.provenance, fw)
    contributions, note = _contributions(kpi, fw, profile, opd, owners)
    table = scenario_costs(scenario, fw)
    leads = lead_names(contributions)
    trial = bool((scenario.costs or {}).get("trial"))
    try:
        plan = fixed_plan(base, scenario.levels, fw, table.mapping(), owners=leads)
    except SpbeError as exc:
        return StoryPlan(None, profile, None, contributions, str(exc), scenario_name=name)
    return StoryPlan(
        plan, profile, table, contributions, note, scenario_name=name, trial_costs=trial
    )


def _contributions(kpi, fw, profile: StoryProfile, opd, owners):
    """The OPD contributions of the profile (None with a note when there is no mapping)."""
    contributions, note = None, None
    try:
        contributions = opd_contributions(profile.levels, owners, opd, fw) if len(opd) else None
    except SpbeError as exc:
        note = str(exc)
    if contributions is None and note is None:
        note = f"Pemetaan indikator ke OPD belum ada untuk {kpi.instansi_name}."
    return contributions, note


def lead_names(contributions: Contributions | None) -> dict[int, str] | None:
    """Indicator -> its lead OPD(s) by short name ("A, B" for joint leads), for a plan's steps."""
    if contributions is None:
        return None
    table = contributions.by_indicator
    return dict(zip(table["indicator"], table["lead_opd"]))


def costs_label(costs: CostTable) -> str:
    if costs.provenance == Provenance.MANDIRI:
        return "Biaya: Mandiri (tabel biaya instansi)"
    return "Biaya: Ilustrasi (perkiraan, bukan anggaran)"


def profile_label(profile: StoryProfile) -> str:
    return f"Tingkat indikator {profile.levels['year'].iloc[0]}: " + provenance_label(
        profile.provenance
    )


def plan_provenance(kpi: Kpi, planned: StoryPlan, extra: str | None = None) -> str:
    parts = [kpi.provenance]
    if planned.scenario_name:
        parts.append(f"Skenario tersimpan: {planned.scenario_name}")
    if planned.profile is not None:
        parts.append(profile_label(planned.profile))
    if planned.trial_costs:
        parts.append("Biaya: coba (disimpan dalam skenario, bukan tabel biaya kantor)")
    elif planned.costs is not None:
        parts.append(costs_label(planned.costs))
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def opd_plan_table(contributions: Contributions, plan: Plan | None) -> pd.DataFrame:
    """Per OPD: what it leads, its contribution now, and its part of the plan (numeric).

    Columns: opd_code, short_name, indicator_count, contribution, plan_indicators, plan_steps,
    plan_cost. The plan's cost is split by ``spbe.results.opd_costs.OPD_COST_RULE`` (a step of an
    indicator with several lead OPDs counts for each, its cost split evenly), so plan_cost adds up
    to the plan's total cost.
    """
    by_opd = contributions.by_opd
    codes = list(by_opd["opd_code"])
    parts = pd.DataFrame(columns=["opd_code", "steps", "indicators", "cost"])
    if plan is not None:
        parts = split_plan_cost(plan.steps, leads_of(contributions))
    found = {row.opd_code: row for row in parts.itertuples(index=False)}
    return pd.DataFrame(
        {
            "opd_code": by_opd["opd_code"],
            "short_name": by_opd["short_name"],
            "indicator_count": by_opd["indicator_count"],
            "contribution": by_opd["contribution"],
            "plan_indicators": [
                number_ranges(found[c].indicators) if c in found else "" for c in codes
            ],
            "plan_steps": [int(found[c].steps) if c in found else 0 for c in codes],
            "plan_cost": [float(found[c].cost) if c in found else 0.0 for c in codes],
        }
    )
