"""Kesiapan Penilaian: how far each OPD is with its part of the self-assessment (pure).

Per OPD of an instansi, for one year: the indicators it leads in that year's framework
(expected), those it has sent (submitted: an ``opd_evidence`` row of this OPD), those sent without
any evidence document, its last submission and the days left to the verification date set by the
admin. Indicators without a lead OPD are listed apart: nobody will send them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from spbe.core.formatting import indonesian_date
from spbe.core.framework import Framework
from spbe.results.contributions import LEAD

COMPLETE, PARTIAL, MISSING, NOTHING = "Lengkap", "Sebagian", "Belum mengirim", "Tidak mengampu"
COLUMNS = (
    "opd_code",
    "opd_name",
    "expected",
    "submitted",
    "without_evidence",
    "last_submission",
    "days_left",
    "status",
)
LABELS = {
    "opd_code": "Kode OPD",
    "opd_name": "OPD",
    "expected": "Indikator diampu",
    "submitted": "Indikator dikirim",
    "without_evidence": "Dikirim tanpa bukti dukung",
    "last_submission": "Kiriman terakhir",
    "days_left": "Sisa hari ke verifikasi",
    "status": "Status",
}


@dataclass(frozen=True)
class Readiness:
    """One instansi-year. ``table`` has ``COLUMNS`` (one row per OPD, by name); ``days_left`` is
    None while no verification date is set (negative once it has passed)."""

    instansi_code: str
    year: int
    framework: Framework
    verification_on: date | None
    days_left: int | None
    table: pd.DataFrame
    unassigned: tuple[int, ...]  # indicators of the framework without a lead OPD

    @property
    def expected(self) -> int:
        return int(self.table["expected"].sum())

    @property
    def submitted(self) -> int:
        return int(self.table["submitted"].sum())


def long_date(day: date) -> str:
    """date(2025, 8, 15) -> "15 Agustus 2025"."""
    return indonesian_date(day)


def days_text(days: int | None) -> str:
    if days is None:
        return "–"
    if days == 0:
        return "hari ini"
    return f"{days} hari lagi" if days > 0 else f"lewat {-days} hari"


def verification_for(dates: pd.DataFrame, instansi_code: str, year: int) -> date | None:
    """The verification date set for the instansi-year (``verification_dates`` frame), or None."""
    if dates is None or dates.empty:
        return None
    rows = dates[(dates["instansi_code"] == instansi_code) & (dates["year"] == int(year))]
    return None if rows.empty else pd.Timestamp(rows["verification_on"].iloc[0]).date()


def readiness(
    opd: pd.DataFrame,
    owners: pd.DataFrame,
    evidence: pd.DataFrame,
    framework: Framework,
    instansi_code: str,
    year: int,
    verification_on: date | None,
    today: date,
) -> Readiness:
    """The readiness of every OPD of ``instansi_code`` (frames as the store returns them:
    ``opd_table``, ``owner_table``, ``opd_evidence``; other instansi, years and frameworks are
    ignored)."""
    mine = owners[
        (owners["instansi_code"] == instansi_code) & (owners["framework"] == framework.id)
    ]
    leads = mine[(mine["role"] == LEAD) & mine["indicator"].isin(framework.indicator_numbers)]
    sent = evidence[
        (evidence["instansi_code"] == instansi_code)
        & (evidence["year"] == int(year))
        & (evidence["framework"] == framework.id)
    ]
    days = None if verification_on is None else (verification_on - today).days
    records = []
    for row in opd[opd["instansi_code"] == instansi_code].itertuples(index=False):
        expected = set(leads[leads["opd_code"] == row.opd_code]["indicator"].astype(int))
        own = sent[(sent["opd_code"] == row.opd_code) & sent["indicator"].isin(expected)]
        submitted = set(own["indicator"].astype(int))
        documented = set(own[own["document_name"].notna()]["indicator"].astype(int))
        last = own["submitted_at"].max() if len(own) else pd.NaT
        if not expected:
            status = NOTHING
        elif submitted == expected:
            status = COMPLETE
        else:
            status = PARTIAL if submitted else MISSING
        records.append(
            (
                row.opd_code,
                row.short_name or row.name,
                len(expected),
                len(submitted),
                len(submitted - documented),
                pd.Timestamp(last) if not pd.isna(last) else pd.NaT,
                days,
                status,
            )
        )
    table = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    table = table.sort_values("opd_name", key=lambda s: s.str.casefold()).reset_index(drop=True)
    led = set(leads["indicator"].astype(int))
    unassigned = tuple(n for n in framework.indicator_numbers if n not in led)
    return Readiness(instansi_code, int(year), framework, verification_on, days, table, unassigned)


def readiness_display(state: Readiness) -> pd.DataFrame:
    """The table as shown (and as exported for the coordination meeting): counts as "n/n", dates
    as dd-mm-yyyy, days as text."""
    table = state.table
    return pd.DataFrame(
        {
            LABELS["opd_name"]: table["opd_name"],
            LABELS["submitted"]: [
                f"{s}/{e}" for s, e in zip(table["submitted"], table["expected"], strict=True)
            ],
            LABELS["without_evidence"]: table["without_evidence"].astype(int),
            LABELS["last_submission"]: [
                "–" if pd.isna(t) else f"{t:%d-%m-%Y}" for t in table["last_submission"]
            ],
            LABELS["days_left"]: [days_text(d) for d in _days(table["days_left"])],
            LABELS["status"]: table["status"],
        }
    )


def readiness_export(state: Readiness) -> dict[str, pd.DataFrame]:
    """The sheets of the .xlsx for the coordination meeting: the table with numbers, and a summary."""
    table = state.table.rename(columns=LABELS)
    when = "belum ditetapkan"
    if state.verification_on is not None:
        when = f"{long_date(state.verification_on)} ({days_text(state.days_left)})"
    summary = pd.DataFrame(
        {
            "Keterangan": [
                "Instansi",
                "Tahun",
                "Kerangka",
                "Tanggal verifikasi",
                "Isian OPD dikirim (indikator)",
                "Indikator tanpa OPD pengampu",
            ],
            "Nilai": [
                state.instansi_code,
                str(state.year),
                f"{state.framework.name} ({state.framework.short_regulation})",
                when,
                f"{state.submitted} dari {state.expected}",
                ", ".join(str(n) for n in state.unassigned) or "–",
            ],
        }
    )
    return {"Kesiapan OPD": table, "Ringkasan": summary}


def _days(values: pd.Series) -> list[int | None]:
    return [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v) for v in values
    ]
