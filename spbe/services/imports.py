"""The one import path shared by the CLI and the dashboard: check, read, validate, write, log."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pandas as pd

from spbe.core.errors import Problem, SpbeError
from spbe.core.formatting import format_index, round_half_up
from spbe.core.framework import load_framework
from spbe.core.provenance import FINAL, Provenance
from spbe.core.scoring import score_profile
from spbe.files.common import LEVELS_SHEET, WorkbookError
from spbe.files.levels import read_levels_workbook
from spbe.files.uploads import UploadError, check_xlsx
from spbe.results.published import decimal_of, is_present
from spbe.store import instansi_lookup, official_results
from spbe.store.imports import (
    STATUS_REFUSED,
    ImportRefused,
    ImportReport,
    apply_levels,
    log_attempt,
)

__all__ = ["ImportRefused", "WorkbookRejected", "describe_changes", "import_workbook"]


class WorkbookRejected(SpbeError):
    """The file itself is refused (not a real .xlsx, or invalid rows); nothing was written.

    ``problems``: every ``Problem`` found (empty when the upload check refused the file).
    """

    def __init__(self, message: str, problems: tuple = (), total: int | None = None):
        super().__init__(message)
        self.problems = tuple(problems)  # located problems kept (the message says the rest)
        self.total = len(self.problems) if total is None else total  # every problem found


def import_workbook(con, data: bytes, file_name: str, *, actor: str, replace: bool = False):
    """Import a levels workbook all-or-nothing. Raises WorkbookRejected or imports.ImportRefused."""
    lookup = instansi_lookup(con)
    err = None
    try:
        check_xlsx(data, file_name)
        upload = read_levels_workbook(data, instansi_lookup=lookup, file_name=file_name)
    except (UploadError, WorkbookError) as exc:
        err = exc
    except Exception as exc:  # noqa: BLE001 - a parser failing on untrusted bytes: unreadable file
        err = unreadable(exc, file_name)
    else:
        disagreements = official_disagreements(con, upload.rows)
        if disagreements:
            err = WorkbookError(disagreements, file_name=file_name, sha256=upload.sha256)
    if err is None:
        return apply_levels(
            con,
            upload.rows,
            replace=replace,
            actor=actor,
            file_name=upload.file_name,
            sha256=upload.sha256,
        )
    refuse(con, err, data, file_name, actor)


def unreadable(exc: Exception, file_name: str) -> WorkbookError:
    """A parser failing on untrusted bytes (e.g. a damaged deflate stream or bad CRC inside the
    zip, a truncated sheet XML): one located problem naming the cause, never the raw message."""
    cause = f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}"
    rule = f"berkas .xlsx rusak dan tidak dapat dibaca ({cause}); simpan ulang dari Excel"
    return WorkbookError([Problem(None, None, None, rule)], file_name=file_name)


def refuse(con, err: Exception, data: bytes, file_name: str, actor: str):
    """Log a refused workbook (nothing written) and raise WorkbookRejected with its problems."""
    log_attempt(
        con,
        actor=actor,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        status=STATUS_REFUSED,
        message=str(err),
    )
    problems = err.problems if isinstance(err, WorkbookError) else ()
    total = err.total if isinstance(err, WorkbookError) else 0
    raise WorkbookRejected(f"{err}\nTidak ada data yang disimpan.", problems, total) from None


def describe_changes(report: ImportReport, limit: int = 50) -> list[str]:
    """One Indonesian line per stored value the batch would change."""
    changes = report.changes
    lines = [
        f"{r.instansi_code} {r.year} indikator {r.indicator} ({r.provenance}): "
        + (f"{r.old_level} → {r.level}" if r.old_level != r.level else "catatan berubah")
        for r in changes.head(limit).itertuples()
    ]
    if len(changes) > limit:
        lines.append(f"… dan {len(changes) - limit} lainnya")
    return lines


def official_disagreements(con, rows: pd.DataFrame) -> list[Problem]:
    """``resmi`` levels must reproduce what KemenPANRB published for that instansi and year: the
    recomputed domains, half-up to two decimals, equal the published ones. One located problem
    per instansi-year that does not (nothing published yet: accepted)."""
    resmi = rows[rows["provenance"] == Provenance.RESMI]
    if resmi.empty:
        return []
    official = official_results(con, sorted(resmi["instansi_code"].unique()))
    official = official[official["status"] == FINAL]
    problems = []
    for (code, year, framework_id), group in resmi.groupby(
        ["instansi_code", "year", "framework"], sort=True
    ):
        published = official[(official["instansi_code"] == code) & (official["year"] == year)]
        fw = load_framework(str(framework_id))
        if published.empty or not fw.has_domains:
            continue
        row = published.iloc[0]
        first = int(group["source_row"].min())
        where = f"{row['instansi_name']} {year}"
        profile = dict(zip(group["indicator"].astype(int), group["level"].astype(int)))
        if set(profile) != set(fw.indicator_numbers):
            rule = (
                f"tingkat resmi {where} harus lengkap ({len(profile)} dari "
                f"{len(fw.indicators)} indikator) agar dapat dicocokkan dengan hasil yang "
                "dipublikasikan KemenPANRB"
            )
            problems.append(Problem(LEVELS_SHEET, first, "Tingkat", rule))
            continue
        scored = score_profile(profile, fw)
        wrong = []
        for dom in fw.domains:
            value = row.get(f"domain_{dom.number}")
            if not is_present(value):
                continue
            mine = round_half_up(float(scored[f"domain_{dom.number}"]), 2)
            if Decimal(str(mine)).quantize(Decimal("0.01")) != decimal_of(value):
                wrong.append(
                    f"domain {dom.number} = {format_index(mine)} (dipublikasikan "
                    f"{format_index(float(value))})"
                )
        if wrong:
            rule = (
                f"tingkat resmi {where} tidak cocok dengan hasil yang dipublikasikan KemenPANRB: "
                + "; ".join(wrong)
                + ". Gunakan sumber 'mandiri' untuk penilaian sendiri"
            )
            problems.append(Problem(LEVELS_SHEET, first, "Tingkat", rule))
    return problems
