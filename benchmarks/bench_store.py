"""Benchmark: first-run seeding, and importing a national-scale workbook.

Synthetic workbook only (seeded, written to a temp dir, never under data/): 650 instansi x 47
indicators ~ 30k rows, using the real instansi names of the seeded store.
Run: python benchmarks/bench_store.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spbe.services.imports import import_workbook  # noqa: E402
from spbe.store import instansi_table, open_store  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def synthetic_workbook(path: Path, names: list[str]) -> int:
    rng = np.random.default_rng(59)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nilai Indikator")
    ws.append(["Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan"])
    rows = 0
    for name in names:
        for indicator, level in zip(range(1, 48), rng.integers(1, 6, size=47)):
            ws.append([name, 2025, indicator, int(level), "ilustrasi", "data sintetis benchmark"])
            rows += 1
    wb.save(path)
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seconds, con = timed(lambda: open_store(tmp / "bench.duckdb"))
        print(
            f"first-run create + migrate + seed (incl. 22 reconstructions): {seconds:.2f} s (goal < 2 s)"
        )
        names = instansi_table(con)["name"].tolist()[:650]
        book = tmp / "nasional.xlsx"
        rows = synthetic_workbook(book, names)
        data = book.read_bytes()
        print(f"workbook: {rows:,} rows, {len(data) / 1e6:.1f} MB")
        seconds, report = timed(lambda: import_workbook(con, data, book.name, actor="bench"))
        print(
            f"import (check + read + validate + one transaction): {seconds:.2f} s (goal < 10 s); "
            f"{report.message}"
        )
        seconds, report = timed(lambda: import_workbook(con, data, book.name, actor="bench"))
        print(f"same file again (no-op): {seconds:.2f} s; {report.message}")
        con.close()


if __name__ == "__main__":
    main()
