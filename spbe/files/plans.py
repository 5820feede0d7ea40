"""Workbooks of the planning pages: the RKA plan workbook and the cost table (sheet Biaya)."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pandas as pd

from spbe.core.costs import INDICATOR_COLUMN, CostError, cost_columns, validate_costs
from spbe.core.formatting import format_number, format_rupiah
from spbe.core.framework import Framework
from spbe.core.planner import Plan
from spbe.files.common import RUPIAH_FORMAT
from spbe.files.uploads import SheetError, UploadError, check_xlsx, open_upload
from spbe.files.writers import write_table_workbook
from spbe.planning.plan import OpdLeads, PlanSettings, plan_by_opd, plan_steps_table
from spbe.planning.session import StartProfile
from spbe.results.opd_costs import OPD_COST_RULE

COST_SHEET = "Biaya"


RKA_LABELS = {
    "opd": "OPD pengampu",
    "opd_code": "Kode OPD",
    "indicator": "Indikator",
    "name": "Nama indikator",
    "from_level": "Dari tingkat",
    "to_level": "Ke tingkat",
    "cost": "Biaya (Rp)",
    "index_gain": "Kenaikan indeks",
    "steps": "Langkah",
    "indicators": "Indikator (dari→ke)",
}


def rka_workbook(
    plan: Plan,
    fw: Framework,
    settings: PlanSettings,
    *,
    instansi_name: str,
    start: StartProfile,
    leads: OpdLeads,
    cost_caption: str,
    made_at: datetime,
) -> bytes:
    """The plan as an .xlsx for the budget workbook (RKA): sheets "Per OPD" (split by
    ``OPD_COST_RULE``, stated below the total), "Langkah" and "Asumsi" (starting profile and its
    provenance, cost provenance, target, constraints, the OPD cost rule, date)."""
    steps = plan_steps_table(plan, fw)
    by_opd = plan_by_opd(plan, fw, leads).drop(columns="opd_code")
    gain_scaled = sum(fw.weight_int(int(n)) for n in steps["indicator"])
    total = {
        "opd": "Jumlah",
        "steps": len(steps),
        "indicators": "",
        "cost": plan.total_cost,
        "index_gain": gain_scaled / fw.index_denominator,
    }
    rule = {"opd": "Aturan", "indicators": OPD_COST_RULE}
    by_opd = pd.concat([by_opd, pd.DataFrame([total, rule])], ignore_index=True)
    result = "tercapai" if plan.feasible else "TIDAK tercapai dengan batasan ini"
    lines = [
        ("Instansi", instansi_name),
        ("Profil awal", start.label),
        ("Kerangka", f"{fw.name} ({fw.short_regulation})"),
        *settings.describe(fw),
        ("Hasil", result),
        ("Indeks awal", f"{format_number(plan.index_before, 4)} ({plan.predicate_before})"),
        (
            "Indeks setelah rencana",
            f"{format_number(plan.index_after, 4)} ({plan.predicate_after})",
        ),
        ("Biaya total", format_rupiah(plan.total_cost)),
        ("Asal biaya", cost_caption),
        ("Pembagian biaya per OPD", OPD_COST_RULE),
        (
            "Aturan",
            "Tingkat bersifat kumulatif: 2→4 membayar langkah 2→3 dan 3→4. Predikat "
            "mengikuti indeks yang belum dibulatkan.",
        ),
        ("Dibuat", f"{made_at:%d-%m-%Y %H.%M}"),
    ]
    assumptions = pd.DataFrame(lines, columns=["Asumsi", "Nilai"])
    return write_table_workbook(
        {"Per OPD": by_opd, "Langkah": steps, "Asumsi": assumptions},
        column_labels=RKA_LABELS,
        number_formats={"cost": RUPIAH_FORMAT, "index_gain": "0.000"},
    )


def costs_workbook(frame: pd.DataFrame, fw: Framework) -> bytes:
    """Sheet "Biaya" (Indikator | 1→2 | … | Nama indikator): the table to edit and import back."""
    table = validate_costs(frame, fw)
    table["Nama indikator"] = [fw.indicator(int(n)).short_name for n in table[INDICATOR_COLUMN]]
    formats = dict.fromkeys(cost_columns(fw)[1:], RUPIAH_FORMAT)
    return write_table_workbook({COST_SHEET: table}, number_formats=formats)


def read_costs_workbook(data: bytes, file_name: str, fw: Framework) -> pd.DataFrame:
    """The validated cost table of an uploaded .xlsx (sheet "Biaya"). Raises UploadError or
    CostError (both ValueError, Indonesian, naming the sheet, row or column). The sheet is read
    under the limits of ``spbe.files.uploads.open_upload`` (rows, columns, cells, XML size)."""
    check_xlsx(data, file_name)
    rows: list[tuple] = []
    try:
        with open_upload(data) as book:
            names = {name.strip().casefold(): name for name in book.sheetnames}
            if COST_SHEET.casefold() not in names:
                found = ", ".join(book.sheetnames)
                raise CostError(
                    f"{file_name}: lembar '{COST_SHEET}' tidak ada (yang ada: {found})."
                )
            for number, values in book.rows(names[COST_SHEET.casefold()]):
                rows.extend([()] * (number - 1 - len(rows)))  # rows missing from the XML are empty
                rows.append(tuple(values.get(k) for k in range(1, max(values, default=0) + 1)))
    except SheetError as exc:
        raise UploadError(f"{file_name}: {exc.problem}.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadError(
            f"{file_name}: berkas tidak dapat dibaca sebagai .xlsx ({type(exc).__name__})."
        ) from None
    while rows and not any(v is not None and str(v).strip() for v in rows[-1]):
        rows.pop()  # trailing empty rows (Excel often keeps formatted, empty rows)
    if not rows:
        raise CostError(f"lembar '{COST_SHEET}' kosong.")
    width = max(len(r) for r in rows)
    rows = [r + (None,) * (width - len(r)) for r in rows]
    header = [str(h).strip() if h is not None else f"kolom {k + 1}" for k, h in enumerate(rows[0])]
    frame = pd.DataFrame([list(r) for r in rows[1:]], columns=header, dtype=object)
    try:
        return validate_costs(frame, fw)
    except CostError as exc:
        raise CostError([f"lembar '{COST_SHEET}', {p}" for p in exc.problems]) from None
