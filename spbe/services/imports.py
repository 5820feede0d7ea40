"""The one import path shared by the CLI and the dashboard: check, read, validate, write, log."""

from __future__ import annotations

import hashlib

from spbe.core.errors import Problem, SpbeError
from spbe.files.common import WorkbookError
from spbe.files.levels import read_levels_workbook
from spbe.files.uploads import UploadError, check_xlsx
from spbe.store import instansi_lookup
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

    def __init__(self, message: str, problems: tuple = ()):
        super().__init__(message)
        self.problems = tuple(problems)  # located problems only (the message says the rest)


def import_workbook(con, data: bytes, file_name: str, *, actor: str, replace: bool = False):
    """Import a levels workbook all-or-nothing. Raises WorkbookRejected or imports.ImportRefused."""
    lookup = instansi_lookup(con)
    try:
        check_xlsx(data, file_name)
        upload = read_levels_workbook(data, instansi_lookup=lookup, file_name=file_name)
    except (UploadError, WorkbookError) as exc:
        err = exc
    except Exception as exc:  # noqa: BLE001 - a parser failing on untrusted bytes: unreadable file
        # e.g. a damaged deflate stream or bad CRC inside the zip, a truncated sheet XML
        cause = f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}"
        rule = f"berkas .xlsx rusak dan tidak dapat dibaca ({cause}); simpan ulang dari Excel"
        err = WorkbookError([Problem(None, None, None, rule)], file_name=file_name)
    else:
        return apply_levels(
            con,
            upload.rows,
            replace=replace,
            actor=actor,
            file_name=upload.file_name,
            sha256=upload.sha256,
        )
    log_attempt(
        con,
        actor=actor,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        status=STATUS_REFUSED,
        message=str(err),
    )
    problems = err.problems if isinstance(err, WorkbookError) else ()
    raise WorkbookRejected(f"{err}\nTidak ada data yang disimpan.", problems) from None


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
