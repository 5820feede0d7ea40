"""Import transactions (SQL): indicator levels in, all-or-nothing, every attempt logged.

A batch is compared with what is stored under the same key (instansi, year, framework, indicator,
provenance): rows are *added*, *changed* (level or note differs) or *unchanged*. A batch that would
change stored values is refused unless ``replace=True``; a batch with nothing new is a no-op.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.store.db import StoreError, transaction

KEY = ["instansi_code", "year", "framework", "indicator", "provenance"]
COLUMNS = [*KEY[:4], "level", "provenance", "note"]

STATUS_ACCEPTED = "diterima"
STATUS_NOOP = "tidak berubah"
STATUS_REFUSED = "ditolak"
STATUS_FAILED = "gagal"


@dataclass(frozen=True)
class ImportReport:
    status: str
    rows_added: int
    rows_changed: int
    rows_unchanged: int
    changes: pd.DataFrame = field(repr=False, compare=False)
    log_id: int | None = None

    @property
    def message(self) -> str:
        if self.status == STATUS_REFUSED:
            return (
                f"Impor ditolak: {self.rows_changed} nilai yang sudah tersimpan akan berubah. "
                "Periksa daftar perubahan; gunakan --replace (atau pilihan 'Ganti') bila memang "
                "dimaksudkan."
            )
        if self.status == STATUS_NOOP:
            return f"Tidak ada perubahan: {self.rows_unchanged} baris sudah tersimpan persis sama."
        return (
            f"Impor berhasil: {self.rows_added} baris ditambahkan, {self.rows_changed} diubah, "
            f"{self.rows_unchanged} sudah sama."
        )


class ImportRefused(SpbeError):
    """The batch would change stored values and ``replace`` was not given."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.message)


def log_attempt(con, *, actor, file_name, sha256, status, message, added=0, changed=0) -> int:
    """Record an import attempt (accepted or refused) in its own transaction; returns its id."""
    with transaction(con) as cur:
        return _log(cur, actor, file_name, sha256, status, message, added, changed)


def _log(cur, actor, file_name, sha256, status, message, added, changed) -> int:
    return cur.execute(
        """INSERT INTO import_log (logged_at, actor, file_name, sha256, rows_added, rows_changed,
               status, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        [datetime.now(), actor, file_name, sha256, added, changed, status, message],
    ).fetchone()[0]


def compare_with_stored(cur, rows: pd.DataFrame) -> pd.DataFrame:
    """The batch with a ``change`` column (added / changed / unchanged) and the stored values,
    read on ``cur`` (inside the transaction that writes, so nothing can slip in between)."""
    cur.register("batch", rows[COLUMNS])
    return cur.execute(
        """SELECT b.*, s.level AS old_level, s.note AS old_note,
               CASE WHEN s.level IS NULL THEN 'added'
                    WHEN s.level <> b.level OR s.note IS DISTINCT FROM b.note THEN 'changed'
                    ELSE 'unchanged' END AS change
           FROM batch b LEFT JOIN indicator_level s
             ON s.instansi_code = b.instansi_code AND s.year = b.year
            AND s.framework = b.framework AND s.indicator = b.indicator
            AND s.provenance = b.provenance
           ORDER BY b.instansi_code, b.year, b.provenance, b.indicator"""
    ).df()


def _write(cur, compared: pd.DataFrame, log_id: int) -> None:
    cur.register("writes", compared[compared["change"] != "unchanged"][COLUMNS])
    cur.execute(
        """DELETE FROM indicator_level s USING writes w
           WHERE s.instansi_code = w.instansi_code AND s.year = w.year
             AND s.framework = w.framework AND s.indicator = w.indicator
             AND s.provenance = w.provenance"""
    )
    cur.execute(
        """INSERT INTO indicator_level (instansi_code, year, framework, indicator, level,
               provenance, note, import_id)
           SELECT instansi_code, year, framework, indicator, level, provenance, note, ?
           FROM writes""",
        [log_id],
    )


def _outcome(compared: pd.DataFrame, replace: bool) -> ImportReport:
    counts = compared["change"].value_counts()
    added, changed = int(counts.get("added", 0)), int(counts.get("changed", 0))
    unchanged = int(counts.get("unchanged", 0))
    changes = compared[compared["change"] == "changed"].reset_index(drop=True)
    if changed and not replace:
        return ImportReport(STATUS_REFUSED, added, changed, unchanged, changes)
    if not added and not changed:
        return ImportReport(STATUS_NOOP, 0, 0, unchanged, changes)
    return ImportReport(STATUS_ACCEPTED, added, changed, unchanged, changes)


def _conflict(exc: Exception) -> bool:
    """Another transaction committed the same keys first (DuckDB's optimistic concurrency)."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or "duplicate key" in text


CONFLICT_RETRIES = 6  # a concurrent import committed first: compare again with what it wrote


def apply_levels(
    con,
    rows: pd.DataFrame,
    *,
    replace: bool = False,
    actor: str = "cli",
    file_name: str | None = None,
    sha256: str | None = None,
) -> ImportReport:
    """Write a validated batch of indicator levels (or refuse it), logged, all-or-nothing.

    The comparison with the stored values and the write are one transaction: when another
    import commits the same rows in between (two sessions, two processes), this one's commit
    conflicts, is rolled back and is compared again with what the other wrote — so it is
    refused (or applied as a change only with ``replace``), never a silent overwrite.
    """
    log = dict(actor=actor, file_name=file_name, sha256=sha256)
    log_id = None  # set inside the transaction when the batch is accepted
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            with transaction(con) as cur:
                compared = compare_with_stored(cur, rows)
                report = _outcome(compared, replace)
                if report.status == STATUS_ACCEPTED:
                    log_id = _log(
                        cur,
                        actor,
                        file_name,
                        sha256,
                        report.status,
                        report.message,
                        report.rows_added,
                        report.rows_changed,
                    )
                    _write(cur, compared, log_id)
            break
        except duckdb.Error as exc:
            retry_or_fail(con, exc, attempt, log)
    return finish(con, report, log_id, log)


def retry_or_fail(con, exc: duckdb.Error, attempt: int, log: dict) -> None:
    """After a failed import transaction: wait and return (the caller tries again) on a commit
    conflict with another writer; otherwise, or after the last attempt, log and raise
    StoreError (nothing was written: the transaction rolled back)."""
    if not _conflict(exc):
        message = "Impor gagal dan dibatalkan seluruhnya; tidak ada data yang berubah."
        log_attempt(con, status=STATUS_FAILED, message=message, **log)
        raise StoreError(message) from None
    if attempt == CONFLICT_RETRIES:
        message = "Impor dibatalkan: impor lain mengubah data yang sama pada saat yang sama."
        log_attempt(con, status=STATUS_FAILED, message=message, **log)
        raise StoreError(message + " Coba lagi.") from None
    time.sleep(0.02 * 2**attempt)  # let the other import finish its commit


def finish(con, report: ImportReport, log_id: int | None, log: dict) -> ImportReport:
    """The report of a committed transaction: an accepted one was logged inside it; a refusal
    (raised as ImportRefused) or a no-op is logged now, in its own transaction."""
    if report.status == STATUS_ACCEPTED:
        return replace(report, log_id=log_id)
    log_id = log_attempt(con, status=report.status, message=report.message, **log)
    if report.status == STATUS_REFUSED:
        raise ImportRefused(replace(report, log_id=log_id))
    return replace(report, log_id=log_id)
