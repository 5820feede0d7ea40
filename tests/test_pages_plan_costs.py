"""AppTest of Perencana Anggaran's trial costs ("biaya coba"), from the entry point (app.py), each
test on its own copy of a seeded temp database (SPBE_DB): anyone tries costs for the session and
the plan follows; the office's table in the DuckDB file does not move; a scenario keeps them and
reopening it restores them; only an admin makes them the office's table."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from spbe import store, ui
from spbe.auth import HASH_ENV
from spbe.core.costs import default_costs
from spbe.core.framework import load_framework
from spbe.core.provenance import Provenance
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.store.scenarios import get_scenario, list_scenarios, load_costs
from tests import test_pages_plan as pages
from tests.test_pages_plan import PERENCANA, _metrics, _ok, _open, _texts

template, db = pages.template, pages.db  # the same fixtures: a seeded database copied per test

JT = 1_000_000
SUBMIT = "FormSubmitter:plan_costs_edit-Pakai sebagai biaya coba"
TRIAL_BADGE = "Biaya coba — hanya sesi ini"
# Indicators 21 and 22 (rows 20 and 21): step 1→2 from the illustrative Rp 40 jt to Rp 10 jt, both
# steps of the cheapest plan to Baik: Rp 1.760 jt − 2 × Rp 30 jt.
CHEAPER = {20: {"1→2": "10 juta"}, 21: {"1→2": "Rp 10.000.000"}}


def _edit(at: AppTest, rows: dict) -> AppTest:
    """Type into the cost editor (rows by position) and submit the form."""
    [editor] = at.data_editor
    assert editor.key.startswith("plan_costs_editor_")
    at.session_state[editor.key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.button(key=SUBMIT).click().run()
    _ok(at)
    return at


def _badges(at: AppTest) -> int:
    return sum(TRIAL_BADGE in m.value for m in at.markdown)


def _office_costs(path) -> dict:
    con = store.open_store(path, seed=False)
    try:
        costs = load_costs(con, "kota-ternate", load_framework("spbe-2020"))
    finally:
        con.close()
    return {"stored": costs.stored, "mapping": costs.mapping(), "provenance": costs.row_provenance}


def test_anyone_tries_costs_for_the_session_and_the_office_table_stays(db):
    before = _office_costs(db)
    at = _open(PERENCANA)
    assert _metrics(at)["Biaya total"][0] == "Rp 1.760.000.000" and _badges(at) == 0
    [editor] = at.data_editor
    shown = editor.value.set_index("Indikator")
    assert shown.loc[21, "1→2"] == "Rp 40.000.000" and shown.loc[21, "Asal"] == "Ilustrasi"

    _edit(at, CHEAPER)
    assert _metrics(at)["Biaya total"][0] == "Rp 1.700.000.000"
    # marked wherever the plan's costs are shown: metrics, per OPD, cost table; RKA download
    assert _badges(at) == 3
    captions = _texts(at.caption)
    assert "Biaya coba — hanya untuk sesi ini, tidak disimpan ke tabel biaya kantor" in captions
    assert "2 dari 47 indikator berbeda" in captions and OPD_COST_RULE in captions
    assert "Berkas ini memakai biaya coba" in captions
    labels = [d.label for d in at.get("download_button")]
    assert "Unduh rencana untuk RKA (.xlsx) — biaya coba" in labels
    # 22 is Diskomsandi's alone (− Rp 30 jt), 21 shared with Inspektorat (− Rp 15 jt each)
    expanders = [e.label for e in at.expander]
    assert "Diskomsandi — Rp 1.252.500.000 · +0,523 (40 langkah)" in expanders
    shown = at.data_editor[0].value.set_index("Indikator")
    assert shown.loc[21, "1→2"] == "Rp 10.000.000" and shown.loc[21, "Asal"] == "Biaya coba"
    assert shown.loc[20, "Asal"] == "Ilustrasi"
    assert _office_costs(db) == before and not before["stored"]  # nothing written

    at.button(key="plan_trial_reset").click().run()  # "Kembalikan ke tabel biaya kantor"
    _ok(at)
    assert _metrics(at)["Biaya total"][0] == "Rp 1.760.000.000" and _badges(at) == 0
    assert at.data_editor[0].value.set_index("Indikator").loc[21, "1→2"] == "Rp 40.000.000"
    assert _office_costs(db) == before


def test_a_bad_cost_entry_names_the_cell_and_the_rule_and_changes_nothing(db):
    at = _open(PERENCANA)
    _edit(at, {12: {"1→2": "35.000.00"}, 13: {"2→3": "-5 juta"}, 20: {"1→2": "10 juta"}})
    [error] = at.error
    assert error.value.startswith("Biaya tidak diubah; perbaiki sel berikut")
    assert "Rupiah utuh dan tidak negatif" in error.value  # the rule
    assert "Indikator 13 (" in error.value and "kolom 1→2: '35.000.00' tidak dapat dibaca" in (
        error.value
    )
    assert "Indikator 14 (" in error.value and "kolom 2→3: tidak boleh negatif" in error.value
    assert _metrics(at)["Biaya total"][0] == "Rp 1.760.000.000"  # the good cell is not used either
    assert _badges(at) == 0 and "plan_trial_costs" not in at.session_state


def test_a_scenario_keeps_its_trial_costs_and_reopening_it_restores_them(db):
    at = _open(PERENCANA)
    _edit(at, CHEAPER)
    assert "(dengan biaya coba)" in _texts(at.markdown)
    at.text_input(key="plan_save_name").set_value("Biaya coba murah")
    at.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    _ok(at)
    assert "Skenario 'Biaya coba murah' tersimpan" in _texts(at.success)
    con = store.open_store(db, seed=False)
    try:
        [scenario_id] = list_scenarios(con, "kota-ternate")["id"].tolist()
        saved = get_scenario(con, int(scenario_id))
    finally:
        con.close()
    assert saved.costs["trial"] is True and saved.costs["trial_rows"] == [21, 22]
    assert saved.costs["provenance"] == Provenance.MANDIRI  # the changed rows are the office's own
    default = default_costs(load_framework("spbe-2020")).mapping()
    assert saved.cost_mapping() == default | {
        21: (10 * JT, *default[21][1:]),
        22: (10 * JT, *default[22][1:]),
    }
    assert saved.plan["total_cost"] == 1_700 * JT
    assert not _office_costs(db)["stored"]

    # back to the office's costs, another question...
    at.button(key="plan_trial_reset").click().run()
    at.toggle(key="plan_one_step").set_value(True).run()
    _ok(at)
    assert _metrics(at)["Biaya total"][0] == "Rp 3.510.000.000" and _badges(at) == 0
    # ...then the scenario reopened: its settings and its costs, again as biaya coba
    at.selectbox(key="plan_open_pick").set_value(int(scenario_id))
    at.button(key="plan_open").click().run()
    _ok(at)
    assert "Rencana skenario 'Biaya coba murah' dibuka; biayanya dipakai sebagai biaya coba." in (
        _texts(at.success)
    )
    assert at.toggle(key="plan_one_step").value is False
    assert _metrics(at)["Biaya total"][0] == "Rp 1.700.000.000" and _badges(at) == 3
    assert "Biaya coba dari skenario 'Biaya coba murah'" in _texts(at.caption)
    assert not _office_costs(db)["stored"]


def test_a_scenario_with_the_office_costs_reopens_without_trial_costs(db):
    at = _open(PERENCANA)
    at.text_input(key="plan_save_name").set_value("Menuju Baik")
    at.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    at.toggle(key="plan_one_step").set_value(True).run()
    at.button(key="plan_open").click().run()
    _ok(at)
    assert "Rencana skenario 'Menuju Baik' dibuka." in _texts(at.success)
    assert _metrics(at)["Biaya total"][0] == "Rp 1.760.000.000" and _badges(at) == 0


def test_only_an_admin_makes_trial_costs_the_office_table(db, monkeypatch):
    at = _open(PERENCANA)  # no admin role configured
    _edit(at, CHEAPER)
    assert _badges(at) == 3 and "plan_trial_save" not in {b.key for b in at.button}
    assert "Menjadikan biaya coba tabel biaya kantor" in _texts(at.info)

    monkeypatch.setenv(HASH_ENV, "pbkdf2_sha256$1$AA==$AA==")
    visitor = _edit(_open(PERENCANA), CHEAPER)  # configured, not logged in
    assert _metrics(visitor)["Biaya total"][0] == "Rp 1.700.000.000"
    assert "plan_trial_save" not in {b.key for b in visitor.button}
    assert "hanya untuk admin: masuk sebagai admin" in _texts(visitor.info)
    assert not _office_costs(db)["stored"]

    admin = _open(PERENCANA)
    admin.session_state[ui.KEY_ADMIN] = "Rina"
    admin.run()
    _edit(admin, CHEAPER)
    admin.button(key="plan_trial_save").click().run()  # "Jadikan tabel biaya kantor"
    _ok(admin)
    assert "Biaya coba kini menjadi tabel biaya kantor." in _texts(admin.success)
    office = _office_costs(db)
    default = default_costs(load_framework("spbe-2020")).mapping()
    assert office["stored"] and office["mapping"] == default | {
        21: (10 * JT, *default[21][1:]),
        22: (10 * JT, *default[22][1:]),
    }
    assert [n for n, p in office["provenance"].items() if p == Provenance.MANDIRI] == [21, 22]
    assert _metrics(admin)["Biaya total"][0] == "Rp 1.700.000.000" and _badges(admin) == 0
    assert "Biaya: Mandiri untuk 2 dari 47 indikator" in _texts(admin.caption)
    assert "oleh Rina" in _texts(admin.caption)


def test_simulasi_loads_a_scenario_with_its_trial_costs(db):
    at = _open(PERENCANA)
    _edit(at, CHEAPER)
    at.text_input(key="plan_save_name").set_value("Coba di simulasi")
    at.button(key="FormSubmitter:plan_save-Simpan skenario").click().run()
    _ok(at)
    at.button(key="plan_trial_reset").click().run()  # the office's costs again in this session
    _ok(at)
    sim = _open(pages.SIMULASI)
    assert "Biaya coba" not in _texts(sim.caption)
    con = store.open_store(db, seed=False)
    try:
        [scenario_id] = list_scenarios(con, "kota-ternate")["id"].tolist()
    finally:
        con.close()
    sim.selectbox(key="sim_pick").set_value(int(scenario_id))
    sim.button(key="sim_load").click().run()
    _ok(sim)
    assert "Biaya coba dari skenario 'Coba di simulasi'" in _texts(sim.caption)
    assert not _office_costs(db)["stored"]
