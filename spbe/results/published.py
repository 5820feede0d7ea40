"""Published results (the ``official`` frame): selection, bands, ranks, peer tables.

The ``official`` frame has one row per instansi and year, as the store returns it:
``instansi_code, instansi_name, kind, province, year, framework, index_value, predicate,
domain_1..domain_n, source, source_url, status``. Inputs are never modified.

Ranks are competition ranks on the published (two-decimal) index: ties share a rank, rank 1 is the
highest. Only final results are ranked; a provisional self-assessment has no rank, because it has
not been verified like the values it would be compared with.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import numpy as np
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import (
    FRAMEWORKS_DIR,
    REGISTRY_FILE,
    Framework,
    FrameworkError,
    list_frameworks,
    load_framework,
)
from spbe.core.provenance import FINAL
from spbe.core.scoring import predicate

NATIONAL = "nasional"
REGIONAL_KINDS = ("provinsi", "kabupaten", "kota")
KIND_PLURAL = {
    "provinsi": "provinsi",
    "kabupaten": "kabupaten",
    "kota": "kota",
    "pusat": "instansi pusat",
}
MIN_RANKED = 2  # a rank needs at least one other result
OFFICIAL_COLUMNS = ("instansi_code", "instansi_name", "kind", "province", "year", "index_value")


def band_framework(framework_id: str, year: int) -> Framework:
    """The framework whose bands apply to a published row.

    An instrument this project does not carry (PermenPANRB 5/2018, 2018–2020) takes the bands of
    the first carried framework after ``year``: PermenPANRB 59/2020 kept the 5/2018 bands
    (reference §1). Raises FrameworkError (Indonesian) if there is none.
    """
    try:
        return load_framework(framework_id)
    except FrameworkError:
        later = [load_framework(f) for f in list_frameworks()]
        later = [fw for fw in later if fw.first_year > year]
        if not later:
            raise
        return min(later, key=lambda fw: fw.first_year)


def instrument_name(framework_id: str) -> str:
    """The regulation behind a framework id, also for instruments this project does not carry."""
    try:
        return load_framework(framework_id).short_regulation
    except FrameworkError:
        pass
    try:
        registry = tomllib.loads((FRAMEWORKS_DIR / REGISTRY_FILE).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return framework_id
    for entry in registry.get("instruments", []):
        if entry.get("id") == framework_id:
            text = str(entry.get("regulation", framework_id))
            return re.sub(r"\s+No\.\s*(\d+)\s+Tahun\s+(\d{4})", r" \1/\2", text)
    return framework_id


def decimal_of(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def decimal_diff(a: float, b: float) -> float:
    """a - b on the decimal values (1.89 - 1.20 == 0.69 exactly)."""
    return float(decimal_of(a) - decimal_of(b))


def is_present(value) -> bool:
    """False for None, NaN, pd.NA and the empty string."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return False
    return str(value) != ""


def check_columns(official: pd.DataFrame) -> None:
    missing = [c for c in OFFICIAL_COLUMNS if c not in official.columns]
    if missing:
        raise SpbeError(f"Data hasil evaluasi tidak memiliki kolom: {', '.join(missing)}.")


def result_row(official: pd.DataFrame, instansi_code: str, year: int) -> pd.Series:
    check_columns(official)
    rows = official[(official["instansi_code"] == instansi_code) & (official["year"] == year)]
    if rows.empty:
        known = official.loc[official["instansi_code"] == instansi_code, "year"]
        if known.empty:
            raise SpbeError(f"Instansi '{instansi_code}' tidak ada dalam data hasil evaluasi.")
        years = ", ".join(str(int(y)) for y in sorted(known.unique()))
        name = official.loc[known.index[0], "instansi_name"]
        raise SpbeError(
            f"Tidak ada hasil evaluasi SPBE untuk {name} tahun {year} "
            f"(tahun yang tersedia: {years})."
        )
    if len(rows) > 1 and "status" in rows.columns:
        rows = rows[is_final(rows)] if is_final(rows).any() else rows
    if len(rows) > 1:
        raise SpbeError(f"Hasil evaluasi {instansi_code} tahun {year} tercatat lebih dari sekali.")
    return rows.iloc[0]


def final_years(official: pd.DataFrame, instansi_code: str) -> list[int]:
    """The years with a final (published) result for the instansi, oldest first."""
    mine = official[(official["instansi_code"] == instansi_code) & is_final(official)]
    return sorted(int(y) for y in mine["year"].unique())


def published_domains(
    official: pd.DataFrame, instansi_code: str, year: int, framework_id: str
) -> dict[int, float] | None:
    """The published domain values of that final result (None without one, without domains in
    the framework, or when any domain is not published)."""
    fw = load_framework(framework_id)
    rows = official[
        (official["instansi_code"] == instansi_code)
        & (official["year"] == year)
        & is_final(official)
    ]
    if rows.empty or not fw.has_domains:
        return None
    row = rows.iloc[0]
    values = {d.number: row.get(f"domain_{d.number}") for d in fw.domains}
    return (
        {n: float(v) for n, v in values.items()} if all(map(is_present, values.values())) else None
    )


def preferred_results(official: pd.DataFrame) -> pd.DataFrame:
    """One row per instansi and year: the final result where there is one, else the provisional.

    Vectorised (one group-by, no Python loop over the rows); the keys (instansi_code, year) are
    never missing in the store (its primary key), and a row whose key is missing is always kept.
    """
    if "status" not in official.columns:
        return official
    final = is_final(official)
    keys = [official["instansi_code"], official["year"]]
    has_final = final.groupby(keys, sort=False).transform("any")
    keep = final | ~has_final.astype("boolean").fillna(False).astype(bool)
    return official[keep]


def is_final(frame: pd.DataFrame) -> pd.Series:
    if "status" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["status"].fillna(FINAL) == FINAL


def competition_rank(values: pd.Series) -> pd.Series:
    """1 + the number of strictly higher values (ties share a rank), on integer hundredths."""
    hundredths = np.rint(values.astype(float).to_numpy() * 100).astype(np.int64)
    ranks = pd.Series(hundredths, index=values.index).rank(method="min", ascending=False)
    return ranks.astype(np.int64)


def _ranked(group: pd.DataFrame) -> pd.DataFrame:
    ranked = group.assign(rank=competition_rank(group["index_value"]))
    return ranked.sort_values(["rank", "instansi_name"], kind="stable").reset_index(drop=True)


def province_peers(official: pd.DataFrame, year: int, province: str) -> pd.DataFrame:
    """Final results of the province and its kabupaten/kota in ``year``, ranked."""
    check_columns(official)
    peers = official[
        (official["year"] == year)
        & (official["province"] == province)
        & official["kind"].isin(REGIONAL_KINDS)
        & is_final(official)
    ]
    return _ranked(peers)


def kind_peers(official: pd.DataFrame, year: int, kind: str) -> pd.DataFrame:
    """Final results of every instansi of ``kind`` in ``year``, ranked nationally."""
    check_columns(official)
    peers = official[(official["year"] == year) & (official["kind"] == kind) & is_final(official)]
    return _ranked(peers)


def rank_of(peers: pd.DataFrame, instansi_code: str) -> tuple[int | None, int]:
    """(rank, count) of the instansi in a ranked table; no rank when alone or absent (a rank
    "1 dari 1" only says that the others' results are missing)."""
    hit = peers.loc[peers["instansi_code"] == instansi_code, "rank"]
    if hit.empty or len(peers) < MIN_RANKED:
        return None, len(peers)
    return int(hit.iloc[0]), len(peers)


def national_index(official: pd.DataFrame, year: int) -> float | None:
    """The published national index of ``year`` (None if not in the data)."""
    rows = official[(official["kind"] == NATIONAL) & (official["year"] == year)]
    hit = rows.loc[is_final(rows), "index_value"]
    return float(hit.iloc[0]) if len(hit) else None


# -- tables for the Tren page ---------------------------------------------------------------------

TABLE_COLUMNS = ("rank", "instansi_code", "instansi_name", "kind", "province", "index_value")


def with_predicates(table: pd.DataFrame) -> pd.DataFrame:
    """Fill missing predicates from the band of the published index."""
    if "predicate" not in table.columns:
        table = table.assign(predicate=None)
    fill = [
        p if is_present(p) else predicate(v, band_framework(f, int(y)))
        for p, v, f, y in zip(
            table["predicate"], table["index_value"], table["framework"], table["year"]
        )
    ]
    return table.assign(predicate=pd.Series(fill, index=table.index, dtype="str"))


def peer_ranking(official: pd.DataFrame, year: int, province: str = "Maluku Utara"):
    """The province government and its kabupaten/kota in ``year``, ranked (final results only).

    Columns: rank, instansi_code, instansi_name, kind, province, index_value, predicate, status,
    source. Raises ValueError (Indonesian) when the year has no final result for the province.
    """
    peers = province_peers(official, year, province)
    if peers.empty:
        raise SpbeError(f"Tidak ada hasil evaluasi resmi untuk {province} tahun {year}.")
    return _table(with_predicates(peers))


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in ("predicate", "status", "source") if c in frame.columns]
    return frame[[*TABLE_COLUMNS, *extra]].reset_index(drop=True)


def national_distribution(
    official: pd.DataFrame,
    year: int,
    kind: str | None = None,
    instansi_code: str | None = None,
    neighbours: int = 3,
) -> pd.DataFrame:
    """Every final result of one kind in ``year``, ranked, with the chosen instansi marked.

    ``kind`` defaults to the kind of ``instansi_code``. Extra columns: ``selected`` (the chosen
    instansi) and ``neighbour`` (up to ``neighbours`` places above and below it in the ranking).
    """
    if kind is None:
        if instansi_code is None:
            raise SpbeError("Pilih jenis instansi atau instansinya.")
        kind = str(result_row(official, instansi_code, year)["kind"])
    peers = kind_peers(official, year, kind)
    if peers.empty:
        label = KIND_PLURAL.get(kind, kind)
        raise SpbeError(f"Tidak ada hasil evaluasi resmi {label} tahun {year}.")
    table = _table(with_predicates(peers))
    selected = (table["instansi_code"] == instansi_code).to_numpy()
    neighbour = np.zeros(len(table), dtype=bool)
    if selected.any():
        at = int(np.flatnonzero(selected)[0])
        neighbour[max(0, at - neighbours) : at + neighbours + 1] = True
        neighbour[at] = False
    return table.assign(selected=selected, neighbour=neighbour)
