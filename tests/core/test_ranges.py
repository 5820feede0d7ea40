"""spbe.core.ranges: exact ranges over the consistent profiles, checked against exhaustive search.

Small frameworks (at most 8 indicators, 5**8 profiles) are enumerated completely: every profile
is scored, the consistent ones kept, and the contribution and cheapest-plan cost of each computed
directly (the cost by a search over every final profile, independent of the planner). The real
case is Kota Ternate 2024 (published domains 1,80 / 1,00 / 1,00 / 2,74).
"""

from __future__ import annotations

import csv
import itertools
import random
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from spbe.core.errors import SpbeError
from spbe.core.framework import Aspect, Band, Domain, Framework, Indicator, Scale, validate
from spbe.core.planner import PlannerError, cheapest_plan
from spbe.core.ranges import (
    RangeError,
    consistent_profile_count,
    contribution_ranges,
    contribution_ranges_exact,
    even_lead_shares,
    plan_cost_range,
)
from spbe.core.reconstruct import domains_from_row, reconstruct
from tests.conftest import ROOT

JT = 1_000_000
LEVELS = (1, 2, 3, 4, 5)


# -- small frameworks and the exhaustive oracle -------------------------------------------------


def mini_framework(layout: list[list[list[str]]]) -> Framework:
    """domains -> aspects -> indicator weights (text decimals, summing to 100), levels 1..5."""
    domains, aspects, indicators = [], [], []
    for d, domain in enumerate(layout, start=1):
        for aspect in domain:
            a = len(aspects) + 1
            for weight in aspect:
                n = len(indicators) + 1
                indicators.append(Indicator(n, f"I{n}", Decimal(weight), a, "s"))
            aspects.append(Aspect(a, f"A{a}", sum(Decimal(w) for w in aspect), d))
        weight = sum(Decimal(w) for aspect in domain for w in aspect)
        domains.append(Domain(d, f"D{d}", weight))
    bands = [("Kurang", "1"), ("Cukup", "1.8"), ("Baik", "2.6"), ("Sangat Baik", "3.5")]
    fw = Framework(
        id="mini",
        name="mini",
        regulation="-",
        short_regulation="-",
        first_year=2000,
        last_year=2000,
        secondary_source=False,
        source_note="",
        min_level=1,
        max_level=5,
        bands=tuple(Band(name, Decimal(lower)) for name, lower in bands),
        scales=(Scale("s", "s", tuple(f"L{k}" for k in LEVELS)),),
        domains=tuple(domains),
        aspects=tuple(aspects),
        indicators=tuple(indicators),
    )
    validate(fw, Path("mini.toml"))
    return fw


MINI_A = [[["10", "10", "12.5"]], [["15", "15"], ["7.5"]], [["30"]]]  # 3 domains, 3 weight classes
MINI_B = [[["12.5", "12.5"]], [["10", "10"], ["10"]], [["20"]], [["25"]]]  # 4 domains
# D1 sums of 2,751 l1 + 2,749 l2 two apart round alike: several start sums (indices) per domain
MINI_C = [[["27.51", "27.49"]], [["10", "10"], ["5"]], [["10", "10"]]]
MINI_D = [[["12.51", "12.49"]], [["12.51", "12.49"]], [["12.51", "12.49"]], [["25"]]]
MINI_E = [[["13.5", "14"], ["13.5", "14"], ["45"]]]  # one domain (it alone meets the target)
MINIS = {"A": MINI_A, "B": MINI_B, "C": MINI_C, "D": MINI_D, "E": MINI_E}


class Oracle:
    """Every profile of a small framework, scored exactly on integers."""

    def __init__(self, fw: Framework):
        self.fw = fw
        self.numbers = fw.indicator_numbers
        self.grid = np.array(list(itertools.product(LEVELS, repeat=len(self.numbers))))
        self.weights = np.array([fw.weight_int(n) for n in self.numbers])
        self.members = [
            np.array([fw.domain_of_indicator(n) == d.number for n in self.numbers])
            for d in fw.domains
        ]
        self.sums = np.stack([(self.grid * self.weights * m).sum(axis=1) for m in self.members], 1)
        self.domain_weights = [int((self.weights * m).sum()) for m in self.members]

    def published(self, profile: dict[int, int]) -> dict[int, str]:
        """Half-up two-decimal domain values of a profile, as text (like a CSV cell)."""
        row = np.array([profile[n] for n in self.numbers])
        result = {}
        for d, m, w in zip(self.fw.domains, self.members, self.domain_weights):
            value = Fraction(int((row * self.weights * m).sum()), w)
            result[d.number] = f"{(value * 200 + 1) // 2 / Decimal(100):.2f}"
        return result

    def consistent(self, published: dict[int, str]) -> np.ndarray:
        """Rows of the grid whose every domain value rounds half-up to the published one."""
        ok = np.ones(len(self.grid), dtype=bool)
        for k, (d, w) in enumerate(zip(self.fw.domains, self.domain_weights)):
            p = int(Decimal(published[d.number]) * 100)
            s = self.sums[:, k]
            ok &= ((2 * p - 1) * w <= 200 * s) & (200 * s < (2 * p + 1) * w)
        return self.grid[ok]

    def cheapest(self, starts: np.ndarray, costs: dict[int, tuple], target_scaled: int) -> list:
        """Least cost of reaching index ≥ target from each start, over every final profile."""
        cumulative = np.array([[0, *itertools.accumulate(costs[n])] for n in self.numbers])
        columns = np.arange(len(self.numbers))
        finals = self.grid[self.grid @ self.weights >= target_scaled]
        paid = cumulative[columns, finals - 1].sum(axis=1)
        return [
            int(paid[(finals >= start).all(axis=1)].min() - cumulative[columns, start - 1].sum())
            for start in starts
        ]


def contribution(levels: dict[int, int], fw: Framework, shares, opd: str) -> Fraction:
    total = sum(fw.weight_int(n) * levels[n] * shares.get(n, {}).get(opd, 0) for n in levels)
    return Fraction(total) / fw.index_denominator


def random_case(fw: Framework, rng: random.Random):
    """A profile near a base level, random lead shares over three OPDs, random step costs."""
    base = rng.randint(1, 5)
    profile = {n: min(5, max(1, base + rng.choice((-1, 0, 0, 1, 2)))) for n in fw.indicator_numbers}
    shares = {}
    for n in fw.indicator_numbers:
        leads = rng.sample(["a", "b", "c"], rng.choice((0, 1, 1, 2)))
        shares[n] = {opd: Fraction(1, len(leads)) for opd in leads}
    shared = tuple(rng.choice((10, 25, 40)) * JT for _ in range(4))  # equal costs form groups
    costs = {}
    for n in fw.indicator_numbers:
        own = tuple(rng.randint(1, 9) * JT for _ in range(4))
        costs[n] = shared if rng.random() < 0.5 else own
    return profile, shares, costs


CASES = [(layout, seed) for layout in MINIS for seed in range(6)]
# seeds that catch known-wrong variants: a max-search bound from min envelopes (C-28, C-48, D-48)
# and a backtrack that ignores a cheaper final sum beyond the target (E-11)
HARD_MAXIMA = [("C", 28), ("C", 48), ("D", 48), ("E", 11)]


@pytest.mark.parametrize(("layout", "seed"), CASES)
def test_contribution_ranges_match_exhaustive_search(layout, seed):
    fw = mini_framework(MINIS[layout])
    oracle, rng = Oracle(fw), random.Random(seed)
    profile, shares, _ = random_case(fw, rng)
    published = oracle.published(profile)
    consistent = oracle.consistent(published)
    assert consistent_profile_count(published, fw) == len(consistent) > 0
    found = contribution_ranges_exact(published, fw, shares)
    assert set(found) == {opd for split in shares.values() for opd in split}
    for opd, got in found.items():
        coef = np.array([fw.weight_int(n) * shares[n].get(opd, 0) for n in fw.indicator_numbers])
        values = [Fraction(v) / fw.index_denominator for v in consistent @ coef]
        assert (got.low, got.high) == (min(values), max(values))
        for bound, attained in ((got.low, got.low_profile), (got.high, got.high_profile)):
            assert oracle.published(dict(attained)) == published  # the profile is consistent
            assert contribution(dict(attained), fw, shares, opd) == bound
    floats = contribution_ranges(published, fw, shares)
    assert floats == {opd: (float(r.low), float(r.high)) for opd, r in found.items()}


@pytest.mark.parametrize(("layout", "seed"), CASES + HARD_MAXIMA)
def test_plan_cost_range_matches_exhaustive_search(layout, seed):
    fw = mini_framework(MINIS[layout])
    oracle, rng = Oracle(fw), random.Random(100 + seed)
    profile, _, costs = random_case(fw, rng)
    published = oracle.published(profile)
    consistent = oracle.consistent(published)
    target = rng.choice(["Cukup", "Baik", "Sangat Baik", 2.15, 3.05, 4.4])
    value = fw.band(target).lower if isinstance(target, str) else Decimal(str(target))
    scaled = int((value * fw.index_denominator).to_integral_value(ROUND_CEILING))
    every = oracle.cheapest(consistent, costs, scaled)
    got = plan_cost_range(published, fw, costs, target)
    assert (got.min_cost_exact, got.max_cost_exact) == (min(every), max(every))
    assert (got.min_cost, got.max_cost) == (float(min(every)), float(max(every)))
    assert got.profiles == len(consistent) and got.feasible
    groups = {}  # indicators of one domain with equal weight and costs are interchangeable
    for n in fw.indicator_numbers:
        key = (fw.domain_of_indicator(n), fw.weight_int(n), costs[n])
        groups.setdefault(key, []).append(n - 1)
    classes = {tuple(tuple(sorted(row[i])) for i in groups.values()) for row in consistent}
    assert got.profile_classes == len(classes) and 1 <= got.evaluated <= len(classes)
    for cost, attained, plan in (
        (got.min_cost_exact, got.min_profile, got.min_plan),
        (got.max_cost_exact, got.max_profile, got.max_plan),
    ):
        assert oracle.published(dict(attained)) == published
        assert plan.total_cost == float(cost) and plan.feasible
        assert cheapest_plan(dict(attained), target, fw, costs).total_cost == float(cost)


def test_a_value_exactly_halfway_rounds_up_and_belongs_to_the_higher_value():
    fw = mini_framework([[["12.5"] * 8]])  # domain value = level sum / 8
    sums = Oracle(fw).grid.sum(axis=1)
    assert consistent_profile_count({1: "2.13"}, fw) == (sums == 17).sum()  # 17 / 8 = 2.125
    with pytest.raises(RangeError, match="menghasilkan domain 1 = 2,12"):
        consistent_profile_count({1: "2.12"}, fw)
    got = contribution_ranges_exact({1: 2.13}, fw, {1: {"a": 1}, 2: {"a": 1}})
    assert (got["a"].low, got["a"].high) == (Fraction(25, 100), Fraction(125, 100))  # 2 … 10 levels


def test_costs_with_decimals_stay_exact_and_none_counts_steps():
    fw = mini_framework(MINI_A)
    oracle = Oracle(fw)
    published = oracle.published(dict.fromkeys(fw.indicator_numbers, 2) | {1: 3})
    consistent = oracle.consistent(published)
    costs = {n: (0.1, 0.2, 0.3, 0.7) for n in fw.indicator_numbers}
    got = plan_cost_range(published, fw, costs, 3.0)
    tenths = {n: (1, 2, 3, 7) for n in fw.indicator_numbers}
    every = oracle.cheapest(consistent, tenths, 3000)
    assert got.min_cost_exact == Decimal(min(every)) / 10  # 0.1 + 0.2 is 0.3 here, not 0.30…04
    assert got.max_cost_exact == Decimal(max(every)) / 10
    steps = plan_cost_range(published, fw, None, 3.0)
    ones = {n: (1, 1, 1, 1) for n in fw.indicator_numbers}
    assert steps.max_cost == max(oracle.cheapest(consistent, ones, 3000))


def test_costs_beyond_int64_are_exact():
    fw = mini_framework(MINI_C)
    oracle = Oracle(fw)
    profile, _, costs = random_case(fw, random.Random(2))
    huge = {n: tuple(c * 10**11 for c in steps) for n, steps in costs.items()}  # up to 9e17/step
    published = oracle.published(profile)
    every = oracle.cheapest(oracle.consistent(published), huge, 26000)  # "Baik"
    got = plan_cost_range(published, fw, huge, "Baik")
    assert (got.min_cost_exact, got.max_cost_exact) == (min(every), max(every))
    assert got.max_cost_exact > 2**63  # summed as Python integers, not int64


def test_a_target_already_met_costs_nothing_and_says_so():
    fw = mini_framework(MINI_C)
    oracle = Oracle(fw)
    published = oracle.published({1: 2, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3})
    indices = oracle.consistent(published) @ oracle.weights  # index × 10000
    assert indices.min() < indices.max()
    costs = {n: (JT,) * 4 for n in fw.indicator_numbers}
    every = plan_cost_range(published, fw, costs, "Cukup")
    assert every.min_cost == every.max_cost == 0 and every.max_plan.raises == {}
    assert every.notes[1] == "Setiap profil sudah mencapai target."
    top = f"{Decimal(int(indices.max())) / 10000}"  # met by one profile only
    some = plan_cost_range(published, fw, costs, top)
    assert some.min_cost == 0 < some.max_cost == JT  # one level step of the cheapest kind
    assert some.notes[1] == "Sebagian profil sudah mencapai target."


# -- Kota Ternate 2024 --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ternate(spbe2020):
    with (ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv").open(encoding="utf-8") as f:
        (row,) = [
            r for r in csv.DictReader(f) if (r["year"], r["instansi"]) == ("2024", "Kota Ternate")
        ]
    leads = {}
    with (ROOT / "data" / "pemilik-indikator-default.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["framework"] == "spbe-2020" and r["role"] == "lead":
                leads.setdefault(int(r["indicator"]), []).append(r["opd_code"])
    domains = domains_from_row(row, spbe2020)
    flat = reconstruct(domains, row["index"], row["predicate"], spbe2020).level_map()
    return domains, even_lead_shares(leads), flat


def rounds_to_published(levels: dict[int, int], domains, fw) -> bool:
    for dom in fw.domains:
        members = [n for n in fw.indicator_numbers if fw.domain_of_indicator(n) == dom.number]
        s = sum(levels[n] * fw.weight_int(n) for n in members)
        w = sum(fw.weight_int(n) for n in members)
        p = int(Decimal(domains[dom.number]) * 100)
        if not (2 * p - 1) * w <= 200 * s < (2 * p + 1) * w:
            return False
    return True


def test_ternate_counts_every_consistent_profile(ternate, spbe2020):
    domains, _, _ = ternate

    # D2 = D3 = 1,00 force level 1; D1 = 1,80 forces a level sum of 18 on ten equal weights;
    # D4 = 2,74 allows (Σ levels of the ten 2,75s, of the six 3,00s) in (17,26) (18,25) (29,15)
    # (30,14). Level vectors with a given sum: coefficients of (x + … + x^5)^n.
    def count(n, total):
        coefficients = (np.poly1d([1, 1, 1, 1, 1, 0]) ** n).coeffs[::-1]
        return int(round(coefficients[total]))

    d4 = sum(count(10, a) * count(6, b) for a, b in ((17, 26), (18, 25), (29, 15), (30, 14)))
    assert count(10, 18) == 22110  # not only the 45 flattest ways (eight 2s and two 1s)
    assert consistent_profile_count(domains, spbe2020) == 22110 * d4 == 41_230_562_064_450


def test_ternate_contribution_ranges_hold_the_flattest_profile_and_the_swap(ternate, spbe2020):
    domains, shares, flat = ternate
    ranges = contribution_ranges_exact(domains, spbe2020, shares)
    assert len(ranges) == 12
    for opd, r in ranges.items():
        assert r.low <= contribution(flat, spbe2020, shares, opd) <= r.high, opd
        for profile in (r.low_profile, r.high_profile):
            assert rounds_to_published(dict(profile), domains, spbe2020)
    # D1 1, 2, 4–8 at 2: 18,2; 3 at 2, 9 at 1, halves: 1,95; 10 at 1: 1,3. D2 20, D3 9 (level 1).
    # D4 42, 43 at 3: 18. Total 68,45 points.
    assert contribution(flat, spbe2020, shares, "kominfo") == Fraction("0.6845")
    # The known swap: 42, 43 (Diskomsandi) 3 -> 2 and 45 (DPMPTSP), 46 (Dukcapil) 2 -> 3 keeps D4
    swapped = flat | {42: 2, 43: 2, 45: 3, 46: 3}
    assert rounds_to_published(swapped, domains, spbe2020)
    moved = {
        opd: contribution(swapped, spbe2020, shares, opd)
        - contribution(flat, spbe2020, shares, opd)
        for opd in ("kominfo", "dpmptsp", "dukcapil")
    }
    assert moved == {
        "kominfo": Fraction("-0.06"),
        "dpmptsp": Fraction("0.03"),
        "dukcapil": Fraction("0.03"),
    }
    for opd, delta in moved.items():
        assert abs(delta) <= ranges[opd].high - ranges[opd].low
        assert ranges[opd].low <= contribution(swapped, spbe2020, shares, opd) <= ranges[opd].high
    # By hand, Diskomsandi (weights × share): D2 8 × 2,5 = 20 and D3 21, 29–31 half + 22, 23, 26,
    # 28 = 9 are fixed at level 1. Max: the 8 free D1 steps on its whole indicators (1, 2, 4–8,
    # 10: 8 × 1,3 × 2 = 20,8; 3 and 9 half: 1,3) and 42, 43 at 5 (b = 26: 30) -> 81,1. Min: the 8
    # steps on 3 and 9 (half each: 6,5; the others 8 × 1,3 = 10,4) and 42, 43 at 1 (6) -> 51,9.
    assert (ranges["kominfo"].low, ranges["kominfo"].high) == (Fraction("0.519"), Fraction("0.811"))
    assert (ranges["dinkes"].low, ranges["dinkes"].high) == (Fraction("0.03"), Fraction("0.15"))


def test_ternate_cost_range_holds_the_flattest_profiles_cheapest_plan(ternate, spbe2020):
    from spbe.core.costs import default_costs

    domains, _, flat = ternate
    costs = default_costs(spbe2020).mapping()
    got = plan_cost_range(domains, spbe2020, costs, "Baik")
    flat_cost = cheapest_plan(flat, "Baik", spbe2020, costs).total_cost
    assert flat_cost == 1_760 * JT
    # Checked once by calling cheapest_plan on all 24,030 profile classes (235 s): 1.725 / 1.800.
    assert (got.min_cost, got.max_cost) == (1_725 * JT, 1_800 * JT)
    assert got.min_cost < flat_cost < got.max_cost
    assert (got.profiles, got.profile_classes) == (41_230_562_064_450, 24_030)
    for profile, plan, cost in (
        (got.min_profile, got.min_plan, got.min_cost),
        (got.max_profile, got.max_plan, got.max_cost),
    ):
        assert rounds_to_published(dict(profile), domains, spbe2020)
        assert plan.total_cost == cost and plan.feasible and plan.predicate_after == "Baik"
    assert got.feasible and got.notes == ("Target dapat dicapai dari setiap profil konsisten.",)


# -- refused input ------------------------------------------------------------------------------


def test_refused_inputs_say_why(spbe2020, pemdi):
    domains = {1: "1.80", 2: "1.00", 3: "1.00", 4: "2.74"}
    with pytest.raises(RangeError, match="tidak memiliki domain"):
        contribution_ranges({}, pemdi, {})
    with pytest.raises(RangeError, match="Domain 5 tidak ada") as caught:
        consistent_profile_count(domains | {5: "1.00"}, spbe2020)
    assert isinstance(caught.value, SpbeError)
    with pytest.raises(RangeError, match="Nilai domain 2"):
        consistent_profile_count(domains | {2: None}, spbe2020)
    with pytest.raises(RangeError, match="Nilai domain 3"):
        consistent_profile_count(domains | {3: "1.005"}, spbe2020)
    with pytest.raises(RangeError, match="menghasilkan domain 1 = 5,10"):
        consistent_profile_count(domains | {1: 5.1}, spbe2020)
    with pytest.raises(RangeError, match="indikator 3: bagian OPD"):
        contribution_ranges(domains, spbe2020, {3: {"a": Fraction(1, 2)}})
    with pytest.raises(RangeError, match="indikator 99: bagian OPD"):
        contribution_ranges(domains, spbe2020, {99: {"a": 1}})
    with pytest.raises(RangeError, match="biaya indikator 47"):
        plan_cost_range(domains, spbe2020, {n: (1, 1, 1, 1) for n in range(1, 47)}, "Baik")
    with pytest.raises(RangeError, match="biaya indikator 2"):
        plan_cost_range(domains, spbe2020, {n: (1, -1, 1, 1) for n in range(1, 48)}, "Baik")
    with pytest.raises(SpbeError, match="Istimewa"):
        plan_cost_range(domains, spbe2020, None, "Istimewa")
    with pytest.raises(PlannerError, match="di luar rentang"):
        plan_cost_range(domains, spbe2020, None, 5.5)
