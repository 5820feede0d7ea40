"""Tables behind the dashboard pages: numeric frames for downloads, formatted ones for display.

Display frames carry text with a decimal comma (browsers on projector laptops are often en-US, so
number formatting is never left to the browser locale).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from spbe.core.formatting import format_index, format_number
from spbe.results.insights import Kpi


def kpi_table(kpis: Iterable[Kpi]) -> pd.DataFrame:
    """One row per KPI card, numeric (for the .xlsx download)."""
    return pd.DataFrame(
        [
            {
                "Instansi": k.instansi_name,
                "Tahun": k.year,
                "Indeks": k.index,
                "Predikat": k.predicate,
                "Perubahan": k.change,
                "Predikat berikutnya": k.next_predicate,
                "Selisih ke predikat berikutnya": k.gap,
                "Indeks nasional": k.national_index,
                "Peringkat di provinsi": k.province_rank_text,
                "Peringkat nasional sejenis": k.kind_rank_text,
                "Asal angka": k.provenance,
                "Sumber": k.source,
                "Catatan pembulatan": k.rounding_note,
            }
            for k in kpis
        ]
    )


def _fmt(series: pd.Series, places: int = 2) -> pd.Series:
    return series.map(lambda v: format_number(v, places))


def ranking_display(ranking: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Peringkat": ranking["rank"],
            "Instansi": ranking["instansi_name"],
            "Indeks": ranking["index_value"].map(format_index),
            "Predikat": ranking["predicate"],
        }
    )


def opd_display(by_opd: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "OPD": by_opd["short_name"],
            "Indikator diampu": by_opd["indicator_count"],
            "Kontribusi ke indeks": _fmt(by_opd["contribution"], 3),
            "Porsi": by_opd["share"].map(lambda v: format_number(100 * v, 1) + " %"),
            "Tambahan bila naik 1 tingkat": _fmt(by_opd["gain_next_level"], 3),
            "Tambahan bila semua tingkat 5": _fmt(by_opd["gain_to_max"], 3),
        }
    )


def indicator_display(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "No": rows["indicator"],
            "Indikator": rows["name"],
            "Tingkat": rows["level"],
            "Nama tingkat": rows["level_name"],
            "Bobot (%)": _fmt(rows["weight"], 2),
            "Kontribusi": _fmt(rows["contribution"], 3),
            "Tambahan bila naik 1 tingkat": _fmt(rows["gain_next_level"], 3),
            "Pengampu": rows["lead_opd"],
            "Pendukung": rows["support_opd"],
        }
    )


def official_display(official: pd.DataFrame) -> pd.DataFrame:
    """Published results with their provenance and source (the Data & Impor page)."""
    from spbe.core.provenance import provenance_label

    return pd.DataFrame(
        {
            "Instansi": official["instansi_name"],
            "Tahun": official["year"],
            "Indeks": official["index_value"].map(format_index),
            "Predikat": official["predicate"],
            "Asal": [
                provenance_label(s, y)
                for s, y in zip(official["status"], official["year"], strict=True)
            ],
            "Sumber": official["source"],
            "Catatan": official["note"],
        }
    )


def provenance_counts(official: pd.DataFrame) -> list[tuple[str, int]]:
    """(provenance kind, number of results), most frequent first (the Data & Impor badges)."""
    from spbe.core.provenance import provenance_kind

    counts = official["status"].map(provenance_kind).value_counts()
    return [(str(kind), int(n)) for kind, n in counts.items()]


def sidebar_years(official: pd.DataFrame, profiles: pd.DataFrame, code: str) -> tuple[dict, int]:
    """The sidebar's years for ``code`` (year -> spbe.results.cycle.YearOption, newest first) and
    the index of the default: the latest year with a final result, else the newest."""
    from spbe.results.cycle import available_years
    from spbe.results.published import final_years

    options = {o.year: o for o in available_years(official, profiles, code)}
    years = list(options)
    published = [y for y in years if y in set(final_years(official, code))]
    return options, (years.index(published[0]) if published else 0)


def problems_display(problems) -> pd.DataFrame:
    """Workbook problems (spbe.core.errors.Problem) as sheet / row / column / rule."""
    rows = [(p.sheet or "–", p.row, p.column or "–", p.rule) for p in problems]
    frame = pd.DataFrame(rows, columns=["Sheet", "Baris", "Kolom", "Aturan"])
    return frame.astype({"Baris": "Int64"})
