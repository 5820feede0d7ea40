"""The Ringkasan page's pieces: one instansi's card for a year — the official result (or a
provisional figure) and, beside it, the self-assessment recomputed from stored levels."""

from __future__ import annotations

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.provenance import FINAL, provenance_kind
from spbe.results.cycle import self_assessment
from spbe.results.insights import Kpi, summary_kpi
from views.widgets import cycle


def _kpi(kpi: Kpi) -> None:
    ui.badge(kpi.provenance, provenance_kind(kpi.status))
    delta = kpi.change_text.replace("−", "-") if kpi.change is not None else None
    since = f" dibanding {kpi.previous_year}" if kpi.previous_year else ""
    final = kpi.status == FINAL
    st.metric(
        f"Indeks {kpi.year}" + ("" if final else " (sementara, belum diverifikasi)"),
        f"{kpi.index_text} · {kpi.predicate}",
        delta=delta,
        delta_color="normal" if final else "off",  # no green for a figure not yet verified
        help=f"Perubahan{since}." + ("" if final else " Angka sementara, bukan hasil resmi."),
    )
    left, right = st.columns(2)
    if kpi.next_predicate:
        left.metric(f"Selisih menuju {kpi.next_predicate}", kpi.gap_text.split(" lagi")[0])
    else:
        left.metric("Predikat", "Tertinggi")
    national = format_index(kpi.national_index) if kpi.national_index is not None else "–"
    right.metric(f"Indeks nasional {kpi.year}", national)
    for text in (kpi.province_rank_text, kpi.kind_rank_text):
        if text:
            st.markdown(f"**Peringkat:** {text}")
    if kpi.rounding_note:
        st.info(kpi.rounding_note, icon="ℹ️")
    if not kpi.predicate_published:
        st.caption("Predikat tidak dipublikasikan; ditentukan dari nilai indeks.")
    st.caption(f"Sumber: {kpi.source}")


def instansi_card(code: str, name: str, year: int) -> Kpi | None:
    """The year's figures for one instansi. Complete stored self-assessment levels win over a
    provisional figure from elsewhere (a news item), and the card says so; an official result is
    always shown, with the self-assessment beside it; a self-assessment still being collected
    from the OPDs is shown beside the news figure."""
    st.subheader(name)
    try:
        kpi = ui.from_official(summary_kpi, code, year)  # shared: never modified here
    except SpbeError as exc:
        kpi, missing = None, str(exc)
    # cycle.assessment(code, year), once per data version
    assessed = ui.derived(self_assessment, ("levels", "profiles"), code, code, year)
    if kpi is not None and (kpi.status == FINAL or assessed is None):
        _kpi(kpi)
    if kpi is not None and kpi.status != FINAL and kpi.note:
        st.caption(kpi.note)
    shown = cycle.card(code, year)
    if shown is None and kpi is None:
        st.info(missing)
    return kpi
