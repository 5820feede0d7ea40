"""The bounded reader (spbe.files.uploads.open_upload) reads the values openpyxl reads.

The levels and cost readers used openpyxl's read-only mode; they now stream the XML themselves to
bound its cost. Cell for cell, the values must stay what openpyxl gives with ``data_only=True``:
for a workbook openpyxl writes (inline strings, dates by number format) and for one written the
way Excel saves (shared strings with rich and phonetic runs, custom date formats, the 1904 date
system, cached formula values, error codes, cells without an address).
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from spbe.files.uploads import open_upload
from tests.data.make_bad_workbooks import MAIN_NS, raw_workbook


def openpyxl_rows(data: bytes, title: str) -> dict[int, tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book[title]
    sheet.reset_dimensions()
    rows = {}
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[number] = tuple(values)
    book.close()
    return rows


def bounded_rows(data: bytes, title: str) -> dict[int, tuple]:
    with open_upload(data) as book:
        return {
            number: tuple(values.get(k) for k in range(1, max(values) + 1))
            for number, values in book.rows(title)
            if values
        }


def test_a_workbook_written_by_openpyxl():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Nilai Indikator"
    sheet.append(["Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan"])
    sheet.append(["Kota Ternate", 2024, 1, 3.0, " resmi ", "  ada spasi  "])
    sheet.append([True, False, 2.5, -7, 1e-5, 12345678901234567890])
    sheet.append(["&<>\"'", "baris\nbaru", "ümlaut ✓ 😀", "#N/A", "=1+1", None, 4])
    sheet.append([dt.date(2024, 5, 17), dt.datetime(2024, 5, 17, 13, 45, 30), dt.time(8, 30)])
    sheet.append([dt.timedelta(hours=30, minutes=5)])
    sheet.cell(row=9, column=30, value="jauh di kanan")
    sheet.cell(row=12, column=2, value=None).number_format = "0.00"  # a styled, empty cell
    book.create_sheet("Lain").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    expected = openpyxl_rows(data, "Nilai Indikator")
    assert bounded_rows(data, "Nilai Indikator") == expected
    assert expected[4][3:5] == ("#N/A", None)  # an error code; a formula without a cached value
    with open_upload(data) as opened:
        assert opened.sheetnames == ["Nilai Indikator", "Lain"]


STYLES = f"""<styleSheet xmlns="{MAIN_NS}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>
<numFmt numFmtId="165" formatCode="[h]:mm:ss"/><numFmt numFmtId="166" formatCode="0.000"/></numFmts>
<cellStyleXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="165"/>
<xf numFmtId="166"/><xf numFmtId="21"/></cellXfs>
<dxfs count="1"><dxf><numFmt numFmtId="166" formatCode="yyyy"/></dxf></dxfs>
</styleSheet>""".encode()

SHARED = f"""<sst xmlns="{MAIN_NS}" count="4" uniqueCount="4">
<si><t>Kota Ternate</t></si>
<si><r><rPr><b/></rPr><t>teb</t></r><r><t xml:space="preserve">al </t></r></si>
<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>
<si><t>a_x005F_x000D_b</t></si>
</sst>""".encode()

CELLS = [
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>',
    '<row r="2"><c r="A2" s="1"><v>45429</v></c><c r="B2" s="2"><v>45429.5</v></c>'
    '<c r="C2" s="3"><v>1.25</v></c><c r="D2" s="4"><v>3.14159</v></c>'
    '<c r="E2" s="5"><v>0.75</v></c><c r="F2" s="1"><v>99999999</v></c></row>',
    '<row r="4" spans="1:6" ht="20" customHeight="1"><c r="A4" t="str"><f>A1&amp;"x"</f>'
    '<v>Kota Ternatex</v></c><c r="B4"><f>1+1</f><v>2</v></c><c r="C4" t="e"><v>#DIV/0!</v></c>'
    '<c r="D4" t="b"><v>1</v></c><c r="E4" t="d"><v>2024-05-17T10:20:30</v></c>'
    '<c r="F4"><v></v></c></row>',
    '<row r="5"><c t="inlineStr"><is><r><t>ka</t></r><r><rPr><i/></rPr><t>ya</t></r></is></c>'
    '<c><v>7</v></c><c r="E5"><v>1E3</v></c><c><v>-0.5</v></c></row>',
    '<row r="7"><c r="B7" s="1"/><c r="C7" t="s"><v>0</v></c></row>',
]


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl: no default style; F2 not a date
@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_a_workbook_written_the_way_excel_saves_it(date1904):
    workbook = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><workbookPr date1904="{int(date1904)}"/><sheets>'
        '<sheet name="Data Excel" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    data = raw_workbook(
        [c.encode() for c in CELLS],
        sheet="Data Excel",
        members={
            "xl/styles.xml": STYLES,
            "xl/sharedStrings.xml": SHARED,
            "xl/workbook.xml": workbook.encode(),
        },
    )
    expected = openpyxl_rows(data, "Data Excel")
    assert bounded_rows(data, "Data Excel") == expected
    # what the comparison covers, spelled out
    assert expected[1] == ("Kota Ternate", "tebal ", "東京", "a_x000D_b")
    assert isinstance(expected[2][0], dt.datetime) and isinstance(expected[2][2], dt.timedelta)
    assert expected[2][3] == 3.14159 and expected[4][:4] == ("Kota Ternatex", 2, "#DIV/0!", True)
    assert expected[5] == ("kaya", 7, None, None, 1000.0, -0.5)


CELL = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["=A1", "#N/A", " ", "\t2\t", "x005F_", "&amp;"]),
)


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, max_size=8), max_size=12))
def test_any_cells_read_as_openpyxl_reads_them(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    try:
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError):
        return  # a value openpyxl itself will not write
    data = buffer.getvalue()
    assert bounded_rows(data, sheet.title) == openpyxl_rows(data, sheet.title)
