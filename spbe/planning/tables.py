"""Display tables and texts of the planning pages (Indonesian labels, decimal comma, Rupiah)."""

from __future__ import annotations

import pandas as pd

from spbe.core.costs import INDICATOR_COLUMN, cost_columns
from spbe.core.formatting import format_delta, format_index, format_number, format_rupiah
from spbe.core.framework import Framework
from spbe.core.provenance import provenance_label
from spbe.core.scenario import InstansiCosts


def format_points(value: float) -> str:
    """Index points with as many decimals as needed (2 to 4): 0,03 · 0,0275 · 0,676."""
    text = format_number(value, 4)
    while text.endswith("0") and len(text.split(",")[1]) > 2:
        text = text[:-1]
    return text


def steps_display(steps: pd.DataFrame) -> pd.DataFrame:
    """``plan_steps_table`` rows for people: Indikator, Nama, Langkah, Biaya, Kenaikan indeks."""
    return pd.DataFrame(
        {
            "Indikator": steps["indicator"].astype("int64"),
            "Nama": steps["name"].astype(str),
            "Langkah": [f"{a} → {b}" for a, b in zip(steps["from_level"], steps["to_level"])],
            "Biaya": steps["cost"].map(format_rupiah),
            "Kenaikan indeks": steps["index_gain"].map(lambda v: "+" + format_points(v)),
        }
    )


def costs_display(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table for people: Indikator, Nama, one Rupiah column per step, Asal."""
    frame = costs.table.frame
    shown = pd.DataFrame({"Indikator": frame[INDICATOR_COLUMN].astype("int64")})
    shown["Nama"] = [fw.indicator(int(n)).short_name for n in frame[INDICATOR_COLUMN]]
    for column in cost_columns(fw)[1:]:
        shown[column] = frame[column].map(format_rupiah)
    shown["Asal"] = [
        provenance_label(costs.row_provenance[int(n)]) for n in frame[INDICATOR_COLUMN]
    ]
    return shown


def costs_editor_frame(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table to edit: Indikator, Nama (both read-only in the editor), one column per
    step in Rupiah (numbers). ``validate_costs`` ignores the Nama column when it is saved."""
    frame = costs.table.frame.copy()
    frame.insert(1, "Nama", [fw.indicator(int(n)).short_name for n in frame[INDICATOR_COLUMN]])
    return frame


def comparison_display(comparison: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """``compare_scenarios`` for people, one column per scenario (rows: figures)."""
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    label = "Domain" if fw.has_domains else "Aspek"
    rows = {
        "Profil awal": comparison["provenance"],
        "Indeks awal": comparison["index_before"].map(format_index),
        "Indeks": comparison["index_value"].map(format_index),
        "Predikat": comparison["predicate"],
        "Perubahan": comparison["change"].map(format_delta),
        "Biaya": comparison["cost"].map(format_rupiah),
    }
    for g in items:
        rows[f"{label} {g.number}"] = comparison[f"{kind}_{g.number}"].map(format_index)
    table = pd.DataFrame(rows)
    table.index = comparison["name"]
    return table.T


def admin_only_message(what: str, admin_configured: bool, read_only: bool) -> str:
    """Why a write control is not shown: read-only fallback, no admin password, or not logged in."""
    if read_only:
        return f"Mode baca saja: {what} tidak tersedia sampai basis data utama dapat dibuka."
    if not admin_configured:
        return (
            f"{what.capitalize()} lewat dasbor tidak aktif karena kata sandi admin belum diatur "
            "(SPBE_ADMIN_PASSWORD_HASH; buat dengan `python -m spbe hash-password`)."
        )
    return f"{what.capitalize()} hanya untuk admin: masuk sebagai admin di bilah samping."
