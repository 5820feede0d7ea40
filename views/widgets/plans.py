"""The Perencana Anggaran page's pieces: the plan's settings, its result (figures, per OPD, steps),
its downloads and the cost table (shown to everyone, changed by an admin)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import streamlit as st

from spbe import ui
from spbe.charts.detail import gauge_figure
from spbe.charts.plan import plan_opd_figure
from spbe.charts.slides import roadmap_figure
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_delta, format_index, format_rupiah
from spbe.core.framework import Framework
from spbe.core.planner import Plan
from spbe.core.roadmap import MAX_YEARS, Roadmap
from spbe.core.scenario import InstansiCosts
from spbe.files.plans import costs_workbook, rka_workbook
from spbe.planning.plan import (
    INDEX_TARGET,
    PlanSettings,
    default_target,
    plan_by_opd,
    plan_steps_table,
    roadmap_table,
    roadmap_year_steps,
    settings_of,
    settings_widgets,
)
from spbe.planning.session import StartProfile
from spbe.planning.tables import (
    budgets_text,
    costs_display,
    costs_editor_frame,
    format_points,
    parse_budgets,
    roadmap_display,
    roadmap_summary,
    steps_display,
)
from spbe.services import planning as services
from views.widgets.planning import PlanningStart, admin_only, write

MODES = {"target": "Rencana termurah menuju target", "anggaran": "Kenaikan terbesar dalam anggaran"}
ROADMAP_MODES = {
    "target": "Target secepatnya (tahun paling sedikit, lalu termurah)",
    "anggaran": "Indeks tertinggi dalam sejumlah tahun",
}
DEFAULT_ANNUAL_BUDGET, DEFAULT_YEARS = "750.000.000", 5
ANNUAL_HELP = (
    "Satu angka untuk setiap tahun, atau satu angka per tahun dipisah titik koma (angka terakhir "
    "berlaku untuk tahun-tahun berikutnya), misalnya 750.000.000; 800.000.000. Boleh juga "
    "Rp 750.000.000, 750 juta atau 1,5 miliar."
)


def _prepare(start: PlanningStart) -> None:
    """Settings from an opened link, or a default target one band above a new start."""
    profile, fw = start.session.start, start.session.start.framework
    if start.link.state is not None and (linked := settings_of(start.link.state)) is not None:
        st.session_state.update(settings_widgets(linked, fw))
    elif st.session_state.get("plan_for") != profile:
        st.session_state["plan_target"] = default_target(profile.profile(), fw)
    st.session_state["plan_for"] = profile


def settings(start: PlanningStart) -> PlanSettings:
    """Mode, target or budget, one step a year, locked indicators and the highest level."""
    _prepare(start)
    profile, fw = start.session.start, start.session.start.framework
    label = "**Satu tingkat per tahun** — setiap indikator naik paling banyak satu tingkat"
    one_step = st.toggle(label, key="plan_one_step")
    label = "**Anggaran per tahun** — peta jalan beberapa tahun, setiap tahun dalam anggarannya"
    annual = st.toggle(label, key="plan_annual", on_change=_annual_switched)
    modes = ROADMAP_MODES if annual else MODES
    mode = st.radio(
        "Yang dicari", list(modes), horizontal=True, key="plan_mode", format_func=modes.get
    )
    target, budget = None, None
    if mode == "target":
        choices = [b.name for b in fw.bands[1:]] + [INDEX_TARGET]
        if st.session_state.get("plan_target") not in choices:
            st.session_state["plan_target"] = default_target(profile.profile(), fw)
        target = st.selectbox("Target", choices, key="plan_target")
        if target == INDEX_TARGET:
            low, high = float(fw.min_level), float(fw.max_level)
            value = st.number_input(
                "Indeks target", low, high, step=0.01, format="%.2f", key="plan_target_value"
            )
            target = Decimal(str(round(value, 4)))
    elif not annual:
        budget = int(st.number_input("Anggaran (Rupiah)", 0, step=50_000_000, key="plan_budget"))
        st.caption(f"Anggaran: {format_rupiah(budget)}")
    budgets, years = _annual(mode, profile.year + 1) if annual else ((), None)
    with st.expander("Batasan lain: indikator terkunci, tingkat tertinggi"):
        locked = st.multiselect(
            "Indikator terkunci (tidak diubah)",
            fw.indicator_numbers,
            format_func=lambda n: f"{n}. {fw.indicator(n).short_name}",
            key="plan_locked",
        )
        st.session_state.setdefault("plan_max_level", fw.max_level)
        levels = list(range(fw.min_level + 1, fw.max_level + 1))
        top = st.select_slider("Tingkat tertinggi yang diizinkan", levels, key="plan_max_level")
    cap = None if top == fw.max_level else top
    return PlanSettings(mode, target, budget, tuple(locked), cap, one_step, budgets, years)


def _annual_switched() -> None:
    """A roadmap starts with one level per indicator per year (the switch can be turned off)."""
    if st.session_state.get("plan_annual"):
        st.session_state["plan_one_step"] = True


def _annual(mode: str, first_year: int) -> tuple[tuple[int, ...], int]:
    """The annual budgets (typed Rupiah, one or one per year) and the number of years."""
    st.session_state.setdefault("plan_annual_budgets", DEFAULT_ANNUAL_BUDGET)
    st.session_state.setdefault("plan_years", DEFAULT_YEARS)
    left, right = st.columns([3, 1])
    text = left.text_input(
        "Anggaran per tahun (Rupiah)", key="plan_annual_budgets", help=ANNUAL_HELP
    )
    label = "Paling lama (tahun)" if mode == "target" else "Jumlah tahun"
    years = int(right.number_input(label, 1, MAX_YEARS, step=1, key="plan_years"))
    try:
        budgets = parse_budgets(text, "Anggaran per tahun")
    except SpbeError as exc:
        stop_on(exc)
    st.caption(
        f"Anggaran: {budgets_text(budgets, first_year)}. Sisa anggaran suatu tahun tidak "
        "terbawa ke tahun berikutnya."
    )
    return budgets, years


def result(plan: Plan, fw: Framework, costs: InstansiCosts, confirmed: bool) -> None:
    """Cost, index and predicate after, the gauges, and the plan per lead OPD with its steps."""
    roadmap = getattr(plan, "roadmap", None)
    if not plan.feasible:
        within = "" if roadmap is None else f" dalam {len(roadmap.years)} tahun"
        st.warning(
            f"Target tidak tercapai dengan batasan ini{within}. Indeks tertinggi yang dapat "
            f"dicapai: {format_index(plan.index_after)} ({plan.predicate_after})."
        )
    a, b, c, d = st.columns([1.6, 1, 1, 0.8])
    a.metric("Biaya total", format_rupiah(plan.total_cost))
    gain = format_delta(plan.index_gain).replace("−", "-")
    b.metric("Indeks sesudah", format_index(plan.index_after), gain)
    c.metric(
        "Predikat sesudah",
        plan.predicate_after,
        f"dari {plan.predicate_before}",
        delta_color="off",
        delta_arrow="off",
    )
    d.metric("Langkah tingkat", str(plan.total_steps))
    unconfirmed = " Pemetaan OPD pengampu masih bawaan dan belum dikonfirmasi."
    st.caption(costs.caption() + ("" if confirmed else unconfirmed))
    before, after = st.columns(2)
    before.plotly_chart(gauge_figure(plan.index_before, fw, title="Sebelum"), key="plan_gauge_0")
    figure = gauge_figure(
        plan.index_after, fw, reference=plan.index_before, title="Sesudah rencana"
    )
    after.plotly_chart(figure, key="plan_gauge_1")
    if roadmap is not None:
        roadmap_years(roadmap, fw)
    by_opd, steps = plan_by_opd(plan, fw), plan_steps_table(plan, fw)
    if len(by_opd):
        st.plotly_chart(plan_opd_figure(by_opd, title="Biaya per OPD pengampu"), key="plan_opd")
    for row in by_opd.itertuples(index=False):
        label = (
            f"{row.opd} — {format_rupiah(row.cost)} · +{format_points(row.index_gain)} "
            f"({row.steps} langkah)"
        )
        with st.expander(label):
            st.dataframe(steps_display(steps[steps["opd"] == row.opd]), hide_index=True)
    st.caption(
        f"Jumlah: {format_rupiah(plan.total_cost)}, {plan.total_steps} langkah, "
        f"+{format_points(plan.index_gain)} poin indeks."
    )


def roadmap_years(roadmap: Roadmap, fw: Framework) -> None:
    """The roadmap year by year: a table (raises, spend against budget, index and predicate
    after), the index after each year as bars, and each year's raises with their names."""
    st.markdown("**Peta jalan per tahun**")
    table = roadmap_table(roadmap)
    target = None if roadmap.target is None else _target_name(roadmap, fw)
    st.caption(roadmap_summary(table, target, roadmap.feasible))
    if table.empty:
        return
    st.dataframe(roadmap_display(table), hide_index=True, key="plan_roadmap_table")
    first = int(table["year"].iloc[0]) - 1
    drawn = table.rename(columns={"index_after": "index", "predicate_after": "predicate"})
    figure = roadmap_figure(drawn, roadmap.index_before, roadmap.predicate_before, first, fw)
    st.plotly_chart(figure, key="plan_roadmap_chart")
    for row in table.itertuples(index=False):
        label = (
            f"{row.year} — {row.raised} indikator naik · {format_rupiah(row.cost)} dari "
            f"{format_rupiah(row.budget)} · indeks {format_index(row.index_after)} "
            f"({row.predicate_after})"
        )
        with st.expander(label):
            shown = steps_display(roadmap_year_steps(roadmap, fw, int(row.year)))
            st.dataframe(shown, hide_index=True)


def _target_name(roadmap: Roadmap, fw: Framework) -> str:
    """ "Baik" when the target is a band's lower bound, else "Indeks ≥ 2,75"."""
    for band in fw.bands:
        if float(band.lower) == roadmap.target:
            return band.name
    return f"Indeks ≥ {format_index(roadmap.target)}"


def rka_download(plan, fw, settings, start: StartProfile, name: str, costs) -> None:
    """The plan as an RKA workbook, built only when someone clicks."""
    ui.excel_download(
        "Unduh rencana untuk RKA (.xlsx)",
        lambda: rka_workbook(
            plan,
            fw,
            settings,
            instansi_name=name,
            start=start,
            cost_caption=costs.caption(),
            made_at=datetime.now(),
        ),
        f"rencana-spbe-{start.instansi_code}-{start.year}.xlsx",
        "plan_rka",
    )


def cost_table(code: str, fw: Framework, costs: InstansiCosts, actor, read_only: bool) -> None:
    """The cost table: downloadable by all; edited, imported or reset by an admin."""
    st.caption(costs.caption())
    ui.excel_download(
        "Unduh tabel biaya (.xlsx, lembar Biaya)",
        lambda: costs_workbook(costs.table.frame, fw),
        f"biaya-spbe-{code}.xlsx",
        "plan_costs_download",
    )
    if actor is None:
        st.dataframe(costs_display(costs, fw), hide_index=True)
        what = "mengubah, mengimpor atau mengembalikan tabel biaya"
        st.info(admin_only(what, read_only), icon="🔒")
        return
    with st.form("plan_costs_edit"):
        edited = st.data_editor(
            costs_editor_frame(costs, fw),
            hide_index=True,
            disabled=["Indikator", "Nama"],
            key="plan_costs_editor",
        )
        if st.form_submit_button("Simpan perubahan biaya"):
            if write(services.save_costs, code, fw, edited, actor=actor):
                st.rerun()
    upload = st.file_uploader(
        "Impor biaya dari .xlsx (lembar Biaya)", type=["xlsx"], key="plan_costs_upload"
    )
    if upload is not None and st.button("Impor dan simpan", key="plan_costs_import"):
        data = upload.getvalue()
        if write(services.import_costs, code, fw, data, upload.name, actor=actor):
            st.rerun()
    if costs.stored and st.button("Kembalikan ke biaya Ilustrasi", key="plan_costs_reset"):
        if write(services.reset_costs, code, fw, actor=actor):
            st.rerun()


def stop_on(exc: SpbeError) -> None:
    ui.show_error(exc)
    st.stop()
