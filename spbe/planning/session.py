"""Pure helpers of the pages "Simulasi" and "Perencana Anggaran" (no Streamlit, no SQL).

- starting profiles and the simulation session (which profile, which levels, where it came from);
- live figures of a simulated profile: index, predicate, change, gap to the next band, the
  waterfall of gains by indicator and a sensitivity table (the gain of each indicator's next step,
  also per million Rupiah of its cost);
- the planner's settings, its answer grouped by lead OPD, and the RKA workbook with an assumptions
  sheet; the cost workbook (sheet "Biaya") written and read;
- scenarios compared side by side.

Every index is computed exactly on the framework's integer axis (``spbe.core.scoring.index_scaled``);
floats appear only in the results. Inputs are never modified.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import openpyxl
import pandas as pd

from spbe.core.costs import INDICATOR_COLUMN, CostError, cost_columns, validate_costs
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_delta, format_index, format_number, format_rupiah
from spbe.core.framework import Framework, framework_for_year, load_framework
from spbe.core.planner import Plan, apply_plan, best_plan_within_budget, cheapest_plan
from spbe.core.provenance import provenance_label
from spbe.core.scoring import index_scaled, predicate_scaled, score_profile
from spbe.files.excel import RUPIAH_FORMAT, write_table_workbook
from spbe.files.uploads import UploadError, check_xlsx
from spbe.planning.links import ScenarioState
from spbe.results.contributions import UNASSIGNED_NAME, opd_contributions
from spbe.store.scenarios import InstansiCosts, Scenario, costs_snapshot
from spbe.store.schema import PROVENANCES

COST_SHEET = "Biaya"
MILLION = 1_000_000
LINK, SCENARIO, PLAN = "tautan", "skenario", "rencana"


# -- starting profiles and the session ----------------------------------------------------------


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
    ilustrasi first to last), then the illustrative all-lowest-level start when no stored
    ``ilustrasi`` profile exists. Raises FrameworkError for a year no loaded framework covers."""
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
    if not any(o.provenance == "ilustrasi" for o in options):
        options.append(illustrative_start(instansi_code, year))
    return options


def illustrative_start(instansi_code: str, year: int) -> StartProfile:
    fw = framework_for_year(int(year))
    levels = (fw.min_level,) * len(fw.indicators)
    return StartProfile(instansi_code, int(year), fw.id, "ilustrasi", levels, stored=False)


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
        )
    return ScenarioState(start.instansi_code, start.year, start.provenance, levels, **fields)


# -- live figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveFigures:
    index_before: float
    index_after: float
    predicate_before: str
    predicate_after: str
    next_band: str | None  # the band above the simulated index (None at the top band)
    gap: float | None  # index points still needed to reach it (exact)
    groups: pd.DataFrame  # group, name, before, after (domains, or aspects without domains)

    @property
    def change(self) -> float:
        return self.index_after - self.index_before


def live_figures(before: Mapping[int, int], after: Mapping[int, int], fw: Framework) -> LiveFigures:
    """Index, predicate and domain values of two profiles, and the gap to the next band."""
    scaled_before, scaled_after = index_scaled(before, fw), index_scaled(after, fw)
    denominator = fw.index_denominator
    next_name, gap = None, None
    for band, lower in zip(fw.bands, fw.band_lowers_scaled()):
        if lower > scaled_after:
            next_name, gap = band.name, (lower - scaled_after) / denominator
            break
    score_before, score_after = score_profile(before, fw), score_profile(after, fw)
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    groups = pd.DataFrame(
        {
            "group": [f"{kind}_{g.number}" for g in items],
            "name": [g.name for g in items],
            "before": [float(score_before[f"{kind}_{g.number}"]) for g in items],
            "after": [float(score_after[f"{kind}_{g.number}"]) for g in items],
        }
    )
    return LiveFigures(
        index_before=scaled_before / denominator,
        index_after=scaled_after / denominator,
        predicate_before=predicate_scaled(scaled_before, fw),
        predicate_after=predicate_scaled(scaled_after, fw),
        next_band=next_name,
        gap=gap,
        groups=groups,
    )


def level_steps(
    before: Mapping[int, int],
    after: Mapping[int, int],
    fw: Framework,
    start_label: str = "Awal",
    end_label: str = "Simulasi",
) -> pd.DataFrame:
    """Waterfall rows (label, name, measure, value; as spbe.results.changes) from one profile to another:
    one step per changed indicator, Δlevel × weight / 100, adding up exactly to the change."""
    denominator = Decimal(fw.index_denominator)
    rows = [
        {
            "label": start_label,
            "name": start_label,
            "measure": "absolute",
            "value": Decimal(index_scaled(before, fw)) / denominator,
        }
    ]
    for ind in fw.indicators:
        delta = int(after[ind.number]) - int(before[ind.number])
        if delta:
            rows.append(
                {
                    "label": f"Indikator {ind.number}",
                    "name": ind.short_name,
                    "measure": "relative",
                    "value": Decimal(delta * fw.weight_int(ind.number)) / denominator,
                }
            )
    end = Decimal(index_scaled(after, fw)) / denominator
    rows.append({"label": end_label, "name": end_label, "measure": "total", "value": end})
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].map(float)
    return frame


def sensitivity(
    levels: Mapping[int, int],
    fw: Framework,
    costs: Mapping[int, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """The next step of every indicator below the top level: indicator, name, group, level,
    gain (index points), cost (Rupiah of that step; NaN without costs) and gain_per_million
    (gain per Rp 1.000.000; NaN when the step is free or has no cost). Highest gain first, then
    highest gain per million, then indicator number."""
    index_scaled(levels, fw)  # validates the profile
    rows = []
    for ind in fw.indicators:
        level = int(levels[ind.number])
        if level >= fw.max_level:
            continue
        gain = fw.weight_int(ind.number) / fw.index_denominator
        cost = float("nan")
        if costs is not None and ind.number in costs:
            cost = float(costs[ind.number][level - fw.min_level])
        per_million = gain / (cost / MILLION) if cost > 0 else float("nan")
        aspect = fw.aspect(ind.aspect)
        rows.append(
            {
                "indicator": ind.number,
                "name": ind.short_name,
                "group": aspect.domain if fw.has_domains else aspect.number,
                "level": level,
                "gain": gain,
                "cost": cost,
                "gain_per_million": per_million,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "name", "group", "level", "gain", "cost", "gain_per_million"],
    )
    return frame.sort_values(
        ["gain", "gain_per_million", "indicator"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


@dataclass(frozen=True)
class LevelGroup:
    """Indicators to show together: a domain (or an aspect) and its aspects with indicators."""

    label: str
    aspects: tuple[tuple[str, tuple[int, ...]], ...]


def level_groups(fw: Framework) -> tuple[LevelGroup, ...]:
    """Domains (or aspects, for a framework without domains) with their aspects' indicators."""

    def aspect_part(aspect) -> tuple[str, tuple[int, ...]]:
        numbers = tuple(i.number for i in fw.indicators_of_aspect(aspect.number))
        return f"Aspek {aspect.number}: {aspect.name}", numbers

    if fw.has_domains:
        return tuple(
            LevelGroup(
                f"Domain {d.number}: {d.name}",
                tuple(aspect_part(a) for a in fw.aspects_of_domain(d.number)),
            )
            for d in fw.domains
        )
    return tuple(LevelGroup(f"Aspek {a.number}", (aspect_part(a),)) for a in fw.aspects)


# -- planning -----------------------------------------------------------------------------------


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


RKA_LABELS = {
    "opd": "OPD pengampu",
    "indicator": "Indikator",
    "name": "Nama indikator",
    "from_level": "Dari tingkat",
    "to_level": "Ke tingkat",
    "cost": "Biaya (Rp)",
    "index_gain": "Kenaikan indeks",
    "steps": "Langkah",
    "indicators": "Indikator (dari→ke)",
}


def rka_workbook(
    plan: Plan,
    fw: Framework,
    settings: PlanSettings,
    *,
    instansi_name: str,
    start: StartProfile,
    cost_caption: str,
    made_at: datetime,
) -> bytes:
    """The plan as an .xlsx for the budget workbook (RKA): sheets "Per OPD", "Langkah" and
    "Asumsi" (starting profile and its provenance, cost provenance, target, constraints, date)."""
    steps = plan_steps_table(plan, fw)
    by_opd = plan_by_opd(plan, fw)
    gain_scaled = sum(fw.weight_int(int(n)) for n in steps["indicator"])
    total = {"opd": "Jumlah", "steps": len(steps), "indicators": "", "cost": plan.total_cost,
             "index_gain": gain_scaled / fw.index_denominator}  # fmt: skip
    by_opd = pd.concat([by_opd, pd.DataFrame([total])], ignore_index=True)
    result = "tercapai" if plan.feasible else "TIDAK tercapai dengan batasan ini"
    lines = [
        ("Instansi", instansi_name),
        ("Profil awal", start.label),
        ("Kerangka", f"{fw.name} ({fw.short_regulation})"),
        *settings.describe(fw),
        ("Hasil", result),
        ("Indeks awal", f"{format_number(plan.index_before, 4)} ({plan.predicate_before})"),
        ("Indeks setelah rencana",
         f"{format_number(plan.index_after, 4)} ({plan.predicate_after})"),
        ("Biaya total", format_rupiah(plan.total_cost)),
        ("Asal biaya", cost_caption),
        ("Aturan", "Tingkat bersifat kumulatif: 2→4 membayar langkah 2→3 dan 3→4. Predikat "
                   "mengikuti indeks yang belum dibulatkan."),
        ("Dibuat", f"{made_at:%d-%m-%Y %H.%M}"),
    ]  # fmt: skip
    assumptions = pd.DataFrame(lines, columns=["Asumsi", "Nilai"])
    return write_table_workbook(
        {"Per OPD": by_opd, "Langkah": steps, "Asumsi": assumptions},
        column_labels=RKA_LABELS,
        number_formats={"cost": RUPIAH_FORMAT, "index_gain": "0.000"},
    )


# -- the cost workbook ----------------------------------------------------------------------------


def costs_workbook(frame: pd.DataFrame, fw: Framework) -> bytes:
    """Sheet "Biaya" (Indikator | 1→2 | … | Nama indikator): the table to edit and import back."""
    table = validate_costs(frame, fw)
    table["Nama indikator"] = [fw.indicator(int(n)).short_name for n in table[INDICATOR_COLUMN]]
    formats = dict.fromkeys(cost_columns(fw)[1:], RUPIAH_FORMAT)
    return write_table_workbook({COST_SHEET: table}, number_formats=formats)


def read_costs_workbook(data: bytes, file_name: str, fw: Framework) -> pd.DataFrame:
    """The validated cost table of an uploaded .xlsx (sheet "Biaya"). Raises UploadError or
    CostError (both ValueError, Indonesian, naming the sheet, row or column)."""
    check_xlsx(data, file_name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any openpyxl failure is a bad file for the user
        raise UploadError(
            f"{file_name}: berkas tidak dapat dibaca sebagai .xlsx ({exc})."
        ) from None
    try:
        names = {name.strip().casefold(): name for name in book.sheetnames}
        if COST_SHEET.casefold() not in names:
            found = ", ".join(book.sheetnames)
            raise CostError(f"{file_name}: lembar '{COST_SHEET}' tidak ada (yang ada: {found}).")
        rows = list(book[names[COST_SHEET.casefold()]].iter_rows(values_only=True))
    finally:
        book.close()
    while rows and not any(v is not None and str(v).strip() for v in rows[-1]):
        rows.pop()  # trailing empty rows (Excel often keeps formatted, empty rows)
    if not rows:
        raise CostError(f"lembar '{COST_SHEET}' kosong.")
    header = [str(h).strip() if h is not None else f"kolom {k + 1}" for k, h in enumerate(rows[0])]
    frame = pd.DataFrame([list(r) for r in rows[1:]], columns=header, dtype=object)
    try:
        return validate_costs(frame, fw)
    except CostError as exc:
        raise CostError([f"lembar '{COST_SHEET}', {p}" for p in exc.problems]) from None


# -- scenarios ------------------------------------------------------------------------------------


def change_cost(
    before: Mapping[int, int], after: Mapping[int, int], costs: Mapping[int, Sequence[float]], fw
) -> float:
    """Rupiah of every level step from ``before`` up to ``after`` (lowered levels cost nothing)."""
    total = Decimal(0)
    for n in fw.indicator_numbers:
        for level in range(int(before[n]), int(after[n])):
            total += Decimal(repr(float(costs[n][level - fw.min_level])))
    return float(total)


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


def session_from_scenario(
    scenario: Scenario, origin: tuple[str, int], previous: SimSession | None
) -> SimSession:
    """A session that starts from a saved scenario's starting profile, at its levels."""
    fw = load_framework(scenario.framework_id)
    base = tuple(int(scenario.base_levels[n]) for n in fw.indicator_numbers)
    made_up = scenario.provenance == "ilustrasi" and set(base) == {fw.min_level}
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
        costs=costs_snapshot(costs) if costs is not None else None,
        plan=plan_record(plan, settings) if plan is not None and settings is not None else None,
    )


# -- display tables (Indonesian headers, Rupiah and decimal comma as text) -------------------------


def format_points(value: float) -> str:
    """Index points with as many decimals as needed (2 to 4): 0,03 · 0,0275 · 0,676."""
    text = format_number(value, 4)
    while text.endswith("0") and len(text.split(",")[1]) > 2:
        text = text[:-1]
    return text


def steps_display(steps: pd.DataFrame) -> pd.DataFrame:
    """``plan_steps_table`` rows for people: Indikator, Nama, Langkah, Biaya, Kenaikan indeks."""
    return pd.DataFrame(
        {
            "Indikator": steps["indicator"].astype("int64"),
            "Nama": steps["name"].astype(str),
            "Langkah": [f"{a} → {b}" for a, b in zip(steps["from_level"], steps["to_level"])],
            "Biaya": steps["cost"].map(format_rupiah),
            "Kenaikan indeks": steps["index_gain"].map(lambda v: "+" + format_points(v)),
        }
    )


def costs_display(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table for people: Indikator, Nama, one Rupiah column per step, Asal."""
    frame = costs.table.frame
    shown = pd.DataFrame({"Indikator": frame[INDICATOR_COLUMN].astype("int64")})
    shown["Nama"] = [fw.indicator(int(n)).short_name for n in frame[INDICATOR_COLUMN]]
    for column in cost_columns(fw)[1:]:
        shown[column] = frame[column].map(format_rupiah)
    shown["Asal"] = [
        provenance_label(costs.row_provenance[int(n)]) for n in frame[INDICATOR_COLUMN]
    ]
    return shown


def costs_editor_frame(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table to edit: Indikator, Nama (both read-only in the editor), one column per
    step in Rupiah (numbers). ``validate_costs`` ignores the Nama column when it is saved."""
    frame = costs.table.frame.copy()
    frame.insert(1, "Nama", [fw.indicator(int(n)).short_name for n in frame[INDICATOR_COLUMN]])
    return frame


def comparison_display(comparison: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """``compare_scenarios`` for people, one column per scenario (rows: figures)."""
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    label = "Domain" if fw.has_domains else "Aspek"
    rows = {
        "Profil awal": comparison["provenance"],
        "Indeks awal": comparison["index_before"].map(format_index),
        "Indeks": comparison["index_value"].map(format_index),
        "Predikat": comparison["predicate"],
        "Perubahan": comparison["change"].map(format_delta),
        "Biaya": comparison["cost"].map(format_rupiah),
    }
    for g in items:
        rows[f"{label} {g.number}"] = comparison[f"{kind}_{g.number}"].map(format_index)
    table = pd.DataFrame(rows)
    table.index = comparison["name"]
    return table.T


def admin_only_message(what: str, admin_configured: bool, read_only: bool) -> str:
    """Why a write control is not shown: read-only fallback, no admin password, or not logged in."""
    if read_only:
        return f"Mode baca saja: {what} tidak tersedia sampai basis data utama dapat dibuka."
    if not admin_configured:
        return (
            f"{what.capitalize()} lewat dasbor tidak aktif karena kata sandi admin belum diatur "
            "(SPBE_ADMIN_PASSWORD_HASH; buat dengan `python -m spbe hash-password`)."
        )
    return f"{what.capitalize()} hanya untuk admin: masuk sebagai admin di bilah samping."
