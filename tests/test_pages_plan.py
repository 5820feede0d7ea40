"""AppTest of the pages "Simulasi" and "Perencana Anggaran" from the entry point (app.py), each on
its own copy of a seeded temp database (SPBE_DB)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from spbe import store, ui
from spbe.auth import HASH_ENV
from spbe.core.costs import default_costs
from spbe.core.framework import load_framework
from spbe.core.scoring import score
from spbe.files.plans import costs_workbook
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.store.scenarios import get_scenario, list_scenarios, load_costs, save_costs
from tests.helpers_app import build_seeded_database, clear_streamlit_caches

APP = Path(__file__).resolve().parents[1] / "app.py"
SIMULASI, PERENCANA = "views/simulasi.py", "views/perencana.py"
SESSION = "sim_session"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_seeded_database(tmp_path_factory.mktemp("seed") / "template.duckdb")


@pytest.fixture
def db(template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(template, path)
    monkeypatch.setenv(store.DB_ENV, str(path))
    monkeypatch.delenv(HASH_ENV, raising=False)
    clear_streamlit_caches()
    yield path
    clear_streamlit_caches()


def _open(page: str, year: int = 2024, instansi: str = "kota-ternate", params=None) -> AppTest:
    """The app on ``page`` with the sidebar set to ``instansi`` and ``year``.

    The sidebar is chosen through session state before the first run: in this AppTest only the
    first run executes app.py itself; later runs execute the current page (the filters it reads
    stay in session state).
    """
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[ui.KEY_INSTANSI] = instansi
    at.session_state[ui.KEY_YEAR] = year
    if params:
        at.query_params.update(params)
    at.run()
    filters = at.session_state["filters"]
    assert (filters.instansi, filters.year) == (instansi, year)
    at.switch_page(page)
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_simulasi_starts_from_the_stored_profile_and_follows_a_level_change(db):
    at = _open(SIMULASI)
    assert at.title[0].value == "Simulasi"
    assert _metrics(at)["Indeks simulasi"][0] == "1,89"  # 1,894 reconstructed
    assert "Kota Ternate 2024" in _texts(at.caption)
    assert "Biaya: Ilustrasi" in _texts(at.caption)
    at.number_input(key="sim_lvl_42").set_value(4).run()
    _ok(at)
    metrics = _metrics(at)
    assert metrics["Indeks simulasi"] == ("1,92", "+0,03")
    assert metrics["Jarak ke Baik"][0] == "0,676 poin"
    assert metrics["Biaya kenaikan (perkiraan)"][0] == "Rp 400.000.000"
    # the link now carries the change: indicator 42 (42nd digit) at 4
    assert at.query_params["l"][41] == "4" and at.query_params["i"] == "kota-ternate"


def test_simulasi_without_a_stored_profile_starts_from_the_latest_one(db):
    at = _open(SIMULASI, year=2025)  # Ternate 2025: a provisional index, no indicator levels
    assert "Belum ada profil tingkat indikator 2025 tersimpan untuk Kota Ternate" in _texts(at.info)
    assert _metrics(at)["Indeks simulasi"][0] == "1,89"  # the 2024 reconstruction
    options = at.selectbox(key="sim_start_choice").options
    assert options[0] == "Rekonstruksi (2024)" and "Ilustrasi" in options[-1]


def test_a_link_reproduces_a_simulation_and_garbage_is_ignored(db):
    levels = "3" * 47
    at = _open(SIMULASI, params={"i": "prov-maluku-utara", "y": "2024", "l": levels})
    assert _metrics(at)["Indeks simulasi"][0] == "3,00"
    assert "Provinsi Maluku Utara 2024" in _texts(at.caption) and "tautan" in _texts(at.caption)
    bad = _open(SIMULASI, params={"i": "kota-ternate", "y": "2024", "l": "abc", "t": "zz"})
    warnings = _texts(bad.warning)
    assert "'l' diabaikan" in warnings and "'t' diabaikan" in warnings
    assert _metrics(bad)["Indeks simulasi"][0] == "1,89"
    unknown = _open(SIMULASI, params={"i": "kota-atlantis", "y": "2024"})
    assert "instansi 'kota-atlantis' tidak dikenal" in _texts(unknown.warning)


def test_the_planner_finds_the_cheapest_plan_to_baik_for_ternate_2024(db):
    at = _open(PERENCANA)
    assert at.selectbox(key="plan_target").value == "Baik"  # the band above Cukup
    metrics = _metrics(at)
    assert metrics["Biaya total"][0] == "Rp 1.760.000.000"
    assert metrics["Indeks sesudah"] == ("2,60", "+0,71")
    assert metrics["Predikat sesudah"][0] == "Baik"
    labels = [e.label for e in at.expander]
    # one rule for every OPD cost (spbe.results.opd_costs): joint leads split evenly, as on slide 5
    assert "Diskomsandi — Rp 1.297.500.000 · +0,523 (40 langkah)" in labels
    assert OPD_COST_RULE in _texts(at.caption)
    assert at.query_params["t"] == "Baik"

    at.button(key="plan_apply").click().run()
    _ok(at)
    assert at.title[0].value == "Simulasi"
    assert _metrics(at)["Indeks simulasi"][0] == "2,60"
    applied = at.session_state[SESSION].profile()
    frame = pd.DataFrame(
        {"instansi": "kota-ternate", "year": 2024, "indicator": list(applied),
         "level": list(applied.values())}
    )  # fmt: skip
    result = score(frame, load_framework("spbe-2020")).iloc[0]
    assert result["index"] >= 2.6 and result["predicate"] == "Baik"


def test_the_default_target_is_the_band_above_the_start(db):
    at = _open(PERENCANA, instansi="prov-maluku-utara")  # 2,69 (Baik) in 2024
    assert at.selectbox(key="plan_target").value == "Sangat Baik"
    assert _metrics(at)["Predikat sesudah"][0] == "Sangat Baik"
    linked = _open(PERENCANA, params={"i": "kota-ternate", "y": "2024", "t": "2.2"})
    assert linked.selectbox(key="plan_target").value == "Nilai indeks tertentu"
    assert linked.number_input(key="plan_target_value").value == 2.2
    assert _metrics(linked)["Indeks sesudah"][0] == "2,20"


def test_one_level_a_year_and_a_budget(db):
    at = _open(PERENCANA)
    at.toggle(key="plan_one_step").set_value(True).run()
    _ok(at)
    assert _metrics(at)["Biaya total"][0] == "Rp 3.510.000.000"
    at.radio(key="plan_mode").set_value("anggaran").run()
    at.number_input(key="plan_budget").set_value(400_000_000).run()
    _ok(at)
    metrics = _metrics(at)
    # one step each: Perwali 1-8 2→3 (8 × Rp 25 jt) and 13, 14, 19, 20 1→2 (4 × Rp 50 jt)
    assert metrics["Biaya total"][0] == "Rp 400.000.000"
    assert metrics["Indeks sesudah"][0] == "2,10"  # 1,894 + 0,204
    assert at.query_params["m"] == "anggaran" and at.query_params["b"] == "400000000"


def test_an_unreachable_target_is_explained(db):
    at = _open(PERENCANA)
    at.toggle(key="plan_one_step").set_value(True).run()
    at.selectbox(key="plan_target").set_value("Memuaskan").run()
    _ok(at)
    assert "Target tidak tercapai dengan batasan ini" in _texts(at.warning)


def test_scenarios_are_saved_by_anyone_compared_and_deleted_only_by_an_admin(db, monkeypatch):
    at = _open(SIMULASI)
    at.number_input(key="sim_lvl_42").set_value(5).run()
    at.text_input(key="sim_save_name").set_value("Pengaduan ke 5")
    at.button(key="FormSubmitter:sim_save-Simpan skenario").click().run()
    _ok(at)
    assert "Skenario 'Pengaduan ke 5' tersimpan." in _texts(at.success)

    plan = _open(PERENCANA)
    plan.text_input(key="plan_save_name").set_value("Menuju Baik")
    plan.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    _ok(plan)

    con = store.open_store(db, seed=False)  # same process: DuckDB shares the open database
    saved = list_scenarios(con, "kota-ternate")
    con.close()
    assert saved["name"].tolist() == ["Menuju Baik", "Pengaduan ke 5"]  # newest first
    assert saved["actor"].tolist() == ["tamu", "tamu"]
    at = _open(SIMULASI)
    at.multiselect(key="sim_compare").set_value([int(i) for i in saved["id"]]).run()
    _ok(at)
    table = at.dataframe[0].value
    assert set(table.columns) == {"Pengaduan ke 5", "Menuju Baik"}
    assert table.loc["Biaya", "Menuju Baik"] == "Rp 1.760.000.000"
    assert table.loc["Indeks", "Pengaduan ke 5"] == "1,95"
    # no admin: no delete button, an explanation instead
    assert not [b for b in at.button if b.key == "sim_delete"]
    assert "kata sandi admin belum diatur" in _texts(at.caption)

    monkeypatch.setenv(HASH_ENV, "pbkdf2_sha256$1$AA==$AA==")
    admin = _open(SIMULASI)
    admin.session_state[ui.KEY_ADMIN] = "Rina"
    admin.run()
    admin.button(key="sim_delete").click().run()
    _ok(admin)
    assert len(admin.selectbox(key="sim_pick").options) == 1


def test_loading_a_saved_scenario_restores_its_levels(db):
    at = _open(SIMULASI)
    at.number_input(key="sim_lvl_42").set_value(4).run()
    at.text_input(key="sim_save_name").set_value("Naik satu")
    at.button(key="FormSubmitter:sim_save-Simpan skenario").click().run()
    at.button(key="sim_restart").click().run()
    assert _metrics(at)["Indeks simulasi"][0] == "1,89"
    at.button(key="sim_load").click().run()
    _ok(at)
    assert _metrics(at)["Indeks simulasi"][0] == "1,92"
    assert at.number_input(key="sim_lvl_42").value == 4
    assert "skenario 'Naik satu'" in _texts(at.caption)


def test_cost_controls_are_for_the_admin_only(db, monkeypatch):
    at = _open(PERENCANA)
    assert "kata sandi admin belum diatur" in _texts(at.info)  # no admin role configured
    assert not at.get("file_uploader")
    keys = {b.key for b in at.button}
    assert "plan_costs_reset" not in keys and "plan_costs_import" not in keys
    assert any(d.label.startswith("Unduh tabel biaya") for d in at.get("download_button"))

    monkeypatch.setenv(HASH_ENV, "pbkdf2_sha256$1$AA==$AA==")
    visitor = _open(PERENCANA)  # configured, not logged in
    assert "hanya untuk admin: masuk sebagai admin" in _texts(visitor.info)
    assert not visitor.get("file_uploader")
    admin = _open(PERENCANA)
    admin.session_state[ui.KEY_ADMIN] = "Rina"
    admin.run()
    _ok(admin)
    assert admin.get("file_uploader")
    assert "hanya untuk admin" not in _texts(admin.info)


def test_an_admin_imports_a_biaya_workbook_and_the_plan_follows(db, monkeypatch):
    fw = load_framework("spbe-2020")
    frame = default_costs(fw).frame
    frame.loc[frame["Indikator"].isin([21, 22, 23, 24, 25, 26]), "1→2"] = 10_000_000
    book = costs_workbook(frame, fw)
    monkeypatch.setenv(HASH_ENV, "pbkdf2_sha256$1$AA==$AA==")
    at = _open(PERENCANA)
    at.session_state[ui.KEY_ADMIN] = "Rina"
    at.run()
    at.file_uploader(key="plan_costs_upload").upload("biaya-ternate.xlsx", book).run()
    at.button(key="plan_costs_import").click().run()
    _ok(at)
    # 6 × Rp 30 jt cheaper steps that the cheapest plan already used: Rp 1.760 jt − 180 jt
    assert _metrics(at)["Biaya total"][0] == "Rp 1.580.000.000"
    assert "Biaya: Mandiri — semua 47 indikator diisi instansi." in _texts(at.caption)
    assert "oleh Rina" in _texts(at.caption)
    at.button(key="plan_costs_reset").click().run()
    _ok(at)
    assert _metrics(at)["Biaya total"][0] == "Rp 1.760.000.000"


def test_costs_saved_by_an_admin_change_the_plan(db):
    con = store.open_store(db)
    fw = load_framework("spbe-2020")
    frame = load_costs(con, "kota-ternate", fw).table.frame
    frame.loc[frame["Indikator"].isin([21, 22, 23, 24, 25, 26]), "1→2"] = 10_000_000
    save_costs(con, "kota-ternate", fw, frame, actor="Rina")
    con.close()
    at = _open(PERENCANA)
    # the same plan is still cheapest, 6 × Rp 30 jt cheaper: Rp 1.580 jt
    assert _metrics(at)["Biaya total"][0] == "Rp 1.580.000.000"
    assert "Mandiri untuk 6 dari 47 indikator" in _texts(at.caption)
    assert "oleh Rina" in _texts(at.caption)


# -- annual budgets: the roadmap year by year ------------------------------------------------------


def _rupiah(text: str) -> int:
    return int(text.removeprefix("Rp ").replace(".", ""))


def _roadmap_table(at: AppTest) -> pd.DataFrame:
    [table] = [d.value for d in at.dataframe if "Anggaran" in d.value.columns]
    return table


def test_annual_budgets_give_the_roadmap_year_by_year(db):
    at = _open(PERENCANA)
    at.toggle(key="plan_annual").set_value(True).run()
    _ok(at)
    assert at.toggle(key="plan_one_step").value is True  # a roadmap starts one level a year
    assert at.text_input(key="plan_annual_budgets").value == "750.000.000"
    at.text_input(key="plan_annual_budgets").set_value("Rp 750.000.000; 700 juta").run()
    _ok(at)
    captions = _texts(at.caption)
    assert "Anggaran: 2025: Rp 750.000.000; 2026: Rp 700.000.000 (selanjutnya" in captions
    table = _roadmap_table(at)
    assert table["Tahun"].tolist() == ["2025", "2026", "2027"]
    spent, budgets = table["Biaya"].map(_rupiah), table["Anggaran"].map(_rupiah)
    assert budgets.tolist() == [750_000_000, 700_000_000, 700_000_000]
    assert (spent <= budgets).all()
    assert (
        table["Indeks sesudah"].iloc[-1] == "2,60" and table["Predikat sesudah"].iloc[-1] == "Baik"
    )
    assert (table["Predikat sesudah"].iloc[:-1] == "Cukup").all()  # not sooner: fewest years
    # three years at most one level each cost at least Rp 1.780 jt (the planner with max_steps=3)
    metrics = _metrics(at)
    assert (
        metrics["Biaya total"][0] == "Rp 1.780.000.000" == f"Rp {spent.sum():,}".replace(",", ".")
    )
    assert metrics["Predikat sesudah"][0] == "Baik"
    assert "Baik tercapai pada 2027, dalam 3 tahun" in captions
    years = [e.label for e in at.expander if e.label[:4] in ("2025", "2026", "2027")]
    assert years[0].startswith("2025 — ") and "dari Rp 750.000.000" in years[0]

    # the link carries the annual budgets, and opening it gives the same roadmap
    link = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert link["a"] == "750000000,700000000"
    again = _open(PERENCANA, params=link)
    _ok(again)
    assert again.text_input(key="plan_annual_budgets").value == "750.000.000; 700.000.000"
    assert _roadmap_table(again)["Biaya"].tolist() == table["Biaya"].tolist()

    at.radio(key="plan_mode").set_value("anggaran").run()
    at.number_input(key="plan_years").set_value(2).run()
    _ok(at)
    table = _roadmap_table(at)
    assert table["Tahun"].tolist() == ["2025", "2026"]
    assert (table["Biaya"].map(_rupiah) <= table["Anggaran"].map(_rupiah)).all()
    assert "Indeks tertinggi dalam 2 tahun (2025–2026)" in _texts(at.caption)


def test_an_unreadable_annual_budget_is_explained(db):
    at = _open(PERENCANA)
    at.toggle(key="plan_annual").set_value(True).run()
    at.text_input(key="plan_annual_budgets").set_value("tujuh ratus juta").run()
    _ok(at)
    assert "tidak dapat dibaca sebagai Rupiah" in _texts(at.error)
    assert not at.metric  # no plan from a budget nobody meant
    at.text_input(key="plan_annual_budgets").set_value("-750 juta").run()
    assert "tidak boleh negatif" in _texts(at.error)
    at.text_input(key="plan_annual_budgets").set_value("750 juta").run()
    _ok(at)
    assert not at.error and _metrics(at)["Biaya total"][0] == "Rp 1.780.000.000"


def test_a_roadmap_saved_as_a_scenario_comes_back(db):
    at = _open(PERENCANA)
    at.toggle(key="plan_annual").set_value(True).run()
    at.text_input(key="plan_save_name").set_value("Baik dalam 3 tahun")
    at.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    _ok(at)
    assert "Skenario 'Baik dalam 3 tahun' tersimpan" in _texts(at.success)
    at.toggle(key="plan_annual").set_value(False).run()  # and the single plan beside it
    at.toggle(key="plan_one_step").set_value(False).run()  # (on since the roadmap switched it on)
    at.text_input(key="plan_save_name").set_value("Menuju Baik")
    at.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    _ok(at)
    con = store.open_store(db, seed=False)
    try:
        ids = [int(i) for i in list_scenarios(con, "kota-ternate")["id"]]  # newest first
        saved, single = (get_scenario(con, i) for i in reversed(ids))
    finally:
        con.close()
    roadmap = saved.plan["roadmap"]
    assert saved.plan["annual_budgets"] == [750_000_000] and saved.plan["years"] == 5
    assert [y["year"] for y in roadmap["years"]] == [2025, 2026, 2027]
    assert roadmap["total_cost"] == sum(y["cost"] for y in roadmap["years"]) == 1_780_000_000
    assert all(y["cost"] <= y["budget"] == 750_000_000 for y in roadmap["years"])
    assert "roadmap" not in single.plan and single.plan["total_cost"] == 1_760_000_000

    sim = _open(SIMULASI)
    sim.multiselect(key="sim_compare").set_value(ids).run()
    _ok(sim)
    table = sim.dataframe[0].value
    assert table.loc["Peta jalan", "Baik dalam 3 tahun"] == "3 tahun (2025–2027)"
    assert table.loc["Biaya", "Baik dalam 3 tahun"] == "Rp 1.780.000.000"
    assert table.loc["Peta jalan", "Menuju Baik"] == "–"
