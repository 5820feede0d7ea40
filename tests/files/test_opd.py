"""The OPD workbook (spbe.files.opd): written for one OPD, filled with openpyxl as a user would,
read back all-or-nothing with located problems. No database: the store's knowledge is an
OpdDirectory built here."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from spbe.core.instansi import spelling_lookup
from spbe.files.common import WorkbookError
from spbe.files.opd import (
    CRITERIA_SHEET,
    ENTRY_SHEET,
    EVIDENCE_SHEET,
    IDENTITY_SHEET,
    MAX_ENTRY_ROWS,
    MAX_PENJELASAN,
    SUPPORT_MARK,
    OpdDirectory,
    is_opd_workbook,
    read_opd_workbook,
    write_opd_template,
)
from spbe.files.writers import write_table_workbook

BPKAD_LEADS = [13, 24, 33, 34, 38]
SUPPORTS = {1: "Diskomsandi", 5: "Diskomsandi"}


@pytest.fixture(scope="module")
def directory() -> OpdDirectory:
    owners = {n: {"bpkad": "lead"} for n in BPKAD_LEADS}
    owners[13]["bappeda"] = "lead"  # shared lead
    owners.update({n: {"kominfo": "lead", "bpkad": "support"} for n in SUPPORTS})
    owners[2] = {"kominfo": "lead"}
    return OpdDirectory(
        instansi=spelling_lookup([("kota-ternate", "Kota Ternate")]),
        opds={
            "kota-ternate": {"bpkad": "BPKAD", "bappeda": "Bappelitbangda", "kominfo": "Kominfo"}
        },
        owners={("kota-ternate", "spbe-2020"): owners},
    )


def _template(spbe2020, existing=None) -> bytes:
    buffer = io.BytesIO()
    write_opd_template(
        buffer,
        spbe2020,
        "Kota Ternate",
        "kota-ternate",
        2025,
        "bpkad",
        "Badan Pengelolaan Keuangan dan Aset Daerah Kota Ternate",
        BPKAD_LEADS,
        SUPPORTS,
        existing,
    )
    return buffer.getvalue()


def _fill(data: bytes, levels=None, evidence=(), edit=None) -> bytes:
    """Type into the template as a user would: levels {row: (level, text)}, evidence rows."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[ENTRY_SHEET]
    for row, (level, text) in (levels or {}).items():
        sheet.cell(row, 4).value, sheet.cell(row, 5).value = level, text
    proofs = book[EVIDENCE_SHEET]
    for row, values in evidence:
        for column, value in enumerate(values, start=1):
            if value is not None:
                proofs.cell(row, column).value = value
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(data: bytes, directory):
    return read_opd_workbook(data, "bpkad.xlsx", directory=directory)


def _problems(data: bytes, directory) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        _read(data, directory)
    return [str(p) for p in caught.value.problems]


def test_the_template_holds_only_the_opds_indicators_with_support_rows_locked(spbe2020):
    book = openpyxl.load_workbook(io.BytesIO(_template(spbe2020)))
    assert book.sheetnames == [
        IDENTITY_SHEET,
        ENTRY_SHEET,
        EVIDENCE_SHEET,
        CRITERIA_SHEET,
        "Petunjuk",
    ]
    identity = {r[0]: r[1] for r in book[IDENTITY_SHEET].iter_rows(min_row=2, values_only=True)}
    assert (identity["Kode Instansi"], identity["Tahun"], identity["Kerangka"]) == (
        "kota-ternate",
        2025,
        "spbe-2020",
    )
    assert identity["Kode OPD"] == "bpkad"
    entry = book[ENTRY_SHEET]
    rows = list(entry.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [*BPKAD_LEADS, 1, 5]
    assert rows[-1][2] == f"{SUPPORT_MARK} (Diskomsandi)"
    assert entry.protection.sheet and book[IDENTITY_SHEET].protection.sheet
    assert not entry["D2"].protection.locked and not entry["E2"].protection.locked  # lead: open
    assert entry["D7"].protection.locked and entry["E7"].protection.locked  # support: locked
    drop_down = next(v for v in entry.data_validations.dataValidation if v.type == "list")
    assert drop_down.formula1 == '"1,2,3,4,5"' and str(drop_down.sqref) == "D2:D6"
    criteria = list(book[CRITERIA_SHEET].iter_rows(min_row=2, values_only=True))
    assert criteria[0][:3] == (13, "Keterpaduan Rencana dan Anggaran SPBE", "Pengampu")
    assert criteria[0][-5:] == (
        "1. Rintisan",
        "2. Terkelola",
        "3. Terdefinisi",
        "4. Terpadu dan Terukur",
        "5. Optimum",
    )
    prompts = list(book[EVIDENCE_SHEET].iter_rows(min_row=2, values_only=True))
    assert [p[0] for p in prompts] == BPKAD_LEADS and all(p[2] is None for p in prompts)


def test_a_filled_workbook_reads_back_with_levels_explanations_and_evidence(spbe2020, directory):
    data = _fill(
        _template(spbe2020),
        levels={2: (3, "SK tim anggaran terpadu"), 3: ("2", None)},
        evidence=[
            (2, (None, None, "SK Wali Kota 12/2025", "https://jdih.ternatekota.go.id/sk-12.pdf")),
            (7, (13, None, "Notulen rapat TAPD", "notulen-tapd.pdf")),
            (8, (24, None, "Daftar aset TIK", "C:\\Dokumen\\aset.xlsx")),
        ],
    )
    upload = _read(data, directory)
    assert (upload.instansi_code, upload.year, upload.framework, upload.opd_code) == (
        "kota-ternate",
        2025,
        "spbe-2020",
        "bpkad",
    )
    assert upload.indicators[["indicator", "level"]].values.tolist() == [[13, 3], [24, 2]]
    assert upload.indicators["penjelasan"].tolist() == ["SK tim anggaran terpadu", None]
    assert upload.evidence[["indicator", "document_name", "source_row"]].values.tolist() == [
        [13, "SK Wali Kota 12/2025", 2],
        [13, "Notulen rapat TAPD", 7],
        [24, "Daftar aset TIK", 8],
    ]
    assert is_opd_workbook(data)


def test_a_support_indicator_filled_is_refused_where_it_is(spbe2020, directory):
    def unprotect_and_fill(book):
        book[ENTRY_SHEET].protection.sheet = False
        book[ENTRY_SHEET]["D7"] = 4  # indicator 1: bpkad only supports it

    data = _fill(_template(spbe2020), levels={2: (3, None)}, edit=unprotect_and_fill)
    assert _problems(data, directory) == [
        'Sheet "Isian Indikator", baris 7, kolom Tingkat: indikator 1 bukan indikator yang '
        "diampu OPD bpkad (Pendukung — diisi OPD pengampu: Kominfo); tidak boleh diisi di berkas ini"
    ]


def test_a_foreign_indicator_added_by_hand_is_refused_in_both_sheets(spbe2020, directory):
    def add_row(book):
        sheet = book[ENTRY_SHEET]
        sheet.protection.sheet = False
        sheet["A9"], sheet["D9"], sheet["E9"] = 2, 5, "bukan milik kami"

    data = _fill(
        _template(spbe2020),
        levels={2: (3, None)},
        evidence=[(7, (2, None, "Peta rencana", "peta.pdf"))],
        edit=add_row,
    )
    problems = _problems(data, directory)
    assert problems == [
        'Sheet "Isian Indikator", baris 9, kolom Tingkat: indikator 2 tidak diampu OPD bpkad '
        "(pengampu: Kominfo; OPD ini mengampu 13, 24, 33, 34, 38); tidak boleh diisi di berkas ini",
        'Sheet "Bukti Dukung", baris 7, kolom Indikator: indikator 2 tidak diampu OPD bpkad '
        "(pengampu: Kominfo; OPD ini mengampu 13, 24, 33, 34, 38); tidak boleh diisi di berkas ini",
    ]


def test_every_bad_cell_is_located_and_nothing_is_returned(spbe2020, directory):
    data = _fill(
        _template(spbe2020),
        levels={
            2: (9, None),
            3: (None, "penjelasan tanpa tingkat"),
            4: (2, "x" * (MAX_PENJELASAN + 1)),
        },
        evidence=[
            (2, (None, None, "SK", None)),  # no link
            (3, (None, None, "Tautan jahat", "javascript:alert(1)")),
            (4, (None, None, "N" * 201, "a.pdf")),
            (5, (None, None, "Tanpa tingkat", "b.pdf")),  # indicator 34: no level given
            (7, (33, None, "Dua baris", "dua.pdf")),
            (8, (33, None, "Dua baris", "dua.pdf")),
        ],
    )
    problems = _problems(data, directory)
    assert problems == [
        'Sheet "Isian Indikator", baris 2, kolom Tingkat: nilai 9 harus bilangan bulat 1–5',
        'Sheet "Isian Indikator", baris 3, kolom Tingkat: wajib diisi bila Penjelasan diisi: 1–5',
        'Sheet "Isian Indikator", baris 4, kolom Penjelasan: 4.001 karakter; batas 4.000',
        'Sheet "Bukti Dukung", baris 2, kolom Tautan atau Nama Berkas: wajib diisi: nama dokumen '
        "dan tautan atau nama berkasnya",
        'Sheet "Bukti Dukung", baris 3, kolom Tautan atau Nama Berkas: tautan harus alamat http:// '
        "atau https:// yang utuh; selain itu tulis nama berkas",
        'Sheet "Bukti Dukung", baris 4, kolom Nama Dokumen: 201 karakter; paling banyak 200',
        'Sheet "Bukti Dukung", baris 5, kolom Indikator: Tingkat indikator 34 belum diisi di sheet '
        '"Isian Indikator"',
        'Sheet "Bukti Dukung", baris 8, kolom Nama Dokumen: dokumen yang sama sudah ditulis pada '
        "baris 7",
    ]


def test_an_empty_submission_is_refused(spbe2020, directory):
    assert _problems(_template(spbe2020), directory) == [
        'Sheet "Isian Indikator", kolom Tingkat: tidak ada indikator yang diisi; isi Tingkat '
        "indikator yang diampu OPD ini"
    ]


def test_a_tampered_identity_is_refused_with_a_hint(spbe2020, directory):
    def tamper(book):
        sheet = book[IDENTITY_SHEET]
        sheet.protection.sheet = False
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "Kode OPD":
                row[1].value = "bpkd"
            if row[0].value == "Kerangka":
                row[1].value = "pemdi-2026"

    data = _fill(_template(spbe2020), levels={2: (3, None)}, edit=tamper)
    assert _problems(data, directory) == [
        'Sheet "Identitas", baris 6, kolom Nilai: kerangka "pemdi-2026" tidak berlaku untuk tahun '
        "2025 (spbe-2020)",
        'Sheet "Identitas", baris 8, kolom Nilai: OPD "bpkd" tidak dikenal untuk kota-ternate; '
        'maksud Anda "bpkad"?',
    ]


def test_a_levels_workbook_is_not_an_opd_workbook(directory):
    data = write_table_workbook({"Nilai Indikator": pd.DataFrame({"Instansi": ["kota-ternate"]})})
    assert not is_opd_workbook(data)
    assert not is_opd_workbook(b"not a zip")
    assert _problems(data, directory) == [
        'Sheet "Identitas": sheet tidak ditemukan; jangan menghapus atau mengganti nama sheet '
        "templat"
    ]


def test_the_rows_read_are_capped(spbe2020, directory):
    def pad(book):
        sheet = book[EVIDENCE_SHEET]
        sheet.cell(MAX_ENTRY_ROWS * 10, 1).value = 13  # far below: a row past the cap
        sheet.cell(MAX_ENTRY_ROWS * 10, 3).value = "x"
        sheet.cell(MAX_ENTRY_ROWS * 10, 4).value = "x.pdf"

    data = _fill(_template(spbe2020), levels={2: (3, None)}, edit=pad)
    assert _problems(data, directory) == [
        'Sheet "Bukti Dukung", baris 5000: lebih dari 3.000 baris data; berkas ini bukan isian '
        "satu OPD"
    ]


def test_a_bad_upload_is_refused_before_any_parsing(directory):
    with pytest.raises(WorkbookError, match="bukan berkas Excel .xlsx yang sah"):
        _read(b"Instansi;Tahun\nkota-ternate;2025\n", directory)


def test_the_last_submission_is_written_back_as_text_and_reads_back_the_same(spbe2020, directory):
    existing = pd.DataFrame(
        {
            "indicator": [13, 13, 24],
            "item": [1, 2, 1],
            "level": [3, 3, 2],
            "penjelasan": ["=SUM(A1)", "=SUM(A1)", None],
            "document_name": ["@SK", "Notulen", None],
            "document_ref": ["https://a.go.id/sk.pdf", "notulen.pdf", None],
        }
    )
    data = _template(spbe2020, existing)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = book[ENTRY_SHEET]["E2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=SUM(A1)", "s", True)
    upload = _read(data, directory)
    assert upload.indicators[["indicator", "level"]].values.tolist() == [[13, 3], [24, 2]]
    assert upload.evidence["document_name"].tolist() == ["@SK", "Notulen"]
