"""Checks on an uploaded workbook before openpyxl ever opens it.

Only a real .xlsx is accepted: a size limit, a zip container with the parts of a workbook, no macros,
no zip bomb (limits on the uncompressed size and the compression ratio), no huge sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from spbe.core.errors import SpbeError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 50
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted workbooks
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?([A-Z]+)?(\d+)?"')


class UploadError(SpbeError):
    """The file is not an acceptable workbook (Indonesian message)."""


@dataclass(frozen=True)
class UploadCheck:
    size: int
    uncompressed: int
    sheets: int


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def check_xlsx(
    data: bytes, file_name: str = "berkas", max_bytes: int = MAX_UPLOAD_BYTES
) -> UploadCheck:
    """Raise UploadError naming the problem; return sizes when the file looks like a real .xlsx."""
    if len(data) == 0:
        raise UploadError(f"{file_name}: berkas kosong.")
    if len(data) > max_bytes:
        raise UploadError(
            f"{file_name}: ukuran {len(data) / 1_048_576:.1f} MB melebihi batas "
            f"{max_bytes / 1_048_576:.0f} MB.".replace(".", ",")
        )
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
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{file_name}: berkas .xlsx rusak atau terpotong.") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadError(
            f"{file_name}: bukan berkas Excel .xlsx yang sah (bagian workbook tidak ada)."
        )
    content_types = archive.read("[Content_Types].xml")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise UploadError(
            f"{file_name}: berkas berisi makro (.xlsm); simpan ulang sebagai .xlsx tanpa makro."
        )
    uncompressed = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if uncompressed > MAX_UNCOMPRESSED_BYTES or uncompressed / compressed > MAX_RATIO:
        raise UploadError(
            f"{file_name}: isi berkas terlalu besar setelah diekstrak "
            f"({uncompressed / 1_048_576:.0f} MB); berkas ditolak demi keamanan.".replace(
                ".", ",", 0
            )
        )
    sheets = [
        i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
    ]
    for info in sheets:
        with archive.open(info) as handle:
            head = handle.read(4096)
        match = _DIMENSION.search(head)
        if match and match.group(2):
            rows = int(match.group(2))
            cols = _column_number(match.group(1).decode())
            if rows > MAX_ROWS or cols > MAX_COLUMNS:
                raise UploadError(
                    f"{file_name}: lembar {info.filename.rsplit('/', 1)[-1]} terlalu besar "
                    f"({rows:,} baris × {cols} kolom; batas {MAX_ROWS:,} baris).".replace(",", ".")
                )
    return UploadCheck(len(data), uncompressed, len(sheets))
