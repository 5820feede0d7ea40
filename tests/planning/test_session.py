"""Simulation and planning helpers on Kota Ternate's reconstructed 2024 profile (from a seeded
temp store). Expected figures are computed by hand from R59's weights and the illustrative costs
in data/biaya-default.csv."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from spbe.core.costs import CostError, default_costs
from spbe.core.errors import SpbeError
from spbe.core.framework import FrameworkError, load_framework
from spbe.core.planner import apply_plan
from spbe.core.scenario import InstansiCosts, Scenario
from spbe.core.scoring import score
from spbe.files.plans import costs_workbook, read_costs_workbook, rka_workbook
from spbe.files.uploads import UploadError
from spbe.planning.links import ScenarioState
from spbe.planning.plan import (
    INDEX_TARGET,
    PlanSettings,
    compare_scenarios,
    default_target,
    lead_opd_names,
    opd_leads,
    plan_by_opd,
    plan_steps_table,
    run_plan,
    settings_of,
    settings_widgets,
)
from spbe.planning.session import (
    LINK,
    PLAN,
    StartProfile,
    new_session,
    resolve_session,
    scenario_of,
    session_from_plan,
    session_from_scenario,
    start_options,
    state_of,
)
from spbe.planning.tables import (
    admin_only_message,
    comparison_display,
    costs_display,
    costs_editor_frame,
    costs_from_editor,
    format_points,
    steps_display,
)
from spbe.planning.whatif import change_cost, level_groups, level_steps, live_figures, sensitivity
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.store import indicator_levels, opd_table, open_store, owner_table
from spbe.store.scenarios import load_costs

JT = 1_000_000
ORIGIN = ("kota-ternate", 2024)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    con = open_store(tmp_path_factory.mktemp("sim") / "spbe.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def fw():
    return load_framework("spbe-2020")


@pytest.fixture(scope="module")
def levels_frame(store):
    return indicator_levels(store, "kota-ternate")


@pytest.fixture(scope="module")
def start(levels_frame):
    return start_options(levels_frame, "kota-ternate", 2024)[0]


@pytest.fixture(scope="module")
def costs(store, fw) -> InstansiCosts:
    return load_costs(store, "kota-ternate", fw)


@pytest.fixture(scope="module")
def opd_leads_of_ternate(store, start, fw):
    opd, owners = opd_table(store, "kota-ternate"), owner_table(store, "kota-ternate")
    return opd_leads(start.profile(), owners, opd, fw)


@pytest.fixture(scope="module")
def leads(store, start, fw, opd_leads_of_ternate):
    names = lead_opd_names(
        start.profile(), owner_table(store, "kota-ternate"), opd_table(store, "kota-ternate"), fw
    )[0]
    assert names == opd_leads_of_ternate.names
    return names


# -- starting profiles and sessions --------------------------------------------------------------


def test_ternate_2024_starts_from_its_reconstructed_profile(start, levels_frame):
    options = start_options(levels_frame, "kota-ternate", 2024)
    assert [o.provenance for o in options] == ["rekonstruksi", "ilustrasi"]
    assert start.stored and start.label == "Rekonstruksi (2024)"
    # Reconstruction of the published 1,80 / 1,00 / 1,00 / 2,74 (L24 Tabel 48)
    assert start.profile()[1] == 2 and start.profile()[9] == 1 and start.profile()[42] == 3
    made_up = options[1]
    assert not made_up.stored and set(made_up.levels) == {1}
    assert made_up.label == "Ilustrasi: semua indikator tingkat 1"
    official = StartProfile("kota-ternate", 2024, "spbe-2020", "resmi", start.levels)
    assert official.label == "Resmi KemenPANRB 2024"  # the year once


def test_a_year_without_a_profile_offers_only_the_illustrative_start(levels_frame):
    # 2025 has no levels yet: the latest earlier profile under the same framework comes first
    options = start_options(levels_frame, "kota-ternate", 2025)
    latest = max(int(y) for y in levels_frame["year"])
    assert [(o.year, o.stored) for o in options][-1] == (2025, False)
    assert all(o.year == latest and o.stored for o in options[:-1]) and len(options) >= 2
    assert options[-1].provenance == "ilustrasi" and options[-1].framework_id == "spbe-2020"
    # 2026 is scored by another framework: no earlier profile under it, only the illustrative
    only = start_options(levels_frame, "kota-ternate", 2026)
    assert len(only) == 1 and not only[0].stored and only[0].framework_id == "pemdi-2026"
    with pytest.raises(FrameworkError, match="5/2018"):
        start_options(levels_frame, "kota-ternate", 2019)


def test_sessions_follow_the_sidebar_and_links(start, levels_frame):
    options = start_options(levels_frame, "kota-ternate", 2024)

    def levels_of(code):
        return levels_frame

    first, notes = resolve_session(None, ORIGIN, options, None, levels_of)
    assert first.start == start and first.levels == start.levels and first.version == 0
    edited = first.with_profile(start.profile() | {42: 4})
    assert edited.changed == 1
    same, _ = resolve_session(edited, ORIGIN, options, None, levels_of)
    assert same is edited  # nothing new: the edit stays
    moved, _ = resolve_session(edited, ("kota-ternate", 2023), options, None, levels_of)
    assert moved.version == 1 and moved.changed == 0  # the sidebar changed: start over

    link = ScenarioState("kota-ternate", 2024, "rekonstruksi", levels=edited.levels)
    linked, notes = resolve_session(first, ORIGIN, options, link, levels_of)
    assert linked.levels == edited.levels and linked.source == LINK and not notes
    missing = ScenarioState("kota-ternate", 2024, "resmi")
    fallback, notes = resolve_session(first, ORIGIN, options, missing, levels_of)
    assert fallback.start == start and "tidak tersimpan" in notes[0]
    unnamed, notes = resolve_session(first, ORIGIN, options, ScenarioState(*ORIGIN), levels_of)
    assert unnamed.start == start and not notes  # no provenance: the first stored profile
    assert state_of(edited).levels == edited.levels
    assert state_of(first).levels is None  # unchanged: the link keeps the stored profile


# -- live figures ---------------------------------------------------------------------------------


def test_raising_indicator_42_by_one_level_adds_exactly_0_03(start, fw):
    before = start.profile()
    after = before | {42: 4}
    live = live_figures(before, after, fw)
    # Σ level × weight = 189,40 (index 1,894); indicator 42 weighs 3,00 -> +0,03
    assert live.index_before == 1.894 and live.index_after == 1.924
    assert live.change == pytest.approx(0.03, abs=1e-12)
    assert (live.predicate_before, live.predicate_after) == ("Cukup", "Cukup")
    assert live.next_band == "Baik" and live.gap == 0.676  # 2,60 − 1,924, exact
    domain_4 = live.groups.set_index("group").loc["domain_4"]
    assert domain_4["after"] - domain_4["before"] == pytest.approx(3 / 45.5)
    steps = level_steps(before, after, fw)
    assert steps["label"].tolist() == ["Awal", "Indikator 42", "Simulasi"]
    assert steps["value"].tolist() == [1.894, 0.03, 1.924]
    assert before[42] == 3  # inputs not modified


def test_an_exact_band_bound_is_that_band(fw):
    # 2,60 exactly: all at 2 (Σ = 200,0), then 11-20 to 3 (+10 × 2,5), 32-41 to 3 (+10 × 2,75)
    # and 21-25 to 3 (+5 × 1,5): 200 + 25 + 27,5 + 7,5 = 260,0
    levels = dict.fromkeys(fw.indicator_numbers, 2)
    levels |= dict.fromkeys(range(11, 21), 3) | dict.fromkeys(range(32, 42), 3)
    levels |= dict.fromkeys(range(21, 26), 3)
    live = live_figures(levels, levels, fw)
    assert live.index_after == 2.6 and live.predicate_after == "Baik"
    assert live.next_band == "Sangat Baik" and live.gap == 0.9
    top = live_figures(levels, dict.fromkeys(fw.indicator_numbers, 5), fw)
    assert top.next_band is None and top.gap is None
    assert default_target(levels, fw) == "Sangat Baik"
    assert default_target(dict.fromkeys(fw.indicator_numbers, 5), fw) == "Memuaskan"


def test_sensitivity_ranks_next_steps_by_gain_then_by_gain_per_million(start, fw, costs):
    table = sensitivity(start.profile(), fw, costs.mapping())
    assert len(table) == 47  # nobody is at level 5 yet
    top = table.head(6)
    # indicators 42-47 weigh 3,00; 44-47 step 2→3 for Rp 250 jt, 42-43 step 3→4 for Rp 400 jt
    assert top["indicator"].tolist() == [44, 45, 46, 47, 42, 43]
    row = table.set_index("indicator").loc[42]
    assert (row["level"], row["gain"], row["cost"]) == (3, 0.03, 400 * JT)
    assert row["gain_per_million"] == pytest.approx(0.03 / 400)
    free = sensitivity(start.profile() | {1: 5}, fw)
    assert 1 not in free["indicator"].tolist() and free["cost"].isna().all()


def test_level_groups_follow_domains_and_aspects(fw):
    groups = level_groups(fw)
    assert [g.label for g in groups][0] == "Domain 1: Kebijakan Internal SPBE"
    assert [len(g.aspects) for g in groups] == [1, 3, 2, 2]
    assert groups[3].aspects[1] == (
        "Aspek 8: Layanan Publik Berbasis Elektronik",
        tuple(range(42, 48)),
    )
    pemdi = level_groups(load_framework("pemdi-2026"))
    assert sum(len(a[1]) for g in pemdi for a in g.aspects) == 20


# -- planning -------------------------------------------------------------------------------------


def test_the_cheapest_plan_to_baik_for_ternate_2024(start, fw, costs, leads, opd_leads_of_ternate):
    settings = PlanSettings(target="Baik")
    plan = run_plan(start.profile(), settings, fw, costs.mapping(), leads)
    assert plan.feasible and plan.predicate_after == "Baik"
    # By hand, a plan of +0,706 exactly: Perwali 1-8 2→5 (8 × 3 × 1,3) and 9-10 1→5 (2 × 4 × 1,3),
    # 13, 14, 19, 20 1→3 (4 × 2 × 2,5), 21-26 1→2 (6 × 1,5) = 70,6 points for
    # 8 × 95 + 2 × 130 + 4 × 125 + 6 × 40 = Rp 1.760 jt; the planner proves nothing is cheaper.
    assert plan.total_cost == 1_760 * JT and plan.index_after == 2.6
    applied = apply_plan(start.profile(), plan)
    frame = pd.DataFrame(
        {"instansi": "kota-ternate", "year": 2024, "indicator": list(applied),
         "level": list(applied.values())}
    )  # fmt: skip
    assert score(frame, fw)["index"].iloc[0] >= 2.6

    by_opd = plan_by_opd(plan, fw, opd_leads_of_ternate).set_index("opd")
    assert by_opd["cost"].sum() == plan.total_cost
    assert by_opd["index_gain"].sum() == pytest.approx(0.706)
    # Diskomsandi leads 1, 2, 4-8 (7 × Rp 95 jt), 10 (Rp 130 jt), 19, 20 (2 × Rp 125 jt) and
    # 22, 23, 26 (3 × Rp 40 jt) alone: Rp 1.165 jt for 47,0 points; and jointly half of 3 (Rp 95
    # jt), 9 (Rp 130 jt) and 21 (Rp 40 jt): + Rp 132,5 jt = Rp 1.297,5 jt (OPD_COST_RULE)
    assert by_opd.loc["Diskomsandi", "cost"] == 1_297_500_000
    assert by_opd.loc["Diskomsandi", "index_gain"] == pytest.approx(0.523)
    assert by_opd.loc["BPKAD", "indicators"] == "13 (1→3, bersama), 24 (1→2)"
    assert by_opd.loc["BPKAD", "cost"] == 62_500_000 + 40 * JT  # half of 13's Rp 125 jt
    assert by_opd.index[0] == "Diskomsandi"  # most expensive first


def test_the_best_plan_within_rp_400_million(start, fw, costs):
    settings = PlanSettings(mode="anggaran", budget=400 * JT)
    plan = run_plan(start.profile(), settings, fw, costs.mapping())
    # The two best ratios fill the budget exactly: Perwali 1-8 2→3 (8 × Rp 25 jt, +0,013 each)
    # and 13, 14, 19, 20 1→2 (4 × Rp 50 jt, +0,025 each): +0,204 for Rp 400 jt.
    assert plan.total_cost == 400 * JT
    assert plan.index_after == pytest.approx(1.894 + 0.204)
    assert plan.raises == {n: (2, 3) for n in range(1, 9)} | {n: (1, 2) for n in (13, 14, 19, 20)}


def test_one_level_a_year_and_locks_are_passed_to_the_planner(start, fw, costs):
    settings = PlanSettings(target="Baik", one_step=True, locked=(42, 43), max_level=4)
    plan = run_plan(start.profile(), settings, fw, costs.mapping())
    assert all(b - a == 1 for a, b in plan.raises.values())
    assert 42 not in plan.raises and 43 not in plan.raises
    assert settings.max_steps == 1 and PlanSettings(target="Baik").max_steps is None
    described = dict(settings.describe(fw))
    assert described["Target"] == "Predikat Baik (indeks ≥ 2,60)"
    assert described["Indikator terkunci (tidak diubah)"] == "42, 43"
    assert described["Tingkat tertinggi yang diizinkan"] == "4"
    assert described["Satu tingkat per tahun"].startswith("ya")
    assert PlanSettings(target=Decimal("2.75")).target_text(fw) == "Indeks ≥ 2,75"
    with pytest.raises(SpbeError, match="Pilih target"):
        PlanSettings()
    with pytest.raises(SpbeError, match="Isi anggaran"):
        PlanSettings(mode="anggaran")


def test_settings_travel_through_a_link_and_the_widgets(fw):
    state = ScenarioState("kota-ternate", 2024, "rekonstruksi", target=Decimal("2.75"),
                          locked=(3,), max_level=4, one_step=True)  # fmt: skip
    settings = settings_of(state)
    assert settings == PlanSettings("target", Decimal("2.75"), None, (3,), 4, True)
    assert settings_widgets(settings, fw) == {
        "plan_mode": "target", "plan_locked": [3], "plan_max_level": 4, "plan_one_step": True,
        "plan_target": INDEX_TARGET, "plan_target_value": 2.75,
    }  # fmt: skip
    assert settings_of(ScenarioState("kota-ternate", 2024, "resmi")) is None  # no target


def test_steps_are_shown_with_rupiah_and_a_decimal_comma(start, fw, costs, leads):
    plan = run_plan(start.profile(), PlanSettings(target="Baik"), fw, costs.mapping(), leads)
    steps = plan_steps_table(plan, fw)
    assert len(steps) == plan.total_steps == 8 * 3 + 2 * 4 + 4 * 2 + 6
    shown = steps_display(steps[steps["indicator"] == 13])
    assert shown.to_dict("records") == [
        {"Indikator": 13, "Nama": fw.indicator(13).short_name, "Langkah": "1 → 2",
         "Biaya": "Rp 50.000.000", "Kenaikan indeks": "+0,025"},
        {"Indikator": 13, "Nama": fw.indicator(13).short_name, "Langkah": "2 → 3",
         "Biaya": "Rp 75.000.000", "Kenaikan indeks": "+0,025"},
    ]  # fmt: skip
    assert [format_points(v) for v in (0.03, 0.0275, 0.676, 0.706)] == [
        "0,03", "0,0275", "0,676", "0,706",
    ]  # fmt: skip


def test_the_rka_workbook_has_the_plan_per_opd_and_its_assumptions(
    start, fw, costs, leads, opd_leads_of_ternate
):
    settings = PlanSettings(target="Baik", one_step=False)
    plan = run_plan(start.profile(), settings, fw, costs.mapping(), leads)
    data = rka_workbook(
        plan, fw, settings, instansi_name="Kota Ternate", start=start, leads=opd_leads_of_ternate,
        cost_caption=costs.caption(), made_at=datetime(2026, 11, 23, 9, 30),
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Per OPD", "Langkah", "Asumsi"]
    per_opd = list(book["Per OPD"].iter_rows(values_only=True))
    assert per_opd[0][0] == "OPD pengampu" and per_opd[-2][0] == "Jumlah"
    assert per_opd[-2][3] == 1_760 * JT
    assert sum(r[3] for r in per_opd[1:-2]) == 1_760 * JT  # the parts add up (OPD_COST_RULE)
    assert (
        dict(zip([r[0] for r in per_opd[1:-2]], [r[3] for r in per_opd[1:-2]]))["Diskomsandi"]
        == 1_297_500_000
    )
    assert per_opd[-1][0] == "Aturan" and per_opd[-1][2] == OPD_COST_RULE
    assert len(list(book["Langkah"].iter_rows())) == 1 + plan.total_steps
    assumptions = dict(list(book["Asumsi"].iter_rows(values_only=True))[1:])
    assert assumptions["Instansi"] == "Kota Ternate"
    assert assumptions["Target"] == "Predikat Baik (indeks ≥ 2,60)"
    assert assumptions["Satu tingkat per tahun"] == "tidak"
    assert assumptions["Asal biaya"].startswith("Biaya: Ilustrasi")
    assert assumptions["Pembagian biaya per OPD"] == OPD_COST_RULE
    assert assumptions["Profil awal"].startswith("Rekonstruksi (2024)")
    assert assumptions["Biaya total"] == "Rp 1.760.000.000"
    assert assumptions["Dibuat"] == "23-11-2026 09.30"


# -- the cost workbook ----------------------------------------------------------------------------


def test_the_cost_workbook_round_trips(fw):
    table = default_costs(fw).frame
    data = costs_workbook(table, fw)
    back = read_costs_workbook(data, "biaya.xlsx", fw)
    pd.testing.assert_frame_equal(back, table)


def _workbook(rows, title="Biaya") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_cost_workbook_names_sheet_indicator_and_column(fw):
    rows = [["Indikator", "1→2", "2→3", "3→4", "4→5"]]
    rows += [[n, *v] for n, v in default_costs(fw).mapping().items()]
    rows[2][2] = "1.500.000"  # indicator 2, step 2→3, written with thousands dots
    rows += [[None] * 5, [None] * 5]  # trailing empty rows are ignored
    with pytest.raises(CostError, match="lembar 'Biaya', indikator 2, kolom '2→3': '1.500.000'"):
        read_costs_workbook(_workbook(rows), "biaya.xlsx", fw)
    with pytest.raises(CostError, match="lembar 'Biaya' tidak ada"):
        read_costs_workbook(_workbook(rows, "Sheet"), "biaya.xlsx", fw)
    with pytest.raises(CostError, match="kosong"):
        read_costs_workbook(_workbook([]), "biaya.xlsx", fw)
    with pytest.raises(UploadError, match="bukan berkas Excel"):
        read_costs_workbook(b"Indikator;1->2\n1;5", "biaya.xlsx", fw)


# -- scenarios ------------------------------------------------------------------------------------


def test_scenarios_compare_side_by_side(start, fw, costs, leads):
    settings = PlanSettings(target="Baik")
    plan = run_plan(start.profile(), settings, fw, costs.mapping(), leads)
    session = new_session(start, ORIGIN).with_profile(start.profile() | {42: 5})
    what_if = scenario_of(session, "Pengaduan ke 5", "", costs)
    planned = scenario_of(session, "Menuju Baik", "", costs, plan, settings)
    assert planned.levels == apply_plan(start.profile(), plan)  # from the start, not the session
    assert planned.plan["raises"]["13"] == [1, 3] and planned.plan["total_cost"] == 1_760 * JT
    table = compare_scenarios([what_if, planned]).set_index("name")
    assert table.loc["Pengaduan ke 5", "index_value"] == 1.954  # 1,894 + 2 × 0,03
    assert table.loc["Pengaduan ke 5", "cost"] == 600 * JT  # 3→4 Rp 400 jt + 4→5 Rp 200 jt
    assert table.loc["Menuju Baik", "predicate"] == "Baik"
    assert table.loc["Menuju Baik", "cost"] == 1_760 * JT
    assert table.loc["Menuju Baik", "domain_1"] == pytest.approx((8 * 5 + 2 * 5) / 10)
    shown = comparison_display(table.reset_index(), fw)
    assert list(shown.columns) == ["Pengaduan ke 5", "Menuju Baik"]
    assert shown.loc["Indeks", "Menuju Baik"] == "2,60"
    assert shown.loc["Biaya", "Pengaduan ke 5"] == "Rp 600.000.000"

    pemdi = load_framework("pemdi-2026")
    other = Scenario("kota-ternate", 2026, "pemdi-2026", "Pemdi", "ilustrasi",
                     dict.fromkeys(pemdi.indicator_numbers, 1),
                     dict.fromkeys(pemdi.indicator_numbers, 1))  # fmt: skip
    with pytest.raises(SpbeError, match="kerangka berbeda"):
        compare_scenarios([what_if, other])


def test_a_plan_or_a_scenario_becomes_the_simulation(start, fw, costs):
    plan = run_plan(start.profile(), PlanSettings(target="Baik"), fw, costs.mapping())
    first = new_session(start, ORIGIN)
    applied = session_from_plan(first, plan)
    assert applied.profile() == apply_plan(start.profile(), plan)
    assert applied.source == PLAN and applied.version == 1 and applied.start == start
    saved = scenario_of(applied, "Dari rencana", "", None)
    loaded = session_from_scenario(saved, ("prov-maluku-utara", 2024), applied)
    assert loaded.start == start and loaded.levels == applied.levels
    assert loaded.source == "skenario 'Dari rencana'" and loaded.version == 2
    assert change_cost(start.profile(), start.profile() | {42: 2}, costs.mapping(), fw) == 0


def test_the_cost_table_is_shown_with_rupiah_and_its_provenance(fw, costs):
    shown = costs_display(costs, fw)
    row = shown[shown["Indikator"] == 42].iloc[0]
    assert row["3→4"] == "Rp 400.000.000" and row["Asal"] == "Ilustrasi"
    editor = costs_editor_frame(costs, fw)  # Rupiah text, read back with costs_from_editor
    assert list(editor.columns) == ["Indikator", "Nama", "1→2", "2→3", "3→4", "4→5", "Asal"]
    assert editor.loc[editor["Indikator"] == 42, "3→4"].iloc[0] == "Rp 400.000.000"
    assert costs_from_editor(editor, costs, fw) == costs.mapping()  # unchanged cells kept exactly


def test_why_a_write_control_is_missing():
    assert admin_only_message("menghapus skenario", True, False) == (
        "Menghapus skenario hanya untuk admin: masuk sebagai admin di bilah samping."
    )
    assert "kata sandi admin belum diatur" in admin_only_message("x", False, False)
    assert admin_only_message("x", True, True).startswith("Mode baca saja")
