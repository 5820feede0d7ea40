"""Exact ranges over every indicator profile consistent with published domain values.

A profile (integer levels) is *consistent* when every domain value rounds half-up to the published
two decimals (index, predicate unused): each domain sum ``S = Σ level·weight_int`` is an integer
with ``(2P − 1)·W ≤ 200·S < (2P + 1)·W`` (``reconstruct._rounds_to``). The consistent profiles are
the product of each domain's consistent parts (Ternate 2024: 41,230,562,064,450 profiles).

``contribution_ranges``: an OPD gets ``Σ w·share·level / index_denominator``. Indicators of equal
weight in a domain (a class) matter to ``S`` only through their level sum, so a domain's parts are
a class-sum vector with ``S`` in range (a few dozen, as in ``reconstruct``) and any levels with
those sums. For fixed class sums, ``max Σ c·level`` is a unit-weight knapsack solved exactly by
greedy (all levels at the minimum, other steps to the largest ``c`` first: moving a step to a
larger ``c`` never lowers the sum). A bound = best vector per domain, summed over domains.

``plan_cost_range``: ``f(p)`` = cost of ``cheapest_plan(p, target)``. Indicators of a domain with
equal weight and step costs (a *group*) are interchangeable for ``S`` and ``f``: only each group's
multiset of levels matters (a *profile class*; Ternate 2024: 24,030). A block of groups has a
*table* ``V(F)`` = least cost to bring its sum to ``F`` (∞ below its start), and ``f(p)`` = min over
``Σ F_d ≥ τ`` of ``Σ_d V_d(F_d)`` is monotone in every table: of two choices for the same groups
with the same start sum, one with a pointwise ≥ table is never worse for the maximum (≤: minimum).
Exact, no time budget: (1) per group and level sum, the tables of all multisets, dominated ones
dropped; (2) per domain, a dynamic programme over groups on the partial start sum (partial sums of
group-sum vectors within the domain's range only), dominated tables dropped per partial sum and at
the end; (3) minimum, joint over profile and plan: ``min_p min_F = min_F min_p``, so the domains'
pointwise minimum envelopes are combined (min-plus, capped at the target), then backtracked;
(4) maximum, a max-min: branch and bound over the product of the domains' remaining tables,
bounded by the fixed domains plus the pointwise maximum envelopes of the others; a leaf is an
exact ``f``. Costs are integers in units of their smallest decimal place (as in ``planner``).
Tables live on a domain's grid of gcd(weights) (SPBE 2020: at most 911 cells; co-prime weights
would make them long and the method slower, still exact).
Levels are capped only by ``max_level``, so every profile reaches any target in range; one that
could not would give ``max_cost`` = inf, an infeasible ``max_plan`` and a note.
"""

from __future__ import annotations

import itertools
import math
from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache

import numpy as np

from spbe.core import reconstruct as rc
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework
from spbe.core.plan_input import decimal_amount as _decimal_amount
from spbe.core.plan_input import target_scaled as _target_scaled
from spbe.core.planner import Plan, PlannerError, cheapest_plan

Profile = tuple[tuple[int, int], ...]  # (indicator, level) in framework order


class RangeError(SpbeError):
    """Ranges cannot be computed for this input (Indonesian message)."""

    HEADING = "Rentang tidak dapat dihitung"


@dataclass(frozen=True)
class ContributionRange:
    """Least and largest contribution (exact index points) of one OPD, with attaining profiles."""

    opd: str
    low: Fraction
    high: Fraction
    low_profile: Profile
    high_profile: Profile


@dataclass(frozen=True, eq=False)
class CostRange:
    """Least and largest cheapest-plan cost (exact Rupiah) over the consistent profiles.

    ``min_profile`` minimises profile and plan jointly; ``max_profile`` is a consistent profile
    whose cheapest plan is the most expensive; ``min_plan``/``max_plan`` are their
    ``cheapest_plan``. ``profiles``: consistent profiles; ``profile_classes``: the same up to
    swaps of indicators of equal weight and step costs in a domain; ``evaluated``: profile classes
    costed exactly by the maximum search (the rest were dominated or bounded out).
    """

    target: float
    min_cost: float
    max_cost: float  # inf when some consistent profile cannot reach the target
    min_cost_exact: Decimal
    max_cost_exact: Decimal
    min_profile: Profile
    max_profile: Profile
    min_plan: Plan
    max_plan: Plan
    profiles: int
    profile_classes: int
    evaluated: int
    feasible: bool  # every consistent profile can reach the target
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Box:
    shape: rc._DomainShape
    low: int  # least domain sum S that rounds to the published value
    high: int
    vectors: tuple[tuple[int, ...], ...]  # consistent level sums per weight class


def _boxes(domains: Mapping[int, object], fw: Framework) -> tuple[_Box, ...]:
    if not fw.has_domains:
        raise RangeError(f"Kerangka {fw.id} tidak memiliki domain.")
    known = {d.number for d in fw.domains}
    problems = [
        f"Domain {k!r} tidak ada dalam kerangka {fw.id}." for k in domains if k not in known
    ]
    boxes, lo, hi = [], fw.min_level, fw.max_level
    for shape in rc._shapes(fw):
        value = domains.get(shape.number)
        published = None if rc._missing(value) else rc._hundredths(value)
        if published is None:
            problems.append(f"Nilai domain {shape.number} ({value!r}) bukan angka dua desimal.")
            continue
        w = shape.weight
        low = max(-(-(2 * published - 1) * w // (2 * rc._UNIT)), w * lo)
        high = min(((2 * published + 1) * w - 1) // (2 * rc._UNIT), w * hi)
        vectors = tuple(rc._class_sum_vectors(shape, low, high, lo, hi))
        if not vectors:
            problems.append(
                f"Tidak ada tingkat bulat {lo}–{hi} yang menghasilkan domain {shape.number} = "
                f"{rc._shown(published)}."
            )
        boxes.append(_Box(shape, low, high, vectors))
    if problems:
        raise RangeError(problems)
    return tuple(boxes)


def even_lead_shares(leads: Mapping[int, Iterable[str]]) -> dict[int, dict[str, Fraction]]:
    """``{indicator: {opd: 1/k}}`` for an indicator with k lead OPDs (the project's split rule)."""
    unique = {indicator: list(dict.fromkeys(codes)) for indicator, codes in leads.items()}
    return {n: {code: Fraction(1, len(codes)) for code in codes} for n, codes in unique.items()}


def _shares(lead_shares: Mapping, fw: Framework) -> dict[int, dict[str, Fraction]]:
    if not isinstance(lead_shares, Mapping):
        raise RangeError("pembagian pengampu harus berupa pemetaan indikator -> {OPD: bagian}.")
    shares, problems = {}, []
    for n, split in lead_shares.items():
        try:
            shares[n] = {str(opd): Fraction(v) for opd, v in split.items()}
        except (AttributeError, TypeError, ValueError):
            shares[n] = {"": Fraction(-1)}
        if (
            n not in fw.indicator_numbers
            or sum(shares[n].values()) not in (0, 1)
            or any(v < 0 for v in shares[n].values())
        ):
            problems.append(f"indikator {n!r}: bagian OPD harus ≥ 0 dan berjumlah 1.")
    if problems:
        raise RangeError(problems)
    return shares


def _profile(levels: Mapping[int, int], fw: Framework) -> Profile:
    return tuple((n, int(levels[n])) for n in fw.indicator_numbers)


@cache
def _ways(n: int, total: int, lo: int, hi: int, ordered: bool) -> int:
    """Level vectors (``ordered``) or multisets of n levels in [lo, hi] summing to ``total``."""
    if n == 0:
        return int(total == 0)
    return sum(
        _ways(n - 1, total - v, lo, hi if ordered else v, ordered) for v in range(lo, hi + 1)
    )


def consistent_profile_count(domains: Mapping[int, object], framework: Framework) -> int:
    """How many integer profiles have domain values rounding to the published ones (exact)."""
    lo, hi = framework.min_level, framework.max_level
    return math.prod(
        sum(
            math.prod(_ways(len(c.indicators), s, lo, hi, True) for c, s in zip(b.shape.classes, v))
            for v in b.vectors
        )
        for b in _boxes(domains, framework)
    )


def _linear_extreme(boxes, coef: dict[int, Fraction], fw: Framework, highest: bool):
    """Exact max (or min) of ``Σ coef·level`` over the consistent profiles, and one argmax."""
    lo, hi = fw.min_level, fw.max_level
    total, levels, sign = Fraction(0), {}, -1 if highest else 1
    for box in boxes:
        options = []
        for sums in box.vectors:
            chosen: dict[int, int] = {}
            for cls, class_sum in zip(box.shape.classes, sums):
                extra = class_sum - lo * len(cls.indicators)
                for n in sorted((n for n, _ in cls.indicators), key=lambda n: (sign * coef[n], n)):
                    chosen[n] = lo + min(extra, hi - lo)
                    extra -= chosen[n] - lo
            options.append((sum(coef[n] * level for n, level in chosen.items()), chosen))
        value, chosen = (max if highest else min)(options, key=lambda option: option[0])
        total, levels = total + value, levels | chosen
    return total, levels


def contribution_ranges_exact(
    domains: Mapping[int, object], framework: Framework, lead_shares: Mapping
) -> dict[str, ContributionRange]:
    """Exact contribution range of every OPD named in ``lead_shares`` (see the module docstring).

    ``domains``: published value per domain (two decimals; text or number). ``lead_shares``:
    ``{indicator: {opd: share}}`` with shares ≥ 0 summing to 1 (``even_lead_shares`` builds the
    even split); an indicator absent or with an empty mapping counts for nobody. OPDs come in the
    order they first lead an indicator. Raises RangeError.
    """
    fw = framework
    boxes, shares = _boxes(domains, fw), _shares(lead_shares, fw)
    result = {}
    for opd in dict.fromkeys(o for n in fw.indicator_numbers for o in shares.get(n, {})):
        coef = {n: fw.weight_int(n) * shares.get(n, {}).get(opd, 0) for n in fw.indicator_numbers}
        (low, low_levels), (high, high_levels) = (
            _linear_extreme(boxes, coef, fw, highest) for highest in (False, True)
        )
        low, high = low / fw.index_denominator, high / fw.index_denominator
        result[opd] = ContributionRange(
            opd, low, high, *(_profile(v, fw) for v in (low_levels, high_levels))
        )
    return result


def contribution_ranges(
    domains: Mapping[int, object], framework: Framework, lead_shares: Mapping
) -> dict[str, tuple[float, float]]:
    """``{opd: (min, max)}`` in index points: floats of ``contribution_ranges_exact``."""
    exact = contribution_ranges_exact(domains, framework, lead_shares)
    return {opd: (float(r.low), float(r.high)) for opd, r in exact.items()}


_Group = namedtuple("_Group", "weight indicators cumulative")  # cumulative: scaled cost per level


@dataclass(frozen=True)
class _Arith:
    inf: int  # above any plan cost: "unreachable"
    dtype: object
    cap: int  # the target on the global grid (units of the gcd of all weights), rounded up
    lo: int
    hi: int


def _cumulative(fw: Framework, costs) -> tuple[dict[int, tuple[int, ...]], int, object]:
    """Exact scaled cumulative costs per indicator, the decimal places used, the mapping given."""
    costs = costs.mapping() if hasattr(costs, "mapping") else costs  # a CostTable
    if costs is not None and not isinstance(costs, Mapping):
        raise RangeError("biaya harus berupa pemetaan indikator -> biaya per langkah.")
    steps, exact, problems = fw.max_level - fw.min_level, {}, []
    for n in fw.indicator_numbers:
        row = (1,) * steps if costs is None else costs.get(n)
        if row is None or isinstance(row, str | bytes) or len(row) != steps:
            problems.append(f"biaya indikator {n}: harus berisi {steps} biaya langkah.")
            continue
        try:
            exact[n] = [_decimal_amount(v, f"biaya indikator {n}") for v in row]
        except PlannerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RangeError(problems)
    places = max(max(0, -d.normalize().as_tuple().exponent) for r in exact.values() for d in r)
    scaled = {n: (int(d.scaleb(places)) for d in r) for n, r in exact.items()}
    return {n: tuple(itertools.accumulate(r, initial=0)) for n, r in scaled.items()}, places, costs


def _groups(box: _Box, cumulative, lo: int, hi: int) -> tuple[list[_Group], list, int]:
    """The domain's groups, its group-sum vectors with S in the box, its profile classes."""
    found: dict[tuple, list[int]] = {}
    for cls in box.shape.classes:
        for n, _ in cls.indicators:
            found.setdefault((cls.weight, cumulative[n]), []).append(n)
    groups = [_Group(w, tuple(sorted(ns)), cum) for (w, cum), ns in found.items()]
    classes = tuple(rc._WeightClass(g.weight, tuple((n, 0) for n in g.indicators)) for g in groups)
    shape = rc._DomainShape(box.shape.number, box.shape.weight, box.shape.size, classes)
    vectors = list(rc._class_sum_vectors(shape, box.low, box.high, lo, hi))
    count = sum(
        math.prod(_ways(len(g.indicators), t, lo, hi, False) for g, t in zip(groups, v))
        for v in vectors
    )
    return groups, vectors, count


def _multisets(n: int, total: int, lo: int, hi: int) -> Iterator[tuple[int, ...]]:
    """Non-increasing level vectors of length n in [lo, hi] summing to ``total``."""
    if n == 0:
        yield from [()] * (total == 0)
        return
    for first in range(min(hi, total - lo * (n - 1)), -(-total // n) - 1, -1):
        for rest in _multisets(n - 1, total - first, lo, first):
            yield (first, *rest)


def _step_table(cumulative: tuple[int, ...], levels: tuple[int, ...], lo: int, memo: dict):
    """Least cost of k more level steps of a group started at ``levels`` (k = 0, 1, …)."""
    if not levels:
        return [0]
    if (cumulative, levels) not in memo:
        table = _step_table(cumulative, levels[:-1], lo, memo)
        ups = [c - cumulative[levels[-1] - lo] for c in cumulative[levels[-1] - lo :]]
        memo[cumulative, levels] = [
            min(table[j] + ups[k - j] for j in range(len(table)) if 0 <= k - j < len(ups))
            for k in range(len(table) + len(ups) - 1)
        ]
    return memo[cumulative, levels]


def _undominated(items: list, tables: np.ndarray, highest: bool) -> list:
    """Items whose table row no other dominates (≥ for highest, ≤ otherwise; first of equals)."""
    signed = tables if highest else -tables
    kept: list[int] = []
    for row in np.argsort(-signed.sum(axis=1), kind="stable"):
        if not kept or not (signed[kept] >= signed[row]).all(axis=1).any():
            kept.append(int(row))
    return [items[i] for i in sorted(kept)]


def _options(group: _Group, total: int, highest: bool, ar: _Arith, memo: dict) -> list:
    """(levels, step table) of the non-dominated multisets of a group with level sum ``total``."""
    key = (group, total)
    if key not in memo:
        sets = list(_multisets(len(group.indicators), total, ar.lo, ar.hi))
        rows = [_step_table(group.cumulative, m, ar.lo, memo) for m in sets]
        memo[key] = sets, np.array(rows, dtype=ar.dtype)
    sets, rows = memo[key]
    return _undominated(list(zip(sets, rows)), rows, highest)


def _domain_parts(box: _Box, groups, vectors, _classes, ar: _Arith, highest: bool, memo: dict):
    """(unit, non-dominated (table, levels per group)) of one domain, tables on its unit grid."""
    unit = math.gcd(*(g.weight for g in groups))
    allowed: dict[tuple[int, int], set[int]] = {}  # (group, partial sum) -> group level sums
    for sums in vectors:
        partials = itertools.accumulate((g.weight * s for g, s in zip(groups, sums)), initial=0)
        for k, (partial, total) in enumerate(zip(partials, sums)):
            allowed.setdefault((k, partial), set()).add(total)
    states: dict[int, list] = {0: [(_zero(ar, box.shape.weight * ar.hi // unit + 1), ())]}
    for k, group in enumerate(groups):
        grown: dict[int, list] = {}
        for partial, parts in states.items():
            for total in sorted(allowed.get((k, partial), ())):
                for levels, steps in _options(group, total, highest, ar, memo):
                    for table, chosen in parts:
                        made = np.full(len(table), ar.inf, dtype=ar.dtype)
                        for j, cost in enumerate(steps.tolist()):
                            at = group.weight * (total + j) // unit
                            np.minimum(made[at:], table[: len(table) - at] + cost, out=made[at:])
                        made = np.minimum(made, ar.inf)
                        grown.setdefault(partial + group.weight * total, []).append(
                            (made, (*chosen, levels))
                        )
        states = {
            s: _undominated(p, np.stack([t for t, _ in p]), highest) for s, p in grown.items()
        }
    final = [part for parts in states.values() for part in parts]
    return unit, _undominated(final, np.stack([t for t, _ in final]), highest)


def _sparse(table: np.ndarray, ratio: int, ar: _Arith) -> tuple[np.ndarray, np.ndarray]:
    """Finite entries of a domain table as (global position capped at the target, cost)."""
    positions = np.flatnonzero(table < ar.inf)
    spots, costs = np.minimum(positions * ratio, ar.cap), table[positions]
    capped = spots == ar.cap
    if capped.sum() > 1:
        spots = np.append(spots[~capped], ar.cap)
        costs = np.append(costs[~capped], costs[capped].min())
    return spots, costs


def _suffix_min(values: np.ndarray) -> np.ndarray:
    return np.minimum.accumulate(values[::-1])[::-1]


def _zero(ar: _Arith, length: int = 0) -> np.ndarray:
    """A table holding only "nothing yet, at no cost" (length: the target grid by default)."""
    table = np.full(length or ar.cap + 1, ar.inf, dtype=ar.dtype)
    table[0] = 0
    return table


def _combine(prefix: np.ndarray, spots: np.ndarray, costs: np.ndarray, ar: _Arith) -> np.ndarray:
    """Min-plus combination of a dense capped table with a sparse one, capped at the target."""
    cap, out = ar.cap, np.full(ar.cap + 1, ar.inf, dtype=ar.dtype)
    for j, cost in zip(spots.tolist(), costs.tolist()):
        np.minimum(out[j:cap], prefix[: cap - j] + cost, out=out[j:cap])
    out[cap] = min(out[cap], (_suffix_min(prefix)[cap - spots] + costs).min())
    return np.minimum(out, ar.inf)


def _joint_min(domains: list, ar: _Arith) -> tuple[int, list[int]]:
    """Least cost over every profile and plan, and the part chosen in each domain."""
    envelopes, prefixes = [], [_zero(ar)]
    for ratio, parts in domains:
        stacked = np.stack([t for t, _ in parts])
        envelope = stacked.min(axis=0)
        envelopes.append((envelope, stacked.argmin(axis=0), _sparse(envelope, ratio, ar)))
        prefixes.append(_combine(prefixes[-1], *envelopes[-1][2], ar))
    if prefixes[-1][ar.cap] >= ar.inf:  # the target is out of reach of every profile
        return ar.inf, [0] * len(domains)
    spot, chosen = ar.cap, []
    for k in range(len(domains) - 1, -1, -1):
        (ratio, _), (envelope, which, (spots, costs)) = domains[k], envelopes[k]
        prev, want = prefixes[k], prefixes[k + 1][spot]
        for j, cost in zip(spots.tolist(), costs.tolist()):  # a split that gives the optimum
            i = spot - j if spot < ar.cap else ar.cap - j + int(np.argmin(prev[ar.cap - j :]))
            if i >= 0 and prev[i] + cost == want:
                break
        first = j // ratio if j < ar.cap else -(-ar.cap // ratio)
        at = first if j < ar.cap else first + int(np.argmin(envelope[first:]))
        chosen.append(int(which[at]))
        spot = i
    return int(prefixes[-1][ar.cap]), chosen[::-1]


def _max_min(domains: list, ar: _Arith) -> tuple[int, list[int], int]:
    """Largest cheapest-plan cost over the profiles: branch and bound (module docstring)."""
    sparse = [[_sparse(t, ratio, ar) for t, _ in parts] for ratio, parts in domains]
    rest = [_zero(ar)]  # rest[k]: the max envelopes of the last k domains, combined
    for options in reversed(sparse):
        dense = np.full((len(options), ar.cap + 1), ar.inf, dtype=ar.dtype)
        for row, (spots, costs) in enumerate(options):
            dense[row, spots] = costs
        rest.append(_combine(rest[-1], *_sparse(dense.max(axis=0), 1, ar), ar))
    bounds = [_suffix_min(table)[::-1] for table in reversed(rest)]  # bounds[k]: domains k…
    best: list = [-1, (), 0]  # value, chosen parts, profile classes evaluated

    def visit(k: int, prefix: np.ndarray, chosen: tuple[int, ...]) -> None:
        if k == len(sparse) - 1:
            suffix = _suffix_min(prefix)
            for idx, (spots, costs) in enumerate(sparse[k]):
                best[2] += 1
                value = int((suffix[ar.cap - spots] + costs).min())
                if value > best[0]:
                    best[:2] = value, (*chosen, idx)
            return
        children = []
        for idx, (spots, costs) in enumerate(sparse[k]):
            table = _combine(prefix, spots, costs, ar)
            children.append((int((table + bounds[k + 1]).min()), idx, table))
        for bound, idx, table in sorted(children, key=lambda c: -c[0]):
            if bound > best[0]:
                visit(k + 1, table, (*chosen, idx))

    visit(0, _zero(ar), ())
    return best[0], list(best[1]), best[2]


def plan_cost_range(
    domains: Mapping[int, object], framework: Framework, costs, target: float | str
) -> CostRange:
    """Least and largest cheapest-plan cost to ``target`` over the consistent profiles (exact).

    ``costs``: ``{indicator: step costs}`` as for ``cheapest_plan`` (a ``CostTable`` is accepted;
    None = every step costs 1). ``target``: an index value or a predicate name ("Baik"). Method and
    exactness: module docstring. Raises RangeError; PlannerError/FrameworkError: a bad target.
    """
    fw = framework
    boxes = _boxes(domains, fw)
    cumulative, places, mapping = _cumulative(fw, costs)
    tau, target_value = _target_scaled(target, fw)
    unit = math.gcd(*(fw.weight_int(n) for n in fw.indicator_numbers))
    inf = sum(c[-1] for c in cumulative.values()) + 1
    dtype = np.int64 if 4 * inf < 2**62 else object
    ar = _Arith(inf, dtype, -(-tau // unit), fw.min_level, fw.max_level)
    shaped = [_groups(b, cumulative, ar.lo, ar.hi) for b in boxes]
    order = sorted(range(len(boxes)), key=lambda d: boxes[d].shape.weight)  # widest domain last
    memo, found = {}, {}
    for highest in (False, True):
        parts = []
        for d in order:
            own_unit, kept = _domain_parts(boxes[d], *shaped[d], ar, highest, memo)
            parts.append((own_unit // unit, kept))
        value, chosen, *evaluated = (_max_min if highest else _joint_min)(parts, ar)
        levels = {}
        for d, (_, kept), idx in zip(order, parts, chosen):
            for group, multiset in zip(shaped[d][0], kept[idx][1]):
                levels.update(zip(group.indicators, multiset))
        exact = Decimal("Infinity") if value >= inf else Decimal(value).scaleb(-places)
        found[highest] = (exact, _profile(levels, fw), evaluated)
    (low, low_profile, _), (high, high_profile, (evaluated,)) = found[False], found[True]
    plans = [cheapest_plan(dict(p), target, fw, mapping) for p in (low_profile, high_profile)]
    feasible = high.is_finite()
    notes = [
        f"Target {'dapat' if feasible else 'tidak dapat'} dicapai dari setiap profil konsisten."
    ]
    if low == 0:
        notes.append(f"{'Setiap' if high == 0 else 'Sebagian'} profil sudah mencapai target.")
    counts = consistent_profile_count(domains, fw), math.prod(c for *_, c in shaped), evaluated
    values = target_value, float(low), float(high), low, high, low_profile, high_profile
    return CostRange(*values, *plans, *counts, feasible, tuple(notes))
