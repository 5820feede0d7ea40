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
   plan stays the cheapest one; the roadmap only orders its steps in time. Given annual budgets
   (``build_story(..., annual_budgets=...)``), the slide shows instead the exact roadmap under
   them (``spbe.core.roadmap.fastest_roadmap``: fewest years, then cheapest, one level per
   indicator per year), each year's spend and the index after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from spbe.charts.detail import gauge_figure, opd_contribution_figure
from spbe.charts.results import trend_figure
from spbe.charts.slides import (
    domain_profile_figure,
    plan_waterfall_figure,
    projector_figure,
    roadmap_figure,
)
from spbe.core.costs import CostTable
from spbe.core.formatting import format_delta, format_index, format_rupiah, indonesian_date
from spbe.core.framework import Framework, load_framework
from spbe.core.provenance import Provenance, provenance_caption
from spbe.core.roadmap import DEFAULT_HORIZON
from spbe.core.scenario import Scenario
from spbe.planning.tables import budgets_text
from spbe.presentation.plan import (
    StoryPlan,
    number_ranges,
    opd_plan_table,
    plan_provenance,
    roadmap,
    story_plan,
)
from spbe.results.cycle import with_self_assessment
from spbe.results.insights import Kpi, summary_kpi
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.results.published import NATIONAL, REGIONAL_KINDS, is_final, is_present, result_row

SLIDE_KEYS = ("judul", "tren", "domain", "selisih", "opd", "peta-jalan")


MAX_OPD_ROWS = 8


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
    annual_budgets: float | Sequence[float] | None = None,
    scenario: Scenario | None = None,
) -> Story:
    """The six slides for ``instansi_code`` in ``year``. Raises ValueError (Indonesian) when the
    instansi has no result in that year. ``costs`` is the instansi's cost table (its own where saved,
    labelled "Mandiri"); None means the illustrative one. ``scenario`` (a saved scenario of that
    instansi and year) puts its raises on slides 4–6 instead of the cheapest plan, priced with the
    costs saved in it (annual budgets are then not used).
    ``annual_budgets`` (Rupiah: one figure for every year or one per year, the last repeating)
    makes slide 6 the roadmap under those budgets; without them it spreads slide 4's plan."""
    official = with_self_assessment(official, levels, instansi_code, int(year))
    kpi = summary_kpi(official, instansi_code, int(year))
    row = result_row(official, instansi_code, int(year))
    fw = load_framework(str(row["framework"]))
    flag = (
        f"Sumber sekunder: kerangka {fw.short_regulation} dari ringkasan publik, bukan naskah "
        "resmi · "
        if fw.secondary_source
        else ""
    )
    data_line = (
        f"{flag}Data evaluasi {kpi.year}"
        + (f" ({kpi.source})" if kpi.source else "")
        + f" · disusun {indonesian_date(made_on)}"
    )
    planned = story_plan(kpi, fw, levels, opd, owners, costs, annual_budgets, scenario)
    builders = (_title, _trend, _domains, _gap, _opd, _roadmap)
    parts = [build(kpi, row, fw, official, planned) for build in builders]
    slides = tuple(
        Slide(key=key, number=k + 1, total=len(parts), data_line=data_line, **part)
        for k, (key, part) in enumerate(zip(SLIDE_KEYS, parts, strict=True))
    )
    return Story(instansi_code, kpi.instansi_name, int(year), made_on, slides)


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


def _title(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
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


def _trend(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
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


def _domains(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
    title = "Profil domain dibanding nasional dan provinsi"
    mine = _domain_values(row, fw) if fw.has_domains else None
    if mine is None:
        return _slide(
            title,
            "Nilai per domain tidak tersedia",
            points=[
                f"Tidak ada nilai domain yang dipublikasikan untuk {kpi.instansi_name} "
                f"tahun {kpi.year}."
            ],
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


def cost_fact_label(planned: StoryPlan) -> str:
    """ "Biaya (Ilustrasi)" or "Biaya (Mandiri)": whose cost table priced the plan."""
    if planned.trial_costs:
        return "Biaya (coba)"
    own = getattr(planned.costs, "provenance", "") == Provenance.MANDIRI
    return "Biaya (Mandiri)" if own else "Biaya (Ilustrasi)"


def _gap(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
    plan = planned.plan
    if planned.scenario_name:
        title = f"Skenario {planned.scenario_name}: biaya dan hasil"
    elif kpi.next_predicate:
        title = f"Menuju {kpi.next_predicate}: selisih dan cara termurah"
    else:
        title = "Selisih menuju predikat berikutnya"
    headline = kpi.gap_text
    if plan is None:
        return _slide(
            title, headline, points=[planned.note], provenance=plan_provenance(kpi, planned)
        )
    raised = len(plan.raises)
    facts = [
        (cost_fact_label(planned), format_rupiah(plan.total_cost)),
        ("Langkah tingkat", f"{plan.total_steps} pada {raised} indikator"),
        ("Indeks sesudah", f"{format_index(plan.index_after)} · {plan.predicate_after}"),
    ]
    illustrative = planned.costs.provenance == Provenance.ILUSTRASI
    how = (
        f"kenaikan dari skenario tersimpan {planned.scenario_name}."
        if planned.scenario_name
        else "biaya terendah yang terbukti, bukan tebakan."
    )
    points = [
        f"Dihitung dari profil {format_index(plan.index_before)} ({plan.predicate_before}); {how}",
        f"Indikator yang dinaikkan: {number_ranges(plan.raises) or '–'}.",
        None if plan.feasible else "Target tidak tercapai dengan batas tingkat yang ada.",
        _costs_point(planned, illustrative),
    ]
    figures = [plan_waterfall_figure(plan, fw, kpi.year)] if plan.raises else []
    return _slide(title, headline, facts, points, figures, None, plan_provenance(kpi, planned))


def _costs_point(planned: StoryPlan, illustrative: bool) -> str:
    if planned.trial_costs:
        return "Biaya coba yang disimpan bersama skenario, bukan tabel biaya kantor."
    if illustrative:
        return "Biaya adalah ilustrasi untuk pemerintah kota; ganti dengan tabel biaya sendiri."
    return "Biaya dari tabel biaya instansi sendiri (Mandiri)."


def _opd(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
    title = "Apa yang dimiliki dan harus dilakukan setiap OPD"
    contributions = planned.contributions
    if contributions is None:
        note = planned.note or f"Pemetaan OPD belum ada untuk {kpi.instansi_name}."
        return _slide(
            title,
            "Pemetaan OPD belum tersedia",
            points=[note],
            provenance=plan_provenance(kpi, planned),
        )
    table = opd_plan_table(contributions, planned.plan)
    ordered = table.sort_values(["plan_cost", "contribution"], ascending=False, kind="stable")
    acting = ordered[ordered["plan_steps"] > 0]
    shown = (acting if len(acting) else ordered).head(MAX_OPD_ROWS)
    cost_label = cost_fact_label(planned)
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
        provenance=plan_provenance(kpi, planned, f"Pemetaan OPD: {mapping} · {OPD_COST_RULE}"),
    )


def _roadmap(kpi: Kpi, row, fw: Framework, official, planned: StoryPlan) -> dict:
    if planned.annual_budgets and planned.plan is not None and planned.plan.raises:
        return _budget_roadmap(kpi, fw, planned)
    title = "Peta jalan: satu tingkat per indikator per tahun"
    plan = planned.plan
    if plan is None or not plan.raises:
        note = planned.note if plan is None else "Rencana tidak memerlukan kenaikan tingkat."
        return _slide(
            title, "Belum ada peta jalan", points=[note], provenance=plan_provenance(kpi, planned)
        )
    table = roadmap(plan, planned.profile.mapping(), fw, kpi.year)
    source = f"skenario {planned.scenario_name}" if planned.scenario_name else "rencana termurah"
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
        f"Langkah dari {source} (slide 4), paling banyak satu tingkat per indikator "
        f"per tahun: {len(table)} tahun, {format_rupiah(plan.total_cost)}."
    ]
    fast = planned.one_year
    if fast is not None and fast.feasible and len(table) > 1:
        points.append(
            f"Pilihan lain, semua dalam {kpi.year + 1}: rencana berbeda yang menaikkan setiap "
            f"indikator paling banyak satu tingkat — {fast.total_steps} langkah, "
            f"{format_rupiah(fast.total_cost)} → {format_index(fast.index_after)} "
            f"{fast.predicate_after}."
        )
    return _slide(
        title,
        f"{plan.predicate_after} pada {when}",
        points=points,
        figures=[roadmap_figure(table, plan.index_before, plan.predicate_before, kpi.year, fw)],
        table=display,
        provenance=plan_provenance(kpi, planned),
    )


def _budget_roadmap(kpi: Kpi, fw: Framework, planned: StoryPlan) -> dict:
    """Slide 6 under annual budgets: the exact roadmap, each year's spend and index after."""
    title = "Peta jalan dengan anggaran per tahun"
    budgets = budgets_text(planned.annual_budgets, kpi.year + 1)
    provenance = plan_provenance(kpi, planned, f"Anggaran: {budgets}")
    road = planned.roadmap
    if road is None:
        return _slide(
            title, "Belum ada peta jalan", points=[planned.roadmap_note], provenance=provenance
        )
    years = road.years
    display = pd.DataFrame(
        {
            "Tahun": [str(y.year_number) for y in years],
            "Indikator naik 1 tingkat": [number_ranges(y.raises) for y in years],
            "Biaya": [format_rupiah(y.cost) for y in years],
            "Indeks": [f"{format_index(y.index_after)} {y.predicate_after}" for y in years],
        }
    )
    target = kpi.next_predicate
    if road.feasible:
        headline = f"{target} pada {years[-1].year_number}"
    else:
        headline = f"{target} belum tercapai dalam {DEFAULT_HORIZON} tahun"
    points = [
        f"Anggaran {budgets}: tahun paling sedikit, lalu biaya terendah (terbukti); paling "
        "banyak satu tingkat per indikator per tahun; sisa anggaran tidak terbawa.",
        f"{len(years)} tahun, {format_rupiah(road.total_cost)}; rencana termurah tanpa batas "
        f"tahunan (slide 4): {format_rupiah(planned.plan.total_cost)}.",
        None
        if road.feasible
        else f"Dengan anggaran ini indeks tertinggi dalam {DEFAULT_HORIZON} tahun: "
        f"{format_index(road.index_after)} ({road.predicate_after}).",
    ]
    table = pd.DataFrame(
        {
            "year": [y.year_number for y in years],
            "index": [y.index_after for y in years],
            "predicate": [y.predicate_after for y in years],
            "cost": [y.cost for y in years],
            "budget": [y.budget for y in years],
        }
    )
    figure = roadmap_figure(table, road.index_before, road.predicate_before, kpi.year, fw)
    return _slide(
        title, headline, points=points, figures=[figure], table=display, provenance=provenance
    )
