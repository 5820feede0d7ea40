"""Write the corpus of bad uploads in tests/data/bad/: one small file per way an import is refused.

Run from the repository root and commit the result:

    python tests/data/make_bad_workbooks.py

``CORPUS`` says, for every file, the kind of failure, which refusal it must cause (``WorkbookRejected``
for the file, ``ImportRefused`` for a valid file that would change stored values), a fragment of the
Indonesian message and, for cell problems, the sheet/row/column named first. tests/test_bad_inputs.py
imports every file against a freshly seeded store and checks all of that. The helpers
``levels_workbook`` and ``rezip`` are shared with the fuzz, fault and page tests.

Not in the corpus: a file over the 10 MB upload limit (it would bloat the repository);
tests/test_bad_inputs.py builds one in memory.
"""

from __future__ import annotations

import io
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
        "rusak dan tidak dapat dibaca",
        (None, None, None),
        lambda: _damaged_deflate_stream(levels_workbook([GOOD_ROW] * 40)),
    ),
    BadCase(
        "xml-terpotong.xlsx",
        "XML lembar terpotong",
        REJECTED,
        "rusak dan tidak dapat dibaca (xml.ParseError)",
        (None, None, None),
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
            archive.writestr(name, content)
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
