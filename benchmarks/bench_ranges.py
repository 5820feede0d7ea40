"""Benchmark: exact ranges over the profiles consistent with Kota Ternate's published 2024 domains.

Real published data (data/hasil-evaluasi-spbe-2023-2024.csv), the default OPD leads
(data/pemilik-indikator-default.csv) and the illustrative default costs (data/biaya-default.csv).
Times ``contribution_ranges`` and ``plan_cost_range`` (target "Baik") as the median of 5 runs, with
the flattest reconstruction timed in the same run as the reference, and prints the ranges.
Run: python benchmarks/bench_ranges.py
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spbe.core.costs import default_costs  # noqa: E402
from spbe.core.formatting import format_index, format_rupiah  # noqa: E402
from spbe.core.framework import framework_for_year  # noqa: E402
from spbe.core.planner import cheapest_plan  # noqa: E402
from spbe.core.ranges import (  # noqa: E402
    consistent_profile_count,
    contribution_ranges,
    contribution_ranges_exact,
    even_lead_shares,
    plan_cost_range,
)
from spbe.core.reconstruct import domains_from_row, reconstruct  # noqa: E402

RESULTS = ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv"
OWNERS = ROOT / "data" / "pemilik-indikator-default.csv"
OPD = ROOT / "data" / "opd.csv"
INSTANSI, YEAR, TARGET = "Kota Ternate", "2024", "Baik"
REPEATS = 5
BUDGET_MS = 200


def median_ms(action) -> tuple[float, float, object]:
    """(median wall ms, median process-CPU ms, last result) over REPEATS runs."""
    wall, cpu, result = [], [], None
    for _ in range(REPEATS):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append((time.perf_counter() - start_wall) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> None:
    with RESULTS.open(encoding="utf-8", newline="") as handle:
        (row,) = [
            r for r in csv.DictReader(handle) if (r["instansi"], r["year"]) == (INSTANSI, YEAR)
        ]
    fw = framework_for_year(int(YEAR))
    leads: dict[int, list[str]] = {}
    with OWNERS.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["framework"] == fw.id and r["role"] == "lead":
                leads.setdefault(int(r["indicator"]), []).append(r["opd_code"])
    with OPD.open(encoding="utf-8", newline="") as handle:
        names = {
            r["opd_code"]: r["short_name"]
            for r in csv.DictReader(handle)
            if r["instansi"] == INSTANSI
        }
    shares = even_lead_shares(leads)
    costs = default_costs(fw).mapping()
    domains = domains_from_row(row, fw)

    rec_ms, rec_cpu, rec = median_ms(
        lambda: reconstruct(domains, row["index"], row["predicate"], fw)
    )
    con_ms, con_cpu, _ = median_ms(lambda: contribution_ranges(domains, fw, shares))
    cost_ms, cost_cpu, cost = median_ms(lambda: plan_cost_range(domains, fw, costs, TARGET))

    shown = ", ".join(f"D{n} {v}" for n, v in domains.items())
    print(f"{INSTANSI} {YEAR}: {shown}; index {row['index']} {row['predicate']}")
    print(f"consistent profiles (domains only): {consistent_profile_count(domains, fw):,}")
    print(f"  up to swaps of equal weight and cost in a domain: {cost.profile_classes:,}")
    print(f"median of {REPEATS} runs, wall (process CPU):")
    print(f"  reconstruct (reference):  {rec_ms:7.2f} ms ({rec_cpu:.2f})")
    print(f"  contribution_ranges:      {con_ms:7.2f} ms ({con_cpu:.2f})  = {con_ms / rec_ms:.0f}×")
    print(
        f"  plan_cost_range {TARGET}: {cost_ms:9.2f} ms ({cost_cpu:.2f})  = {cost_ms / rec_ms:.0f}×"
        f"  [budget {BUDGET_MS} ms: {'ok' if cost_ms <= BUDGET_MS else 'OVER'}]"
    )

    flat = rec.level_map()
    print("\nOPD contribution (index points): min – max; flattest reconstruction")
    for opd, r in contribution_ranges_exact(domains, fw, shares).items():
        mine = sum(fw.weight_int(n) * flat[n] * shares.get(n, {}).get(opd, 0) for n in flat)
        flat_value = Fraction(mine, fw.index_denominator)
        print(
            f"  {names.get(opd, opd):18} {float(r.low):.4f} – {float(r.high):.4f}"
            f"  (width {float(r.high - r.low):.4f}); flattest {float(flat_value):.4f}"
        )

    flat_cost = cheapest_plan(flat, TARGET, fw, costs).total_cost
    print(f"\ncheapest plan to {TARGET} (illustrative costs):")
    print(f"  min {format_rupiah(cost.min_cost)}, max {format_rupiah(cost.max_cost)}")
    print(f"  flattest reconstruction {format_rupiah(flat_cost)}")
    print(f"  profile classes costed exactly by the max search: {cost.evaluated}")
    for label, profile, plan in (
        ("min", cost.min_profile, cost.min_plan),
        ("max", cost.max_profile, cost.max_plan),
    ):
        changed = {n: lv for n, lv in profile if lv != flat[n]}
        same = format_index(plan.index_before) == format_index(float(row["index"]))
        print(
            f"  {label} profile differs from the flattest at {changed}; its index "
            f"{plan.index_before:.4f} ({'rounds to' if same else 'does NOT round to'} the "
            f"published {row['index']}) -> {plan.index_after:.4f}"
        )
    for note in cost.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()
