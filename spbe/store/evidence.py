"""Writes of the OPD collection (schema version 4): an OPD's submission and the verification date.

An OPD submission is the levels, explanations (penjelasan) and evidence documents (names and
links, never the documents themselves) of indicators the OPD leads, for one instansi and year. It
is written with the same rules as a levels import (``spbe.store.imports``), in ONE transaction:

- its levels go to ``indicator_level`` with provenance ``mandiri`` through the import's own
  comparison and write (``compare_with_stored`` / ``_write``): a level that differs from the stored
  self-assessment is a change; the stored note is kept (the explanation lives with the evidence);
- its explanations and documents go to ``opd_evidence``: an indicator this OPD has already sent
  with another level, explanation or set of documents is a change;
- a batch with a change is refused unless ``replace`` (nothing written); a batch with nothing new
  is a no-op; either way every attempt is in ``import_log``, and accepted rows carry its id;
- the OPD must still lead every indicator when the transaction runs (the mapping may have been
  edited since the workbook was read): otherwise the batch is refused, nothing written.

Indicators the OPD leaves blank are not part of the submission (nothing is deleted). A concurrent
writer of the same rows makes the commit conflict; the batch is then compared again, as in
``apply_levels``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.provenance import Provenance
from spbe.store.db import transaction
from spbe.store.imports import (
    COLUMNS,
    CONFLICT_RETRIES,
    STATUS_ACCEPTED,
    STATUS_NOOP,
    STATUS_REFUSED,
    ImportReport,
    _log,
    _write,
    compare_with_stored,
    finish,
    log_attempt,
    retry_or_fail,
)

EVIDENCE_TABLE = "opd_evidence"
VERIFICATION_TABLE = "verification_date"
TABLES = (EVIDENCE_TABLE, VERIFICATION_TABLE)  # the tables of schema version 4 (for backups)

INDICATOR_COLUMNS = ("indicator", "level", "penjelasan")
EVIDENCE_COLUMNS = ("indicator", "document_name", "document_ref")


@dataclass(frozen=True)
class SubmissionReport(ImportReport):
    """The outcome of one OPD submission; counts are indicators (not rows).

    ``changes``: one row per indicator that would change (instansi_code, year, indicator,
    provenance, old_level, level, what).
    """

    opd_code: str = ""
    documents: int = 0

    @property
    def message(self) -> str:
        who = f"OPD {self.opd_code}" if self.opd_code else "OPD"
        if self.status == STATUS_REFUSED:
            return (
                f"Kiriman {who} ditolak: {self.rows_changed} indikator yang sudah tersimpan akan "
                "berubah (tingkat, penjelasan atau bukti dukung). Periksa daftar perubahan; "
                "gunakan --replace (atau pilihan 'Ganti') bila memang dimaksudkan."
            )
        if self.status == STATUS_NOOP:
            return (
                f"Tidak ada perubahan: kiriman {who} untuk {self.rows_unchanged} indikator sudah "
                "tersimpan persis sama."
            )
        return (
            f"Kiriman {who} diterima: {self.rows_added} indikator baru, {self.rows_changed} "
            f"diubah, {self.rows_unchanged} sudah sama; {self.documents} bukti dukung."
        )


class NotLead(SpbeError):
    """The submission holds indicators the OPD does not lead (checked inside the transaction)."""


def _documents(evidence: pd.DataFrame, indicator: int) -> tuple:
    rows = evidence[evidence["indicator"] == indicator]
    return tuple(sorted(zip(rows["document_name"].astype(str), rows["document_ref"].astype(str))))


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _stored_submissions(cur, key: tuple, opd_code: str) -> dict[int, tuple]:
    """indicator -> (level, penjelasan, sorted documents) of what this OPD sent before."""
    rows = cur.execute(
        """SELECT indicator, level, penjelasan, document_name, document_ref FROM opd_evidence
           WHERE instansi_code = ? AND year = ? AND framework = ? AND opd_code = ?
           ORDER BY indicator, item""",
        [*key, opd_code],
    ).fetchall()
    found: dict[int, tuple] = {}
    for indicator, level, penjelasan, name, ref in rows:
        _, _, docs = found.get(indicator, (level, penjelasan, ()))
        if name is not None:
            docs = (*docs, (name, ref))
        found[indicator] = (level, penjelasan, docs)
    return {n: (lv, text, tuple(sorted(docs))) for n, (lv, text, docs) in found.items()}


def _level_rows(cur, key: tuple, indicators: pd.DataFrame) -> pd.DataFrame:
    """The batch for ``compare_with_stored``: the stored note is kept so only the level counts."""
    notes = dict(
        cur.execute(
            """SELECT indicator, note FROM indicator_level
               WHERE instansi_code = ? AND year = ? AND framework = ? AND provenance = ?""",
            [*key, Provenance.MANDIRI.value],
        ).fetchall()
    )
    numbers = indicators["indicator"].astype(int).tolist()
    return pd.DataFrame(
        {
            "instansi_code": pd.Series([key[0]] * len(numbers), dtype="str"),
            "year": pd.Series([key[1]] * len(numbers), dtype="int64"),
            "framework": pd.Series([key[2]] * len(numbers), dtype="str"),
            "indicator": pd.Series(numbers, dtype="int64"),
            "level": pd.Series(indicators["level"].astype(int).tolist(), dtype="int64"),
            "provenance": pd.Series([Provenance.MANDIRI.value] * len(numbers), dtype="str"),
            "note": pd.Series([notes.get(n) for n in numbers], dtype=object),
        }
    )[COLUMNS]


def _classify(compared, stored, indicators, evidence) -> pd.DataFrame:
    """One row per submitted indicator: its change ('added', 'changed', 'unchanged') and why."""
    level_change = dict(zip(compared["indicator"].astype(int), compared["change"], strict=True))
    old_level = dict(zip(compared["indicator"].astype(int), compared["old_level"], strict=True))
    records = []
    for row in indicators.itertuples(index=False):
        number, level, text = int(row.indicator), int(row.level), _text(row.penjelasan)
        mine = (level, text, _documents(evidence, number))
        before = stored.get(number)
        what = []
        if level_change[number] == "changed":
            what.append(f"tingkat {int(old_level[number])} → {level}")
        if before is None:
            sub = "added"
        elif before == mine:
            sub = "unchanged"
        else:
            sub = "changed"
            if before[0] != level and level_change[number] != "changed":
                what.append(f"tingkat kiriman sebelumnya {before[0]} → {level}")
            if before[1] != text:
                what.append("penjelasan berubah")
            if before[2] != mine[2]:
                what.append(f"bukti dukung berubah ({len(before[2])} → {len(mine[2])} dokumen)")
        kinds = {level_change[number], sub}
        change = "changed" if "changed" in kinds else "added" if "added" in kinds else "unchanged"
        old = old_level[number]
        records.append(
            {
                "indicator": number,
                "level": level,
                "old_level": None if pd.isna(old) else int(old),
                "change": change,
                "write_evidence": sub != "unchanged",
                "what": "; ".join(what),
            }
        )
    return pd.DataFrame(records)


def _report(classified, key, opd_code, documents, replace) -> SubmissionReport:
    counts = classified["change"].value_counts()
    added, changed = int(counts.get("added", 0)), int(counts.get("changed", 0))
    unchanged = int(counts.get("unchanged", 0))
    changes = classified[classified["change"] == "changed"].reset_index(drop=True)
    changes = pd.DataFrame(
        {
            "instansi_code": key[0],
            "year": key[1],
            "indicator": changes["indicator"],
            "provenance": Provenance.MANDIRI.value,
            "old_level": changes["old_level"],
            "level": changes["level"],
            "what": changes["what"],
        }
    )
    if changed and not replace:
        status = STATUS_REFUSED
    elif not added and not changed:
        status = STATUS_NOOP
    else:
        status = STATUS_ACCEPTED
    return SubmissionReport(
        status, added, changed, unchanged, changes, opd_code=opd_code, documents=documents
    )


def _write_evidence(cur, key, opd_code, indicators, evidence, numbers, log_id, actor) -> None:
    if not numbers:
        return
    marks = ", ".join("?" * len(numbers))
    cur.execute(
        f"""DELETE FROM opd_evidence WHERE instansi_code = ? AND year = ? AND framework = ?
              AND opd_code = ? AND indicator IN ({marks})""",
        [*key, opd_code, *numbers],
    )
    now, rows = datetime.now(), []
    for row in indicators[indicators["indicator"].isin(numbers)].itertuples(index=False):
        number = int(row.indicator)
        docs = evidence[evidence["indicator"] == number]
        pairs = list(zip(docs["document_name"], docs["document_ref"], strict=True)) or [
            (None, None)
        ]
        for item, (name, ref) in enumerate(pairs, start=1):
            rows.append(
                [*key, number, opd_code, item, int(row.level), _text(row.penjelasan)]
                + [_text(name), _text(ref), log_id, now, actor]
            )
    cur.executemany(
        """INSERT INTO opd_evidence (instansi_code, year, framework, indicator, opd_code, item,
               level, penjelasan, document_name, document_ref, import_id, submitted_at, actor)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )


def _not_led(cur, key, opd_code, numbers) -> list[int]:
    leads = {
        r[0]
        for r in cur.execute(
            """SELECT indicator FROM indicator_owner WHERE instansi_code = ? AND framework = ?
                 AND opd_code = ? AND role = 'lead'""",
            [key[0], key[2], opd_code],
        ).fetchall()
    }
    return sorted(set(numbers) - leads)


def save_submission(
    con,
    *,
    instansi_code: str,
    year: int,
    framework: str,
    opd_code: str,
    indicators: pd.DataFrame,
    evidence: pd.DataFrame,
    replace: bool = False,
    actor: str = "cli",
    file_name: str | None = None,
    sha256: str | None = None,
) -> SubmissionReport:
    """Write one OPD submission (levels as ``mandiri`` + explanations + evidence) or refuse it,
    logged, all-or-nothing. ``indicators``: indicator, level, penjelasan (one row each);
    ``evidence``: indicator, document_name, document_ref (file order; may be empty).

    Raises ``ImportRefused`` (a change without ``replace``), ``NotLead`` (an indicator the OPD does
    not lead) or ``StoreError`` (the write failed and was rolled back)."""
    key = (instansi_code, int(year), framework)
    log = dict(actor=actor, file_name=file_name, sha256=sha256)
    numbers = indicators["indicator"].astype(int).tolist()
    documents = int(evidence["indicator"].isin(numbers).sum()) if len(evidence) else 0
    evidence = evidence if len(evidence) else pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    foreign: list[int] = []
    log_id = None  # set inside the transaction when the batch is accepted
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            with transaction(con) as cur:
                foreign = _not_led(cur, key, opd_code, numbers)
                if foreign:
                    break
                compared = compare_with_stored(cur, _level_rows(cur, key, indicators))
                stored = _stored_submissions(cur, key, opd_code)
                classified = _classify(compared, stored, indicators, evidence)
                report = _report(classified, key, opd_code, documents, replace)
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
                    chosen = classified[classified["write_evidence"]]["indicator"].tolist()
                    _write_evidence(cur, key, opd_code, indicators, evidence, chosen, log_id, actor)
            break
        except duckdb.Error as exc:
            retry_or_fail(con, exc, attempt, log)
    if foreign:
        shown = ", ".join(str(n) for n in foreign)
        found = (
            con.cursor()
            .execute("SELECT name FROM instansi WHERE code = ?", [instansi_code])
            .fetchone()
        )
        message = (
            f"Kiriman OPD {opd_code} ditolak: OPD ini bukan pengampu indikator {shown} "
            f"({found[0] if found else instansi_code} {year}, kerangka {framework}); tidak ada "
            "data yang disimpan."
        )
        log_attempt(con, status=STATUS_REFUSED, message=message, **log)
        raise NotLead(message)
    return finish(con, report, log_id, log)


def set_verification_date(
    con, instansi_code: str, year: int, day: date | None, *, actor: str
) -> None:
    """Set (or, with ``day=None``, clear) the verification date of an instansi-year."""
    with transaction(con) as cur:
        cur.execute(
            "DELETE FROM verification_date WHERE instansi_code = ? AND year = ?",
            [instansi_code, int(year)],
        )
        if day is not None:
            cur.execute(
                """INSERT INTO verification_date (instansi_code, year, verification_on, set_at,
                       actor) VALUES (?, ?, ?, ?, ?)""",
                [instansi_code, int(year), day, datetime.now(), actor],
            )
