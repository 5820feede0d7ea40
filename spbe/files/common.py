"""Workbooks in and out (openpyxl): what the reader and the writers share (sheet names, columns,
formats), the refusal of a workbook, and the limits of reading an upload with the XML streaming
they are counted on. Reading: ``spbe.files.levels`` (through ``spbe.files.uploads.open_upload``);
writing: ``spbe.files.writers``.

Reading (``read_levels_workbook``) is all-or-nothing: every problem in the file is found as a
``Problem`` (sheet, row, column, rule — in Indonesian) and raised together in one
``WorkbookError``; nothing is returned unless every row is valid. Its cost is bounded: the first
``MAX_KEPT_PROBLEMS`` problems are kept and all are counted (``WorkbookError.total``), and a file
past a limit (``MAX_ROWS`` rows read, blank ones included, ``MAX_COLUMNS``, ``MAX_CELLS``, XML
sizes) is refused with that one located problem. Database work (conflicts with stored values,
transactions, the import log) belongs to ``spbe.store``.

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
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill

from spbe.core.errors import MAX_LISTED, Problem, SpbeError
from spbe.core.formatting import format_count
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


# -- bounded cost: the limits of reading an upload, counted on what is actually read -------------

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * MB
MAX_UNCOMPRESSED_BYTES = 200 * MB  # all zip members together, counted while decompressing
MAX_RATIO = 200  # decompressed bytes per byte of the file
MAX_ROWS = 100_000  # rows of a sheet by Excel row number: blank and formatted rows count too
MAX_COLUMNS = 50  # columns of a row (A–AX)
MAX_CELLS = 1_000_000  # <c> elements of a sheet
MAX_SHEET_XML_BYTES = 64 * MB  # one worksheet, or the shared strings, decompressed
MAX_PART_XML_BYTES = 8 * MB  # the workbook part, its relationships, the styles
MAX_XML_ELEMENTS = 3_000_000  # elements of one part
MAX_SHARED_STRINGS = 500_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of a cell
MAX_XML_STALL_BYTES = MB  # what expat may hold without finishing a token (one huge attribute)
MAX_KEPT_PROBLEMS = 1_000  # problems kept for the table; the rest are only counted
_CHUNK = 64 * 1024
_DAMAGED = "berkas .xlsx rusak dan tidak dapat dibaca ({}); simpan ulang dari Excel"
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB"


def _cause(exc: BaseException) -> str:
    """zlib.error, zipfile.BadZipFile, EOFError: what broke, for a "rusak" message."""
    module = type(exc).__module__.split(".")[0]
    return type(exc).__name__ if module == "builtins" else f"{module}.{type(exc).__name__}"


class UploadError(SpbeError):
    """The file is not an acceptable workbook (Indonesian message)."""


class SheetError(UploadError):
    """The bounded reader refused the file: a limit passed, or a damaged part. ``problem`` says
    where (sheet, and row when known) and which rule."""

    def __init__(self, problem: Problem):
        super().__init__(problem)
        self.problem = problem


class XmlPart:
    """One zip member streamed through expat (no tree is built) under the limits above; the
    subclasses (``spbe.files.uploads``) handle the elements."""

    max_bytes = MAX_PART_XML_BYTES

    def __init__(self, archive: zipfile.ZipFile, member: str, sheet: str | None = None):
        self.archive, self.member, self.sheet = archive, member, sheet
        self.elements = 0
        self.row: int | None = None  # the Excel row being read, to locate a refusal

    def refuse(self, rule: str, row: int | None = None) -> SheetError:
        return SheetError(Problem(self.sheet, self.row if row is None else row or None, None, rule))

    def count(self) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            limit = format_count(MAX_XML_ELEMENTS)
            raise self.refuse(f"bagian {self.member} berisi lebih dari {limit} elemen XML")

    def start(self, name: str, attrs: dict) -> None:
        self.count()

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass

    def _dtd(self, *_args) -> None:
        raise self.refuse(f"bagian {self.member} memuat deklarasi DTD, yang tidak ditulis Excel", 0)

    def stream(self) -> Iterator[None]:
        """Parse chunk by chunk, yielding after each; damage becomes a refusal naming the cause."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = self._dtd
        fed = 0
        try:
            with self.archive.open(self.member) as source:
                while chunk := source.read(_CHUNK):
                    fed += len(chunk)
                    if fed > self.max_bytes:
                        size = _mb(self.max_bytes)
                        raise self.refuse(
                            f"bagian {self.member} lebih dari {size} setelah diekstrak"
                        )
                    parser.Parse(chunk, False)
                    if fed - max(parser.CurrentByteIndex, 0) > MAX_XML_STALL_BYTES:
                        raise self.refuse(
                            f"bagian {self.member} memuat satu tag XML lebih dari 1 MB"
                        )
                    yield
                parser.Parse(b"", True)
        except expat.ExpatError:
            raise self.refuse(_DAMAGED.format("xml.ParseError"), 0) from None
        except _ZIP_ERRORS as exc:
            cause = _cause(exc)
            raise self.refuse(_DAMAGED.format(cause), 0) from None
        yield

    def read(self):
        for _ in self.stream():
            pass
        return self


class ElementsPart(XmlPart):
    """(local name, attributes) of the elements named in ``wanted``, in document order."""

    def __init__(self, archive, member: str, wanted: set[str]):
        super().__init__(archive, member)
        self.wanted, self.found = wanted, []

    def start(self, name, attrs):
        self.count()
        local = name.rpartition("}")[2]
        if local in self.wanted:
            self.found.append((local, attrs))


class SharedStringsPart(XmlPart):
    """The shared string table: the text of each <si>, runs joined, phonetic runs left out."""

    max_bytes = MAX_SHEET_XML_BYTES

    def __init__(self, archive, member):
        super().__init__(archive, member)
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.size = self.phonetic = 0
        self.collecting = False

    def start(self, name, attrs):
        self.count()
        local = name.rpartition("}")[2]
        if local == "si":
            self.parts, self.size = [], 0
        elif local == "t":
            self.collecting = self.parts is not None and not self.phonetic
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name):
        local = name.rpartition("}")[2]
        if local == "t":
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.parts is not None:
            self.strings.append("".join(self.parts).replace("x005F_", ""))  # as openpyxl does
            self.parts = None
            if len(self.strings) > MAX_SHARED_STRINGS:
                limit = format_count(MAX_SHARED_STRINGS)
                raise self.refuse(f"tabel teks bersama berisi lebih dari {limit} teks")

    def text(self, data):
        if self.collecting:
            self.parts.append(data)
            self.size += len(data)
            if self.size > MAX_CELL_CHARS:
                number, limit = format_count(len(self.strings) + 1), format_count(MAX_CELL_CHARS)
                raise self.refuse(f"teks bersama ke-{number} lebih dari {limit} karakter")


class ProblemLog:
    """Problems in the order they are found: the first ``limit`` kept, every one counted (so a file
    with a million bad rows costs bounded memory and still says how many there were)."""

    def __init__(self, limit: int = MAX_KEPT_PROBLEMS):
        self.limit, self.kept, self.total = limit, [], 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return self.total > 0


class WorkbookError(SpbeError):
    """A workbook was refused (all-or-nothing). ``problems`` holds the first ``MAX_KEPT_PROBLEMS``
    problems found, in file order; ``total`` counts them all (the heading and the "… dan N masalah
    lainnya" line use it). Pass a ``ProblemLog`` or any iterable of problems (``total`` defaults to
    how many there are).

    ``file_name`` and ``sha256`` (None when the file could not be read at all) describe the refused
    file, for the import log.
    """

    ALWAYS_LIST = True

    def __init__(
        self,
        problems: ProblemLog | Iterable[Problem],
        *,
        total: int | None = None,
        file_name: str | None = None,
        sha256: str | None = None,
    ):
        if isinstance(problems, ProblemLog):
            problems, total = problems.kept, problems.total if total is None else total
        problems = tuple(problems)
        self.total = max(len(problems), total or 0)
        problems = problems[:MAX_KEPT_PROBLEMS]
        self.file_name = file_name
        self.sha256 = sha256
        name = f'"{file_name}" ' if file_name else ""
        super().__init__(
            problems,
            heading=f"Berkas {name}ditolak ({format_count(self.total)} masalah); tidak ada data "
            "yang diimpor",
        )

    def _message(self) -> str:
        if self.total == len(self.problems):
            return super()._message()
        shown = [str(p) for p in self.problems[:MAX_LISTED]]
        shown.append(f"… dan {format_count(self.total - len(shown))} masalah lainnya.")
        return f"{self.heading}:\n- " + "\n- ".join(shown)


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
