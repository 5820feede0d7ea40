"""Planner settings and runs: the cheapest plan to a target or the best within a budget, and the
multi-year roadmap under annual budgets (spbe.core.roadmap), as tables; Rupiah typed by people."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index, format_rupiah
from spbe.core.framework import Framework, load_framework
from spbe.core.planner import STEP_COLUMNS, Plan, best_plan_within_budget, cheapest_plan
from spbe.core.provenance import provenance_label
from spbe.core.roadmap import DEFAULT_HORIZON, MAX_YEARS, Roadmap, best_roadmap, fastest_roadmap
from spbe.core.scenario import Scenario
from spbe.planning.links import ScenarioState
from spbe.planning.tables import budgets_input, budgets_text
from spbe.planning.whatif import change_cost, live_figures
from spbe.results.contributions import UNASSIGNED, UNASSIGNED_NAME, opd_contributions
from spbe.results.opd_costs import leads_of, split_plan_cost


@dataclass(frozen=True)
class PlanSettings:
    """What the planner is asked: a target (band name or index) or a budget, and constraints.

    With ``annual_budgets`` (Rupiah per year, the last one repeating) the answer is a roadmap
    (spbe.core.roadmap): mode "target" reaches the target in the fewest years (at most ``years``,
    default ``DEFAULT_HORIZON``), then cheapest; mode "anggaran" gives the highest index after
    exactly ``years`` years. ``one_step`` then means one level per indicator per year."""

    mode: str = "target"  # "target" or "anggaran"
    target: str | Decimal | None = None
    budget: int | None = None
    locked: tuple[int, ...] = ()
    max_level: int | None = None
    one_step: bool = False
    annual_budgets: tuple[int, ...] = ()
    years: int | None = None

    def __post_init__(self):
        if self.mode not in ("target", "anggaran"):
            raise SpbeError(f"Mode perencana '{self.mode}' tidak dikenal.")
        if self.mode == "target" and self.target is None:
            raise SpbeError("Pilih target predikat atau nilai indeks.")
        if self.mode == "anggaran" and not self.annual_budgets:
            if self.budget is None or self.budget < 0:
                raise SpbeError("Isi anggaran dalam Rupiah (0 atau lebih).")
        if any(b < 0 for b in self.annual_budgets):
            raise SpbeError("Anggaran per tahun tidak boleh negatif.")
        if self.years is not None and not 1 <= self.years <= MAX_YEARS:
            raise SpbeError(f"Jumlah tahun harus 1–{MAX_YEARS}.")
        if self.mode == "anggaran" and self.annual_budgets and self.years is None:
            raise SpbeError("Isi jumlah tahun untuk mencari indeks tertinggi per tahun.")

    @property
    def max_steps(self) -> int | None:
        return 1 if self.one_step else None

    @property
    def is_roadmap(self) -> bool:
        return bool(self.annual_budgets)

    @property
    def horizon(self) -> int:
        """Years of the roadmap: at most (mode target) or exactly (mode anggaran)."""
        return self.years or DEFAULT_HORIZON

    def target_text(self, fw: Framework) -> str:
        if isinstance(self.target, str):
            lower = format_index(float(fw.band(self.target).lower))
            return f"Predikat {self.target} (indeks ≥ {lower})"
        return f"Indeks ≥ {format_index(float(self.target))}"

    def describe(self, fw: Framework, start_year: int | None = None) -> list[tuple[str, str]]:
        """(Asumsi, Nilai) lines for the assumptions sheet and the page."""
        if self.mode == "target":
            goal = ("Target", self.target_text(fw))
        elif self.is_roadmap:
            goal = ("Yang dicari", f"Indeks tertinggi setelah {self.horizon} tahun")
        else:
            goal = ("Anggaran", format_rupiah(self.budget))
        locked = ", ".join(str(n) for n in self.locked) or "tidak ada"
        top = self.max_level or fw.max_level
        yearly = []
        if self.is_roadmap:
            span = f"{self.horizon} tahun"
            if self.mode == "target":
                span = f"paling lama {span} (tahun sesedikit mungkin, lalu termurah)"
            yearly = [
                ("Anggaran per tahun", budgets_text(self.annual_budgets, start_year)),
                ("Jangka waktu", span),
            ]
        step = "per indikator per tahun" if self.is_roadmap else "per indikator"
        return [
            goal,
            *yearly,
            (
                "Satu tingkat per tahun",
                f"ya (paling banyak 1 langkah {step})" if self.one_step else "tidak",
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
    if settings.is_roadmap:
        values["plan_annual"] = True
        values["plan_annual_budgets"] = budgets_input(settings.annual_budgets)
        values["plan_years"] = settings.horizon
    return values


def default_target(levels: Mapping[int, int], fw: Framework) -> str:
    """The band just above the profile's band (the top band when already there)."""
    name = live_figures(levels, levels, fw).next_band
    return name or fw.bands[-1].name


def settings_of(state: ScenarioState) -> PlanSettings | None:
    """Planner settings carried by a link, or None when it carries none usable."""
    try:
        return PlanSettings(
            state.mode,
            state.target,
            state.budget,
            state.locked,
            state.max_level,
            state.one_step,
            tuple(state.annual_budgets),
            state.years,
        )
    except SpbeError:
        return None


def settings_of_record(record: Mapping | None) -> PlanSettings | None:
    """The settings of a plan kept with a scenario (``plan_record``), or None when there is no
    record or it cannot be read."""
    if not record:
        return None
    try:
        target = record.get("target")
        if target is not None and not isinstance(target, str | Decimal):
            return None
        if isinstance(target, str):
            try:
                target = Decimal(target)
            except ArithmeticError:
                pass  # a band name
        budget = record.get("budget")
        return PlanSettings(
            mode=str(record["mode"]),
            target=target,
            budget=None if budget is None else int(budget),
            locked=tuple(int(n) for n in record.get("locked") or ()),
            max_level=None if record.get("max_level") is None else int(record["max_level"]),
            one_step=bool(record.get("one_step", record.get("max_steps") == 1)),
            annual_budgets=tuple(int(b) for b in record.get("annual_budgets") or ()),
            years=None if record.get("years") is None else int(record["years"]),
        )
    except (KeyError, TypeError, ValueError, SpbeError):
        return None


@dataclass(frozen=True, eq=False)
class RoadmapPlan(Plan):
    """A roadmap's raises as one plan (all its years together), with the roadmap itself: what
    the plan's tables, the RKA workbook and "Terapkan ke simulasi" read works on it unchanged."""

    roadmap: Roadmap | None = None


def roadmap_as_plan(roadmap: Roadmap) -> RoadmapPlan:
    """The roadmap's steps over all its years as a ``Plan`` (steps by indicator and level)."""
    steps = roadmap.steps[list(STEP_COLUMNS)].sort_values(
        ["indicator", "from_level"], kind="stable", ignore_index=True
    )
    return RoadmapPlan(
        raises=roadmap.raises,
        steps=steps,
        total_cost=roadmap.total_cost,
        index_before=roadmap.index_before,
        index_after=roadmap.index_after,
        predicate_before=roadmap.predicate_before,
        predicate_after=roadmap.predicate_after,
        feasible=roadmap.feasible,
        target=roadmap.target,
        roadmap=roadmap,
    )


def run_plan(
    levels: Mapping[int, int],
    settings: PlanSettings,
    fw: Framework,
    costs: Mapping[int, Sequence[float]] | None,
    owners: Mapping[int, str] | None = None,
    start_year: int | None = None,
) -> Plan:
    """The cheapest plan to the target, or the best plan within the budget (spbe.core.planner);
    with annual budgets the roadmap (spbe.core.roadmap) as a ``RoadmapPlan``, its years labelled
    from ``start_year`` (the year after the starting profile's) when given."""
    if settings.is_roadmap:
        return roadmap_as_plan(run_roadmap(levels, settings, fw, costs, owners, start_year))
    common = dict(
        max_level=settings.max_level,
        locked=settings.locked,
        max_steps=settings.max_steps,
        owners=owners,
    )
    if settings.mode == "target":
        return cheapest_plan(levels, settings.target, fw, costs, **common)
    return best_plan_within_budget(levels, settings.budget, fw, costs, **common)


def run_roadmap(levels, settings: PlanSettings, fw, costs, owners=None, start_year=None) -> Roadmap:
    """``fastest_roadmap`` (mode target) or ``best_roadmap`` (mode anggaran) for ``settings``."""
    common = dict(
        one_step_per_year=settings.one_step,
        locked=settings.locked,
        max_level=settings.max_level,
        owners=owners,
        start_year=start_year,
    )
    budgets, years = list(settings.annual_budgets), settings.horizon
    if settings.mode == "target":
        return fastest_roadmap(levels, settings.target, fw, costs, budgets, years=years, **common)
    return best_roadmap(levels, fw, costs, budgets, years, **common)


def roadmap_table(roadmap: Roadmap) -> pd.DataFrame:
    """One row per roadmap year: year, raised (indicators raised), indicators ({n: (from, to)}),
    cost, budget, index_after (unrounded), predicate_after."""
    columns = ["year", "raised", "indicators", "cost", "budget", "index_after", "predicate_after"]
    rows = [
        (
            y.year_number,
            len(y.raises),
            dict(y.raises),
            y.cost,
            y.budget,
            y.index_after,
            y.predicate_after,
        )
        for y in roadmap.years
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True, eq=False)
class OpdLeads:
    """Who leads each indicator, for splitting a plan among OPDs (``spbe.results.opd_costs``).

    ``names``: indicator -> its lead OPD(s) by short name (joint leads "A, B"; "Belum ada OPD
    pengampu" without one), the ``opd`` of the plan's steps. ``codes``: indicator -> lead OPD codes
    (empty without one). ``short_names``: OPD code -> short name (with the unassigned bucket).
    ``confirmed``: whether the OPD mapping is confirmed."""

    names: dict[int, str]
    codes: dict[int, tuple[str, ...]]
    short_names: dict[str, str]
    confirmed: bool


def opd_leads(
    levels: Mapping[int, int], owners: pd.DataFrame, opd: pd.DataFrame, fw: Framework
) -> OpdLeads:
    """The lead OPDs of every indicator from the OPD mapping (spbe.results.contributions); every
    indicator unassigned when the mapping cannot be used."""
    frame = pd.DataFrame({"indicator": list(levels), "level": list(levels.values())})
    try:
        result = opd_contributions(frame, owners, opd, fw)
    except SpbeError:
        nobody = dict.fromkeys(fw.indicator_numbers, ())
        unassigned = dict.fromkeys(fw.indicator_numbers, UNASSIGNED_NAME)
        return OpdLeads(unassigned, nobody, {UNASSIGNED: UNASSIGNED_NAME}, False)
    table = result.by_indicator
    names = dict(zip(table["indicator"].astype(int), table["lead_opd"]))
    short = dict(zip(result.by_opd["opd_code"], result.by_opd["short_name"]))
    short.setdefault(UNASSIGNED, UNASSIGNED_NAME)
    return OpdLeads(names, leads_of(result), short, result.mapping_confirmed)


def lead_opd_names(
    levels: Mapping[int, int], owners: pd.DataFrame, opd: pd.DataFrame, fw: Framework
) -> tuple[dict[int, str], bool]:
    """Indicator -> its lead OPD(s) (short names, joint leads as "A, B"; "Belum ada OPD
    pengampu" without one), and whether the OPD mapping is confirmed (see ``opd_leads``)."""
    leads = opd_leads(levels, owners, opd, fw)
    return leads.names, leads.confirmed


def plan_steps_table(plan: Plan, fw: Framework) -> pd.DataFrame:
    """One row per level step: opd, indicator, name, from_level, to_level, cost, index_gain."""
    return _steps_table(plan.steps, fw)


def _steps_table(steps: pd.DataFrame, fw: Framework) -> pd.DataFrame:
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


def plan_by_opd(plan: Plan, fw: Framework, leads: OpdLeads) -> pd.DataFrame:
    """The plan per OPD under ``OPD_COST_RULE`` (``spbe.results.opd_costs.split_plan_cost``: each
    step charged to its indicator's lead OPD(s), joint leads split evenly): opd_code, opd (short
    name), steps, indicators ("13 (1→3, bersama), 14 (1→3)"), cost, index_gain; most expensive
    first. The costs add up to the plan's total; gains are split on the framework's integer axis."""
    steps = plan.steps
    units = pd.DataFrame(
        {
            "indicator": steps["indicator"].astype(int),
            "cost": steps["cost"].astype(float),
            "index_gain": [float(fw.weight_int(int(n))) for n in steps["indicator"]],
        }
    )
    split = split_plan_cost(units, leads.codes)
    rows = []
    for part in split.itertuples(index=False):
        raised = [
            f"{n} ({plan.raises[n][0]}→{plan.raises[n][1]}"
            + (", bersama)" if len(leads.codes.get(n) or ()) > 1 else ")")
            for n in part.indicators
        ]
        rows.append(
            {
                "opd_code": part.opd_code,
                "opd": leads.short_names.get(part.opd_code, part.opd_code),
                "steps": int(part.steps),
                "indicators": ", ".join(raised),
                "cost": float(part.cost),
                "index_gain": float(part.index_gain) / fw.index_denominator,
            }
        )
    columns = ["opd_code", "opd", "steps", "indicators", "cost", "index_gain"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["cost", "opd"], ascending=[False, True], ignore_index=True)


def opd_step_shares(steps: pd.DataFrame, leads: OpdLeads, opd_code: str) -> pd.DataFrame:
    """The rows of ``steps`` (``plan_steps_table``) on the indicators ``opd_code`` leads (the
    unassigned bucket: those without a lead), with ``share``: its part of each step's cost."""
    owners = [tuple(leads.codes.get(int(n)) or ()) or (UNASSIGNED,) for n in steps["indicator"]]
    mine = [opd_code in o for o in owners]
    part = steps[mine].copy()
    part["share"] = [c / len(o) for c, o, m in zip(steps["cost"], owners, mine) if m]
    return part


def roadmap_year_steps(roadmap: Roadmap, fw: Framework, year: int) -> pd.DataFrame:
    """The steps of one roadmap year, with the columns of ``plan_steps_table``, by indicator."""
    steps = _steps_table(roadmap.steps[roadmap.steps["year"] == year], fw)
    return steps.sort_values(["indicator", "from_level"], kind="stable", ignore_index=True)


def roadmap_record(roadmap: Roadmap) -> dict:
    """The JSON-ready roadmap kept with a scenario: ``Roadmap.to_json`` (years labelled as the
    roadmap labels them) with each year's budget and predicate, and the predicates overall."""
    record = roadmap.to_json()
    for entry, year in zip(record["years"], roadmap.years):
        entry["budget"] = int(round(year.budget))
        entry["predicate_after"] = year.predicate_after
    record |= {
        "predicate_before": roadmap.predicate_before,
        "predicate_after": roadmap.predicate_after,
        "target": roadmap.target,
        "one_step_per_year": roadmap.one_step_per_year,
    }
    return record


def saved_roadmap(record: Mapping | None) -> pd.DataFrame | None:
    """The roadmap kept in a scenario's plan record as ``roadmap_table`` columns (indicators as
    {n: (from, to)}); None when the record has none (plans saved without one, older scenarios) or
    it cannot be read."""
    road = (record or {}).get("roadmap") or {}
    try:
        rows = [
            (
                int(y["year"]),
                len(y["raises"]),
                {int(n): (int(a), int(b)) for n, (a, b) in y["raises"].items()},
                float(y["cost"]),
                float(y.get("budget", "nan")),
                float(y["index_after"]),
                str(y.get("predicate_after", "")),
            )
            for y in road.get("years", [])
        ]
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if not road:
        return None
    columns = ["year", "raised", "indicators", "cost", "budget", "index_after", "predicate_after"]
    return pd.DataFrame(rows, columns=columns)


def plan_record(plan: Plan, settings: PlanSettings) -> dict:
    """The JSON-ready summary of a plan kept with a scenario; a roadmap's settings (annual
    budgets, years, one step a year) and its years (``roadmap_record``) are added when there is
    one. Older records lack those keys: readers use ``saved_roadmap``."""
    record = {
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
    if settings.is_roadmap:
        record["annual_budgets"] = [int(b) for b in settings.annual_budgets]
        record["years"] = settings.horizon
        record["one_step"] = settings.one_step
    roadmap = getattr(plan, "roadmap", None)
    if roadmap is not None:
        record["roadmap"] = roadmap_record(roadmap)
    return record


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
            "roadmap_years": tuple(years["year"])
            if (years := saved_roadmap(s.plan)) is not None
            else (),
        }
        row |= dict(zip(figures.groups["group"], figures.groups["after"]))
        rows.append(row)
    return pd.DataFrame(rows)
