"""Trial costs ("biaya coba") without Streamlit: cost cells typed as people write Rupiah, read back
from the cost editor; trial costs over the office's table; kept inside a scenario (saved and read
back through a real DuckDB store) and restored from it; a saved plan's settings read back.

Decided forms of a cost cell (``parse_rupiah``): whole Rupiah with thousands points or plain
digits, optional "Rp", a scale word (ribu/rb, juta/jt, miliar/milyar, triliun; "35 jt" is read as
35 juta, the usual abbreviation) with a decimal comma before it ("1,5 miliar"); refused: decimals
without a scale word ("1,5"), thousands commas, misplaced points ("35.000.00"), negatives, text,
an empty cell, two figures in one cell, "M" or "rb." as scale."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from spbe import store as spbe_store
from spbe.core.costs import CostError
from spbe.core.framework import load_framework
from spbe.core.provenance import Provenance
from spbe.core.scenario import Scenario
from spbe.planning.plan import PlanSettings, plan_record, run_plan, settings_of_record
from spbe.planning.session import (
    TrialCosts,
    changed_rows,
    costs_record,
    is_trial,
    new_session,
    scenario_of,
    start_options,
    trial_costs,
    trial_from_scenario,
)
from spbe.planning.tables import (
    COST_EXAMPLES,
    BudgetError,
    CostEntryError,
    costs_display,
    costs_editor_frame,
    costs_from_editor,
    parse_rupiah,
)
from spbe.store.scenarios import get_scenario, load_costs, save_scenario

JT = 1_000_000
ORIGIN = ("kota-ternate", 2024)


@pytest.fixture
def con(store_copy):
    connection = spbe_store.open_store(store_copy, seed=False)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def fw():
    return load_framework("spbe-2020")


@pytest.fixture
def office(con, fw):
    return load_costs(con, "kota-ternate", fw)


@pytest.fixture
def start(con):
    levels = spbe_store.indicator_levels(con, "kota-ternate")
    return start_options(levels, "kota-ternate", 2024)[0]


# -- one cost cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("35000000", 35 * JT),
        ("35.000.000", 35 * JT),
        ("Rp 35.000.000", 35 * JT),
        ("Rp35.000.000", 35 * JT),
        ("rp. 35.000.000", 35 * JT),
        ("  Rp 35.000.000  ", 35 * JT),
        ("35.000.000,00", 35 * JT),
        ("35.000.000,-", 35 * JT),
        ("35 juta", 35 * JT),
        ("35 Juta", 35 * JT),
        ("35juta", 35 * JT),
        ("35 jt", 35 * JT),  # decided: "jt" is juta
        ("2,5 juta", 2_500_000),
        ("750 ribu", 750_000),
        ("750 rb", 750_000),
        ("1,5 miliar", 1_500_000_000),
        ("1,5 Milyar", 1_500_000_000),
        ("Rp 1,25 miliar", 1_250_000_000),
        ("0", 0),
        ("Rp 0", 0),
    ],
)
def test_a_cost_cell_as_people_type_it(typed, amount):
    assert parse_rupiah(typed, "Biaya", COST_EXAMPLES) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("35.000.00", "'35.000.00' tidak dapat dibaca sebagai Rupiah"),
        ("35.0000", "tidak dapat dibaca sebagai Rupiah"),
        ("-5 juta", "tidak boleh negatif"),
        ("Rp -35.000.000", "tidak boleh negatif"),
        ("abc", "'abc' tidak dapat dibaca sebagai Rupiah"),
        ("1,5 M", "Rupiah utuh"),  # "M" is no scale word: a decimal comma without one
        ("1e6", "tidak dapat dibaca sebagai Rupiah"),
        ("", "belum diisi"),
        (None, "belum diisi"),
        ("1,5", "Rupiah utuh"),
        ("35,000,000", "pemisah ribuan memakai titik"),
        ("35 juta; 40 juta", "tulis satu angka Rupiah, bukan 2"),
        ("2000 triliun", "terlalu besar"),
    ],
)
def test_a_bad_cost_cell_is_refused_in_indonesian(typed, message):
    with pytest.raises(BudgetError, match=message) as caught:
        parse_rupiah(typed, "Biaya", COST_EXAMPLES)
    assert "beberapa tahun" not in str(caught.value)  # one figure: nothing about several years
    if "dibaca" in message or "belum" in message:
        assert COST_EXAMPLES in str(caught.value)


# -- the cost editor ----------------------------------------------------------------------------


def _edited(costs, fw, cells: dict[tuple[int, str], object]) -> pd.DataFrame:
    frame = costs_editor_frame(costs, fw)
    for (indicator, column), typed in cells.items():
        frame.loc[frame["Indikator"] == indicator, column] = typed
    return frame


def test_the_editor_shows_rupiah_and_reads_every_form_back(office, fw):
    frame = costs_editor_frame(office, fw)
    row = frame[frame["Indikator"] == 13].iloc[0]
    assert (row["1→2"], row["2→3"], row["Asal"]) == ("Rp 50.000.000", "Rp 75.000.000", "Ilustrasi")
    cells = {(13, "1→2"): "35 jt", (13, "2→3"): "1,5 miliar", (14, "4→5"): "Rp 0"}
    tried = costs_from_editor(_edited(office, fw, cells), office, fw)
    assert tried[13][:2] == (35 * JT, 1_500 * JT) and tried[14][3] == 0
    assert {n: v for n, v in tried.items() if n not in (13, 14)} == {
        n: v for n, v in office.mapping().items() if n not in (13, 14)
    }


def test_bad_cells_are_all_named_with_indicator_column_and_rule(office, fw):
    cells = {(13, "1→2"): "35.000.00", (14, "3→4"): "-5 juta", (20, "4→5"): "abc", (21, "1→2"): ""}
    with pytest.raises(CostEntryError) as caught:
        costs_from_editor(_edited(office, fw, cells), office, fw)
    problems = caught.value.problems
    assert len(problems) == 4
    name13 = fw.indicator(13).short_name
    assert problems[0].startswith(f"Indikator 13 ({name13}), kolom 1→2: '35.000.00' tidak dapat")
    assert "Indikator 14 (" in problems[1] and "kolom 3→4: tidak boleh negatif" in problems[1]
    assert "kolom 4→5: 'abc'" in problems[2] and "kolom 1→2: belum diisi" in problems[3]
    assert str(caught.value).startswith("Biaya tidak diubah; perbaiki sel berikut (biaya ditulis")
    assert "Rupiah utuh dan tidak negatif" in str(caught.value)


def test_rows_cannot_be_added_or_reordered(office, fw):
    frame = costs_editor_frame(office, fw)
    with pytest.raises(CostEntryError, match="tidak boleh ditambah"):
        costs_from_editor(frame.iloc[::-1], office, fw)


# -- trial costs over the office's table -----------------------------------------------------------


def test_trial_costs_mark_what_differs_from_the_office_table(office, fw):
    assert trial_costs(office, office.mapping(), fw) is None  # the same figures: no trial
    tried = office.mapping() | {21: (10 * JT, *office.mapping()[21][1:])}
    trial = trial_costs(office, tried, fw)
    assert isinstance(trial, TrialCosts) and is_trial(trial) and not is_trial(office)
    assert trial.changed == (21,) and trial.mapping() == tried and not trial.stored
    assert trial.row_provenance[21] == Provenance.MANDIRI
    assert trial.row_provenance[22] == Provenance.ILUSTRASI
    assert trial.caption() == (
        "Biaya coba — hanya untuk sesi ini, tidak disimpan ke tabel biaya kantor: 1 dari 47 "
        "indikator berbeda dari tabel biaya kantor; indikator lain mengikuti tabel biaya kantor "
        "(Ilustrasi)."
    )
    shown = costs_display(trial, fw).set_index("Indikator")
    assert shown.loc[21, "Asal"] == "Biaya coba" and shown.loc[21, "1→2"] == "Rp 10.000.000"
    assert changed_rows(office.mapping(), tried) == (21,)
    assert (
        changed_rows(office.mapping(), office.mapping() | {21: (40 * JT + 0.004, *tried[21][1:])})
        == ()
    )
    with pytest.raises(CostError):
        trial_costs(office, {n: v for n, v in tried.items() if n != 5}, fw)  # incomplete


def test_a_scenario_keeps_trial_costs_and_gives_them_back(con, office, fw, start):
    tried = office.mapping() | {13: (20 * JT, *office.mapping()[13][1:])}
    trial = trial_costs(office, tried, fw)
    settings = PlanSettings(target="Baik")
    plan = run_plan(start.profile(), settings, fw, trial.mapping())
    assert plan.total_cost == 1_730 * JT  # 13's step 1→2 is in the cheapest plan: − Rp 30 jt
    session = new_session(start, ORIGIN)
    scenario = scenario_of(session, "Coba 13", "", trial, plan, settings)
    assert scenario.costs == costs_record(trial)
    assert scenario.costs["trial"] is True and scenario.costs["trial_rows"] == [13]
    saved = get_scenario(con, save_scenario(con, scenario))
    back = trial_from_scenario(saved, load_costs(con, "kota-ternate", fw))
    assert back.mapping() == tried and back.changed == (13,)
    assert back.source == "skenario 'Coba 13'" and "dari skenario 'Coba 13'" in back.caption()
    assert settings_of_record(saved.plan) == settings

    plain = scenario_of(session, "Kantor", "", office, plan, settings)
    assert "trial" not in plain.costs
    assert trial_from_scenario(get_scenario(con, save_scenario(con, plain)), office) is None
    without = Scenario("kota-ternate", 2024, fw.id, "Tanpa biaya", start.provenance,
                       start.profile(), start.profile())  # fmt: skip
    assert trial_from_scenario(without, office) is None


@pytest.mark.parametrize(
    "settings",
    [
        PlanSettings(target="Baik"),
        PlanSettings(target=Decimal("2.75"), locked=(3, 42), max_level=4, one_step=True),
        PlanSettings(mode="anggaran", budget=400 * JT),
        PlanSettings(target="Baik", one_step=True, annual_budgets=(750 * JT, 800 * JT), years=4),
        PlanSettings(mode="anggaran", annual_budgets=(750 * JT,), years=2),
    ],
)
def test_a_saved_plan_gives_back_its_settings(settings, start, fw, office):
    plan = run_plan(start.profile(), settings, fw, office.mapping())
    assert settings_of_record(plan_record(plan, settings)) == settings


def test_an_unreadable_plan_record_gives_no_settings():
    assert settings_of_record(None) is None
    assert settings_of_record({"mode": "lain", "target": "Baik"}) is None
    assert settings_of_record({"target": "Baik"}) is None
    assert settings_of_record({"mode": "target", "target": 3}) is None
