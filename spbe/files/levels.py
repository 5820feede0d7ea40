"""Reading a levels workbook (sheet "Nilai Indikator"), all-or-nothing: every problem located by
sheet, row, column and rule. The file is read by ``spbe.files.uploads.open_upload`` under its
limits (rows and columns actually read, cells, XML size), and the problems are collected in a
``ProblemLog`` (the first ``MAX_KEPT_PROBLEMS`` kept, all counted): bounded time and memory."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import io
import itertools
import math
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl.utils import get_column_letter

from spbe.core.errors import Problem, SpbeError
from spbe.core.formatting import format_count
from spbe.core.framework import (
    FRAMEWORKS_DIR,
    Framework,
    FrameworkError,
    framework_for_year,
    list_frameworks,
    load_framework,
)
from spbe.core.instansi import instansi_code, spelling_key
from spbe.core.provenance import PROVENANCES
from spbe.files.common import (
    _DIGITS,
    _OLE_SIGNATURE,
    LEVELS_HEADER,
    LEVELS_SHEET,
    MAX_HINTED_SPELLINGS,
    REQUIRED_HEADERS,
    UPLOAD_COLUMNS,
    LevelsUpload,
    ProblemLog,
    WorkbookError,
)
from spbe.files.uploads import SheetError, UploadedBook, open_upload

_normalise = spelling_key


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


@functools.lru_cache(maxsize=16)
def _number_ranges(numbers: tuple[int, ...]) -> str:
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


def _open_workbook(data: bytes, file_name: str, sha256: str) -> UploadedBook:
    def refuse(rule: str):
        return WorkbookError([Problem(None, None, None, rule)], file_name=file_name, sha256=sha256)

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
        return open_upload(data)
    except SheetError as exc:
        raise WorkbookError([exc.problem], file_name=file_name, sha256=sha256) from None
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse(
            f"berkas .xlsx rusak atau bukan buku kerja Excel ({type(exc).__name__})"
        ) from None


def _find_sheet(book: UploadedBook, wanted: str) -> str | None:
    for title in book.sheetnames:
        if _normalise(title) == _normalise(wanted):
            return title
    return None


def _line(values: Mapping[int, object]) -> tuple:
    """{column number: value} -> the row's values from column A to its last value."""
    return tuple(values.get(k) for k in range(1, max(values, default=0) + 1))


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
                Problem(sheet, 1, label, f"judul kolom muncul lebih dari sekali ({letters})")
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
    module docstring for the rules. Raises ``WorkbookError`` when anything is wrong, with the first
    ``MAX_KEPT_PROBLEMS`` problems in file order and the count of all (``total``), or with the one
    limit the file passed (rows read, columns, cells, XML size: ``spbe.files.uploads``); otherwise
    returns the rows, the file's SHA-256 and its name (``file_name``, else the path's or buffer's
    name, else "unggahan.xlsx").
    """
    data, name = _read_source(source, file_name)
    sha256 = hashlib.sha256(data).hexdigest()
    resolver = _InstansiResolver(instansi_lookup)
    book = _open_workbook(data, name, sha256)
    try:
        rows, problems = _read_levels_sheet(book, resolver, Path(frameworks_dir))
    except SheetError as exc:  # a limit passed or a damaged part: that one problem is the answer
        raise WorkbookError([exc.problem], file_name=name, sha256=sha256) from None
    finally:
        book.close()
    if problems:
        raise WorkbookError(problems, file_name=name, sha256=sha256)
    return LevelsUpload(rows=rows, sha256=sha256, file_name=name)


def _read_levels_sheet(book: UploadedBook, resolver: _InstansiResolver, directory: Path):
    sheet = _find_sheet(book, LEVELS_SHEET)
    if sheet is None:
        titles = book.sheetnames
        present = ", ".join(f'"{t[:40]}"' for t in titles[:10]) or "tidak ada"
        present += f" dan {format_count(len(titles) - 10)} lainnya" if len(titles) > 10 else ""
        rule = f"sheet tidak ditemukan (sheet yang ada: {present})"
        return None, [Problem(LEVELS_SHEET, None, None, rule)]
    lines: Iterator[tuple[int, dict]] = book.rows(sheet)  # row elements, not the <dimension> tag
    first = next(lines, None)
    if first is not None and first[0] != 1:  # no row 1: an empty header, data below it
        lines, first = itertools.chain([first], lines), (1, {})
    header = _line(first[1]) if first is not None else ()
    columns, problems = _locate_columns(header, sheet)
    header_blank = all(_is_blank(v) for v in header)
    if header_blank and not columns:
        # an empty header: report "empty" when nothing follows, missing columns otherwise
        if not any(_not_blank(v) for _, values in lines for v in values.values()):
            return None, [Problem(sheet, None, None, "sheet kosong (tidak ada judul)")]
        lines = iter([])
    if problems:
        return None, problems

    years = _Years(directory)
    default_levels = _default_level_range(directory)
    level_text = f"bilangan bulat {default_levels[0]}–{default_levels[1]}"
    provenance_text = ", ".join(PROVENANCES)
    numbers = [columns[label] + 1 if label in columns else None for label in LEVELS_HEADER]
    out: dict[str, list] = {c: [] for c in UPLOAD_COLUMNS}
    first_row_of: dict[tuple, int] = {}
    problems = ProblemLog()
    known: dict[str, frozenset[int]] = {}  # framework id -> its indicator numbers

    def numbers_of(fw: Framework) -> frozenset[int]:
        if fw.id not in known:
            known[fw.id] = frozenset(fw.indicator_numbers)
        return known[fw.id]

    for row_number, values in lines:
        cells = [values.get(n) for n in numbers]
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
            elif fw is not None and indicator not in numbers_of(fw):
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

        if row_problems or problems:  # once refused, only the problems still matter
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
