"""The Perencana Anggaran's roadmap under annual budgets, without Streamlit: Rupiah as people type
it, the settings, the roadmap as a plan and as tables, and a scenario that keeps it (saved and
read back through the store; older scenarios without one still load)."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from spbe.core.errors import SpbeError
from spbe.core.framework import load_framework
from spbe.core.planner import apply_plan, cheapest_plan
from spbe.core.scenario import Scenario
from spbe.files.plans import rka_workbook
from spbe.planning.plan import (
    PlanSettings,
    RoadmapPlan,
    compare_scenarios,
    opd_leads,
    plan_by_opd,
    plan_record,
    plan_steps_table,
    roadmap_table,
    roadmap_year_steps,
    run_plan,
    saved_roadmap,
    settings_widgets,
)
from spbe.planning.session import new_session, scenario_of, start_options
from spbe.planning.tables import (
    BudgetError,
    budgets_input,
    budgets_text,
    comparison_display,
    parse_budgets,
    parse_rupiah,
    roadmap_display,
    roadmap_summary,
)
from spbe.store import indicator_levels, opd_table, open_store, owner_table
from spbe.store.scenarios import get_scenario, load_costs, save_scenario

JT = 1_000_000
ORIGIN = ("kota-ternate", 2024)
ROADMAP = PlanSettings(target="Baik", one_step=True, annual_budgets=(750 * JT,), years=5)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    con = open_store(tmp_path_factory.mktemp("roadmap") / "spbe.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def fw():
    return load_framework("spbe-2020")


@pytest.fixture(scope="module")
def start(store):
    return start_options(indicator_levels(store, "kota-ternate"), "kota-ternate", 2024)[0]


@pytest.fixture(scope="module")
def costs(store, fw):
    return load_costs(store, "kota-ternate", fw)


@pytest.fixture(scope="module")
def leads(store, start, fw):
    opd, owners = opd_table(store, "kota-ternate"), owner_table(store, "kota-ternate")
    return opd_leads(start.profile(), owners, opd, fw)


@pytest.fixture(scope="module")
def planned(start, fw, costs):
    return run_plan(start.profile(), ROADMAP, fw, costs.mapping(), None, 2025)


# -- Rupiah typed by people ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amounts"),
    [
        ("750000000", (750 * JT,)),
        ("750.000.000", (750 * JT,)),
        ("Rp 750.000.000", (750 * JT,)),
        ("rp750.000.000,00", (750 * JT,)),
        ("Rp 750.000.000,-", (750 * JT,)),
        ("750 juta", (750 * JT,)),
        ("750jt", (750 * JT,)),
        ("1,5 miliar", (1_500 * JT,)),
        ("1.5 Miliar", (1_500 * JT,)),
        ("1.500 juta", (1_500 * JT,)),
        ("2 ribu", (2_000,)),
        ("0", (0,)),
        ("750.000.000; 800.000.000", (750 * JT, 800 * JT)),
        ("750000000,800000000", (750 * JT, 800 * JT)),
        ("750 juta, 1,25 miliar;", (750 * JT, 1_250 * JT)),
        ("  Rp 1 miliar ;\n Rp 2 miliar ", (1_000 * JT, 2_000 * JT)),
    ],
)
def test_rupiah_as_people_type_it(typed, amounts):
    assert parse_budgets(typed) == amounts


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "belum diisi"),
        ("abc", "tidak dapat dibaca sebagai Rupiah"),
        ("Rp", "tidak dapat dibaca sebagai Rupiah"),
        ("750 000 000", "tidak dapat dibaca sebagai Rupiah"),  # spaces are no separator
        ("1.5", "tidak dapat dibaca sebagai Rupiah"),  # a decimal point needs a scale word
        ("750 jutaan", "tidak dapat dibaca sebagai Rupiah"),
        ("-750000000", "tidak boleh negatif"),
        ("Rp −750 juta", "tidak boleh negatif"),
        ("750 juta; -1", "tidak boleh negatif"),
        ("1,5", "Rupiah utuh"),  # Rp 1,50 or two budgets? refused, with the way to say 1,5 miliar
        ("1,2345 ribu", "Rupiah utuh"),
        ("1,500,000", "pemisah ribuan memakai titik"),
        ("2000 triliun", "terlalu besar"),
        (";".join(["1"] * 31), "paling banyak 30 angka"),
    ],
)
def test_bad_rupiah_is_refused_in_indonesian(typed, message):
    with pytest.raises(BudgetError, match=message):
        parse_budgets(typed, "Anggaran per tahun")


def test_one_rupiah_figure_and_budgets_as_text():
    assert parse_rupiah("Rp 1,5 miliar") == 1_500 * JT
    with pytest.raises(BudgetError, match="satu angka Rupiah, bukan 2"):
        parse_rupiah("1 juta; 2 juta")
    assert budgets_text((750 * JT,)) == "Rp 750.000.000 per tahun"
    assert budgets_text((750 * JT, 800 * JT), 2025) == (
        "2025: Rp 750.000.000; 2026: Rp 800.000.000 (selanjutnya Rp 800.000.000 per tahun)"
    )
    assert budgets_input((750 * JT, 800 * JT)) == "750.000.000; 800.000.000"
    assert parse_budgets(budgets_input((750 * JT, 1))) == (750 * JT, 1)


# -- settings ------------------------------------------------------------------------------------


def test_roadmap_settings_are_checked_described_and_shown_in_widgets(fw):
    with pytest.raises(SpbeError, match="Isi jumlah tahun"):
        PlanSettings(mode="anggaran", annual_budgets=(750 * JT,))
    with pytest.raises(SpbeError, match="tidak boleh negatif"):
        PlanSettings(target="Baik", annual_budgets=(-1,))
    with pytest.raises(SpbeError, match="1–30"):
        PlanSettings(target="Baik", annual_budgets=(1,), years=31)
    best = PlanSettings(mode="anggaran", annual_budgets=(750 * JT, 800 * JT), years=4)
    assert best.is_roadmap and best.horizon == 4 and best.budget is None
    assert not PlanSettings(target="Baik").is_roadmap
    assert PlanSettings(target="Baik", annual_budgets=(1,)).horizon == 10  # the core's default
    lines = dict(ROADMAP.describe(fw, 2025))
    assert lines["Anggaran per tahun"] == "Rp 750.000.000 per tahun"
    assert lines["Jangka waktu"].startswith("paling lama 5 tahun")
    assert lines["Satu tingkat per tahun"] == "ya (paling banyak 1 langkah per indikator per tahun)"
    assert dict(best.describe(fw))["Yang dicari"] == "Indeks tertinggi setelah 4 tahun"
    widgets = settings_widgets(best, fw)
    assert widgets["plan_annual"] is True and widgets["plan_years"] == 4
    assert widgets["plan_annual_budgets"] == "750.000.000; 800.000.000"
    assert "plan_annual" not in settings_widgets(PlanSettings(target="Baik"), fw)


# -- the roadmap as a plan and as tables ---------------------------------------------------------


def test_the_roadmap_to_baik_with_rp_750_juta_a_year(planned, start, fw, costs, leads):
    assert isinstance(planned, RoadmapPlan)
    road = planned.roadmap
    # fewest years 3 (two would need Rp 2.090 jt with at most 2 steps each > 2 × Rp 750 jt),
    # cheapest Rp 1.780 jt (= the cheapest plan with at most 3 steps per indicator)
    assert [y.year_number for y in road.years] == [2025, 2026, 2027]
    assert planned.total_cost == road.total_cost == 1_780 * JT
    limited = cheapest_plan(start.profile(), "Baik", fw, costs.mapping(), max_steps=3)
    assert limited.total_cost == planned.total_cost
    assert all(y.cost <= y.budget == 750 * JT for y in road.years)
    assert planned.raises == road.raises and planned.predicate_after == "Baik"
    assert float(planned.steps["cost"].sum()) == planned.total_cost
    after = apply_plan(start.profile(), planned)  # "Terapkan ke simulasi" works unchanged
    assert after[9] == 4 and after[1] == 5  # 9: 1→4 and 1: 2→5 in three one-level years
    by_opd = plan_by_opd(planned, fw, leads)
    assert by_opd["cost"].sum() == planned.total_cost
    assert len(plan_steps_table(planned, fw)) == planned.total_steps == 46


def test_roadmap_tables_year_by_year(planned, fw):
    table = roadmap_table(planned.roadmap)
    assert list(table["year"]) == [2025, 2026, 2027]
    assert table["cost"].sum() == 1_780 * JT
    assert list(table["raised"]) == [len(y.raises) for y in planned.roadmap.years]
    shown = roadmap_display(table)
    assert list(shown.columns) == [
        "Tahun", "Indikator naik", "Biaya", "Anggaran", "Sisa anggaran", "Indeks sesudah",
        "Predikat sesudah",
    ]  # fmt: skip
    assert shown["Anggaran"].tolist() == ["Rp 750.000.000"] * 3
    assert shown["Indeks sesudah"].iloc[-1] == "2,60"
    assert shown["Predikat sesudah"].iloc[-1] == "Baik"
    first = roadmap_year_steps(planned.roadmap, fw, 2025)
    assert first["cost"].sum() == table["cost"].iloc[0]
    assert first["indicator"].is_monotonic_increasing
    assert (first["to_level"] - first["from_level"] == 1).all()
    assert first.loc[first["indicator"] == 13, "name"].iloc[0] == (fw.indicator(13).short_name)
    assert roadmap_summary(table, "Baik", True) == (
        "Baik tercapai pada 2027, dalam 3 tahun: indeks 2,60 (Baik). Biaya Rp 1.780.000.000 "
        "dari anggaran Rp 2.250.000.000 untuk tahun-tahun itu."
    )
    assert roadmap_summary(table.iloc[:0], "Baik", True).startswith("Target sudah tercapai")


def test_the_best_index_in_two_years_and_an_unreachable_target(start, fw, costs):
    best = PlanSettings(mode="anggaran", annual_budgets=(400 * JT,), years=2, one_step=True)
    plan = run_plan(start.profile(), best, fw, costs.mapping(), None, 2025)
    assert plan.feasible and plan.target is None and len(plan.roadmap.years) == 2
    assert all(y.cost <= 400 * JT for y in plan.roadmap.years)
    far = PlanSettings(target="Memuaskan", annual_budgets=(400 * JT,), years=1, one_step=True)
    short = run_plan(start.profile(), far, fw, costs.mapping(), None, 2025)
    assert not short.feasible
    assert short.index_after == pytest.approx(2.098)  # the best within Rp 400 jt, one step each


# -- scenarios -----------------------------------------------------------------------------------


def test_a_scenario_with_a_roadmap_round_trips_through_the_store(store, planned, start, fw, costs):
    session = new_session(start, ORIGIN)
    scenario = scenario_of(session, "Baik dalam 3 tahun", "", costs, planned, ROADMAP)
    record = scenario.plan
    assert record["annual_budgets"] == [750 * JT] and record["years"] == 5
    assert record["roadmap"]["total_cost"] == 1_780 * JT
    assert [y["budget"] for y in record["roadmap"]["years"]] == [750 * JT] * 3
    assert scenario.levels == apply_plan(start.profile(), planned)
    scenario_id = save_scenario(store, scenario, actor="Rina")
    loaded = get_scenario(store, scenario_id)
    assert loaded.plan == record
    table = saved_roadmap(loaded.plan)
    expected = roadmap_table(planned.roadmap)
    assert table["year"].tolist() == expected["year"].tolist()
    assert table["cost"].tolist() == expected["cost"].tolist()
    assert table["budget"].tolist() == [750 * JT] * 3
    assert table["indicators"].tolist() == expected["indicators"].tolist()
    assert table["index_after"].tolist() == pytest.approx(expected["index_after"].tolist())
    assert table["predicate_after"].tolist() == ["Cukup", "Cukup", "Baik"]
    assert roadmap_display(table)["Biaya"].tolist() == roadmap_display(expected)["Biaya"].tolist()

    single = run_plan(start.profile(), PlanSettings(target="Baik"), fw, costs.mapping())
    old = plan_record(single, PlanSettings(target="Baik"))
    assert "roadmap" not in old and "annual_budgets" not in old  # as scenarios were saved before
    older = Scenario(
        "kota-ternate", 2024, fw.id, "Rencana lama", start.provenance, start.profile(),
        apply_plan(start.profile(), single), plan=old,
    )  # fmt: skip
    loaded_old = get_scenario(store, save_scenario(store, older, actor="Rina"))
    assert saved_roadmap(loaded_old.plan) is None and saved_roadmap(None) is None
    assert saved_roadmap({"roadmap": {"years": [{"year": "x"}]}}) is None  # damaged: ignored
    comparison = compare_scenarios([loaded, loaded_old]).set_index("name")
    assert comparison.loc["Baik dalam 3 tahun", "cost"] == 1_780 * JT
    assert comparison.loc["Rencana lama", "cost"] == 1_760 * JT
    shown = comparison_display(comparison.reset_index(), fw)
    assert shown.loc["Peta jalan", "Baik dalam 3 tahun"] == "3 tahun (2025–2027)"
    assert shown.loc["Peta jalan", "Rencana lama"] == "–"


def test_the_rka_workbook_of_a_roadmap_states_its_budgets(planned, start, fw, costs, leads):
    data = rka_workbook(
        planned, fw, ROADMAP, instansi_name="Kota Ternate", start=start, leads=leads,
        cost_caption=costs.caption(), made_at=datetime(2026, 1, 5, 9, 30),
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    lines = {row[0]: row[1] for row in book["Asumsi"].iter_rows(values_only=True)}
    assert lines["Anggaran per tahun"] == "Rp 750.000.000 per tahun"
    assert lines["Biaya total"] == "Rp 1.780.000.000"
