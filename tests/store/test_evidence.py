"""Schema version 4 in a real DuckDB file: OPD submissions (levels + explanations + evidence in
one transaction, under the import's rules), verification dates, the migration from version 3
and backups that carry the new tables."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from spbe.core.costs import default_costs
from spbe.core.framework import load_framework
from spbe.core.scenario import Scenario
from spbe.store import (
    import_log,
    indicator_levels,
    migrate,
    opd_evidence,
    open_store,
    schema_version,
    table_counts,
    verification_dates,
)
from spbe.store.backup import TABLES, backup, restore
from spbe.store.evidence import NotLead, save_submission, set_verification_date
from spbe.store.imports import (
    STATUS_ACCEPTED,
    STATUS_NOOP,
    STATUS_REFUSED,
    ImportRefused,
    apply_levels,
)
from spbe.store.queries import counts_of
from spbe.store.scenarios import save_costs, save_scenario
from spbe.store.schema import SCHEMA_VERSION
from spbe.store.seed import seed_if_empty

KEY = dict(instansi_code="kota-ternate", year=2025, framework="spbe-2020")


@pytest.fixture
def con(store_copy):
    connection = open_store(store_copy)
    yield connection
    connection.close()


def _submit(con, opd_code, levels, documents=(), texts=None, **options):
    indicators = pd.DataFrame(
        {
            "indicator": list(levels),
            "level": list(levels.values()),
            "penjelasan": pd.Series([(texts or {}).get(n) for n in levels], dtype=object),
        }
    )
    evidence = pd.DataFrame(list(documents), columns=["indicator", "document_name", "document_ref"])
    return save_submission(
        con,
        **KEY,
        opd_code=opd_code,
        indicators=indicators,
        evidence=evidence,
        actor=options.pop("actor", "Rina"),
        file_name=f"{opd_code}.xlsx",
        **options,
    )


def _mandiri(con) -> dict[int, int]:
    rows = indicator_levels(con, "kota-ternate", 2025, "mandiri")
    return dict(zip(rows["indicator"].astype(int), rows["level"].astype(int), strict=True))


def test_submissions_of_several_opds_build_one_self_assessment(con):
    first = _submit(
        con,
        "bpkad",
        {13: 2, 24: 3},
        [(13, "SK TAPD", "https://jdih.ternatekota.go.id/tapd.pdf"), (13, "Notulen", "n.pdf")],
        {13: "Rencana dan anggaran dipadukan"},
    )
    assert (first.status, first.rows_added, first.documents) == (STATUS_ACCEPTED, 2, 2)
    second = _submit(con, "bappeda", {3: 2, 13: 2, 32: 1})  # 13 is shared, same level
    assert (second.status, second.rows_added, second.rows_unchanged) == (STATUS_ACCEPTED, 3, 0)
    assert _mandiri(con) == {3: 2, 13: 2, 24: 3, 32: 1}
    rows = opd_evidence(con, "kota-ternate", 2025)
    assert len(rows) == 2 + 1 + 3  # two documents for 13, one empty row for 24, three for bappeda
    bpkad = rows[rows["opd_code"] == "bpkad"]
    assert bpkad[["indicator", "item", "document_name"]].values.tolist() == [
        [13, 1, "SK TAPD"],
        [13, 2, "Notulen"],
        [24, 1, None],
    ]
    assert bpkad["penjelasan"].tolist() == ["Rencana dan anggaran dipadukan"] * 2 + [None]
    log = import_log(con)
    assert (rows["import_id"] == log["id"].iloc[0]).sum() == 3  # bappeda's rows: the last import
    assert log["status"].tolist()[:2] == [STATUS_ACCEPTED, STATUS_ACCEPTED]


def test_a_second_submission_that_changes_anything_needs_replace(con):
    _submit(con, "bpkad", {13: 2, 24: 3}, [(13, "SK", "sk.pdf")])
    same = _submit(con, "bpkad", {13: 2, 24: 3}, [(13, "SK", "sk.pdf")])
    assert (same.status, same.rows_unchanged) == (STATUS_NOOP, 2)
    before = table_counts(con)
    with pytest.raises(ImportRefused) as refused:
        _submit(con, "bpkad", {13: 4, 24: 3}, [(13, "SK", "sk.pdf"), (24, "Daftar aset", "a.pdf")])
    report = refused.value.report
    assert (report.status, report.rows_changed, report.rows_unchanged) == (STATUS_REFUSED, 2, 0)
    assert report.changes["what"].tolist() == [
        "tingkat 2 → 4",
        "bukti dukung berubah (0 → 1 dokumen)",
    ]
    after = table_counts(con)
    assert after["indicator_level"] == before["indicator_level"]
    assert counts_of(con, ["opd_evidence"]) == {"opd_evidence": 2}
    assert after["import_log"] == before["import_log"] + 1
    replaced = _submit(
        con,
        "bpkad",
        {13: 4, 24: 3},
        [(13, "SK", "sk.pdf"), (24, "Daftar aset", "a.pdf")],
        replace=True,
    )
    assert (replaced.status, replaced.rows_changed) == (STATUS_ACCEPTED, 2)
    assert _mandiri(con) == {13: 4, 24: 3}
    assert opd_evidence(con)["document_name"].tolist() == ["SK", "Daftar aset"]


def test_a_co_lead_disagreeing_with_the_stored_level_is_a_change(con):
    _submit(con, "bpkad", {13: 2})
    with pytest.raises(ImportRefused, match="1 indikator yang sudah tersimpan akan berubah"):
        _submit(con, "bappeda", {13: 3})
    assert _mandiri(con) == {13: 2}


def test_a_level_imported_before_keeps_its_note_and_is_not_a_change_when_equal(con):
    rows = pd.DataFrame(
        {**KEY, "indicator": [24], "level": [3], "provenance": "mandiri", "note": "rapat"}
    )
    apply_levels(con, rows, actor="kominfo")
    report = _submit(con, "bpkad", {24: 3}, [(24, "Daftar aset", "a.pdf")])
    assert (report.status, report.rows_added) == (STATUS_ACCEPTED, 1)  # new evidence, same level
    assert indicator_levels(con, "kota-ternate", 2025, "mandiri")["note"].tolist() == ["rapat"]


def test_indicators_the_opd_does_not_lead_are_refused_and_nothing_is_written(con):
    before = table_counts(con)
    with pytest.raises(NotLead, match=r"bukan pengampu indikator 1, 2 \(Kota Ternate 2025, "):
        _submit(con, "bpkad", {1: 3, 2: 3, 13: 2})
    after = table_counts(con)
    assert after["indicator_level"] == before["indicator_level"]
    assert counts_of(con, ["opd_evidence"]) == {"opd_evidence": 0}
    assert import_log(con)["status"].iloc[0] == STATUS_REFUSED


def test_the_verification_date_is_set_replaced_and_cleared(con):
    set_verification_date(con, "kota-ternate", 2025, date(2025, 8, 15), actor="Rina")
    set_verification_date(con, "kota-ternate", 2025, date(2025, 9, 1), actor="Budi")
    dates = verification_dates(con, "kota-ternate")
    assert dates[["year", "verification_on", "actor"]].values.tolist() == [
        [2025, date(2025, 9, 1), "Budi"]
    ]
    set_verification_date(con, "kota-ternate", 2025, None, actor="Budi")
    assert verification_dates(con).empty


def test_a_version_3_database_is_migrated_to_4_with_no_row_lost(tmp_path):
    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, target=3) == 3
    seed_if_empty(con)  # a real older file: seeded, then used
    fw = load_framework("spbe-2020")
    rows = pd.DataFrame({**KEY, "indicator": [1, 2], "level": 2, "provenance": "mandiri"})
    apply_levels(con, rows.assign(note=None), actor="lama")
    save_costs(con, "kota-ternate", fw, default_costs(fw).frame, actor="Rina", imported=True)
    profile = dict.fromkeys(fw.indicator_numbers, 2)
    save_scenario(con, Scenario("kota-ternate", 2024, fw.id, "Lama", "ilustrasi", profile, profile))
    before = table_counts(con)
    dump = {t: con.cursor().execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in before}
    con.close()

    con = open_store(path)
    assert schema_version(con) == SCHEMA_VERSION == 4
    after = table_counts(con)  # migrated, not reseeded, nothing lost; the new tables empty
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"opd_evidence", "verification_date"}
    for table, frame in dump.items():
        now = con.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").df()
        pd.testing.assert_frame_equal(frame, now)
    assert counts_of(con, ["opd_evidence", "verification_date"]) == {
        "opd_evidence": 0,
        "verification_date": 0,
    }
    report = _submit(con, "bpkad", {13: 3})  # the new tables work on the migrated file
    assert report.status == STATUS_ACCEPTED
    con.close()


def test_backup_and_restore_carry_the_new_tables(con, tmp_path):
    _submit(con, "bpkad", {13: 2, 24: 3}, [(13, "SK", "=cmd|' /C calc'!A0")])
    set_verification_date(con, "kota-ternate", 2025, date(2025, 8, 15), actor="Rina")
    assert {"opd_evidence", "verification_date"} <= set(TABLES)
    manifest = backup(con, tmp_path / "cadangan")
    assert (manifest["rows"]["opd_evidence"], manifest["rows"]["verification_date"]) == (2, 1)
    before = {t: con.cursor().execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in TABLES}
    counts = restore(tmp_path / "cadangan", tmp_path / "restored.duckdb")
    assert counts == manifest["rows"]
    restored = open_store(tmp_path / "restored.duckdb")
    for table in TABLES:
        after = restored.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").df()
        pd.testing.assert_frame_equal(before[table], after, check_dtype=False)
    again = _submit(restored, "bappeda", {3: 2})  # ids continue after the restored log
    assert again.log_id == int(before["import_log"]["id"].max()) + 1
    restored.close()
