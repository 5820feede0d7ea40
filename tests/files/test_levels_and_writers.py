"""Workbook reading and writing with real .xlsx files written by openpyxl in tmp dirs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from spbe.core.errors import Problem, SpbeError
from spbe.core.instansi import spelling_lookup
from spbe.core.provenance import PROVENANCES
from spbe.files.common import EXPORT_SHEETS, LEVELS_HEADER, WorkbookError
from spbe.files.levels import read_levels_workbook
from spbe.files.writers import ExportBook, write_export, write_table_workbook, write_template

SHEET = "Nilai Indikator"
LOOKUP = spelling_lookup(
    [
        ("kota-ternate", "Kota Ternate"),
        ("prov-maluku-utara", "Provinsi Maluku Utara"),
        ("kab-halmahera-barat", "Kab. Halmahera Barat"),
    ]
)
LEVEL_COLUMNS = ["instansi_code", "year", "indicator", "level", "provenance", "note"]


@pytest.fixture
def make_xlsx(tmp_path):
    """Write a real workbook: a header row, then rows, on a sheet named ``sheet``."""

    def make(rows, header=LEVELS_HEADER, sheet=SHEET, name="nilai.xlsx"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        if header is not None:
            ws.append(list(header))
        for row in rows:
            ws.append(list(row))
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def refused(source, **kwargs) -> WorkbookError:
    with pytest.raises(WorkbookError) as caught:
        read_levels_workbook(source, instansi_lookup=LOOKUP, **kwargs)
    return caught.value


def where(problem: Problem):
    return problem.sheet, problem.row, problem.column


# -- valid files --------------------------------------------------------------------------------


def test_valid_file_reads_every_row_and_skips_blank_rows(make_xlsx):
    path = make_xlsx(
        [
            ("Kota Ternate", 2024, 1, 3, "Resmi", "  bukti ada  "),
            ("kota-ternate", 2024.0, "2", "4", "mandiri", None),
            ("  KOTA   TERNATE ", " 2026 ", 20, 5.0, "ILUSTRASI", 12),
            (None, None, None, None, None, None),
            ("Kabupaten Halmahera Barat", 2023, 47, 1, "rekonstruksi", ""),
            ("prov-maluku-utara", 2022, 10, 2, " resmi ", None),
            ("", "  ", None, None, None, None),
        ]
    )
    wb = openpyxl.load_workbook(path)
    wb[SHEET].cell(row=40, column=4).number_format = "0"  # a formatted but empty trailing cell
    wb.save(path)

    upload = read_levels_workbook(path, instansi_lookup=LOOKUP)

    expected = pd.DataFrame(
        {
            "instansi_code": [
                "kota-ternate",
                "kota-ternate",
                "kota-ternate",
                "kab-halmahera-barat",
                "prov-maluku-utara",
            ],
            "year": [2024, 2024, 2026, 2023, 2022],
            "framework": ["spbe-2020", "spbe-2020", "pemdi-2026", "spbe-2020", "spbe-2020"],
            "indicator": [1, 2, 20, 47, 10],
            "level": [3, 4, 5, 1, 2],
            "provenance": ["resmi", "mandiri", "ilustrasi", "rekonstruksi", "resmi"],
            "note": pd.Series(["bukti ada", None, "12", None, None], dtype=object),
            "source_row": [2, 3, 4, 6, 7],
        }
    )
    pd.testing.assert_frame_equal(upload.rows, expected, check_dtype=False)
    assert upload.rows["note"].tolist() == ["bukti ada", None, "12", None, None]
    assert [str(upload.rows[c].dtype) for c in ("year", "indicator", "level")] == ["int64"] * 3
    assert upload.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert upload.file_name == "nilai.xlsx"


def test_columns_found_by_header_in_any_order_extra_ignored_note_optional(make_xlsx):
    path = make_xlsx(
        [(4, "resmi", "Bukti di SIPD", 2025, 15, "Kota Ternate")],
        header=("tingkat", "SUMBER", "Keterangan lain", "Tahun ", "Indikator", "Instansi"),
    )
    rows = read_levels_workbook(path, instansi_lookup=LOOKUP).rows
    assert rows.loc[0, ["instansi_code", "year", "indicator", "level", "provenance"]].tolist() == [
        "kota-ternate",
        2025,
        15,
        4,
        "resmi",
    ]
    assert rows.loc[0, "note"] is None


def test_bytes_and_buffers_are_read_like_files(make_xlsx):
    path = make_xlsx([("Kota Ternate", 2024, 1, 3, "resmi", None)])
    data = path.read_bytes()
    from_bytes = read_levels_workbook(data, instansi_lookup=LOOKUP, file_name="unggah.xlsx")
    with path.open("rb") as handle:
        from_buffer = read_levels_workbook(handle, instansi_lookup=LOOKUP)
    assert from_bytes.file_name == "unggah.xlsx"
    assert from_buffer.file_name == "nilai.xlsx"
    assert from_bytes.sha256 == from_buffer.sha256 == hashlib.sha256(data).hexdigest()
    pd.testing.assert_frame_equal(from_bytes.rows, from_buffer.rows)


def test_a_wrong_dimension_record_does_not_drop_rows(make_xlsx):
    path = make_xlsx([("Kota Ternate", 2024, n, 3, "resmi", None) for n in range(1, 11)])
    # Some producers write a stale <dimension>; read-only openpyxl would stop at it.
    patched = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B3"', content)
                assert b'<dimension ref="A1:B3"' in content
            dst.writestr(item, content)
    rows = read_levels_workbook(patched.getvalue(), instansi_lookup=LOOKUP).rows
    assert rows["indicator"].tolist() == list(range(1, 11))
    assert rows["provenance"].tolist() == ["resmi"] * 10


# -- one test per error kind --------------------------------------------------------------------


def test_unknown_instansi(make_xlsx):
    path = make_xlsx(
        [
            ("Kota Ternate", 2024, 1, 3, "resmi", None),
            ("Kota Ternat", 2024, 2, 3, "resmi", None),
            ("Kota Tidore", 2024, 3, 3, "resmi", None),
            (None, 2024, 4, 3, "resmi", None),
        ]
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [
        (SHEET, 3, "Instansi"),
        (SHEET, 4, "Instansi"),
        (SHEET, 5, "Instansi"),
    ]
    assert str(error.problems[0]) == (
        'Sheet "Nilai Indikator", baris 3, kolom Instansi: instansi "Kota Ternat" tidak dikenal; '
        'tulis kode atau nama resmi instansi; maksud Anda "Kota Ternate"?'
    )
    assert error.problems[1].rule == (
        'instansi "Kota Tidore" tidak dikenal; tulis kode atau nama resmi instansi'
    )
    assert error.problems[2].rule == "wajib diisi: kode atau nama instansi"
    assert error.file_name == "nilai.xlsx"
    assert error.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_indicator_outside_the_years_framework(make_xlsx):
    path = make_xlsx(
        [
            ("Kota Ternate", 2024, 48, 3, "resmi", None),
            ("Kota Ternate", 2026, 21, 3, "resmi", None),
            ("Kota Ternate", 2026, 20, 3, "resmi", None),
            ("Kota Ternate", 2024, 0, 3, "resmi", None),
            ("Kota Ternate", 2024, "satu", 3, "resmi", None),
        ]
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [
        (SHEET, 2, "Indikator"),
        (SHEET, 3, "Indikator"),
        (SHEET, 5, "Indikator"),
        (SHEET, 6, "Indikator"),
    ]
    assert str(error.problems[0]) == (
        'Sheet "Nilai Indikator", baris 2, kolom Indikator: indikator 48 tidak ada dalam '
        "Indeks SPBE (PermenPANRB 59/2020) yang berlaku untuk tahun 2024; nomor yang sah: 1–47"
    )
    assert error.problems[1].rule == (
        "indikator 21 tidak ada dalam Indeks Pemdi (PermenPANRB 8/2026) yang berlaku untuk "
        "tahun 2026; nomor yang sah: 1–20"
    )
    assert error.problems[2].rule.startswith("indikator 0 tidak ada dalam Indeks SPBE")
    assert error.problems[3].rule == 'nilai "satu" harus nomor indikator (bilangan bulat)'


@pytest.mark.parametrize(
    ("level", "rule"),
    [
        (0, "nilai 0 harus bilangan bulat 1–5"),
        (6, "nilai 6 harus bilangan bulat 1–5"),
        (2.5, "nilai 2,5 harus bilangan bulat 1–5"),
        ("tiga", 'nilai "tiga" harus bilangan bulat 1–5'),
        ("3,0", 'nilai "3,0" harus bilangan bulat 1–5'),
        (True, "nilai TRUE harus bilangan bulat 1–5"),
        (None, "wajib diisi: bilangan bulat 1–5"),
    ],
)
def test_level_not_an_integer_1_to_5(make_xlsx, level, rule):
    path = make_xlsx(
        [
            ("Kota Ternate", 2024, 7, level, "mandiri", "x"),
            ("Kota Ternate", 2024, 8, 5, "resmi", ""),
        ]
    )
    error = refused(path)
    assert len(error.problems) == 1
    assert where(error.problems[0]) == (SHEET, 2, "Tingkat")
    assert str(error.problems[0]) == f'Sheet "Nilai Indikator", baris 2, kolom Tingkat: {rule}'


@pytest.mark.parametrize(
    ("year", "rule"),
    [
        (
            2019,
            "tidak ada kerangka evaluasi SPBE untuk tahun 2019 yang dimuat aplikasi ini "
            "(Instrumen 35 indikator (3 domain, 7 aspek) PermenPANRB 5/2018 belum dimuat",
        ),
        (2017, "tidak ada kerangka evaluasi SPBE untuk tahun 2017"),
        (
            "dua ribu dua puluh",
            'nilai "dua ribu dua puluh" harus tahun (bilangan bulat), mis. 2024',
        ),
        (2024.5, "nilai 2024,5 harus tahun (bilangan bulat), mis. 2024"),
        (None, "wajib diisi: tahun evaluasi, mis. 2024"),
    ],
)
def test_year_without_a_framework(make_xlsx, year, rule):
    # indicator 40 exists only in spbe-2020: with no framework it is not judged against one
    path = make_xlsx([("Kota Ternate", year, 40, 2, "resmi", None)])
    error = refused(path)
    assert [where(p) for p in error.problems] == [(SHEET, 2, "Tahun")]
    assert error.problems[0].rule.startswith(rule)


def test_duplicate_rows_in_the_file(make_xlsx):
    path = make_xlsx(
        [
            ("Kota Ternate", 2024, 5, 3, "resmi", None),
            ("Kota Ternate", 2024, 5, 2, "mandiri", None),  # other provenance: allowed
            ("kota-ternate", 2024, 5, 4, "Resmi", None),  # same key by code
            ("Kota Ternate", 2023, 5, 3, "resmi", None),  # other year: allowed
            ("KOTA TERNATE", 2024.0, "5", 3, "resmi ", "sama persis"),
        ]
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [(SHEET, 4, None), (SHEET, 6, None)]
    assert str(error.problems[0]) == (
        'Sheet "Nilai Indikator", baris 4: baris ganda: Instansi, Tahun, Indikator dan Sumber '
        "sama dengan baris 2 (satu nilai per instansi, tahun, indikator dan sumber)"
    )
    assert "sama dengan baris 2" in error.problems[1].rule


def test_source_must_be_a_provenance(make_xlsx):
    path = make_xlsx(
        [("Kota Ternate", 2024, 1, 3, "resmi2", None), ("Kota Ternate", 2024, 2, 3, None, "x")]
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [(SHEET, 2, "Sumber"), (SHEET, 3, "Sumber")]
    assert error.problems[0].rule == (
        'nilai "resmi2" harus salah satu dari: resmi, mandiri, rekonstruksi, ilustrasi'
    )
    assert error.problems[1].rule == (
        "wajib diisi: salah satu dari resmi, mandiri, rekonstruksi, ilustrasi"
    )


def test_required_column_missing(make_xlsx):
    path = make_xlsx(
        [("Kota Ternate", 2024, 1, "resmi")], header=("Instansi", "Tahun", "Indikator", "Sumber")
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [(SHEET, 1, "Tingkat")]
    assert str(error.problems[0]) == (
        'Sheet "Nilai Indikator", baris 1, kolom Tingkat: kolom wajib "Tingkat" tidak ada pada '
        "baris judul (baris 1); judul yang diharapkan: "
        "Instansi | Tahun | Indikator | Tingkat | Sumber | Catatan"
    )


def test_repeated_header_is_refused(make_xlsx):
    path = make_xlsx(
        [("Kota Ternate", 2024, 1, 3, "resmi", 4)],
        header=("Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "tingkat"),
    )
    error = refused(path)
    assert [where(p) for p in error.problems] == [(SHEET, 1, "Tingkat")]
    assert error.problems[0].rule == "judul kolom muncul lebih dari sekali (D dan F)"


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "bukan buku kerja")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "rule_start"),
    [
        (bytes(range(256)) * 8, "bukan berkas Excel .xlsx (mungkin CSV"),
        (
            b"Instansi,Tahun,Indikator,Tingkat,Sumber,Catatan\nKota Ternate,2024,1,3,resmi,\n",
            "bukan berkas Excel .xlsx (mungkin CSV",
        ),
        (b"", "berkas kosong (0 byte)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "berkas ini format Excel lama (.xls)"),
        (_zip_without_workbook(), "berkas .xlsx rusak atau bukan buku kerja Excel"),
    ],
    ids=["random-bytes", "csv-renamed", "empty-file", "old-xls", "zip-not-workbook"],
)
def test_not_a_real_xlsx(tmp_path, content, rule_start):
    path = tmp_path / "nilai.xlsx"
    path.write_bytes(content)
    error = refused(path)
    assert len(error.problems) == 1
    assert where(error.problems[0]) == (None, None, None)
    assert error.problems[0].rule.startswith(rule_start)
    assert str(error.problems[0]) == f"Berkas: {error.problems[0].rule}"
    assert error.sha256 == hashlib.sha256(content).hexdigest()
    assert str(error).startswith('Berkas "nilai.xlsx" ditolak (1 masalah)')


def test_missing_file_is_a_workbook_error(tmp_path):
    error = refused(tmp_path / "tidak-ada.xlsx")
    assert error.problems == (Problem(None, None, None, "berkas tidak ditemukan"),)
    assert error.sha256 is None


def test_missing_sheet(make_xlsx):
    path = make_xlsx([("Kota Ternate", 2024, 1, 3, "resmi", None)], sheet="Sheet1")
    error = refused(path)
    assert [str(p) for p in error.problems] == [
        'Sheet "Nilai Indikator": sheet tidak ditemukan (sheet yang ada: "Sheet1")'
    ]


def test_sheet_name_matches_without_case(make_xlsx):
    path = make_xlsx([("Kota Ternate", 2024, 1, 3, "resmi", None)], sheet="nilai indikator ")
    assert len(read_levels_workbook(path, instansi_lookup=LOOKUP).rows) == 1


@pytest.mark.parametrize(
    ("header", "rows", "rule"),
    [
        (LEVELS_HEADER, [], "tidak ada baris data di bawah baris judul (sheet kosong)"),
        (LEVELS_HEADER, [("", None, " ", None, None, "")], "tidak ada baris data di bawah"),
        (None, [], "sheet kosong (tidak ada judul)"),
    ],
    ids=["header-only", "header-and-blank-rows", "nothing"],
)
def test_empty_sheet(make_xlsx, header, rows, rule):
    error = refused(make_xlsx(rows, header=header))
    assert [where(p) for p in error.problems] == [(SHEET, None, None)]
    assert error.problems[0].rule.startswith(rule)


def test_every_problem_is_reported_at_once(make_xlsx):
    rows = [
        ("Kota Ternat", 2019, 48, 6, "resmi", None),  # instansi, year, level
        ("Kota Ternate", 2024, 1, 3, "resmi", None),  # valid
        ("Kota Ternate", 2024, 99, "", "bohong", None),  # indicator, level, source
    ] + [("Kota Ternate", 2024, n, 7, "resmi", None) for n in range(10, 30)]
    error = refused(make_xlsx(rows))
    assert [where(p) for p in error.problems[:6]] == [
        (SHEET, 2, "Instansi"),
        (SHEET, 2, "Tahun"),
        (SHEET, 2, "Tingkat"),
        (SHEET, 4, "Indikator"),
        (SHEET, 4, "Tingkat"),
        (SHEET, 4, "Sumber"),
    ]
    assert len(error.problems) == 6 + 20  # one per "7" row
    assert isinstance(error, SpbeError)
    message = str(error)
    assert message.startswith('Berkas "nilai.xlsx" ditolak (26 masalah); tidak ada data')
    assert message.endswith("… dan 6 masalah lainnya.")
    assert "baris 2, kolom Tingkat: nilai 6 harus bilangan bulat 1–5" in message


def test_conflicting_lookup_spellings_are_refused():
    with pytest.raises(SpbeError, match="menunjuk dua kode"):
        read_levels_workbook(
            b"", instansi_lookup={"Kota Ternate": "kota-ternate", "kota  ternate": "kota-lain"}
        )


# -- template -----------------------------------------------------------------------------------


def test_template_layout(tmp_path, spbe2020, pemdi):
    path = tmp_path / "templat.xlsx"
    write_template(path, [spbe2020, pemdi], instansi={"kota-ternate": "Kota Ternate"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET, "Indikator", "Daftar Instansi", "Petunjuk"]

    ws = wb[SHEET]
    assert [c.value for c in ws[1]] == list(LEVELS_HEADER)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["F"].width == 50
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists["D2:D1048576"] == '"1,2,3,4,5"'
    assert lists["E2:E1048576"] == '"resmi,mandiri,rekonstruksi,ilustrasi"'

    ind = wb["Indikator"]
    header = [c.value for c in ind[1]]
    records = [dict(zip(header, (c.value for c in row), strict=True)) for row in ind.iter_rows(2)]
    by_fw = {fw: [r for r in records if r["Kerangka"] == fw] for fw in ("spbe-2020", "pemdi-2026")}
    assert [len(v) for v in by_fw.values()] == [47, 20]
    for rows in by_fw.values():
        assert sum(Decimal(str(r["Bobot (%)"])) for r in rows) == 100
    i32 = next(r for r in by_fw["spbe-2020"] if r["No"] == 32)
    assert (i32["Bobot (%)"], i32["Tingkat 1"], i32["Tahun"]) == (2.75, "Informasi", "2021–2025")
    assert i32["Domain"] == "4. Layanan SPBE"
    assert by_fw["spbe-2020"][0]["Tingkat 5"] == "Optimum"
    assert by_fw["pemdi-2026"][0]["Tahun"] == "2026 dst."
    assert ind["H2"].number_format == "0.00"

    guide = "\n".join(str(c.value) for c in wb["Petunjuk"]["A"])
    for provenance in PROVENANCES:
        assert f"• {provenance}:" in guide
    assert "2021–2025: Indeks SPBE (PermenPANRB 59/2020), 47 indikator" in guide


def test_empty_template_reads_back_as_empty_sheet(tmp_path, spbe2020, pemdi):
    path = tmp_path / "templat.xlsx"
    write_template(path, [spbe2020, pemdi])
    error = refused(path)
    assert [str(p) for p in error.problems] == [
        'Sheet "Nilai Indikator": tidak ada baris data di bawah baris judul (sheet kosong)'
    ]


def test_filled_template_imports(tmp_path, spbe2020, pemdi):
    path = tmp_path / "templat.xlsx"
    write_template(path, [spbe2020, pemdi])
    wb = openpyxl.load_workbook(path)  # what a user does: open, type, save
    wb[SHEET].append(["Kota Ternate", 2025, 11, 3, "mandiri", "Arsitektur SPBE disahkan"])
    wb[SHEET].append(["Kota Ternate", 2026, 5, 2, "mandiri", None])
    wb.save(path)
    rows = read_levels_workbook(path, instansi_lookup=LOOKUP).rows
    assert rows[["year", "framework", "indicator", "level"]].values.tolist() == [
        [2025, "spbe-2020", 11, 3],
        [2026, "pemdi-2026", 5, 2],
    ]


# -- export -------------------------------------------------------------------------------------

INJECTIONS = ["=1+1", "+62 812 3456", "-2", "@SUM(A1:A2)", "#N/A", '=HYPERLINK("http://x","y")']


def _export_book(levels: pd.DataFrame) -> ExportBook:
    summary = pd.DataFrame(
        {
            "instansi_code": ["kota-ternate", "prov-maluku-utara"],
            "year": [2024, 2024],
            "index_value": [2.49, Decimal("2.61")],
            "predicate": ["Cukup", "Baik"],
            "source": INJECTIONS[:2],
        }
    )
    domains = pd.DataFrame(
        {"instansi_code": ["kota-ternate"], "domain": [4], "index_value": [2.6667]}
    )
    opd = pd.DataFrame(
        {"opd_code": ["diskominfo"], "name": [INJECTIONS[2]], "short_name": [INJECTIONS[3]]}
    )
    sources = pd.DataFrame({"source": INJECTIONS[4:], "source_url": ["https://x", None]})
    return ExportBook(summary, domains, levels, opd, sources)


def _levels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instansi_code": ["kota-ternate"] * 4 + ["prov-maluku-utara"] * 2,
            "year": [2024, 2024, 2024, 2026, 2023, 2023],
            "indicator": [1, 2, 47, 20, 1, 1],
            "level": [3, 4, 1, 5, 2, 3],
            "provenance": ["resmi", "resmi", "mandiri", "ilustrasi", "resmi", "mandiri"],
            "note": [INJECTIONS[0], None, INJECTIONS[4], "Layanan \u201cSIPD\u201d", "007", "-"],
        }
    )


def test_export_imports_back_unchanged(tmp_path):
    levels = _levels()
    before = levels.copy()
    path = tmp_path / "ekspor.xlsx"
    write_export(path, _export_book(levels))
    pd.testing.assert_frame_equal(levels, before)  # the input is not mutated

    rows = read_levels_workbook(path, instansi_lookup=LOOKUP).rows
    keys = LEVEL_COLUMNS[:-1]
    pd.testing.assert_frame_equal(rows[keys], levels[keys], check_dtype=False)
    # the input's note column has pandas' str dtype (missing = NaN); the upload gives None
    assert rows["note"].tolist() == ["=1+1", None, "#N/A", "Layanan \u201cSIPD\u201d", "007", "-"]
    assert rows["framework"].tolist() == ["spbe-2020"] * 3 + ["pemdi-2026"] + ["spbe-2020"] * 2


def test_export_is_formatted(tmp_path):
    path = tmp_path / "ekspor.xlsx"
    write_export(path, _export_book(_levels()))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(EXPORT_SHEETS)
    summary = wb["Ringkasan"]
    assert [c.value for c in summary[1]] == [
        "Kode Instansi",
        "Tahun",
        "Indeks",
        "Predikat",
        "Sumber",
    ]
    assert all(c.font.b for c in summary[1])
    assert summary.freeze_panes == "A2"
    assert (summary["C2"].value, summary["C2"].number_format) == (2.49, "0.00")
    assert (summary["C3"].value, summary["C3"].number_format) == (2.61, "0.00")
    assert summary["B2"].number_format == "General"
    assert summary.column_dimensions["A"].width == len("prov-maluku-utara") + 2
    assert wb["Domain & Aspek"]["C2"].value == 2.6667  # full value, shown as 2,67
    levels = wb[SHEET]
    assert [c.value for c in levels[1]] == list(LEVELS_HEADER)
    assert '"resmi,mandiri,rekonstruksi,ilustrasi"' in [
        v.formula1 for v in levels.data_validations.dataValidation
    ]


def test_text_never_becomes_a_formula(tmp_path):
    path = tmp_path / "ekspor.xlsx"
    write_export(path, _export_book(_levels()))
    wb = openpyxl.load_workbook(path)
    found = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if cell.value in INJECTIONS:
                    found[cell.value] = cell
    assert set(found) == set(INJECTIONS)
    assert all(cell.data_type == "s" for cell in found.values())
    assert found["=1+1"].quotePrefix and not found["#N/A"].quotePrefix
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_table_workbook_bytes():
    frame = pd.DataFrame(
        {
            "instansi_code": ["kota-ternate", "kota-tidore-kepulauan"],
            "index_value": [2.486, float("nan")],
            "cost": [1_250_000, 3_000_000],
            "logged_at": pd.to_datetime(["2025-09-01 10:30", "2025-09-02 08:00"]).tz_localize(
                "Asia/Jayapura"
            ),
            "note": ["a\x00b", None],
        }
    )
    data = write_table_workbook(
        {"Data/Grafik: 2024?": frame, "Data-Grafik- 2024-": frame.head(1)},
        column_labels={"cost": "Biaya"},
        number_formats={"cost": '"Rp" #,##0'},
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data-Grafik- 2024-", "Data-Grafik- 2024- (2)"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["Kode Instansi", "Indeks", "Biaya", "logged_at", "Catatan"]
    assert (ws["B2"].value, ws["B2"].number_format, ws["B3"].value) == (2.486, "0.00", None)
    assert (ws["C2"].value, ws["C2"].number_format) == (1_250_000, '"Rp" #,##0')
    assert ws["D2"].value == dt.datetime(2025, 9, 1, 10, 30)  # wall-clock time kept
    assert ws["E2"].value == "ab"  # characters Excel cannot store are dropped
    assert wb.worksheets[1].max_row == 2


# -- scale --------------------------------------------------------------------------------------


def test_national_scale_workbook_parses(tmp_path):
    codes = [f"kab-{n:03d}" for n in range(650)]
    lookup = spelling_lookup((c, f"Kabupaten {n:03d}") for n, c in enumerate(codes))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(list(LEVELS_HEADER))
    expected_sum = 0
    for n, code in enumerate(codes):
        for indicator in range(1, 48):
            level = (n + indicator) % 5 + 1
            expected_sum += level
            ws.append([code, 2024, indicator, level, "resmi", None])
    path = tmp_path / "nasional.xlsx"
    wb.save(path)

    rows = read_levels_workbook(path, instansi_lookup=lookup).rows
    assert len(rows) == 650 * 47
    assert int(rows["level"].sum()) == expected_sum
    last = rows.iloc[-1]
    assert (last["instansi_code"], last["indicator"], last["level"], last["source_row"]) == (
        "kab-649",
        47,
        (649 + 47) % 5 + 1,
        650 * 47 + 1,
    )
