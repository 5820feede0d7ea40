"""spbe.core.roadmap: exact schedules under annual budgets, checked against exhaustive search."""

from __future__ import annotations

import itertools
import json
import random
from decimal import Decimal

import pytest

from spbe.core.costs import default_costs
from spbe.core.errors import SpbeError
from spbe.core.planner import STEP_COLUMNS, PlannerError, best_plan_within_budget, cheapest_plan
from spbe.core.reconstruct import reconstruct_levels
from spbe.core.roadmap import Roadmap, RoadmapYear, best_roadmap, fastest_roadmap
from spbe.core.scoring import index_scaled

JT = 1_000_000
BRUTE_INSTANCES = 40
SEED = 0


def flat(fw, level=1) -> dict[int, int]:
    return dict.fromkeys(fw.indicator_numbers, level)


def only_free(fw, *free) -> list[int]:
    return [n for n in fw.indicator_numbers if n not in free]


# -- exhaustive search (the oracle) -------------------------------------------------------------


def reachable(fw, levels, free, caps, costs, budgets, one_step, years):
    """Per year t = 0 … years: {levels of the free indicators: least cost of getting there}.

    Every schedule is enumerated year by year; two schedules ending a year in the same state are
    interchangeable for the future (budgets do not carry over), so only the cheaper one is kept.
    """
    start = tuple(levels[n] for n in free)
    cumulative = {}
    for n in free:
        run = [0]
        for level in range(levels[n], caps[n]):
            run.append(run[-1] + Decimal(repr(float(costs[n][level - fw.min_level]))))
        cumulative[n] = run
    layers = [{start: Decimal(0)}]
    for t in range(years):
        budget = Decimal(repr(float(budgets[min(t, len(budgets) - 1)])))
        nxt = dict(layers[-1])
        for state, paid in layers[-1].items():
            choices = [
                range(level, min(level + 1, caps[n]) + 1 if one_step else caps[n] + 1)
                for n, level in zip(free, state)
            ]
            for new in itertools.product(*choices):
                spend = sum(
                    cumulative[n][b - levels[n]] - cumulative[n][a - levels[n]]
                    for n, a, b in zip(free, state, new)
                )
                if spend <= budget and paid + spend < nxt.get(new, Decimal("Infinity")):
                    nxt[new] = paid + spend
        layers.append(nxt)
    return layers


def gain_of(fw, free, levels, state) -> int:
    return sum(fw.weight_int(n) * (b - levels[n]) for n, b in zip(free, state))


def brute_best(fw, layer, free, levels):
    """(largest gain, least cost for it) over one year's reachable states."""
    return max((gain_of(fw, free, levels, s), -c) for s, c in layer.items())


def brute_fastest(fw, layers, free, levels, need):
    """(years, cost, gain) of the fastest, cheapest, then highest schedule, or None."""
    for t, layer in enumerate(layers):
        hits = [(c, -gain_of(fw, free, levels, s)) for s, c in layer.items()]
        hits = [(c, -g) for c, g in hits if -g >= need]
        if hits:
            cost = min(c for c, _ in hits)
            return t, cost, max(g for c, g in hits if c == cost)
    return None


def random_instance(fw, rng: random.Random):
    """A 47-indicator profile with 1–6 free indicators; small enough to enumerate."""
    while True:
        free = sorted(rng.sample(fw.indicator_numbers, rng.randint(1, 6)))
        levels = {n: rng.randint(1, 3) for n in fw.indicator_numbers}
        for n in free:
            levels[n] = rng.randint(1, 4)
        caps = {n: rng.randint(levels[n], 5) for n in free}
        if 1 < len(list(itertools.product(*(range(levels[n], caps[n] + 1) for n in free)))) <= 300:
            break
    style = rng.random()
    if style < 0.3:  # awkward Rupiah amounts, not multiples of anything
        costs = {
            n: tuple(rng.randint(1, 9_999_999) for _ in range(4)) for n in fw.indicator_numbers
        }
    elif style < 0.6:  # few distinct amounts: many schedules tie on cost
        costs = {
            n: tuple(rng.choice((10, 20, 30)) * JT for _ in range(4)) for n in fw.indicator_numbers
        }
    else:
        costs = {
            n: tuple(rng.randint(1, 60) * 5 * JT for _ in range(4)) for n in fw.indicator_numbers
        }
    years = rng.randint(1, 4)
    top = (
        max(
            max(costs[n][lv - 1] for lv in range(levels[n], caps[n]))
            for n in free
            if caps[n] > levels[n]
        )
        if any(caps[n] > levels[n] for n in free)
        else 10 * JT
    )
    if rng.random() < 0.5:
        budgets = [rng.randint(0, 2 * top)]
    else:
        budgets = [rng.randint(0, 2 * top) for _ in range(rng.randint(1, years + 1))]
    return free, levels, caps, costs, budgets, years


def check_schedule(fw, roadmap: Roadmap, levels, costs, budgets, one_step, locked_levels):
    """The roadmap's own figures agree with its raises, the budgets and the rules."""
    current = dict(levels)
    total = Decimal(0)
    for t, year in enumerate(roadmap.years):
        spent = Decimal(0)
        for n, (frm, to) in year.raises.items():
            assert current[n] == frm < to
            assert not one_step or to == frm + 1
            assert n not in locked_levels
            spent += sum(Decimal(repr(float(costs[n][lv - 1]))) for lv in range(frm, to))
            current[n] = to
        assert spent <= Decimal(repr(float(budgets[min(t, len(budgets) - 1)])))
        assert float(spent) == pytest.approx(year.cost, abs=1e-6)
        assert year.index_after == index_scaled(current, fw) / fw.index_denominator
        total += spent
    assert float(total) == pytest.approx(roadmap.total_cost, abs=1e-6)
    assert roadmap.index_after == index_scaled(current, fw) / fw.index_denominator
    return current


@pytest.mark.parametrize("one_step", [True, False])
def test_best_roadmap_matches_exhaustive_search(spbe2020, one_step):
    rng = random.Random(SEED + 20241 + one_step)
    for _ in range(BRUTE_INSTANCES):
        free, levels, caps, costs, budgets, years = random_instance(spbe2020, rng)
        locked = only_free(spbe2020, *free)
        roadmap = best_roadmap(
            levels,
            spbe2020,
            costs,
            budgets,
            years,
            one_step_per_year=one_step,
            locked=locked,
            max_level=caps,
        )
        layers = reachable(spbe2020, levels, free, caps, costs, budgets, one_step, years)
        gain, minus_cost = brute_best(spbe2020, layers[-1], free, levels)
        before = index_scaled(levels, spbe2020)
        assert roadmap.feasible and len(roadmap.years) == years
        assert roadmap.index_after == (before + gain) / spbe2020.index_denominator
        assert roadmap.total_cost == float(-minus_cost)
        check_schedule(spbe2020, roadmap, levels, costs, budgets, one_step, locked)


@pytest.mark.parametrize("one_step", [True, False])
def test_fastest_roadmap_matches_exhaustive_search(spbe2020, one_step):
    rng = random.Random(SEED + 7700 + one_step)
    denominator = spbe2020.index_denominator
    outcomes = set()
    for _ in range(BRUTE_INSTANCES):
        free, levels, caps, costs, budgets, horizon = random_instance(spbe2020, rng)
        locked = only_free(spbe2020, *free)
        before = index_scaled(levels, spbe2020)
        most = sum(spbe2020.weight_int(n) * (caps[n] - levels[n]) for n in free)
        need = rng.randint(1, most + most // 4 + 1)  # now and then more than can ever be gained
        target = (before + need) / denominator
        roadmap = fastest_roadmap(
            levels,
            target,
            spbe2020,
            costs,
            budgets,
            years=horizon,
            one_step_per_year=one_step,
            locked=locked,
            max_level=caps,
        )
        layers = reachable(spbe2020, levels, free, caps, costs, budgets, one_step, horizon)
        expected = brute_fastest(spbe2020, layers, free, levels, need)
        if expected is None:
            gain, minus_cost = brute_best(spbe2020, layers[-1], free, levels)
            assert not roadmap.feasible and len(roadmap.years) == horizon
            expected = (horizon, -minus_cost, gain)
        else:
            assert roadmap.feasible and len(roadmap.years) == expected[0]
        outcomes.add((roadmap.feasible, len(roadmap.years)))
        years, cost, gain = expected
        assert roadmap.total_cost == float(cost)
        assert roadmap.index_after == (before + gain) / denominator
        assert roadmap.target == target
        check_schedule(spbe2020, roadmap, levels, costs, budgets, one_step, locked)
    # the instances cover infeasible targets and feasible ones needing several years
    assert {f for f, _ in outcomes} == {True, False}
    assert max(t for f, t in outcomes if f) >= 2


# -- hand-computed examples ---------------------------------------------------------------------

# Indicators 1 (weight 1.30: +0.013 a step) and 42 (weight 3.00: +0.03 a step) free, all at level 1
# (index 1.00); steps cost 10 juta (indicator 1) and 30 juta (indicator 42); 40 juta a year.
HAND_COSTS = {1: (10 * JT,) * 4, 42: (30 * JT,) * 4}


def hand(fw, function, *args, **kwargs):
    """``function`` on the hand example: fastest_roadmap(target, budgets) or best_roadmap(budgets,
    years)."""
    kwargs.setdefault("locked", only_free(fw, 1, 42))
    if function is best_roadmap:
        return best_roadmap(flat(fw), fw, HAND_COSTS, *args, **kwargs)
    return fastest_roadmap(flat(fw), args[0], fw, HAND_COSTS, *args[1:], **kwargs)


def test_hand_example_one_step_a_year(spbe2020):
    # Target 1.10 = +1000 scaled points: 130·a + 300·b ≥ 1000 with a, b ≤ years (one step a year).
    # Two years give at most 860. In three years the cheapest is b = 3, a = 1 (100 juta, 1.103);
    # the alternatives cost 110 (a = 2) or 120 juta. 42 rises every year; 1 fits beside it in year 1.
    roadmap = hand(spbe2020, fastest_roadmap, 1.10, 40 * JT)
    assert roadmap.feasible and roadmap.target == 1.1
    assert [y.raises for y in roadmap.years] == [
        {1: (1, 2), 42: (1, 2)},
        {42: (2, 3)},
        {42: (3, 4)},
    ]
    assert [y.cost for y in roadmap.years] == [40 * JT, 30 * JT, 30 * JT]
    assert [y.index_after for y in roadmap.years] == [1.043, 1.073, 1.103]
    assert [y.year_number for y in roadmap.years] == [1, 2, 3]
    assert roadmap.total_cost == 100 * JT
    assert (roadmap.index_before, roadmap.index_after) == (1.0, 1.103)
    assert (roadmap.predicate_before, roadmap.predicate_after) == ("Kurang", "Kurang")
    assert roadmap.raises == {1: (1, 2), 42: (1, 4)}
    assert list(roadmap.steps.columns) == ["year", *STEP_COLUMNS]
    assert roadmap.steps["indicator"].tolist() == [1, 42, 42, 42]
    assert roadmap.steps["year"].tolist() == [1, 1, 2, 3]


def test_several_steps_a_year_reach_a_higher_index_for_the_same_money(spbe2020):
    # Without the one-step rule 1 can rise 1→5 (4 × 10 juta) in three years of 40 juta: a = 4,
    # b = 2 costs 100 juta too but ends at 1.112, and ties on cost go to the higher index.
    roadmap = hand(spbe2020, fastest_roadmap, 1.10, 40 * JT, one_step_per_year=False)
    assert roadmap.feasible and len(roadmap.years) == 3
    assert roadmap.total_cost == 100 * JT
    assert roadmap.index_after == 1.112
    assert roadmap.raises == {1: (1, 5), 42: (1, 3)}
    assert not roadmap.one_step_per_year
    assert all(y.cost <= 40 * JT for y in roadmap.years)
    assert any(to - frm > 1 for y in roadmap.years for frm, to in y.raises.values())
    one_step = hand(spbe2020, fastest_roadmap, 1.10, 40 * JT)
    assert one_step.index_after != roadmap.index_after


def test_one_budget_figure_is_every_year_and_a_short_list_repeats_its_last(spbe2020):
    same = [
        hand(spbe2020, best_roadmap, budgets, 3).to_json()
        for budgets in (40 * JT, [40 * JT], (40 * JT, 40 * JT, 40 * JT), [40 * JT] * 5)
    ]
    assert all(s == same[0] for s in same)
    # Three years at 40 juta: each year one step of both (b = a = 3): 1.129 for 120 juta.
    assert same[0]["index_after"] == 1.129 and same[0]["total_cost"] == 120 * JT
    # From year 2 on only 20 juta: 42 (30 juta a step) can rise only in year 1.
    short = hand(spbe2020, best_roadmap, [40 * JT, 20 * JT], 3)
    assert short.to_json() == hand(spbe2020, best_roadmap, [40 * JT, 20 * JT, 20 * JT], 3).to_json()
    assert [y.budget for y in short.years] == [40 * JT, 20 * JT, 20 * JT]
    assert short.raises == {1: (1, 4), 42: (1, 2)}
    assert short.index_after == 1.069


def test_an_unreachable_target_gives_the_best_index_within_the_horizon(spbe2020):
    roadmap = hand(spbe2020, fastest_roadmap, "Baik", 40 * JT, years=3)
    best = hand(spbe2020, best_roadmap, 40 * JT, 3)
    assert not roadmap.feasible and roadmap.target == 2.6
    assert len(roadmap.years) == 3
    assert (roadmap.index_after, roadmap.total_cost) == (1.129, 120 * JT)
    assert (roadmap.index_after, roadmap.total_cost) == (best.index_after, best.total_cost)
    assert roadmap.to_json()["feasible"] is False
    # a budget too small for any step: nothing moves, still a well-formed roadmap
    none = hand(spbe2020, fastest_roadmap, 1.05, 5 * JT, years=2)
    assert not none.feasible and none.total_cost == 0 and none.raises == {}
    assert [y.raises for y in none.years] == [{}, {}]


def test_a_target_already_met_needs_no_year(spbe2020):
    roadmap = hand(spbe2020, fastest_roadmap, "Kurang", 40 * JT)
    assert roadmap.feasible and roadmap.years == () and roadmap.total_cost == 0
    assert roadmap.index_after == roadmap.index_before == 1.0
    assert roadmap.to_json()["years"] == []


def test_an_exact_2_60_reaches_baik(spbe2020):
    levels = flat(spbe2020, 2)
    levels.update(dict.fromkeys(range(43, 48), 5))  # +5 × 3 × 300
    levels.update(dict.fromkeys(range(21, 29), 3))  # +8 × 150
    assert index_scaled(levels, spbe2020) == 25_700  # 2.57; one step of 42 adds exactly 0.03
    costs = {42: (JT, JT, JT, JT)}
    roadmap = fastest_roadmap(levels, "Baik", spbe2020, costs, JT, locked=only_free(spbe2020, 42))
    assert roadmap.feasible and roadmap.raises == {42: (2, 3)}
    assert roadmap.index_after == 2.6 and roadmap.predicate_after == "Baik"
    assert roadmap.years[0].predicate_after == "Baik"


# -- the full framework ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ternate(spbe2020):
    """Kota Ternate 2024 (D1 1.80, D2 1.00, D3 1.00, D4 2.74, index 1.89): the reconstruction."""
    levels = reconstruct_levels({1: 1.80, 2: 1.00, 3: 1.00, 4: 2.74}, 1.89, "Cukup", spbe2020)
    return levels, default_costs(spbe2020).mapping()


def test_one_year_roadmaps_are_the_planners_budget_plans(spbe2020, ternate):
    levels, costs = ternate
    budget = 1_200 * JT
    for one_step, max_steps in ((False, None), (True, 1)):
        roadmap = best_roadmap(levels, spbe2020, costs, budget, 1, one_step_per_year=one_step)
        plan = best_plan_within_budget(levels, budget, spbe2020, costs, max_steps=max_steps)
        assert (roadmap.index_after, roadmap.total_cost) == (plan.index_after, plan.total_cost)


def test_ternate_reaches_baik_in_three_years_of_750_juta(spbe2020, ternate):
    levels, costs = ternate
    cheapest = cheapest_plan(levels, "Baik", spbe2020, costs)
    assert cheapest.total_cost == 1_760 * JT  # more than two budgets: three years at least
    free = fastest_roadmap(levels, "Baik", spbe2020, costs, 750 * JT, one_step_per_year=False)
    assert free.feasible and len(free.years) == 3
    assert free.total_cost == cheapest.total_cost
    assert free.index_after >= 2.6 and free.predicate_after == "Baik"
    one = fastest_roadmap(levels, "Baik", spbe2020, costs, 750 * JT, years=5, start_year=2025)
    assert one.feasible and [y.year_number for y in one.years] == [2025, 2026, 2027]
    assert one.total_cost >= cheapest.total_cost
    check_schedule(spbe2020, one, levels, costs, [750 * JT], True, ())
    check_schedule(spbe2020, free, levels, costs, [750 * JT], False, ())
    # deterministic: the same question gives the same answer
    again = fastest_roadmap(levels, "Baik", spbe2020, costs, 750 * JT, years=5, start_year=2025)
    assert again.to_json() == one.to_json()


def test_to_json_has_exactly_the_documented_shape(spbe2020, ternate):
    levels, costs = ternate
    roadmap = fastest_roadmap(levels, "Baik", spbe2020, costs, 750 * JT)
    data = json.loads(json.dumps(roadmap.to_json()))
    assert set(data) == {"feasible", "total_cost", "index_before", "index_after", "years"}
    assert isinstance(data["feasible"], bool) and isinstance(data["total_cost"], int)
    assert data["total_cost"] == roadmap.total_cost
    assert data["index_before"] == index_scaled(levels, spbe2020) / spbe2020.index_denominator
    assert data["index_after"] == roadmap.index_after >= 2.6
    assert [y["year"] for y in data["years"]] == [1, 2, 3]
    for year, original in zip(data["years"], roadmap.years):
        assert set(year) == {"year", "cost", "index_after", "raises"}
        assert isinstance(year["cost"], int) and isinstance(year["index_after"], float)
        assert year["raises"] == {str(n): [a, b] for n, (a, b) in original.raises.items()}
    relabelled = roadmap.to_json(start_year=2025)
    assert [y["year"] for y in relabelled["years"]] == [2025, 2026, 2027]
    assert isinstance(roadmap.years[0], RoadmapYear)


def test_owners_name_the_opd_of_each_step(spbe2020):
    owners = {42: "Dinas Kominfo"}
    roadmap = hand(spbe2020, fastest_roadmap, 1.10, 40 * JT, owners=owners)
    assert roadmap.steps.set_index("indicator")["opd"].to_dict() == {1: None, 42: "Dinas Kominfo"}


# -- refused input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budgets", "years", "message"),
    [
        (-1, 3, "anggaran tahun ke-1 tidak boleh negatif"),
        ([40 * JT, -5], 3, "anggaran tahun ke-2 tidak boleh negatif"),
        ("banyak", 3, "anggaran tahunan harus berupa satu angka"),
        ([40 * JT, "x"], 3, "anggaran tahun ke-2 'x' bukan angka"),
        (float("nan"), 3, "bukan angka yang terhingga"),
        ([], 3, "daftar anggaran tahunan kosong"),
        (40 * JT, 0, "jumlah tahun 0 tidak valid"),
        (40 * JT, 2.5, "jumlah tahun 2.5 tidak valid"),
        (40 * JT, "3", "jumlah tahun '3' tidak valid"),
        (40 * JT, 31, "jumlah tahun 31 tidak valid"),
    ],
)
def test_bad_budgets_and_years_are_refused_in_indonesian(spbe2020, budgets, years, message):
    for call in (
        lambda: hand(spbe2020, best_roadmap, budgets, years),
        lambda: hand(spbe2020, fastest_roadmap, 1.1, budgets, years=years),
    ):
        with pytest.raises(PlannerError, match=message) as caught:
            call()
        assert isinstance(caught.value, SpbeError)
        assert caught.value.message.startswith("Rencana tidak dapat dihitung")


def test_other_bad_input_is_refused(spbe2020):
    with pytest.raises(PlannerError, match="target indeks 5,50 di luar rentang"):
        hand(spbe2020, fastest_roadmap, 5.5, 40 * JT)
    with pytest.raises(PlannerError, match="tahun mulai"):
        hand(spbe2020, best_roadmap, 40 * JT, 2, start_year="2025")
    with pytest.raises(PlannerError, match="satu langkah per tahun"):
        hand(spbe2020, best_roadmap, 40 * JT, 2, one_step_per_year="ya")
    with pytest.raises(PlannerError, match="biaya belum ada"):
        fastest_roadmap(flat(spbe2020), 1.1, spbe2020, HAND_COSTS, 40 * JT)


def test_a_solve_past_the_time_limit_is_refused(spbe2020, ternate, monkeypatch):
    import spbe.core.roadmap as roadmap_module

    monkeypatch.setattr(roadmap_module, "SOLVER_TIME_LIMIT", 0.0)
    levels, costs = ternate
    with pytest.raises(PlannerError, match="batas 0 detik"):
        best_roadmap(levels, spbe2020, costs, 750 * JT, 5)
