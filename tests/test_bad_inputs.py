"""The corpus of bad uploads (tests/data/bad/, written by tests/data/make_bad_workbooks.py).

Every file is imported into a freshly seeded store: it must be refused with its Indonesian message
(and, for cell problems, the sheet/row/column), nothing may be written to any data table, and the
attempt itself is logged once as "ditolak". A few go through the CLI: exit code 2, no traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from spbe.files.common import MAX_KEPT_PROBLEMS
from spbe.files.uploads import MAX_ROWS, MAX_UPLOAD_BYTES
from spbe.services.imports import WorkbookRejected, import_workbook
from spbe.store import import_log, indicator_levels, open_store, table_counts
from spbe.store.imports import STATUS_REFUSED, ImportRefused
from tests.conftest import ROOT
from tests.data.make_bad_workbooks import (
    BAD_DIR,
    CORPUS,
    HEADER,
    REFUSED,
    REJECTED,
    levels_workbook,
    raw_workbook,
    row_xml,
)
from tests.helpers_app import build_seeded_database

DATA_TABLES = ("instansi", "official_result", "indicator_level", "opd", "indicator_owner")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_seeded_database(tmp_path_factory.mktemp("bad") / "template.duckdb")


@pytest.fixture
def db(seeded, tmp_path):
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(seeded, path)
    return path


@pytest.fixture
def con(db):
    con = open_store(db)
    yield con
    con.close()


def _snapshot(con):
    return table_counts(con), indicator_levels(con)


def test_the_corpus_on_disk_is_the_corpus_the_script_writes():
    on_disk = sorted(p.name for p in BAD_DIR.iterdir() if p.suffix in (".xlsx", ".xlsm"))
    assert on_disk == sorted(case.file for case in CORPUS)
    assert len({case.kind for case in CORPUS}) == len(CORPUS)  # one file per failure kind
    assert all(p.stat().st_size < 100_000 for p in BAD_DIR.iterdir())


@pytest.mark.parametrize("case", CORPUS, ids=[c.file for c in CORPUS])
def test_every_bad_file_is_refused_and_nothing_is_written(con, case):
    data = (BAD_DIR / case.file).read_bytes()
    counts, levels = _snapshot(con)
    expected = WorkbookRejected if case.refusal == REJECTED else ImportRefused
    with pytest.raises(expected) as refused:
        import_workbook(con, data, case.file, actor="uji")
    message = str(refused.value)
    assert case.message in message
    assert "Traceback" not in message
    if case.refusal == REJECTED:
        assert message.endswith("Tidak ada data yang disimpan.")
    if case.where is not None:
        first = refused.value.problems[0]
        assert (first.sheet, first.row, first.column) == case.where

    after_counts, after_levels = _snapshot(con)
    assert {t: after_counts[t] for t in DATA_TABLES} == {t: counts[t] for t in DATA_TABLES}
    assert after_levels.equals(levels)
    assert after_counts["import_log"] == counts["import_log"] + 1
    log = import_log(con, limit=1).iloc[0]
    assert (log.status, log.file_name, log.actor) == (STATUS_REFUSED, case.file, "uji")
    assert (log.rows_added, log.rows_changed) == (0, 0)


def test_every_problem_of_a_many_problem_file_is_kept_though_the_message_lists_twenty(con):
    case = next(c for c in CORPUS if c.file == "banyak-kesalahan.xlsx")
    with pytest.raises(WorkbookRejected) as refused:
        import_workbook(con, (BAD_DIR / case.file).read_bytes(), case.file, actor="uji")
    problems = refused.value.problems
    assert [p.row for p in problems] == list(range(2, 32))
    assert {p.column for p in problems} == {"Tingkat"}
    assert "… dan 10 masalah lainnya." in str(refused.value)


def test_a_refused_change_lists_the_stored_and_the_new_value(con):
    case = next(c for c in CORPUS if c.refusal == REFUSED)
    stored = indicator_levels(con, "kota-ternate", 2024, "rekonstruksi").query("indicator == 1")
    with pytest.raises(ImportRefused) as refused:
        import_workbook(con, (BAD_DIR / case.file).read_bytes(), case.file, actor="uji")
    report = refused.value.report
    assert (report.rows_added, report.rows_changed) == (0, 1)
    change = report.changes.iloc[0]
    assert (change.instansi_code, change.year, change.indicator) == ("kota-ternate", 2024, 1)
    assert (change.old_level, change.old_note) == (stored["level"].item(), stored["note"].item())
    assert change.note == "diubah tanpa sengaja"


def test_a_file_over_the_upload_limit_is_refused_before_it_is_opened(con):
    counts = table_counts(con)
    padding = bytes(MAX_UPLOAD_BYTES)  # zeros: the file is still a real workbook, only too big
    data = levels_workbook([("Kota Ternate", 2025, 1, 2, "mandiri", None)]) + padding
    with pytest.raises(WorkbookRejected, match="melebihi batas 10 MB"):
        import_workbook(con, data, "besar.xlsx", actor="uji")
    after = table_counts(con)
    assert {t: after[t] for t in DATA_TABLES} == {t: counts[t] for t in DATA_TABLES}


CLI_CASES = ["csv-berganti-nama.xlsx", "bom-zip.xlsx", "isi-zip-rusak.xlsx", "baris-ganda.xlsx"]


@pytest.mark.parametrize("name", [*CLI_CASES, "mengubah-nilai-tersimpan.xlsx"])
def test_the_cli_refuses_with_exit_code_2_and_writes_no_data(db, name):
    case = next(c for c in CORPUS if c.file == name)
    con = open_store(db)
    before = table_counts(con)
    con.close()
    result = subprocess.run(
        [sys.executable, "-m", "spbe", "import", "--db", str(db), str(BAD_DIR / name)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert case.message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    con = open_store(db)
    after = table_counts(con)
    con.close()
    assert {t: after[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    assert after["import_log"] == before["import_log"] + 1


# -- bounded cost (issue #14): hostile files through the one import path ------------------------


def _blank_rows(count: int) -> bytes:
    return raw_workbook([row_xml(1, HEADER), *(b'<row r="%d"/>' % n for n in range(2, count + 2))])


def test_a_million_blank_rows_are_refused_at_the_row_limit_and_logged(con):
    counts, levels = _snapshot(con)
    start = time.perf_counter()
    with pytest.raises(WorkbookRejected) as refused:
        import_workbook(con, _blank_rows(1_000_000), "sejuta-baris.xlsx", actor="uji")
    assert time.perf_counter() - start < 10
    problem = refused.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Nilai Indikator", MAX_ROWS + 1, None)
    assert "lembar melebihi batas 100.000 baris" in str(refused.value)
    after_counts, after_levels = _snapshot(con)
    assert {t: after_counts[t] for t in DATA_TABLES} == {t: counts[t] for t in DATA_TABLES}
    assert after_levels.equals(levels)
    assert after_counts["import_log"] == counts["import_log"] + 1


def test_fifty_thousand_bad_rows_give_a_capped_table_and_the_full_count(con):
    rows = (
        row_xml(n, ("Kota Ternate", 2024, n % 47 + 1, 3, "KemenPAN", None))
        for n in range(2, 50_002)
    )
    with pytest.raises(WorkbookRejected) as refused:
        import_workbook(con, raw_workbook([row_xml(1, HEADER), *rows]), "banyak.xlsx", actor="uji")
    assert len(refused.value.problems) == MAX_KEPT_PROBLEMS
    message = str(refused.value)
    assert message.startswith('Berkas "banyak.xlsx" ditolak (50.000 masalah)')
    assert "… dan 49.980 masalah lainnya." in message
    assert len(message) < 5_000  # what the log and the page show stays small
    log = import_log(con, limit=1).iloc[0]
    assert log.status == STATUS_REFUSED and "(50.000 masalah)" in log.message


def test_the_cli_refuses_a_million_blank_rows_with_exit_code_2(db, tmp_path):
    path = tmp_path / "sejuta-baris.xlsx"
    path.write_bytes(_blank_rows(1_000_000))
    result = subprocess.run(
        [sys.executable, "-m", "spbe", "import", "--db", str(db), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "baris 100001: lembar melebihi batas 100.000 baris" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
