"""Exact multi-year roadmaps: level raises scheduled year by year under annual budgets.

``fastest_roadmap`` reaches a target (index value or predicate) in the fewest years, cheapest among
those; ``best_roadmap`` gives, over a fixed number of years, the highest final index, cheapest such.

Rules. Year t spends at most its budget. ``annual_budgets`` is one Rupiah figure (every year) or
one figure per year; **a sequence shorter than the horizon repeats its last figure** (figures past
the horizon are ignored). Unspent money does not carry over. With ``one_step_per_year`` (default)
an indicator rises at most one level a year. Levels never go down; ``locked``, ``max_level``,
``costs`` and ``owners`` mean what they mean in ``spbe.core.planner``, whose validation is shared.

Method: a mixed-integer programme solved by HiGHS (``highspy``). Indicators with the same level,
weight and remaining step costs are interchangeable and form a group; the integer ``m[g, j, t]``
counts the members of group g at level ≥ start + j at the end of year t. Rows: m never decreases
over the years; ``m[g, j, t] ≤ m[g, j-1, t]`` (cumulative levels), with one step a year
``m[g, j, t] ≤ m[g, j-1, t-1]``; year t pays ``Σ c[g, j]·(m[g, j, t] − m[g, j, t-1]) ≤ budget``.
Counts become a schedule by giving the most progress to a group's earliest members (framework
order); every feasible set of counts is realised that way, so grouping loses nothing.

Exactness: gains are integers (``weight_int`` over the planner's gcd unit), Rupiah costs integers
(the planner's exact ``Decimal`` scaling, then divided by their gcd) and budgets are floored onto
the same axis. Each solve demands a gap < 1 on an integer objective; its solution is rounded and
every row re-checked in Python integers, and the objective compared with the proven bound (a
failure is retried without presolve, then raises PlannerError: never a wrong roadmap). Fewest
years: T rises from a lower bound (the planner's exact knapsack: the cheapest way to the target
with at most T steps per indicator must fit the first T budgets together).

Tie-breaks, lexicographic (one solve each, the earlier optimum fixed): ``fastest_roadmap``: fewest
years, least cost, highest final index; ``best_roadmap``: highest final index, least cost. Which
optimal schedule is the solver's (deterministic for one input and HiGHS version); it is then
left-justified: in framework order, each step moves to the earliest year that its indicator's
previous step allows and whose unspent budget pays it, until nothing moves. In a group the earlier
indicator is raised first. Every solve shares one time limit, ``SOLVER_TIME_LIMIT`` seconds per
call; past it PlannerError is raised (large free horizons with many distinct costs can need it).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import highspy
import numpy as np
import pandas as pd

from spbe.core import plan_input, planner
from spbe.core.framework import Framework
from spbe.core.planner import STEP_COLUMNS, PlannerError
from spbe.core.scoring import predicate_scaled

DEFAULT_HORIZON = 10  # years searched by fastest_roadmap when ``years`` is None
MAX_YEARS = 30
SOLVER_TIME_LIMIT = 60.0  # seconds for all the solves of one call; past it PlannerError
ROADMAP_STEP_COLUMNS = ("year", *STEP_COLUMNS)
_STATUS = highspy.HighsModelStatus
_MAX_COEFFICIENT = 2**50  # a larger total cost (in units of the costs' gcd) is refused


@dataclass(frozen=True)
class RoadmapYear:
    """One year of a roadmap: ``year_number`` is 1, 2, … or the calendar year when a start year
    was given; ``budget``, ``cost`` in Rupiah; ``index_after`` unrounded at the end of the year;
    ``raises`` maps indicator -> (level before, level after) for that year's raises."""

    year_number: int
    budget: float
    cost: float
    index_after: float
    predicate_after: str
    raises: dict[int, tuple[int, int]]


@dataclass(frozen=True, eq=False)
class Roadmap:
    """A schedule of raises over years. ``feasible`` is False only when the target cannot be
    reached within the horizon; the roadmap then reaches the best index possible in it (cheapest
    such). ``years`` is empty when the target is already met. ``steps`` has one row per single
    level step: ``year`` (as in ``RoadmapYear.year_number``) then the planner's step columns."""

    feasible: bool
    total_cost: float
    index_before: float
    index_after: float
    predicate_before: str
    predicate_after: str
    target: float | None
    years: tuple[RoadmapYear, ...]
    steps: pd.DataFrame
    one_step_per_year: bool = True

    @property
    def raises(self) -> dict[int, tuple[int, int]]:
        """Indicator -> (level before the roadmap, level at its end), in indicator order."""
        overall: dict[int, tuple[int, int]] = {}
        for year in self.years:
            for n, (frm, to) in year.raises.items():
                overall[n] = (overall.get(n, (frm, to))[0], to)
        return dict(sorted(overall.items()))

    @property
    def index_gain(self) -> float:
        """Unrounded index points gained over the whole roadmap."""
        return self.index_after - self.index_before

    def to_json(self, start_year: int | None = None) -> dict:
        """A JSON-ready dict; costs in whole Rupiah (half-up). ``start_year`` relabels the years
        as start_year, start_year + 1, … (default: each year's ``year_number``)."""
        return {
            "feasible": bool(self.feasible),
            "total_cost": _whole_rupiah(self.total_cost),
            "index_before": float(self.index_before),
            "index_after": float(self.index_after),
            "years": [
                {
                    "year": int(y.year_number if start_year is None else start_year + k),
                    "cost": _whole_rupiah(y.cost),
                    "index_after": float(y.index_after),
                    "raises": {str(n): [frm, to] for n, (frm, to) in y.raises.items()},
                }
                for k, y in enumerate(self.years)
            ],
        }


def _whole_rupiah(amount: float) -> int:
    return int(Decimal(repr(float(amount))).to_integral_value(ROUND_HALF_UP))


# -- public functions ---------------------------------------------------------------------------


def fastest_roadmap(
    levels: Mapping[int, int],
    target: float | str,
    framework: Framework,
    costs: Mapping[int, Sequence[float]] | None,
    annual_budgets: float | Sequence[float],
    *,
    years: int | None = None,
    one_step_per_year: bool = True,
    locked: Iterable[int] = (),
    max_level: int | Mapping[int, int] | None = None,
    owners: Mapping[int, str] | None = None,
    start_year: int | None = None,
) -> Roadmap:
    """The schedule reaching ``target`` in the fewest years, cheapest among those.

    ``years`` is the horizon searched (default ``DEFAULT_HORIZON``). When the target cannot be
    reached within it the result has ``feasible=False`` and is ``best_roadmap`` over the horizon.
    Raises PlannerError (Indonesian messages) for unusable input.
    """
    horizon = DEFAULT_HORIZON if years is None else years
    rules = (one_step_per_year, locked, max_level, owners, start_year)
    setup = _setup(levels, framework, costs, annual_budgets, horizon, *rules)
    target_scaled, target_value = plan_input.target_scaled(target, framework)
    need = target_scaled - setup.problem.before_scaled
    if need <= 0:
        return _build(setup, 0, {}, feasible=True, target=target_value)
    need_units = -(-need // setup.problem.unit)
    relaxed: dict[int, int | None] = {}
    for horizon in range(1, setup.horizon + 1):
        cap = min(horizon, framework.max_level) if setup.one_step else framework.max_level
        if cap not in relaxed:
            relaxed[cap] = _relaxed_cost(setup, cap, need_units)
        if relaxed[cap] is None or relaxed[cap] > sum(setup.budgets[:horizon]):
            continue  # even one budget for all these years together cannot pay the way there
        milp = _Milp(setup, horizon)
        x = milp.optimise(milp.cost, maximise=False, min_gain=need_units)
        if x is None:
            continue
        cost = int(milp.cost @ x)
        x = milp.optimise(milp.gain, maximise=True, max_cost=cost)
        return _build(setup, horizon, milp.schedule(x), feasible=True, target=target_value)
    return replace(_best(setup), feasible=False, target=target_value)


def best_roadmap(
    levels: Mapping[int, int],
    framework: Framework,
    costs: Mapping[int, Sequence[float]] | None,
    annual_budgets: float | Sequence[float],
    years: int,
    *,
    one_step_per_year: bool = True,
    locked: Iterable[int] = (),
    max_level: int | Mapping[int, int] | None = None,
    owners: Mapping[int, str] | None = None,
    start_year: int | None = None,
) -> Roadmap:
    """Over exactly ``years`` years, the schedule with the highest final index (cheapest such).

    Always feasible (raising nothing costs nothing); other arguments as in ``fastest_roadmap``.
    """
    rules = (one_step_per_year, locked, max_level, owners, start_year)
    return _best(_setup(levels, framework, costs, annual_budgets, years, *rules))


def _best(setup: _Setup) -> Roadmap:
    milp = _Milp(setup, setup.horizon)
    x = milp.optimise(milp.gain, maximise=True)
    gain = int(milp.gain @ x)
    x = milp.optimise(milp.cost, maximise=False, min_gain=gain)
    return _build(setup, setup.horizon, milp.schedule(x), feasible=True, target=None)


# -- validation and groups ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Interchangeable indicators: same start level, gain and step costs (scaled integers)."""

    members: tuple[int, ...]
    start: int
    gain: int
    costs: tuple[int, ...]


@dataclass(frozen=True)
class _Setup:
    problem: plan_input.PlanProblem
    groups: tuple[_Group, ...]
    budgets: tuple[int, ...]  # per year of the horizon, on the problem's cost axis
    budget_values: tuple[float, ...]
    one_step: bool
    horizon: int
    start_year: int | None
    deadline: float  # time.monotonic() value


def _parse_budgets(annual_budgets, horizon: int, problems: list[str]) -> list[Decimal]:
    if plan_input.is_number(annual_budgets):
        annual_budgets = [annual_budgets]
    elif isinstance(annual_budgets, str | bytes) or not isinstance(
        annual_budgets, Sequence | np.ndarray | pd.Series
    ):
        problems.append("anggaran tahunan harus berupa satu angka Rupiah atau daftar per tahun.")
        return []
    if len(annual_budgets) == 0:
        problems.append("daftar anggaran tahunan kosong.")
        return []
    amounts = []
    for k, value in enumerate(list(annual_budgets)[:horizon], start=1):
        try:
            amounts.append(plan_input.decimal_amount(value, f"anggaran tahun ke-{k}"))
        except PlannerError as exc:
            problems.extend(exc.problems)
    return amounts + [amounts[-1]] * (horizon - len(amounts)) if amounts else []


def _setup(
    levels, fw, costs, annual_budgets, years, one_step, locked, max_level, owners, start_year
):
    problems: list[str] = []
    horizon = plan_input.whole_number(years)
    if horizon is None or not 1 <= horizon <= MAX_YEARS:
        problems.append(f"jumlah tahun {years!r} tidak valid (harus bilangan bulat 1–{MAX_YEARS}).")
        horizon = 1
    amounts = _parse_budgets(annual_budgets, horizon, problems)
    if not isinstance(one_step, bool | np.bool_):
        problems.append("pilihan satu langkah per tahun harus True atau False.")
    if start_year is not None and (
        plan_input.whole_number(start_year) is None or not 1 <= start_year <= 9999
    ):
        problems.append(f"tahun mulai {start_year!r} tidak valid (harus bilangan bulat).")
    if problems:
        raise PlannerError(problems)
    problem = plan_input.prepare(levels, fw, costs, max_level, locked, None, owners)
    budgets = [int(a.scaleb(problem.cost_places).to_integral_value(ROUND_FLOOR)) for a in amounts]
    richest = max(budgets)
    found: dict[tuple, list[int]] = {}
    for option in problem.options:
        steps = [b - a for a, b in itertools.pairwise(option.cumulative)]
        # A step dearer than every budget can never be paid, nor can any step after it.
        affordable = next((k for k, c in enumerate(steps) if c > richest), len(steps))
        if affordable:
            key = (option.level, option.gain_units, tuple(steps[:affordable]))
            found.setdefault(key, []).append(option.indicator)
    groups = tuple(_Group(tuple(m), *key) for key, m in found.items())
    return _Setup(
        problem=problem,
        groups=groups,
        budgets=tuple(min(b, problem.total_cost_scaled) for b in budgets),
        budget_values=tuple(float(a) for a in amounts),
        one_step=bool(one_step),
        horizon=horizon,
        start_year=None if start_year is None else int(start_year),
        deadline=time.monotonic() + SOLVER_TIME_LIMIT,
    )


def _relaxed_cost(setup: _Setup, cap: int, need_units: int) -> int | None:
    """Least cost of ``need_units`` with at most ``cap`` steps per indicator and no year limits
    (the planner's exact knapsack); None when unreachable."""
    options = []
    for group in setup.groups:
        cumulative = tuple(itertools.accumulate(group.costs[:cap], initial=0))
        options += [
            plan_input.Option(n, group.start, group.gain, cumulative) for n in group.members
        ]
    table = planner.solve_gains(replace(setup.problem, options=tuple(options)))
    if need_units >= len(table.cost) or not table.reach[need_units:].any():
        return None
    return int(min(table.cost[need_units:][table.reach[need_units:]]))


# -- the mixed-integer programme ----------------------------------------------------------------


class _Milp:
    """Columns m[g, j, t] and rows as in the module docstring. Integer objectives: ``gain`` (final,
    in gain units) and ``cost`` (final, in units of the costs' gcd)."""

    def __init__(self, setup: _Setup, horizon: int):
        self.setup, self.horizon = setup, horizon
        self.col: dict[tuple[int, int, int], int] = {}
        for g, group in enumerate(setup.groups):
            for j in range(1, len(group.costs) + 1):
                for t in range(j if setup.one_step else 1, horizon + 1):
                    self.col[g, j, t] = len(self.col)
        n = len(self.col)
        self.scale = math.gcd(*(c for group in setup.groups for c in group.costs)) or 1
        ceiling = sum(c // self.scale * len(gr.members) for gr in setup.groups for c in gr.costs)
        if ceiling >= _MAX_COEFFICIENT:
            raise PlannerError(
                "biaya terlalu rinci untuk dihitung secara pasti (terlalu banyak desimal)."
            )
        self.upper = np.zeros(n, dtype=np.int64)
        self.cost, self.gain = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        rows: list[tuple[dict[int, int], int | None, int | None]] = []  # coefficients, lower, upper
        spend: list[dict[int, int]] = [{} for _ in range(horizon)]
        for (g, j, t), k in self.col.items():
            group = setup.groups[g]
            price = group.costs[j - 1] // self.scale
            self.upper[k] = len(group.members)
            if t == horizon:
                self.cost[k], self.gain[k] = price, group.gain
            else:  # m[g, j, t] <= m[g, j, t + 1]; year t + 1 pays only the difference
                rows.append(({k: 1, self.col[g, j, t + 1]: -1}, None, 0))
                spend[t][k] = -price
            spend[t - 1][k] = price
            if j > 1:  # m[g, j, t] <= m[g, j-1, t], or m[g, j-1, t-1] with one step a year
                below = self.col[g, j - 1, t - 1 if setup.one_step else t]
                rows.append(({k: 1, below: -1}, None, 0))
        for t, row in enumerate(spend):
            rows.append((row, None, min(setup.budgets[t] // self.scale, ceiling)))
        self.n_fixed_rows = len(rows)  # then the gain row and the cost row, bounds set per solve
        for vector in (self.gain, self.cost):
            rows.append(({int(k): int(v) for k, v in enumerate(vector) if v}, None, None))
        self.rows = rows
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(rows)
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(n), np.zeros(n), self.upper * 1.0
        inf = highspy.kHighsInf
        lp.row_lower_ = np.array([-inf if lo is None else lo for _, lo, _ in rows], dtype=float)
        lp.row_upper_ = np.array([inf if up is None else up for _, _, up in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0, *(len(r) for r, _, _ in rows)]).astype(np.int32)
        lp.a_matrix_.index_ = np.array([k for r, _, _ in rows for k in r], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for r, _, _ in rows for v in r.values()], dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        self.highs = highspy._Highs()  # highspy.Highs() prints a banner on stdout; this is silent
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.5)  # integer objective: a gap < 1 is proof
        self.highs.setOptionValue("random_seed", 0)
        self.highs.passModel(lp)

    def optimise(self, objective, maximise, min_gain=None, max_cost=None):
        """Rounded, verified optimum as an int64 vector, or None when no schedule qualifies."""
        highs, inf = self.highs, highspy.kHighsInf
        n = len(self.col)
        if n == 0:  # nothing can be raised (HiGHS calls an empty model neither optimal nor not)
            return np.zeros(0, dtype=np.int64) if not min_gain or min_gain <= 0 else None
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), objective.astype(float))
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        highs.changeObjectiveSense(sense)
        highs.changeRowBounds(self.n_fixed_rows, -inf if min_gain is None else min_gain, inf)
        highs.changeRowBounds(self.n_fixed_rows + 1, -inf, inf if max_cost is None else max_cost)
        bounds = {self.n_fixed_rows: (min_gain, None), self.n_fixed_rows + 1: (None, max_cost)}
        for presolve in ("choose", "off"):  # without presolve when a presolved answer fails
            left, status = self.setup.deadline - time.monotonic(), _STATUS.kTimeLimit
            if left > 0:
                highs.setOptionValue("presolve", presolve)
                highs.setOptionValue("time_limit", left)
                highs.run()
                status = highs.getModelStatus()
            if status == _STATUS.kTimeLimit:
                raise PlannerError(
                    f"perhitungan melewati batas {SOLVER_TIME_LIMIT:g} detik; perpendek jangka "
                    "waktu, kunci sebagian indikator atau sederhanakan tabel biaya."
                )
            if status in (_STATUS.kInfeasible, _STATUS.kUnboundedOrInfeasible):  # bounded columns
                return None
            if status != _STATUS.kOptimal:
                raise PlannerError(f"pemecah optimasi berhenti tanpa hasil ({status.name}).")
            x = np.rint(np.array(highs.getSolution().col_value)).astype(np.int64)
            found = int(objective @ x)
            bound = highs.getInfo().mip_dual_bound
            if self._valid(x, bounds) and (bound - found if maximise else found - bound) < 0.999:
                return x
        raise PlannerError("hasil pemecah optimasi tidak lolos pemeriksaan pasti.")

    def _valid(self, x: np.ndarray, bounds) -> bool:
        """Every row and bound holds on the rounded solution, in Python integers."""
        if (x < 0).any() or (x > self.upper).any():
            return False
        values = x.tolist()
        for r, (row, lower, upper) in enumerate(self.rows):
            lower, upper = bounds.get(r, (lower, upper))
            activity = sum(coef * values[k] for k, coef in row.items())
            if (lower is not None and activity < lower) or (upper is not None and activity > upper):
                return False
        return True

    def schedule(self, x: np.ndarray) -> dict[int, list[int]]:
        """Indicator -> the year of each of its steps, in level order. Columns run by group, step
        and year, so the first year whose count exceeds a member's rank is its step's year."""
        found: dict[int, dict[int, int]] = {}
        for (g, j, t), k in self.col.items():
            for n in self.setup.groups[g].members[: x[k]]:  # the earliest members go furthest
                found.setdefault(n, {}).setdefault(j, t)
        return {n: [steps[j] for j in sorted(steps)] for n, steps in found.items()}


# -- building the result ------------------------------------------------------------------------


def _left_shift(setup: _Setup, years: dict[int, list[int]], spent: list[int]) -> None:
    """Move steps to earlier years while a budget and the level order allow (in place)."""
    options = {o.indicator: o for o in setup.problem.options}
    moved = True
    while moved:
        moved = False
        for n in sorted(years):
            steps = years[n]
            for k, year in enumerate(steps):
                price = options[n].cumulative[k + 1] - options[n].cumulative[k]
                earliest = 1 if k == 0 else steps[k - 1] + setup.one_step
                for t in range(earliest, year):
                    if spent[t] + price <= setup.budgets[t - 1]:
                        spent[t] += price
                        spent[year] -= price
                        steps[k], moved = t, True
                        break


def _build(setup: _Setup, horizon: int, years, feasible: bool, target: float | None) -> Roadmap:
    """The roadmap of a schedule ({indicator: year of each step}), left-shifted and re-checked."""
    problem, fw = setup.problem, setup.problem.framework
    weights, denominator, unit = problem.weights, fw.index_denominator, 10**problem.cost_places
    options = {o.indicator: o for o in problem.options}
    spent = [0] * (horizon + 1)
    for n, steps in years.items():
        for k, t in enumerate(steps):
            spent[t] += options[n].cumulative[k + 1] - options[n].cumulative[k]
    _left_shift(setup, years, spent)
    result, rows, scaled = [], [], problem.before_scaled
    for t in range(1, horizon + 1):
        label = t if setup.start_year is None else setup.start_year + t - 1
        raises = {}
        for n in sorted(years):
            frm = problem.before[n] + sum(1 for y in years[n] if y < t)
            to = frm + sum(1 for y in years[n] if y == t)
            if to == frm:
                continue
            raises[n] = (frm, to)
            scaled += weights[n] * (to - frm)
            for lv in range(frm, to):
                step = problem.step_costs[n][lv - fw.min_level]
                rows.append(
                    (label, n, lv, lv + 1, step, weights[n] / denominator, problem.owners[n])
                )
        if spent[t] > setup.budgets[t - 1] or (
            setup.one_step and any(to - frm > 1 for frm, to in raises.values())
        ):  # pragma: no cover - a bug
            raise PlannerError("jadwal hasil optimasi tidak konsisten.")
        after, predicate = scaled / denominator, predicate_scaled(scaled, fw)
        budget = setup.budget_values[t - 1]
        result.append(RoadmapYear(label, budget, spent[t] / unit, after, predicate, raises))
    kinds = ("int64", "int64", "int64", "int64", "float64", "float64", object)
    columns = zip(ROADMAP_STEP_COLUMNS, kinds, zip(*rows) if rows else [()] * len(kinds))
    steps = pd.DataFrame({c: pd.Series(list(v), dtype=kind) for c, kind, v in columns})
    return Roadmap(
        feasible=feasible,
        total_cost=sum(spent) / unit,
        index_before=problem.before_scaled / denominator,
        index_after=scaled / denominator,
        predicate_before=predicate_scaled(problem.before_scaled, fw),
        predicate_after=predicate_scaled(scaled, fw),
        target=target,
        years=tuple(result),
        steps=steps,
        one_step_per_year=setup.one_step,
    )
