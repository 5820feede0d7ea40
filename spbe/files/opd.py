"""The OPD workbook: one OPD's indicators for one instansi and year (issue 13, point 4).

``write_opd_template`` writes "Identitas" (who the file is for: Jenis berkas, Kode Instansi, Tahun,
Kerangka, Kode OPD — protected), "Isian Indikator" (``No | Indikator | Peran | Tingkat |
Penjelasan``: the OPD's lead indicators editable, Tingkat with a drop-down, then its support
indicators greyed and locked, "Pendukung — diisi OPD pengampu"), "Bukti Dukung" (``Indikator |
Nama Indikator | Nama Dokumen | Tautan atau Nama Berkas``: names and links only, no uploads),
"Kriteria Tingkat" (the instrument's level names, for reference) and "Petunjuk".

``read_opd_workbook`` reads it all-or-nothing like the levels reader: ``check_xlsx`` first, the
bounded reader after, a row cap per sheet, every problem located (sheet, row, column, rule in
Indonesian). Ownership comes from the store (``OpdDirectory``), never from the workbook: a
filled row of an indicator the OPD does not lead is refused where it is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from spbe.core.errors import Problem, SpbeError
from spbe.core.formatting import format_count
from spbe.core.framework import FRAMEWORKS_DIR, Framework, FrameworkError, framework_for_year
from spbe.core.instansi import spelling_key
from spbe.files import common
from spbe.files.common import MAX_UPLOAD_BYTES, ProblemLog, UploadError, WorkbookError
from spbe.files.uploads import SheetError, UploadedBook, check_xlsx, open_upload

IDENTITY_SHEET, ENTRY_SHEET = "Identitas", "Isian Indikator"
EVIDENCE_SHEET, CRITERIA_SHEET = "Bukti Dukung", "Kriteria Tingkat"
KIND, LEAD_MARK = "Isian OPD Penilaian Mandiri SPBE", "Pengampu — diisi OPD ini"
SUPPORT_MARK = "Pendukung — diisi OPD pengampu"
ENTRY_HEADER = ("No", "Indikator", "Peran", "Tingkat", "Penjelasan")
EVIDENCE_HEADER = ("Indikator", "Nama Indikator", "Nama Dokumen", "Tautan atau Nama Berkas")
MAX_PENJELASAN, MAX_DOCUMENT_NAME, MAX_DOCUMENT_REF, MAX_DOCUMENTS = 4000, 200, 500, 30
MAX_ENTRY_ROWS, MAX_EVIDENCE_ROWS, MAX_IDENTITY_ROWS = 500, 3000, 50  # data rows read per sheet
_GREY = PatternFill("solid", fgColor="E7E6E6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")  # two letters at least: C:\ is a path
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_IDENTITY = ("Jenis berkas", "Kode Instansi", "Tahun", "Kerangka", "Kode OPD")  # what is read
_IDENTITY_LABELS = (*_IDENTITY[:2], "Instansi", *_IDENTITY[2:4], "Regulasi", *_IDENTITY[4:])
_IDENTITY_LABELS += ("OPD", "Dibuat")


@dataclass(frozen=True)
class OpdDirectory:
    """What the store knows: ``instansi`` spelling -> code (``spelling_lookup``), ``opds`` instansi
    -> {opd_code: name}, ``owners`` (instansi, framework) -> {indicator: {opd_code: lead|support}}."""

    instansi: Mapping[str, str]
    opds: Mapping[str, Mapping[str, str]]
    owners: Mapping[tuple[str, str], Mapping[int, Mapping[str, str]]]

    def roles(self, instansi_code: str, framework: str, opd_code: str) -> dict[int, str]:
        found = self.owners.get((instansi_code, framework), {})
        return {n: who[opd_code] for n, who in found.items() if opd_code in who}

    def leads_of(self, instansi_code: str, framework: str, indicator: int) -> list[str]:
        found = self.owners.get((instansi_code, framework), {}).get(indicator, {})
        names = self.opds.get(instansi_code, {})
        return [names.get(c, c) for c, role in sorted(found.items()) if role == "lead"]


@dataclass(frozen=True)
class OpdUpload:
    """The valid content of an OPD workbook. ``indicators``: indicator, level, penjelasan (str or
    None), source_row; ``evidence``: indicator, document_name, document_ref, source_row."""

    instansi_code: str
    year: int
    framework: str
    opd_code: str
    indicators: pd.DataFrame = field(repr=False)
    evidence: pd.DataFrame = field(repr=False)
    sha256: str = ""  # of the file's bytes
    file_name: str = ""


# -- writing ------------------------------------------------------------------------------------


def _put(ws, row: int, column: int, value, *, locked: bool = True, fill=None, wrap=False):
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[: common._EXCEL_MAX_TEXT]
        cell.value, cell.data_type = value, "s"  # never a formula, whatever it begins with
        cell.quotePrefix = value.startswith(common._FORMULA_STARTS)
    else:
        cell.value = value
    cell.protection = Protection(locked=locked)
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = _WRAP
    return cell


def _sheet(workbook, title, header, widths, rows, *, protect=True, wrap=(), **cell_options):
    """A sheet with a bold frozen header and ``rows`` below it; ``wrap``: 1-based columns."""
    ws = workbook.create_sheet(title)
    for column, (label, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = _put(ws, 1, column, label)
        cell.font, cell.fill = common._HEADER_FONT, common._HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, wrap=column in wrap, **cell_options)
    ws.freeze_panes = "A2"
    if protect:
        ws.protection.enable()  # no password: a guard against slips; the import checks anyway
    return ws


def _validate(ws, cells: str, kind: str, formula1: str, error: str, **extra) -> None:
    check = DataValidation(
        type=kind, formula1=formula1, allow_blank=True, showErrorMessage=True, error=error, **extra
    )
    check.add(cells)
    ws.add_data_validation(check)


def _existing(existing: pd.DataFrame | None, leads: Sequence[int]):
    """{indicator: (level, penjelasan)} and [(indicator, name, ref)] from stored evidence rows."""
    if existing is None or existing.empty:
        return {}, []
    rows = existing[existing["indicator"].isin(leads)].sort_values(["indicator", "item"])
    entries = {int(r.indicator): (int(r.level), r.penjelasan) for r in rows.itertuples()}
    docs = rows[rows["document_name"].notna()]
    return entries, list(zip(docs["indicator"], docs["document_name"], docs["document_ref"]))


def write_opd_template(
    target: str | Path | BinaryIO,
    framework: Framework,
    instansi_name: str,
    instansi_code: str,
    year: int,
    opd_code: str,
    opd_name: str,
    lead_indicators: Sequence[int],
    support_indicators: Sequence[int] | Mapping[int, str] = (),
    existing: pd.DataFrame | None = None,
) -> None:
    """Write the OPD's workbook (module docstring). ``support_indicators`` may map each to the
    names of its lead OPDs (shown by the marker); ``existing``: this OPD's stored evidence rows."""
    fw, leads = framework, sorted({int(n) for n in lead_indicators})
    if not leads:
        raise SpbeError(
            f"OPD {opd_name} tidak mengampu indikator apa pun dalam {fw.name} "
            f"({fw.short_regulation}) menurut pemetaan OPD; tidak ada yang perlu diisi."
        )
    unknown = sorted(set(leads) - set(fw.indicator_numbers))
    if unknown:
        raise SpbeError(f"Indikator {unknown[0]} tidak ada dalam kerangka {fw.id}.")
    named = support_indicators if isinstance(support_indicators, Mapping) else {}
    supports = sorted({int(n) for n in support_indicators} - set(leads))
    entries, documents = _existing(existing, leads)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    made = dt.datetime.now().strftime("%d-%m-%Y %H.%M")
    values = (KIND, instansi_code, instansi_name, int(year), fw.id, fw.short_regulation)
    identity = list(zip(_IDENTITY_LABELS, (*values, opd_code, opd_name, made), strict=True))
    _sheet(workbook, IDENTITY_SHEET, ("Kunci", "Nilai"), (22, 70), identity)

    name = {n: fw.indicator(n).short_name for n in fw.indicator_numbers}
    ws = _sheet(workbook, ENTRY_SHEET, ENTRY_HEADER, (6, 60, 34, 10, 70), [], wrap=(2, 5))
    for row, number in enumerate(leads, start=2):
        level, text = entries.get(number, (None, None))
        for column, value in enumerate((number, name[number], LEAD_MARK), start=1):
            _put(ws, row, column, value, wrap=column == 2)
        _put(ws, row, 4, level, locked=False)
        _put(ws, row, 5, text, locked=False, wrap=True)
    for row, number in enumerate(supports, start=len(leads) + 2):
        mark = f"{SUPPORT_MARK} ({named[number]})" if named.get(number) else SUPPORT_MARK
        for column, value in enumerate((number, name[number], mark, None, None), start=1):
            _put(ws, row, column, value, fill=_GREY, wrap=column == 2)
    low, high, last = fw.min_level, fw.max_level, len(leads) + 1
    levels = ",".join(str(n) for n in range(low, high + 1))
    _validate(ws, f"D2:D{last}", "list", f'"{levels}"', f"Tingkat harus {low}–{high}.")
    error = f"Penjelasan paling banyak {format_count(MAX_PENJELASAN)} karakter."
    limit, at_most = str(MAX_PENJELASAN), "lessThanOrEqual"
    _validate(ws, f"E2:E{last}", "textLength", limit, error, operator=at_most)

    prompts = [(n, None, None) for n in leads if n not in {d[0] for d in documents}]
    lines = sorted([*documents, *prompts], key=lambda line: line[0])
    rows = [(n, name[n], doc, ref) for n, doc, ref in lines]
    ws = _sheet(workbook, EVIDENCE_SHEET, EVIDENCE_HEADER, (11, 50, 45, 60), rows, protect=False)
    numbers = ",".join(str(n) for n in leads)
    cells, error = f"A2:A{MAX_EVIDENCE_ROWS + 1}", f"Indikator yang diampu OPD ini: {numbers}."
    if len(numbers) <= 250:  # Excel's limit for a list typed into the rule
        _validate(ws, cells, "list", f'"{numbers}"', error)
    else:
        _validate(ws, cells, "whole", "1", error, formula2=str(max(fw.indicator_numbers)))

    levels = range(low, high + 1)
    header = ("No", "Indikator", "Peran", "Aspek", "Bobot (%)", "Skala")
    header += tuple(f"Tingkat {n}" for n in levels)
    rows = []
    for n in [*leads, *supports]:
        ind, role = fw.indicator(n), "Pengampu" if n in leads else "Pendukung"
        about = (f"{ind.aspect}. {fw.aspect(ind.aspect).name}", float(ind.weight))
        names = (f"{k}. {fw.level_name(n, k)}" for k in levels)
        rows.append((n, name[n], role, *about, fw.scale(ind.scale).label, *names))
    widths = (6, 60, 12, 36, 10, 20, *(18 for _ in levels))
    _sheet(workbook, CRITERIA_SHEET, header, widths, rows, wrap=(2,))
    guide = _guide(fw, opd_name)
    _sheet(workbook, common.GUIDE_SHEET, ("Petunjuk",), (110,), guide, protect=False, wrap=(1,))
    workbook.save(str(target) if isinstance(target, str | Path) else target)


def _guide(fw: Framework, opd_name: str) -> list[tuple[str]]:
    lines = (
        f"Berkas ini untuk {opd_name}: isi hanya indikator yang Anda ampu (Peran: {LEAD_MARK}).",
        f'"{ENTRY_SHEET}": pilih Tingkat ({fw.min_level}–{fw.max_level}) dan tulis Penjelasan '
        f"(paling banyak {format_count(MAX_PENJELASAN)} karakter); yang dikosongkan tidak dikirim.",
        f"Baris abu-abu ({SUPPORT_MARK}) dikunci: nilainya diisi OPD pengampu. Berkas yang "
        "mengisi indikator yang tidak Anda ampu ditolak.",
        f'"{EVIDENCE_SHEET}": satu baris per dokumen — nomor indikator, nama dokumen, tautan '
        "(https://…) atau nama berkas. Dokumen tidak diunggah; siapkan untuk asesor.",
        f'"{CRITERIA_SHEET}": nama tingkat tiap indikator menurut {fw.short_regulation}. Jangan '
        f'ubah "{IDENTITY_SHEET}": dari situ dasbor tahu instansi, tahun dan OPD pengirim.',
        "Impor semua-atau-tidak-sama-sekali: satu kesalahan menolak seluruh berkas (dengan sheet, "
        "baris, kolom dan aturannya); kiriman kedua yang mengubah isian tersimpan ditolak, "
        "kecuali dengan pilihan ganti (--replace).",
    )
    return [(line,) for line in lines]


# -- reading ------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(value: object) -> int | None:  # int, 3.0 or "3"; None for anything else
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _show(value: object) -> str:
    text = f"{value:.15g}".replace(".", ",") if isinstance(value, float) else str(value)
    return text if isinstance(value, int | float) else f'"{text[:40]}"'


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value).strip()


def _hint(typed: object, choices) -> str:
    close = difflib.get_close_matches(spelling_key(typed), list(choices), n=1, cutoff=0.6)
    return f'; maksud Anda "{close[0]}"?' if close else ""


def _find(book: UploadedBook, title: str) -> str | None:
    return next((t for t in book.sheetnames if spelling_key(t) == spelling_key(title)), None)


def _table(book: UploadedBook, title: str, header: Sequence[str], cap: int, problems: ProblemLog):
    """(row number, {label: value}) of a sheet's non-blank data rows, columns found by header."""
    sheet = _find(book, title)
    if sheet is None:
        rule = "sheet tidak ditemukan; jangan menghapus atau mengganti nama sheet templat"
        return problems.add(Problem(title, None, None, rule))
    lines = book.rows(sheet)
    first = next(lines, None)
    labels = {spelling_key(v): k for k, v in (first[1] if first and first[0] == 1 else {}).items()}
    columns = {label: labels.get(spelling_key(label)) for label in header}
    missing = [label for label, column in columns.items() if column is None]
    if missing:
        rule = f'kolom "{missing[0]}" tidak ada pada baris judul; judul: {" | ".join(header)}'
        return problems.add(Problem(sheet, 1, missing[0], rule))
    for number, values in lines:
        row = {label: values.get(column) for label, column in columns.items()}
        if all(_blank(v) for v in row.values()):
            continue
        if number > cap + 1:
            rule = f"lebih dari {format_count(cap)} baris data; berkas ini bukan isian satu OPD"
            return problems.add(Problem(sheet, number, None, rule))
        yield number, row


def _identity(book, directory: OpdDirectory, frameworks_dir, problems: ProblemLog):
    """(instansi code, year, framework, opd code) named by the sheet "Identitas", or None."""
    found = {}
    for row, values in _table(
        book, IDENTITY_SHEET, ("Kunci", "Nilai"), MAX_IDENTITY_ROWS, problems
    ):
        found.setdefault(spelling_key(values["Kunci"]), (row, values["Nilai"]))
    before = problems.total

    def refuse(row, rule: str) -> None:
        problems.add(Problem(IDENTITY_SHEET, row, "Nilai", rule))

    cells = [found.get(spelling_key(label), (None, None)) for label in _IDENTITY]
    for label, (row, value) in zip(_IDENTITY, cells, strict=True):
        if _blank(value) and not problems:
            refuse(row, f'"{label}" wajib ada; jangan ubah sheet "{IDENTITY_SHEET}" dari templat')
    if problems:
        return None
    (kind_row, kind), (code_row, typed), (year_row, raw_year), (fw_row, fw_id), opd_cell = cells
    if _text(kind) != KIND:
        refuse(kind_row, f'berkas ini bukan "{KIND}"; buat templat dengan pilihan OPD')
    code = directory.instansi.get(spelling_key(typed))
    if code is None:
        refuse(code_row, f"instansi {_show(typed)} tidak dikenal{_hint(typed, directory.instansi)}")
    year, fw = _whole(raw_year), None
    try:
        fw = framework_for_year(year, Path(frameworks_dir)) if year is not None else None
    except FrameworkError as exc:
        refuse(year_row, str(exc).rstrip("."))
    if year is None:
        refuse(year_row, f"nilai {_show(raw_year)} harus tahun (bilangan bulat)")
    elif fw is not None and _text(fw_id) != fw.id:
        refuse(fw_row, f"kerangka {_show(fw_id)} tidak berlaku untuk tahun {year} ({fw.id})")
    opd, known = _text(opd_cell[1]).casefold(), directory.opds.get(code, {})
    if code is not None and opd not in known:
        rule = f"OPD {_show(opd_cell[1])} tidak dikenal untuk {code}{_hint(opd, known)}"
        refuse(opd_cell[0], rule)
    return None if problems.total > before else (code, year, fw, opd)


def _indicator(value, fw: Framework, roles, directory, key, opd: str) -> tuple[int | None, str]:
    """(number, '') when OPD ``opd`` leads the indicator in ``value``; else (None, why not)."""
    n = _whole(value)
    if n is None or n not in fw.indicator_numbers:
        return None, f"nilai {_show(value)} bukan nomor indikator {fw.name} ({fw.id})"
    if roles.get(n) == "lead":
        return n, ""
    leads = ", ".join(directory.leads_of(key[0], key[2], n)) or "belum ditetapkan"
    if roles.get(n) == "support":
        why = f"bukan indikator yang diampu OPD {opd} ({SUPPORT_MARK}: {leads})"
    else:
        mine = ", ".join(str(k) for k, r in sorted(roles.items()) if r == "lead")
        why = f"tidak diampu OPD {opd} (pengampu: {leads}; OPD ini mengampu {mine})"
    return None, f"indikator {n} {why}; tidak boleh diisi di berkas ini"


def _entries(book, fw: Framework, check, seen: dict, problems: ProblemLog) -> list[tuple]:
    out, low, high = [], fw.min_level, fw.max_level
    for row, values in _table(book, ENTRY_SHEET, ENTRY_HEADER, MAX_ENTRY_ROWS, problems):
        raw_level, raw_text = values["Tingkat"], values["Penjelasan"]
        if _blank(raw_level) and _blank(raw_text):
            continue  # not filled: support rows, lead rows left for later
        found = []
        n, why = check(values["No"])
        if why:
            found.append(("No" if n is None and "bukan nomor" in why else "Tingkat", why))
        elif n in seen:
            found.append(("No", f"indikator {n} sudah diisi pada baris {seen[n]}"))
        else:
            seen[n] = row  # typed, even if refused below: its evidence rows are not "unfilled"
        level = _whole(raw_level)
        if _blank(raw_level):
            found.append(("Tingkat", f"wajib diisi bila Penjelasan diisi: {low}–{high}"))
        elif level is None or not low <= level <= high:
            found.append(("Tingkat", f"nilai {_show(raw_level)} harus bilangan bulat {low}–{high}"))
        text = None if _blank(raw_text) else _text(raw_text)
        if text is not None and len(text) > MAX_PENJELASAN:
            limit = format_count(MAX_PENJELASAN)
            found.append(("Penjelasan", f"{format_count(len(text))} karakter; batas {limit}"))
        problems.extend(Problem(ENTRY_SHEET, row, column, rule) for column, rule in found)
        if not found:
            out.append((n, level, text, row))
    return out


def _reference_problem(ref: str) -> str | None:
    scheme = _SCHEME.match(ref)
    if scheme is None:
        return None  # a file name
    if scheme.group(1).lower() not in ("http", "https") or not urlsplit(ref).netloc or " " in ref:
        return "tautan harus alamat http:// atau https:// yang utuh; selain itu tulis nama berkas"
    return None


def _evidence(book, check, filled: dict, problems: ProblemLog) -> list[tuple]:
    out, seen, count = [], {}, {}
    _, _, name_label, ref_label = EVIDENCE_HEADER
    limits = {name_label: MAX_DOCUMENT_NAME, ref_label: MAX_DOCUMENT_REF}
    for row, values in _table(book, EVIDENCE_SHEET, EVIDENCE_HEADER, MAX_EVIDENCE_ROWS, problems):
        texts = {k: None if _blank(values[k]) else _text(values[k]) for k in limits}
        if texts == {name_label: None, ref_label: None}:
            continue  # an indicator number alone: a prompt row of the template
        found = []
        n, why = check(values["Indikator"])
        if not why and n not in filled:
            why = f'Tingkat indikator {n} belum diisi di sheet "{ENTRY_SHEET}"'
        if why:
            found.append(("Indikator", why))
        for label, text in texts.items():
            if text is None:
                found.append((label, "wajib diisi: nama dokumen dan tautan atau nama berkasnya"))
            elif len(text) > limits[label]:
                rule = f"{format_count(len(text))} karakter; paling banyak {limits[label]}"
                found.append((label, rule))
            elif _CONTROL.search(text):
                found.append((label, "tidak boleh berisi baris baru atau karakter kendali"))
            elif label == ref_label and (rule := _reference_problem(text)):
                found.append((label, rule))
        entry = (n, texts[name_label], texts[ref_label])
        if not found and entry in seen:
            found.append((name_label, f"dokumen yang sama sudah ditulis pada baris {seen[entry]}"))
        if not found and count.get(n, 0) >= MAX_DOCUMENTS:
            found.append(("Indikator", f"lebih dari {MAX_DOCUMENTS} dokumen untuk indikator {n}"))
        problems.extend(Problem(EVIDENCE_SHEET, row, column, rule) for column, rule in found)
        if not found:
            seen[entry], count[n] = row, count.get(n, 0) + 1
            out.append((*entry, row))
    return out


def read_opd_workbook(
    source: bytes | str | Path,
    file_name: str | None = None,
    *,
    directory: OpdDirectory,
    frameworks_dir: Path = FRAMEWORKS_DIR,
) -> OpdUpload:
    """Read and validate an OPD workbook (see the module docstring); raises ``WorkbookError``
    with every located problem (the first ``MAX_KEPT_PROBLEMS`` kept, all counted)."""
    if isinstance(source, str | Path):
        file_name, source = file_name or Path(source).name, Path(source).read_bytes()
    data, name = bytes(source), file_name or "isian-opd.xlsx"
    sha256 = hashlib.sha256(data).hexdigest()

    def refused(problems) -> WorkbookError:
        return WorkbookError(problems, file_name=name, sha256=sha256)

    try:
        check_xlsx(data, name)
        book = open_upload(data)
    except UploadError as exc:
        rule = str(exc).removeprefix(f"{name}: ")
        raise refused([Problem(None, None, None, rule)]) from None
    except SheetError as exc:
        raise refused([exc.problem]) from None
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        rule = f"berkas .xlsx rusak atau bukan buku kerja Excel ({type(exc).__name__})"
        raise refused([Problem(None, None, None, rule)]) from None
    problems = ProblemLog()
    try:
        found = _identity(book, directory, frameworks_dir, problems)
        if found is not None:
            code, year, fw, opd = found
            roles = directory.roles(code, fw.id, opd)

            def check(value):
                return _indicator(value, fw, roles, directory, (code, year, fw.id), opd)

            typed: dict[int, int] = {}  # indicator -> row of the entry sheet
            entries = _entries(book, fw, check, typed, problems)
            evidence = _evidence(book, check, typed, problems)
            if not problems and not entries:
                rule = "tidak ada indikator yang diisi; isi Tingkat indikator yang diampu OPD ini"
                problems.add(Problem(ENTRY_SHEET, None, "Tingkat", rule))
    except SheetError as exc:  # a limit passed or a damaged part: that one problem is the answer
        raise refused([exc.problem]) from None
    finally:
        book.close()
    if problems:
        raise refused(problems)
    indicators = pd.DataFrame(entries, columns=["indicator", "level", "penjelasan", "source_row"])
    indicators["penjelasan"] = pd.Series([e[2] for e in entries], dtype=object)
    columns = ["indicator", "document_name", "document_ref", "source_row"]
    documents = pd.DataFrame(evidence, columns=columns)
    return OpdUpload(code, year, fw.id, opd, indicators, documents, sha256, name)


def is_opd_workbook(data: bytes) -> bool:
    """True when the file has the OPD workbook's identity and entry sheets (a cheap, bounded look
    at the workbook part only, for ``python -m spbe import`` to choose its reader)."""
    if not data or len(data) > MAX_UPLOAD_BYTES or not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with open_upload(data) as book:
            return _find(book, IDENTITY_SHEET) is not None and _find(book, ENTRY_SHEET) is not None
    except Exception:  # noqa: BLE001 - unreadable: the levels reader explains what is wrong
        return False
