"""Indicator levels -> aspect, domain and index values -> predicate (PermenPANRB 59/2020 BAB II.B).

Everything is computed on integer-scaled weights: ``sum(level * weight_int)`` is an exact integer
and the index is that integer divided by ``framework.index_denominator`` once, so floating point
never decides a band (an exact 2.60 is Baik, never 2.5999999999999996 Cukup).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import Band, Framework

KEYS = ("instansi", "year")
REQUIRED_COLUMNS = (*KEYS, "indicator", "level")
# Band comparison for indices given as floats: far below the 0.0001 resolution of any index.
BAND_TOLERANCE = 1e-9
_NUMERIC_TYPES = (
    int,
    float,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.float32,
    np.float64,
)


class ScoringError(SpbeError):
    """Input levels cannot be scored. ``problems`` lists every problem found, in Indonesian."""

    HEADING = "Data tingkat indikator tidak dapat dihitung"
    ALWAYS_LIST = True


@dataclass(frozen=True)
class _Tables:
    """Numpy views of a framework, built once per framework."""

    numbers: np.ndarray  # indicator numbers in framework order
    position: np.ndarray  # indicator number -> column position, -1 where unknown
    weight_int: np.ndarray  # (n_indicators,) scaled integer weights
    aspect_matrix: np.ndarray  # (n_indicators, n_aspects) scaled integer weights
    domain_matrix: np.ndarray  # (n_indicators, n_domains)
    aspect_weight_scaled: np.ndarray  # (n_aspects,)
    domain_weight_scaled: np.ndarray  # (n_domains,)
    band_lowers: np.ndarray  # scaled integers on the sum(level * weight_int) axis
    band_names: np.ndarray


@cache
def _tables(fw: Framework) -> _Tables:
    numbers = np.array(fw.indicator_numbers, dtype=np.int64)
    position = np.full(int(numbers.max()) + 1, -1, dtype=np.int64)
    position[numbers] = np.arange(len(numbers))
    weight_int = np.array([fw.weight_int(n) for n in fw.indicator_numbers], dtype=np.int64)
    aspect_pos = {a.number: k for k, a in enumerate(fw.aspects)}
    domain_pos = {d.number: k for k, d in enumerate(fw.domains)}
    aspect_matrix = np.zeros((len(numbers), len(fw.aspects)), dtype=np.int64)
    domain_matrix = np.zeros((len(numbers), len(fw.domains)), dtype=np.int64)
    for row, ind in enumerate(fw.indicators):
        aspect_matrix[row, aspect_pos[ind.aspect]] = weight_int[row]
        if fw.has_domains:
            domain_matrix[row, domain_pos[fw.aspect(ind.aspect).domain]] = weight_int[row]
    scale = fw.weight_scale
    return _Tables(
        numbers=numbers,
        position=position,
        weight_int=weight_int,
        aspect_matrix=aspect_matrix,
        domain_matrix=domain_matrix,
        aspect_weight_scaled=np.array([int(a.weight * scale) for a in fw.aspects], dtype=np.int64),
        domain_weight_scaled=np.array([int(d.weight * scale) for d in fw.domains], dtype=np.int64),
        band_lowers=np.array(fw.band_lowers_scaled(), dtype=np.int64),
        band_names=np.array([b.name for b in fw.bands], dtype=object),
    )


# -- predicates ---------------------------------------------------------------------------------


def predicate(value: float, framework: Framework) -> str:
    """The band of an **unrounded** index, lower bound inclusive (2.5968 -> Cukup, 2.60 -> Baik)."""
    return band_of(value, framework).name


def band_of(value: float, framework: Framework) -> Band:
    lowers = np.array([float(b.lower) for b in framework.bands])
    pos = int(np.searchsorted(lowers, float(value) + BAND_TOLERANCE, side="right")) - 1
    return framework.bands[max(pos, 0)]


def next_band(value: float, framework: Framework) -> tuple[Band, float] | None:
    """The next band above ``value`` and the index points still needed, or None at the top band."""
    current = band_of(value, framework)
    pos = framework.bands.index(current)
    if pos + 1 >= len(framework.bands):
        return None
    upper = framework.bands[pos + 1]
    return upper, float(upper.lower) - float(value)


def predicate_scaled(scaled: int, framework: Framework) -> str:
    """The band of an exact integer-scaled index (``index_scaled``): no floating point at all."""
    pos = int(np.searchsorted(_tables(framework).band_lowers, int(scaled), side="right")) - 1
    return framework.bands[max(pos, 0)].name


def _predicates_scaled(totals: np.ndarray, tables: _Tables) -> np.ndarray:
    pos = np.searchsorted(tables.band_lowers, totals, side="right") - 1
    return tables.band_names[np.clip(pos, 0, None)]


# -- validation ---------------------------------------------------------------------------------


def _as_numbers(column: pd.Series) -> pd.Series:
    """Numeric view of a column; anything not a real number (str, bool, None) becomes NaN."""
    if pd.api.types.is_bool_dtype(column):
        return pd.Series(np.nan, index=column.index)
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float)
    is_number = column.map(type).isin(_NUMERIC_TYPES)
    return pd.to_numeric(column.where(is_number), errors="coerce").astype(float)


def _where(frame: pd.DataFrame) -> pd.Series:
    return frame["instansi"].astype(str) + ", tahun " + frame["year"].astype(str)


def _row_problems(levels: pd.DataFrame, rows: np.ndarray, rule: str) -> list[str]:
    """'<instansi>, tahun <year>, indikator <n>: <rule>' for the flagged rows (vectorised)."""
    flagged = levels[rows]
    return list(_where(flagged) + ", indikator " + flagged["indicator"].astype(str) + ": " + rule)


def _group_codes(levels: pd.DataFrame) -> tuple[np.ndarray, pd.MultiIndex]:
    """Codes of (instansi, year) groups in order of first appearance (keys already checked)."""
    inst_codes, inst_values = pd.factorize(levels["instansi"])
    year_codes, year_values = pd.factorize(levels["year"])
    codes, order = pd.factorize(inst_codes * len(year_values) + year_codes)
    groups = pd.MultiIndex.from_arrays(
        [inst_values[order // len(year_values)], year_values[order % len(year_values)]],
        names=list(KEYS),
    )
    return codes, groups


def _validate_cells(levels: pd.DataFrame, fw: Framework, tables: _Tables):
    """Return (indicator positions, integer levels) or raise ScoringError listing bad cells."""
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in levels.columns]
    if missing_cols:
        raise ScoringError([f"Kolom wajib tidak ada: {', '.join(missing_cols)}."])
    level_num = _as_numbers(levels["level"])
    bad_level = (
        level_num.isna()
        | (level_num != np.floor(level_num))
        | (level_num < fw.min_level)
        | (level_num > fw.max_level)
    ).to_numpy()
    ind_num = _as_numbers(levels["indicator"])
    ind_ok = (
        ind_num.notna()
        & (ind_num == np.floor(ind_num))
        & ind_num.between(0, len(tables.position) - 1)
    ).to_numpy()
    ind_int = ind_num.where(ind_ok, 0).astype(np.int64).to_numpy()
    pos = np.where(ind_ok, tables.position[ind_int], -1)
    unknown = pos < 0
    problems: list[str] = []
    null_keys = (levels["instansi"].isna() | levels["year"].isna()).to_numpy()
    if null_keys.any():
        problems.append(f"{int(null_keys.sum())} baris tanpa instansi atau tahun.")
    if bad_level.any():
        flagged = levels[bad_level]
        problems += list(
            _where(flagged)
            + ", indikator "
            + flagged["indicator"].astype(str)
            + ": tingkat "
            + flagged["level"].map(repr)
            + f" tidak valid (harus bilangan bulat {fw.min_level}–{fw.max_level})."
        )
    if unknown.any():
        rule = f"nomor indikator tidak dikenal dalam kerangka {fw.id}."
        problems += _row_problems(levels, unknown, rule)
    if problems:
        raise ScoringError(problems)
    return pos, level_num.to_numpy(dtype=np.int64)


# -- scoring ------------------------------------------------------------------------------------


def score(levels: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Score every (instansi, year) group of long-format levels.

    Input columns: ``instansi``, ``year``, ``indicator`` (int), ``level`` (int in the framework's
    range). Output: one row per group, in order of first appearance, with ``instansi``, ``year``,
    ``index`` (unrounded), ``predicate``, ``aspect_<n>`` for every aspect and ``domain_<n>`` where
    the framework has domains. The input is never modified. Raises ScoringError naming instansi,
    year and indicator.
    """
    tables = _tables(framework)
    pos, level = _validate_cells(levels, framework, tables)
    codes, groups = _group_codes(levels)
    n_groups, n_ind = len(groups), len(tables.numbers)
    cell = codes * n_ind + pos
    counts = np.bincount(cell, minlength=n_groups * n_ind)
    if (counts > 1).any():
        dup = levels.duplicated(subset=["instansi", "year", "indicator"], keep="first").to_numpy()
        raise ScoringError(_row_problems(levels, dup, "baris ganda."))
    if (counts == 0).any():
        miss_group, miss_pos = np.divmod(np.flatnonzero(counts == 0), n_ind)
        frame = pd.DataFrame(
            {
                "instansi": groups.get_level_values(0)[miss_group],
                "year": groups.get_level_values(1)[miss_group],
                "indicator": tables.numbers[miss_pos],
            }
        )
        raise ScoringError(_row_problems(frame, np.ones(len(frame), bool), "tidak ada nilainya."))
    matrix = np.zeros(n_groups * n_ind, dtype=np.int64)
    matrix[cell] = level
    return _score_matrix(matrix.reshape(n_groups, n_ind), groups, framework, tables)


def _score_matrix(matrix: np.ndarray, groups: pd.MultiIndex, fw: Framework, tables: _Tables):
    totals = matrix @ tables.weight_int
    out = {
        "instansi": groups.get_level_values(0),
        "year": groups.get_level_values(1),
        "index": totals / fw.index_denominator,
        "predicate": _predicates_scaled(totals, tables),
    }
    aspect_sums = matrix @ tables.aspect_matrix
    for k, asp in enumerate(fw.aspects):
        out[f"aspect_{asp.number}"] = aspect_sums[:, k] / tables.aspect_weight_scaled[k]
    if fw.has_domains:
        domain_sums = matrix @ tables.domain_matrix
        for k, dom in enumerate(fw.domains):
            out[f"domain_{dom.number}"] = domain_sums[:, k] / tables.domain_weight_scaled[k]
    result = pd.DataFrame(out)
    result["predicate"] = result["predicate"].astype(str)
    return result


def _profile_vector(levels: Mapping[int, int], fw: Framework, tables: _Tables) -> np.ndarray:
    known = set(fw.indicator_numbers)
    problems = [
        f"indikator {k}: nomor indikator tidak dikenal dalam kerangka {fw.id}."
        for k in levels
        if k not in known
    ]
    problems += [
        f"indikator {n}: tidak ada nilainya." for n in fw.indicator_numbers if n not in levels
    ]
    for k, v in levels.items():
        valid = isinstance(v, _NUMERIC_TYPES) and not isinstance(v, bool) and float(v) == int(v)
        if k in known and not (valid and fw.min_level <= int(v) <= fw.max_level):
            problems.append(
                f"indikator {k}: tingkat {v!r} tidak valid "
                f"(harus bilangan bulat {fw.min_level}–{fw.max_level})."
            )
    if problems:
        raise ScoringError(problems)
    return np.array([int(levels[n]) for n in fw.indicator_numbers], dtype=np.int64)


def index_scaled(levels: Mapping[int, int], framework: Framework) -> int:
    """``sum(level * weight_int)``: the exact index times ``framework.index_denominator``."""
    tables = _tables(framework)
    return int(_profile_vector(levels, framework, tables) @ tables.weight_int)


def index_value(levels: Mapping[int, int], framework: Framework) -> float:
    """The unrounded index of one profile ``{indicator: level}`` (every indicator required)."""
    return index_scaled(levels, framework) / framework.index_denominator


def score_profile(levels: Mapping[int, int], framework: Framework) -> pd.Series:
    """Like ``score`` for one profile: index, predicate, aspect_<n>, domain_<n>."""
    tables = _tables(framework)
    vector = _profile_vector(levels, framework, tables)
    groups = pd.MultiIndex.from_arrays([["profil"], [0]])
    row = _score_matrix(vector[None, :], groups, framework, tables).iloc[0]
    return row.drop(["instansi", "year"])
