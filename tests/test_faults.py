"""Faults: a process killed in the middle of an import, a database locked by another process, a
corrupt database file.

- SIGKILL: a child process runs ``apply_levels`` on a large batch (282,000 rows, every row carrying
  the run's marker) and announces on stdout when its transaction begins, when the writes are done
  (just before COMMIT) and when COMMIT returned. The parent kills it at several delays after the
  transaction began, then reopens the file: the marker's rows and log entry are all there or none
  are; never a part.
- Locked / corrupt: ``open_store`` raises StoreError with an Indonesian message, and the dashboard
  (AppTest, SPBE_DB at that file) still renders the Data page from the seed data with "Mode baca
  saja", without the admin login or the uploader, and leaves the file as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from spbe import store
from spbe.auth import HASH_ENV, hash_password
from tests.conftest import ROOT
from tests.helpers_app import (
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    new_app_test,
    write_corrupt_database,
)

BATCH_INSTANSI = 6000  # x 47 indicators = 282,000 rows
BATCH_ROWS = BATCH_INSTANSI * 47
# When to kill, as (phase, fraction of that phase) in an undisturbed run: "writes" is BEGIN to the end
# of DELETE + INSERT, "commit" is the COMMIT itself (WAL flush and checkpoint).
KILL_POINTS = (
    ("writes", 0.0),
    ("writes", 0.3),
    ("writes", 0.6),
    ("writes", 0.9),
    ("commit", 0.1),
    ("commit", 0.3),
    ("commit", 0.5),
    ("commit", 0.7),
    ("commit", 0.9),
    ("commit", 1.2),
)
DATA_PAGE = next(p for p in discover_pages() if p.test_id == "data")  # the Data & Impor page

IMPORTER = textwrap.dedent(
    """
    import sys
    from contextlib import contextmanager

    import numpy as np
    import pandas as pd

    import spbe.store.imports as imports
    from spbe.store import open_store

    path, marker, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    year = int(sys.argv[4]) if len(sys.argv) > 4 else 2024
    con = open_store(path, seed=False)
    rows = pd.DataFrame({
        "instansi_code": np.repeat([f"uji-{i:05d}" for i in range(n)], 47),
        "year": year,
        "framework": "spbe-2020",
        "indicator": np.tile(np.arange(1, 48), n),
        "level": 3,
        "provenance": "ilustrasi",
        "note": marker,
    })
    original = imports.transaction

    @contextmanager
    def announced(con):
        with original(con) as cur:
            print("BEGIN", flush=True)
            yield cur
            print("WRITTEN", flush=True)  # the COMMIT runs next
        print("COMMITTED", flush=True)

    imports.transaction = announced
    imports.apply_levels(con, rows, actor="uji-gangguan", file_name=marker)
    con.close()
    print("DONE", flush=True)
    """
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return build_seeded_database(tmp_path_factory.mktemp("faults") / "template.duckdb")


def _copy(seeded: Path, target: Path) -> Path:
    shutil.copyfile(seeded, target)
    return target


def _start_import(db: Path, marker: str, year: int = 2024) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(db), marker, str(BATCH_INSTANSI), str(year)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _wait_for(process: subprocess.Popen, line: str, timeout: float = 120.0) -> list[str]:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = process.stdout.readline().strip()
        if not text and process.poll() is not None:
            raise AssertionError(f"importer ended before {line!r}: {process.stderr.read()}")
        seen.append(text)
        if text == line:
            return seen
    raise TimeoutError(f"no {line!r} within {timeout:.0f} s")


def _marker_state(db: Path, marker: str) -> tuple[int, int]:
    con = store.open_store(db)
    try:
        cur = con.cursor()
        rows = cur.execute("SELECT count(*) FROM indicator_level WHERE note = ?", [marker])
        n_rows = rows.fetchone()[0]
        logs = cur.execute("SELECT count(*) FROM import_log WHERE file_name = ?", [marker])
        return n_rows, logs.fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def phases(seeded, tmp_path_factory) -> dict[str, tuple[float, float]]:
    """(start, length) in seconds after BEGIN of each phase of an undisturbed run."""
    db = _copy(seeded, tmp_path_factory.mktemp("calibrate") / "spbe.duckdb")
    process = _start_import(db, "kalibrasi")
    _wait_for(process, "BEGIN")
    began = time.monotonic()
    _wait_for(process, "WRITTEN")
    written = time.monotonic() - began
    _wait_for(process, "COMMITTED")
    committed = time.monotonic() - began
    _wait_for(process, "DONE")
    assert process.wait(timeout=60) == 0
    assert _marker_state(db, "kalibrasi") == (BATCH_ROWS, 1)
    return {"writes": (0.0, written), "commit": (written, committed - written)}


@pytest.mark.parametrize(("phase", "fraction"), KILL_POINTS)
def test_sigkill_during_an_import_leaves_all_of_it_or_none(
    seeded, tmp_path, phases, phase, fraction
):
    db = _copy(seeded, tmp_path / "spbe.duckdb")
    marker = f"bunuh-{phase}-{fraction}"
    before = _counts(db)
    process = _start_import(db, marker)
    _wait_for(process, "BEGIN")
    start, length = phases[phase]
    delay = start + fraction * length
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=30)
    announced = process.stdout.read().split()
    assert code == -signal.SIGKILL or "DONE" in announced  # a late kill may find it finished

    n_rows, n_logs = _marker_state(db, marker)
    assert (n_rows, n_logs) in ((0, 0), (BATCH_ROWS, 1)), (n_rows, n_logs)
    if "COMMITTED" in announced:
        assert n_rows == BATCH_ROWS
    if "WRITTEN" not in announced:
        assert n_rows == 0
    after = _counts(db)
    added = n_rows
    assert after["indicator_level"] == before["indicator_level"] + added
    assert {k: v for k, v in after.items() if k not in ("indicator_level", "import_log")} == {
        k: v for k, v in before.items() if k not in ("indicator_level", "import_log")
    }
    outcome = "all" if n_rows else "none"
    print(f"\nkill {delay:.3f} s after BEGIN ({phase} {fraction:.0%}): {outcome}; saw {announced}")


def _counts(db: Path) -> dict[str, int]:
    con = store.open_store(db)
    try:
        return store.table_counts(con)
    finally:
        con.close()


def test_the_database_takes_a_new_import_after_a_kill(seeded, tmp_path, phases):
    db = _copy(seeded, tmp_path / "spbe.duckdb")
    process = _start_import(db, "dibunuh")
    _wait_for(process, "BEGIN")
    time.sleep(sum(phases["commit"]) / 2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # Other rows than the killed import's: whether that one was cut off or had just committed (a
    # kill can land after the commit), this import must go through.
    again = _start_import(db, "sesudahnya", year=2023)
    _wait_for(again, "DONE")
    assert again.wait(timeout=60) == 0
    assert _marker_state(db, "sesudahnya") == (BATCH_ROWS, 1)
    assert _marker_state(db, "dibunuh") in ((0, 0), (BATCH_ROWS, 1))


# -- locked and corrupt files --------------------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sys, time
    from spbe.store import open_store
    con = open_store(sys.argv[1])
    print("HOLDING", flush=True)
    time.sleep(120)
    """
)


@pytest.fixture
def locked_db(seeded, tmp_path):
    """A seeded database held open read-write by another process."""
    db = _copy(seeded, tmp_path / "dipakai.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        _wait_for(holder, "HOLDING", timeout=60)
        yield db
    finally:
        holder.kill()
        holder.wait(timeout=30)


@pytest.fixture
def app_env(monkeypatch):
    monkeypatch.setenv(HASH_ENV, hash_password("rahasia", iterations=1000))
    clear_streamlit_caches()
    with full_error_details():
        yield monkeypatch
    clear_streamlit_caches()


def test_a_locked_database_gives_a_clear_message(locked_db, monkeypatch):
    monkeypatch.setenv("SPBE_LOCK_WAIT", "1")
    started = time.monotonic()
    with pytest.raises(store.StoreBusy) as err:
        store.open_store(locked_db)
    waited = time.monotonic() - started
    assert 0.9 <= waited < 10  # it waited for the lock, a bounded time
    assert "sedang dipakai proses lain" in str(err.value)
    assert "sudah ditunggu 1 detik" in str(err.value)
    assert str(locked_db) in str(err.value)
    with pytest.raises(store.StoreError, match="sedang dipakai proses lain"):
        store.open_read_only(locked_db)


def test_a_corrupt_database_gives_a_clear_message(tmp_path):
    corrupt = write_corrupt_database(tmp_path / "rusak.duckdb")
    with pytest.raises(store.StoreDamaged) as err:
        store.open_store(corrupt)
    assert f"Basis data {corrupt} rusak" in str(err.value)
    assert f"python -m spbe restore FOLDER_CADANGAN --db {corrupt}" in str(err.value)


def _assert_read_only_dashboard(at, seeded: Path) -> None:
    """First run (home page, sidebar from app.py) then the Data page: seed data, no writes."""
    at.run()
    assert not at.exception, exception_texts(at)
    sidebar = [w.value for w in at.sidebar.warning]
    assert any(w.startswith("Mode baca saja: basis data utama tidak dapat dibuka") for w in sidebar)
    at.switch_page(DATA_PAGE.script).run()
    assert not at.exception, exception_texts(at)
    assert any("Mode baca saja" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    assert not at.text_input  # no admin login: nothing can be saved anyway
    counts = _counts(seeded)  # the in-memory copy holds exactly the seed data
    shown = {m.label: m.value for m in at.metric}
    assert shown["Hasil resmi"] == f"{counts['official_result']:,}".replace(",", ".")


def test_the_dashboard_reads_a_seed_copy_when_the_database_is_locked(locked_db, seeded, app_env):
    app_env.setenv(store.DB_ENV, str(locked_db))
    app_env.setenv("SPBE_LOCK_WAIT", "1")
    original = locked_db.read_bytes()
    _assert_read_only_dashboard(new_app_test(), seeded)
    assert locked_db.read_bytes() == original


def test_the_dashboard_reads_a_seed_copy_when_the_database_is_corrupt(tmp_path, seeded, app_env):
    corrupt = write_corrupt_database(tmp_path / "rusak.duckdb")
    original = corrupt.read_bytes()
    app_env.setenv(store.DB_ENV, str(corrupt))
    _assert_read_only_dashboard(new_app_test(), seeded)
    assert corrupt.read_bytes() == original


def test_the_dashboard_returns_to_the_real_database_once_the_lock_is_gone(
    seeded, tmp_path, app_env
):
    from spbe import ui

    db = _copy(seeded, tmp_path / "sebentar.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    app_env.setenv(store.DB_ENV, str(db))
    app_env.setenv("SPBE_LOCK_WAIT", "1")
    try:
        _wait_for(holder, "HOLDING", timeout=60)
        at = new_app_test()
        at.run()
        assert any("Mode baca saja" in w.value for w in at.sidebar.warning)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    app_env.setattr(ui, "RETRY_AFTER_S", 0.0)  # no need to wait 30 s in a test
    at = new_app_test()
    at.run()
    assert not at.exception, exception_texts(at)
    assert not any("Mode baca saja" in w.value for w in at.sidebar.warning)
