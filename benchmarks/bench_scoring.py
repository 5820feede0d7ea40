"""Benchmark: score() on a national-scale synthetic frame vs one DuckDB SQL query on the same data.

Synthetic data only (seeded, never shown as real): 650 instansi x 8 years x 47 indicators
~ 244k rows.
Run: python benchmarks/bench_scoring.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spbe.core.framework import load_framework  # noqa: E402
from spbe.core.scoring import score  # noqa: E402

N_INSTANSI, N_YEARS, REPEATS = 650, 8, 7


def synthetic_levels(framework) -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    indicators = np.array(framework.indicator_numbers)
    names = [f"Instansi Sintetis {k:03d}" for k in range(N_INSTANSI)]
    instansi = np.repeat(names, N_YEARS * len(indicators))
    years = np.tile(np.repeat(np.arange(2018, 2018 + N_YEARS), len(indicators)), N_INSTANSI)
    return pd.DataFrame(
        {
            "instansi": instansi,
            "year": years,
            "indicator": np.tile(indicators, N_INSTANSI * N_YEARS),
            "level": rng.integers(1, 6, size=len(instansi)),
        }
    )


def weights_frame(framework) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": list(framework.indicator_numbers),
            "weight": [float(i.weight) for i in framework.indicators],
            "aspect": [i.aspect for i in framework.indicators],
            "domain": [framework.domain_of_indicator(i.number) for i in framework.indicators],
        }
    )


def sql_query(framework) -> str:
    aspects = ", ".join(
        f"sum(l.level * w.weight) FILTER (WHERE w.aspect = {a.number}) / {float(a.weight)} "
        f"AS aspect_{a.number}"
        for a in framework.aspects
    )
    domains = ", ".join(
        f"sum(l.level * w.weight) FILTER (WHERE w.domain = {d.number}) / {float(d.weight)} "
        f"AS domain_{d.number}"
        for d in framework.domains
    )
    return (
        f"SELECT l.instansi, l.year, sum(l.level * w.weight) / 100 AS idx, {aspects}, {domains} "
        "FROM levels l JOIN weights w USING (indicator) GROUP BY l.instansi, l.year"
    )


def best_of(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    fw = load_framework("spbe-2020")
    levels = synthetic_levels(fw)
    weights = weights_frame(fw)
    con = duckdb.connect()
    con.register("levels", levels)
    con.register("weights", weights)
    query = sql_query(fw)

    t_pandas, ours = best_of(lambda: score(levels, fw))
    t_duck, theirs = best_of(lambda: con.sql(query).df())

    merged = ours.merge(theirs, on=["instansi", "year"])
    assert len(merged) == N_INSTANSI * N_YEARS
    assert np.allclose(merged["index"], merged["idx"], atol=1e-9)
    print(f"rows: {len(levels):,} ({N_INSTANSI} instansi x {N_YEARS} years x 47 indicators)")
    print(f"score() (numpy, validation included): {t_pandas * 1000:7.1f} ms (best of {REPEATS})")
    print(f"DuckDB SQL (one query, no validation): {t_duck * 1000:7.1f} ms (best of {REPEATS})")
    print(f"ratio score()/DuckDB: {t_pandas / t_duck:.2f}x  (goal <= 2x and < 300 ms)")


if __name__ == "__main__":
    main()
