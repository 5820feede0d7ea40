"""Workbooks in and out (openpyxl): the levels template, the levels reader, formatted exports.

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
shows the reader's decimal separator, a comma in an Indonesian locale).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from spbe.core.errors import Problem, SpbeError
from spbe.core.framework import (
    FRAMEWORKS_DIR,
    Framework,
    FrameworkError,
    framework_for_year,
    list_frameworks,
    load_framework,
)
from spbe.core.instansi import instansi_code, spelling_key, spelling_lookup
from spbe.core.provenance import DESCRIPTIONS, PROVENANCES

__all__ = [
    "DEFAULT_COLUMN_LABELS",
    "EXPORT_SHEETS",
    "LEVELS_HEADER",
    "LEVELS_SHEET",
    "PROVENANCES",
    "PROVENANCE_DESCRIPTIONS",
    "ExportBook",
    "LevelsUpload",
    "WorkbookError",
    "build_instansi_lookup",
    "levels_sheet_frame",
    "read_levels_workbook",
    "write_export",
    "write_table_workbook",
    "write_template",
]

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


# -- problems -----------------------------------------------------------------------------------


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


# -- reading ------------------------------------------------------------------------------------


_normalise = spelling_key
build_instansi_lookup = spelling_lookup  # (code, name) pairs -> {spelling: code}


class _InstansiResolver:
    """Spelling -> code, tolerant of case and spacing; remembers every value it has seen."""

    def __init__(self, lookup: Mapping[str, str]):
        self._codes: dict[str, str] = {}
        self._spelling: dict[str, str] = {}  # normalised -> one original spelling, for hints
        for spelling, code in lookup.items():
            key = _normalise(spelling)
            if self._codes.setdefault(key, code) != code:
                raise SpbeError(
                    f'Ejaan instansi "{spelling}" menunjuk dua kode: {self._codes[key]} dan {code}.'
                )
            self._spelling.setdefault(key, str(spelling))
        self._seen: dict[str, str | None] = {}
        self._hints: dict[str, str] = {}

    def code(self, value: object) -> str | None:
        key = _normalise(value)
        if key not in self._seen:
            found = self._codes.get(key)
            if found is None:
                try:
                    found = self._codes.get(instansi_code(str(value)))
                except ValueError:
                    found = None
            self._seen[key] = found
        return self._seen[key]

    def hint(self, value: object) -> str:
        """'; maksud Anda "Kota Ternate"?' for a near miss, else ''."""
        key = _normalise(value)
        if key not in self._hints:
            if len(self._hints) >= MAX_HINTED_SPELLINGS:  # difflib is slow; a file this wrong
                return ""  # has a bigger problem than typos
            close = difflib.get_close_matches(key, self._spelling, n=1, cutoff=0.8)
            self._hints[key] = f'; maksud Anda "{self._spelling[close[0]]}"?' if close else ""
        return self._hints[key]


def _show(value: object) -> str:
    """A cell value as people read it in a message: 2.5 -> 2,5, text in quotes."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.15g}".replace(".", ",")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value)
    if len(text) > 40:
        text = text[:39] + "…"
    return f'"{text}"'


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number(value: object) -> int | None:
    """int, whole float (3.0) or digits typed as text ("3"); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _number_ranges(numbers: Sequence[int]) -> str:
    """(1, 2, 3, 5) -> "1–3, 5"."""
    parts, start = [], None
    ordered = sorted(numbers)
    for k, n in enumerate(ordered):
        if start is None:
            start = n
        if k + 1 == len(ordered) or ordered[k + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(parts)


def _default_level_range(directory: Path) -> tuple[int, int]:
    frameworks = [load_framework(f, directory) for f in list_frameworks(directory)]
    return min(f.min_level for f in frameworks), max(f.max_level for f in frameworks)


class _Years:
    """Year -> framework (or the reason there is none), computed once per distinct year."""

    def __init__(self, directory: Path):
        self._directory = directory
        self._seen: dict[int, Framework | str] = {}

    def framework(self, year: int) -> Framework | str:
        if year not in self._seen:
            try:
                self._seen[year] = framework_for_year(year, self._directory)
            except FrameworkError as exc:
                reason = str(exc).removeprefix(f"Tahun {year}: ").rstrip(".")
                generic = f"tidak ada kerangka evaluasi SPBE untuk tahun {year}"
                if reason.casefold() == generic.casefold():
                    self._seen[year] = generic
                else:
                    self._seen[year] = f"{generic} yang dimuat aplikasi ini ({reason})"
        return self._seen[year]


def _read_source(source: str | Path | bytes | BinaryIO, file_name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), file_name or "unggahan.xlsx"
    if isinstance(source, str | Path):
        path = Path(source)
        name = file_name or path.name
        try:
            return path.read_bytes(), name
        except FileNotFoundError:
            problem = "berkas tidak ditemukan"
        except IsADirectoryError:
            problem = "yang ditunjuk adalah folder, bukan berkas"
        except OSError as exc:
            problem = f"berkas tidak dapat dibaca ({exc.strerror or exc})"
        raise WorkbookError([Problem(None, None, None, problem)], file_name=name)
    data = source.read()
    name = file_name or Path(str(getattr(source, "name", "") or "unggahan.xlsx")).name
    return bytes(data), name


def _open_workbook(data: bytes, file_name: str, sha256: str):
    def refuse(rule: str):
        return WorkbookError(
            [Problem(None, None, None, rule)], file_name=file_name, sha256=sha256
        )

    if not data:
        raise refuse("berkas kosong (0 byte), bukan buku kerja Excel .xlsx")
    if data.startswith(_OLE_SIGNATURE):
        raise refuse(
            "berkas ini format Excel lama (.xls) atau dilindungi kata sandi; "
            "buka di Excel lalu simpan sebagai .xlsx tanpa kata sandi"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(
            "bukan berkas Excel .xlsx (mungkin CSV atau berkas lain yang diberi akhiran .xlsx); "
            'simpan ulang dari Excel sebagai "Buku Kerja Excel (.xlsx)"'
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any failure here means "not a readable workbook"
        raise refuse(
            f"berkas .xlsx rusak atau bukan buku kerja Excel ({type(exc).__name__})"
        ) from None


def _find_sheet(workbook, wanted: str):
    for title in workbook.sheetnames:
        if _normalise(title) == _normalise(wanted):
            return workbook[title]
    return None


def _locate_columns(header: Sequence[object], sheet: str) -> tuple[dict[str, int], list]:
    """Header label -> 0-based position, and problems (missing / repeated required columns)."""
    seen: dict[str, list[int]] = {}
    by_key = {_normalise(label): label for label in LEVELS_HEADER}
    for pos, value in enumerate(header):
        if value is not None and _normalise(value) in by_key:
            seen.setdefault(by_key[_normalise(value)], []).append(pos)
    problems = []
    for label in LEVELS_HEADER:
        found = seen.get(label, [])
        if len(found) > 1:
            letters = " dan ".join(get_column_letter(p + 1) for p in found)
            problems.append(
                Problem(
                    sheet, 1, label, f"judul kolom muncul lebih dari sekali ({letters})"
                )
            )
        elif not found and label in REQUIRED_HEADERS:
            problems.append(
                Problem(
                    sheet,
                    1,
                    label,
                    f'kolom wajib "{label}" tidak ada pada baris judul (baris 1); '
                    f"judul yang diharapkan: {' | '.join(LEVELS_HEADER)}",
                )
            )
    return {label: pos[0] for label, pos in seen.items()}, problems


def read_levels_workbook(
    source: str | Path | bytes | BinaryIO,
    *,
    instansi_lookup: Mapping[str, str],
    file_name: str | None = None,
    frameworks_dir: Path = FRAMEWORKS_DIR,
) -> LevelsUpload:
    """Read and validate the sheet "Nilai Indikator" of an uploaded workbook.

    ``instansi_lookup`` maps every accepted spelling (codes and names) to the instansi code; see the
    module docstring for the rules. Raises ``WorkbookError`` listing every problem when anything is
    wrong; otherwise returns the rows, the file's SHA-256 and its name (``file_name``, else the
    path's or buffer's name, else "unggahan.xlsx").
    """
    data, name = _read_source(source, file_name)
    sha256 = hashlib.sha256(data).hexdigest()
    resolver = _InstansiResolver(instansi_lookup)
    workbook = _open_workbook(data, name, sha256)
    try:
        rows, problems = _read_levels_sheet(workbook, resolver, Path(frameworks_dir))
    finally:
        workbook.close()
    if problems:
        raise WorkbookError(problems, file_name=name, sha256=sha256)
    return LevelsUpload(rows=rows, sha256=sha256, file_name=name)


def _read_levels_sheet(workbook, resolver: _InstansiResolver, directory: Path):
    sheet = LEVELS_SHEET
    ws = _find_sheet(workbook, sheet)
    if ws is None:
        present = ", ".join(f'"{t}"' for t in workbook.sheetnames) or "tidak ada"
        rule = f"sheet tidak ditemukan (sheet yang ada: {present})"
        return None, [Problem(sheet, None, None, rule)]
    sheet = ws.title
    ws.reset_dimensions()  # a wrong <dimension> would otherwise cut rows off silently
    lines = ws.iter_rows(values_only=True)
    header = next(lines, ())
    columns, problems = _locate_columns(header, sheet)
    header_blank = all(_is_blank(v) for v in header)
    if header_blank and not columns:
        # an empty header: report "empty" when nothing follows, missing columns otherwise
        if not any(_not_blank(v) for line in lines for v in line):
            return None, [Problem(sheet, None, None, "sheet kosong (tidak ada judul)")]
        lines = iter([])
    if problems:
        return None, problems

    years = _Years(directory)
    default_levels = _default_level_range(directory)
    level_text = f"bilangan bulat {default_levels[0]}–{default_levels[1]}"
    provenance_text = ", ".join(PROVENANCES)
    positions = [columns.get(label) for label in LEVELS_HEADER]
    out: dict[str, list] = {c: [] for c in UPLOAD_COLUMNS}
    first_row_of: dict[tuple, int] = {}

    for row_number, line in enumerate(lines, start=2):
        width = len(line)
        cells = [line[p] if p is not None and p < width else None for p in positions]
        if all(_is_blank(v) for v in cells):
            continue
        raw_instansi, raw_year, raw_indicator, raw_level, raw_source, raw_note = cells
        row_problems = []

        def problem(column: str, rule: str, _n=row_number, _into=row_problems):
            _into.append(Problem(sheet, _n, column, rule))

        code = None
        if _is_blank(raw_instansi):
            problem("Instansi", "wajib diisi: kode atau nama instansi")
        else:
            code = resolver.code(raw_instansi)
            if code is None:
                problem(
                    "Instansi",
                    f"instansi {_show(str(raw_instansi).strip())} tidak dikenal; tulis kode atau "
                    f"nama resmi instansi{resolver.hint(raw_instansi)}",
                )

        year = fw = None
        if _is_blank(raw_year):
            problem("Tahun", "wajib diisi: tahun evaluasi, mis. 2024")
        else:
            year = _whole_number(raw_year)
            if year is None:
                problem("Tahun", f"nilai {_show(raw_year)} harus tahun (bilangan bulat), mis. 2024")
            else:
                found = years.framework(year)
                if isinstance(found, str):
                    problem("Tahun", found)
                else:
                    fw = found

        indicator = None
        if _is_blank(raw_indicator):
            problem("Indikator", "wajib diisi: nomor indikator")
        else:
            indicator = _whole_number(raw_indicator)
            if indicator is None:
                problem(
                    "Indikator",
                    f"nilai {_show(raw_indicator)} harus nomor indikator (bilangan bulat)",
                )
            elif fw is not None and indicator not in fw.indicator_numbers:
                problem(
                    "Indikator",
                    f"indikator {indicator} tidak ada dalam {fw.name} ({fw.short_regulation}) "
                    f"yang berlaku untuk tahun {year}; nomor yang sah: "
                    f"{_number_ranges(fw.indicator_numbers)}",
                )
                indicator = None

        low, high = (fw.min_level, fw.max_level) if fw is not None else default_levels
        levels_text = f"bilangan bulat {low}–{high}" if fw is not None else level_text
        level = None
        if _is_blank(raw_level):
            problem("Tingkat", f"wajib diisi: {levels_text}")
        else:
            level = _whole_number(raw_level)
            if level is None or not low <= level <= high:
                problem("Tingkat", f"nilai {_show(raw_level)} harus {levels_text}")
                level = None

        provenance = None
        if _is_blank(raw_source):
            problem("Sumber", f"wajib diisi: salah satu dari {provenance_text}")
        else:
            provenance = str(raw_source).strip().casefold()
            if provenance not in PROVENANCES:
                problem(
                    "Sumber", f"nilai {_show(raw_source)} harus salah satu dari: {provenance_text}"
                )
                provenance = None

        if None not in (code, fw, indicator, provenance):
            key = (code, year, indicator, provenance)
            first = first_row_of.setdefault(key, row_number)
            if first != row_number:
                row_problems.append(
                    Problem(
                        sheet,
                        row_number,
                        None,
                        f"baris ganda: Instansi, Tahun, Indikator dan Sumber sama dengan baris "
                        f"{first} (satu nilai per instansi, tahun, indikator dan sumber)",
                    )
                )

        if row_problems:
            problems.extend(row_problems)
            continue
        note = None if _is_blank(raw_note) else _note_text(raw_note)
        for column, value in zip(
            UPLOAD_COLUMNS,
            (code, year, fw.id, indicator, level, provenance, note, row_number),
            strict=True,
        ):
            out[column].append(value)

    if problems:
        return None, problems
    if not out["source_row"]:
        rule = "tidak ada baris data di bawah baris judul (sheet kosong)"
        return None, [Problem(sheet, None, None, rule)]
    rows = pd.DataFrame(
        {
            "instansi_code": pd.Series(out["instansi_code"], dtype="str"),
            "year": pd.Series(out["year"], dtype="int64"),
            "framework": pd.Series(out["framework"], dtype="str"),
            "indicator": pd.Series(out["indicator"], dtype="int64"),
            "level": pd.Series(out["level"], dtype="int64"),
            "provenance": pd.Series(out["provenance"], dtype="str"),
            "note": pd.Series(out["note"], dtype=object),
            "source_row": pd.Series(out["source_row"], dtype="int64"),
        }
    )
    return rows, []


def _not_blank(value: object) -> bool:
    return not _is_blank(value)


def _note_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


# -- writing ------------------------------------------------------------------------------------


def _text_cell(ws, text: str, style: WriteOnlyCell | None = None) -> WriteOnlyCell:
    """A cell that holds ``text`` as a string, never as a formula or an error value."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:_EXCEL_MAX_TEXT]
    cell = WriteOnlyCell(ws)
    if style is not None:
        cell._style = copy(style._style)
    cell.value = text
    cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error
    if text.startswith(_FORMULA_STARTS):
        cell.quotePrefix = True  # stays text when someone edits the cell in Excel
    return cell


def _plain_value(value: object):
    """A Python value openpyxl can store, or None for an empty cell; strings are returned as str."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.time):
        return value.replace(tzinfo=None)  # Excel has no time zones: keep the wall-clock time
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.timedelta | pd.Timedelta):
        return str(value)
    return str(value)


def _default_number_format(series: pd.Series) -> str | None:
    if pd.api.types.is_float_dtype(series.dtype):
        return INDEX_FORMAT
    if series.dtype == object:
        first = series.dropna()
        if len(first) and isinstance(first.iloc[0], Decimal | float):
            return INDEX_FORMAT
    return None


def _column_width(label: str, series: pd.Series) -> float:
    longest = len(label)
    if len(series):
        sample = series.iloc[:5000].dropna()
        if len(sample):
            longest = max(longest, int(sample.astype(str).str.len().max()))
    return float(min(max(longest + 2, 8), 60))


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_TITLE_BAD.sub("-", str(title)).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _write_sheet(
    workbook,
    title: str,
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    number_formats: Mapping[str, str],
    widths: Mapping[str, float] | None = None,
    validations: Sequence[DataValidation] = (),
    wrap: bool = False,
) -> None:
    ws = workbook.create_sheet(title)
    columns = list(frame.columns)
    headers = [str(labels.get(c, c)) for c in columns]
    formats = [number_formats.get(c) or _default_number_format(frame[c]) for c in columns]
    for pos, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
        width = (widths or {}).get(column) or _column_width(header, frame[column])
        ws.column_dimensions[get_column_letter(pos)].width = width
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    for validation in validations:
        ws.data_validations.append(validation)

    header_style = WriteOnlyCell(ws)
    header_style.font = _HEADER_FONT
    header_style.fill = _HEADER_FILL
    ws.append([_text_cell(ws, h, header_style) for h in headers])

    text_style = None
    if wrap:
        text_style = WriteOnlyCell(ws)
        text_style.alignment = _WRAP
    number_styles = {}
    for fmt in set(formats) - {None}:
        number_styles[fmt] = WriteOnlyCell(ws)
        number_styles[fmt].number_format = fmt
    for values in frame.itertuples(index=False, name=None):
        line = []
        for value, fmt in zip(values, formats, strict=True):
            value = _plain_value(value)
            if isinstance(value, str):
                line.append(_text_cell(ws, value, text_style))
            elif fmt is not None and isinstance(value, int | float | Decimal):
                cell = WriteOnlyCell(ws, value)
                cell._style = copy(number_styles[fmt]._style)
                line.append(cell)
            else:
                line.append(value)
        ws.append(line)


def _save(workbook, target: str | Path | BinaryIO) -> None:
    if isinstance(target, str | Path):
        workbook.save(str(target))
    else:
        workbook.save(target)


def write_table_workbook(
    sheets: Mapping[str, pd.DataFrame],
    *,
    column_labels: Mapping[str, str] | None = None,
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of an .xlsx with one formatted sheet per frame (e.g. "the data behind this chart").

    Headers come from ``DEFAULT_COLUMN_LABELS`` updated with ``column_labels`` (unlisted columns keep
    their name); float and Decimal columns get "0.00" unless ``number_formats`` names a format for
    the column (e.g. ``RUPIAH_FORMAT``). Sheet titles are made valid (31 characters, no []:*?/\\).
    """
    buffer = io.BytesIO()
    _write_tables(buffer, sheets, column_labels=column_labels, number_formats=number_formats)
    return buffer.getvalue()


def _write_tables(target, sheets, *, column_labels=None, number_formats=None, validations=None):
    labels = {**DEFAULT_COLUMN_LABELS, **(column_labels or {})}
    workbook = openpyxl.Workbook(write_only=True)
    taken: set[str] = set()
    for title, frame in sheets.items():
        _write_sheet(
            workbook,
            _sheet_title(title, taken),
            frame,
            labels=labels,
            number_formats=number_formats or {},
            validations=(validations or {}).get(title, ()),
        )
    if not sheets:
        _write_sheet(workbook, "Data", pd.DataFrame(), labels=labels, number_formats={})
    _save(workbook, target)


# -- the levels sheet ---------------------------------------------------------------------------


def levels_sheet_frame(levels: pd.DataFrame) -> pd.DataFrame:
    """Canonical levels (instansi_code, year, indicator, level, provenance, note; other columns
    ignored) -> the "Nilai Indikator" layout, headed by ``LEVELS_HEADER``. A missing note column is
    read as no notes."""
    missing = [c for c in LEVEL_COLUMNS if c not in levels.columns and c != "note"]
    if missing:
        raise SpbeError(f"Kolom tingkat indikator tidak lengkap; tidak ada: {', '.join(missing)}.")
    note = levels["note"] if "note" in levels.columns else pd.Series(None, index=levels.index)
    return pd.DataFrame(
        {
            "Instansi": levels["instansi_code"].astype("str"),
            "Tahun": levels["year"].astype("int64"),
            "Indikator": levels["indicator"].astype("int64"),
            "Tingkat": levels["level"].astype("int64"),
            "Sumber": levels["provenance"].astype("str"),
            "Catatan": note.astype(object).where(note.notna(), None),
        }
    )


def _levels_validations(frameworks: Sequence[Framework]) -> list[DataValidation]:
    """Drop-downs on Tingkat and Sumber and a whole-number check on Indikator."""
    low = min(f.min_level for f in frameworks)
    high = max(f.max_level for f in frameworks)
    top_indicator = max(max(f.indicator_numbers) for f in frameworks)

    def column(label: str) -> str:
        letter = get_column_letter(LEVELS_HEADER.index(label) + 1)
        return f"{letter}2:{letter}{_EXCEL_MAX_ROW}"

    level = DataValidation(
        type="list",
        formula1='"' + ",".join(str(n) for n in range(low, high + 1)) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Tingkat tidak sah",
        error=f"Tingkat harus bilangan bulat {low}–{high}.",
        promptTitle="Tingkat",
        prompt=f"Pilih tingkat {low}–{high}.",
        showInputMessage=True,
    )
    level.add(column("Tingkat"))
    source = DataValidation(
        type="list",
        formula1='"' + ",".join(PROVENANCES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Sumber tidak sah",
        error="Sumber harus salah satu dari: " + ", ".join(PROVENANCES) + ".",
        promptTitle="Sumber",
        prompt="resmi, mandiri, rekonstruksi atau ilustrasi (lihat sheet Petunjuk).",
        showInputMessage=True,
    )
    source.add(column("Sumber"))
    indicator = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2=str(top_indicator),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Indikator tidak sah",
        error="Nomor indikator: lihat sheet Indikator.",
    )
    indicator.add(column("Indikator"))
    return [level, source, indicator]


def _all_frameworks(directory: Path = FRAMEWORKS_DIR) -> list[Framework]:
    return [load_framework(f, directory) for f in list_frameworks(directory)]


_LEVELS_WIDTHS = {
    "Instansi": 28,
    "Tahun": 8,
    "Indikator": 11,
    "Tingkat": 9,
    "Sumber": 14,
    "Catatan": 50,
}


def _years_text(fw: Framework) -> str:
    return f"{fw.first_year} dst." if fw.last_year >= 9999 else f"{fw.first_year}–{fw.last_year}"


def _indicators_frame(frameworks: Sequence[Framework]) -> pd.DataFrame:
    low = min(f.min_level for f in frameworks)
    high = max(f.max_level for f in frameworks)
    records = []
    for fw in frameworks:
        for ind in fw.indicators:
            aspect = fw.aspect(ind.aspect)
            domain = fw.domain(aspect.domain) if aspect.domain is not None else None
            record = {
                "Kerangka": fw.id,
                "Regulasi": fw.short_regulation,
                "Tahun": _years_text(fw),
                "No": ind.number,
                "Indikator": ind.name,
                "Aspek": f"{aspect.number}. {aspect.name}",
                "Domain": f"{domain.number}. {domain.name}" if domain else None,
                "Bobot (%)": float(ind.weight),
            }
            for level in range(low, high + 1):
                inside = fw.min_level <= level <= fw.max_level
                record[f"Tingkat {level}"] = fw.level_name(ind.number, level) if inside else None
            records.append(record)
    return pd.DataFrame(records)


def _guide_frame(frameworks: Sequence[Framework]) -> pd.DataFrame:
    low = min(f.min_level for f in frameworks)
    high = max(f.max_level for f in frameworks)
    lines = [
        f'Isi sheet "{LEVELS_SHEET}": satu baris untuk satu tingkat indikator. Jangan ubah baris '
        "judul (baris 1); urutan kolom boleh berbeda, kolom tambahan diabaikan.",
        "Instansi: kode (mis. kota-ternate) atau nama resmi (mis. Kota Ternate); lihat sheet "
        f'"{INSTANSI_SHEET}" bila ada.',
        "Tahun: tahun evaluasi. Kerangka yang dipakai mengikuti tahun:",
        *(
            f"  • {_years_text(fw)}: {fw.name} ({fw.short_regulation}), "
            f"{len(fw.indicators)} indikator"
            + (" — disarikan dari sumber sekunder" if fw.secondary_source else "")
            for fw in frameworks
        ),
        f'Indikator: nomor indikator dalam kerangka tahun itu; daftar dan bobot di sheet "'
        f'{INDICATORS_SHEET}".',
        f"Tingkat: bilangan bulat {low}–{high} (angka boleh diketik sebagai teks, mis. '3').",
        "Sumber: asal nilai, wajib diisi —",
        *(f"  • {p}: {PROVENANCE_DESCRIPTIONS[p]}" for p in PROVENANCES),
        "Catatan: bebas, boleh kosong (mis. bukti dukung atau alasan).",
        "Instansi + Tahun + Indikator + Sumber hanya boleh muncul satu kali dalam berkas.",
        "Impor bersifat semua-atau-tidak-sama-sekali: bila ada satu kesalahan, tidak ada yang "
        "disimpan, dan setiap kesalahan ditampilkan dengan sheet, baris, kolom dan aturannya.",
        "Berkas yang akan mengubah nilai yang sudah tersimpan ditolak, kecuali diimpor dengan "
        "pilihan ganti (--replace).",
    ]
    return pd.DataFrame({"Petunjuk": lines})


def write_template(
    path_or_buffer: str | Path | BinaryIO,
    frameworks: Sequence[Framework],
    *,
    instansi: Mapping[str, str] | None = None,
) -> None:
    """Write the empty upload template.

    Sheets: "Nilai Indikator" (header ``LEVELS_HEADER``, drop-downs on Tingkat and Sumber),
    "Indikator" (every indicator of ``frameworks`` with aspect, domain, weight and level names),
    "Daftar Instansi" when ``instansi`` (code -> name) is given, and "Petunjuk" (how to fill it in).
    """
    if not frameworks:
        raise SpbeError("Templat membutuhkan sedikitnya satu kerangka penilaian.")
    workbook = openpyxl.Workbook(write_only=True)
    _write_sheet(
        workbook,
        LEVELS_SHEET,
        pd.DataFrame(columns=list(LEVELS_HEADER)),
        labels={},
        number_formats={},
        widths=_LEVELS_WIDTHS,
        validations=_levels_validations(frameworks),
    )
    _write_sheet(
        workbook,
        INDICATORS_SHEET,
        _indicators_frame(frameworks),
        labels={},
        number_formats={},
        widths={"Indikator": 60, "Aspek": 40, "Domain": 30},
    )
    if instansi:
        frame = pd.DataFrame({"Kode": list(instansi), "Nama": list(instansi.values())})
        _write_sheet(workbook, INSTANSI_SHEET, frame, labels={}, number_formats={})
    _write_sheet(
        workbook,
        GUIDE_SHEET,
        _guide_frame(frameworks),
        labels={},
        number_formats={},
        widths={"Petunjuk": 110},
        wrap=True,
    )
    _save(workbook, path_or_buffer)


# -- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportBook:
    """The content of ``python -m spbe export``: one frame per sheet of ``EXPORT_SHEETS``.

    ``levels`` is canonical (instansi_code, year, indicator, level, provenance, note) and is written
    in the template's layout, so the exported workbook imports back unchanged. The other frames
    are written as given, headed through ``DEFAULT_COLUMN_LABELS``.
    """

    summary: pd.DataFrame  # Ringkasan: index and predicate per instansi-year, with sources
    domains_aspects: pd.DataFrame  # Domain & Aspek
    levels: pd.DataFrame  # Nilai Indikator
    opd: pd.DataFrame  # OPD (and indicator owners)
    sources: pd.DataFrame  # Sumber

    def __post_init__(self):
        for name in ("summary", "domains_aspects", "levels", "opd", "sources"):
            if not isinstance(getattr(self, name), pd.DataFrame):
                raise TypeError(f"ExportBook.{name} harus DataFrame.")
        levels_sheet_frame(self.levels.iloc[:0])  # fail early on missing level columns


def write_export(
    path_or_buffer: str | Path | BinaryIO,
    book: ExportBook,
    *,
    column_labels: Mapping[str, str] | None = None,
    number_formats: Mapping[str, str] | None = None,
    frameworks: Sequence[Framework] | None = None,
) -> None:
    """Write the export workbook (sheets ``EXPORT_SHEETS``), formatted and formula-safe.

    The "Nilai Indikator" sheet keeps the template's columns and drop-downs (ranges from
    ``frameworks``, default: every framework carried), so it can be edited and imported again.
    """
    sheets = dict(
        zip(
            EXPORT_SHEETS,
            (
                book.summary,
                book.domains_aspects,
                levels_sheet_frame(book.levels),
                book.opd,
                book.sources,
            ),
            strict=True,
        )
    )
    validations = {LEVELS_SHEET: _levels_validations(frameworks or _all_frameworks())}
    _write_tables(
        path_or_buffer,
        sheets,
        column_labels=column_labels,
        number_formats=number_formats,
        validations=validations,
    )
