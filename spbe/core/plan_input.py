"""The planner's input, checked and scaled to integers: which indicators may rise, their gains in units of the framework's index denominator, their cumulative step costs in integer Rupiah units, and the target on the same axis (used by spbe.core.planner and spbe.core.roadmap)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

import numpy as np

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.framework import Framework, FrameworkError
from spbe.core.scoring import index_scaled


class PlannerError(SpbeError):
    """The planning request cannot be answered. ``problems`` lists every problem, in Indonesian."""

    HEADING = "Rencana tidak dapat dihitung"


@dataclass(frozen=True)
class Option:
    """One indicator that may be raised: ``cumulative[k]`` = scaled cost of k steps."""

    indicator: int
    level: int
    gain_units: int
    cumulative: tuple[int, ...]


@dataclass(frozen=True)
class PlanProblem:
    framework: Framework
    before: dict[int, int]
    before_scaled: int
    options: tuple[Option, ...]
    weights: dict[int, int]  # weight_int of every indicator
    unit: int  # gcd of the free indicators' weight_int: one DP cell = this many scaled points
    cost_places: int  # costs are integers in units of 10**-cost_places Rupiah
    step_costs: dict[int, tuple[float, ...]]  # as given (floats), for the steps table
    owners: dict[int, str | None]
    total_cost_scaled: int


def is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def decimal_amount(value: object, what: str) -> Decimal:
    """A finite, non-negative amount as an exact Decimal (floats via their shortest repr)."""
    if not is_number(value):
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


def whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number (not bool), else None."""
    if not is_number(value):
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
            cap = whole_number(value)
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
        cap = whole_number(max_level)
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
        steps = whole_number(max_steps)
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
                values.append(decimal_amount(value, label))
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


def prepare(levels, fw, costs, max_level, locked, max_steps, owners) -> PlanProblem:
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
        options.append(Option(n, before[n], weights[n] // unit, cumulative))
    owner_map = {n: (None if owners is None else owners.get(n)) for n in fw.indicator_numbers}
    return PlanProblem(
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


def target_scaled(target, fw: Framework) -> tuple[int, float]:
    """The target on the integer axis of index_scaled (rounded up: reached iff scaled >= it).

    A string is a predicate name ("Baik" = its lower bound) or a number written with a decimal
    comma or point ("2,60"); a float is read through its shortest repr, so 2.6 is exactly 2.6.
    """
    if isinstance(target, str):
        value = _target_from_text(target, fw)
    elif not is_number(target):
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
