"""Collecting from the OPDs, shared by the CLI and the dashboard: an OPD's template, the import of
its workbook (all-or-nothing, logged), the verification date and the readiness export.

Several OPD workbooks for one instansi and year build one self-assessment (provenance
``mandiri``): each OPD adds the indicators it leads; see ``spbe.store.evidence``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import framework_for_year
from spbe.core.instansi import spelling_lookup
from spbe.files.common import WorkbookError
from spbe.files.opd import OpdDirectory, read_opd_workbook, write_opd_template
from spbe.files.writers import write_table_workbook
from spbe.results.contributions import LEAD, SUPPORT
from spbe.results.readiness import Readiness, readiness_export
from spbe.services.imports import WorkbookRejected, refuse, unreadable
from spbe.store import evidence as store_evidence
from spbe.store import instansi_table, opd_table, owner_table
from spbe.store.imports import ImportRefused

__all__ = [
    "ImportRefused",
    "WorkbookRejected",
    "describe_submission_changes",
    "import_opd_workbook",
    "opd_directory",
    "readiness_workbook",
    "set_verification_date",
    "template_file_name",
    "write_template_for",
]


def opd_directory(con) -> OpdDirectory:
    """Instansi spellings, OPDs and the indicator mapping as the store holds them now."""
    names = instansi_table(con)
    lookup = spelling_lookup(zip(names["code"], names["name"], strict=True))
    opds: dict[str, dict[str, str]] = {}
    for row in opd_table(con).itertuples(index=False):
        opds.setdefault(row.instansi_code, {})[row.opd_code] = row.short_name or row.name
    owners: dict[tuple[str, str], dict[int, dict[str, str]]] = {}
    for row in owner_table(con).itertuples(index=False):
        found = owners.setdefault((row.instansi_code, row.framework), {})
        roles = found.setdefault(int(row.indicator), {})
        if roles.get(row.opd_code) != LEAD:  # listed as lead and support: lead wins
            roles[row.opd_code] = row.role
    return OpdDirectory(lookup, opds, owners)


def import_opd_workbook(con, data: bytes, file_name: str, *, actor: str, replace: bool = False):
    """Import one OPD workbook all-or-nothing; returns a ``SubmissionReport``.

    Raises ``WorkbookRejected`` (invalid file: every located problem; logged, nothing written),
    ``spbe.store.imports.ImportRefused`` (would change what is stored, without ``replace``) or
    another ``SpbeError`` (the mapping changed meanwhile, or the database failed)."""
    try:
        upload = read_opd_workbook(data, file_name, directory=opd_directory(con))
    except WorkbookError as exc:
        err = exc
    except Exception as exc:  # noqa: BLE001 - a parser failing on untrusted bytes: unreadable file
        err = unreadable(exc, file_name)
    else:
        return store_evidence.save_submission(
            con,
            instansi_code=upload.instansi_code,
            year=upload.year,
            framework=upload.framework,
            opd_code=upload.opd_code,
            indicators=upload.indicators,
            evidence=upload.evidence,
            replace=replace,
            actor=actor,
            file_name=upload.file_name,
            sha256=upload.sha256,
        )
    refuse(con, err, data, file_name, actor)


def describe_submission_changes(report, limit: int = 50, names=None) -> list[str]:
    """One Indonesian line per indicator the submission would change (``names``: instansi code ->
    name, for the dashboard; codes otherwise, as typed on the command line)."""
    changes = report.changes
    names = names or {}
    lines = [
        f"{names.get(r.instansi_code, r.instansi_code)} {r.year} indikator {r.indicator}: {r.what}"
        for r in changes.head(limit).itertuples()
    ]
    if len(changes) > limit:
        lines.append(f"… dan {len(changes) - limit} lainnya")
    return lines


def template_file_name(instansi_code: str, year: int, opd_code: str) -> str:
    return f"isian-opd-{opd_code}-{instansi_code}-{int(year)}.xlsx"


def write_template_for(
    target: str | Path | BinaryIO,
    *,
    instansi_code: str,
    instansi_name: str,
    year: int,
    opd_code: str,
    opd: pd.DataFrame,
    owners: pd.DataFrame,
    evidence: pd.DataFrame | None = None,
) -> None:
    """The OPD's workbook for that instansi-year from the store's frames (``opd_table``,
    ``owner_table`` and, to write back its last submission, ``opd_evidence``)."""
    fw = framework_for_year(int(year))
    mine = opd[opd["instansi_code"] == instansi_code]
    names = dict(zip(mine["opd_code"], mine["short_name"].fillna(mine["name"]), strict=True))
    if opd_code not in names:
        raise SpbeError(f"OPD '{opd_code}' tidak ada untuk {instansi_name}.")
    rows = owners[(owners["instansi_code"] == instansi_code) & (owners["framework"] == fw.id)]
    own = rows[rows["opd_code"] == opd_code]
    leads = sorted(set(own[own["role"] == LEAD]["indicator"].astype(int)))
    supports = sorted(set(own[own["role"] == SUPPORT]["indicator"].astype(int)) - set(leads))
    lead_rows = rows[rows["role"] == LEAD]
    support_names = {
        n: ", ".join(
            names.get(c, c) for c in sorted(lead_rows[lead_rows["indicator"] == n]["opd_code"])
        )
        for n in supports
    }
    existing = None
    if evidence is not None and len(evidence):
        existing = evidence[
            (evidence["instansi_code"] == instansi_code)
            & (evidence["year"] == int(year))
            & (evidence["framework"] == fw.id)
            & (evidence["opd_code"] == opd_code)
        ]
    full_name = dict(zip(mine["opd_code"], mine["name"], strict=True))[opd_code]
    write_opd_template(
        target,
        fw,
        instansi_name,
        instansi_code,
        int(year),
        opd_code,
        full_name,
        leads,
        support_names,
        existing,
    )


def set_verification_date(
    con, instansi_code: str, year: int, day: date | None, *, actor: str
) -> None:
    """Set (or clear, ``day=None``) the assessors' verification date of an instansi-year."""
    codes = set(instansi_table(con)["code"])
    if instansi_code not in codes:
        raise SpbeError(f"Instansi '{instansi_code}' tidak dikenal.")
    framework_for_year(int(year))  # a year that can be assessed
    if day is not None and not (int(year) - 1 <= day.year <= int(year) + 2):
        raise SpbeError(
            f"Tanggal verifikasi {day:%d-%m-%Y} tidak masuk akal untuk penilaian tahun {year}."
        )
    store_evidence.set_verification_date(con, instansi_code, int(year), day, actor=actor)


def readiness_workbook(state: Readiness) -> bytes:
    """The .xlsx for the coordination meeting: the readiness table and its summary."""
    return write_table_workbook(readiness_export(state))
