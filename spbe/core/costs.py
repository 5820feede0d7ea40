"""Cost tables: the Rupiah cost of every level step of every indicator, for the planner.

A cost table is a DataFrame with the columns people see in the workbook (sheet "Biaya"):
``Indikator | 1→2 | 2→3 | 3→4 | 4→5`` — one row per indicator, one column per level step (the
step columns follow the framework's level range). Levels are cumulative, so raising 2→4 pays the
2→3 and 3→4 cells. ``validate_costs`` turns any such frame (from the default file, an edited table
or an imported sheet) into a clean one or raises CostError naming indicator (or row) and column;
``costs_mapping`` gives the planner its ``{indicator: (cost 1→2, …)}``.

``default_costs`` reads ``data/biaya-default.csv``: **illustrative** figures (provenance
``ilustrasi``) for a kota government, with the assumption behind them in the file's header and in
data/README.md. They are a starting point to edit, never a budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import Framework
from spbe.core.paths import DEFAULT_COSTS_FILE

INDICATOR_COLUMN = "Indikator"
FRAMEWORK_COLUMN = "kerangka"  # only in the default file, which holds several frameworks
_STEP_HEADER = re.compile(r"^(\d+)→(\d+)$")
_ARROWS = ("->", "→", "–", "—", "-")
_WHOLE_TEXT = re.compile(r"^-?\d+$")


class CostError(SpbeError):
    """A cost table cannot be used. ``problems`` lists every problem found, in Indonesian."""

    HEADING = "Tabel biaya tidak valid"
    ALWAYS_LIST = True


@dataclass(frozen=True, eq=False)
class CostTable:
    """A validated cost table with its provenance (``ilustrasi``, ``mandiri``, …) and assumption."""

    framework_id: str
    frame: pd.DataFrame
    provenance: str
    note: str

    def mapping(self) -> dict[int, tuple[float, ...]]:
        return costs_mapping(self.frame)


def step_columns(framework: Framework) -> tuple[str, ...]:
    """``("1→2", "2→3", "3→4", "4→5")`` for a 1–5 framework."""
    return tuple(f"{lv}→{lv + 1}" for lv in range(framework.min_level, framework.max_level))


def cost_columns(framework: Framework) -> tuple[str, ...]:
    return (INDICATOR_COLUMN, *step_columns(framework))


def default_costs(framework: Framework, path: Path = DEFAULT_COSTS_FILE) -> CostTable:
    """The illustrative default cost table of ``framework`` (from data/biaya-default.csv)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CostError(f"Berkas biaya bawaan {path.name} tidak ditemukan.") from None
    header = _header_fields(text)
    raw = pd.read_csv(path, comment="#", encoding="utf-8")
    if FRAMEWORK_COLUMN not in raw.columns:
        raise CostError(f"{path.name}: kolom '{FRAMEWORK_COLUMN}' tidak ada.")
    rows = raw[raw[FRAMEWORK_COLUMN].astype(str) == framework.id].drop(columns=FRAMEWORK_COLUMN)
    if rows.empty:
        raise CostError(f"{path.name}: tidak ada biaya bawaan untuk kerangka {framework.id}.")
    missing = [key for key in ("provenance", "asumsi") if key not in header]
    if missing:
        raise CostError(f"{path.name}: kepala berkas tanpa baris '# {missing[0]}: …'.")
    return CostTable(
        framework_id=framework.id,
        frame=validate_costs(rows.reset_index(drop=True), framework),
        provenance=header["provenance"],
        note=header["asumsi"],
    )


def validate_costs(df: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """A clean copy of a cost table, or CostError listing every problem.

    Headers are matched leniently (``indikator``, ``1->2``, ``1 - 2`` are accepted); other columns
    are dropped. Every indicator of the framework needs exactly one row and every step cell a
    non-negative number of Rupiah (0 = no cost; text is accepted only as plain digits, so
    "1.500.000" is refused rather than misread). Problems name the indicator and column, or the
    data row (1 = first row below the header) where the indicator itself is unusable. The result
    has ``Indikator`` (int64) and float64 step columns, in framework order. The input is not
    modified.
    """
    if not isinstance(df, pd.DataFrame):
        raise CostError("tabel biaya harus berupa tabel (DataFrame).")
    frame = df.rename(columns=_normalise_header)
    wanted = cost_columns(framework)
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        found = ", ".join(str(c) for c in df.columns) or "tidak ada"
        raise CostError([f"kolom '{c}' tidak ada (kolom yang ditemukan: {found})." for c in absent])
    if len(frame.columns) != len(set(frame.columns)):
        raise CostError("ada nama kolom yang ganda.")
    problems: list[str] = []
    known = set(framework.indicator_numbers)
    row_of: dict[int, int] = {}
    clean: dict[int, list[float]] = {}
    for row_number, row in enumerate(frame[list(wanted)].itertuples(index=False), start=1):
        cells = list(row)
        indicator, where = _indicator_cell(cells[0], row_number, known, framework, problems)
        if indicator is not None and indicator in row_of:
            problems.append(
                f"indikator {indicator} muncul lebih dari sekali "
                f"(baris {row_of[indicator]} dan {row_number})."
            )
            indicator = None
        elif indicator is not None:
            row_of[indicator] = row_number
        values = []
        for column, value in zip(wanted[1:], cells[1:]):
            amount = _amount_cell(value, f"{where}, kolom '{column}'", problems)
            values.append(amount)
        if indicator is not None and None not in values:
            clean[indicator] = values
    missing = [n for n in framework.indicator_numbers if n not in row_of]
    if missing:
        problems.append(
            "tidak ada baris biaya untuk indikator " + ", ".join(str(n) for n in missing) + "."
        )
    if problems:
        raise CostError(problems)
    ordered = [n for n in framework.indicator_numbers]
    result = pd.DataFrame({INDICATOR_COLUMN: pd.Series(ordered, dtype="int64")})
    for position, column in enumerate(wanted[1:]):
        result[column] = pd.Series([clean[n][position] for n in ordered], dtype="float64")
    return result


def costs_mapping(df: pd.DataFrame) -> dict[int, tuple[float, ...]]:
    """``{indicator: (cost of each step, lowest step first)}`` from a validated cost table."""
    steps = sorted(
        (int(m.group(1)), column) for column in df.columns if (m := _STEP_HEADER.match(str(column)))
    )
    if INDICATOR_COLUMN not in df.columns or not steps:
        raise CostError(
            f"tabel biaya harus memiliki kolom '{INDICATOR_COLUMN}' dan kolom langkah seperti "
            "'1→2' (validasi dulu dengan validate_costs)."
        )
    columns = [column for _, column in steps]
    values = df[columns].to_numpy(dtype=float)
    indicators = df[INDICATOR_COLUMN].to_numpy()
    return {int(n): tuple(float(v) for v in row) for n, row in zip(indicators, values)}


def costs_frame(costs: Mapping[int, Sequence[float]], framework: Framework) -> pd.DataFrame:
    """The table form of a ``{indicator: step costs}`` mapping, validated."""
    steps = step_columns(framework)
    rows = [
        {INDICATOR_COLUMN: n, **dict(zip(steps, values, strict=False))}
        for n, values in costs.items()
    ]
    return validate_costs(pd.DataFrame(rows, columns=[INDICATOR_COLUMN, *steps]), framework)


# -- helpers ------------------------------------------------------------------------------------


def _header_fields(text: str) -> dict[str, str]:
    """``# key: value`` lines at the top of a CSV file (continuation lines start with '#   ')."""
    fields: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.match(r"^([a-z_]+):\s*(.*)$", body)
        if match and not line.startswith("#   "):
            last = match.group(1)
            fields[last] = match.group(2)
        elif last is not None and body:
            fields[last] = f"{fields[last]} {body}"
    return fields


def _normalise_header(name: object) -> object:
    text = str(name).strip()
    if text.casefold() == INDICATOR_COLUMN.casefold():
        return INDICATOR_COLUMN
    compact = text.replace(" ", "")
    for arrow in _ARROWS:
        compact = compact.replace(arrow, "→")
    return compact if _STEP_HEADER.match(compact) else name


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float | np.floating) and math.isnan(value)


def _number(value: object) -> float | None:
    """A real number from a cell (int, float, numpy number, or a text of plain digits)."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str) and _WHOLE_TEXT.match(value.strip()):
        return float(value.strip())
    return None


def _indicator_cell(value, row_number, known, framework, problems) -> tuple[int | None, str]:
    where = f"baris {row_number}"
    if _is_missing(value):
        problems.append(f"{where}, kolom '{INDICATOR_COLUMN}': kosong.")
        return None, where
    number = _number(value)
    if number is None or not math.isfinite(number) or number != int(number):
        problems.append(f"{where}, kolom '{INDICATOR_COLUMN}': {value!r} bukan nomor indikator.")
        return None, where
    if int(number) not in known:
        problems.append(
            f"{where}, kolom '{INDICATOR_COLUMN}': indikator {int(number)} tidak dikenal "
            f"dalam kerangka {framework.id}."
        )
        return None, where
    return int(number), f"indikator {int(number)}"


def _amount_cell(value, where: str, problems: list[str]) -> float | None:
    if _is_missing(value):
        problems.append(f"{where}: kosong (isi biaya dalam Rupiah; 0 bila tanpa biaya).")
        return None
    number = _number(value)
    if number is None:
        problems.append(
            f"{where}: {value!r} bukan angka (tulis Rupiah tanpa teks atau titik ribuan, "
            "mis. 1500000)."
        )
        return None
    if not math.isfinite(number):
        problems.append(f"{where}: {value!r} bukan angka yang terhingga.")
        return None
    if number < 0:
        problems.append(f"{where}: biaya negatif ({value!r}).")
        return None
    return number
