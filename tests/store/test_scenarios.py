"""Cost tables per instansi and saved scenarios in a real DuckDB file (schema version 3)."""

from __future__ import annotations

import json

import duckdb
import pytest

from spbe.core.costs import CostError, default_costs
from spbe.core.scenario import MAX_SCENARIOS, Scenario, ScenarioError, costs_snapshot
from spbe.store import indicator_levels, migrate, open_store, schema_version, table_counts
from spbe.store.scenarios import (
    GUEST,
    delete_scenario,
    get_scenario,
    list_scenarios,
    load_costs,
    reset_costs,
    save_costs,
    save_scenario,
)
from spbe.store.schema import SCHEMA_VERSION

JT = 1_000_000


@pytest.fixture
def con(tmp_path):
    connection = open_store(tmp_path / "spbe.duckdb")
    yield connection
    connection.close()


def _count(con, table: str) -> int:
    return con.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _ternate_2024(con) -> dict[int, int]:
    rows = indicator_levels(con, "kota-ternate", 2024, "rekonstruksi")
    return dict(zip(rows["indicator"].astype(int), rows["level"].astype(int)))


# -- migration ------------------------------------------------------------------------------------


def test_a_version_2_database_is_migrated_to_3_with_no_row_lost(tmp_path):
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, target=2) == 2
    cur = con.cursor()
    cur.execute(
        "INSERT INTO instansi VALUES ('kota-ternate', 'Kota Ternate', 'kota', 'Maluku Utara')"
    )
    cur.execute(
        "INSERT INTO official_result VALUES ('kota-ternate', 2024, 'spbe-2020', 1.89, 'Cukup', "
        "1.80, 1.00, 1.00, 2.74, 'L24 Tabel 48', NULL, 'final', 'dicetak apa adanya')"
    )
    cur.executemany(
        "INSERT INTO indicator_level VALUES "
        "('kota-ternate', 2024, 'spbe-2020', ?, 3, 'mandiri', NULL, 7)",
        [[n] for n in range(1, 48)],
    )
    cur.execute("INSERT INTO opd VALUES ('kota-ternate', 'kominfo', 'Diskomsandi', 'Diskomsandi')")
    cur.execute(
        "INSERT INTO indicator_owner VALUES "
        "('kota-ternate', 'spbe-2020', 1, 'kominfo', 'lead', TRUE)"
    )
    cur.execute(
        "INSERT INTO import_log (logged_at, actor, rows_added, rows_changed, status) "
        "VALUES (now(), 'lama', 47, 0, 'diterima')"
    )
    before = table_counts(con)
    con.close()

    con = open_store(path)
    assert schema_version(con) == SCHEMA_VERSION == 4
    after = table_counts(con)
    assert {t: after[t] for t in before} == before  # migrated, not reseeded, nothing lost
    levels = indicator_levels(con, "kota-ternate", 2024)
    assert len(levels) == 47 and (levels["level"] == 3).all()
    assert _count(con, "cost_table") == 0 and _count(con, "scenario") == 0
    # the new tables work on the migrated file
    costs = save_costs(
        con, "kota-ternate", _fw(), default_costs(_fw()).frame, actor="Rina", imported=True
    )
    assert costs.own_rows == 47
    con.close()


def test_the_version_3_migration_is_one_transaction(tmp_path, monkeypatch):
    import spbe.store.db as store_module

    path = tmp_path / "half.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=2)
    broken = ((3, ("CREATE TABLE cost_table (x INTEGER)", "THIS IS NOT SQL")),)
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2] + broken)
    with pytest.raises(duckdb.Error):
        migrate(con, target=3)
    assert schema_version(con) == 2
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "cost_table" not in tables  # rolled back with the failed statement
    con.close()


def _fw():
    from spbe.core.framework import load_framework

    return load_framework("spbe-2020")


# -- cost tables ----------------------------------------------------------------------------------


def test_without_stored_rows_the_illustrative_defaults_apply(con):
    costs = load_costs(con, "kota-ternate", _fw())
    assert not costs.stored and costs.provenance == "ilustrasi" and costs.own_rows == 0
    assert costs.mapping() == default_costs(_fw()).mapping()
    assert costs.mapping()[42] == (100 * JT, 250 * JT, 400 * JT, 200 * JT)
    assert costs.caption().startswith("Biaya: Ilustrasi")
    assert _count(con, "cost_table") == 0  # defaults are never copied into the store


def test_an_edit_marks_only_the_changed_rows_as_the_instansis_own(con):
    fw = _fw()
    frame = default_costs(fw).frame
    frame.loc[frame["Indikator"] == 42, "3→4"] = 300 * JT
    costs = save_costs(con, "kota-ternate", fw, frame, actor="Rina", note="RKA 2025")
    assert costs.stored and costs.actor == "Rina"
    assert costs.mapping()[42] == (100 * JT, 250 * JT, 300 * JT, 200 * JT)
    assert costs.row_provenance[42] == "mandiri"
    assert [n for n, p in costs.row_provenance.items() if p == "mandiri"] == [42]
    assert costs.caption().startswith("Biaya: Mandiri untuk 1 dari 47 indikator; sisanya")
    assert "oleh Rina" in costs.caption()
    assert _count(con, "cost_table") == 47

    # a second edit of another row keeps 42 as it was (mandiri) and adds 1
    again = costs.table.frame
    again.loc[again["Indikator"] == 1, "1→2"] = 20 * JT
    costs = save_costs(con, "kota-ternate", fw, again, actor="Budi")
    assert sorted(n for n, p in costs.row_provenance.items() if p == "mandiri") == [1, 42]
    assert costs.actor == "Budi" and costs.mapping()[42][2] == 300 * JT
    # stored per instansi: Maluku Utara still plans with the defaults
    assert not load_costs(con, "prov-maluku-utara", fw).stored


def test_an_import_makes_every_row_the_instansis_own(con):
    fw = _fw()
    costs = save_costs(
        con, "kota-ternate", fw, default_costs(fw).frame, actor="Rina", imported=True,
        note="impor biaya.xlsx",
    )  # fmt: skip
    assert costs.own_rows == 47 and costs.provenance == "mandiri"
    assert costs.caption().startswith("Biaya: Mandiri — semua 47 indikator diisi instansi.")
    assert costs.table.note == "impor biaya.xlsx"
    assert reset_costs(con, "kota-ternate", fw, actor="Rina") == 47
    assert not load_costs(con, "kota-ternate", fw).stored


def test_cost_writes_need_an_actor_and_a_valid_table(con):
    fw = _fw()
    frame = default_costs(fw).frame
    with pytest.raises(ScenarioError, match="Hanya admin"):
        save_costs(con, "kota-ternate", fw, frame, actor="")
    with pytest.raises(ScenarioError, match="Hanya admin"):
        reset_costs(con, "kota-ternate", fw, actor=None)
    bad = frame.copy()
    bad.loc[bad["Indikator"] == 2, "2→3"] = -1
    with pytest.raises(CostError, match="indikator 2, kolom '2→3': biaya negatif"):
        save_costs(con, "kota-ternate", fw, bad, actor="Rina")
    huge = frame.copy()
    huge.loc[huge["Indikator"] == 5, "1→2"] = 1e17
    with pytest.raises(ScenarioError, match="indikator 5 terlalu besar"):
        save_costs(con, "kota-ternate", fw, huge, actor="Rina")
    assert _count(con, "cost_table") == 0  # nothing written by a refused table


def test_a_failed_write_leaves_the_previous_table(con, monkeypatch):
    fw = _fw()
    frame = default_costs(fw).frame
    save_costs(con, "kota-ternate", fw, frame, actor="Rina", imported=True)
    changed = frame.copy()
    changed["1→2"] = 1.0
    import spbe.store.scenarios as module

    def explode(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(module, "_load_costs", _fail_on_second_call(module._load_costs, explode))
    with pytest.raises(RuntimeError, match="disk penuh"):
        save_costs(con, "kota-ternate", fw, changed, actor="Budi")
    monkeypatch.undo()
    kept = load_costs(con, "kota-ternate", fw)
    assert kept.actor == "Rina" and kept.mapping()[1][0] == 35 * JT


def _fail_on_second_call(real, fail):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs) if len(calls) == 1 else fail()

    return wrapper


# -- scenarios ------------------------------------------------------------------------------------


def _scenario(con, name="Naik layanan pengaduan", **extra) -> Scenario:
    base = _ternate_2024(con)
    return Scenario(
        instansi_code="kota-ternate",
        year=2024,
        framework_id="spbe-2020",
        name=name,
        provenance="rekonstruksi",
        base_levels=base,
        levels=base | {42: 4},
        note="uji",
        **extra,
    )


def test_a_scenario_round_trips_through_the_store(con):
    costs = load_costs(con, "kota-ternate", _fw())
    plan = {"mode": "target", "target": "Baik", "raises": {"42": [3, 4]}, "total_cost": 4e8}
    saved = _scenario(con, costs=costs_snapshot(costs), plan=plan)
    scenario_id = save_scenario(con, saved, actor="Rina")
    loaded = get_scenario(con, scenario_id)
    assert loaded.id == scenario_id and loaded.actor == "Rina" and loaded.created_at is not None
    assert (loaded.name, loaded.year, loaded.framework_id, loaded.provenance, loaded.note) == (
        "Naik layanan pengaduan", 2024, "spbe-2020", "rekonstruksi", "uji",
    )  # fmt: skip
    assert loaded.base_levels == _ternate_2024(con)
    assert loaded.levels == _ternate_2024(con) | {42: 4}
    assert loaded.plan == plan
    assert loaded.cost_mapping() == costs.mapping()
    assert loaded.costs["provenance"] == "ilustrasi"
    listed = list_scenarios(con, "kota-ternate")
    assert listed["name"].tolist() == ["Naik layanan pengaduan"]
    assert bool(listed["has_plan"].iloc[0]) is True
    assert list_scenarios(con, "prov-maluku-utara").empty


def test_saving_is_open_to_guests_and_names_are_unique_per_instansi(con):
    first = save_scenario(con, _scenario(con, "  Skenario   A "))
    assert get_scenario(con, first).actor == GUEST
    assert get_scenario(con, first).name == "Skenario A"  # spaces tidied
    with pytest.raises(ScenarioError, match="sudah dipakai"):
        save_scenario(con, _scenario(con, "skenario a"))
    assert _count(con, "scenario") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "   "}, "Nama skenario wajib diisi"),
        ({"name": "x" * 81}, "terlalu panjang"),
        ({"name": '<a href="http://contoh">klik</a>'}, "hanya boleh berisi huruf"),
        ({"name": "Rencana {a}"}, "hanya boleh berisi huruf"),
        ({"provenance": "tebakan"}, "Asal profil 'tebakan' tidak dikenal"),
        ({"levels": {1: 2}}, "profil skenario tidak lengkap"),
        ({"levels": dict.fromkeys(range(1, 48), 6)}, "di luar 1–5"),
    ],
)
def test_a_bad_scenario_is_refused_before_the_store(con, change, message):
    fields = dict(
        instansi_code="kota-ternate", year=2024, framework_id="spbe-2020", name="ok",
        provenance="rekonstruksi", base_levels=_ternate_2024(con), levels=_ternate_2024(con),
    ) | change  # fmt: skip
    with pytest.raises(ScenarioError, match=message):
        Scenario(**fields)


def test_at_most_200_scenarios_per_instansi_until_an_admin_deletes_one(con):
    ids = [save_scenario(con, _scenario(con, f"Skenario {n}")) for n in range(MAX_SCENARIOS)]
    assert MAX_SCENARIOS == 200
    with pytest.raises(ScenarioError, match="Sudah ada 200 skenario untuk instansi ini"):
        save_scenario(con, _scenario(con, "Satu lagi"))
    assert _count(con, "scenario") == 200
    delete_scenario(con, ids[0], actor="Rina")
    save_scenario(con, _scenario(con, "Satu lagi"))
    assert _count(con, "scenario") == 200


def test_deleting_needs_an_actor_and_an_existing_scenario(con):
    scenario_id = save_scenario(con, _scenario(con))
    with pytest.raises(ScenarioError, match="Hanya admin"):
        delete_scenario(con, scenario_id, actor="")
    assert _count(con, "scenario") == 1
    delete_scenario(con, scenario_id, actor="Rina")
    assert _count(con, "scenario") == 0
    with pytest.raises(ScenarioError, match="tidak ada"):
        delete_scenario(con, scenario_id, actor="Rina")
    with pytest.raises(ScenarioError, match="tidak ada"):
        get_scenario(con, scenario_id)


def test_a_damaged_stored_scenario_gives_a_clear_message(con):
    scenario_id = save_scenario(con, _scenario(con, "Rusak"))
    con.cursor().execute("UPDATE scenario SET levels = ? WHERE id = ?", ["[1, 2", scenario_id])
    with pytest.raises(ScenarioError, match="'Rusak' tersimpan rusak"):
        get_scenario(con, scenario_id)
    con.cursor().execute(
        "UPDATE scenario SET levels = ? WHERE id = ?", [json.dumps({"1": 2}), scenario_id]
    )
    with pytest.raises(ScenarioError, match="tidak lengkap"):
        get_scenario(con, scenario_id)
