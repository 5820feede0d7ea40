"""Benchmark: exact multi-year roadmaps (spbe.core.roadmap) on all 47 SPBE-2020 indicators.

Profile: Kota Ternate 2024 as published (domains 1.80 / 1.00 / 1.00 / 2.74, index 1.89, Cukup in
data/hasil-evaluasi-spbe-2023-2024.csv), turned into indicator levels by ``reconstruct`` (the
flattest consistent profile: provenance "rekonstruksi", not the official levels). Costs: the
illustrative default table data/biaya-default.csv through ``spbe.core.costs.default_costs``.
Question: the fastest, then cheapest, roadmap to "Baik" with Rp 750.000.000 a year over at most 5
years, one level a year per indicator (default) and without that rule; ``best_roadmap`` over 5
years; the exact single-budget ``cheapest_plan`` on the same profile is timed in the same run as
the yardstick (ratio = roadmap time / cheapest_plan time). Goal: ≤ 1 s per roadmap call.

Run: python benchmarks/bench_roadmap.py
"""

from __future__ import annotations

import statistics
import sys
import time
from functools import partial
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spbe.core.costs import default_costs  # noqa: E402
from spbe.core.formatting import format_index, format_rupiah  # noqa: E402
from spbe.core.framework import load_framework  # noqa: E402
from spbe.core.paths import DATA_DIR  # noqa: E402
from spbe.core.planner import cheapest_plan  # noqa: E402
from spbe.core.reconstruct import domains_from_row, reconstruct_levels  # noqa: E402
from spbe.core.roadmap import best_roadmap, fastest_roadmap  # noqa: E402

REPEATS = 5
JT = 1_000_000
BUDGET = 750 * JT
YEARS = 5
GOAL_SECONDS = 1.0


def timed(function, repeats: int = REPEATS):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), result


def ternate_2024(framework) -> dict[int, int]:
    table = pd.read_csv(DATA_DIR / "hasil-evaluasi-spbe-2023-2024.csv")
    row = table[(table["instansi"] == "Kota Ternate") & (table["year"] == 2024)].iloc[0]
    domains = domains_from_row(row.to_dict(), framework)
    levels = reconstruct_levels(domains, float(row["index"]), row["predicate"], framework)
    if levels is None:
        raise SystemExit("Kota Ternate 2024 cannot be reconstructed from the published figures")
    return levels


def show(roadmap) -> None:
    state = "" if roadmap.target is None else "tercapai: " if roadmap.feasible else "TIDAK: "
    print(
        f"      {state}{len(roadmap.years)} tahun, {format_rupiah(roadmap.total_cost)}, "
        f"indeks {format_index(roadmap.index_before)} → {format_index(roadmap.index_after)} "
        f"({roadmap.predicate_after})"
    )
    for year in roadmap.years:
        print(
            f"        tahun {year.year_number}: {len(year.raises):2d} indikator naik, "
            f"{format_rupiah(year.cost):>16} dari {format_rupiah(year.budget)}, "
            f"indeks {format_index(year.index_after)}"
        )


def main() -> None:
    fw = load_framework("spbe-2020")
    costs = default_costs(fw).mapping()
    levels = ternate_2024(fw)
    print(
        f"Peta jalan SPBE: Kota Ternate 2024 (rekonstruksi), {len(levels)} indikator, "
        f"anggaran {format_rupiah(BUDGET)} per tahun, biaya ilustrasi"
    )
    print(f"(median dan maksimum dari {REPEATS} ulangan)\n")

    base, base_top, plan = timed(partial(cheapest_plan, levels, "Baik", fw, costs))
    print(
        f"  cheapest_plan → Baik (satu anggaran)      {base * 1000:7.1f} ms "
        f"(maks {base_top * 1000:6.1f}): {format_rupiah(plan.total_cost)}, "
        f"{plan.total_steps} langkah"
    )
    one_step = partial(fastest_roadmap, levels, "Baik", fw, costs, BUDGET, years=YEARS)
    free = partial(one_step, one_step_per_year=False)
    best = partial(best_roadmap, levels, fw, costs, BUDGET, YEARS)
    cases = [
        ("fastest_roadmap → Baik, 1 langkah/thn", one_step),
        ("fastest_roadmap → Baik, bebas langkah", free),
        (f"best_roadmap {YEARS} tahun, 1 langkah/thn", best),
    ]
    worst = 0.0
    for name, function in cases:
        med, top, roadmap = timed(function)
        worst = max(worst, med)
        print(
            f"  {name:<41} {med * 1000:7.1f} ms (maks {top * 1000:6.1f}) "
            f"= {med / base:5.1f} × cheapest_plan"
        )
        show(roadmap)
    verdict = "OK" if worst <= GOAL_SECONDS else "TERLALU LAMBAT"
    print(f"\nmedian terlama satu peta jalan: {worst * 1000:.1f} ms (sasaran ≤ 1 s): {verdict}")
    # Beyond the goal, for scale: a longer horizon and a far target (not part of the verdict).
    far = partial(fastest_roadmap, levels, "Sangat Baik", fw, costs, BUDGET, years=10)
    med, top, roadmap = timed(far, 1)
    print(f"\n  (informasi) fastest_roadmap → Sangat Baik, cakrawala 10 tahun: {med * 1000:.1f} ms")
    show(roadmap)


if __name__ == "__main__":
    main()
