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
  above.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.framework import Framework, FrameworkError
from spbe.core.scoring import index_scaled, predicate_scaled

STEP_COLUMNS = ("indicator", "from_level", "to_level", "cost", "index_gain", "opd")
_INT64_SAFE = 2**62  # exact int64 sums below this; above it the table uses Python integers


class PlannerError(SpbeError):
    """The planning request cannot be answered. ``problems`` lists every problem, in Indonesian."""

    HEADING = "Rencana tidak dapat dihitung"


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


# -- public functions ---------------------------------------------------------------------------


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
    problem = _prepare(levels, framework, costs, max_level, locked, max_steps, owners)
    target_scaled, target_value = _target_scaled(target, framework)
    need = target_scaled - problem.before_scaled
    if need <= 0:
        return _build_plan(problem, {}, feasible=True, target=target_value)
    need_units = -(-need // problem.unit)
    table = _solve(problem)
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
    problem = _prepare(levels, framework, costs, max_level, locked, max_steps, owners)
    budget_dec = _decimal_amount(budget, "anggaran")
    table = _solve(problem)
    budget_scaled = int(budget_dec.scaleb(problem.cost_places).to_integral_value(ROUND_FLOOR))
    # Costs are non-negative integers no larger than the table's total: clamp so int64 compares.
    budget_scaled = min(budget_scaled, problem.total_cost_scaled)
    fits = table.reach & (table.cost <= budget_scaled)
    state = int(np.flatnonzero(fits)[-1])  # the largest gain; its cell already holds min cost/steps
    return _build_plan(problem, _trace(problem, table, state), feasible=True, budget=float(budget))


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


# -- preparation and validation -----------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One indicator that may be raised: ``cumulative[k]`` = scaled cost of k steps."""

    indicator: int
    level: int
    gain_units: int
    cumulative: tuple[int, ...]


@dataclass(frozen=True)
class _Problem:
    framework: Framework
    before: dict[int, int]
    before_scaled: int
    options: tuple[_Option, ...]
    weights: dict[int, int]  # weight_int of every indicator
    unit: int  # gcd of the free indicators' weight_int: one DP cell = this many scaled points
    cost_places: int  # costs are integers in units of 10**-cost_places Rupiah
    step_costs: dict[int, tuple[float, ...]]  # as given (floats), for the steps table
    owners: dict[int, str | None]
    total_cost_scaled: int


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _decimal_amount(value: object, what: str) -> Decimal:
    """A finite, non-negative amount as an exact Decimal (floats via their shortest repr)."""
    if not _is_number(value):
        raise PlannerError(f"{what} {value!r} bukan angka.")
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            raise PlannerError(f"{what} {value!r} bukan angka yang terhingga.")
        dec = Decimal(repr(float(value)))
    else:
        dec = Decimal(value)
    if not dec.is_finite():
        raise PlannerError(f"{what} {value!r} bukan angka yang terhingga.")
    if dec < 0:
        raise PlannerError(f"{what} tidak boleh negatif ({value!r}).")
    return dec


def _whole(value: object) -> int | None:
    """``value`` as an int when it is a whole number (not bool), else None."""
    if not _is_number(value):
        return None
    try:
        as_float = float(value)
    except (OverflowError, InvalidOperation):
        return None
    if not math.isfinite(as_float) or as_float != int(as_float):
        return None
    return int(as_float)


def _caps(
    fw: Framework, max_level, locked, max_steps, before: dict[int, int]
) -> tuple[dict[int, int], list[str]]:
    """Highest allowed level per indicator (never below the current level) and any problems."""
    problems: list[str] = []
    known = set(fw.indicator_numbers)
    level_range = f"{fw.min_level}–{fw.max_level}"
    if max_level is None:
        max_level = fw.max_level
    if isinstance(max_level, Mapping):
        caps = dict.fromkeys(fw.indicator_numbers, fw.max_level)
        for key, value in max_level.items():
            cap = _whole(value)
            if key not in known:
                problems.append(f"tingkat maksimum: indikator {key!r} tidak dikenal dalam {fw.id}.")
            elif cap is None or not fw.min_level <= cap <= fw.max_level:
                problems.append(
                    f"tingkat maksimum indikator {key}: {value!r} tidak valid "
                    f"(harus bilangan bulat {level_range})."
                )
            else:
                caps[key] = cap
    else:
        cap = _whole(max_level)
        if cap is None or not fw.min_level <= cap <= fw.max_level:
            problems.append(
                f"tingkat maksimum {max_level!r} tidak valid (harus bilangan bulat {level_range})."
            )
            cap = fw.max_level
        caps = dict.fromkeys(fw.indicator_numbers, cap)
    if isinstance(locked, str | bytes) or not isinstance(locked, Iterable):
        problems.append("indikator terkunci harus berupa daftar nomor indikator.")
        locked = ()
    for key in locked:
        if key in known:
            caps[key] = before[key]
        else:
            problems.append(f"indikator terkunci {key!r} tidak dikenal dalam {fw.id}.")
    if max_steps is not None:
        steps = _whole(max_steps)
        if steps is None or steps < 0:
            problems.append(
                f"batas langkah per indikator {max_steps!r} tidak valid (harus bilangan bulat ≥ 0)."
            )
        else:
            caps = {n: min(cap, before[n] + steps) for n, cap in caps.items()}
    return {n: max(cap, before[n]) for n, cap in caps.items()}, problems


def _step_costs(
    fw: Framework, costs, free: list[int]
) -> tuple[dict[int, tuple[Decimal, ...]], dict[int, tuple[float, ...]], list[str]]:
    """Validated step costs as exact Decimals and as given floats, plus any problems."""
    n_steps = fw.max_level - fw.min_level
    if costs is None:
        ones = tuple([Decimal(1)] * n_steps)
        return dict.fromkeys(free, ones), dict.fromkeys(free, (1.0,) * n_steps), []
    if not isinstance(costs, Mapping):
        return {}, {}, ["biaya harus berupa pemetaan indikator -> biaya per langkah."]
    problems: list[str] = []
    known = set(fw.indicator_numbers)
    exact: dict[int, tuple[Decimal, ...]] = {}
    given: dict[int, tuple[float, ...]] = {}
    for key, row in costs.items():
        if key not in known:
            problems.append(f"biaya: indikator {key!r} tidak dikenal dalam {fw.id}.")
            continue
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            problems.append(f"biaya indikator {key}: harus berupa daftar {n_steps} biaya langkah.")
            continue
        if len(row) != n_steps:
            problems.append(
                f"biaya indikator {key}: ada {len(row)} nilai, seharusnya {n_steps} "
                f"(satu per langkah {fw.min_level}→{fw.min_level + 1} … "
                f"{fw.max_level - 1}→{fw.max_level})."
            )
            continue
        values = []
        for step, value in enumerate(row):
            label = f"biaya indikator {key} langkah {fw.min_level + step}→{fw.min_level + step + 1}"
            try:
                values.append(_decimal_amount(value, label))
            except PlannerError as exc:
                problems.extend(exc.problems)
        if len(values) == n_steps:
            exact[key] = tuple(values)
            given[key] = tuple(float(v) for v in row)
    missing = [n for n in free if n not in costs]
    if missing:
        problems.append(
            "biaya belum ada untuk indikator yang boleh dinaikkan: "
            + ", ".join(str(n) for n in missing)
            + "."
        )
    return exact, given, problems


def _prepare(levels, fw, costs, max_level, locked, max_steps, owners) -> _Problem:
    if not isinstance(fw, Framework):
        raise PlannerError("kerangka evaluasi tidak valid (gunakan load_framework).")
    if not isinstance(levels, Mapping):
        raise PlannerError("profil tingkat harus berupa pemetaan indikator -> tingkat.")
    before_scaled = index_scaled(levels, fw)  # ScoringError names every bad indicator
    before = {n: int(levels[n]) for n in fw.indicator_numbers}
    caps, problems = _caps(fw, max_level, locked, max_steps, before)
    free = [n for n in fw.indicator_numbers if caps[n] > before[n]]
    exact, given, cost_problems = _step_costs(fw, costs, free)
    problems += cost_problems
    if owners is not None and not isinstance(owners, Mapping):
        problems.append("pemilik indikator (OPD) harus berupa pemetaan indikator -> nama OPD.")
    if problems:
        raise PlannerError(problems)

    used = [
        exact[n][before[n] - fw.min_level + k] for n in free for k in range(caps[n] - before[n])
    ]
    places = max((max(0, -d.normalize().as_tuple().exponent) for d in used), default=0)
    scale = fw.weight_scale  # once: Framework.weight_int recomputes it on every call
    weights = {ind.number: int(ind.weight * scale) for ind in fw.indicators}
    unit = math.gcd(*(weights[n] for n in free)) if free else 1
    options = []
    total = 0
    for n in free:
        first = before[n] - fw.min_level
        scaled = [int(exact[n][first + k].scaleb(places)) for k in range(caps[n] - before[n])]
        cumulative = (0, *itertools.accumulate(scaled))
        total += cumulative[-1]
        options.append(_Option(n, before[n], weights[n] // unit, cumulative))
    owner_map = {n: (None if owners is None else owners.get(n)) for n in fw.indicator_numbers}
    return _Problem(
        framework=fw,
        before=before,
        before_scaled=before_scaled,
        options=tuple(options),
        weights=weights,
        unit=unit,
        cost_places=places,
        step_costs=given,
        owners=owner_map,
        total_cost_scaled=total,
    )


def _target_scaled(target, fw: Framework) -> tuple[int, float]:
    """The target on the integer axis of index_scaled (rounded up: reached iff scaled >= it).

    A string is a predicate name ("Baik" = its lower bound) or a number written with a decimal
    comma or point ("2,60"); a float is read through its shortest repr, so 2.6 is exactly 2.6.
    """
    if isinstance(target, str):
        value = _target_from_text(target, fw)
    elif not _is_number(target):
        raise PlannerError(f"target {target!r} harus berupa nilai indeks atau nama predikat.")
    elif isinstance(target, float | np.floating):
        if not math.isfinite(float(target)):
            raise PlannerError(f"target {target!r} bukan angka yang terhingga.")
        value = Decimal(repr(float(target)))
    else:
        value = Decimal(int(target) if isinstance(target, np.integer) else target)
    if not value.is_finite() or not fw.min_level <= value <= fw.max_level:
        shown = format_index(float(value)) if value.is_finite() else repr(target)
        raise PlannerError(f"target indeks {shown} di luar rentang {fw.min_level}–{fw.max_level}.")
    scaled = (value * fw.index_denominator).to_integral_value(ROUND_CEILING)
    return int(scaled), float(value)


def _target_from_text(text: str, fw: Framework) -> Decimal:
    try:
        return fw.band(text).lower
    except FrameworkError as band_error:
        try:
            return Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            raise band_error from None


# -- the dynamic programme ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """For every exact gain (in units): reachable?, least cost, then fewest steps; per-layer choices."""

    reach: np.ndarray
    cost: np.ndarray
    steps: np.ndarray
    choices: tuple[np.ndarray, ...]  # choices[j][s] = steps of option j in the best plan at state s


def _solve(problem: _Problem) -> _Table:
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
    return _Table(reach=reach, cost=cost, steps=steps, choices=tuple(choices))


def _cheapest_state(table: _Table, states: np.ndarray) -> int:
    """Among ``states`` (ascending gains): least cost, then fewest steps, then the largest gain."""
    cost = table.cost[states]
    states = states[cost == cost.min()]
    steps = table.steps[states]
    return int(states[steps == steps.min()][-1])


def _trace(problem: _Problem, table: _Table, state: int) -> dict[int, int]:
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
    problem: _Problem,
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
