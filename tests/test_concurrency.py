"""One store, several processes: the CLI beside a running dashboard, and no lost update.

Real parts only: a real DuckDB file, a real `streamlit run` server, the CLI as a subprocess,
real .xlsx files written with openpyxl, two real concurrent writers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd

from spbe import store
from spbe.store import imports
from spbe.store.imports import STATUS_ACCEPTED, STATUS_REFUSED, ImportRefused, apply_levels
from tests.conftest import ROOT
from tests.data.make_bad_workbooks import levels_workbook
from tests.helpers_app import clear_streamlit_caches, new_app_test
from tests.helpers_cli import run

YEAR = 2025


def _rows(level: int, indicators=range(1, 48)) -> pd.DataFrame:
    """A validated batch (as the reader returns it): Kota Ternate 2025, mandiri."""
    return pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "year": YEAR,
            "framework": "spbe-2020",
            "indicator": list(indicators),
            "level": level,
            "provenance": "mandiri",
            "note": None,
        }
    ).astype({"year": "int64", "indicator": "int64", "level": "int64", "note": "object"})


def _workbook(path: Path, level: int) -> Path:
    rows = [("Kota Ternate", YEAR, n, level, "mandiri", None) for n in range(1, 48)]
    path.write_bytes(levels_workbook(rows))
    return path


def _stored_levels(store_copy: Path) -> set[int]:
    with store.connected(store_copy) as con:
        levels = store.indicator_levels(con, "kota-ternate", YEAR)
    return set(levels.loc[levels["provenance"] == "mandiri", "level"])


def test_two_overlapping_imports_in_one_process_never_overwrite_silently(store_copy, monkeypatch):
    """Both imports compare before either writes (forced by a barrier): the later commit
    conflicts, is compared again with the rows the first one wrote, and is refused."""
    barrier = threading.Barrier(2, timeout=30)
    compare = imports.compare_with_stored
    calls = []

    def compare_then_wait(cur, rows):
        result = compare(cur, rows)
        calls.append(int(rows["level"].iloc[0]))
        if len(calls) <= 2:  # the first comparison of each import waits for the other one
            barrier.wait()
        return result

    monkeypatch.setattr(imports, "compare_with_stored", compare_then_wait)
    outcomes: dict[int, object] = {}

    def run(level: int) -> None:
        with store.connected(store_copy) as con:  # each writer its own connection
            try:
                outcomes[level] = apply_levels(con, _rows(level), actor=f"admin-{level}")
            except ImportRefused as exc:
                outcomes[level] = exc

    threads = [threading.Thread(target=run, args=(level,)) for level in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    accepted = [lv for lv, out in outcomes.items() if not isinstance(out, ImportRefused)]
    refused = [lv for lv, out in outcomes.items() if isinstance(out, ImportRefused)]
    assert len(accepted) == 1 and len(refused) == 1, outcomes
    assert outcomes[accepted[0]].status == STATUS_ACCEPTED
    assert outcomes[refused[0]].report.rows_changed == 47  # it saw the other import's rows
    # two first comparisons, then at least one more after the conflict (a conflict found while
    # the other import has not committed yet is retried again)
    assert len(calls) >= 3 and calls.count(refused[0]) >= 2
    assert _stored_levels(store_copy) == {accepted[0]}  # the first import's values, untouched
    with store.connected(store_copy) as con:
        log = store.import_log(con)
    assert sorted(log["status"].head(2)) == sorted([STATUS_ACCEPTED, STATUS_REFUSED])
    refused_row = log[log["status"] == STATUS_REFUSED].iloc[0]
    assert refused_row["actor"] == f"admin-{refused[0]}"
    assert "akan berubah" in refused_row["message"]


def test_two_cli_imports_at_the_same_moment(store_copy, tmp_path):
    """Two processes import different values for the same rows at once: one lands, the other
    waits for the file, then is refused (exit 2) with the log saying so; nothing is lost."""
    files = [_workbook(tmp_path / f"mandiri-{lv}.xlsx", lv) for lv in (2, 4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "spbe", "import", str(f), "--db", str(store_copy)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [(p.wait(timeout=180), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    winner = 2 if results[0][0] == 0 else 4
    loser_err = [err for code, _, err in results if code == 2][0]
    assert "Impor ditolak: 47 nilai yang sudah tersimpan akan berubah" in loser_err
    assert _stored_levels(store_copy) == {winner}
    with store.connected(store_copy) as con:
        log = store.import_log(con)
    assert sorted(log["status"].head(2)) == sorted([STATUS_ACCEPTED, STATUS_REFUSED])


def test_an_open_session_sees_a_cli_import_at_its_next_interaction(
    store_copy, tmp_path, monkeypatch
):
    monkeypatch.setenv(store.DB_ENV, str(store_copy))
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    before = {m.label: m.value for m in at.metric}["Riwayat impor"]
    result = run("import", _workbook(tmp_path / "m.xlsx", 2), "--db", store_copy)
    assert result[0] == 0, result[2]
    at.run()  # the next interaction, same session, no restart
    after = {m.label: m.value for m in at.metric}["Riwayat impor"]
    assert int(after) == int(before) + 1
    clear_streamlit_caches()


def test_a_busy_file_is_waited_for_then_refused_in_indonesian(store_copy, monkeypatch):
    monkeypatch.setenv("SPBE_LOCK_WAIT", "1")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store_copy)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "HOLDING"
        result = run("score", "--db", store_copy, env={**os.environ, "SPBE_LOCK_WAIT": "1"})
        assert result[0] == 1
        assert "sedang dipakai proses lain" in result[2]
        assert "sudah ditunggu 1 detik" in result[2]
        assert "Traceback" not in result[2]
    finally:
        holder.kill()
        holder.wait(timeout=30)


HOLD = "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('HOLDING', flush=True)\n"
HOLD += "time.sleep(60)"
