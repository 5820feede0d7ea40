"""Benchmark: reconstructing indicator profiles from the published SPBE results 2023-2024.

Real published data (data/hasil-evaluasi-spbe-2023-2024.csv), no synthetic rows. Prints how many
of the complete rows (check == "ok") admit an exact profile, why the others do not, and how long
the 22 Maluku Utara rows and all complete rows take.
Run: python benchmarks/bench_reconstruct.py
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spbe.core.framework import framework_for_year  # noqa: E402
from spbe.core.reconstruct import domains_from_row, reconstruct, why_not_reconstructable  # noqa: E402

RESULTS = ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv"
REPEATS = 5


def load_rows() -> list[dict[str, str]]:
    with RESULTS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["check"] == "ok"]


def reconstruct_all(rows: list[dict[str, str]]) -> list:
    found = []
    for row in rows:
        fw = framework_for_year(int(row["year"]))
        domains = domains_from_row(row, fw)
        found.append(reconstruct(domains, row["index"], row["predicate"], fw))
    return found


def best_time(rows: list[dict[str, str]]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        reconstruct_all(rows)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rows = load_rows()
    maluku_utara = [row for row in rows if row["province"] == "Maluku Utara"]
    found = reconstruct_all(rows)
    missing = [row for row, rec in zip(rows, found) if rec is None]
    print(f"complete published rows: {len(rows)}")
    print(f"exact profile found:     {len(rows) - len(missing)}")
    print(f"no exact profile:        {len(missing)}")
    for row in missing:
        fw = framework_for_year(int(row["year"]))
        reason = why_not_reconstructable(
            domains_from_row(row, fw), row["index"], row["predicate"], fw
        )
        print(f"  {row['year']} {row['instansi']}: {reason}")
    candidates = Counter(min(rec.candidates, 10) for rec in found if rec is not None)
    spread = ", ".join(f"{k if k < 10 else '10+'}: {candidates[k]}" for k in sorted(candidates))
    print(f"consistent class-sum combinations per found row (count: rows): {spread}")
    mu_found = sum(rec is not None for rec in reconstruct_all(maluku_utara))
    print(f"Maluku Utara: {mu_found} of {len(maluku_utara)} rows have a profile")
    print(f"time, {len(maluku_utara)} Maluku Utara rows: {best_time(maluku_utara) * 1000:.1f} ms")
    print(f"time, all {len(rows)} rows:       {best_time(rows) * 1000:.1f} ms")
    print(f"(best of {REPEATS} runs; framework loading cached after the first)")


if __name__ == "__main__":
    main()
