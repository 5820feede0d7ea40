"""The one module that imports Streamlit: cached loaders, shared filters, badges and small widgets.

Caching is keyed on plain values (the database path and its data version), never on a connection.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from spbe import store
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.framework import load_framework
from spbe.core.provenance import Provenance
from spbe.core.scenario import InstansiCosts, Scenario
from spbe.results.tables import sidebar_years
from spbe.store import scenarios as store_scenarios

DEFAULT_INSTANSI = "kota-ternate"
DEFAULT_COMPARISON = "prov-maluku-utara"
KEY_INSTANSI, KEY_COMPARISON, KEY_YEAR = "filter_instansi", "filter_comparison", "filter_year"

BADGE_COLOURS = {
    Provenance.RESMI: "green",
    Provenance.MANDIRI: "orange",
    Provenance.REKONSTRUKSI: "blue",
    Provenance.ILUSTRASI: "gray",
}


@dataclass(frozen=True)
class StoreState:
    """Where this process reads and writes: the real file, or the read-only fallback."""

    path: str
    fallback_reason: str | None = None
    memory: object = None  # an in-memory copy built from the seed files (fallback only)
    since: float = 0.0


RETRY_AFTER_S = 30.0  # how long the read-only fallback is used before the real file is tried again
_versions: dict[str, tuple[tuple, str]] = {}  # path -> (file stamp, data version)
_versions_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store_state(db_path: str) -> StoreState:
    """Create, migrate, seed and check the file once per process, then let it go: nothing here
    holds the file between interactions (the CLI can import, back up or make a deck meanwhile)."""
    try:
        store.open_store(db_path).close()
        return StoreState(db_path)
    except store.StoreError as exc:
        # Viewing must keep working: a fresh in-memory copy built from the seed files.
        memory = store.open_store(":memory:", check=False)
        return StoreState(":memory:", str(exc), memory, time.monotonic())


def store_state() -> StoreState:
    current = _store_state(str(store.resolve_db_path()))
    if current.fallback_reason and time.monotonic() - current.since > RETRY_AFTER_S:
        _store_state.clear()  # the lock may be gone or the file restored: try it again
        current = _store_state(str(store.resolve_db_path()))
    return current


def read_only_reason() -> str | None:
    """Why the dashboard shows the embedded copy instead of the database, or None."""
    return store_state().fallback_reason


@contextmanager
def using(*, check: bool = False) -> Iterator:
    """A connection for one unit of work; ``check=True`` before a write (damage is found first).

    A damaged file found here switches the process to the read-only fallback on the next run.
    """
    state = store_state()
    if state.memory is not None:
        yield state.memory
        return
    try:
        with store.connected(state.path, check=check) as con:
            yield con
    except store.StoreDamaged:
        _store_state.clear()
        raise


def db_path() -> str:
    return store_state().path


def data_version() -> str:
    """Changes with every write, from this process or another (spbe.store.data_version). A rerun
    without a write costs one stat of the file: the file is opened only when its stamp moved."""
    state = store_state()
    if state.memory is not None:
        return "memory-" + store.data_version(state.memory)
    stamp = store.file_stamp(state.path)
    with _versions_lock:
        known = _versions.get(state.path)
    if known and known[0] == stamp:
        return known[1]
    with using() as con:
        version = store.data_version(con)
    with _versions_lock:
        _versions[state.path] = (stamp, version)
    return version


def _read(reader, *args):
    try:
        with using() as con:
            return reader(con, *args)
    except store.StoreDamaged:  # found damaged now: read the embedded copy instead (banner shown)
        with using() as con:
            return reader(con, *args)


@st.cache_data(show_spinner=False)
def _official(path: str, version: str) -> pd.DataFrame:
    return _read(store.official_results)


@st.cache_data(show_spinner=False)
def _instansi(path: str, version: str) -> pd.DataFrame:
    return _read(store.instansi_table)


@st.cache_data(show_spinner=False)
def _levels(path: str, version: str, instansi_code: str | None) -> pd.DataFrame:
    return _read(store.indicator_levels, instansi_code)


@st.cache_data(show_spinner=False)
def _opd(path: str, version: str, instansi_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    with using() as con:
        return store.opd_table(con, instansi_code), store.owner_table(con, instansi_code)


@st.cache_data(show_spinner=False)
def _import_log(path: str, version: str, limit: int) -> pd.DataFrame:
    return _read(store.import_log, limit)


@st.cache_data(show_spinner=False)
def _table_counts(path: str, version: str) -> dict[str, int]:
    return _read(store.table_counts)


def import_log(limit: int = 50) -> pd.DataFrame:
    return _import_log(db_path(), data_version(), limit)


def table_counts() -> dict[str, int]:
    return _table_counts(db_path(), data_version())


# -- shared derived values (issue 15): figures and tables from the cached frames, SHARED by every
# session (st.cache_resource: no pickled copy read back on each rerun, 80 ms for one trend figure).


def _source(path: str, version: str, source: tuple[str, ...], code: str | None) -> tuple:
    loaders = {
        "official": lambda: (_official(path, version),),
        "levels": lambda: (_levels(path, version, code),),
        "profiles": lambda: (_profiles(path, version, code),),
        "opd": lambda: _opd(path, version, code),  # two frames: the OPDs and the owners
    }
    return tuple(frame for name in source for frame in loaders[name]())


@st.cache_resource(show_spinner=False, max_entries=512)
def _shared(path: str, version: str, source: tuple, code, name: str, args: tuple, _build):
    try:
        return _build(*_source(path, version, source, code), *args)
    except SpbeError as exc:
        return exc


def derived(build: Callable, source: tuple[str, ...], instansi_code: str | None, *args):
    """``build(*frames, *args)``, computed once per data version and arguments and shared by
    every session: never modify what it returns. ``source`` names the frames passed first, in
    order: "official" (all results), "levels" and "profiles" (of ``instansi_code``), "opd" (two
    frames: its OPDs and indicator owners). Arguments must be plain hashable values. An
    SpbeError of ``build`` is remembered too, and raised again on every call."""
    name = f"{build.__module__}.{build.__qualname__}"
    key = (db_path(), data_version(), tuple(source), instansi_code, name, tuple(args))
    found = _shared(*key, build)
    if isinstance(found, SpbeError):
        raise SpbeError(str(found))
    return found


def from_official(build: Callable, *args):
    """``build(official, *args)``, once per data version and arguments, shared: never modify it."""
    return derived(build, ("official",), None, *args)


def cached_figure(builder, codes):
    """A figure built from the official results for these instansi, once per data version; the
    figure is shared between sessions (never modify it; copy with ``go.Figure(fig)`` first)."""
    return from_official(builder, tuple(codes))


@st.cache_data(show_spinner=False)
def _costs(path: str, version: str, instansi_code: str, framework_id: str) -> InstansiCosts:
    return _read(store_scenarios.load_costs, instansi_code, load_framework(framework_id))


@st.cache_data(show_spinner=False)
def _scenarios(path: str, version: str, instansi_code: str) -> pd.DataFrame:
    return _read(store_scenarios.list_scenarios, instansi_code)


@st.cache_data(show_spinner=False)
def _scenario(path: str, version: str, scenario_id: int) -> Scenario:
    return _read(store_scenarios.get_scenario, scenario_id)


def costs(instansi_code: str, framework_id: str) -> InstansiCosts:
    """The instansi's cost table (stored rows, else the illustrative defaults)."""
    return _costs(db_path(), data_version(), instansi_code, framework_id)


def scenarios(instansi_code: str) -> pd.DataFrame:
    return _scenarios(db_path(), data_version(), instansi_code)


def scenario(scenario_id: int) -> Scenario:
    return _scenario(db_path(), data_version(), int(scenario_id))


def official() -> pd.DataFrame:
    return _official(db_path(), data_version())


def instansi() -> pd.DataFrame:
    return _instansi(db_path(), data_version())


def levels(instansi_code: str | None = None) -> pd.DataFrame:
    return _levels(db_path(), data_version(), instansi_code)


@st.cache_data(show_spinner=False)
def _profiles(path: str, version: str, instansi_code: str | None) -> pd.DataFrame:
    return _read(store.level_profiles, instansi_code)


def profiles(instansi_code: str | None = None) -> pd.DataFrame:
    """Stored level profiles (instansi, year, framework, provenance, count, last import)."""
    return _profiles(db_path(), data_version(), instansi_code)


@st.cache_data(show_spinner=False)
def _evidence(path: str, version: str, instansi_code: str, year: int):
    with using() as con:
        return (
            store.opd_evidence(con, instansi_code, year),
            store.verification_dates(con, instansi_code),
        )


def evidence(instansi_code: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The OPDs' evidence entries of that year and the instansi's verification dates."""
    return _evidence(db_path(), data_version(), instansi_code, int(year))


def opd_and_owners(instansi_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _opd(db_path(), data_version(), instansi_code)


# -- shared filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    instansi: str
    instansi_name: str
    comparison: str
    comparison_name: str
    year: int


def filters() -> Filters:
    """The filters chosen in the sidebar on this run (set by app.py)."""
    return st.session_state["filters"]


# The sidebar filters of the run that offered a deferred download (the callable runs on the
# click, in a server thread outside any script run): see ``deferred``.
_deferred_filters: contextvars.ContextVar = contextvars.ContextVar("spbe_deferred", default=None)


def deferred(build: Callable[[], bytes]) -> Callable[[], bytes]:
    """``build`` to run later (a download's bytes, made on the click): it sees this run's
    sidebar filters, so ``table_workbook`` inside it flags a secondary-source year as now."""
    captured = (st.session_state.get("filters"),)

    def run() -> bytes:
        token = _deferred_filters.set(captured)
        try:
            return build()
        finally:
            _deferred_filters.reset(token)

    return run


def table_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The sheets as an .xlsx; for a year scored by a secondary-source instrument (the sidebar's
    year), a first sheet "Catatan sumber" says so."""
    from spbe.core.framework import framework_for_year
    from spbe.files.writers import write_table_workbook

    captured = _deferred_filters.get()
    chosen = captured[0] if captured is not None else st.session_state.get("filters")
    try:
        fw = framework_for_year(chosen.year) if chosen else None
    except SpbeError:  # no instrument for that year: nothing to flag
        fw = None
    if fw is not None and fw.secondary_source:
        note = f"Sumber sekunder: kerangka {fw.short_regulation} dimuat dari ringkasan publik, "
        note += f"bukan naskah resmi. {fw.source_note}"
        sheets = {"Catatan sumber": pd.DataFrame({"Catatan": [note]}), **sheets}
    return write_table_workbook(sheets)


def sidebar_filters() -> Filters:
    """Instansi (default Kota Ternate), comparison (default Provinsi Maluku Utara), year (latest)."""
    table = instansi()
    names = dict(zip(table["code"], table["name"], strict=True))
    codes = list(names)
    with st.sidebar:
        st.header("Pilihan")
        chosen = st.selectbox(
            "Instansi",
            codes,
            index=codes.index(DEFAULT_INSTANSI),
            format_func=names.get,
            key=KEY_INSTANSI,
        )
        comparison = st.selectbox(
            "Pembanding",
            codes,
            index=codes.index(DEFAULT_COMPARISON),
            format_func=names.get,
            key=KEY_COMPARISON,
        )
        options, default = derived(sidebar_years, ("official", "profiles"), chosen, chosen)
        if not options:
            options, _ = derived(sidebar_years, ("official", "profiles"), None, "nasional")
            default = 0
        years = list(options)
        if st.session_state.get(KEY_YEAR) not in years:
            st.session_state.pop(KEY_YEAR, None)
        year = st.selectbox(
            "Tahun",
            years,
            index=default,
            key=KEY_YEAR,
            format_func=lambda y: options[y].label,
            help="Setiap tahun dengan data untuk instansi ini (hasil resmi, penilaian mandiri, "
            "tingkat indikator), terbaru di atas, dengan instrumen yang menilainya. Bawaan: tahun "
            "terakhir dengan hasil resmi; penilaian mandiri bersifat sementara.",
        )
        st.caption(f"{year}: " + ", ".join(options[year].what) + f" · {options[year].instrument}")
        if options[year].framework_id:
            secondary_source_warning(load_framework(options[year].framework_id))
        reason = read_only_reason()
        if reason:
            st.warning(
                "Mode baca saja: basis data utama tidak dapat dibuka, jadi dasbor memakai salinan "
                f"dari data bawaan. Perubahan tidak disimpan. ({reason})"
            )
    return Filters(chosen, names[chosen], comparison, names[comparison], int(year))


# -- small display helpers -------------------------------------------------------------------------


def badge(label: str, provenance: str = Provenance.RESMI) -> None:
    """A provenance badge next to a figure."""
    colour = BADGE_COLOURS.get(provenance, "gray")
    st.badge(label, color=colour)


def secondary_source_warning(framework) -> None:
    if framework.secondary_source:
        st.warning(
            f"Sumber sekunder: kerangka {framework.short_regulation} dimuat dari ringkasan publik, "
            f"bukan naskah resmi; setiap angka {framework.name} bersifat sementara. "
            f"{framework.source_note}",
            icon="⚠️",
        )


def show_error(exc: Exception) -> None:
    st.error(str(exc))


def excel_download(label: str, data, file_name: str, key: str) -> None:
    """A download of .xlsx ``data``: bytes, or (better) a callable that makes them on the click,
    with this run's sidebar filters (``deferred``), so no rerun builds a workbook nobody asked for."""
    st.download_button(
        label,
        data=deferred(data) if callable(data) else data,
        file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        icon=":material/download:",
    )


def index_text(value: float) -> str:
    return format_index(value)


# -- admin role for writes (issue 7) ---------------------------------------------------------------

KEY_ADMIN = "admin_actor"


@st.cache_resource(show_spinner=False)
def _throttle():
    from spbe.auth import LoginThrottle

    return LoginThrottle()


def _secret(key: str) -> str | None:
    try:
        return st.secrets.get(key)
    except FileNotFoundError:  # no secrets.toml at all (StreamlitSecretNotFoundError)
        return None


def admin_hash() -> str | None:
    from spbe.auth import configured_hash

    return configured_hash(_secret)


def admin_actor() -> str | None:
    """'admin' (or the name given at login) when this session has logged in; else None."""
    return st.session_state.get(KEY_ADMIN) if admin_hash() else None


def _client_id() -> str:
    try:
        return st.context.ip_address or "lokal"
    except AttributeError:  # older runtimes / AppTest
        return "lokal"


def admin_login() -> str | None:
    """Sidebar login for the admin role. Returns the actor name when logged in.

    With no hash configured, write actions are hidden in the UI (they remain in the CLI).
    """
    from spbe.auth import AuthError

    stored = admin_hash()
    if not stored:
        return None
    if st.session_state.get(KEY_ADMIN):
        with st.sidebar:
            st.caption(f"Masuk sebagai admin: {st.session_state[KEY_ADMIN]}")
            if st.button("Keluar", key="admin_logout"):
                del st.session_state[KEY_ADMIN]
                st.rerun()
        return st.session_state[KEY_ADMIN]
    with st.sidebar.expander("Masuk admin (untuk mengubah data)"):
        with st.form("admin_login_form", clear_on_submit=True):
            name = st.text_input("Nama", key="admin_name")
            password = st.text_input("Kata sandi", type="password", key="admin_password")
            submitted = st.form_submit_button("Masuk")
        if submitted:
            try:
                _throttle().attempt(_client_id(), password, stored)
            except AuthError as exc:
                st.error(str(exc))
                return None
            st.session_state[KEY_ADMIN] = (name or "admin").strip()[:60]
            st.rerun()
    return None
