"""What moved the index between two years: waterfall steps by domain or by indicator.

Both functions return the same shape, ready for ``spbe.charts.results.waterfall_figure``: one row per step
with ``label`` (short axis label), ``name`` (full name for the hover), ``measure`` ("absolute" for
the start value, "relative" for a step, "total" for the end value) and ``value`` (the index at the
start/end, the change in index points for a step), so that start + Σ steps == end. Weights always
come from the framework. Inputs are never modified.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, load_framework
from spbe.core.scoring import index_scaled
from spbe.results.published import decimal_of, is_present, result_row

STEP_COLUMNS = ("label", "name", "measure", "value")
ROUNDING_LABEL = "Pembulatan"


def _steps(start: tuple[str, Decimal], steps: list[dict], end: tuple[str, Decimal]) -> pd.DataFrame:
    rows = [{"label": start[0], "name": start[0], "measure": "absolute", "value": start[1]}]
    rows += [{**s, "measure": "relative"} for s in steps]
    rows.append({"label": end[0], "name": end[0], "measure": "total", "value": end[1]})
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].map(float)
    return frame


def _different_years(year_from: int, year_to: int) -> None:
    if year_from == year_to:
        raise SpbeError("Pilih dua tahun yang berbeda untuk melihat perubahan indeks.")


def domain_changes(
    official: pd.DataFrame, instansi_code: str, year_from: int, year_to: int
) -> pd.DataFrame:
    """Change of the published index split by domain: Δdomain × domain weight / 100.

    Published domains and index are rounded separately, so the domain steps rarely add up to the
    published change exactly; the difference is a last step labelled "Pembulatan" (only when it is
    not zero). Extra columns: domain, weight, value_from, value_to. Raises ValueError (Indonesian)
    when a year is missing, the years use different instruments or a domain value is missing.
    """
    _different_years(year_from, year_to)
    first = result_row(official, instansi_code, year_from)
    last = result_row(official, instansi_code, year_to)
    if first["framework"] != last["framework"]:
        raise SpbeError(
            f"Indeks {year_from} dan {year_to} dinilai dengan instrumen berbeda "
            f"({first['framework']} dan {last['framework']}); perubahan per domain tidak "
            "dapat dibandingkan."
        )
    fw = load_framework(str(first["framework"]))
    if not fw.has_domains:
        raise SpbeError(f"Kerangka {fw.name} ({fw.short_regulation}) tidak memiliki domain.")
    name = first["instansi_name"]
    steps, total = [], Decimal(0)
    for dom in fw.domains:
        column = f"domain_{dom.number}"
        for row in (first, last):
            if not is_present(row.get(column)):
                raise SpbeError(
                    f"Nilai domain {dom.number} {name} tahun {int(row['year'])} tidak tersedia "
                    "(hanya indeks yang dipublikasikan)."
                )
        before, after = decimal_of(first[column]), decimal_of(last[column])
        step = (after - before) * dom.weight / 100
        total += step
        steps.append(
            {
                "label": f"Domain {dom.number}",
                "name": dom.name,
                "value": step,
                "domain": dom.number,
                "weight": float(dom.weight),
                "value_from": float(before),
                "value_to": float(after),
            }
        )
    start, end = decimal_of(first["index_value"]), decimal_of(last["index_value"])
    residual = (end - start) - total
    if residual != 0:
        steps.append({"label": ROUNDING_LABEL, "name": ROUNDING_LABEL, "value": residual})
    return _steps((f"Indeks {year_from}", start), steps, (f"Indeks {year_to}", end))


def _profile(levels: pd.DataFrame, instansi_code: str, year: int, provenance: str):
    rows = levels[
        (levels["instansi_code"] == instansi_code)
        & (levels["year"] == year)
        & (levels["provenance"] == provenance)
    ]
    if rows.empty:
        raise SpbeError(
            f"Tidak ada tingkat indikator ({provenance}) untuk {instansi_code} tahun {year}."
        )
    frameworks = rows["framework"].unique()
    if len(frameworks) != 1:
        raise SpbeError(
            f"Tingkat indikator {instansi_code} tahun {year} memakai lebih dari satu kerangka."
        )
    return str(frameworks[0]), dict(zip(rows["indicator"].astype(int), rows["level"]))


def indicator_changes(
    levels: pd.DataFrame,
    instansi_code: str,
    year_from: int,
    year_to: int,
    provenance: str,
) -> pd.DataFrame:
    """Change of the index computed from indicator levels: Δlevel × indicator weight / 100.

    Uses the levels of one provenance (resmi, mandiri, rekonstruksi or ilustrasi) in both years;
    both profiles must be complete and scored by the same framework. Start and end are the exact
    (unrounded) indices; only indicators whose level changed get a step, so the steps add up to the
    change exactly. Extra columns: indicator, weight, level_from, level_to.
    """
    _different_years(year_from, year_to)
    fw_from, before = _profile(levels, instansi_code, year_from, provenance)
    fw_to, after = _profile(levels, instansi_code, year_to, provenance)
    if fw_from != fw_to:
        raise SpbeError(
            f"Tingkat indikator {year_from} dan {year_to} dinilai dengan kerangka berbeda "
            f"({fw_from} dan {fw_to}); perubahan per indikator tidak dapat dibandingkan."
        )
    fw: Framework = load_framework(fw_from)
    denominator = Decimal(fw.index_denominator)
    start = Decimal(index_scaled(before, fw)) / denominator
    end = Decimal(index_scaled(after, fw)) / denominator
    steps = []
    for ind in fw.indicators:
        delta = int(after[ind.number]) - int(before[ind.number])
        if delta == 0:
            continue
        steps.append(
            {
                "label": ind.label,
                "name": ind.short_name,
                "value": Decimal(delta * fw.weight_int(ind.number)) / denominator,
                "indicator": ind.number,
                "weight": float(ind.weight),
                "level_from": int(before[ind.number]),
                "level_to": int(after[ind.number]),
            }
        )
    return _steps((f"Indeks {year_from}", start), steps, (f"Indeks {year_to}", end))
