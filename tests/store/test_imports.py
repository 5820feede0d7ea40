import pandas as pd
import pytest

from spbe.store import StoreError, import_log, indicator_levels, open_store
from spbe.store.imports import (
    STATUS_ACCEPTED,
    STATUS_FAILED,
    STATUS_NOOP,
    STATUS_REFUSED,
    ImportRefused,
    apply_levels,
)


@pytest.fixture
def con(tmp_path):
    con = open_store(tmp_path / "imports.duckdb")
    yield con
    con.close()


def batch(level=2, note=None, indicators=range(1, 48), year=2026, framework="spbe-2020"):
    return pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "year": year,
            "framework": framework,
            "indicator": list(indicators),
            "level": level,
            "provenance": "mandiri",
            "note": note,
        }
    )


def test_a_new_batch_is_added_and_logged(con):
    report = apply_levels(con, batch(), actor="ana", file_name="nilai.xlsx", sha256="ab" * 32)
    assert (report.status, report.rows_added, report.rows_changed) == (STATUS_ACCEPTED, 47, 0)
    stored = indicator_levels(con, "kota-ternate", 2026, "mandiri")
    assert len(stored) == 47 and (stored["level"] == 2).all()
    log = import_log(con).iloc[0]
    assert (log.actor, log.file_name, log.rows_added, log.status) == (
        "ana",
        "nilai.xlsx",
        47,
        STATUS_ACCEPTED,
    )
    assert report.log_id == log.id


def test_the_same_batch_twice_is_a_noop(con):
    apply_levels(con, batch())
    report = apply_levels(con, batch())
    assert (report.status, report.rows_added, report.rows_unchanged) == (STATUS_NOOP, 0, 47)
    assert import_log(con)["status"].tolist() == [STATUS_NOOP, STATUS_ACCEPTED]


def test_a_batch_that_changes_values_is_refused_and_shows_the_changes(con):
    apply_levels(con, batch(level=2))
    changed = batch(level=2)
    changed.loc[changed["indicator"] == 44, "level"] = 4
    changed = pd.concat([changed, batch(level=1, indicators=[1], year=2027)])
    with pytest.raises(ImportRefused) as err:
        apply_levels(con, changed)
    report = err.value.report
    assert (report.status, report.rows_added, report.rows_changed) == (STATUS_REFUSED, 1, 1)
    change = report.changes.iloc[0]
    assert (change.indicator, change.old_level, change.level) == (44, 2, 4)
    assert "1 nilai yang sudah tersimpan akan berubah" in str(err.value)
    # nothing was written, not even the new row, and the refusal is logged
    assert indicator_levels(con, "kota-ternate", 2027).empty
    assert indicator_levels(con, "kota-ternate", 2026).query("indicator == 44")["level"].item() == 2
    assert import_log(con).iloc[0].status == STATUS_REFUSED


def test_replace_applies_changes_and_additions(con):
    apply_levels(con, batch(level=2))
    changed = batch(level=3, note="hasil verifikasi")
    report = apply_levels(con, changed, replace=True)
    assert (report.rows_added, report.rows_changed) == (0, 47)
    stored = indicator_levels(con, "kota-ternate", 2026, "mandiri")
    assert (stored["level"] == 3).all() and (stored["note"] == "hasil verifikasi").all()


def test_a_note_change_counts_as_a_change(con):
    apply_levels(con, batch(note=None))
    with pytest.raises(ImportRefused):
        apply_levels(con, batch(note="catatan baru"))


def test_a_failing_write_leaves_nothing_behind(con):
    bad = batch(level=2)
    bad.loc[5, "level"] = 9  # bypasses workbook validation: the database CHECK refuses it
    with pytest.raises(StoreError, match="dibatalkan seluruhnya"):
        apply_levels(con, bad)
    assert indicator_levels(con, "kota-ternate", 2026).empty
    log = import_log(con)
    assert log["status"].tolist() == [STATUS_FAILED]  # the accepted row was rolled back
