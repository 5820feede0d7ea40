"""Planner settings and runs: the cheapest plan to a target or the best within a budget, as tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index, format_rupiah
from spbe.core.framework import Framework, load_framework
from spbe.core.planner import Plan, best_plan_within_budget, cheapest_plan
from spbe.core.provenance import provenance_label
from spbe.core.scenario import Scenario
from spbe.planning.links import ScenarioState
from spbe.planning.whatif import change_cost, live_figures
from spbe.results.contributions import UNASSIGNED_NAME, opd_contributions


@dataclass(frozen=True)
class PlanSettings:
    """What the planner is asked: a target (band name or index) or a budget, and constraints."""

    mode: str = "target"  # "target" or "anggaran"
    target: str | Decimal | None = None
    budget: int | None = None
    locked: tuple[int, ...] = ()
    max_level: int | None = None
    one_step: bool = False

    def __post_init__(self):
        if self.mode not in ("target", "anggaran"):
            raise SpbeError(f"Mode perencana '{self.mode}' tidak dikenal.")
        if self.mode == "target" and self.target is None:
            raise SpbeError("Pilih target predikat atau nilai indeks.")
        if self.mode == "anggaran" and (self.budget is None or self.budget < 0):
            raise SpbeError("Isi anggaran dalam Rupiah (0 atau lebih).")

    @property
    def max_steps(self) -> int | None:
        return 1 if self.one_step else None

    def target_text(self, fw: Framework) -> str:
        if isinstance(self.target, str):
            lower = format_index(float(fw.band(self.target).lower))
            return f"Predikat {self.target} (indeks ≥ {lower})"
        return f"Indeks ≥ {format_index(float(self.target))}"

    def describe(self, fw: Framework) -> list[tuple[str, str]]:
        """(Asumsi, Nilai) lines for the assumptions sheet and the page."""
        goal = (
            ("Target", self.target_text(fw))
            if self.mode == "target"
            else ("Anggaran", format_rupiah(self.budget))
        )
        locked = ", ".join(str(n) for n in self.locked) or "tidak ada"
        top = self.max_level or fw.max_level
        return [
            goal,
            (
                "Satu tingkat per tahun",
                "ya (paling banyak 1 langkah per indikator)" if self.one_step else "tidak",
            ),
            ("Tingkat tertinggi yang diizinkan", str(top)),
            ("Indikator terkunci (tidak diubah)", locked),
        ]


INDEX_TARGET = "Nilai indeks tertentu"


def settings_widgets(settings: PlanSettings, fw: Framework) -> dict[str, object]:
    """The planner page's widget values (by session-state key) that show ``settings``."""
    values: dict[str, object] = {
        "plan_mode": settings.mode,
        "plan_locked": list(settings.locked),
        "plan_max_level": settings.max_level or fw.max_level,
        "plan_one_step": settings.one_step,
    }
    if isinstance(settings.target, str):
        values["plan_target"] = settings.target
    elif settings.target is not None:
        values["plan_target"] = INDEX_TARGET
        values["plan_target_value"] = float(settings.target)
    if settings.budget is not None:
        values["plan_budget"] = int(settings.budget)
    return values


def default_target(levels: Mapping[int, int], fw: Framework) -> str:
    """The band just above the profile's band (the top band when already there)."""
    name = live_figures(levels, levels, fw).next_band
    return name or fw.bands[-1].name


def settings_of(state: ScenarioState) -> PlanSettings | None:
    """Planner settings carried by a link, or None when it carries none usable."""
    try:
        return PlanSettings(
            state.mode, state.target, state.budget, state.locked, state.max_level, state.one_step
        )
    except SpbeError:
        return None


def run_plan(
    levels: Mapping[int, int],
    settings: PlanSettings,
    fw: Framework,
    costs: Mapping[int, Sequence[float]] | None,
    owners: Mapping[int, str] | None = None,
) -> Plan:
    """The cheapest plan to the target, or the best plan within the budget (spbe.core.planner)."""
    common = dict(
        max_level=settings.max_level,
        locked=settings.locked,
        max_steps=settings.max_steps,
        owners=owners,
    )
    if settings.mode == "target":
        return cheapest_plan(levels, settings.target, fw, costs, **common)
    return best_plan_within_budget(levels, settings.budget, fw, costs, **common)


def lead_opd_names(
    levels: Mapping[int, int], owners: pd.DataFrame, opd: pd.DataFrame, fw: Framework
) -> tuple[dict[int, str], bool]:
    """Indicator -> its lead OPD(s) (short names, joint leads as "A, B"; "Belum ada OPD
    pengampu" without one), from the OPD mapping (spbe.results.contributions), and whether that mapping
    is confirmed."""
    frame = pd.DataFrame({"indicator": list(levels), "level": list(levels.values())})
    try:
        result = opd_contributions(frame, owners, opd, fw)
    except SpbeError:
        return dict.fromkeys(fw.indicator_numbers, UNASSIGNED_NAME), False
    table = result.by_indicator
    return dict(zip(table["indicator"].astype(int), table["lead_opd"])), result.mapping_confirmed


def plan_steps_table(plan: Plan, fw: Framework) -> pd.DataFrame:
    """One row per level step: opd, indicator, name, from_level, to_level, cost, index_gain."""
    steps = plan.steps
    return pd.DataFrame(
        {
            "opd": steps["opd"].map(lambda o: o or UNASSIGNED_NAME).astype(str),
            "indicator": steps["indicator"].astype("int64"),
            "name": [fw.indicator(int(n)).short_name for n in steps["indicator"]],
            "from_level": steps["from_level"].astype("int64"),
            "to_level": steps["to_level"].astype("int64"),
            "cost": steps["cost"].astype(float),
            "index_gain": steps["index_gain"].astype(float),
        }
    ).sort_values(["opd", "indicator", "from_level"], kind="stable", ignore_index=True)


def plan_by_opd(plan: Plan, fw: Framework) -> pd.DataFrame:
    """The plan per lead OPD: opd, steps, indicators ("13 (1→3), 14 (1→3)"), cost, index_gain;
    most expensive first. Sums are exact: gains are added on the framework's integer axis."""
    steps = plan_steps_table(plan, fw)
    rows = []
    for opd, part in steps.groupby("opd", sort=False):
        raised = [
            f"{n} ({plan.raises[n][0]}→{plan.raises[n][1]})"
            for n in dict.fromkeys(part["indicator"].astype(int))
        ]
        gain_scaled = sum(fw.weight_int(int(n)) for n in part["indicator"])
        rows.append(
            {
                "opd": opd,
                "steps": len(part),
                "indicators": ", ".join(raised),
                "cost": float(part["cost"].sum()),
                "index_gain": gain_scaled / fw.index_denominator,
            }
        )
    frame = pd.DataFrame(rows, columns=["opd", "steps", "indicators", "cost", "index_gain"])
    return frame.sort_values(["cost", "opd"], ascending=[False, True], ignore_index=True)


def plan_record(plan: Plan, settings: PlanSettings) -> dict:
    """The JSON-ready summary of a plan kept with a scenario."""
    return {
        "mode": settings.mode,
        "target": None if settings.target is None else str(settings.target),
        "budget": settings.budget,
        "locked": list(settings.locked),
        "max_level": settings.max_level,
        "max_steps": settings.max_steps,
        "raises": {str(n): [a, b] for n, (a, b) in plan.raises.items()},
        "total_cost": plan.total_cost,
        "index_before": plan.index_before,
        "index_after": plan.index_after,
        "predicate_before": plan.predicate_before,
        "predicate_after": plan.predicate_after,
        "feasible": plan.feasible,
    }


def compare_scenarios(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Side by side: name, provenance, index_before, index_value, predicate, change, cost, and one
    column per domain (aspect without domains). Scenarios must share a framework."""
    frameworks = {s.framework_id for s in scenarios}
    if len(frameworks) > 1:
        raise SpbeError(
            "Skenario dengan kerangka berbeda (" + ", ".join(sorted(frameworks)) + ") tidak "
            "dapat dibandingkan; pilih skenario dari kerangka yang sama."
        )
    rows = []
    for s in scenarios:
        fw = load_framework(s.framework_id)
        figures = live_figures(s.base_levels, s.levels, fw)
        costs = s.cost_mapping()
        if s.plan:
            cost = float(s.plan["total_cost"])
        elif costs is not None:
            cost = change_cost(s.base_levels, s.levels, costs, fw)
        else:
            cost = float("nan")
        row = {
            "name": s.name,
            "provenance": provenance_label(s.provenance, s.year),
            "index_before": figures.index_before,
            "index_value": figures.index_after,
            "predicate": figures.predicate_after,
            "change": figures.change,
            "cost": cost,
        }
        row |= dict(zip(figures.groups["group"], figures.groups["after"]))
        rows.append(row)
    return pd.DataFrame(rows)
