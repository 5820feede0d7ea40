"""Perencana Anggaran: the cheapest plan to a target, or the largest gain within a budget."""

from datetime import datetime
from decimal import Decimal

import streamlit as st

from spbe import ui
from spbe.charts.detail import gauge_figure
from spbe.charts.plan import plan_opd_figure
from spbe.core.formatting import format_delta, format_index, format_rupiah
from spbe.files.plans import costs_workbook, read_costs_workbook, rka_workbook
from spbe.planning import links as query_state
from spbe.planning.plan import (
    INDEX_TARGET,
    PlanSettings,
    default_target,
    lead_opd_names,
    plan_by_opd,
    plan_steps_table,
    run_plan,
    settings_of,
    settings_widgets,
)
from spbe.planning.session import scenario_of, session_from_plan, state_of
from spbe.planning.tables import (
    admin_only_message,
    costs_display,
    costs_editor_frame,
    format_points,
    steps_display,
)
from spbe.store.scenarios import load_costs, reset_costs, save_costs, save_scenario

KEY, URL_KEY = ui.SIM_SESSION_KEY, ui.SIM_URL_KEY
con = ui.connection().con
session, link, options, origin, names = ui.planning_start("Perencana Anggaran")
start, fw = session.start, session.start.framework
if link.state is not None and (linked := settings_of(link.state)) is not None:
    st.session_state.update(settings_widgets(linked, fw))
elif st.session_state.get("plan_for") != start:  # a new start: aim for the band above it
    st.session_state["plan_target"] = default_target(start.profile(), fw)
st.session_state["plan_for"] = start
ui.badge(f"Profil awal: {start.label}", start.provenance)
st.caption(f"Rencana dihitung dari profil awal {names[start.instansi_code]} {start.year} "
           "(bukan dari perubahan di halaman Simulasi). Rencana ini tepat (biaya minimum "
           "terbukti), bukan tebakan.")  # fmt: skip

one_step = st.toggle("**Satu tingkat per tahun** — setiap indikator naik paling banyak satu "
                     "tingkat", key="plan_one_step")  # fmt: skip
mode = st.radio("Yang dicari", ["target", "anggaran"], horizontal=True, key="plan_mode",
                format_func={"target": "Rencana termurah menuju target",
                             "anggaran": "Kenaikan terbesar dalam anggaran"}.get)  # fmt: skip
target, budget = None, None
if mode == "target":
    choices = [b.name for b in fw.bands[1:]] + [INDEX_TARGET]
    if st.session_state.get("plan_target") not in choices:
        st.session_state["plan_target"] = default_target(start.profile(), fw)
    target = st.selectbox("Target", choices, key="plan_target")
    if target == INDEX_TARGET:
        value = st.number_input("Indeks target", float(fw.min_level), float(fw.max_level),
                                step=0.01, format="%.2f", key="plan_target_value")  # fmt: skip
        target = Decimal(str(round(value, 4)))
else:
    budget = int(st.number_input("Anggaran (Rupiah)", 0, step=50_000_000, key="plan_budget"))
    st.caption(f"Anggaran: {format_rupiah(budget)}")
with st.expander("Batasan lain: indikator terkunci, tingkat tertinggi"):
    locked = st.multiselect("Indikator terkunci (tidak diubah)", fw.indicator_numbers,
                            format_func=lambda n: f"{n}. {fw.indicator(n).short_name}",
                            key="plan_locked")  # fmt: skip
    st.session_state.setdefault("plan_max_level", fw.max_level)
    top = st.select_slider("Tingkat tertinggi yang diizinkan",
                           list(range(fw.min_level + 1, fw.max_level + 1)),
                           key="plan_max_level")  # fmt: skip
settings = PlanSettings(mode, target, budget, tuple(locked),
                            None if top == fw.max_level else top, one_step)  # fmt: skip
costs = load_costs(con, start.instansi_code, fw)
read_only = bool(ui.connection().fallback_reason)
actor = ui.admin_login() if not read_only else None
opd, owners = ui.opd_and_owners(start.instansi_code)
leads, confirmed = lead_opd_names(start.profile(), owners, opd, fw)
try:
    plan = run_plan(start.profile(), settings, fw, costs.mapping(), leads)
except ValueError as exc:
    ui.show_error(exc)
    st.stop()
params = query_state.encode_state(state_of(session, settings))
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)
st.session_state[URL_KEY] = params

st.subheader("Hasil")
if not plan.feasible:
    st.warning(f"Target tidak tercapai dengan batasan ini. Indeks tertinggi yang dapat dicapai: "
               f"{format_index(plan.index_after)} ({plan.predicate_after}).")  # fmt: skip
a, b, c, d = st.columns([1.6, 1, 1, 0.8])
a.metric("Biaya total", format_rupiah(plan.total_cost))
b.metric("Indeks sesudah", format_index(plan.index_after),
         format_delta(plan.index_gain).replace("−", "-"))  # fmt: skip
c.metric("Predikat sesudah", plan.predicate_after, f"dari {plan.predicate_before}",
         delta_color="off", delta_arrow="off")  # fmt: skip
d.metric("Langkah tingkat", str(plan.total_steps))
st.caption(costs.caption() + ("" if confirmed else " Pemetaan OPD pengampu masih bawaan dan "
                              "belum dikonfirmasi."))  # fmt: skip
before, after = st.columns(2)
before.plotly_chart(gauge_figure(plan.index_before, fw, title="Sebelum"), key="plan_gauge_0")
after.plotly_chart(gauge_figure(plan.index_after, fw, reference=plan.index_before,
                                title="Sesudah rencana"), key="plan_gauge_1")  # fmt: skip
by_opd, steps = plan_by_opd(plan, fw), plan_steps_table(plan, fw)
if len(by_opd):
    st.plotly_chart(plan_opd_figure(by_opd, title="Biaya per OPD pengampu"), key="plan_opd")
for row in by_opd.itertuples(index=False):
    label = (f"{row.opd} — {format_rupiah(row.cost)} · +{format_points(row.index_gain)} "
             f"({row.steps} langkah)")  # fmt: skip
    with st.expander(label):
        st.dataframe(steps_display(steps[steps["opd"] == row.opd]), hide_index=True)
st.caption(f"Jumlah: {format_rupiah(plan.total_cost)}, {plan.total_steps} langkah, "
           f"+{format_points(plan.index_gain)} poin indeks.")  # fmt: skip

apply, download = st.columns(2)
if apply.button("Terapkan ke simulasi", key="plan_apply", disabled=not plan.raises):
    st.session_state[KEY] = session_from_plan(session, plan)
    st.switch_page("views/simulasi.py")
with download:  # the workbook is built only when someone clicks
    ui.excel_download("Unduh rencana untuk RKA (.xlsx)", lambda: rka_workbook(
        plan, fw, settings, instansi_name=names[start.instansi_code], start=start,
        cost_caption=costs.caption(), made_at=datetime.now()),
        f"rencana-spbe-{start.instansi_code}-{start.year}.xlsx", "plan_rka")  # fmt: skip
with st.form("plan_save", clear_on_submit=True):
    st.markdown("**Simpan rencana sebagai skenario**")
    name = st.text_input("Nama skenario", key="plan_save_name")
    note = st.text_area("Catatan", key="plan_save_note", height=68)
    if st.form_submit_button("Simpan skenario"):
        try:
            scenario = scenario_of(session, name, note, costs, plan, settings)
            save_scenario(con, scenario, actor=actor)
            st.success(f"Skenario '{scenario.name}' tersimpan; bandingkan di halaman Simulasi.")
        except ValueError as exc:
            ui.show_error(exc)

st.subheader("Tabel biaya")
st.caption(costs.caption())
ui.excel_download("Unduh tabel biaya (.xlsx, lembar Biaya)",
                  lambda: costs_workbook(costs.table.frame, fw),
                  f"biaya-spbe-{start.instansi_code}.xlsx", "plan_costs_download")  # fmt: skip
if actor is None:
    st.dataframe(costs_display(costs, fw), hide_index=True)
    what = "mengubah, mengimpor atau mengembalikan tabel biaya"
    st.info(admin_only_message(what, bool(ui.admin_hash()), read_only), icon="🔒")
    st.stop()
try:
    with st.form("plan_costs_edit"):
        edited = st.data_editor(costs_editor_frame(costs, fw), hide_index=True,
                                disabled=["Indikator", "Nama"],
                                key="plan_costs_editor")  # fmt: skip
        if st.form_submit_button("Simpan perubahan biaya"):
            save_costs(con, start.instansi_code, fw, edited, actor=actor,
                                 note="diubah di dasbor")  # fmt: skip
            st.rerun()
    upload = st.file_uploader("Impor biaya dari .xlsx (lembar Biaya)", type=["xlsx"],
                              key="plan_costs_upload")  # fmt: skip
    if upload is not None and st.button("Impor dan simpan", key="plan_costs_import"):
        frame = read_costs_workbook(upload.getvalue(), upload.name, fw)
        save_costs(con, start.instansi_code, fw, frame, actor=actor,
                             note=f"impor {upload.name}", imported=True)  # fmt: skip
        st.rerun()
    if costs.stored and st.button("Kembalikan ke biaya Ilustrasi", key="plan_costs_reset"):
        reset_costs(con, start.instansi_code, fw, actor=actor)
        st.rerun()
except ValueError as exc:
    ui.show_error(exc)
