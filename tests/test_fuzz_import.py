"""Fuzzing the one import path (spbe.services.imports.import_workbook) with hypothesis.

Whatever the input — random cells of any type, any number of rows, headers in any order, spelled
loosely, doubled or missing, random bytes, a real workbook with a few bytes damaged, or sheet XML
no spreadsheet program writes (rows out of order or unnumbered, cells beyond the column limit,
types and values that do not match) — the import
either succeeds or raises WorkbookRejected / ImportRefused, never anything else; and afterwards the
indicator levels are either exactly what they were, or exactly what they were with the batch applied.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from spbe.core.provenance import PROVENANCES
from spbe.files.levels import read_levels_workbook
from spbe.services.imports import WorkbookRejected, import_workbook
from spbe.store import indicator_levels, instansi_lookup, open_store, table_counts
from spbe.store.imports import STATUS_ACCEPTED, STATUS_NOOP, ImportRefused
from tests.data.make_bad_workbooks import HEADER, levels_workbook, raw_workbook
from tests.helpers_app import build_seeded_database

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KEY = ["instansi_code", "year", "framework", "indicator", "provenance"]
OTHER_TABLES = ("instansi", "official_result", "opd", "indicator_owner")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "spbe.duckdb"
    shutil.copyfile(build_seeded_database(path.with_name("template.duckdb")), path)
    con = open_store(path)
    yield con
    con.close()


# -- cells ---------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=25)
ANY_CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["=1+1", "=A1", "+3", "-", "@SUM(1)", "#N/A", " ", "\t2\t", "3,0", "٣"]),
)
CODES = {  # spelling -> the instansi it names
    "Kota Ternate": "kota-ternate",
    "kota-ternate": "kota-ternate",
    "  KOTA   ternate ": "kota-ternate",
    "Provinsi Maluku Utara": "prov-maluku-utara",
    "prov-maluku-utara": "prov-maluku-utara",
    "Kabupaten Halmahera Barat": "kab-halmahera-barat",
    "Kab. Halmahera Barat": "kab-halmahera-barat",
}
SPELLINGS = list(CODES)
COLUMN_CELLS = {
    "Instansi": st.one_of(st.sampled_from(SPELLINGS), ANY_CELL),
    "Tahun": st.one_of(st.integers(2020, 2027), st.sampled_from(["2024", 2024.0]), ANY_CELL),
    "Indikator": st.one_of(st.integers(0, 49), st.just("7"), ANY_CELL),
    "Tingkat": st.one_of(st.integers(0, 6), st.just(3.0), ANY_CELL),
    "Sumber": st.one_of(st.sampled_from([*PROVENANCES, "MANDIRI", " resmi "]), ANY_CELL),
    "Catatan": ANY_CELL,
}
LIKELY_VALID = {
    "Instansi": st.sampled_from(SPELLINGS),
    "Tahun": st.integers(2021, 2026),
    "Indikator": st.integers(1, 20),  # in both frameworks (47 and 20 indicators)
    "Tingkat": st.integers(1, 5),
    "Sumber": st.sampled_from(PROVENANCES),
    "Catatan": st.one_of(st.none(), TEXT),
}


@st.composite
def header_and_rows(draw, cells=COLUMN_CELLS, max_rows=25):
    """A header (any order; maybe loose spelling, a missing, doubled or extra column) and rows."""
    columns = draw(st.permutations(list(HEADER)))
    if draw(st.booleans()):
        columns = [c for c in columns if c != draw(st.sampled_from(HEADER))]
    if draw(st.integers(0, 4)) == 0:
        columns.insert(draw(st.integers(0, len(columns))), draw(st.sampled_from(HEADER)))
    if draw(st.booleans()):
        columns.insert(draw(st.integers(0, len(columns))), "Keterangan lain")
    spelled = [draw(st.sampled_from([c, c.upper(), f"  {c.lower()} "])) for c in columns]
    n_rows = draw(st.integers(0, max_rows))
    rows = []
    for _ in range(n_rows):
        row = [draw(cells.get(c, ANY_CELL)) for c in columns]
        if draw(st.integers(0, 9)) == 0:
            row = [None] * len(row)  # a spacer row
        rows.append(row)
    return spelled, rows


def _workbook(header, rows) -> bytes:
    try:
        return levels_workbook(rows, header=header)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError):
        return levels_workbook([], header=header)  # a value openpyxl itself will not write


# -- the property --------------------------------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _rows(levels: pd.DataFrame) -> set[tuple]:
    """Every stored level as a plain tuple (dtypes differ between DuckDB and the reader)."""
    return {
        (str(code), int(year), str(fw), int(indicator), str(prov), int(level), _text(note))
        for code, year, fw, indicator, prov, level, note in levels[
            [*KEY, "level", "note"]
        ].itertuples(index=False, name=None)
    }


def _import_and_check(con, data: bytes, replace: bool, name: str = "fuzz.xlsx"):
    before_counts = table_counts(con)
    before = indicator_levels(con)
    try:
        report = import_workbook(con, data, name, actor="fuzz", replace=replace)
    except (WorkbookRejected, ImportRefused) as refused:
        event(type(refused).__name__)
        assert str(refused).strip()
        after_counts = table_counts(con)
        assert indicator_levels(con).equals(before)
        assert all(after_counts[t] == before_counts[t] for t in OTHER_TABLES)
        assert after_counts["import_log"] == before_counts["import_log"] + 1
        return refused
    # success: the batch as the reader sees it, applied on top of what was there
    batch = read_levels_workbook(data, instansi_lookup=instansi_lookup(con)).rows
    expected = pd.concat([before, batch[before.columns]]).drop_duplicates(KEY, keep="last")
    after = indicator_levels(con)
    assert _rows(after) == _rows(expected) and len(after) == len(expected)
    assert report.status in (STATUS_ACCEPTED, STATUS_NOOP)
    event(f"import {report.status}")
    assert len(after) == len(before) + report.rows_added
    assert report.rows_added + report.rows_changed + report.rows_unchanged == len(batch)
    return report


@settings(FUZZ, max_examples=120)
@given(case=header_and_rows(), replace=st.booleans())
def test_random_cells_rows_and_headers_never_crash_or_leave_partial_data(con, case, replace):
    header, rows = case
    _import_and_check(con, _workbook(header, rows), replace)


@settings(FUZZ, max_examples=40)
@given(
    columns=st.permutations(list(HEADER)),
    rows=st.lists(st.fixed_dictionaries(LIKELY_VALID), min_size=1, max_size=30),
    replace=st.booleans(),
)
def test_valid_rows_under_any_header_order_import_exactly_or_are_refused_as_changes(
    con, columns, rows, replace
):
    # one row per key: the reader refuses doubled keys (tested in the corpus)
    keys = {(CODES[r["Instansi"]], r["Tahun"], r["Indikator"], r["Sumber"]): r for r in rows}
    unique = list(keys.values())
    data = levels_workbook([[r[c] for c in columns] for r in unique], header=columns)
    outcome = _import_and_check(con, data, replace)
    if isinstance(outcome, WorkbookRejected):  # only for 'resmi' levels that do not reproduce
        # what KemenPANRB published (spbe.services.imports.official_disagreements)
        rules = [p.rule for p in outcome.problems]
        assert rules and all(r.startswith("tingkat resmi ") for r in rules), str(outcome)
    if isinstance(outcome, ImportRefused):
        assert not replace and outcome.report.rows_changed > 0


@settings(FUZZ, max_examples=60)
@given(
    data=st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(b"PK\x03\x04".__add__))
)
def test_random_bytes_are_rejected(con, data):
    outcome = _import_and_check(con, data, replace=False)
    assert isinstance(outcome, WorkbookRejected)


GOOD = levels_workbook([("Kota Ternate", 2026, n, 2, "ilustrasi", "asli") for n in range(1, 21)])


@settings(FUZZ, max_examples=150)
@given(
    damage=st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=6
    ),
    cut=st.one_of(st.none(), st.integers(0, len(GOOD))),
)
def test_a_real_workbook_with_damaged_bytes_never_crashes(con, damage, cut):
    data = bytearray(GOOD)
    for position, value in damage:
        data[position] = value
    _import_and_check(con, bytes(data[:cut] if cut is not None else data), replace=True)


# -- hostile sheet XML (bounded reader, issue #14) --------------------------------------------------

ROW_NUMBERS = st.one_of(
    st.none(), st.integers(-2, 12), st.sampled_from(["3.0", "2.5", "", "x", "1e400", "100001"])
)
CELL_REFS = st.one_of(
    st.none(), st.sampled_from(["A", "B", "C", "D", "E", "F", "AX", "AY", "XFD", "a", "$A", "1"])
)
CELL_TYPES = st.sampled_from([None, "n", "s", "b", "e", "str", "d", "inlineStr", "zz"])
CELL_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["1", "2024", "3.0", "-1", "9" * 30, "1E999", "abc", "2024-05-17", "#N/A"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def hostile_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        number = draw(ROW_NUMBERS)
        cells = []
        for _ in range(draw(st.integers(0, 7))):
            ref, kind, text = draw(CELL_REFS), draw(CELL_TYPES), draw(CELL_TEXT)
            style = draw(st.sampled_from([None, "0", "1", "x", "-3"]))
            attrs = "".join(
                f' {name}="{_escaped(value)}"'
                for name, value in (
                    ("r", None if ref is None else f"{ref}{number or 1}"),
                    ("t", kind),
                    ("s", style),
                )
                if value is not None
            )
            inner = "" if text is None else f"<v>{_escaped(text)}</v>"
            if kind == "inlineStr" and text is not None:
                inner = f"<is><t>{_escaped(text)}</t></is>"
            cells.append(f"<c{attrs}>{inner}</c>")
        r = "" if number is None else f' r="{number}"'
        rows.append(f"<row{r}>{''.join(cells)}</row>".encode())
    return rows


@settings(FUZZ, max_examples=120)
@given(rows=hostile_rows(), header=st.booleans())
def test_hostile_sheet_xml_is_read_or_refused_never_crashes(con, rows, header):
    head = (
        [
            b'<row r="1">'
            + b"".join(
                f'<c r="{"ABCDEF"[k]}1" t="inlineStr"><is><t>{h}</t></is></c>'.encode()
                for k, h in enumerate(HEADER)
            )
            + b"</row>"
        ]
        if header
        else []
    )
    _import_and_check(con, raw_workbook([*head, *rows]), replace=False)
