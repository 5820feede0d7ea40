"""The self-assessment track on the pages: the recomputed index beside (never instead of) the
official result, and the gap between self-assessment and verification with its export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index, format_number
from spbe.core.provenance import FINAL, Provenance
from spbe.results.contributions import opd_contributions
from spbe.results.cycle import (
    SELF_LABEL,
    SelfAssessment,
    gap_table,
    incomplete_self_assessment,
    news_figure,
    self_assessment,
    self_assessment_note,
    track_table,
    unpublished_official,
)

GAP_LABELS = {
    "level": "Tingkat",
    "number": "No",
    "name": "Nama",
    "self": "Mandiri",
    "official": "Hasil verifikasi",
    "difference": "Selisih",
    "index_points": "Dampak ke indeks (poin)",
    "opd": "OPD pengampu",
}


def assessment(code: str, year: int) -> SelfAssessment | None:
    """The complete self-assessment of that year, once per data version (shared: never modify)."""
    return ui.derived(self_assessment, ("levels", "profiles"), code, code, year)


def card(code: str, year: int) -> SelfAssessment | None:
    """The self-assessment of that year as its own card (badge "Mandiri — sementara"); one still
    being collected is completed with the latest earlier profile and says how much is in. Official
    levels of a year not yet published come first, labelled "Resmi (belum dipublikasikan)"."""
    unpublished = unpublished_official(
        ui.official(), ui.levels(code), ui.profiles(code), code, year
    )
    if unpublished is not None:
        _unpublished_card(unpublished)
    return _self_card(code, year) or unpublished


def _unpublished_card(assessed: SelfAssessment) -> None:
    ui.badge(assessed.label, Provenance.RESMI)
    st.metric(
        f"Indeks dari tingkat resmi {assessed.year}",
        f"{assessed.index_text} · {assessed.predicate}",
    )
    ui.secondary_source_warning(assessed.framework)
    when = f" (impor terakhir {assessed.last_import:%d-%m-%Y})" if assessed.last_import else ""
    st.caption(
        f"Dihitung dari {len(assessed.levels)} tingkat indikator berlabel resmi{when}; "
        "KemenPANRB belum mempublikasikan hasil tahun ini, jadi angka ini belum dapat dicocokkan "
        "dengan publikasi."
    )


def _self_card(code: str, year: int) -> SelfAssessment | None:
    assessed = ui.derived(self_assessment, ("levels", "profiles"), code, code, year, True)
    if assessed is None:
        missing = incomplete_self_assessment(ui.profiles(code), code, year)
        if missing:
            st.caption(
                f"Penilaian mandiri {year}: baru {missing[0]} dari {missing[1]} indikator "
                "tersimpan; indeks dihitung setelah semua indikator masuk."
            )
        return None
    ui.badge(assessed.label, Provenance.MANDIRI)
    label = f"Indeks penilaian mandiri {year}"
    if not assessed.complete:
        total = len(assessed.framework.indicators)
        label += f" (isian OPD {assessed.submitted}/{total} indikator)"
    st.metric(label, f"{assessed.index_text} · {assessed.predicate}")
    fw = assessed.framework
    if fw.has_domains:
        parts = [f"D{d.number} {format_index(assessed.domains[d.number])}" for d in fw.domains]
        st.caption("Domain: " + " · ".join(parts))
    ui.secondary_source_warning(fw)
    st.caption(self_assessment_note(assessed, news_figure(ui.official(), code, year)))
    return assessed


def _leads(code: str, assessed: SelfAssessment) -> dict[int, str]:
    opd, owners = ui.opd_and_owners(code)
    frame = pd.DataFrame(
        {"indicator": list(assessed.levels), "level": list(assessed.levels.values())}
    )
    try:
        found = opd_contributions(frame, owners, opd, assessed.framework)
    except SpbeError:
        return {}
    table = found.by_indicator
    return dict(zip(table["indicator"].astype(int), table["lead_opd"]))


def gap_section(code: str, name: str, year: int) -> None:
    """Self-assessment against the verified result of the same year, per domain, aspect and
    indicator where the official levels are known; exportable."""
    assessed = assessment(code, year)
    if assessed is None:
        st.caption(f"Belum ada penilaian mandiri lengkap {name} tahun {year}.")
        return
    official = ui.official()
    rows = official[
        (official["instansi_code"] == code)
        & (official["year"] == year)
        & (official["status"] == FINAL)
    ]
    levels = ui.levels(code)
    resmi = levels[(levels["year"] == year) & (levels["provenance"] == Provenance.RESMI)]
    official_levels = dict(zip(resmi["indicator"].astype(int), resmi["level"].astype(int)))
    if set(official_levels) != set(assessed.framework.indicator_numbers):
        official_levels = None
    try:
        table = gap_table(
            assessed, rows.iloc[0] if len(rows) else None, official_levels, _leads(code, assessed)
        )
    except SpbeError as exc:
        st.info(str(exc))
        return
    shown = table.rename(columns=GAP_LABELS)
    for column in ("Mandiri", "Hasil verifikasi", "Selisih"):
        shown[column] = shown[column].map(lambda v: format_number(v, 2))
    shown["Dampak ke indeks (poin)"] = table["index_points"].map(lambda v: format_number(v, 3))
    st.caption(
        "Selisih = hasil verifikasi − penilaian mandiri (negatif: asesor memberi nilai lebih "
        "rendah). Dampak = selisih × bobot ÷ 100."
    )
    st.dataframe(shown, hide_index=True, key="gap_table")
    ui.excel_download(
        "Unduh selisih mandiri vs verifikasi (.xlsx)",
        lambda: ui.table_workbook({"Selisih": table.rename(columns=GAP_LABELS)}),
        f"selisih-mandiri-{code}-{year}.xlsx",
        key="dl_gap",
    )


def track(code: str, name: str) -> None:
    """Every year's self-assessment beside the official result (when there is one)."""
    table = ui.derived(track_table, ("official", "levels", "profiles"), code, code)
    if table.empty:
        st.caption(f"Belum ada penilaian mandiri tersimpan untuk {name}.")
        return
    ui.badge(SELF_LABEL, Provenance.MANDIRI)
    shown = pd.DataFrame(
        {
            "Tahun": table["year"].astype(str),
            "Mandiri (sementara)": [
                f"{format_index(v)} {p}"
                for v, p in zip(table["self_index"], table["self_predicate"], strict=True)
            ],
            "Hasil resmi": [
                "belum ada" if pd.isna(v) else f"{format_index(v)} {p}"
                for v, p in zip(table["official_index"], table["official_predicate"], strict=True)
            ],
            "Selisih (resmi − mandiri)": [
                "–" if pd.isna(d) else format_number(d, 2) for d in table["difference"]
            ],
            "Impor terakhir": [
                "–" if pd.isna(t) else f"{t:%d-%m-%Y}" for t in table["last_import"]
            ],
            "Sumber angka mandiri": table["source"],
        }
    )
    st.dataframe(shown, hide_index=True, key="self_track")
