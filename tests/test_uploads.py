import io
import zipfile

import pytest
from openpyxl import Workbook

from spbe.files.uploads import MAX_UPLOAD_BYTES, UploadError, check_xlsx


def workbook_bytes(rows=3) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Nilai Indikator"
    ws.append(["Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan"])
    for n in range(rows):
        ws.append(["Kota Ternate", 2024, n + 1, 2, "mandiri", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, extra: dict[str, bytes] | None = None, drop=(), replace=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if replace and info.filename in replace:
                content = replace[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_real_workbook_passes():
    check = check_xlsx(workbook_bytes(), "nilai.xlsx")
    assert check.sheets == 1 and check.size > 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "kosong.xlsx", "berkas kosong"),
        (b"Instansi,Tahun\nKota Ternate,2024\n", "nilai.xlsx", "bukan berkas Excel .xlsx yang sah"),
        (b"PK\x03\x04" + b"\x00" * 50, "potong.xlsx", "rusak atau terpotong"),
    ],
)
def test_files_that_are_not_workbooks(data, name, message):
    with pytest.raises(UploadError, match=message):
        check_xlsx(data, name)


def test_size_limit():
    with pytest.raises(UploadError, match="melebihi batas 10 MB"):
        check_xlsx(b"PK\x03\x04" + b"\x00" * MAX_UPLOAD_BYTES, "besar.xlsx")


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "halo")
    with pytest.raises(UploadError, match="bagian workbook tidak ada"):
        check_xlsx(out.getvalue(), "arsip.xlsx")


def test_macro_enabled_workbooks_are_refused():
    data = rezip(workbook_bytes(), extra={"xl/vbaProject.bin": b"\x00" * 100})
    with pytest.raises(UploadError, match="makro"):
        check_xlsx(data, "nilai.xlsx")
    with pytest.raises(UploadError, match="tanpa makro"):
        check_xlsx(workbook_bytes(), "nilai.xlsm")


def test_zip_bomb_is_refused():
    bomb = rezip(workbook_bytes(), extra={"xl/media/padding.bin": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # tiny on disk
    with pytest.raises(UploadError, match="terlalu besar setelah diekstrak"):
        check_xlsx(bomb, "bom.xlsx")


def test_a_sheet_declaring_a_huge_range_is_refused():
    data = rezip(
        workbook_bytes(),
        replace={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<dimension ref="A1:F4"', b'<dimension ref="A1:F1048576"'
            )
        },
    )
    with pytest.raises(UploadError, match="terlalu besar"):
        check_xlsx(data, "besar.xlsx")


def test_old_xls_or_password_protected_files_get_their_own_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(UploadError, match="berkas Excel lama .*kata sandi"):
        check_xlsx(ole, "nilai.xlsx")
