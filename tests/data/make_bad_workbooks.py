"""Write the corpus of bad uploads in tests/data/bad/: one small file per way an import is refused.

Run from the repository root and commit the result:

    python tests/data/make_bad_workbooks.py

``CORPUS`` says, for every file, the kind of failure, which refusal it must cause (``WorkbookRejected``
for the file, ``ImportRefused`` for a valid file that would change stored values), a fragment of the
Indonesian message and, for cell problems, the sheet/row/column named first. tests/test_bad_inputs.py
imports every file against a freshly seeded store and checks all of that. The helpers
``levels_workbook`` and ``rezip`` are shared with the fuzz, fault and page tests.

Not in the corpus: a file over the 10 MB upload limit (it would bloat the repository);
tests/test_bad_inputs.py builds one in memory. Neither are the hostile files of bounded cost
(a million blank rows, a false <dimension>, zip bombs with falsified sizes): ``raw_workbook``
writes them with zipfile alone, streamed, for tests/test_hostile_files.py and
benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

BAD_DIR = Path(__file__).resolve().parent / "bad"
SHEET = "Nilai Indikator"
HEADER = ("Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan")
GOOD_ROW = ("Kota Ternate", 2024, 1, 2, "mandiri", "contoh")
REJECTED, REFUSED = "WorkbookRejected", "ImportRefused"


def levels_workbook(
    rows: Iterable[Sequence[object]],
    header: Sequence[object] | None = HEADER,
    sheet: str = SHEET,
) -> bytes:
    """An .xlsx written by openpyxl: ``header`` (None = no header row) then ``rows``."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    if header is not None:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(
    data: bytes,
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The same zip with some members rewritten (``replace``) or added (``extra``)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if replace and info.filename in replace:
                content = replace[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(ref: str, value: object) -> str:
    """One <c>: a number, a boolean, or an inline string (what openpyxl writes)."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>'


def row_xml(number: int, values: Sequence[object]) -> bytes:
    """A <row> with ``values`` from column A on (None leaves a cell out)."""
    cells = "".join(
        cell_xml(f"{chr(65 + k)}{number}", v) for k, v in enumerate(values) if v is not None
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def raw_workbook(
    rows: Iterable[bytes],
    *,
    dimension: str | None = None,
    sheet: str = SHEET,
    members: dict[str, bytes | Iterable[bytes]] | None = None,
    level: int = 1,
) -> bytes:
    """An .xlsx written with zipfile alone: the minimal parts, then one worksheet whose
    <sheetData> holds ``rows`` (row XML, streamed into the zip, so a million rows cost seconds and
    a few MB). ``dimension`` writes a <dimension ref> (true or false; None: no tag); ``members``
    adds or replaces parts, as bytes or as chunks streamed in (xl/sharedStrings.xml and
    xl/styles.xml get their relationship)."""
    members = dict(members or {})
    related = [
        (f"rId{k}", kind, target)
        for k, (kind, target) in enumerate(
            [("sharedStrings", "sharedStrings.xml"), ("styles", "styles.xml")], start=2
        )
        if f"xl/{target}" in members
    ]
    rels = "".join(
        f'<Relationship Id="{rid}" Type="{_REL_NS}/{kind}" Target="{target}"/>'
        for rid, kind, target in [("rId1", "worksheet", "worksheets/sheet1.xml"), *related]
    )
    overrides = "".join(
        f'<Override PartName="/xl/{target}" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.{kind}+xml"/>'
        for _rid, kind, target in related
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{_TYPES}"><Default Extension="xml" '
        'ContentType="application/xml"/><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        f'sheet1.xml" ContentType="{_SHEET_CT}"/>{overrides}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_REL_NS}"><sheets><sheet '
        f'name="{_escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PACKAGE_RELS}">{rels}'
        "</Relationships>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in parts.items():
            archive.writestr(name, members.pop(name, text.encode()))
        with archive.open("xl/worksheets/sheet1.xml", "w") as handle:
            handle.write(f'<worksheet xmlns="{MAIN_NS}">'.encode())
            if dimension is not None:
                handle.write(f'<dimension ref="{dimension}"/>'.encode())
            handle.write(b"<sheetData>")
            batch: list[bytes] = []
            size = 0
            for row in rows:
                batch.append(row)
                size += len(row)
                if size > 1 << 20:
                    handle.write(b"".join(batch))
                    batch, size = [], 0
            handle.write(b"".join(batch) + b"</sheetData></worksheet>")
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w") as handle:
                for chunk in content:
                    handle.write(chunk)
    return out.getvalue()


def falsify_sizes(
    data: bytes, member: str, *, file_size: int | None = None, compress_size: int | None = None
) -> bytes:
    """The same zip with ``member``'s declared sizes overwritten in its local header and in its
    central directory entry (the CRC is left alone): how a hostile file passes size checks."""
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(member).header_offset
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name or (
        struct.unpack_from("<H", data, central + 28)[0] != len(name)
    ):
        central = data.find(b"PK\x01\x02", central + 4)
    patched = bytearray(data)
    for offset, compress_at, size_at in ((local, 18, 22), (central, 20, 24)):
        if compress_size is not None:
            struct.pack_into("<I", patched, offset + compress_at, compress_size)
        if file_size is not None:
            struct.pack_into("<I", patched, offset + size_at, file_size)
    return bytes(patched)


def _damaged_deflate_stream(data: bytes, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """Overwrite the middle of one member's compressed bytes: the zip directory stays valid."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    local_header = 30 + len(info.filename.encode()) + len(info.extra)
    start = info.header_offset + local_header + info.compress_size // 3
    damaged = bytearray(data)
    damaged[start : start + 8] = b"\xff" * 8
    return bytes(damaged)


@dataclass(frozen=True)
class BadCase:
    file: str
    kind: str
    refusal: str  # REJECTED or REFUSED
    message: str  # a fragment of the Indonesian message
    where: tuple[str | None, int | None, str | None] | None  # first problem: sheet, row, column
    build: Callable[[], bytes]


def _row(**changes) -> tuple:
    values = dict(zip(HEADER, GOOD_ROW, strict=True))
    values.update(changes)
    return tuple(values[h] for h in HEADER)


def _one_row(**changes) -> Callable[[], bytes]:
    return lambda: levels_workbook([_row(**changes)])


def _cell(row: int | None, column: str | None) -> tuple:
    return (SHEET, row, column)


CORPUS: tuple[BadCase, ...] = (
    # -- the upload itself (spbe.files.uploads.check_xlsx) ---------------------------------------------
    BadCase("kosong.xlsx", "berkas kosong", REJECTED, "berkas kosong", None, lambda: b""),
    BadCase(
        "csv-berganti-nama.xlsx",
        "CSV yang diganti namanya",
        REJECTED,
        "bukan berkas Excel .xlsx yang sah",
        None,
        lambda: b"Instansi,Tahun,Indikator,Tingkat,Sumber\nKota Ternate,2024,1,2,mandiri\n",
    ),
    BadCase(
        "xls-lama-atau-terenkripsi.xlsx",
        "format .xls lama / .xlsx berkata sandi (wadah OLE)",
        REJECTED,
        "berkas Excel lama (.xls) atau berkas yang dilindungi kata sandi",
        None,
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    ),
    BadCase(
        "terpotong.xlsx",
        "unduhan terpotong",
        REJECTED,
        "rusak atau terpotong",
        None,
        lambda: (lambda d: d[: len(d) // 2])(levels_workbook([GOOD_ROW])),
    ),
    BadCase(
        "zip-bukan-workbook.xlsx",
        "arsip zip lain",
        REJECTED,
        "bagian workbook tidak ada",
        None,
        lambda: rezip_new({"readme.txt": b"bukan buku kerja"}),
    ),
    BadCase(
        "makro.xlsx",
        "berkas bermakro yang diberi akhiran .xlsx",
        REJECTED,
        "berisi makro",
        None,
        lambda: rezip(levels_workbook([GOOD_ROW]), extra={"xl/vbaProject.bin": bytes(512)}),
    ),
    BadCase(
        "makro.xlsm",
        "akhiran .xlsm",
        REJECTED,
        "hanya berkas .xlsx yang diterima (tanpa makro)",
        None,
        lambda: levels_workbook([GOOD_ROW]),
    ),
    BadCase(
        "bom-zip.xlsx",
        "bom zip (50 MB nol dalam beberapa puluh KB)",
        REJECTED,
        "terlalu besar setelah diekstrak",
        None,
        lambda: rezip(levels_workbook([GOOD_ROW]), extra={"xl/media/isi.bin": bytes(50 << 20)}),
    ),
    BadCase(
        "lembar-raksasa.xlsx",
        "lembar yang menyatakan 300.000 baris",
        REJECTED,
        "terlalu besar (300.000 baris",
        None,
        lambda: rezip(
            levels_workbook([GOOD_ROW]),
            replace={
                "xl/worksheets/sheet1.xml": lambda c: c.replace(
                    b'<dimension ref="A1:F2"/>', b'<dimension ref="A1:F300000"/>'
                )
            },
        ),
    ),
    BadCase(
        "isi-zip-rusak.xlsx",
        "aliran deflate rusak di dalam zip yang sah",
        REJECTED,
        "rusak dan tidak dapat dibaca (bagian xl/worksheets/sheet1.xml: zlib.error)",
        None,  # refused by the upload check, which decompresses every member
        lambda: _damaged_deflate_stream(levels_workbook([GOOD_ROW] * 40)),
    ),
    BadCase(
        "xml-terpotong.xlsx",
        "XML lembar terpotong",
        REJECTED,
        "rusak dan tidak dapat dibaca (xml.ParseError)",
        (SHEET, None, None),
        lambda: rezip(
            levels_workbook([GOOD_ROW]),
            replace={"xl/worksheets/sheet1.xml": lambda c: c[: len(c) * 2 // 3]},
        ),
    ),
    # -- the sheet and its header (spbe.files.common.read_levels_workbook) ------------------------------
    BadCase(
        "tanpa-sheet-nilai.xlsx",
        "sheet Nilai Indikator tidak ada",
        REJECTED,
        'sheet tidak ditemukan (sheet yang ada: "Data")',
        (SHEET, None, None),
        lambda: levels_workbook([GOOD_ROW], sheet="Data"),
    ),
    BadCase(
        "sheet-kosong.xlsx",
        "sheet kosong",
        REJECTED,
        "sheet kosong (tidak ada judul)",
        (SHEET, None, None),
        lambda: levels_workbook([], header=None),
    ),
    BadCase(
        "hanya-judul.xlsx",
        "judul tanpa baris data",
        REJECTED,
        "tidak ada baris data di bawah baris judul",
        (SHEET, None, None),
        lambda: levels_workbook([]),
    ),
    BadCase(
        "kolom-wajib-hilang.xlsx",
        "kolom wajib hilang",
        REJECTED,
        'kolom wajib "Tingkat" tidak ada',
        _cell(1, "Tingkat"),
        lambda: levels_workbook([GOOD_ROW[:3] + GOOD_ROW[4:]], header=HEADER[:3] + HEADER[4:]),
    ),
    BadCase(
        "kolom-ganda.xlsx",
        "judul kolom ganda",
        REJECTED,
        "judul kolom muncul lebih dari sekali (B dan G)",
        _cell(1, "Tahun"),
        lambda: levels_workbook([(*GOOD_ROW, 2024)], header=(*HEADER, "Tahun")),
    ),
    # -- cells --------------------------------------------------------------------------------
    BadCase(
        "instansi-tidak-dikenal.xlsx",
        "instansi salah eja",
        REJECTED,
        'instansi "Kota Ternat" tidak dikenal',
        _cell(2, "Instansi"),
        _one_row(Instansi="Kota Ternat"),
    ),
    BadCase(
        "sel-wajib-kosong.xlsx",
        "sel wajib kosong",
        REJECTED,
        "wajib diisi: bilangan bulat 1–5",
        _cell(2, "Tingkat"),
        _one_row(Tingkat=None),
    ),
    BadCase(
        "tahun-bukan-angka.xlsx",
        "tahun berupa kata",
        REJECTED,
        'nilai "dua ribu dua puluh empat" harus tahun',
        _cell(2, "Tahun"),
        _one_row(Tahun="dua ribu dua puluh empat"),
    ),
    BadCase(
        "tahun-tanpa-kerangka.xlsx",
        "tahun tanpa kerangka evaluasi (instrumen 2018 tidak dimuat)",
        REJECTED,
        "tidak ada kerangka evaluasi SPBE untuk tahun 2019",
        _cell(2, "Tahun"),
        _one_row(Tahun=2019),
    ),
    BadCase(
        "indikator-di-luar-kerangka.xlsx",
        "nomor indikator di luar kerangka",
        REJECTED,
        "indikator 48 tidak ada dalam",
        _cell(2, "Indikator"),
        _one_row(Indikator=48),
    ),
    BadCase(
        "indikator-pecahan.xlsx",
        "nomor indikator pecahan",
        REJECTED,
        "nilai 2,5 harus nomor indikator (bilangan bulat)",
        _cell(2, "Indikator"),
        _one_row(Indikator=2.5),
    ),
    BadCase(
        "tingkat-di-luar-rentang.xlsx",
        "tingkat di luar 1–5",
        REJECTED,
        "nilai 6 harus bilangan bulat 1–5",
        _cell(2, "Tingkat"),
        _one_row(Tingkat=6),
    ),
    BadCase(
        "tingkat-bukan-bilangan-bulat.xlsx",
        "tingkat berupa nilai benar/salah",
        REJECTED,
        "nilai TRUE harus bilangan bulat 1–5",
        _cell(2, "Tingkat"),
        _one_row(Tingkat=True),
    ),
    BadCase(
        "sumber-tidak-dikenal.xlsx",
        "sumber (asal nilai) tidak dikenal",
        REJECTED,
        'nilai "KemenPAN" harus salah satu dari: resmi, mandiri, rekonstruksi, ilustrasi',
        _cell(2, "Sumber"),
        _one_row(Sumber="KemenPAN"),
    ),
    BadCase(
        "baris-ganda.xlsx",
        "baris ganda",
        REJECTED,
        "baris ganda: Instansi, Tahun, Indikator dan Sumber sama dengan baris 2",
        (SHEET, 3, None),
        lambda: levels_workbook([GOOD_ROW, _row(Tingkat=3)]),
    ),
    BadCase(
        "rumus-tanpa-nilai.xlsx",
        "rumus tanpa nilai tersimpan (ditulis program, bukan Excel)",
        REJECTED,
        "wajib diisi: bilangan bulat 1–5",
        _cell(2, "Tingkat"),
        _one_row(Tingkat="=1+1"),
    ),
    BadCase(
        "banyak-kesalahan.xlsx",
        "30 baris salah (daftar dipotong setelah 20)",
        REJECTED,
        "ditolak (30 masalah)",
        _cell(2, "Tingkat"),
        lambda: levels_workbook([_row(Indikator=n, Tingkat=9) for n in range(1, 31)]),
    ),
    # -- a valid file that would overwrite stored values (spbe.store.imports.apply_levels) -------------
    BadCase(
        "mengubah-nilai-tersimpan.xlsx",
        "mengubah nilai rekonstruksi yang tersimpan tanpa pilihan ganti",
        REFUSED,
        "nilai yang sudah tersimpan akan berubah",
        None,
        _one_row(Sumber="rekonstruksi", Catatan="diubah tanpa sengaja"),
    ),
)


def rezip_new(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w") as handle:
                for chunk in content:
                    handle.write(chunk)
    return out.getvalue()


def write_corpus(directory: Path = BAD_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.suffix in (".xlsx", ".xlsm"):
            old.unlink()
    written = []
    for case in CORPUS:
        path = directory / case.file
        path.write_bytes(case.build())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_corpus():
        print(f"{path.stat().st_size:>9,} B  {path.relative_to(BAD_DIR.parents[2])}")
