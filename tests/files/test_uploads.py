import io
import zipfile

import pytest
from openpyxl import Workbook

from spbe.files import uploads
from spbe.files.uploads import MAX_UPLOAD_BYTES, UploadError, check_xlsx
from tests.data.make_bad_workbooks import falsify_sizes


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


# -- bounded cost: what the check counts is what it decompresses (issue #14) -------------------


def test_the_size_message_keeps_the_file_name_intact():
    with pytest.raises(UploadError) as refused:
        check_xlsx(b"PK\x03\x04" + bytes(MAX_UPLOAD_BYTES), "nilai.v2.xlsx")
    assert str(refused.value) == "nilai.v2.xlsx: ukuran 10,0 MB melebihi batas 10 MB."


def test_only_the_compression_excel_writes_is_accepted():
    data = rezip(workbook_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=zipfile.ZIP_BZIP2)
    with pytest.raises(UploadError, match="metode kompresi yang tidak dipakai Excel"):
        check_xlsx(out.getvalue(), "bzip2.xlsx")


def test_a_member_whose_declared_size_is_false_is_refused_as_damaged():
    data = workbook_bytes(rows=200)
    forged = falsify_sizes(data, "xl/worksheets/sheet1.xml", file_size=100)
    with pytest.raises(UploadError) as refused:
        check_xlsx(forged, "palsu.xlsx")
    assert str(refused.value) == (
        "palsu.xlsx: berkas .xlsx rusak dan tidak dapat dibaca (bagian "
        "xl/worksheets/sheet1.xml: zipfile.BadZipFile); simpan ulang dari Excel."
    )


def test_a_sheet_over_the_sheet_limit_is_refused_while_it_is_decompressed(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SHEET_XML_BYTES", 100_000)
    data = workbook_bytes(rows=2_000)  # about 300 KB of sheet XML, honestly declared
    with pytest.raises(UploadError, match="bagian xl/worksheets/sheet1.xml terlalu besar setelah"):
        check_xlsx(data, "besar.xlsx")


def test_the_budget_counts_decompressed_bytes_not_declared_ones():
    data = workbook_bytes(rows=2_000)
    archive = zipfile.ZipFile(io.BytesIO(data))
    # as if the file were 1 KB: 200 KB may come out of it, whatever the headers declare
    with pytest.raises(UploadError, match=r"terlalu besar setelah diekstrak \(lebih dari 0 MB\)"):
        uploads._scan_members(archive, archive.infolist(), 1_000, "kecil.xlsx")
    check = check_xlsx(data, "nilai.xlsx")
    assert check.uncompressed == sum(len(archive.read(i)) for i in archive.infolist())


def test_a_dimension_tag_is_trusted_only_to_refuse():
    small = rezip(
        workbook_bytes(rows=5),
        replace={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<dimension ref="A1:F6"', b'<dimension ref="A1:B2"'
            )
        },
    )
    assert check_xlsx(small, "kecil.xlsx").sheets == 1  # a false small range proves nothing
    odd = rezip(
        workbook_bytes(),
        replace={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<dimension ref="A1:F4"', b'<dimension ref="A1:200001"'
            )
        },
    )
    with pytest.raises(UploadError, match=r"terlalu besar \(200\.001 baris × 1 kolom"):
        check_xlsx(odd, "aneh.xlsx")


def test_a_zip_of_very_many_parts_is_refused_before_any_is_read():
    data = rezip(workbook_bytes(), extra={f"xl/media/{n}.bin": b"" for n in range(10_001)})
    with pytest.raises(UploadError, match=r"berisi 10\.0\d\d bagian zip \(batas 10\.000\)"):
        check_xlsx(data, "banyak.xlsx")
