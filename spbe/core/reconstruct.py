"""Indicator levels reconstructed from published domain indices (provenance ``rekonstruksi``).

KemenPANRB publishes, per instansi and year, the domain indices and the index (two decimals) and
the predicate, not the indicator levels. This module finds integer levels whose recomputed values
round half-up to every published figure and give the published predicate, and returns the
flattest such profile. A reconstruction is one consistent possibility, never the official
profile: it must always be labelled as such.

Exactness: everything is decided on integers. With ``w`` the scaled integer weight of an indicator
(``framework.weight_int``), a domain's sum ``S = Σ level·w`` and its scaled weight ``W = Σ w``,
the domain index ``S/W`` rounds half-up to ``P/100`` exactly when
``(2P − 1)·W ≤ 200·S < (2P + 1)·W``. The index ``T/D`` (``T = Σ S`` over domains,
``D = framework.index_denominator``) is checked the same way, and the predicate is the band of
``T`` on ``framework.band_lowers_scaled()`` (the unrounded index, lower bound inclusive).

Search: inside a domain, indicators of equal weight (a "weight class"; in spbe-2020 D1 10×1.30,
D2 10×2.50, D3 11×1.50, D4 10×2.75 + 6×3.00) are interchangeable for every published figure, so
a domain depends only on the level sum of each class. The feasible class-sum vectors of each
domain are enumerated (a few dozen at most), the domains are combined by dynamic programming over
``T`` (exact, because every part of the objective is additive over domains), and each class sum
is finally spread as evenly as possible over its indicators.

"Flattest", precisely: among all feasible profiles the one chosen minimises, in this order,
1. the sum over domains of the spread (highest minus lowest level) inside the domain;
2. the sum over domains of Σ (level − the domain's mean level)², as an exact fraction;
3. the sum over domains of |unrounded domain index − published value|, then
   |unrounded index − published index|;
4. and finally prefers larger level sums in lower-numbered domains and weight classes.
A class sum ``L`` over ``n`` indicators gives ``L mod n`` indicators the level ``L // n + 1`` and
the others ``L // n`` (this minimises 1 and 2 for the class). The higher levels are spread over
the class's aspects by the Sainte-Laguë rule (the next one goes to the aspect with the smallest
``(2k + 1) / size``, ``k`` being its higher levels so far; ties to the lower aspect number), so
aspect indices are as even as possible too; inside an aspect they go to the lowest-numbered
indicators.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.framework import Framework, FrameworkError

PLACES = 2  # published domain values and indices have two decimals
_UNIT = 10**PLACES
_FLOAT_SLACK = 1e-6  # how far value*100 may sit from an integer and still count as 2 decimals

NOTE = (
    "Rekonstruksi: tingkat indikator disusun dari nilai domain, indeks dan predikat yang "
    "dipublikasikan (profil paling rata dari {candidates} kombinasi yang konsisten); "
    "bukan tingkat resmi."
)


class ReconstructionError(SpbeError):
    """The question cannot be asked of this framework (e.g. it has no domains)."""


@dataclass(frozen=True)
class Reconstruction:
    """The flattest indicator profile consistent with one published result."""

    framework_id: str
    levels: tuple[tuple[int, int], ...]  # (indicator, level) in framework order
    index_scaled: int  # exact index × framework.index_denominator
    index: float  # unrounded index of the profile
    predicate: str  # band of the unrounded index
    domains: tuple[tuple[int, float], ...]  # (domain, unrounded domain index)
    candidates: int  # consistent weight-class level-sum combinations found
    note: str

    def level_map(self) -> dict[int, int]:
        """``{indicator: level}`` (a new dict each call)."""
        return dict(self.levels)


# -- framework structure ------------------------------------------------------------------------


@dataclass(frozen=True)
class _WeightClass:
    weight: int  # scaled integer weight shared by the class
    indicators: tuple[tuple[int, int], ...]  # (indicator, aspect) in framework order


@dataclass(frozen=True)
class _DomainShape:
    number: int
    weight: int  # scaled integer weight W of the domain
    size: int  # number of indicators
    classes: tuple[_WeightClass, ...]


@cache
def _shapes(fw: Framework) -> tuple[_DomainShape, ...]:
    shapes = []
    for dom in fw.domains:
        by_weight: dict[int, list[tuple[int, int]]] = {}
        for asp in fw.aspects_of_domain(dom.number):
            for ind in fw.indicators_of_aspect(asp.number):
                by_weight.setdefault(fw.weight_int(ind.number), []).append((ind.number, asp.number))
        classes = tuple(
            _WeightClass(w, tuple(sorted(members)))
            for w, members in sorted(by_weight.items(), key=lambda item: min(item[1]))
        )
        shapes.append(
            _DomainShape(
                number=dom.number,
                weight=sum(c.weight * len(c.indicators) for c in classes),
                size=sum(len(c.indicators) for c in classes),
                classes=classes,
            )
        )
    return tuple(shapes)


# -- reading published figures ------------------------------------------------------------------


def _missing(value: object) -> bool:
    """None, NaN or an empty text cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _hundredths(value: object) -> int | None:
    """``2.49 -> 249``; None when ``value`` is not a number with at most two decimals."""
    if isinstance(value, bool):
        return None
    try:
        scaled = float(value) * _UNIT
    except (TypeError, ValueError):
        return None
    if not math.isfinite(scaled) or abs(scaled - round(scaled)) > _FLOAT_SLACK:
        return None
    return int(round(scaled))


def _rounds_to(numerator: int, denominator: int, hundredths: int) -> bool:
    """Exact: numerator/denominator rounds half-up to two decimals as ``hundredths / 100``."""
    return (
        (2 * hundredths - 1) * denominator
        <= 2 * _UNIT * numerator
        < (2 * hundredths + 1) * denominator
    )


def _round_scaled(numerator: int, denominator: int) -> int:
    """Exact half-up rounding of ``numerator / denominator`` (non-negative) to hundredths."""
    return (2 * _UNIT * numerator + denominator) // (2 * denominator)


def _shown(hundredths: int) -> str:
    return format_index(hundredths / _UNIT)


# -- one domain ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """The flattest class-sum vector of one domain for one domain sum S."""

    total: int  # S
    sums: tuple[int, ...]  # level sum per weight class
    spread: int
    sqdev: Fraction
    distance: Fraction  # |S/W − published|
    count: int  # class-sum vectors with this S


def _class_sum_vectors(
    shape: _DomainShape, low: int, high: int, min_level: int, max_level: int
) -> Iterator[tuple[int, ...]]:
    """Every vector of class level sums whose domain sum S lies in [low, high]."""
    classes = shape.classes
    sizes = [len(c.indicators) for c in classes]
    rest_min = [0] * (len(classes) + 1)
    rest_max = [0] * (len(classes) + 1)
    for k in range(len(classes) - 1, -1, -1):
        rest_min[k] = rest_min[k + 1] + classes[k].weight * sizes[k] * min_level
        rest_max[k] = rest_max[k + 1] + classes[k].weight * sizes[k] * max_level

    def extend(k: int, partial: int, prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        w, n = classes[k].weight, sizes[k]
        if k == len(classes) - 1:
            first = max(n * min_level, -((partial - low) // w))  # ceil((low - partial) / w)
            last = min(n * max_level, (high - partial) // w)
            for total in range(first, last + 1):
                yield (*prefix, total)
            return
        for total in range(n * min_level, n * max_level + 1):
            reached = partial + w * total
            if reached + rest_min[k + 1] <= high and reached + rest_max[k + 1] >= low:
                yield from extend(k + 1, reached, (*prefix, total))

    yield from extend(0, 0, ())


def _flatness(shape: _DomainShape, sums: tuple[int, ...]) -> tuple[int, Fraction]:
    """(spread, Σ squared deviation from the mean) of the class sums spread evenly."""
    highest, lowest, squares = None, None, 0
    for cls, total in zip(shape.classes, sums):
        n = len(cls.indicators)
        base, extra = divmod(total, n)
        top = base + 1 if extra else base
        highest = top if highest is None else max(highest, top)
        lowest = base if lowest is None else min(lowest, base)
        squares += n * base * base + extra * (2 * base + 1)
    return highest - lowest, squares - Fraction(sum(sums) ** 2, shape.size)


def _domain_options(
    shape: _DomainShape, published: int, min_level: int, max_level: int
) -> list[_Option]:
    """The best option for every domain sum S whose index rounds to ``published``."""
    low = -((-(2 * published - 1) * shape.weight) // (2 * _UNIT))  # ceil
    high = ((2 * published + 1) * shape.weight - 1) // (2 * _UNIT)
    best: dict[int, _Option] = {}
    for sums in _class_sum_vectors(shape, low, high, min_level, max_level):
        total = sum(cls.weight * s for cls, s in zip(shape.classes, sums))
        spread, sqdev = _flatness(shape, sums)
        distance = Fraction(abs(_UNIT * total - published * shape.weight), _UNIT * shape.weight)
        option = _Option(total, sums, spread, sqdev, distance, 1)
        held = best.get(total)
        if held is None:
            best[total] = option
            continue
        count = held.count + 1
        if (spread, sqdev, tuple(-s for s in sums)) < (
            held.spread,
            held.sqdev,
            tuple(-s for s in held.sums),
        ):
            held = option
        best[total] = _Option(held.total, held.sums, held.spread, held.sqdev, held.distance, count)
    return [best[t] for t in sorted(best)]


# -- spreading a class sum over indicators ------------------------------------------------------


def _spread(cls: _WeightClass, total: int) -> dict[int, int]:
    """Levels of one class summing to ``total``: flat, higher ones spread by Sainte-Laguë."""
    n = len(cls.indicators)
    base, extra = divmod(total, n)
    members: dict[int, list[int]] = {}
    for indicator, aspect in cls.indicators:
        members.setdefault(aspect, []).append(indicator)
    given = dict.fromkeys(members, 0)
    for _ in range(extra):
        open_aspects = [a for a in sorted(members) if given[a] < len(members[a])]
        aspect = min(open_aspects, key=lambda a: (Fraction(2 * given[a] + 1, len(members[a])), a))
        given[aspect] += 1
    levels = {}
    for aspect, indicators in members.items():
        for rank, indicator in enumerate(indicators):
            levels[indicator] = base + 1 if rank < given[aspect] else base
    return levels


# -- the search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Partial:
    key: tuple  # (Σ spread, Σ sqdev, Σ distance, tie-break tuple)
    choice: tuple[_Option, ...]
    count: int


@dataclass(frozen=True)
class _Published:
    """One published result read into exact integers."""

    domains: dict[int, int]  # domain -> hundredths
    index: int  # hundredths
    band: str | None  # None: predicate not published, not checked


def _check_framework(domains: Mapping[int, object], fw: Framework) -> None:
    if not fw.has_domains:
        raise ReconstructionError(
            f"Kerangka {fw.id} tidak memiliki domain, sehingga tingkat indikator tidak dapat "
            "direkonstruksi dari nilai domain."
        )
    known = {d.number for d in fw.domains}
    unknown = sorted(str(k) for k in domains if k not in known)
    if unknown:
        raise ReconstructionError(
            f"Domain {', '.join(unknown)} tidak ada dalam kerangka {fw.id} "
            f"(yang ada: {', '.join(str(n) for n in sorted(known))})."
        )


def _read_published(
    domains: Mapping[int, object], index: object, predicate: object, fw: Framework
) -> _Published | str:
    """The published figures as integers, or the Indonesian reason they cannot be used."""
    values: dict[int, int] = {}
    for dom in fw.domains:
        value = domains.get(dom.number)
        if _missing(value):
            return f"Nilai domain {dom.number} tidak tersedia."
        hundredths = _hundredths(value)
        if hundredths is None:
            return f"Nilai domain {dom.number} ({value!r}) bukan angka dua desimal."
        if not fw.min_level * _UNIT <= hundredths <= fw.max_level * _UNIT:
            return (
                f"Nilai domain {dom.number} ({_shown(hundredths)}) di luar skala "
                f"{fw.min_level}–{fw.max_level}."
            )
        values[dom.number] = hundredths
    if _missing(index):
        return "Nilai indeks tidak tersedia."
    index_hundredths = _hundredths(index)
    if index_hundredths is None:
        return f"Nilai indeks ({index!r}) bukan angka dua desimal."
    band = None
    if not _missing(predicate):
        try:
            band = fw.band(str(predicate)).name
        except FrameworkError as exc:
            return str(exc)
    return _Published(values, index_hundredths, band)


def _combine_domains(published: _Published, fw: Framework) -> dict[int, _Partial] | str:
    """Best choice of domain options for every reachable index sum T (dynamic programming)."""
    states: dict[int, _Partial] = {0: _Partial((0, Fraction(0), Fraction(0), ()), (), 1)}
    for shape in _shapes(fw):
        target = published.domains[shape.number]
        options = _domain_options(shape, target, fw.min_level, fw.max_level)
        if not options:
            return (
                f"Tidak ada tingkat bulat {fw.min_level}–{fw.max_level} yang menghasilkan "
                f"domain {shape.number} = {_shown(target)}."
            )
        merged: dict[int, _Partial] = {}
        for total, partial in states.items():
            spread, sqdev, distance, tie = partial.key
            for opt in options:
                key = (
                    spread + opt.spread,
                    sqdev + opt.sqdev,
                    distance + opt.distance,
                    (*tie, -opt.total, *(-s for s in opt.sums)),
                )
                grown, count = total + opt.total, partial.count * opt.count
                held = merged.get(grown)
                if held is None:
                    merged[grown] = _Partial(key, (*partial.choice, opt), count)
                elif key < held.key:
                    merged[grown] = _Partial(key, (*partial.choice, opt), held.count + count)
                else:
                    merged[grown] = _Partial(held.key, held.choice, held.count + count)
        states = merged
    return states


def _band_of(total: int, fw: Framework) -> str:
    """Band of the exact index sum T (lower bound inclusive)."""
    name = fw.bands[0].name
    for band, lower in zip(fw.bands, fw.band_lowers_scaled()):
        if lower <= total:
            name = band.name
    return name


def _attempt(
    domains: Mapping[int, object], index: object, predicate: object, fw: Framework
) -> tuple[Reconstruction | None, str | None]:
    _check_framework(domains, fw)
    published = _read_published(domains, index, predicate, fw)
    if isinstance(published, str):
        return None, published
    states = _combine_domains(published, fw)
    if isinstance(states, str):
        return None, states
    denominator, target = fw.index_denominator, published.index
    on_index = {t: p for t, p in states.items() if _rounds_to(t, denominator, target)}
    if not on_index:
        reachable = sorted(
            {_shown(_round_scaled(t, denominator)) for t in (min(states), max(states))}
        )
        return None, (
            f"Indeks {_shown(target)} tidak dapat dicapai dengan nilai domain ini "
            f"(indeks yang mungkin: {'–'.join(reachable)})."
        )
    feasible = {t: p for t, p in on_index.items() if published.band in (None, _band_of(t, fw))}
    if not feasible:
        possible = ", ".join(sorted({_band_of(t, fw) for t in on_index}))
        return None, (
            f"Indeks {_shown(target)} dapat dicapai, tetapi tidak dengan predikat "
            f"{published.band} (predikat yang mungkin: {possible})."
        )

    def final_key(item: tuple[int, _Partial]):
        total, partial = item
        spread, sqdev, distance, tie = partial.key
        off = Fraction(abs(_UNIT * total - target * denominator), _UNIT * denominator)
        return (spread, sqdev, distance, off, tie)

    total, best = min(feasible.items(), key=final_key)
    return _result(total, best, sum(p.count for p in feasible.values()), fw), None


def _result(total: int, best: _Partial, candidates: int, fw: Framework) -> Reconstruction:
    levels: dict[int, int] = {}
    for shape, opt in zip(_shapes(fw), best.choice):
        for cls, class_total in zip(shape.classes, opt.sums):
            levels.update(_spread(cls, class_total))
    return Reconstruction(
        framework_id=fw.id,
        levels=tuple((n, levels[n]) for n in fw.indicator_numbers),
        index_scaled=total,
        index=total / fw.index_denominator,
        predicate=_band_of(total, fw),
        domains=tuple(
            (shape.number, opt.total / shape.weight) for shape, opt in zip(_shapes(fw), best.choice)
        ),
        candidates=candidates,
        note=NOTE.format(candidates=candidates),
    )


# -- public API ---------------------------------------------------------------------------------


def reconstruct(
    domains: Mapping[int, float], index: float, predicate: str | None, framework: Framework
) -> Reconstruction | None:
    """The flattest profile consistent with a published result, or None when none exists.

    ``domains`` maps domain number to the published value (two decimals; None/NaN = missing),
    ``index`` is the published index and ``predicate`` the published predicate (None: not
    checked). Raises ReconstructionError (a ValueError) for a framework without domains or a
    domain number the framework does not have. Inputs are never modified.
    """
    return _attempt(domains, index, predicate, framework)[0]


def reconstruct_levels(
    domains: Mapping[int, float], index: float, predicate: str | None, framework: Framework
) -> dict[int, int] | None:
    """``{indicator: level}`` of ``reconstruct(...)``, or None when no exact profile exists."""
    found = reconstruct(domains, index, predicate, framework)
    return None if found is None else found.level_map()


def why_not_reconstructable(
    domains: Mapping[int, float], index: float, predicate: str | None, framework: Framework
) -> str | None:
    """Why no profile exists, in Indonesian; None when ``reconstruct`` finds one."""
    return _attempt(domains, index, predicate, framework)[1]


def domains_from_row(row: Mapping[str, object], framework: Framework) -> dict[int, object]:
    """``{n: row["domain_<n>"]}`` for every domain of the framework (missing key -> None)."""
    return {d.number: row.get(f"domain_{d.number}") for d in framework.domains}
