"""The Perencana Anggaran page's pieces: the plan's settings, its result (figures, per OPD, steps),
its downloads, reopening a saved plan, and the cost table: anyone tries other costs for the
session ("biaya coba", never written to the office's table); an admin makes them the office's
table, imports or resets it."""

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
    OpdLeads,
    PlanSettings,
    default_target,
    opd_step_shares,
    plan_by_opd,
    plan_steps_table,
    roadmap_table,
    roadmap_year_steps,
    settings_of,
    settings_of_record,
    settings_widgets,
)
from spbe.planning.session import (
    StartProfile,
    TrialCosts,
    is_trial,
    session_from_scenario,
    trial_costs,
    trial_from_scenario,
)
from spbe.planning.tables import (
    ASAL_COLUMN,
    TRIAL_LABEL,
    budgets_text,
    costs_editor_frame,
    costs_from_editor,
    format_points,
    parse_budgets,
    roadmap_display,
    roadmap_summary,
    steps_display,
)
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.services import planning as services
from views.widgets.planning import SIM_SESSION_KEY, PlanningStart, admin_only, derived, write

MODES = {"target": "Rencana termurah menuju target", "anggaran": "Kenaikan terbesar dalam anggaran"}
ROADMAP_MODES = {
    "target": "Target secepatnya (tahun paling sedikit, lalu termurah)",
    "anggaran": "Indeks tertinggi dalam sejumlah tahun",
}
DEFAULT_ANNUAL_BUDGET, DEFAULT_YEARS = "750.000.000", 5
DEFAULT_BUDGET = 750_000_000
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
        st.session_state.setdefault("plan_budget", DEFAULT_BUDGET)  # not 0: a plan to look at
        budget = int(st.number_input("Anggaran (Rupiah)", 0, step=50_000_000, key="plan_budget"))
        st.caption(f"Anggaran: {format_rupiah(budget)}")
    budgets, years = _annual(mode, profile.year + 1) if annual else ((), None)
    with st.expander("Batasan lain: indikator terkunci, tingkat tertinggi"):
        locked = st.multiselect(
            "Indikator terkunci (tidak diubah)",
            fw.indicator_numbers,
            format_func=lambda n: f"{n}. {fw.indicator(n).short_name}",
            key="plan_locked",
            placeholder="Pilih indikator…",
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


def result(plan: Plan, fw: Framework, costs: InstansiCosts, leads: OpdLeads) -> None:
    """Cost, index and predicate after, the gauges, and the plan per lead OPD with its steps."""
    roadmap = getattr(plan, "roadmap", None)
    if not plan.feasible:
        within = "" if roadmap is None else f" dalam {len(roadmap.years)} tahun"
        st.warning(
            f"Target tidak tercapai dengan batasan ini{within}. Indeks tertinggi yang dapat "
            f"dicapai: {format_index(plan.index_after)} ({plan.predicate_after})."
        )
    trial_badge(costs)
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
    st.caption(costs.caption() + ("" if leads.confirmed else unconfirmed))
    before, after = st.columns(2)
    gauges = derived(plan, ("gauges", fw.id), lambda: _gauges(plan, fw))
    before.plotly_chart(gauges[0], key="plan_gauge_0")
    after.plotly_chart(gauges[1], key="plan_gauge_1")
    if roadmap is not None:
        roadmap_years(plan, roadmap, fw)
    by_opd_section(plan, fw, costs, leads)


def _gauges(plan: Plan, fw: Framework) -> tuple:
    return (
        gauge_figure(plan.index_before, fw, title="Sebelum"),
        gauge_figure(plan.index_after, fw, reference=plan.index_before, title="Sesudah rencana"),
    )


def trial_badge(costs: InstansiCosts) -> None:
    """The "Biaya coba" badge beside figures computed with trial costs (nothing otherwise)."""
    if is_trial(costs):
        st.badge(
            f"{TRIAL_LABEL} — hanya sesi ini",
            color="orange",
            icon=":material/science:",
            help="Biaya ini hanya untuk sesi ini dan tidak disimpan ke tabel biaya kantor.",
        )


def by_opd_section(plan: Plan, fw: Framework, costs: InstansiCosts, leads: OpdLeads) -> None:
    """The plan's cost per OPD (split by ``OPD_COST_RULE``) as bars and one expander per OPD."""
    trial = is_trial(costs)
    figure, parts = derived(plan, ("by_opd", leads, trial), lambda: _by_opd(plan, fw, leads, trial))
    if figure is not None:
        st.plotly_chart(figure, key="plan_opd")
        trial_badge(costs)
        st.caption(OPD_COST_RULE)
    for label, shown in parts:
        with st.expander(label):
            st.dataframe(shown, hide_index=True)
    st.caption(
        f"Jumlah: {format_rupiah(plan.total_cost)}, {plan.total_steps} langkah, "
        f"+{format_points(plan.index_gain)} poin indeks."
    )


def _by_opd(plan: Plan, fw: Framework, leads: OpdLeads, trial: bool):
    """(the per-OPD bars or None, [(expander label, its steps for people)]), built once a plan."""
    by_opd, steps = plan_by_opd(plan, fw, leads), plan_steps_table(plan, fw)
    figure = None
    if len(by_opd):
        title = "Biaya per OPD pengampu" + (f" ({TRIAL_LABEL.lower()})" if trial else "")
        figure = plan_opd_figure(by_opd, title=title)
    parts = []
    for row in by_opd.itertuples(index=False):
        label = (
            f"{row.opd} — {format_rupiah(row.cost)} · +{format_points(row.index_gain)} "
            f"({row.steps} langkah)"
        )
        part = opd_step_shares(steps, leads, row.opd_code)
        shared = bool((part["share"] != part["cost"]).any())
        parts.append((label, steps_display(part, part["share"] if shared else None)))
    return figure, parts


def roadmap_years(plan: Plan, roadmap: Roadmap, fw: Framework) -> None:
    """The roadmap year by year: a table (raises, spend against budget, index and predicate
    after), the index after each year as bars, and each year's raises with their names."""
    st.markdown("**Peta jalan per tahun**")
    summary, shown, figure, years = derived(plan, ("roadmap", fw.id), lambda: _roadmap(roadmap, fw))
    st.caption(summary)
    if shown is None:
        return
    st.dataframe(shown, hide_index=True, key="plan_roadmap_table")
    st.plotly_chart(figure, key="plan_roadmap_chart")
    for label, steps in years:
        with st.expander(label):
            st.dataframe(steps, hide_index=True)


def _roadmap(roadmap: Roadmap, fw: Framework):
    """(summary, table for people or None, bars, [(year label, its steps)]), once a plan."""
    table = roadmap_table(roadmap)
    target = None if roadmap.target is None else _target_name(roadmap, fw)
    summary = roadmap_summary(table, target, roadmap.feasible)
    if table.empty:
        return summary, None, None, []
    first = int(table["year"].iloc[0]) - 1
    drawn = table.rename(columns={"index_after": "index", "predicate_after": "predicate"})
    figure = roadmap_figure(drawn, roadmap.index_before, roadmap.predicate_before, first, fw)
    years = []
    for row in table.itertuples(index=False):
        label = (
            f"{row.year} — {row.raised} indikator naik · {format_rupiah(row.cost)} dari "
            f"{format_rupiah(row.budget)} · indeks {format_index(row.index_after)} "
            f"({row.predicate_after})"
        )
        years.append((label, steps_display(roadmap_year_steps(roadmap, fw, int(row.year)))))
    return summary, roadmap_display(table), figure, years


def _target_name(roadmap: Roadmap, fw: Framework) -> str:
    """ "Baik" when the target is a band's lower bound, else "Indeks ≥ 2,75"."""
    for band in fw.bands:
        if float(band.lower) == roadmap.target:
            return band.name
    return f"Indeks ≥ {format_index(roadmap.target)}"


def rka_download(
    plan, fw, settings, start: StartProfile, name: str, costs, leads: OpdLeads
) -> None:
    """The plan as an RKA workbook, built only when someone clicks."""
    trial = is_trial(costs)
    label = "Unduh rencana untuk RKA (.xlsx)" + (f" — {TRIAL_LABEL.lower()}" if trial else "")
    suffix = "-biaya-coba" if trial else ""
    ui.excel_download(
        label,
        lambda: rka_workbook(
            plan,
            fw,
            settings,
            instansi_name=name,
            start=start,
            leads=leads,
            cost_caption=costs.caption(),
            made_at=datetime.now(),
        ),
        f"rencana-spbe-{start.instansi_code}-{start.year}{suffix}.xlsx",
        "plan_rka",
    )
    if trial:
        st.caption(f"Berkas ini memakai {TRIAL_LABEL.lower()}, bukan tabel biaya kantor.")


# -- saved plans reopened ---------------------------------------------------------------------------

NOTE_KEY = "plan_note"


def open_saved(start: PlanningStart) -> None:
    """Reopen a scenario saved with a plan: its starting profile, settings and costs (as biaya
    coba when they differ from the office's table today)."""
    note = st.session_state.pop(NOTE_KEY, None)
    if note is not None:
        (st.error if note[0] == "error" else st.success)(note[1])
    saved = ui.scenarios(start.session.start.instansi_code)
    saved = saved[saved["has_plan"].astype(bool)]
    if saved.empty:
        return
    labels = {
        int(r.id): f"{r.name} ({r.year}, {r.created_at:%d-%m-%Y}, oleh {r.actor})"
        for r in saved.itertuples()
    }
    with st.expander("Buka rencana dari skenario tersimpan"):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        pick = left.selectbox(
            "Skenario", list(labels), format_func=labels.get, key="plan_open_pick"
        )
        right.button("Buka", key="plan_open", on_click=_open_saved, args=(pick, start.origin))


def _open_saved(scenario_id: int, origin: tuple[str, int]) -> None:
    """(callback, before the widgets exist) The scenario's session, settings and costs."""
    try:
        scenario = ui.scenario(scenario_id)
        settings = settings_of_record(scenario.plan)
        if settings is None:
            raise SpbeError(f"Rencana skenario '{scenario.name}' tidak dapat dibaca.")
        session = session_from_scenario(scenario, origin, st.session_state.get(SIM_SESSION_KEY))
        trial = use_scenario_costs(scenario)
    except SpbeError as exc:
        st.session_state[NOTE_KEY] = ("error", str(exc))
        return
    fw = session.start.framework
    st.session_state[SIM_SESSION_KEY] = session
    st.session_state.update({"plan_annual": False} | settings_widgets(settings, fw))
    st.session_state["plan_for"] = session.start
    costs = f"; biayanya dipakai sebagai {TRIAL_LABEL.lower()}" if trial else ""
    st.session_state[NOTE_KEY] = ("ok", f"Rencana skenario '{scenario.name}' dibuka{costs}.")


# -- costs: the office's table, or trial costs for this session ---------------------------------------

TRIAL_KEY, EDITOR_VERSION_KEY = "plan_trial_costs", "plan_costs_version"


def costs_in_use(code: str, fw: Framework) -> InstansiCosts:
    """This session's trial costs for the instansi and framework, else the office's table. Trial
    costs made over an office table that has changed since are compared with today's table."""
    office = ui.costs(code, fw.id)
    trial = st.session_state.get(TRIAL_KEY, {}).get((code, fw.id))
    if trial is None:
        return office
    if trial.office is None or (trial.office.mapping(), trial.office.updated_at) != (
        office.mapping(),
        office.updated_at,
    ):
        trial = trial_costs(office, trial.mapping(), fw, trial.source)
        _set_trial(code, fw.id, trial)
    return office if trial is None else trial


def use_scenario_costs(scenario) -> TrialCosts | None:
    """Plan with a saved scenario's costs from now on: as this session's trial costs when they
    differ from the office's table today, else the office's table. Raises SpbeError (damaged)."""
    office = ui.costs(scenario.instansi_code, scenario.framework_id)
    trial = trial_from_scenario(scenario, office)
    _set_trial(scenario.instansi_code, scenario.framework_id, trial)
    return trial


def _set_trial(code: str, framework_id: str, trial: TrialCosts | None) -> None:
    trials = dict(st.session_state.get(TRIAL_KEY, {}))
    if trial is None:
        trials.pop((code, framework_id), None)
    else:
        trials[(code, framework_id)] = trial
    st.session_state[TRIAL_KEY] = trials
    st.session_state[EDITOR_VERSION_KEY] = st.session_state.get(EDITOR_VERSION_KEY, 0) + 1


def editor_key() -> str:
    """The cost editor's key: a new one whenever the costs in use change (edits start over)."""
    return f"plan_costs_editor_{st.session_state.get(EDITOR_VERSION_KEY, 0)}"


def cost_table(code: str, fw: Framework, costs: InstansiCosts, actor, read_only: bool) -> None:
    """The costs in use: tried by anyone for the session (biaya coba); made the office's table,
    imported or reset by an admin; downloadable by all."""
    trial = costs if isinstance(costs, TrialCosts) else None
    office = trial.office if trial is not None else costs
    trial_badge(costs)
    st.caption(costs.caption())
    note = st.session_state.pop(f"{NOTE_KEY}_costs", None)
    if note:
        st.success(note)
    if trial is not None:
        back, make = st.columns(2)
        back.button(
            "Kembalikan ke tabel biaya kantor",
            key="plan_trial_reset",
            on_click=_set_trial,
            args=(code, fw.id, None),
        )
        if actor is not None and make.button("Jadikan tabel biaya kantor", key="plan_trial_save"):
            if write(services.save_costs, code, fw, trial.table.frame, actor=actor):
                _set_trial(code, fw.id, None)
                st.session_state[f"{NOTE_KEY}_costs"] = (
                    "Biaya coba kini menjadi tabel biaya kantor."
                )
                st.rerun()
    which = "biaya coba" if trial is not None else "tabel biaya"
    ui.excel_download(
        f"Unduh {which} (.xlsx, lembar Biaya)",
        lambda: costs_workbook(costs.table.frame, fw),
        f"biaya-spbe-{code}{'-coba' if trial is not None else ''}.xlsx",
        "plan_costs_download",
    )
    _trial_editor(code, fw, costs, office)
    if actor is None:
        what = "menjadikan biaya coba tabel biaya kantor, mengimpor atau mengembalikan tabel biaya"
        st.info(admin_only(what, read_only), icon="🔒")
        return
    upload = st.file_uploader(
        "Impor biaya dari .xlsx (lembar Biaya)", type=["xlsx"], key="plan_costs_upload"
    )
    if upload is not None and st.button("Impor dan simpan", key="plan_costs_import"):
        data = upload.getvalue()
        if write(services.import_costs, code, fw, data, upload.name, actor=actor):
            st.rerun()
    if office.stored and st.button("Kembalikan ke biaya Ilustrasi", key="plan_costs_reset"):
        if write(services.reset_costs, code, fw, actor=actor):
            st.rerun()


def _trial_editor(code: str, fw: Framework, costs: InstansiCosts, office: InstansiCosts) -> None:
    """The cost table as Rupiah text, editable by anyone; submitted, it becomes the trial costs."""
    frame = costs_editor_frame(costs, fw)
    steps = [c for c in frame.columns if "→" in c]
    config = {
        c: st.column_config.TextColumn(
            c, help="Rupiah: 35.000.000, Rp 35.000.000, 35 juta, 35 jt atau 1,5 miliar"
        )
        for c in steps
    } | {"Nama": st.column_config.TextColumn("Nama", width=280)}
    with st.form("plan_costs_edit"):
        st.markdown(
            f"**Coba biaya lain** — ubah sel lalu tekan tombol di bawah: rencana di atas dihitung "
            f"ulang dengan {TRIAL_LABEL.lower()} untuk sesi ini saja; tabel biaya kantor tidak "
            "berubah."
        )
        edited = st.data_editor(
            frame,
            hide_index=True,
            disabled=["Indikator", "Nama", ASAL_COLUMN],
            column_config=config,
            key=editor_key(),
        )
        if not st.form_submit_button("Pakai sebagai biaya coba"):
            return
    try:
        tried = trial_costs(office, costs_from_editor(edited, costs, fw), fw)
    except SpbeError as exc:
        ui.show_error(exc)
        return
    _set_trial(code, fw.id, tried)
    st.session_state[f"{NOTE_KEY}_costs"] = (
        f"{TRIAL_LABEL} dipakai: rencana di atas memakainya."
        if tried is not None
        else "Biaya sama dengan tabel biaya kantor; tidak ada biaya coba."
    )
    st.rerun()


def stop_on(exc: SpbeError) -> None:
    ui.show_error(exc)
    st.stop()
