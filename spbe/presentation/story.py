"""The storyline of the Presentasi page and of the handout deck: six slides built from the data.

One source for the page, the PPTX and the PDF. ``build_story`` takes the store's frames (official
results, indicator levels, OPD list and indicator owners) for one instansi and year and returns a
``Story`` of frozen ``Slide`` values — title, headline, key figures, points, figures, an optional
table, the provenance line and the data line. Pure: no I/O, inputs are never modified; the date the
deck is made on is passed in.

The six slides:

1. where the instansi stands: index, predicate, change, ranks (gauge against the national index);
2. the trend with the predicate bands and the RPJMN target (years up to the chosen one);
3. the domain profile against the national index and the province (for a province: the mean of
   its kabupaten/kota, computed from their published values);
4. the gap to the next predicate and the cheapest way to close it (``spbe.core.planner.cheapest_plan``
   on the indicator profile of that year, costs from the cost table — illustrative by default);
5. what each OPD owns (``spbe.results.contributions``) and its part of the plan: a step of an indicator
   with several lead OPDs is listed under each of them and its cost split evenly between them,
   the rule the contributions use, so the OPD costs add up to the plan's cost;
6. the roadmap: the plan of slide 4 spread over the following years with at most one level step
   per indicator per year (levels are cumulative: a raise 1→3 is year 1: 1→2, year 2: 2→3). The
   plan stays the cheapest one; the roadmap only orders its steps in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from spbe.charts.detail import gauge_figure, opd_contribution_figure, waterfall_figure
from spbe.charts.results import trend_figure
from spbe.charts.style import (
    NATIONAL_COLOUR,
    SERIES_COLOURS,
    add_shapes,
    band_shapes,
    base_layout,
    predicate_colour,
)
from spbe.core.costs import CostTable, default_costs
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_delta, format_index, format_rupiah
from spbe.core.framework import Framework, load_framework
from spbe.core.instansi import find_code, spelling_lookup
from spbe.core.planner import Plan, cheapest_plan
from spbe.core.provenance import Provenance, provenance_caption, provenance_label
from spbe.core.scoring import index_scaled, predicate_scaled
from spbe.results.contributions import Contributions, opd_contributions
from spbe.results.insights import Kpi, summary_kpi
from spbe.results.published import NATIONAL, REGIONAL_KINDS, is_final, is_present, result_row

PROFILE_PREFERENCE = (Provenance.RESMI, Provenance.REKONSTRUKSI, Provenance.MANDIRI, Provenance.ILUSTRASI)
SLIDE_KEYS = ("judul", "tren", "domain", "selisih", "opd", "peta-jalan")
MAX_OPD_ROWS = 8
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
PROJECTOR_FONT = 18  # layout pixels; figures are shown ~1000 px wide on the page and in the deck


@dataclass(frozen=True)
class Fact:
    """A key figure shown large: 'Indeks 2024' — '1,89'."""

    label: str
    value: str


@dataclass(frozen=True, eq=False)
class Slide:
    key: str
    number: int
    total: int
    title: str
    headline: str
    facts: tuple[Fact, ...]
    points: tuple[str, ...]
    figures: tuple[go.Figure, ...]
    table: pd.DataFrame | None  # display text only (decimal comma, Rupiah)
    provenance: str
    data_line: str

    @property
    def counter(self) -> str:
        return f"{self.number} / {self.total}"

    @property
    def footer(self) -> str:
        return f"{self.provenance} · {self.data_line}"


@dataclass(frozen=True, eq=False)
class Story:
    instansi_code: str
    instansi_name: str
    year: int
    made_on: date
    slides: tuple[Slide, ...]

    @property
    def file_stem(self) -> str:
        return f"presentasi-spbe-{self.instansi_code}-{self.year}"

    @property
    def figure_count(self) -> int:
        return sum(len(s.figures) for s in self.slides)


@dataclass(frozen=True, eq=False)
class _Profile:
    """The indicator levels of the chosen year that the plan starts from."""

    levels: pd.DataFrame
    provenance: str
    framework: Framework

    def mapping(self) -> dict[int, int]:
        return dict(zip(self.levels["indicator"].astype(int), self.levels["level"].astype(int)))


@dataclass(frozen=True, eq=False)
class _Plan:
    """The plan to the next predicate with everything the slides say about it."""

    plan: Plan | None
    profile: _Profile | None
    costs: CostTable | None
    contributions: Contributions | None
    note: str | None  # why there is no plan (or no OPD mapping), in Indonesian
    one_year: Plan | None = None  # the cheapest plan with at most one step per indicator


# -- public -----------------------------------------------------------------------------------------


def indonesian_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def build_story(
    official: pd.DataFrame,
    levels: pd.DataFrame,
    opd: pd.DataFrame,
    owners: pd.DataFrame,
    instansi_code: str,
    year: int,
    *,
    made_on: date,
    costs: CostTable | None = None,
) -> Story:
    """The six slides for ``instansi_code`` in ``year``. Raises ValueError (Indonesian) when the
    instansi has no result in that year. ``costs`` defaults to the illustrative cost table."""
    kpi = summary_kpi(official, instansi_code, int(year))
    row = result_row(official, instansi_code, int(year))
    fw = load_framework(str(row["framework"]))
    data_line = (
        f"Data evaluasi {kpi.year}"
        + (f" ({kpi.source})" if kpi.source else "")
        + f" · disusun {indonesian_date(made_on)}"
    )
    planned = _planned(kpi, fw, levels, opd, owners, costs)
    builders = (_title, _trend, _domains, _gap, _opd, _roadmap)
    parts = [build(kpi, row, fw, official, planned) for build in builders]
    slides = tuple(
        Slide(key=key, number=k + 1, total=len(parts), data_line=data_line, **part)
        for k, (key, part) in enumerate(zip(SLIDE_KEYS, parts, strict=True))
    )
    return Story(instansi_code, kpi.instansi_name, int(year), made_on, slides)


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


def number_ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> '1–3, 5, 7–8'."""
    values = sorted({int(n) for n in numbers})
    runs: list[list[int]] = []
    for n in values:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def projector_figure(fig: go.Figure, height: int = 440) -> go.Figure:
    """A copy of ``fig`` with type readable on a projector: larger fonts, no figure title (the
    slide has one), white paper (the same image on the dark page and in the printed deck)."""
    big = go.Figure(fig)
    scale = PROJECTOR_FONT / 12
    annotations = [
        a.update(font=dict(size=round((a.font.size or 12) * scale))) for a in big.layout.annotations
    ]
    big.update_layout(
        annotations=annotations,
        title=None,
        font=dict(size=PROJECTOR_FONT, color="#000000"),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        height=height,
        margin=dict(l=20, r=max(30, big.layout.margin.r or 0), t=40, b=20),
        legend=dict(y=-0.2, font=dict(size=PROJECTOR_FONT - 2)),
    )
    return big


# -- the plan behind slides 4–6 ---------------------------------------------------------------------


def _profile(levels: pd.DataFrame, kpi: Kpi, fw: Framework) -> _Profile | None:
    rows = levels[(levels["instansi_code"] == kpi.instansi_code) & (levels["year"] == kpi.year)]
    if "framework" in rows.columns:
        rows = rows[rows["framework"] == fw.id]
    for provenance in PROFILE_PREFERENCE:
        chosen = rows[rows["provenance"] == provenance]
        if set(chosen["indicator"].astype(int)) == set(fw.indicator_numbers):
            return _Profile(chosen.reset_index(drop=True), provenance, fw)
    return None


def _planned(kpi, fw, levels, opd, owners, costs) -> _Plan:
    profile = _profile(levels, kpi, fw)
    if profile is None:
        note = (
            f"Belum ada tingkat ke-{len(fw.indicators)} indikator untuk {kpi.instansi_name} "
            f"tahun {kpi.year}, jadi rencana dan peta jalan belum dapat dihitung."
        )
        return _Plan(None, None, None, None, note)
    contributions, note = None, None
    try:
        contributions = opd_contributions(profile.levels, owners, opd, fw) if len(opd) else None
    except SpbeError as exc:
        note = str(exc)
    if contributions is None and note is None:
        note = f"Pemetaan indikator ke OPD belum ada untuk {kpi.instansi_name}."
    if kpi.next_predicate is None:
        return _Plan(None, profile, None, contributions, "Predikat tertinggi sudah tercapai.")
    try:
        table = costs or default_costs(fw)
        leads = None
        if contributions is not None:
            by_indicator = contributions.by_indicator
            leads = dict(zip(by_indicator["indicator"], by_indicator["lead_opd"]))
        target, mapping = kpi.next_predicate, table.mapping()
        plan = cheapest_plan(profile.mapping(), target, fw, mapping, owners=leads)
        one_year = cheapest_plan(profile.mapping(), target, fw, mapping, max_steps=1)
    except SpbeError as exc:
        return _Plan(None, profile, None, contributions, str(exc))
    return _Plan(plan, profile, table, contributions, note, one_year)


def _costs_label(costs: CostTable) -> str:
    label = provenance_label(costs.provenance)
    return f"Biaya: {label}" + (
        " (perkiraan, bukan anggaran)" if costs.provenance == Provenance.ILUSTRASI else ""
    )


def _profile_label(profile: _Profile) -> str:
    return f"Tingkat indikator {profile.levels['year'].iloc[0]}: " + provenance_label(
        profile.provenance
    )


def _plan_provenance(kpi: Kpi, planned: _Plan, extra: str | None = None) -> str:
    parts = [kpi.provenance]
    if planned.profile is not None:
        parts.append(_profile_label(planned.profile))
    if planned.costs is not None:
        parts.append(_costs_label(planned.costs))
    if extra:
        parts.append(extra)
    return " · ".join(parts)


# -- slides ---------------------------------------------------------------------------------------


def _slide(title, headline, facts=(), points=(), figures=(), table=None, provenance=""):
    return dict(
        title=title,
        headline=headline,
        facts=tuple(Fact(a, b) for a, b in facts),
        points=tuple(p for p in points if p),
        figures=tuple(projector_figure(f) for f in figures),
        table=table,
        provenance=provenance,
    )


def _title(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    facts = []
    if kpi.previous_index is not None:
        facts.append((f"Perubahan sejak {kpi.previous_year}", kpi.change_text))
    if kpi.national_index is not None and kpi.kind != NATIONAL:
        facts.append((f"Nasional {kpi.year}", format_index(kpi.national_index)))
    if kpi.province_rank is not None:
        facts.append(
            (f"Peringkat di {kpi.province}", f"{kpi.province_rank} dari {kpi.province_count}")
        )
    points = [
        f"Peringkat {kpi.kind_rank_text} secara nasional" if kpi.kind_rank_text else None,
        kpi.gap_text if kpi.next_predicate else "Predikat tertinggi sudah tercapai.",
        kpi.rounding_note,
        None if kpi.status == "final" else "Nilai ini hasil penilaian mandiri, belum diverifikasi.",
    ]
    gauge = gauge_figure(kpi.index, fw, predicate_name=kpi.predicate, reference=kpi.national_index)
    return _slide(
        f"Indeks SPBE {kpi.instansi_name} {kpi.year}",
        f"{kpi.index_text} · {kpi.predicate}",
        facts,
        points,
        [gauge],
        provenance=provenance_caption(kpi.status, kpi.year, None),
    )


def _trend(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    shown = official[official["year"] <= kpi.year]
    mine = shown[shown["instansi_code"] == kpi.instansi_code].sort_values("year")
    points = [
        f"{int(r.year)}: {format_index(r.index_value)}"
        + (f" {r.predicate}" if is_present(r.predicate) else "")
        + ("" if r.status == "final" else " (mandiri, sementara)")
        for r in mine.itertuples(index=False)
    ]
    first, last = mine.iloc[0], mine.iloc[-1]
    if len(mine) > 1:
        change = format_delta(float(last["index_value"]) - float(first["index_value"]))
        headline = f"{change} sejak {int(first['year'])}"
    else:
        headline = f"Hasil pertama: {format_index(last['index_value'])} pada {int(last['year'])}"
    years = sorted(int(y) for y in mine["year"].unique())
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    figure = trend_figure(shown, [kpi.instansi_code], title=None)
    return _slide(
        "Tren indeks dari tahun ke tahun",
        headline,
        points=[*points[-5:], "Garis putus-putus: indeks nasional dan target RPJMN 2020–2024."],
        figures=[figure],
        provenance=f"Resmi KemenPANRB {span}"
        + ("" if is_final(mine).all() else " (nilai mandiri: sementara)")
        + _national_source(shown, kpi.year),
    )


def _national_source(official: pd.DataFrame, year: int) -> str:
    rows = official[(official["kind"] == NATIONAL) & (official["year"] == year)]
    sources = [s for s in rows.get("source", []) if is_present(s)]
    return f" · nasional: {sources[0]}" if sources else ""


def _domain_values(frame_row, fw: Framework) -> dict[int, float] | None:
    values = {d.number: frame_row.get(f"domain_{d.number}") for d in fw.domains}
    if not values or not all(is_present(v) for v in values.values()):
        return None
    return {k: float(v) for k, v in values.items()}


def _comparisons(kpi: Kpi, row, fw: Framework, official) -> list[tuple[str, dict[int, float]]]:
    same_year = official[(official["year"] == kpi.year) & is_final(official)]
    found = []
    national = same_year[same_year["kind"] == NATIONAL]
    if kpi.kind != NATIONAL and len(national) and (values := _domain_values(national.iloc[0], fw)):
        found.append(("Nasional", values))
    if kpi.province is None or kpi.kind not in REGIONAL_KINDS:
        return found
    in_province = same_year[same_year["province"] == kpi.province]
    if kpi.kind == "provinsi":
        local = in_province[in_province["kind"].isin(("kabupaten", "kota"))]
        rows = [v for _, r in local.iterrows() if (v := _domain_values(r, fw))]
        if rows:
            mean = {d: sum(v[d] for v in rows) / len(rows) for d in rows[0]}
            found.append((f"Rata-rata {len(rows)} kab/kota (dihitung)", mean))
    else:
        government = in_province[in_province["kind"] == "provinsi"]
        if len(government) and (values := _domain_values(government.iloc[0], fw)):
            found.append((str(government.iloc[0]["instansi_name"]), values))
    return found


def domain_profile_figure(
    series: Sequence[tuple[str, Mapping[int, float]]], framework: Framework
) -> go.Figure:
    """Grouped bars: one group per domain (names from the framework), one bar per series, the
    bands shaded behind; the first series is the instansi, the others its references."""
    fig = go.Figure()
    add_shapes(fig, band_shapes(fig, framework))
    labels = [f"D{d.number} {d.name.removesuffix(' SPBE')}" for d in framework.domains]
    colours = [SERIES_COLOURS[0], NATIONAL_COLOUR, SERIES_COLOURS[1], SERIES_COLOURS[2]]
    for k, (name, values) in enumerate(series):
        numbers = [d.number for d in framework.domains]
        fig.add_trace(
            go.Bar(
                x=labels, y=[values[n] for n in numbers], name=name,
                marker=dict(color=colours[k % len(colours)]),
                text=[format_index(values[n]) for n in numbers], textposition="outside",
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    fig.update_yaxes(title="Indeks domain", range=[0, framework.max_level + 0.3])
    return base_layout(fig, None, barmode="group")


def _domains(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    title = "Profil domain dibanding nasional dan provinsi"
    mine = _domain_values(row, fw) if fw.has_domains else None
    if mine is None:
        return _slide(
            title,
            "Nilai per domain tidak tersedia",
            points=[
                f"Tidak ada nilai domain yang dipublikasikan untuk {kpi.instansi_name} "
                f"tahun {kpi.year}."
            ],  # fmt: skip
            provenance=kpi.provenance,
        )
    others = _comparisons(kpi, row, fw, official)
    series = [(kpi.instansi_name, mine), *others]
    national = dict(others).get("Nasional")
    points = []
    for dom in fw.domains:
        text = f"D{dom.number} {dom.name}: {format_index(mine[dom.number])}"
        refs = [f"{name.split(' (')[0]} {format_index(v[dom.number])}" for name, v in others]
        points.append(text + (f" ({'; '.join(refs)})" if refs else ""))
    headline = "Profil per domain"
    if national:
        gaps = {d: national[d] - mine[d] for d in mine}
        widest = max(gaps, key=gaps.get)
        if gaps[widest] > 0:
            headline = f"Selisih terbesar: Domain {widest} ({fw.domain(widest).name})"
    return _slide(
        title,
        headline,
        points=points,
        figures=[domain_profile_figure(series, fw)],
        provenance=f"{kpi.provenance} · pembanding: nilai resmi {kpi.year}"
        + (" (rata-rata dihitung dari nilai resmi)" if kpi.kind == "provinsi" else ""),
    )


def _plan_waterfall(plan: Plan, fw: Framework, year: int) -> go.Figure:
    rows = [{"label": f"{year}", "name": f"Indeks {year}", "measure": "absolute",
             "value": plan.index_before}]  # fmt: skip
    domain = plan.steps["indicator"].map(fw.domain_of_indicator)
    for number, part in plan.steps.groupby(domain, sort=True):
        name = fw.domain(int(number)).name
        rows.append({"label": f"D{number}", "name": name, "measure": "relative",
                     "value": float(part["index_gain"].sum())})  # fmt: skip
    rows.append({"label": "Sesudah", "name": "Sesudah rencana", "measure": "total",
                 "value": plan.index_after})  # fmt: skip
    return waterfall_figure(pd.DataFrame(rows))


def _gap(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    plan = planned.plan
    title = (
        f"Menuju {kpi.next_predicate}: selisih dan cara termurah"
        if kpi.next_predicate
        else "Selisih menuju predikat berikutnya"
    )
    headline = kpi.gap_text
    if plan is None:
        return _slide(
            title, headline, points=[planned.note], provenance=_plan_provenance(kpi, planned)
        )
    raised = len(plan.raises)
    facts = [
        ("Biaya (Ilustrasi)" if planned.costs.provenance == Provenance.ILUSTRASI else "Biaya",
         format_rupiah(plan.total_cost)),
        ("Langkah tingkat", f"{plan.total_steps} pada {raised} indikator"),
        ("Indeks sesudah", f"{format_index(plan.index_after)} · {plan.predicate_after}"),
    ]  # fmt: skip
    points = [
        f"Dihitung dari profil {format_index(plan.index_before)} ({plan.predicate_before}); "
        "biaya terendah yang terbukti, bukan tebakan.",
        f"Indikator yang dinaikkan: {number_ranges(plan.raises)}.",
        None if plan.feasible else "Target tidak tercapai dengan batas tingkat yang ada.",
        "Biaya adalah ilustrasi untuk pemerintah kota; ganti dengan tabel biaya sendiri."
        if planned.costs.provenance == Provenance.ILUSTRASI
        else None,
    ]
    figures = [_plan_waterfall(plan, fw, kpi.year)] if plan.raises else []
    return _slide(title, headline, facts, points, figures, None, _plan_provenance(kpi, planned))


def opd_plan_table(contributions: Contributions, plan: Plan | None) -> pd.DataFrame:
    """Per OPD: what it leads, its contribution now, and its part of the plan (numeric).

    Columns: opd_code, short_name, indicator_count, contribution, plan_indicators, plan_steps,
    plan_cost. A step of an indicator with several lead OPDs counts for each of them; its cost is
    split evenly, so plan_cost adds up to the plan's total cost.
    """
    by_opd = contributions.by_opd
    leads = dict(
        zip(contributions.by_indicator["indicator"], contributions.by_indicator["lead_codes"])
    )
    steps: dict[str, list[int]] = {c: [] for c in by_opd["opd_code"]}
    cost = dict.fromkeys(by_opd["opd_code"], 0.0)
    if plan is not None:
        for indicator, step_cost in zip(plan.steps["indicator"], plan.steps["cost"]):
            owners_of = leads.get(int(indicator)) or ("belum-ditetapkan",)
            for code in owners_of:
                if code in steps:
                    steps[code].append(int(indicator))
                    cost[code] += float(step_cost) / len(owners_of)
    return pd.DataFrame(
        {
            "opd_code": by_opd["opd_code"],
            "short_name": by_opd["short_name"],
            "indicator_count": by_opd["indicator_count"],
            "contribution": by_opd["contribution"],
            "plan_indicators": [number_ranges(steps[c]) for c in by_opd["opd_code"]],
            "plan_steps": [len(steps[c]) for c in by_opd["opd_code"]],
            "plan_cost": [cost[c] for c in by_opd["opd_code"]],
        }
    )


def _opd(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    title = "Apa yang dimiliki dan harus dilakukan setiap OPD"
    contributions = planned.contributions
    if contributions is None:
        note = planned.note or f"Pemetaan OPD belum ada untuk {kpi.instansi_name}."
        return _slide(title, "Pemetaan OPD belum tersedia", points=[note],
                      provenance=_plan_provenance(kpi, planned))  # fmt: skip
    table = opd_plan_table(contributions, planned.plan)
    ordered = table.sort_values(["plan_cost", "contribution"], ascending=False, kind="stable")
    acting = ordered[ordered["plan_steps"] > 0]
    shown = (acting if len(acting) else ordered).head(MAX_OPD_ROWS)
    cost_label = (
        "Biaya (Ilustrasi)" if getattr(planned.costs, "provenance", "") == Provenance.ILUSTRASI else "Biaya"
    )
    display = pd.DataFrame(
        {
            "OPD": shown["short_name"],
            "Memimpin": shown["indicator_count"].map(lambda n: f"{n} indikator"),
            "Indikator rencana": shown["plan_indicators"].replace("", "–"),
            cost_label: shown["plan_cost"].map(lambda v: format_rupiah(v) if v else "–"),
        }
    )
    rest = ordered[~ordered["opd_code"].isin(shown["opd_code"])]
    points = []
    if len(rest):
        names = ", ".join(rest["short_name"])
        points.append(f"Tanpa langkah pada rencana ini: {names}; tetap pertahankan tingkatnya.")
    mapping = "dikonfirmasi"
    if not contributions.mapping_confirmed:
        mapping = "bawaan lokal, belum dikonfirmasi"
        points.append("Pemetaan indikator ke OPD masih bawaan lokal, belum dikonfirmasi.")
    lead = ordered.iloc[0]
    return _slide(
        title,
        f"{lead.short_name} memegang bagian terbesar" if lead.plan_steps else "Kontribusi per OPD",
        points=points,
        figures=[opd_contribution_figure(contributions).update_yaxes(tickmode="linear", dtick=1)],
        table=display.reset_index(drop=True),
        provenance=_plan_provenance(kpi, planned, f"Pemetaan OPD: {mapping}"),
    )


def roadmap_figure(
    table: pd.DataFrame, start_index: float, start_predicate: str, start_year: int, fw: Framework
) -> go.Figure:
    """Bars of the index after each roadmap year (the start year first), coloured by predicate,
    with the bands shaded and each year's cost in the hover."""
    fig = go.Figure()
    add_shapes(fig, band_shapes(fig, fw))
    years = [str(start_year), *[str(y) for y in table["year"]]]
    values = [start_index, *table["index"].astype(float)]
    names = [start_predicate, *table["predicate"]]
    costs = ["profil awal", *[format_rupiah(c) for c in table["cost"]]]
    fig.add_trace(
        go.Bar(
            x=years, y=values, marker=dict(color=[predicate_colour(n) for n in names]),
            text=[f"{format_index(v)}<br>{n}" for v, n in zip(values, names)],
            textposition="outside", customdata=costs,
            hovertemplate="%{x}: %{text}<br>%{customdata}<extra></extra>", showlegend=False,
        )
    )  # fmt: skip
    fig.update_yaxes(title="Indeks SPBE", range=[0, fw.max_level + 0.3])
    fig.update_xaxes(title="Tahun", type="category")
    return base_layout(fig, None)


def _roadmap(kpi: Kpi, row, fw: Framework, official, planned: _Plan) -> dict:
    title = "Peta jalan: satu tingkat per indikator per tahun"
    plan = planned.plan
    if plan is None or not plan.raises:
        note = planned.note if plan is None else "Rencana tidak memerlukan kenaikan tingkat."
        return _slide(title, "Belum ada peta jalan", points=[note],
                      provenance=_plan_provenance(kpi, planned))  # fmt: skip
    table = roadmap(plan, planned.profile.mapping(), fw, kpi.year)
    reached = table[table["predicate"] == plan.predicate_after]
    when = int(reached["year"].iloc[0]) if len(reached) else int(table["year"].iloc[-1])
    display = pd.DataFrame(
        {
            "Tahun": table["year"].astype(str),
            "Indikator naik 1 tingkat": table["indicators"],
            "Biaya": table["cost"].map(format_rupiah),
            "Indeks": [
                f"{format_index(v)} {p}" for v, p in zip(table["index"], table["predicate"])
            ],
        }
    )
    points = [
        f"Langkah dari rencana termurah (slide 4), paling banyak satu tingkat per indikator "
        f"per tahun: {len(table)} tahun, {format_rupiah(plan.total_cost)}."
    ]
    fast = planned.one_year
    if fast is not None and fast.feasible and len(table) > 1:
        points.append(
            f"Jalur satu tahun ({kpi.year + 1}): {fast.total_steps} langkah, "
            f"{format_rupiah(fast.total_cost)} → {format_index(fast.index_after)} "
            f"{fast.predicate_after}."
        )
    return _slide(
        title,
        f"{plan.predicate_after} pada {when}",
        points=points,
        figures=[roadmap_figure(table, plan.index_before, plan.predicate_before, kpi.year, fw)],
        table=display,
        provenance=_plan_provenance(kpi, planned),
    )


# -- a bookmarkable link: ?instansi=...&tahun=... --------------------------------------------------

LINK_KEYS = ("instansi", "tahun")


def _last_value(value) -> str | None:
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def link_choice(params: Mapping[str, object], instansi: pd.DataFrame):
    """(instansi_code or None, year or None, messages) from ``?instansi=…&tahun=…``.

    ``instansi`` is a code or a name (case and spacing ignored), as in the CLI; ``instansi`` is the
    store's instansi table (code, name). A value that cannot be used is dropped with a message.
    """
    messages = []
    wanted, year_text = _last_value(params.get("instansi")), _last_value(params.get("tahun"))
    code = None
    if wanted is not None:
        lookup = spelling_lookup(zip(instansi["code"], instansi["name"], strict=True))
        code = find_code(lookup, wanted)
        if code is None:
            messages.append(
                f"Instansi '{wanted[:80]}' pada tautan tidak dikenal; memakai pilihan sidebar."
            )
    year = None
    if year_text is not None:
        if year_text.isascii() and year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            messages.append(
                f"Tahun '{year_text[:20]}' pada tautan tidak valid; memakai pilihan sidebar."
            )
    return code, year, tuple(messages)


def presentation_choice(
    params: Mapping[str, object],
    written: Mapping[str, str] | None,
    instansi: pd.DataFrame,
    sidebar: tuple[str, int] | None,
    sidebar_seen: tuple[str, int] | None,
    previous: tuple[str, int] | None,
):
    """((instansi_code, year) or None, messages): what the Presentasi page shows on this run.

    A link that was opened (parameters other than the ones the page wrote itself, ``written``)
    wins; otherwise a change in the sidebar filters; otherwise the previous choice. ``sidebar`` is
    None when the filters are not available on this run.
    """
    if params and dict(params) != dict(written or {}):
        code, year, messages = link_choice(params, instansi)
        base = sidebar or previous
        if code and year:
            return (code, year), messages
        if base is None:
            return None, (*messages, "Tautan presentasi perlu ?instansi=…&tahun=….")
        return (code or base[0], year or base[1]), messages
    if sidebar is not None and (sidebar != sidebar_seen or previous is None):
        return sidebar, ()
    return previous or sidebar, ()
