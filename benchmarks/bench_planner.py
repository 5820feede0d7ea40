"""Benchmark: the exact planner on all 47 SPBE-2020 indicators with per-step Rupiah costs.

Times ``cheapest_plan`` (target "Baik" and "Sangat Baik") and ``best_plan_within_budget``
(Rp 2 and 5 miliar) beside two naive baselines in the same run:

- a pure-Python dynamic programme (the same exact method without numpy), whose optimum must equal
  the planner's — a cross-check as well as a timing;
- a greedy heuristic (next step with the best index gain per Rupiah), fast but not exact: the
  script prints how much more it pays, or how much less index it buys.

Synthetic data only (seeded, never shown as real): costs uniform in Rp 10–800 juta per step.
Run: python benchmarks/bench_planner.py
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spbe.core.formatting import format_index, format_rupiah  # noqa: E402
from spbe.core.framework import load_framework  # noqa: E402
from spbe.core.planner import best_plan_within_budget, cheapest_plan  # noqa: E402
from spbe.core.scoring import index_scaled  # noqa: E402

REPEATS = 9
JT = 1_000_000


def synthetic_costs(framework, seed: int) -> dict[int, tuple[int, ...]]:
    rng = np.random.default_rng(seed)
    return {
        n: tuple(int(x) * JT for x in rng.integers(10, 801, size=4))
        for n in framework.indicator_numbers
    }


def profiles(framework) -> dict[str, dict[int, int]]:
    rng = np.random.default_rng(2024)
    return {
        "semua tingkat 1": dict.fromkeys(framework.indicator_numbers, 1),
        "acak 1–3": {n: int(rng.integers(1, 4)) for n in framework.indicator_numbers},
    }


def timed(function, repeats: int = REPEATS):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), result


# -- baselines -----------------------------------------------------------------------------------


def _options(levels, framework, costs):
    unit = math.gcd(*(framework.weight_int(n) for n in framework.indicator_numbers))
    out = []
    for n in framework.indicator_numbers:
        cumulative = [0]
        for level in range(levels[n], framework.max_level):
            cumulative.append(cumulative[-1] + costs[n][level - framework.min_level])
        out.append((framework.weight_int(n) // unit, cumulative))
    return unit, out


def python_dp_table(levels, framework, costs) -> list[float]:
    """min cost for every exact gain (in units), pure Python lists."""
    unit, options = _options(levels, framework, costs)
    best = [0.0]
    for gain, cumulative in options:
        size = len(best) + gain * (len(cumulative) - 1)
        new = [math.inf] * size
        for state, cost in enumerate(best):
            if cost == math.inf:
                continue
            for k, extra in enumerate(cumulative):
                target = state + gain * k
                if cost + extra < new[target]:
                    new[target] = cost + extra
        best = new
    return best, unit


def python_dp_cheapest(levels, target_scaled, framework, costs) -> float:
    table, unit = python_dp_table(levels, framework, costs)
    need = -(-(target_scaled - index_scaled(levels, framework)) // unit)
    return min(table[max(need, 0) :])


def python_dp_budget(levels, budget, framework, costs) -> int:
    table, unit = python_dp_table(levels, framework, costs)
    return max(s for s, cost in enumerate(table) if cost <= budget) * unit


def _greedy_steps(levels, framework, costs):
    """Next available step of every indicator, best gain per Rupiah first, repeatedly."""
    current = dict(levels)
    while True:
        candidates = [
            (framework.weight_int(n) / max(costs[n][current[n] - 1], 1e-9), n)
            for n in framework.indicator_numbers
            if current[n] < framework.max_level
        ]
        if not candidates:
            return
        _, n = max(candidates)
        yield n, framework.weight_int(n), costs[n][current[n] - 1]
        current[n] += 1


def greedy_cheapest(levels, target_scaled, framework, costs) -> float:
    have, paid = index_scaled(levels, framework), 0
    for _, gain, cost in _greedy_steps(levels, framework, costs):
        if have >= target_scaled:
            break
        have, paid = have + gain, paid + cost
    return paid


def greedy_budget(levels, budget, framework, costs) -> int:
    """Repeatedly buy the affordable next step with the best gain per Rupiah."""
    current, gained, left = dict(levels), 0, budget
    while True:
        affordable = [
            (framework.weight_int(n) / max(costs[n][current[n] - 1], 1e-9), n)
            for n in framework.indicator_numbers
            if current[n] < framework.max_level and costs[n][current[n] - 1] <= left
        ]
        if not affordable:
            return gained
        _, n = max(affordable)
        gained, left = gained + framework.weight_int(n), left - costs[n][current[n] - 1]
        current[n] += 1


# -- report --------------------------------------------------------------------------------------


def run_profile(fw, name: str, levels: dict[int, int], seed: int) -> float:
    """Print the figures for one profile; return the slowest single planner call (seconds)."""
    costs = synthetic_costs(fw, seed)
    denominator = fw.index_denominator
    worst = 0.0
    before = index_scaled(levels, fw) / denominator
    print(f"profil {name} (indeks {format_index(before)}), biaya seed {seed}")
    for band in ("Baik", "Sangat Baik"):
        target = int(fw.band(band).lower * denominator)
        med, top, plan = timed(partial(cheapest_plan, levels, band, fw, costs))
        worst = max(worst, top)
        py_time, _, py_cost = timed(partial(python_dp_cheapest, levels, target, fw, costs), 1)
        gr_time, _, gr_cost = timed(partial(greedy_cheapest, levels, target, fw, costs))
        assert py_cost == plan.total_cost, (py_cost, plan.total_cost)
        print(
            f"  cheapest_plan → {band:<11}            {med * 1000:5.1f} ms (maks {top * 1000:5.1f})"
            f" | Python DP {py_time * 1000:4.0f} ms | greedy {gr_time * 1000:5.1f} ms"
        )
        print(
            f"      optimum {format_rupiah(plan.total_cost)}, {plan.total_steps} langkah, "
            f"indeks {format_index(plan.index_after)}; greedy membayar "
            f"{format_rupiah(gr_cost)} (+{(gr_cost / plan.total_cost - 1) * 100:.1f} %)"
        )
    for budget in (2_000 * JT, 5_000 * JT):
        med, top, plan = timed(partial(best_plan_within_budget, levels, budget, fw, costs))
        worst = max(worst, top)
        py_time, _, py_gain = timed(partial(python_dp_budget, levels, budget, fw, costs), 1)
        gr_time, _, gr_gain = timed(partial(greedy_budget, levels, budget, fw, costs))
        gain = round((plan.index_after - plan.index_before) * denominator)
        assert py_gain == gain, (py_gain, gain)
        print(
            f"  best_plan_within_budget {format_rupiah(budget)} {med * 1000:5.1f} ms"
            f" (maks {top * 1000:5.1f}) | Python DP {py_time * 1000:4.0f} ms"
            f" | greedy {gr_time * 1000:5.1f} ms"
        )
        print(
            f"      optimum +{format_index(gain / denominator)} untuk "
            f"{format_rupiah(plan.total_cost)}; greedy +{format_index(gr_gain / denominator)}"
        )
    print()
    return worst


def exact_fallback(fw) -> float:
    """Median time when costs carry so many decimals that the table leaves int64."""
    tiny = Decimal("0.000000000000000001")
    costs = {n: tuple(Decimal(c) + tiny for c in row) for n, row in synthetic_costs(fw, 1).items()}
    levels = dict.fromkeys(fw.indicator_numbers, 1)
    med, _, _ = timed(partial(cheapest_plan, levels, "Baik", fw, costs), 3)
    return med


def main() -> None:
    fw = load_framework("spbe-2020")
    print(f"Perencana SPBE: {len(fw.indicators)} indikator bebas, biaya per langkah sintetis")
    print(f"(median dan maksimum dari {REPEATS} ulangan; baseline Python murni 1 ulangan)\n")
    worst = max(
        run_profile(fw, name, levels, seed)
        for seed in (1, 2)
        for name, levels in profiles(fw).items()
    )
    exact = exact_fallback(fw)
    verdict = "OK" if worst <= 0.2 else "TERLALU LAMBAT"
    print(f"waktu terlama satu panggilan: {worst * 1000:.1f} ms (sasaran ≤ 200 ms): {verdict}")
    print(
        f"jalur bilangan bulat Python (biaya dengan 18 desimal, di luar int64): "
        f"cheapest_plan → Baik {exact * 1000:.1f} ms (median)"
    )


if __name__ == "__main__":
    main()
