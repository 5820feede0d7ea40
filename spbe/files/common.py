"""Workbooks in and out (openpyxl): what the reader and the writers share (sheet names, columns,
formats) and the refusal of a workbook. Reading: ``spbe.files.levels``; writing: ``spbe.files.writers``.

Reading (``read_levels_workbook``) is all-or-nothing: every problem in the file is collected as a
``Problem`` (sheet, row, column, rule — in Indonesian) and raised together in one
``WorkbookError``; nothing is returned unless every row is valid. Database work (conflicts with
stored values, transactions, the import log) belongs to ``spbe.store``.

The sheet "Nilai Indikator" has one row per indicator level, header in row 1:

    Instansi | Tahun | Indikator | Tingkat | Sumber | Catatan

- Columns are found by their header (case and surrounding spaces ignored), in any order; other
  columns are ignored. Catatan is optional; the other five are required.
- A row whose six known cells are all empty is skipped (trailing blank rows, spacer rows).
- Instansi: code or name, compared case-insensitively with spaces trimmed and collapsed; as a last
  resort the name is turned into a code with ``spbe.core.instansi.instansi_code`` ("Kabupaten X" and
  "Kab. X" are the same instansi).
- Tahun, Indikator, Tingkat: whole numbers. Accepted: an integer cell, a number cell holding a whole
  value (3.0) and digits typed as text ("3", as when a column is formatted as text). Refused:
  fractions (2.5), words ("tiga"), booleans, dates, empty cells.
- Tahun must have a framework (``spbe.core.framework.framework_for_year``); Indikator must belong to it;
  Tingkat must lie within its level range.
- Sumber: one of ``PROVENANCES``, case-insensitive.
- Instansi + Tahun + Indikator + Sumber may appear only once in the file.

Writing: every string is written as a string cell (never a formula or an error value, whatever it
begins with); text that a spreadsheet would treat as a formula when re-entered (= + - @) also gets
Excel's quote prefix. Headers are bold and frozen, columns sized, decimals formatted "0.00" (Excel
shows the reader's decimal separator, a comma in an Indonesian locale)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill

from spbe.core.errors import Problem, SpbeError
from spbe.core.provenance import DESCRIPTIONS

PROVENANCE_DESCRIPTIONS = DESCRIPTIONS


LEVELS_SHEET = "Nilai Indikator"


INDICATORS_SHEET = "Indikator"


INSTANSI_SHEET = "Daftar Instansi"


GUIDE_SHEET = "Petunjuk"


# Header label -> field of the canonical levels frame (template column order).
_LEVEL_FIELDS = {
    "Instansi": "instansi_code",
    "Tahun": "year",
    "Indikator": "indicator",
    "Tingkat": "level",
    "Sumber": "provenance",
    "Catatan": "note",
}


LEVELS_HEADER = tuple(_LEVEL_FIELDS)


REQUIRED_HEADERS = LEVELS_HEADER[:5]


LEVEL_COLUMNS = tuple(_LEVEL_FIELDS.values())  # what levels_sheet_frame() takes


UPLOAD_COLUMNS = (
    "instansi_code",
    "year",
    "framework",
    "indicator",
    "level",
    "provenance",
    "note",
    "source_row",
)


EXPORT_SHEETS = ("Ringkasan", "Domain & Aspek", LEVELS_SHEET, "OPD", "Sumber")


# Contract column names (docs/database.md) -> Indonesian headers; callers may add or override.
DEFAULT_COLUMN_LABELS = {
    "instansi_code": "Kode Instansi",
    "instansi_name": "Instansi",
    "name": "Nama",
    "short_name": "Singkatan",
    "kind": "Jenis",
    "province": "Provinsi",
    "year": "Tahun",
    "framework": "Kerangka",
    "index_value": "Indeks",
    "predicate": "Predikat",
    "domain_1": "Domain 1",
    "domain_2": "Domain 2",
    "domain_3": "Domain 3",
    "domain_4": "Domain 4",
    "domain": "Domain",
    "aspect": "Aspek",
    "indicator": "Indikator",
    "level": "Tingkat",
    "weight": "Bobot",
    "provenance": "Sumber",
    "source": "Sumber",
    "source_url": "Tautan Sumber",
    "status": "Status",
    "note": "Catatan",
    "opd_code": "Kode OPD",
    "role": "Peran",
}


INDEX_FORMAT = "0.00"


RUPIAH_FORMAT = '"Rp" #,##0'


MAX_HINTED_SPELLINGS = 50  # distinct unknown instansi that get a "maksud Anda" hint


_HEADER_FONT = Font(bold=True)


_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


_WRAP = Alignment(wrap_text=True, vertical="top")


_EXCEL_MAX_ROW = 1_048_576


_EXCEL_MAX_TEXT = 32_767


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_DIGITS = re.compile(r"[0-9]+")


_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(SpbeError):
    """A workbook was refused. ``problems`` holds every problem found (all-or-nothing).

    ``file_name`` and ``sha256`` (None when the file could not be read at all) describe the refused
    file, for the import log.
    """

    ALWAYS_LIST = True

    def __init__(
        self,
        problems: Iterable[Problem],
        *,
        file_name: str | None = None,
        sha256: str | None = None,
    ):
        problems = tuple(problems)
        self.file_name = file_name
        self.sha256 = sha256
        name = f'"{file_name}" ' if file_name else ""
        count = f"{len(problems):,}".replace(",", ".")
        super().__init__(
            problems,
            heading=f"Berkas {name}ditolak ({count} masalah); tidak ada data yang diimpor",
        )


@dataclass(frozen=True)
class LevelsUpload:
    """The valid content of a levels workbook.

    ``rows`` has the columns of ``UPLOAD_COLUMNS``: instansi_code (str), year, indicator, level
    (int64), framework (id from ``framework_for_year``), provenance (one of PROVENANCES), note (str
    or None, object dtype) and source_row (the Excel row number), in file order.
    ``sha256`` is the hex digest of the file's bytes.
    """

    rows: pd.DataFrame
    sha256: str
    file_name: str

    def __post_init__(self):
        if tuple(self.rows.columns) != UPLOAD_COLUMNS:
            raise ValueError(f"Kolom LevelsUpload.rows harus {UPLOAD_COLUMNS}.")
