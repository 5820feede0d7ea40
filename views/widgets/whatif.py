"""The Simulasi page's pieces: the live what-if (a fragment: only it reruns while levels change)
and the saved scenarios (compare, load, delete)."""

from __future__ import annotations

import streamlit as st

from spbe import ui
from spbe.charts.detail import gauge_figure, waterfall_figure
from spbe.charts.plan import scenario_groups_figure, sensitivity_figure
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_delta, format_index, format_rupiah
from spbe.core.framework import Framework, load_framework
from spbe.core.scenario import InstansiCosts
from spbe.planning.plan import compare_scenarios
from spbe.planning.session import StartProfile, session_from_scenario, state_of
from spbe.planning.tables import comparison_display, format_points
from spbe.planning.whatif import change_cost, level_groups, level_steps, live_figures, sensitivity
from spbe.services import planning as services
from views.widgets.planning import SIM_SESSION_KEY, admin_only, write, write_url
from views.widgets.plans import use_scenario_costs

VERSION_KEY = "sim_widgets_version"


def _level_inputs(fw: Framework, session) -> dict[int, int]:
    levels = {}
    groups = level_groups(fw)
    for tab, group in zip(st.tabs([g.label.split(":")[0] for g in groups]), groups):
        with tab:
            st.caption(group.label)
            for aspect, numbers in group.aspects:
                st.markdown(f"**{aspect}**")
                columns = st.columns(4)
                for k, n in enumerate(numbers):
                    st.session_state.setdefault(f"sim_lvl_{n}", session.profile()[n])
                    levels[n] = columns[k % 4].number_input(
                        f"{n}. {fw.indicator(n).short_name}",
                        fw.min_level,
                        fw.max_level,
                        step=1,
                        key=f"sim_lvl_{n}",
                        help=f"Bobot {format_index(fw.indicator(n).weight)}",
                    )
    return levels


def _headline(start: StartProfile, levels, fw: Framework, costs: InstansiCosts, changed) -> None:
    live = live_figures(start.profile(), levels, fw)
    a, b, c, d = st.columns([1, 1, 1, 1.5])
    change = format_delta(live.change).replace("−", "-") if changed else None
    a.metric("Indeks simulasi", format_index(live.index_after), change)
    b.metric(
        "Predikat",
        live.predicate_after,
        f"dari {live.predicate_before}",
        delta_color="off",
        delta_arrow="off",
    )
    gap = f"{format_points(live.gap)} poin" if live.next_band else "puncak"
    c.metric(f"Jarak ke {live.next_band or 'predikat tertinggi'}", gap)
    cost = change_cost(start.profile(), levels, costs.mapping(), fw)
    d.metric("Biaya kenaikan (perkiraan)", format_rupiah(cost))
    before = f"Indeks awal {format_index(live.index_before)} ({live.predicate_before}). "
    st.caption(before + costs.caption())
    figure = gauge_figure(live.index_after, fw, reference=live.index_before)
    st.plotly_chart(figure, key="sim_gauge")


@st.fragment
def simulate(start: StartProfile, costs: InstansiCosts) -> None:
    """Level inputs per domain; index, predicate, gap, cost, waterfall and sensitivity, live."""
    fw = start.framework
    session = st.session_state[SIM_SESSION_KEY]
    if st.session_state.get(VERSION_KEY) != session.version:  # a new start: reload the inputs
        st.session_state.update({f"sim_lvl_{n}": v for n, v in session.profile().items()})
        st.session_state[VERSION_KEY] = session.version
    figures = st.container()
    levels = _level_inputs(fw, session)
    session = session.with_profile(levels)
    st.session_state[SIM_SESSION_KEY] = session
    with figures:
        _headline(start, levels, fw, costs, session.changed)
    if session.changed:
        steps = level_steps(start.profile(), levels, fw)
        st.plotly_chart(waterfall_figure(steps, title="Kenaikan per indikator"), key="sim_wf")
    per_million = st.toggle("Per Rp 1 juta biaya", key="sim_per_million")
    table = sensitivity(levels, fw, costs.mapping())
    title = "Sensitivitas: kenaikan indeks langkah berikutnya"
    st.plotly_chart(sensitivity_figure(table, per_million=per_million, title=title), key="sim_sens")
    write_url(state_of(session))


def saved_scenarios(code: str, name: str, origin: tuple[str, int], actor: str | None) -> None:
    """Compare 2–3 saved scenarios, load one into the simulation, delete one (admin)."""
    saved = ui.scenarios(code)
    labels = {
        int(r.id): f"{r.name} ({r.year}, {r.created_at:%d-%m-%Y}, oleh {r.actor})"
        for r in saved.itertuples()
    }
    if not labels:
        st.caption(f"Belum ada skenario tersimpan untuk {name}.")
        return
    picked = st.multiselect(
        "Bandingkan 2–3 skenario",
        list(labels),
        format_func=labels.get,
        max_selections=3,
        key="sim_compare",
        placeholder="Pilih skenario…",
    )
    try:
        if len(picked) >= 2:
            chosen = [ui.scenario(i) for i in picked]
            comparison = compare_scenarios(chosen)
            fw = load_framework(chosen[0].framework_id)
            st.dataframe(comparison_display(comparison, fw))
            st.plotly_chart(scenario_groups_figure(comparison, fw), key="sim_compare_chart")
        one = st.selectbox("Skenario", list(labels), format_func=labels.get, key="sim_pick")
        load, delete = st.columns(2)
        if load.button("Muat ke simulasi", key="sim_load"):
            current = st.session_state[SIM_SESSION_KEY]
            loaded = session_from_scenario(ui.scenario(one), origin, current)
            use_scenario_costs(ui.scenario(one))  # its trial costs, if it kept any
            st.session_state[SIM_SESSION_KEY] = loaded
            st.rerun()
    except SpbeError as exc:
        ui.show_error(exc)
        return
    if actor is None:
        delete.caption(admin_only("menghapus skenario"))
    elif delete.button("Hapus skenario", key="sim_delete"):
        if write(services.delete_scenario, one, actor=actor):
            st.rerun()
