"""Pure helpers of the pages "Simulasi" and "Perencana Anggaran" (no Streamlit, no SQL).

- starting profiles and the simulation session (which profile, which levels, where it came from);
- live figures of a simulated profile: index, predicate, change, gap to the next band, the
  waterfall of gains by indicator and a sensitivity table (the gain of each indicator's next step,
  also per million Rupiah of its cost);
- the planner's settings, its answer grouped by lead OPD, and the RKA workbook with an assumptions
  sheet; the cost workbook (sheet "Biaya") written and read;
- scenarios compared side by side;
- trial costs ("biaya coba"): costs tried on the planner for the session only, never the office's
  table, kept inside a saved scenario and restored from it.

Every index is computed exactly on the framework's integer axis (``spbe.core.scoring.index_scaled``);
floats appear only in the results. Inputs are never modified."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from spbe.core.costs import CostTable, costs_frame
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, framework_for_year, load_framework
from spbe.core.planner import Plan, apply_plan
from spbe.core.provenance import PROVENANCES, Provenance, provenance_label
from spbe.core.scenario import OWN, InstansiCosts, Scenario, costs_snapshot
from spbe.planning.links import ScenarioState
from spbe.planning.plan import PlanSettings, plan_record
from spbe.planning.tables import TRIAL_LABEL

LINK, SCENARIO, PLAN = "tautan", "skenario", "rencana"


@dataclass(frozen=True)
class StartProfile:
    """A profile to simulate from. ``stored`` is False for the made-up all-lowest-level start."""

    instansi_code: str
    year: int
    framework_id: str
    provenance: str
    levels: tuple[int, ...]  # framework order
    stored: bool = True

    def __post_init__(self):
        fw = load_framework(self.framework_id)
        if len(self.levels) != len(fw.indicators):
            raise SpbeError(
                f"Profil awal harus memiliki {len(fw.indicators)} tingkat, "
                f"bukan {len(self.levels)}."
            )

    @property
    def framework(self) -> Framework:
        return load_framework(self.framework_id)

    def profile(self) -> dict[int, int]:
        return dict(zip(self.framework.indicator_numbers, self.levels))

    @property
    def label(self) -> str:
        if not self.stored:
            return f"Ilustrasi: semua indikator tingkat {self.framework.min_level}"
        label = provenance_label(self.provenance, self.year)  # "Resmi KemenPANRB 2024" has a year
        return label if str(self.year) in label else f"{label} ({self.year})"


def start_options(levels: pd.DataFrame, instansi_code: str, year: int) -> list[StartProfile]:
    """Complete stored profiles of the instansi for ``year`` (resmi, mandiri, rekonstruksi,
    ilustrasi first to last); for a year without one (e.g. 2025 before its result), those of
    the latest earlier year scored by the same framework, labelled with their year; then the
    illustrative all-lowest-level start when no stored ``ilustrasi`` profile exists. Raises
    FrameworkError for a year no loaded framework covers."""
    options = _stored_options(levels, instansi_code, year)
    if not options:
        fw = framework_for_year(int(year))
        mine = levels[(levels["instansi_code"] == instansi_code) & (levels["year"] < year)]
        for earlier in sorted({int(y) for y in mine["year"]}, reverse=True):
            found = [
                o
                for o in _stored_options(levels, instansi_code, earlier)
                if o.framework_id == fw.id
            ]
            if found:
                options = found
                break
    if not any(o.provenance == Provenance.ILUSTRASI for o in options):
        options.append(illustrative_start(instansi_code, year))
    return options


def _stored_options(levels: pd.DataFrame, instansi_code: str, year: int) -> list[StartProfile]:
    rows = levels[(levels["instansi_code"] == instansi_code) & (levels["year"] == year)]
    options = []
    for provenance in PROVENANCES:
        part = rows[rows["provenance"] == provenance]
        if part.empty or part["framework"].nunique() != 1:
            continue
        fw = load_framework(str(part["framework"].iloc[0]))
        found = dict(zip(part["indicator"].astype(int), part["level"].astype(int)))
        if set(found) != set(fw.indicator_numbers):
            continue  # an incomplete profile cannot be scored
        values = tuple(found[n] for n in fw.indicator_numbers)
        options.append(StartProfile(instansi_code, int(year), fw.id, provenance, values))
    return options


def illustrative_start(instansi_code: str, year: int) -> StartProfile:
    fw = framework_for_year(int(year))
    levels = (fw.min_level,) * len(fw.indicators)
    return StartProfile(instansi_code, int(year), fw.id, Provenance.ILUSTRASI, levels, stored=False)


@dataclass(frozen=True)
class SimSession:
    """The simulation in progress: its start, the current levels, the sidebar choice it began
    under (``origin``) and where it came from (``source``: "" for the sidebar's profile)."""

    start: StartProfile
    levels: tuple[int, ...]
    origin: tuple[str, int]
    source: str = ""
    version: int = 0

    def profile(self) -> dict[int, int]:
        return dict(zip(self.start.framework.indicator_numbers, self.levels))

    def with_profile(self, levels: Mapping[int, int]) -> SimSession:
        values = tuple(int(levels[n]) for n in self.start.framework.indicator_numbers)
        return replace(self, levels=values)

    @property
    def changed(self) -> int:
        return sum(a != b for a, b in zip(self.start.levels, self.levels))


def new_session(
    start: StartProfile,
    origin: tuple[str, int],
    previous: SimSession | None = None,
    levels: Sequence[int] | Mapping[int, int] | None = None,
    source: str = "",
) -> SimSession:
    """A fresh session (its version is one above the previous, so widgets reload their values)."""
    version = previous.version + 1 if previous is not None else 0
    if isinstance(levels, Mapping):
        levels = [levels[n] for n in start.framework.indicator_numbers]
    values = tuple(int(v) for v in (start.levels if levels is None else levels))
    if len(values) != len(start.levels):
        raise SpbeError(
            f"Simulasi harus memiliki {len(start.levels)} tingkat, bukan {len(values)}."
        )
    return SimSession(start, values, origin, source, version)


def resolve_session(
    current: SimSession | None,
    origin: tuple[str, int],
    options: Sequence[StartProfile],
    link: ScenarioState | None,
    levels_of: Callable[[str], pd.DataFrame],
) -> tuple[SimSession, tuple[str, ...]]:
    """The session to show: a newly opened link wins; a changed sidebar choice starts over from
    its first profile; otherwise the current session goes on. Also returns notes for the user."""
    if link is not None:
        found = start_options(levels_of(link.instansi_code), link.instansi_code, link.year)
        matching = [o for o in found if link.provenance in (None, o.provenance)]
        notes: tuple[str, ...] = ()
        if not matching:
            notes = (
                f"Tautan meminta profil {provenance_label(link.provenance, link.year)}, yang tidak "
                f"tersimpan; simulasi dimulai dari {found[0].label}.",
            )
        start = (matching or found)[0]
        levels = link.levels if link.levels and len(link.levels) == len(start.levels) else None
        return new_session(start, origin, current, levels, LINK), notes
    if current is None or current.origin != origin:
        return new_session(options[0], origin, current), ()
    return current, ()


def state_of(session: SimSession, settings: PlanSettings | None = None) -> ScenarioState:
    """The link state of a session (levels only when they differ from the start)."""
    start = session.start
    levels = session.levels if session.levels != start.levels else None
    fields = {}
    if settings is not None:
        fields = dict(
            mode=settings.mode,
            target=settings.target,
            budget=settings.budget,
            locked=settings.locked,
            max_level=settings.max_level,
            one_step=settings.one_step,
            annual_budgets=tuple(int(b) for b in settings.annual_budgets),
            years=settings.years if settings.annual_budgets else None,
        )
    return ScenarioState(start.instansi_code, start.year, start.provenance, levels, **fields)


def session_from_scenario(
    scenario: Scenario, origin: tuple[str, int], previous: SimSession | None
) -> SimSession:
    """A session that starts from a saved scenario's starting profile, at its levels."""
    fw = load_framework(scenario.framework_id)
    base = tuple(int(scenario.base_levels[n]) for n in fw.indicator_numbers)
    made_up = scenario.provenance == Provenance.ILUSTRASI and set(base) == {fw.min_level}
    start = StartProfile(
        scenario.instansi_code, scenario.year, fw.id, scenario.provenance, base, not made_up
    )
    levels = [int(scenario.levels[n]) for n in fw.indicator_numbers]
    return new_session(start, origin, previous, levels, f"{SCENARIO} '{scenario.name}'")


def session_from_plan(session: SimSession, plan: Plan) -> SimSession:
    """The session's start with the plan's raises applied ("Terapkan ke simulasi")."""
    after = apply_plan(session.start.profile(), plan)
    levels = [after[n] for n in session.start.framework.indicator_numbers]
    return new_session(session.start, session.origin, session, levels, PLAN)


def scenario_of(
    session: SimSession,
    name: str,
    note: str,
    costs: InstansiCosts | None,
    plan: Plan | None = None,
    settings: PlanSettings | None = None,
) -> Scenario:
    """A scenario to save from the session (its levels, or its start plus the plan's raises)."""
    start = session.start
    levels = apply_plan(start.profile(), plan) if plan is not None else session.profile()
    return Scenario(
        instansi_code=start.instansi_code,
        year=start.year,
        framework_id=start.framework_id,
        name=name,
        note=note,
        provenance=start.provenance,
        base_levels=start.profile(),
        levels=levels,
        costs=costs_record(costs) if costs is not None else None,
        plan=plan_record(plan, settings) if plan is not None and settings is not None else None,
    )


# -- trial costs ("biaya coba") -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrialCosts(InstansiCosts):
    """Costs tried on the planner for this session only ("biaya coba"): never written to the
    office's cost table (``cost_table``); making them that table is an admin's separate write.

    ``changed``: the indicators whose figures differ from the office's table ``office``; their rows
    count as the instansi's own (``mandiri``), the others keep the office's provenance.
    ``source``: where they came from ("" edited on the page, or "skenario 'X'")."""

    office: InstansiCosts | None = None
    changed: tuple[int, ...] = ()
    source: str = ""

    def caption(self) -> str:
        total = len(self.row_provenance)
        source = f" dari {self.source}" if self.source else ""
        office = provenance_label(self.office.provenance) if self.office is not None else "–"
        return (
            f"{TRIAL_LABEL}{source} — hanya untuk sesi ini, tidak disimpan ke tabel biaya kantor: "
            f"{len(self.changed)} dari {total} indikator berbeda dari tabel biaya kantor; "
            f"indikator lain mengikuti tabel biaya kantor ({office})."
        )


def is_trial(costs: InstansiCosts | None) -> bool:
    return isinstance(costs, TrialCosts)


def changed_rows(
    office: Mapping[int, Sequence[float]], tried: Mapping[int, Sequence[float]]
) -> tuple[int, ...]:
    """Indicators whose step costs differ (by more than half a sen) between two mappings."""
    return tuple(
        n
        for n in office
        if len(office[n]) != len(tried[n])
        or not all(
            math.isclose(a, b, rel_tol=0, abs_tol=0.005) for a, b in zip(office[n], tried[n])
        )
    )


def trial_costs(
    office: InstansiCosts,
    tried: Mapping[int, Sequence[float]],
    fw: Framework,
    source: str = "",
) -> TrialCosts | None:
    """The trial costs ``tried`` (every indicator of ``fw``) over the office's table, or None when
    they equal the office's table. Raises CostError for an incomplete or negative mapping."""
    frame = costs_frame(tried, fw)  # validated: every indicator, non-negative figures
    mapping = {int(n): tuple(v) for n, v in tried.items()}
    changed = changed_rows(office.mapping(), mapping)
    if not changed:
        return None
    provenance = dict(office.row_provenance) | dict.fromkeys(changed, OWN)
    table = CostTable(fw.id, frame, OWN, TRIAL_LABEL)
    return TrialCosts(
        office.instansi_code, table, provenance, office=office, changed=changed, source=source
    )


def costs_record(costs: InstansiCosts) -> dict:
    """The cost snapshot kept with a scenario (``costs_snapshot``); trial costs add ``trial``
    (True), ``trial_rows`` (the indicators that differ from the office's table) and ``source``."""
    record = costs_snapshot(costs)
    if isinstance(costs, TrialCosts):
        record |= {"trial": True, "trial_rows": list(costs.changed), "source": costs.source}
    return record


def trial_from_scenario(scenario: Scenario, office: InstansiCosts) -> TrialCosts | None:
    """A saved scenario's costs as trial costs over today's office table; None when it kept no
    costs or they equal the office's table now. Raises CostError for a damaged record."""
    mapping = scenario.cost_mapping()
    if mapping is None:
        return None
    fw = load_framework(scenario.framework_id)
    return trial_costs(office, mapping, fw, f"{SCENARIO} '{scenario.name}'")
