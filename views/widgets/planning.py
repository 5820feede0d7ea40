"""Pieces both planning pages share (Simulasi, Perencana Anggaran): their start (title, starting
profile, an opened link, the session), the URL state, saving a scenario and the admin-only writes;
the planner's run and lead OPDs, cached.

Reads go through the cached loaders of ``spbe.ui``; writes through ``spbe.services.planning``.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import NamedTuple, TypeVar

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, load_framework
from spbe.core.planner import Plan
from spbe.core.scenario import InstansiCosts
from spbe.planning import links
from spbe.planning.plan import OpdLeads, PlanSettings, opd_leads, run_plan
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
    if session.start.stored and session.start.year != origin[1]:
        st.info(
            f"Belum ada profil tingkat indikator {origin[1]} tersimpan untuk {names[origin[0]]}: "
            f"titik awal adalah profil terakhir yang ada, {session.start.label}."
        )
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

    def picked() -> None:
        # The callback registered on an earlier run may see a label of another year (the browser
        # sends the old choice after a year change): only a label of this list restarts.
        value = st.session_state.get("sim_start_choice")
        if value in labels:
            restart(labels.index(value))

    left, right = st.columns([3, 1], vertical_alignment="bottom")
    label = left.selectbox("Profil awal", labels, key="sim_start_choice", on_change=picked)
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


# -- the planner's run, solved once per question --------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def _plan(key: str, _levels, _settings, _fw, _costs, _owners, _start_year) -> Plan:
    return run_plan(_levels, _settings, _fw, _costs, _owners, _start_year)


def cached_plan(
    levels: Mapping[int, int],
    settings: PlanSettings,
    fw: Framework,
    costs: Mapping[int, Sequence[float]],
    owners: Mapping[int, str],
    start_year: int,
) -> Plan:
    """``run_plan``, solved once per (profile, settings, cost mapping, lead OPDs, first year): a
    rerun that changes none of them (a sidebar or other widget change) reuses the plan. The key is
    a digest of their exact text (floats as ``repr``); a plan is never modified by its readers."""
    text = repr(
        (
            sorted(levels.items()),
            settings,
            fw.id,
            sorted((n, tuple(v)) for n, v in costs.items()),
            sorted(owners.items()),
            start_year,
        )
    )
    key = hashlib.sha256(text.encode()).hexdigest()
    return _plan(key, levels, settings, fw, costs, owners, start_year)


T = TypeVar("T")
_DERIVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DERIVED_LOCK = threading.Lock()


def derived(plan: Plan, name: Hashable, build: Callable[[], T]) -> T:
    """What the page draws from a cached plan (figures, tables), built once per plan and ``name``
    and kept as long as the plan is cached: a rerun with the same plan reuses it. Plotly figures
    are copied by ``st.plotly_chart`` and frames by ``st.dataframe``; nothing modifies them."""
    with _DERIVED_LOCK:
        memo = _DERIVED.setdefault(plan, {})
        if name in memo:
            return memo[name]
    value = build()
    with _DERIVED_LOCK:
        return memo.setdefault(name, value)


@st.cache_resource(show_spinner=False, max_entries=32)
def _leads(path: str, version: str, code: str, framework_id: str, levels: tuple) -> OpdLeads:
    opd, owners = ui.opd_and_owners(code)
    return opd_leads(dict(levels), owners, opd, load_framework(framework_id))


def cached_leads(code: str, levels: Mapping[int, int], fw: Framework) -> OpdLeads:
    """The lead OPDs of every indicator (``opd_leads``), per data version."""
    return _leads(ui.db_path(), ui.data_version(), code, fw.id, tuple(sorted(levels.items())))
