"""Exact optimisation of level raises under step costs, targets and budgets.

Two questions, both answered with a provable optimum (not a greedy guess):

- ``cheapest_plan``: the cheapest set of level raises that lifts the index to a target (an index
  value or "at least this predicate");
- ``best_plan_within_budget``: the largest index gain whose cost fits a budget.

Method: a multiple-choice knapsack solved by dynamic programming. Each indicator that may change
is one group whose options are "raise by k steps" (k = 0 … its cap), with gain ``k * weight_int``
and the cumulative cost of those k steps (levels are cumulative: 2→4 pays 2→3 and 3→4). Gains are
counted in units of the gcd of the free indicators' integer-scaled weights, so the table has at most
``Σ steps * weight_int / gcd`` + 1 cells (8,001 for all 47 SPBE-2020 indicators from level 1). For
every exact gain the table keeps the lexicographically least (cost, steps); one table answers both
questions and also gives the best reachable index when a target cannot be met.

Exactness: index gains are integers on the ``framework.index_denominator`` axis and the target is
converted to that axis with ``Decimal`` (an exact 2.60 reaches "Baik"). Rupiah costs are converted
to integers in units of their smallest decimal place (``Decimal(repr(x))``), so cost comparisons and
the budget test never depend on floating point; when the integers could overflow int64 the same
table is computed on Python integers (exact, slower).

Tie-breaks (documented and deterministic):

- ``cheapest_plan``: least cost, then fewest level steps, then the larger index (more margin above
  the target); remaining ties raise earlier indicators (framework order) first — precisely, among
  equal plans the one whose raises, read from the last indicator backwards, are smallest.
- ``best_plan_within_budget``: largest gain, then least cost, then fewest steps; remaining ties as
  above."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR

import numpy as np
import pandas as pd

from spbe.core.framework import Framework
from spbe.core.plan_input import (
    PlannerError,
    PlanProblem,
    decimal_amount,
    prepare,
    target_scaled,
)

__all__ = [
    "Plan",
    "PlannerError",
    "apply_plan",
    "best_plan_within_budget",
    "cheapest_plan",
    "fixed_plan",
]
from spbe.core.scoring import predicate_scaled

STEP_COLUMNS = ("indicator", "from_level", "to_level", "cost", "index_gain", "opd")


_INT64_SAFE = 2**62  # exact int64 sums below this; above it the table uses Python integers


@dataclass(frozen=True, eq=False)
class Plan:
    """A set of level raises and what it costs and yields.

    ``steps`` has one row per **single level step** (a raise 2→4 is two rows, 2→3 and 3→4, each with
    its own cost), ordered by indicator (framework order) and level: columns ``indicator``,
    ``from_level``, ``to_level``, ``cost`` (Rupiah, or 1 per step when no costs were given),
    ``index_gain`` (index points of that step = indicator weight / 100) and ``opd`` (the lead OPD
    from ``owners``, None where unknown). ``raises`` maps indicator -> (from, to) for every raised
    indicator. ``index_*`` are unrounded; predicates follow the unrounded index. ``feasible`` is
    False only when a target cannot be reached; the plan then reaches the best index possible under
    the constraints, at least cost. ``target`` is the target index (None for budget plans);
    ``budget`` is the budget (None for target plans).
    """

    raises: dict[int, tuple[int, int]]
    steps: pd.DataFrame
    total_cost: float
    index_before: float
    index_after: float
    predicate_before: str
    predicate_after: str
    feasible: bool
    target: float | None = None
    budget: float | None = None

    def __post_init__(self):
        if list(self.steps.columns) != list(STEP_COLUMNS):
            raise PlannerError(f"kolom langkah rencana harus {', '.join(STEP_COLUMNS)}.")
        expected = sum(to - frm for frm, to in self.raises.values())
        if any(to <= frm for frm, to in self.raises.values()) or expected != len(self.steps):
            raise PlannerError("kenaikan tingkat dan daftar langkah rencana tidak cocok.")

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    @property
    def index_gain(self) -> float:
        return self.index_after - self.index_before


def cheapest_plan(
    levels: Mapping[int, int],
    target: float | str,
    framework: Framework,
    costs: Mapping[int, Sequence[float]] | None = None,
    max_level: int | Mapping[int, int] | None = None,
    locked: Iterable[int] = (),
    max_steps: int | None = None,
    owners: Mapping[int, str] | None = None,
) -> Plan:
    """The cheapest raises that bring the unrounded index to at least ``target``.

    ``target`` is an index value (e.g. 2.6) or a predicate name meaning "at least that predicate"
    (its lower bound, e.g. "Baik" = 2.60 under spbe-2020). ``costs[i]`` lists the Rupiah cost of
    each step (1→2, 2→3, 3→4, 4→5); None means every step costs 1 (the fewest steps). ``max_level``
    caps levels (one value, or per indicator with the rest uncapped; None = the framework's top
    level, 5; a cap below the current level means "no raise"),
    ``locked`` indicators never change, ``max_steps`` limits the steps per indicator. Levels never
    go down. Costs are needed only for indicators that may be raised. Raises PlannerError (or the
    ScoringError of an invalid profile), both ValueError with Indonesian messages.
    """
    problem = prepare(levels, framework, costs, max_level, locked, max_steps, owners)
    target_int, target_value = target_scaled(target, framework)
    need = target_int - problem.before_scaled
    if need <= 0:
        return _build_plan(problem, {}, feasible=True, target=target_value)
    need_units = -(-need // problem.unit)
    table = solve_gains(problem)
    top = len(table.cost) - 1
    if need_units > top:
        # Unreachable: the largest gain needs every free indicator at its cap (unique, so cheapest).
        return _build_plan(
            problem, _trace(problem, table, top), feasible=False, target=target_value
        )
    states = np.arange(need_units, top + 1)
    state = _cheapest_state(table, states[table.reach[need_units:]])
    return _build_plan(problem, _trace(problem, table, state), feasible=True, target=target_value)


def best_plan_within_budget(
    levels: Mapping[int, int],
    budget: float,
    framework: Framework,
    costs: Mapping[int, Sequence[float]] | None = None,
    max_level: int | Mapping[int, int] | None = None,
    locked: Iterable[int] = (),
    max_steps: int | None = None,
    owners: Mapping[int, str] | None = None,
) -> Plan:
    """The raises with the largest index gain whose total cost is at most ``budget``.

    Ties on gain go to the cheaper plan, then to fewer steps. With ``costs=None`` every step costs
    1, so ``budget`` is a number of level steps. Other arguments as in ``cheapest_plan``. The
    result is always feasible (raising nothing costs nothing).
    """
    problem = prepare(levels, framework, costs, max_level, locked, max_steps, owners)
    budget_dec = decimal_amount(budget, "anggaran")
    table = solve_gains(problem)
    budget_scaled = int(budget_dec.scaleb(problem.cost_places).to_integral_value(ROUND_FLOOR))
    # Costs are non-negative integers no larger than the table's total: clamp so int64 compares.
    budget_scaled = min(budget_scaled, problem.total_cost_scaled)
    fits = table.reach & (table.cost <= budget_scaled)
    state = int(np.flatnonzero(fits)[-1])  # the largest gain; its cell already holds min cost/steps
    return _build_plan(problem, _trace(problem, table, state), feasible=True, budget=float(budget))


def fixed_plan(
    levels: Mapping[int, int],
    target_levels: Mapping[int, int],
    framework: Framework,
    costs: Mapping[int, Sequence[float]] | None = None,
    owners: Mapping[int, str] | None = None,
) -> Plan:
    """The plan that raises ``levels`` to ``target_levels`` exactly (e.g. a saved scenario's),
    priced with ``costs`` like the optimised plans. Indicators whose target is not above their
    level are left as they are (a plan never lowers a level). Raises PlannerError."""
    before = {n: int(levels[n]) for n in framework.indicator_numbers if n in levels}
    wanted = {int(n): int(v) for n, v in target_levels.items()}
    caps = {n: max(level, wanted.get(n, level)) for n, level in before.items()}
    problem = prepare(levels, framework, costs, caps, (), None, owners)
    raised = {n: caps[n] - before[n] for n in framework.indicator_numbers if caps[n] > before[n]}
    return _build_plan(problem, raised, feasible=True)


def apply_plan(levels: Mapping[int, int], plan: Plan) -> dict[int, int]:
    """A new profile with the plan's raises applied (the input is not modified)."""
    result = {int(k): int(v) for k, v in levels.items()}
    stale = [i for i, (frm, _) in plan.raises.items() if result.get(i) != frm]
    if stale:
        listed = ", ".join(str(i) for i in stale)
        raise PlannerError(
            f"rencana dibuat untuk profil lain: tingkat awal indikator {listed} tidak cocok."
        )
    for indicator, (_, to) in plan.raises.items():
        result[indicator] = to
    return result


@dataclass(frozen=True)
class GainTable:
    """For every exact gain (in units): reachable?, least cost, then fewest steps; per-layer choices."""

    reach: np.ndarray
    cost: np.ndarray
    steps: np.ndarray
    choices: tuple[np.ndarray, ...]  # choices[j][s] = steps of option j in the best plan at state s


def solve_gains(problem: PlanProblem) -> GainTable:
    options = problem.options
    size = sum(o.gain_units * (len(o.cumulative) - 1) for o in options) + 1
    dtype = np.int64 if problem.total_cost_scaled < _INT64_SAFE else object
    reach = np.zeros(size, dtype=bool)
    reach[0] = True
    cost = np.zeros(size, dtype=dtype)
    steps = np.zeros(size, dtype=np.int64)
    choices = []
    top = 0  # largest gain reachable with the options processed so far
    for option in options:
        n_raise = len(option.cumulative) - 1
        new_reach, new_cost, new_steps = reach.copy(), cost.copy(), steps.copy()
        choice = np.zeros(top + option.gain_units * n_raise + 1, dtype=np.int8)
        src_reach, src_cost, src_steps = reach[: top + 1], cost[: top + 1], steps[: top + 1]
        for k in range(1, n_raise + 1):
            lo = option.gain_units * k
            window = slice(lo, lo + top + 1)
            cand_cost = src_cost + option.cumulative[k]
            cand_steps = src_steps + k
            old_reach, old_cost, old_steps = new_reach[window], new_cost[window], new_steps[window]
            better = src_reach & (
                ~old_reach
                | (cand_cost < old_cost)
                | ((cand_cost == old_cost) & (cand_steps < old_steps))
            )
            # strict improvement: on a full tie the smaller raise of this (later) indicator stays
            old_reach[better] = True
            old_cost[better] = cand_cost[better]
            old_steps[better] = cand_steps[better]
            choice[window][better] = k
        reach, cost, steps = new_reach, new_cost, new_steps
        choices.append(choice)
        top += option.gain_units * n_raise
    return GainTable(reach=reach, cost=cost, steps=steps, choices=tuple(choices))


def _cheapest_state(table: GainTable, states: np.ndarray) -> int:
    """Among ``states`` (ascending gains): least cost, then fewest steps, then the largest gain."""
    cost = table.cost[states]
    states = states[cost == cost.min()]
    steps = table.steps[states]
    return int(states[steps == steps.min()][-1])


def _trace(problem: PlanProblem, table: GainTable, state: int) -> dict[int, int]:
    """Indicator -> number of steps in the best plan ending at ``state``."""
    raised: dict[int, int] = {}
    for option, choice in zip(reversed(problem.options), reversed(table.choices)):
        k = int(choice[state])
        if k:
            raised[option.indicator] = k
        state -= option.gain_units * k
    if state != 0:  # pragma: no cover - the table is inconsistent
        raise AssertionError("jejak rencana tidak kembali ke nol")
    return raised


def _build_plan(
    problem: PlanProblem,
    raised: dict[int, int],
    feasible: bool,
    target: float | None = None,
    budget: float | None = None,
) -> Plan:
    fw = problem.framework
    denominator = fw.index_denominator
    rows = []
    raises: dict[int, tuple[int, int]] = {}
    total_scaled = 0
    gained = 0
    options = {o.indicator: o for o in problem.options}
    for n in fw.indicator_numbers:
        k = raised.get(n, 0)
        if not k:
            continue
        start = problem.before[n]
        raises[n] = (start, start + k)
        total_scaled += options[n].cumulative[k]
        gained += problem.weights[n] * k
        for level in range(start, start + k):
            rows.append(
                (
                    n,
                    level,
                    level + 1,
                    problem.step_costs[n][level - fw.min_level],
                    problem.weights[n] / denominator,
                    problem.owners[n],
                )
            )
    steps = pd.DataFrame(
        {
            "indicator": pd.Series([r[0] for r in rows], dtype="int64"),
            "from_level": pd.Series([r[1] for r in rows], dtype="int64"),
            "to_level": pd.Series([r[2] for r in rows], dtype="int64"),
            "cost": pd.Series([r[3] for r in rows], dtype="float64"),
            "index_gain": pd.Series([r[4] for r in rows], dtype="float64"),
            "opd": pd.Series([r[5] for r in rows], dtype=object),
        }
    )
    after_scaled = problem.before_scaled + gained
    return Plan(
        raises=raises,
        steps=steps,
        total_cost=total_scaled / 10**problem.cost_places,
        index_before=problem.before_scaled / denominator,
        index_after=after_scaled / denominator,
        predicate_before=predicate_scaled(problem.before_scaled, fw),
        predicate_after=predicate_scaled(after_scaled, fw),
        feasible=feasible,
        target=target,
        budget=budget,
    )
