"""Pieces both planning pages share (Simulasi, Perencana Anggaran): their start (title, starting
profile, an opened link, the session), the URL state, saving a scenario and the admin-only writes.

Reads go through the cached loaders of ``spbe.ui``; writes through ``spbe.services.planning``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.scenario import InstansiCosts
from spbe.planning import links
from spbe.planning.session import (
    SimSession,
    StartProfile,
    new_session,
    resolve_session,
    scenario_of,
    start_options,
)
from spbe.planning.tables import admin_only_message
from spbe.services import planning as services

SIM_SESSION_KEY, SIM_URL_KEY = "sim_session", "sim_url_written"


class PlanningStart(NamedTuple):
    session: SimSession
    link: links.Decoded  # an opened link (its .state may carry page settings)
    options: tuple[StartProfile, ...]
    origin: tuple[str, int]
    names: dict


def planning_start(title: str) -> PlanningStart:
    """Title, starting-profile options, an opened link and the session both planning pages share.

    Stops the page with a clear message when the instansi has nothing to start from.
    """
    chosen = ui.filters()
    origin = (chosen.instansi, chosen.year)
    table = ui.instansi()
    names = dict(zip(table["code"], table["name"], strict=True))
    st.title(title)
    try:
        options = start_options(ui.levels(chosen.instansi), chosen.instansi, chosen.year)
    except SpbeError as exc:
        ui.show_error(exc)
        st.stop()
    link = links.link_state(st.query_params.to_dict(), st.session_state.get(SIM_URL_KEY), names)
    session, notes = resolve_session(
        st.session_state.get(SIM_SESSION_KEY), origin, options, link.state, ui.levels
    )
    st.session_state[SIM_SESSION_KEY] = session
    for message in (*link.messages, *notes):
        st.warning(message)
    framework = session.start.framework
    ui.secondary_source_warning(framework)
    return PlanningStart(session, link, tuple(options), origin, names)


def start_picker(start: PlanningStart) -> None:
    """Choose the starting profile (a change starts a new session) and say what it is."""
    options, origin = start.options, start.origin

    def restart(chosen: int) -> None:
        st.session_state[SIM_SESSION_KEY] = new_session(
            options[chosen], origin, st.session_state[SIM_SESSION_KEY]
        )

    # The options are the labels themselves: a stored choice from another year (other labels) is
    # dropped instead of being sent back by the browser as a value the page cannot index.
    labels = [o.label for o in options]
    if st.session_state.get("sim_start_choice") not in (None, *labels):
        del st.session_state["sim_start_choice"]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    label = left.selectbox(
        "Profil awal",
        labels,
        key="sim_start_choice",
        on_change=lambda: restart(labels.index(st.session_state["sim_start_choice"])),
    )
    chosen = labels.index(label)
    right.button("Mulai ulang dari profil ini", on_click=restart, args=(chosen,), key="sim_restart")


def write_url(state: links.ScenarioState) -> None:
    """Keep the page's URL in step with its state (a bookmark reopens the same view)."""
    params = links.encode_state(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.session_state[SIM_URL_KEY] = params


def admin() -> tuple[str | None, bool]:
    """(the logged-in admin's name or None, whether the store is the read-only fallback)."""
    read_only = bool(ui.read_only_reason())
    return (None if read_only else ui.admin_login()), read_only


def write(action: Callable, *args, **kwargs) -> bool:
    """Run one write of ``spbe.services.planning`` on the store; a refusal is shown, not raised."""
    try:
        with ui.using(check=True) as con:
            action(con, *args, **kwargs)
    except SpbeError as exc:
        ui.show_error(exc)
        return False
    return True


def save_form(
    key: str, title: str, session: SimSession, costs: InstansiCosts, *plan, actor, then: str = "."
) -> None:
    """A form that saves the session (and a plan with its settings, if given) as a scenario."""
    with st.form(f"{key}_save", clear_on_submit=True):
        st.markdown(title)
        name = st.text_input("Nama skenario", key=f"{key}_save_name")
        note = st.text_area("Catatan", key=f"{key}_save_note", height=68)
        if st.form_submit_button("Simpan skenario"):
            try:
                scenario = scenario_of(session, name, note, costs, *plan)
            except SpbeError as exc:
                ui.show_error(exc)
                return
            if write(services.save_scenario, scenario, actor=actor):
                st.success(f"Skenario '{scenario.name}' tersimpan{then}")


def admin_only(what: str, read_only: bool = False) -> str:
    return admin_only_message(what, bool(ui.admin_hash()), read_only)
