import subprocess
import sys
import textwrap
import threading
import time

import duckdb
import pandas as pd
import pytest

from spbe.core.paths import DEFAULT_DB
from spbe.store import (
    StoreError,
    indicator_levels,
    instansi_lookup,
    instansi_table,
    migrate,
    official_results,
    open_store,
    owner_table,
    resolve_db_path,
    schema_version,
    table_counts,
)
from spbe.store.schema import SCHEMA_VERSION
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    con = open_store(tmp_path_factory.mktemp("store") / "spbe.duckdb")
    yield con
    con.close()


def _official(con, code, year, status="final"):
    rows = official_results(con, [code])
    row = rows[(rows["year"] == year) & (rows["status"] == status)]
    assert len(row) == 1, (code, year)
    return row.iloc[0]


def test_path_comes_from_cli_then_env_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SPBE_DB", raising=False)
    assert resolve_db_path() == DEFAULT_DB == ROOT / "data" / "spbe.duckdb"
    monkeypatch.setenv("SPBE_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path() == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"


def test_first_open_creates_and_seeds_every_table(seeded):
    assert schema_version(seeded) == SCHEMA_VERSION
    counts = table_counts(seeded)
    # Nasional + 649 distinct names of the national CSV (pusat names differ between years)
    assert counts["instansi"] == 650
    # 1,236 published 2023/2024 rows + national 2018-2024 (7) + Maluku Utara 2022 + Ternate 2025
    assert counts["official_result"] == 1236 + 9
    assert counts["opd"] == 24
    # per government: 68 spbe-2020 rows (reference §5) + 35 pemdi-2026 rows (the team's default)
    assert counts["indicator_owner"] == 2 * (68 + 35)
    assert counts["import_log"] == 0


def test_maluku_utara_governments_are_seeded_with_kind_and_province(seeded):
    table = instansi_table(seeded)
    malut = table[table["province"] == "Maluku Utara"]
    assert len(malut) == 11
    assert malut["kind"].value_counts().to_dict() == {"kabupaten": 8, "kota": 2, "provinsi": 1}
    by_code = table.set_index("code")
    assert by_code.loc["kota-ternate", "name"] == "Kota Ternate"
    assert by_code.loc["nasional", "kind"] == "nasional"
    assert (table["kind"] == "kota").sum() == 93
    assert (table["kind"] == "provinsi").sum() == 38
    lookup = instansi_lookup(seeded)
    assert lookup["kota ternate"] == lookup["kota-ternate"] == "kota-ternate"


# Reference §4.2 (L23 Tabel 47, L24 Tabel 48), typed from the report tables
MALUT = {
    ("prov-maluku-utara", 2023): (3.00, 1.70, 1.00, 3.31, 2.49, "Cukup"),
    ("prov-maluku-utara", 2024): (3.00, 2.10, 1.64, 3.30, 2.69, "Baik"),
    ("kota-ternate", 2023): (1.00, 1.00, 1.00, 1.45, 1.20, "Kurang"),
    ("kota-ternate", 2024): (1.80, 1.00, 1.00, 2.74, 1.89, "Cukup"),
    ("kota-tidore-kepulauan", 2024): (3.00, 1.30, 1.00, 3.17, 2.32, "Cukup"),
    ("kab-halmahera-timur", 2023): (1.10, 1.00, 1.00, 1.00, 1.01, "Kurang"),
    ("kab-halmahera-utara", 2024): (3.10, 2.10, 1.27, 3.49, 2.73, "Baik"),
    ("kab-pulau-taliabu", 2024): (2.70, 1.00, 1.00, 2.92, 2.09, "Cukup"),
}


@pytest.mark.parametrize(("key", "values"), MALUT.items())
def test_published_maluku_utara_values_are_stored_exactly(seeded, key, values):
    row = _official(seeded, *key)
    stored = (
        row.domain_1,
        row.domain_2,
        row.domain_3,
        row.domain_4,
        row.index_value,
        row.predicate,
    )
    assert stored == values
    assert row.source.startswith("KemenPANRB, Laporan Pelaksanaan Evaluasi SPBE")


def test_national_series_and_provisional_self_assessment(seeded):
    national = official_results(seeded, ["nasional"]).set_index("year")
    assert national["index_value"].to_dict() == {
        2018: 1.98,
        2019: 2.18,
        2020: 2.26,
        2021: 2.24,
        2022: 2.34,
        2023: 2.79,
        2024: 3.12,
    }
    assert national.loc[2018, "framework"] == "spbe-2018"
    assert pd.isna(national.loc[2018, "domain_3"])
    assert national.loc[2024, "domain_3"] == 1.86
    ternate_2025 = _official(seeded, "kota-ternate", 2025, "provisional")
    assert ternate_2025.index_value == 3.75
    assert ternate_2025.source_url.startswith("https://www.terbitmalut.com/")
    assert "sementara" in ternate_2025.note
    malut_2022 = _official(seeded, "prov-maluku-utara", 2022)
    assert (malut_2022.index_value, malut_2022.predicate) == (2.47, "Cukup")
    assert pd.isna(malut_2022.domain_1)


def test_odd_published_values_stay_as_printed_and_are_noted(seeded):
    banyuasin = _official(seeded, "kab-banyuasin", 2023)
    assert banyuasin.domain_4 == 0.30
    assert "di luar skala" in banyuasin.note
    jatim = _official(seeded, "prov-jawa-timur", 2024)
    assert pd.isna(jatim.domain_1)
    assert "tidak terbaca" in jatim.note
    everything = official_results(seeded)
    assert everything["source"].str.len().gt(0).all()


def test_default_owner_mapping_is_unconfirmed(seeded):
    owners = owner_table(seeded, "kota-ternate", "spbe-2020")
    assert len(owners) == 68
    assert not owners["confirmed"].any()
    leads = owners[owners["role"] == "lead"].groupby("indicator")["opd_code"].apply(sorted)
    assert leads[37] == ["arsip"]
    assert leads[13] == ["bappeda", "bpkad"]
    assert set(leads.index) == set(range(1, 48))


def test_reopening_does_not_reseed(tmp_path):
    path = tmp_path / "again.duckdb"
    open_store(path).close()
    con = open_store(path)
    assert table_counts(con)["official_result"] == 1245
    con.close()


def test_a_version_1_database_is_migrated_with_no_row_lost(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, target=1) == 1
    cur = con.cursor()
    cur.execute(
        "INSERT INTO instansi VALUES ('kota-ternate', 'Kota Ternate', 'kota', 'Maluku Utara')"
    )
    cur.execute(
        "INSERT INTO official_result VALUES ('kota-ternate', 2024, 'spbe-2020', 1.89, 'Cukup', "
        "1.80, 1.00, 1.00, 2.74, 'L24 Tabel 48', NULL, 'final')"
    )
    cur.executemany(
        "INSERT INTO indicator_level VALUES ('kota-ternate', 2024, 'spbe-2020', ?, 2, 'mandiri', NULL)",
        [[n] for n in range(1, 48)],
    )
    cur.execute("INSERT INTO opd VALUES ('kota-ternate', 'kominfo', 'Diskomsandi', 'Diskomsandi')")
    cur.execute(
        "INSERT INTO indicator_owner VALUES ('kota-ternate', 'spbe-2020', 1, 'kominfo', 'lead')"
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
    assert len(levels) == 47 and (levels["level"] == 2).all()
    assert not owner_table(con)["confirmed"].any()
    con.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "newer.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (99, now())")
    con.close()
    with pytest.raises(StoreError, match="versi aplikasi yang lebih baru"):
        open_store(path)


def test_a_corrupt_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "corrupt.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="rusak|tidak dapat dibuka"):
        open_store(path)


def test_a_file_locked_by_another_process_gives_a_clear_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="sedang dipakai proses lain"):
            open_store(path)
    finally:
        holder.communicate("\n", timeout=10)


def test_readers_on_cursors_while_an_import_commits(tmp_path):
    from spbe.store.imports import apply_levels

    con = open_store(tmp_path / "concurrent.duckdb")
    errors, seen = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                n = len(indicator_levels(con, "kota-ternate", 2026, "mandiri"))
                seen.append(n)
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    rows = pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "year": 2026,
            "framework": "pemdi-2026",
            "indicator": range(1, 21),
            "level": 3,
            "provenance": "mandiri",
            "note": None,
        }
    )
    time.sleep(0.05)
    apply_levels(con, rows, actor="test")
    time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert set(seen) <= {0, 20}  # before or after the import, never a torn read
    assert seen[-1] == 20
    con.close()
