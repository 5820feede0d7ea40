"""Simulasi: change indicator levels and see index, predicate and gains at once; saved scenarios."""

import streamlit as st

from spbe import ui
from spbe.charts.detail import gauge_figure, waterfall_figure
from spbe.charts.plan import scenario_groups_figure, sensitivity_figure
from spbe.core.formatting import format_delta, format_index, format_rupiah
from spbe.core.framework import load_framework
from spbe.planning import links as query_state
from spbe.planning.plan import compare_scenarios
from spbe.planning.session import new_session, scenario_of, session_from_scenario, state_of
from spbe.planning.tables import admin_only_message, comparison_display, format_points
from spbe.planning.whatif import change_cost, level_groups, level_steps, live_figures, sensitivity
from spbe.store.scenarios import (
    delete_scenario,
    get_scenario,
    list_scenarios,
    load_costs,
    save_scenario,
)

KEY, URL_KEY, VERSION_KEY = ui.SIM_SESSION_KEY, ui.SIM_URL_KEY, "sim_widgets_version"
con = ui.connection().con
session, link, options, origin, names = ui.planning_start("Simulasi")


def restart(chosen: int) -> None:
    st.session_state[KEY] = new_session(options[chosen], origin, st.session_state[KEY])


start, fw = session.start, session.start.framework
if not any(o.stored for o in options):
    st.info(f"Belum ada profil tingkat indikator tersimpan untuk {names[origin[0]]} "
            f"{origin[1]}. Pilihan yang ada: profil Ilustrasi (semua indikator tingkat "
            f"{fw.min_level}) — bukan nilai sebenarnya.")  # fmt: skip
left, right = st.columns([3, 1], vertical_alignment="bottom")
chosen = left.selectbox(
    "Profil awal", range(len(options)), format_func=lambda k: options[k].label,
    key="sim_start_choice", on_change=lambda: restart(st.session_state["sim_start_choice"]),
)  # fmt: skip
right.button("Mulai ulang dari profil ini", on_click=restart, args=(chosen,), key="sim_restart")
ui.badge(f"Profil awal: {start.label}", start.provenance)
where = f"{names[start.instansi_code]} {start.year}"
loaded_from = f" Dimuat dari {session.source}." if session.source else ""
st.caption(f"{where} · {fw.name} ({fw.short_regulation}). Hasil simulasi adalah perkiraan, "
           f"bukan hasil evaluasi.{loaded_from}")  # fmt: skip
costs = load_costs(con, start.instansi_code, fw)
actor = ui.admin_login() if not ui.connection().fallback_reason else None


@st.fragment
def simulate() -> None:
    session = st.session_state[KEY]
    if st.session_state.get(VERSION_KEY) != session.version:  # a new start: reload the inputs
        st.session_state.update({f"sim_lvl_{n}": v for n, v in session.profile().items()})
        st.session_state[VERSION_KEY] = session.version
    figures, levels = st.container(), {}
    groups = level_groups(fw)
    for tab, group in zip(st.tabs([g.label.split(":")[0] for g in groups]), groups):
        with tab:
            st.caption(group.label)
            for aspect, numbers in group.aspects:
                st.markdown(f"**{aspect}**")
                columns = st.columns(4)
                for k, n in enumerate(numbers):
                    st.session_state.setdefault(f"sim_lvl_{n}", session.profile()[n])
                    weight = format_index(fw.indicator(n).weight)
                    levels[n] = columns[k % 4].number_input(
                        f"{n}. {fw.indicator(n).short_name}", fw.min_level, fw.max_level, step=1,
                        key=f"sim_lvl_{n}", help=f"Bobot {weight}")  # fmt: skip
    session = session.with_profile(levels)
    st.session_state[KEY] = session
    live = live_figures(start.profile(), levels, fw)
    with figures:
        a, b, c, d = st.columns([1, 1, 1, 1.5])
        change = format_delta(live.change).replace("−", "-") if session.changed else None
        a.metric("Indeks simulasi", format_index(live.index_after), change)
        b.metric("Predikat", live.predicate_after, f"dari {live.predicate_before}",
                 delta_color="off", delta_arrow="off")  # fmt: skip
        gap = f"{format_points(live.gap)} poin" if live.next_band else "puncak"
        c.metric(f"Jarak ke {live.next_band or 'predikat tertinggi'}", gap)
        cost = change_cost(start.profile(), levels, costs.mapping(), fw)
        d.metric("Biaya kenaikan (perkiraan)", format_rupiah(cost))
        st.caption(f"Indeks awal {format_index(live.index_before)} ({live.predicate_before}). "
                   + costs.caption())  # fmt: skip
        st.plotly_chart(gauge_figure(live.index_after, fw, reference=live.index_before),
                        key="sim_gauge")  # fmt: skip
    if session.changed:
        steps = level_steps(start.profile(), levels, fw)
        st.plotly_chart(waterfall_figure(steps, title="Kenaikan per indikator"), key="sim_wf")
    per_million = st.toggle("Per Rp 1 juta biaya", key="sim_per_million")
    table = sensitivity(levels, fw, costs.mapping())
    title = "Sensitivitas: kenaikan indeks langkah berikutnya"
    st.plotly_chart(sensitivity_figure(table, per_million=per_million, title=title), key="sim_sens")
    params = query_state.encode_state(state_of(session))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.session_state[URL_KEY] = params


simulate()
session = st.session_state[KEY]
with st.form("sim_save", clear_on_submit=True):
    st.markdown("**Simpan skenario ini** (tautan halaman ini juga menyimpan simulasi)")
    name = st.text_input("Nama skenario", key="sim_save_name")
    note = st.text_area("Catatan", key="sim_save_note", height=68)
    if st.form_submit_button("Simpan skenario"):
        try:
            scenario = scenario_of(session, name, note, costs)
            save_scenario(con, scenario, actor=actor)
            st.success(f"Skenario '{scenario.name}' tersimpan.")
        except ValueError as exc:
            ui.show_error(exc)

st.subheader("Skenario tersimpan")
saved = list_scenarios(con, start.instansi_code)
labels = {int(r.id): f"{r.name} ({r.year}, {r.created_at:%d-%m-%Y}, oleh {r.actor})"
          for r in saved.itertuples()}  # fmt: skip
if not labels:
    st.caption(f"Belum ada skenario tersimpan untuk {names[start.instansi_code]}.")
    st.stop()
picked = st.multiselect("Bandingkan 2–3 skenario", list(labels), format_func=labels.get,
                        max_selections=3, key="sim_compare")  # fmt: skip
try:
    if len(picked) >= 2:
        chosen_scenarios = [get_scenario(con, i) for i in picked]
        comparison = compare_scenarios(chosen_scenarios)
        fw_compared = load_framework(chosen_scenarios[0].framework_id)
        st.dataframe(comparison_display(comparison, fw_compared))
        st.plotly_chart(scenario_groups_figure(comparison, fw_compared), key="sim_compare_chart")
    one = st.selectbox("Skenario", list(labels), format_func=labels.get, key="sim_pick")
    load, delete = st.columns(2)
    if load.button("Muat ke simulasi", key="sim_load"):
        loaded = session_from_scenario(get_scenario(con, one), origin, session)
        st.session_state[KEY] = loaded
        st.rerun()
    if actor is None:
        delete.caption(admin_only_message("menghapus skenario", bool(ui.admin_hash()), False))
    elif delete.button("Hapus skenario", key="sim_delete"):
        delete_scenario(con, one, actor=actor)
        st.rerun()
except ValueError as exc:
    ui.show_error(exc)
