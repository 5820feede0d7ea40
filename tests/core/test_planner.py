import itertools
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spbe.core.errors import SpbeError
from spbe.core.framework import FrameworkError
from spbe.core.planner import (
    STEP_COLUMNS,
    Plan,
    PlannerError,
    apply_plan,
    best_plan_within_budget,
    cheapest_plan,
)
from spbe.core.scoring import ScoringError, index_scaled, score

JT = 1_000_000


def flat(fw, level=1, **overrides) -> dict[int, int]:
    profile = dict.fromkeys(fw.indicator_numbers, level)
    profile.update({int(k.removeprefix("i")): v for k, v in overrides.items()})
    return profile


def only_free(fw, *free) -> list[int]:
    """Indicators to lock so that only ``free`` may change."""
    return [n for n in fw.indicator_numbers if n not in free]


def long_frame(profile):
    return pd.DataFrame(
        {
            "instansi": "Rencana",
            "year": 2024,
            "indicator": list(profile),
            "level": list(profile.values()),
        }
    )


# -- hand-computed examples ---------------------------------------------------------------------


def test_ternate_like_all_1_to_1_10_with_unit_costs(spbe2020):
    # Index 1.00; +0.10 needed. The heaviest step gains 0.03 (indicators 42-47), so three steps give
    # at most 0.09 < 0.10: four steps are the minimum. Among four-step plans the largest index wins:
    # 4 x 0.03 = 0.12 (indicator 42 raised 1->5; 43-47 tie and the earlier indicator is raised).
    plan = cheapest_plan(flat(spbe2020), 1.10, spbe2020)
    assert plan.feasible
    assert plan.raises == {42: (1, 5)}
    assert plan.total_cost == 4
    assert plan.total_steps == 4
    assert (plan.index_before, plan.index_after) == (1.0, 1.12)
    assert (plan.predicate_before, plan.predicate_after) == ("Kurang", "Kurang")
    assert plan.target == 1.1


def test_one_step_a_year_spreads_the_raises(spbe2020):
    plan = cheapest_plan(flat(spbe2020), 1.10, spbe2020, max_steps=1)
    assert plan.raises == {42: (1, 2), 43: (1, 2), 44: (1, 2), 45: (1, 2)}
    assert plan.index_after == 1.12


def test_without_the_heaviest_indicators_the_next_weight_is_used(spbe2020):
    # 42-47 locked: steps gain 0.0275 (32-41); 3 x 0.0275 = 0.0825 < 0.10, 4 x 0.0275 = 0.11.
    plan = cheapest_plan(flat(spbe2020), 1.10, spbe2020, locked=range(42, 48))
    assert plan.raises == {32: (1, 5)}
    assert plan.index_after == pytest.approx(1.11, abs=1e-12)


def test_cheapest_is_not_the_greedy_ratio_choice(spbe2020):
    # Free: 11 (0.025/step, 90 per step) and 42 (0.03/step, 100 per step); need +0.05.
    # Greedy by gain per Rupiah takes 42 twice (0.06 for 200); the optimum is 11 twice: 180.
    costs = {11: (90, 90, 90, 90), 42: (100, 100, 100, 100)}
    plan = cheapest_plan(
        flat(spbe2020), 1.05, spbe2020, costs=costs, locked=only_free(spbe2020, 11, 42)
    )
    assert plan.raises == {11: (1, 3)}
    assert plan.total_cost == 180
    assert plan.index_after == 1.05


def test_equal_cost_goes_to_fewer_steps(spbe2020):
    # Need +0.05. 1->5 on indicator 1 (4 x 0.013 = 0.052) costs 40 in 4 steps; 42 1->3 (0.06)
    # costs 40 in 2 steps; 1 1->3 plus 42 1->2 (0.056) costs 40 in 3 steps. Fewest steps wins.
    costs = {1: (10, 10, 10, 10), 42: (20, 20, 20, 20)}
    plan = cheapest_plan(
        flat(spbe2020), 1.05, spbe2020, costs=costs, locked=only_free(spbe2020, 1, 42)
    )
    assert plan.raises == {42: (1, 3)}
    assert (plan.total_cost, plan.total_steps) == (40, 2)


def profile_at_2_57(fw) -> dict[int, int]:
    """All at 2, indicators 11-20 at 4, 11 at 5, 21-23 at 3: 2.00 + 0.50 + 0.025 + 0.045 = 2.57."""
    levels = flat(fw, 2)
    levels.update(dict.fromkeys(range(11, 21), 4) | {11: 5} | dict.fromkeys(range(21, 24), 3))
    return levels


@pytest.mark.parametrize("target", ["Baik", "baik", 2.6, "2,60", Decimal("2.60")])
def test_a_plan_landing_exactly_on_2_60_reaches_baik(spbe2020, target):
    levels = profile_at_2_57(spbe2020)
    assert index_scaled(levels, spbe2020) == 25_700
    assert 2.57 + 0.03 < 2.6  # the float trap the planner must not fall into
    plan = cheapest_plan(levels, target, spbe2020)
    # One step of a 3.00-weight indicator (+0.03) is the only one-step plan reaching 2.60.
    assert plan.feasible
    assert plan.raises == {42: (2, 3)}
    assert plan.index_after == 2.6
    assert plan.predicate_after == "Baik"
    scored = score(long_frame(apply_plan(levels, plan)), spbe2020).iloc[0]
    assert scored["predicate"] == "Baik"


def test_a_target_between_scaled_points_is_rounded_up(spbe2020):
    # 1.03001 is above 1.03 (one 0.03 step): reaching it takes two steps, not one.
    plan = cheapest_plan(flat(spbe2020), 1.03001, spbe2020)
    assert plan.raises == {42: (1, 3)}
    assert plan.index_after == 1.06


def test_target_already_reached_gives_an_empty_plan(spbe2020):
    plan = cheapest_plan(profile_at_2_57(spbe2020), "Cukup", spbe2020)
    assert plan.feasible and plan.raises == {} and plan.total_cost == 0
    assert plan.steps.empty and list(plan.steps.columns) == list(STEP_COLUMNS)
    assert plan.index_after == plan.index_before == 2.57


def test_unreachable_target_reports_the_best_reachable_index(spbe2020):
    # Only 42 free: at most 1.00 + 4 x 0.03 = 1.12 < 1.80 (Cukup), at the cost of all four steps.
    costs = {42: (100 * JT, 250 * JT, 400 * JT, 200 * JT)}
    plan = cheapest_plan(
        flat(spbe2020), "Cukup", spbe2020, costs=costs, locked=only_free(spbe2020, 42)
    )
    assert not plan.feasible
    assert plan.raises == {42: (1, 5)}
    assert plan.index_after == 1.12
    assert plan.total_cost == 950 * JT
    assert plan.target == 1.8


def test_unreachable_because_of_the_level_cap(spbe2020):
    # Everything capped at 2: best index 2.00 < 2.60.
    plan = cheapest_plan(flat(spbe2020), "Baik", spbe2020, max_level=2)
    assert not plan.feasible
    assert plan.index_after == 2.0
    assert all(raise_ == (1, 2) for raise_ in plan.raises.values())
    assert plan.total_steps == 47


def test_budget_by_hand_and_exactly_at_the_boundary(spbe2020):
    # Free: 1 (0.013/step; 35, 25, 40, 30 jt), 11 (0.025; 150, 200, 150, 100 jt),
    # 42 (0.03; 100, 250, 400, 200 jt). Within 200 jt the best is 42 1->2 (100 jt) + 1 1->4
    # (100 jt): +0.069. One Rupiah less: 42 1->2 + 1 1->3 (160 jt), +0.056 (1->5 alone gives 0.052;
    # 11 + 1 1->2 costs 210 jt).
    costs = {
        1: (35 * JT, 25 * JT, 40 * JT, 30 * JT),
        11: (150 * JT, 200 * JT, 150 * JT, 100 * JT),
        42: (100 * JT, 250 * JT, 400 * JT, 200 * JT),
    }
    locked = only_free(spbe2020, 1, 11, 42)
    plan = best_plan_within_budget(flat(spbe2020), 200 * JT, spbe2020, costs, locked=locked)
    assert plan.raises == {1: (1, 4), 42: (1, 2)}
    assert plan.total_cost == 200 * JT
    assert plan.index_after == 1.069
    assert plan.feasible and plan.budget == 200 * JT and plan.target is None
    less = best_plan_within_budget(flat(spbe2020), 200 * JT - 1, spbe2020, costs, locked=locked)
    assert less.raises == {1: (1, 3), 42: (1, 2)}
    assert less.total_cost == 160 * JT
    assert less.index_after == 1.056


def test_budget_of_zero_and_free_steps(spbe2020):
    costs = dict.fromkeys(spbe2020.indicator_numbers, (1.0, 1.0, 1.0, 1.0))
    costs[5] = (0, 0, 7, 7)
    plan = best_plan_within_budget(flat(spbe2020), 0, spbe2020, costs)
    assert plan.raises == {5: (1, 3)}
    assert plan.total_cost == 0


def test_decimal_rupiah_are_handled_exactly(spbe2020):
    # 0.1 + 0.2 > 0.3 in floating point; the planner must still fit both steps into 0.3.
    costs = {1: (0.1, 5, 5, 5), 2: (0.2, 5, 5, 5)}
    plan = best_plan_within_budget(
        flat(spbe2020), 0.3, spbe2020, costs, locked=only_free(spbe2020, 1, 2)
    )
    assert plan.raises == {1: (1, 2), 2: (1, 2)}
    assert plan.total_cost == 0.3


def test_huge_precision_costs_use_exact_python_integers(spbe2020):
    # 18 decimal places: scaled totals exceed int64, so the table runs on Python integers.
    tiny = Decimal("0.000000000000000001")
    base = Decimal("123456789")
    costs = {n: (base, base, base, base) for n in spbe2020.indicator_numbers}
    costs[47] = (base - tiny, base, base, base)
    plan = cheapest_plan(flat(spbe2020), 1.03, spbe2020, costs)
    # Every one-step plan reaching +0.03 uses a 3.00 indicator; 47 is cheaper by 1e-18.
    assert plan.raises == {47: (1, 2)}
    within = best_plan_within_budget(flat(spbe2020), base - tiny, spbe2020, costs)
    assert within.raises == {47: (1, 2)}


def test_pemdi_by_hand(pemdi):
    # Pemdi: index 1.0 -> "Cukup" (1.5) needs +0.50. The heaviest step is 0.15 (indicator 20);
    # three steps give at most 0.45, four give 0.60 on indicator 20 (15+15+15+10 = 0.55 otherwise).
    plan = cheapest_plan(flat(pemdi), "Cukup", pemdi)
    assert plan.raises == {20: (1, 5)}
    assert plan.index_after == 1.6
    assert plan.predicate_after == "Cukup"


# -- the steps table, owners and apply_plan ----------------------------------------------------


def test_steps_have_one_row_per_level_step_with_costs_gains_and_owners(spbe2020):
    costs = {
        11: (150 * JT, 200 * JT, 150 * JT, 100 * JT),
        13: (50 * JT, 75 * JT, 100 * JT, 60 * JT),
    }
    owners = {11: "Diskominfo", 13: "Bappelitbangda"}
    levels = flat(spbe2020, i11=2)  # index 1.025
    plan = cheapest_plan(
        levels, 1.10, spbe2020, costs, locked=only_free(spbe2020, 11, 13), owners=owners
    )
    # +0.075 = three steps of 0.025: 13 1->4 costs 225 jt; 13 1->3 + 11 2->3 costs 325 jt;
    # 13 1->2 + 11 2->4 costs 400 jt; 11 2->5 costs 450 jt. Cheapest: 13 1->4.
    assert plan.raises == {13: (1, 4)}
    assert plan.steps.to_dict("list") == {
        "indicator": [13, 13, 13],
        "from_level": [1, 2, 3],
        "to_level": [2, 3, 4],
        "cost": [50 * JT, 75 * JT, 100 * JT],
        "index_gain": [0.025, 0.025, 0.025],
        "opd": ["Bappelitbangda"] * 3,
    }
    assert plan.total_cost == 225 * JT
    assert plan.index_after == 1.1


def test_opd_is_none_without_owners(spbe2020):
    plan = cheapest_plan(flat(spbe2020), 1.03, spbe2020)
    assert plan.steps["opd"].tolist() == [None]


def test_inputs_are_not_modified(spbe2020):
    levels = flat(spbe2020)
    costs = {n: [1, 2, 3, 4] for n in spbe2020.indicator_numbers}
    owners = {1: "Diskominfo"}
    copies = (dict(levels), {k: list(v) for k, v in costs.items()}, dict(owners))
    plan = cheapest_plan(levels, "Cukup", spbe2020, costs, owners=owners)
    apply_plan(levels, plan)
    assert (levels, costs, owners) == copies


def test_apply_plan_refuses_another_profile(spbe2020):
    plan = cheapest_plan(flat(spbe2020), 1.03, spbe2020)
    with pytest.raises(PlannerError, match="profil lain"):
        apply_plan(flat(spbe2020, 2), plan)


def test_plan_checks_its_own_consistency(spbe2020):
    plan = cheapest_plan(flat(spbe2020), 1.03, spbe2020)
    with pytest.raises(PlannerError, match="tidak cocok"):
        Plan(
            raises={42: (1, 3)},
            steps=plan.steps,
            total_cost=1,
            index_before=1,
            index_after=1.03,
            predicate_before="Kurang",
            predicate_after="Kurang",
            feasible=True,
        )


# -- validation ----------------------------------------------------------------------------------


def test_incomplete_or_invalid_profile_is_a_scoring_error(spbe2020):
    levels = flat(spbe2020)
    del levels[7]
    levels[8] = 6
    with pytest.raises(ScoringError) as info:
        cheapest_plan(levels, "Baik", spbe2020)
    assert "indikator 7: tidak ada nilainya." in info.value.problems
    assert any("indikator 8: tingkat 6" in p for p in info.value.problems)


def test_missing_costs_are_named_only_for_indicators_that_may_change(spbe2020):
    costs = {n: (1, 1, 1, 1) for n in spbe2020.indicator_numbers if n not in (3, 9)}
    with pytest.raises(PlannerError, match=r"biaya belum ada .*: 3, 9\."):
        cheapest_plan(flat(spbe2020), "Baik", spbe2020, costs)
    # locked or already at the cap: no cost needed
    plan = cheapest_plan(flat(spbe2020, i9=5), "Cukup", spbe2020, costs, locked=[3])
    assert plan.feasible


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((1, -5, 1, 1), r"indikator 4 langkah 2→3 tidak boleh negatif"),
        ((1, "mahal", 1, 1), r"indikator 4 langkah 2→3 'mahal' bukan angka"),
        ((1, float("nan"), 1, 1), r"indikator 4 langkah 2→3 nan bukan angka yang terhingga"),
        ((1, True, 1, 1), r"bukan angka"),
        ((1, 1, 1), r"indikator 4: ada 3 nilai, seharusnya 4"),
        ("1111", r"indikator 4: harus berupa daftar 4 biaya"),
    ],
)
def test_bad_costs_are_named(spbe2020, row, message):
    costs = {n: (1, 1, 1, 1) for n in spbe2020.indicator_numbers}
    costs[4] = row
    with pytest.raises(PlannerError, match=message):
        cheapest_plan(flat(spbe2020), "Baik", spbe2020, costs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"locked": [48]}, r"indikator terkunci 48 tidak dikenal dalam spbe-2020"),
        ({"max_level": 6}, r"tingkat maksimum 6 tidak valid"),
        ({"max_level": {3: 0}}, r"tingkat maksimum indikator 3: 0 tidak valid"),
        ({"max_level": {99: 3}}, r"tingkat maksimum: indikator 99 tidak dikenal"),
        ({"max_steps": -1}, r"batas langkah per indikator -1 tidak valid"),
        ({"max_steps": 1.5}, r"batas langkah per indikator 1.5 tidak valid"),
        ({"costs": {48: (1, 1, 1, 1)}}, r"biaya: indikator 48 tidak dikenal"),
    ],
)
def test_bad_constraints_are_named(spbe2020, kwargs, message):
    with pytest.raises(PlannerError, match=message):
        cheapest_plan(flat(spbe2020), "Baik", spbe2020, **kwargs)


def test_all_problems_are_listed_at_once(spbe2020):
    with pytest.raises(PlannerError) as info:
        cheapest_plan(flat(spbe2020), "Baik", spbe2020, locked=[0], max_steps=-2, max_level=9)
    assert len(info.value.problems) == 3


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        ("Istimewa", FrameworkError, r"Predikat 'Istimewa' tidak dikenal"),
        (5.5, PlannerError, r"target indeks 5,50 di luar rentang 1–5"),
        (0.5, PlannerError, r"di luar rentang"),
        (float("inf"), PlannerError, r"bukan angka yang terhingga"),
        (None, PlannerError, r"nilai indeks atau nama predikat"),
        (True, PlannerError, r"nilai indeks atau nama predikat"),
    ],
)
def test_bad_targets(spbe2020, target, error, message):
    with pytest.raises(error, match=message):
        cheapest_plan(flat(spbe2020), target, spbe2020)


@pytest.mark.parametrize("budget", [-1, float("nan"), "satu miliar", None])
def test_bad_budgets(spbe2020, budget):
    with pytest.raises(PlannerError, match="anggaran"):
        best_plan_within_budget(flat(spbe2020), budget, spbe2020)


def test_errors_are_value_errors_with_indonesian_text(spbe2020):
    with pytest.raises(SpbeError, match="Rencana tidak dapat dihitung"):
        cheapest_plan(flat(spbe2020), "Baik", spbe2020, locked=[99])


# -- brute force on random small instances --------------------------------------------------------


@st.composite
def small_instances(draw, fw_fixture="spbe2020"):
    """Random profile, 1-6 free indicators, random costs (whole or 2-decimal Rupiah) and caps."""
    numbers = st.sampled_from(list(range(1, 48)))
    free = draw(st.lists(numbers, min_size=1, max_size=6, unique=True))
    levels = {n: draw(st.integers(1, 5)) for n in range(1, 48)}
    decimals = draw(st.booleans())
    amount = (
        st.integers(0, 400).map(lambda x: Decimal(x) / 4)
        if decimals
        else st.integers(0, 500).map(lambda x: x * JT)
    )
    costs = {n: tuple(draw(st.lists(amount, min_size=4, max_size=4))) for n in free}
    max_level = draw(
        st.one_of(st.integers(1, 5), st.dictionaries(st.sampled_from(free), st.integers(1, 5)))
    )
    max_steps = draw(st.one_of(st.none(), st.integers(0, 4)))
    return levels, free, costs, max_level, max_steps


def enumerate_plans(fw, levels, free, costs, max_level, max_steps):
    """Every combination of raises of the free indicators: (gain_scaled, cost, steps, raises)."""
    ranges = []
    for n in free:
        cap = max_level.get(n, fw.max_level) if isinstance(max_level, dict) else max_level
        if max_steps is not None:
            cap = min(cap, levels[n] + max_steps)
        ranges.append(range(max(cap - levels[n], 0) + 1))
    plans = []
    for ks in itertools.product(*ranges):
        gain = sum(fw.weight_int(n) * k for n, k in zip(free, ks))
        cost = sum(
            (Fraction(costs[n][levels[n] - 1 + s]) for n, k in zip(free, ks) for s in range(k)),
            Fraction(0),
        )
        plans.append((gain, cost, sum(ks), {n: k for n, k in zip(free, ks) if k}))
    return plans


def plan_cost(plan) -> Fraction:
    return Fraction(plan.total_cost).limit_denominator(10**6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances(), target_hundredths=st.integers(100, 500))
def test_cheapest_plan_matches_brute_force(spbe2020, instance, target_hundredths):
    levels, free, costs, max_level, max_steps = instance
    locked = only_free(spbe2020, *free)
    target = target_hundredths / 100
    plan = cheapest_plan(levels, target, spbe2020, costs, max_level, locked, max_steps)
    plans = enumerate_plans(spbe2020, levels, free, costs, max_level, max_steps)
    before = index_scaled(levels, spbe2020)
    need = target_hundredths * 100 - before
    reaching = [p for p in plans if p[0] >= need]
    assert plan.feasible == bool(reaching)
    if reaching:
        best = min(reaching, key=lambda p: (p[1], p[2], -p[0]))
    else:
        best = max(plans, key=lambda p: (p[0], -p[1], -p[2]))
    assert plan_cost(plan) == best[1]
    assert plan.total_steps == best[2]
    assert round((plan.index_after - plan.index_before) * 10_000) == best[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances(), budget_quarters=st.integers(0, 8_000_000_000))
def test_best_plan_within_budget_matches_brute_force(spbe2020, instance, budget_quarters):
    levels, free, costs, max_level, max_steps = instance
    locked = only_free(spbe2020, *free)
    budget = Decimal(budget_quarters) / 4 if budget_quarters % 7 else budget_quarters / 4
    plan = best_plan_within_budget(levels, budget, spbe2020, costs, max_level, locked, max_steps)
    plans = enumerate_plans(spbe2020, levels, free, costs, max_level, max_steps)
    fitting = [p for p in plans if p[1] <= Fraction(budget)]
    best = max(fitting, key=lambda p: (p[0], -p[1], -p[2]))
    assert round((plan.index_after - plan.index_before) * 10_000) == best[0]
    assert plan_cost(plan) == best[1]
    assert plan.total_steps == best[2]


def test_brute_force_with_unit_costs_on_pemdi(pemdi):
    rng = np.random.default_rng(59)
    for _ in range(40):
        free = [int(x) for x in rng.choice(pemdi.indicator_numbers, size=5, replace=False)]
        levels = {n: int(rng.integers(1, 6)) for n in pemdi.indicator_numbers}
        target = int(rng.integers(100, 501)) / 100
        locked = only_free(pemdi, *free)
        plan = cheapest_plan(levels, target, pemdi, locked=locked)
        unit = {n: (1, 1, 1, 1) for n in free}
        plans = enumerate_plans(pemdi, levels, free, unit, 5, None)
        need = round(target * pemdi.index_denominator) - index_scaled(levels, pemdi)
        reaching = [p for p in plans if p[0] >= need]
        if reaching:
            assert plan.total_steps == min(p[2] for p in reaching)
        else:
            assert not plan.feasible and plan.total_steps == max(p[2] for p in plans)


# -- properties on all 47 indicators --------------------------------------------------------------


@st.composite
def full_instances(draw):
    levels = {n: draw(st.integers(1, 5)) for n in range(1, 48)}
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    costs = {n: tuple(int(x) * JT for x in rng.integers(10, 800, size=4)) for n in range(1, 48)}
    return levels, costs


BANDS = ["Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"]


@settings(max_examples=40, deadline=None)
@given(instance=full_instances(), band=st.sampled_from(BANDS[1:]))
def test_the_planned_profile_scored_by_score_reaches_the_target(spbe2020, instance, band):
    levels, costs = instance
    plan = cheapest_plan(levels, band, spbe2020, costs)
    assert plan.feasible  # everything free: any band is reachable
    scored = score(long_frame(apply_plan(levels, plan)), spbe2020).iloc[0]
    assert BANDS.index(scored["predicate"]) >= BANDS.index(band)
    assert scored["index"] == plan.index_after
    assert scored["predicate"] == plan.predicate_after
    assert plan.total_cost == plan.steps["cost"].sum()
    for indicator, (frm, to) in plan.raises.items():
        rows = plan.steps[plan.steps["indicator"] == indicator]
        assert rows["from_level"].tolist() == list(range(frm, to))
        assert rows["cost"].tolist() == list(costs[indicator][frm - 1 : to - 1])
    # a budget equal to the cheapest plan's cost buys at least as much index
    within = best_plan_within_budget(levels, plan.total_cost, spbe2020, costs)
    assert within.total_cost <= plan.total_cost
    assert within.index_after >= plan.index_after


@settings(max_examples=40, deadline=None)
@given(
    instance=full_instances(),
    budgets=st.lists(st.integers(0, 20_000), min_size=2, max_size=2).map(sorted),
)
def test_a_bigger_budget_never_lowers_the_best_gain(spbe2020, instance, budgets):
    levels, costs = instance
    small, large = (best_plan_within_budget(levels, b * JT, spbe2020, costs) for b in budgets)
    assert small.index_after <= large.index_after
    assert small.total_cost <= budgets[0] * JT and large.total_cost <= budgets[1] * JT


@settings(max_examples=40, deadline=None)
@given(
    instance=full_instances(),
    locked=st.lists(st.integers(1, 47), max_size=20, unique=True),
    cap=st.integers(1, 5),
    per_indicator=st.dictionaries(st.integers(1, 47), st.integers(1, 5), max_size=10),
    max_steps=st.one_of(st.none(), st.integers(0, 3)),
    target=st.integers(150, 420),
)
def test_plans_respect_locked_max_level_and_max_steps(
    spbe2020, instance, locked, cap, per_indicator, max_steps, target
):
    levels, costs = instance
    max_level = per_indicator or cap
    for plan in (
        cheapest_plan(levels, target / 100, spbe2020, costs, max_level, locked, max_steps),
        best_plan_within_budget(levels, 5_000 * JT, spbe2020, costs, max_level, locked, max_steps),
    ):
        for indicator, (frm, to) in plan.raises.items():
            assert indicator not in locked
            assert frm == levels[indicator] < to
            limit = per_indicator.get(indicator, 5) if per_indicator else cap
            assert to <= limit
            if max_steps is not None:
                assert to - frm <= max_steps


@settings(max_examples=30, deadline=None)
@given(instance=full_instances(), targets=st.lists(st.integers(100, 500), min_size=2, max_size=2))
def test_a_higher_target_never_costs_less(spbe2020, instance, targets):
    levels, costs = instance
    low, high = (cheapest_plan(levels, t / 100, spbe2020, costs) for t in sorted(targets))
    assert low.total_cost <= high.total_cost


def test_same_request_gives_the_same_plan(spbe2020):
    rng = np.random.default_rng(7)
    costs = {n: tuple(int(x) * JT for x in rng.integers(10, 800, size=4)) for n in range(1, 48)}
    first = cheapest_plan(flat(spbe2020), "Baik", spbe2020, costs)
    second = cheapest_plan(flat(spbe2020), "Baik", spbe2020, costs)
    assert first.raises == second.raises
    pd.testing.assert_frame_equal(first.steps, second.steps)
