"""Bounded cost (issue #14, point 3): hostile files are refused fast, located, in bounded memory.

Big files are written with the raw zipfile writer (tests/data/make_bad_workbooks.raw_workbook):
a million rows of sheet XML cost a fraction of a second and a few MB. Time bounds are measured in
the test and generous (the machine is shared); memory bounds use tracemalloc (Python
allocations, which is where an unbounded reader would grow).
"""

from __future__ import annotations

import io
import time
import tracemalloc

import openpyxl
import pytest

from spbe.core.errors import MAX_LISTED, Problem
from spbe.core.instansi import spelling_lookup
from spbe.files import common, uploads
from spbe.files.common import MAX_KEPT_PROBLEMS, ProblemLog, WorkbookError
from spbe.files.levels import read_levels_workbook
from spbe.files.plans import read_costs_workbook
from spbe.files.uploads import MAX_COLUMNS, MAX_ROWS, UploadError, check_xlsx
from tests.data.make_bad_workbooks import (
    HEADER,
    SHEET,
    falsify_sizes,
    raw_workbook,
    rezip,
    row_xml,
)

LOOKUP = spelling_lookup([("kota-ternate", "Kota Ternate"), ("prov-maluku-utara", "Provinsi X")])
SECONDS = 10.0  # the bound of the issue; the files below take well under 2 s when idle
MB = 1 << 20
ROW_LIMIT_RULE = "lembar melebihi batas 100.000 baris (baris kosong atau berformat ikut dihitung)"


def refused(data: bytes) -> tuple[WorkbookError, float]:
    start = time.perf_counter()
    with pytest.raises(WorkbookError) as caught:
        read_levels_workbook(data, instansi_lookup=LOOKUP, file_name="hostile.xlsx")
    return caught.value, time.perf_counter() - start


def header_then(rows) -> list[bytes]:
    return [row_xml(1, HEADER), *rows]


def test_the_limits_are_the_documented_ones():
    assert (MAX_ROWS, MAX_COLUMNS, MAX_KEPT_PROBLEMS) == (100_000, 50, 1_000)
    assert uploads.MAX_ROWS is common.MAX_ROWS


# -- rows are counted as they are read, blank ones too --------------------------------------------


def test_a_million_blank_rows_are_refused_fast_at_the_row_limit():
    data = raw_workbook(header_then(b'<row r="%d"/>' % n for n in range(2, 1_000_002)))
    assert len(data) < 3 * MB
    check_xlsx(data, "kosong.xlsx")  # nothing in the zip is over a limit: only reading tells
    error, seconds = refused(data)
    assert seconds < SECONDS
    assert error.problems == (Problem(SHEET, MAX_ROWS + 1, None, error.problems[0].rule),)
    assert error.problems[0].rule.startswith(ROW_LIMIT_RULE)
    assert error.total == 1
    assert 'Sheet "Nilai Indikator", baris 100001: lembar melebihi batas 100.000 baris' in str(
        error
    )


@pytest.mark.parametrize("dimension", ["A1:F2", None], ids=["false-dimension", "no-dimension"])
def test_a_false_or_missing_dimension_does_not_hide_rows(dimension):
    rows = (b'<row r="%d"><c r="A%d"><v>7</v></c></row>' % (n, n) for n in range(2, 150_002))
    data = raw_workbook(header_then(rows), dimension=dimension)
    check_xlsx(data, "dimensi.xlsx")  # the tag says 2 rows (or nothing): it cannot refuse
    error, seconds = refused(data)
    assert seconds < SECONDS
    assert [(p.sheet, p.row, p.column) for p in error.problems] == [(SHEET, MAX_ROWS + 1, None)]
    assert error.problems[0].rule.startswith(ROW_LIMIT_RULE)


def test_rows_without_numbers_are_counted_too():
    data = raw_workbook(header_then([b"<row/>"] * (MAX_ROWS + 5)))
    error, _ = refused(data)
    assert error.problems[0].row == MAX_ROWS + 1


def test_a_row_just_under_the_limit_is_read():
    good = row_xml(MAX_ROWS, ("Kota Ternate", 2024, 1, 2, "mandiri", None))
    rows = read_levels_workbook(raw_workbook(header_then([good])), instansi_lookup=LOOKUP).rows
    assert rows["source_row"].tolist() == [MAX_ROWS]


def test_rows_out_of_order_are_refused_not_dropped():
    rows = [row_xml(3, ("Kota Ternate", 2024, 1, 2, "mandiri")), row_xml(2, ("x",))]
    error, _ = refused(raw_workbook(header_then(rows)))
    assert (error.problems[0].row, "tidak berurutan" in error.problems[0].rule) == (4, True)


# -- columns and cells ------------------------------------------------------------------------------


def test_a_cell_beyond_the_column_limit_is_refused_where_it_is():
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Kota Ternate</t></is></c><c r="AY2"><v>1</v></c></row>'
    error, _ = refused(raw_workbook(header_then([row])))
    assert str(error.problems[0]) == (
        'Sheet "Nilai Indikator", baris 2: sel AY2 melewati batas 50 kolom (A–AX); hapus isi dan '
        "format di kolom sebelah kanan"
    )


def test_a_cell_at_the_last_excel_column_on_a_million_rows_is_refused_at_once():
    rows = (b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(2, 1_000_002))
    error, seconds = refused(raw_workbook(header_then(rows)))
    assert seconds < SECONDS
    assert (error.problems[0].row, error.problems[0].rule[:8]) == (2, "sel XFD2")


def test_too_many_cells_in_a_row_without_addresses():
    row = b"<row>" + b"<c><v>1</v></c>" * (MAX_COLUMNS + 1) + b"</row>"
    error, _ = refused(raw_workbook(header_then([row])))
    assert error.problems[0].rule.startswith("sel ke-51 melewati batas 50 kolom")


def test_the_cell_limit_counts_cells_read(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_CELLS", 20)
    rows = (row_xml(n, ("Kota Ternate", 2024, n, 2, "mandiri")) for n in range(2, 10))
    error, _ = refused(raw_workbook(header_then(rows)))
    assert (error.problems[0].row, error.problems[0].rule) == (4, "lembar melebihi batas 20 sel")


def test_a_cell_longer_than_excel_allows_is_refused():
    long_note = "x" * 40_000
    row = row_xml(2, ("Kota Ternate", 2024, 1, 2, "mandiri", long_note))
    error, _ = refused(raw_workbook(header_then([row])))
    assert error.problems[0].rule == "sel F2 berisi lebih dari 32.767 karakter"


def test_the_element_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_XML_ELEMENTS", 50)
    monkeypatch.setattr(common, "MAX_XML_ELEMENTS", 50)
    rows = (row_xml(n, ("Kota Ternate", 2024, n, 2, "mandiri")) for n in range(2, 12))
    error, _ = refused(raw_workbook(header_then(rows)))
    assert "berisi lebih dari 50 elemen XML" in error.problems[0].rule


def test_one_huge_attribute_is_refused_before_it_is_all_buffered():
    row = b'<row r="2" x="' + b"a" * (3 * MB) + b'"/>'
    error, _ = refused(raw_workbook(header_then([row])))
    assert error.problems[0].rule.endswith("memuat satu tag XML lebih dari 1 MB")


# -- problems are capped, the total is counted -----------------------------------------------------


def test_fifty_thousand_bad_rows_keep_a_thousand_problems_and_count_them_all():
    rows = (
        row_xml(n, ("Kota Ternate", 2024, n % 47 + 1, 3, "KemenPAN", None))
        for n in range(2, 50_002)
    )
    error, seconds = refused(raw_workbook(header_then(rows)))
    assert seconds < SECONDS
    assert error.total == 50_000
    assert len(error.problems) == MAX_KEPT_PROBLEMS
    assert [p.row for p in error.problems] == list(range(2, 2 + MAX_KEPT_PROBLEMS))
    assert {(p.sheet, p.column) for p in error.problems} == {(SHEET, "Sumber")}
    message = str(error)
    assert message.startswith('Berkas "hostile.xlsx" ditolak (50.000 masalah); tidak ada data')
    assert message.count("\n- ") == MAX_LISTED + 1
    assert message.endswith("\n- … dan 49.980 masalah lainnya.")


def test_the_error_takes_a_log_a_total_or_a_long_list():
    problems = [Problem(SHEET, n, "Tingkat", "salah") for n in range(2, 2_002)]
    log = ProblemLog()
    log.extend(problems)
    assert (log.total, len(log.kept), bool(ProblemLog())) == (2_000, MAX_KEPT_PROBLEMS, False)
    for error, listed in (
        (WorkbookError(log), MAX_LISTED),
        (WorkbookError(problems[:5], total=2_000), 5),
        (WorkbookError(problems), MAX_LISTED),
    ):
        assert error.total == 2_000
        assert "ditolak (2.000 masalah)" in str(error)
        assert str(error).count("\n- ") == listed + 1
        assert str(error).endswith(f"… dan {2_000 - listed:_} masalah lainnya.".replace("_", "."))
    assert len(WorkbookError(problems).problems) == MAX_KEPT_PROBLEMS
    small = WorkbookError(problems[:3])
    assert (small.total, str(small).count("\n- ")) == (3, 3)


# -- zip bombs ----------------------------------------------------------------------------------


def _sheet_bomb(megabytes: int) -> bytes:
    good = row_xml(2, ("Kota Ternate", 2024, 1, 2, "mandiri", None))
    return raw_workbook(header_then([good, *([b" " * MB] * megabytes)]))


def test_a_zip_bomb_with_a_falsified_size_is_refused_without_inflating_it():
    bomb = falsify_sizes(_sheet_bomb(300), "xl/worksheets/sheet1.xml", file_size=5_000)
    assert len(bomb) < 2 * MB
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(UploadError) as checked:
        check_xlsx(bomb, "bom.xlsx")
    error, _ = refused(bomb)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "rusak dan tidak dapat dibaca (bagian xl/worksheets/sheet1.xml: zipfile.Bad" in str(
        checked.value
    )
    assert error.problems[0].sheet == SHEET
    assert error.problems[0].rule.startswith("berkas .xlsx rusak dan tidak dapat dibaca (zipfile")
    assert seconds < 2
    assert peak < 20 * MB


def test_a_reader_without_the_upload_check_stops_a_bomb_at_the_sheet_limit():
    bomb = _sheet_bomb(300)  # honest sizes: check_xlsx refuses it, the reader must too
    with pytest.raises(UploadError, match="terlalu besar setelah diekstrak"):
        check_xlsx(bomb, "bom.xlsx")
    tracemalloc.start()
    error, seconds = refused(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (
        error.problems[0].rule
        == "bagian xl/worksheets/sheet1.xml lebih dari 64 MB setelah diekstrak"
    )
    assert seconds < SECONDS
    assert peak < 20 * MB


def test_a_dtd_is_refused_by_the_check_and_by_the_reader():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    data = rezip(
        raw_workbook(header_then([row_xml(2, ("Kota Ternate",))])),
        replace={"xl/worksheets/sheet1.xml": lambda xml: laughs + xml},
    )
    with pytest.raises(UploadError, match="memuat deklarasi DTD"):
        check_xlsx(data, "dtd.xlsx")
    error, _ = refused(data)
    assert "memuat deklarasi DTD" in error.problems[0].rule


# -- the shared strings ----------------------------------------------------------------------------


def test_the_shared_string_table_is_bounded(monkeypatch):
    monkeypatch.setattr(common, "MAX_SHARED_STRINGS", 100)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = f'<sst xmlns="{main}">'.encode() + b"<si><t>x</t></si>" * 200 + b"</sst>"
    row = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    data = raw_workbook(header_then([row]), members={"xl/sharedStrings.xml": strings})
    error, _ = refused(data)
    assert error.problems[0] == Problem(
        None, None, None, "tabel teks bersama berisi lebih dari 100 teks"
    )


# -- the cost workbook is read under the same limits --------------------------------------------


def test_the_cost_workbook_reader_refuses_a_million_blank_rows(spbe2020):
    head = row_xml(1, ("Indikator", "1→2", "2→3", "3→4", "4→5"))
    blank = (b'<row r="%d"/>' % n for n in range(2, 1_000_002))
    data = raw_workbook([head, *blank], sheet="Biaya")
    start = time.perf_counter()
    with pytest.raises(UploadError) as caught:
        read_costs_workbook(data, "biaya.xlsx", spbe2020)
    assert time.perf_counter() - start < SECONDS
    assert str(caught.value).startswith(
        'biaya.xlsx: Sheet "Biaya", baris 100001: lembar melebihi batas 100.000 baris'
    )


def test_the_list_of_sheets_in_a_refusal_is_bounded():
    book = openpyxl.Workbook()
    book.active.title = "Lembar 0"
    for n in range(1, 15):
        book.create_sheet(f"Lembar {n}")
    buffer = io.BytesIO()
    book.save(buffer)
    error, _ = refused(buffer.getvalue())
    assert error.problems[0].rule.endswith('"Lembar 8", "Lembar 9" dan 5 lainnya)')
