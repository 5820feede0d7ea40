"""Uploaded workbooks: the checks before anything parses them, and a reader of bounded cost.

``check_xlsx``: a size limit, a zip container with the parts of a workbook, no macros, only the
compression methods Excel writes, no DTD, and a pass over every member that decompresses it in
chunks, counting the bytes it really gets and stopping at the limit: the sizes a zip header
declares are trusted only to refuse, never to accept (a hostile file can falsify them), and so is
a ``<dimension>`` tag.

``open_upload``: the workbook's sheets read by streaming each part through expat, no tree built:
the workbook part, its relationships, the date formats of the styles, the shared strings and, on
demand, one sheet's rows. Every limit (``spbe.files.common``: MAX_ROWS, MAX_COLUMNS, MAX_CELLS,
MAX_SHEET_XML_BYTES, …) is counted on what is actually read, and passing one raises
``SheetError`` at once, located (sheet, row) when it can be: any file under the upload limit is
accepted or refused in bounded time and memory.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from spbe.core.errors import Problem
from spbe.core.formatting import format_count
from spbe.files.common import (
    _DAMAGED,
    _OLE_SIGNATURE,
    _ZIP_ERRORS,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PART_XML_BYTES,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHEET_XML_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_XML_ELEMENTS,
    MB,
    ElementsPart,
    SharedStringsPart,
    SheetError,
    UploadError,
    XmlPart,
    _cause,
    _mb,
)

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "SheetError",
    "UploadCheck",
    "UploadError",
    "UploadedBook",
    "check_xlsx",
    "open_upload",
]

_SCAN_CHUNK = MB
_MACROS = "{}: berkas berisi makro (.xlsm); simpan ulang sebagai .xlsx tanpa makro."
MAX_ZIP_MEMBERS = 10_000  # a workbook has tens of parts; each member costs a pass of the check
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?([A-Z]+)?(\d+)?"')
_EXCEL_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class UploadCheck:
    size: int
    uncompressed: int  # bytes actually decompressed
    sheets: int


def check_xlsx(
    data: bytes, file_name: str = "berkas", max_bytes: int = MAX_UPLOAD_BYTES
) -> UploadCheck:
    """Raise UploadError naming the problem; return sizes when the file looks like a real .xlsx."""
    if len(data) == 0:
        raise UploadError(f"{file_name}: berkas kosong.")
    if len(data) > max_bytes:
        size = f"{len(data) / MB:.1f}".replace(".", ",")
        raise UploadError(f"{file_name}: ukuran {size} MB melebihi batas {max_bytes / MB:.0f} MB.")
    if file_name.lower().endswith((".xlsm", ".xlsb", ".xls")):
        raise UploadError(f"{file_name}: hanya berkas .xlsx yang diterima (tanpa makro).")
    if data.startswith(_OLE_SIGNATURE):
        raise UploadError(
            f"{file_name}: berkas Excel lama (.xls) atau berkas yang dilindungi kata sandi; "
            "buka di Excel lalu simpan ulang sebagai .xlsx tanpa kata sandi."
        )
    if not data.startswith(b"PK\x03\x04"):
        raise UploadError(
            f"{file_name}: bukan berkas Excel .xlsx yang sah (mungkin CSV atau berkas lain yang diganti namanya)."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS + (ValueError,):
        raise UploadError(f"{file_name}: berkas .xlsx rusak atau terpotong.") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadError(
            f"{file_name}: bukan berkas Excel .xlsx yang sah (bagian workbook tidak ada)."
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadError(_MACROS.format(file_name))
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UploadError(
            f"{file_name}: berkas berisi {format_count(len(infos))} bagian zip (batas "
            f"{format_count(MAX_ZIP_MEMBERS)}); berkas ditolak demi keamanan."
        )
    declared = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or declared / compressed > MAX_RATIO:
        raise UploadError(
            f"{file_name}: isi berkas terlalu besar setelah diekstrak ({_mb(declared)}); "
            "berkas ditolak demi keamanan."
        )
    unusual = [i.filename for i in infos if i.compress_type not in _EXCEL_COMPRESSION]
    if unusual:
        raise UploadError(
            f"{file_name}: bagian {unusual[0]} memakai metode kompresi yang tidak dipakai Excel; "
            "simpan ulang dari Excel."
        )
    actual, sheets = _scan_members(archive, infos, len(data), file_name)
    with archive.open("[Content_Types].xml") as handle:  # scanned: within the limits
        if b"macroEnabled" in handle.read(MAX_PART_XML_BYTES):
            raise UploadError(_MACROS.format(file_name))
    return UploadCheck(len(data), actual, sheets)


def _scan_members(archive, infos, size: int, file_name: str) -> tuple[int, int]:
    """Decompress every member in chunks, counting real bytes; refuse at the first limit passed."""
    budget = min(MAX_UNCOMPRESSED_BYTES, MAX_RATIO * size)
    total = sheets = 0
    for info in infos:
        name = info.filename
        is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        sheets += is_sheet
        is_xml = name.endswith((".xml", ".rels", ".vml"))
        limit = MAX_SHEET_XML_BYTES if is_sheet or name.endswith("sharedStrings.xml") else budget
        read = 0
        tail = b""
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(_SCAN_CHUNK):
                    if is_sheet and read == 0:
                        _check_dimension(chunk[:4096], name, file_name)
                    read += len(chunk)
                    total += len(chunk)
                    if total > budget:
                        raise UploadError(
                            f"{file_name}: isi berkas terlalu besar setelah diekstrak (lebih dari "
                            f"{_mb(budget)}); berkas ditolak demi keamanan."
                        )
                    if read > limit:
                        raise UploadError(
                            f"{file_name}: bagian {name} terlalu besar setelah diekstrak (lebih "
                            f"dari {_mb(limit)}); berkas ditolak demi keamanan."
                        )
                    if is_xml and (b"<!DOCTYPE" in chunk or b"<!DOCTYPE" in tail + chunk[:16]):
                        raise UploadError(
                            f"{file_name}: bagian {name} memuat deklarasi DTD, yang tidak pernah "
                            "ditulis Excel; berkas ditolak demi keamanan."
                        )
                    tail = chunk[-16:]
        except _ZIP_ERRORS as exc:  # a damaged stream, a bad CRC, a falsified size
            cause = _cause(exc)
            raise UploadError(
                f"{file_name}: berkas .xlsx rusak dan tidak dapat dibaca (bagian {name}: "
                f"{cause}); simpan ulang dari Excel."
            ) from None
    return total, sheets


def _check_dimension(head: bytes, member: str, file_name: str) -> None:
    """A declared range over the limits is refused at once (a missing or small one proves nothing)."""
    match = _DIMENSION.search(head)
    if match and match.group(2):
        rows = int(match.group(2))
        cols = 0
        for letter in (match.group(1) or b"A").decode():
            cols = cols * 26 + ord(letter) - 64
        if rows > MAX_ROWS or cols > MAX_COLUMNS:
            raise UploadError(
                f"{file_name}: lembar {member.rsplit('/', 1)[-1]} terlalu besar "
                f"({format_count(rows)} baris × {cols} kolom; batas {format_count(MAX_ROWS)} "
                "baris)."
            )


# -- the bounded reader -----------------------------------------------------------------------

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
)
_SHEET_TAGS = {f"{ns}}}{tag}": tag for ns in _MAIN for tag in ("row", "c", "v", "is", "t", "rPh")}
_COLUMNS = {get_column_letter(n): n for n in range(1, MAX_COLUMNS + 1)}  # "A" -> 1 … "AX" -> 50
_LETTERS = re.compile(r"[A-Z]{1,3}")


class _SheetRows(XmlPart):
    """One worksheet's rows as (Excel row number, {column number: value}), empty cells left out,
    values as openpyxl gives them with ``data_only=True``: numbers (dates by the cell's style),
    booleans, shared and inline strings, error codes as text, formulas as their cached value."""

    max_bytes = MAX_SHEET_XML_BYTES

    def __init__(self, book: UploadedBook, title: str, member: str):
        super().__init__(book.archive, member, title)
        self.book, self.row, self.cells = book, 0, 0
        self.done: list[tuple[int, dict[int, object]]] = []
        self.values: dict[int, object] | None = None  # the open row
        self.in_row = self.column = self.size = self.phonetic = 0
        self.ref: str | None = None  # the open cell, with its type, style, <v> and inline text
        self.kind = self.style = self.value = None
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None

    def start(self, name, attrs):
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            self.count()
        tag = _SHEET_TAGS.get(name)
        if tag == "c":
            self._cell(attrs)
        elif tag == "v":
            if self.ref is not None and self.inline is None:
                self.buffer = []
        elif tag == "row":
            self._row(attrs.get("r"))
        elif tag == "is":
            if self.ref is not None:
                self.inline = []
        elif tag == "t":
            if self.inline is not None and not self.phonetic:
                self.buffer = self.inline
        elif tag == "rPh":
            self.phonetic += 1

    def _row(self, ref: str | None) -> None:
        try:
            number = self.row + 1 if ref is None else int(ref)
        except ValueError:  # openpyxl also accepts "3.0"
            number = _whole(ref)
        if number <= self.row:
            raise self.refuse(
                f"nomor baris {ref!r} tidak sah atau tidak berurutan dalam XML lembar (berkas "
                "rusak); simpan ulang dari Excel",
                row=self.row + 1,
            )
        if number > MAX_ROWS:
            raise self.refuse(
                f"lembar melebihi batas {format_count(MAX_ROWS)} baris (baris kosong atau "
                "berformat ikut dihitung); hapus baris yang tidak dipakai atau bagi data ke "
                "beberapa berkas",
                row=number,
            )
        self.row, self.values, self.in_row, self.column = number, {}, 0, 0

    def _cell(self, attrs: dict) -> None:
        if self.values is None:
            return
        self.in_row += 1
        self.cells += 1
        ref = attrs.get("r")
        column = self.column + 1
        if ref:
            letters = ref.rstrip("0123456789")
            column = _COLUMNS.get(letters) or MAX_COLUMNS + 1
            if column > MAX_COLUMNS and not _LETTERS.fullmatch(letters):
                raise self.refuse(f"alamat sel {ref[:20]!r} tidak sah (berkas rusak)")
        if column > MAX_COLUMNS or self.in_row > MAX_COLUMNS:
            cell = f"sel {ref[:20]}" if ref else f"sel ke-{self.in_row}"
            raise self.refuse(
                f"{cell} melewati batas {MAX_COLUMNS} kolom (A–AX); hapus isi dan format di "
                "kolom sebelah kanan"
            )
        if self.cells > MAX_CELLS:
            raise self.refuse(f"lembar melebihi batas {format_count(MAX_CELLS)} sel")
        self.column, self.ref = column, ref or f"{get_column_letter(column)}{self.row}"
        self.kind, self.style = attrs.get("t", "n"), attrs.get("s")
        self.value = self.inline = None
        self.size = 0

    def end(self, name):
        tag = _SHEET_TAGS.get(name)
        if tag == "c":
            if self.ref is not None:
                value = self._convert()
                if value is not None:
                    self.values[self.column] = value
                self.ref = self.inline = None
        elif tag == "v":
            if self.buffer is not None and self.inline is None:
                self.value = "".join(self.buffer)
            self.buffer = None
        elif tag == "t":
            self.buffer = None
        elif tag == "row":
            if self.values is not None:
                self.done.append((self.row, self.values))
                self.values = None
        elif tag == "rPh":
            self.phonetic -= 1

    def text(self, data):
        if self.buffer is not None:
            self.buffer.append(data)
            self.size += len(data)
            if self.size > MAX_CELL_CHARS:
                raise self.refuse(
                    f"sel {self.ref} berisi lebih dari {format_count(MAX_CELL_CHARS)} karakter"
                )

    def _convert(self) -> object:
        kind, text = self.kind, self.value
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        if not text:
            return None
        try:
            if kind == "n":
                number = float(text) if "." in text or "E" in text or "e" in text else int(text)
                style = int(self.style) if self.style else 0
                if style not in self.book.date_styles:
                    return number
                try:
                    duration = style in self.book.duration_styles
                    return from_excel(number, self.book.epoch, timedelta=duration)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            if kind == "s":
                return self.book.shared_strings()[int(text)]
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return from_ISO8601(text)
        except (ValueError, IndexError, TypeError):
            raise self.refuse(
                f"sel {self.ref}: nilai {text[:20]!r} tidak sah untuk jenis selnya (berkas rusak)"
            ) from None
        return text  # "str" (a formula's text), "e" (an error code such as #N/A), other types

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        for _ in self.stream():
            if self.done:
                done, self.done = self.done, []
                yield from done


def _whole(text: str) -> int:
    """A row number written as a float ("3.0"), else 0 (refused as damaged)."""
    try:
        number = float(text)
    except ValueError:
        return 0
    return int(number) if number.is_integer() else 0


class UploadedBook:
    """A workbook opened by ``open_upload``: ``sheetnames`` (worksheets, in workbook order) and
    ``rows(title)``. Reads the workbook part, its relationships and the styles' date formats."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        start = self._relationships("_rels/.rels", "", names)
        found = [m for kind, m in start.values() if kind.endswith("/officeDocument")]
        workbook = next((m for m in found if m in names), "xl/workbook.xml")
        if workbook not in names:
            rule = f"berkas .xlsx rusak atau bukan buku kerja Excel (bagian {workbook} tidak ada)"
            raise SheetError(Problem(None, None, None, rule))
        folder, base = posixpath.split(workbook)
        rels = self._relationships(f"{folder}/_rels/{base}.rels".lstrip("/"), workbook, names)
        self._sheets, self.epoch = {}, CALENDAR_WINDOWS_1900
        for tag, attrs in ElementsPart(archive, workbook, {"sheet", "workbookPr"}).read().found:
            rel = next((v for k, v in attrs.items() if k.endswith("}id")), None)
            kind, member = rels.get(rel, ("", ""))
            if tag == "sheet" and kind.endswith("/worksheet") and member in names:
                self._sheets[attrs.get("name", "")] = member
            elif tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        parts = {kind.rsplit("/", 1)[-1]: m for kind, m in rels.values() if m in names}
        self._strings_member, self._strings = parts.get("sharedStrings"), None
        self.date_styles, self.duration_styles = self._date_styles(parts.get("styles"))

    def _relationships(self, member: str, owner: str, names: set[str]) -> dict:
        """Id -> (type, member) of a .rels part; targets resolved against their owner part."""
        if member not in names:
            return {}
        targets = {}
        for _tag, attrs in ElementsPart(self.archive, member, {"Relationship"}).read().found:
            target = attrs.get("Target", "")
            if attrs.get("TargetMode") != "External":
                folder = posixpath.dirname(owner)
                resolved = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                targets[attrs.get("Id")] = (attrs.get("Type", ""), posixpath.normpath(resolved))
        return targets

    def _date_styles(self, member: str | None) -> tuple[frozenset[int], frozenset[int]]:
        """Positions in cellXfs of the styles that show a number as a date, and as a duration."""
        if member is None:
            return frozenset(), frozenset()
        wanted = {"numFmt", "cellXfs", "cellStyleXfs", "xf"}
        custom, formats, container = {}, [], None
        try:
            for tag, attrs in ElementsPart(self.archive, member, wanted).read().found:
                if tag == "numFmt" and container is None:  # <numFmts>, not a dxf's
                    custom[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")
                elif tag == "xf" and container == "cellXfs":
                    formats.append(int(attrs.get("numFmtId", 0)))
                elif tag != "xf":
                    container = tag
        except ValueError:
            raise SheetError(Problem(None, None, None, _DAMAGED.format("styles"))) from None
        dates, durations = set(), set()
        for style, number in enumerate(formats):
            fmt = custom[number] if number in custom else BUILTIN_FORMATS.get(number)
            if is_date_format(fmt):
                dates.add(style)
                if is_timedelta_format(fmt):
                    durations.add(style)
        return frozenset(dates), frozenset(durations)

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            member = self._strings_member
            self._strings = SharedStringsPart(self.archive, member).read().strings if member else []
        return self._strings

    def rows(self, title: str) -> Iterator[tuple[int, dict[int, object]]]:
        """Every row element in file order, blank and formatted rows too (they count towards
        MAX_ROWS): (Excel row number, {column number: value})."""
        return _SheetRows(self, title, self._sheets[title]).rows()

    def close(self) -> None:
        self.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


def open_upload(data: bytes) -> UploadedBook:
    """Open an .xlsx for reading under the limits. Raises SheetError (damaged part, or a limit
    passed) or zipfile.BadZipFile (not a zip at all)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        return UploadedBook(archive)
    except BaseException:
        archive.close()
        raise
