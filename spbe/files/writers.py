"""Writing workbooks: any set of tables, the levels template with drop-downs, the formatted export."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from spbe.core.errors import SpbeError
from spbe.core.framework import (
    FRAMEWORKS_DIR,
    Framework,
    list_frameworks,
    load_framework,
)
from spbe.core.provenance import PROVENANCES
from spbe.files.common import (
    _EXCEL_MAX_ROW,
    _EXCEL_MAX_TEXT,
    _FORMULA_STARTS,
    _HEADER_FILL,
    _HEADER_FONT,
    _SHEET_TITLE_BAD,
    _WRAP,
    DEFAULT_COLUMN_LABELS,
    EXPORT_SHEETS,
    GUIDE_SHEET,
    INDEX_FORMAT,
    INDICATORS_SHEET,
    INSTANSI_SHEET,
    LEVEL_COLUMNS,
    LEVELS_HEADER,
    LEVELS_SHEET,
    PROVENANCE_DESCRIPTIONS,
)


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
