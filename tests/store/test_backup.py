import pandas as pd
import pytest

from spbe.core.costs import default_costs
from spbe.core.framework import load_framework
from spbe.core.scenario import Scenario
from spbe.store import StoreError, import_log, open_store
from spbe.store.backup import TABLES, backup, restore
from spbe.store.imports import apply_levels
from spbe.store.scenarios import save_costs, save_scenario
from spbe.store.schema import SCHEMA_VERSION


def _dump(con) -> dict[str, pd.DataFrame]:
    cur = con.cursor()
    return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in TABLES}


def test_backup_and_restore_round_trip_every_row(tmp_path):
    con = open_store(tmp_path / "source.duckdb")
    rows = pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "year": 2026,
            "framework": "pemdi-2026",
            "indicator": range(1, 21),
            "level": 2,
            "provenance": "mandiri",
            "note": "=cmd|' /C calc'!A0",
        }
    )
    apply_levels(con, rows, actor="ana")
    fw = load_framework("spbe-2020")
    costs = default_costs(fw).frame.assign(**{"1→2": 12_500_000})
    save_costs(con, "kota-ternate", fw, costs, actor="ana")
    profile = dict.fromkeys(fw.indicator_numbers, 2)
    save_scenario(
        con,
        Scenario(
            "kota-ternate", 2024, fw.id, "Naik ke 2", "ilustrasi", profile, {**profile, 42: 3}
        ),
    )
    manifest = backup(con, tmp_path / "cadangan")
    assert manifest["rows"]["indicator_level"] == 1034 + 20
    assert (manifest["rows"]["cost_table"], manifest["rows"]["scenario"]) == (47, 1)
    assert manifest["schema_version"] == SCHEMA_VERSION
    before = _dump(con)
    con.close()

    counts = restore(tmp_path / "cadangan", tmp_path / "restored.duckdb")
    assert counts == manifest["rows"]
    restored = open_store(tmp_path / "restored.duckdb")
    after = _dump(restored)
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], check_dtype=False)
    # the id sequence continues after the restored log
    apply_levels(restored, rows.assign(level=3), replace=True, actor="budi")
    assert import_log(restored)["id"].tolist() == [2, 1]
    second = Scenario("kota-ternate", 2024, fw.id, "Lagi", "ilustrasi", profile, profile)
    assert save_scenario(restored, second) == 2
    restored.close()


def test_restore_never_overwrites_an_existing_database(tmp_path):
    con = open_store(tmp_path / "a.duckdb")
    backup(con, tmp_path / "bk")
    con.close()
    with pytest.raises(StoreError, match="sudah ada"):
        restore(tmp_path / "bk", tmp_path / "a.duckdb")


def test_restore_refuses_an_incomplete_backup_and_leaves_no_file(tmp_path):
    con = open_store(tmp_path / "a.duckdb")
    backup(con, tmp_path / "bk")
    con.close()
    (tmp_path / "bk" / "opd.parquet").unlink()
    with pytest.raises(StoreError, match="opd.parquet tidak ada"):
        restore(tmp_path / "bk", tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    con = open_store(tmp_path / "a.duckdb")
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "lain.txt").write_text("x")
    with pytest.raises(StoreError, match="tidak kosong"):
        backup(con, tmp_path / "bk")
    con.close()
