"""Ringkasan: where both instansi stand this year, with provenance on every figure."""

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.provenance import provenance_kind
from spbe.results.insights import narrative, summary_kpi
from spbe.results.tables import kpi_table

filters = ui.filters()
official = ui.official()
st.title("Ringkasan Indeks SPBE")

kpis = []
for column, code in zip(st.columns(2), (filters.instansi, filters.comparison), strict=True):
    with column, st.container(border=True):
        try:
            kpi = summary_kpi(official, code, filters.year)
        except SpbeError as exc:
            st.info(str(exc))
            continue
        kpis.append(kpi)
        st.subheader(kpi.instansi_name)
        ui.badge(kpi.provenance, provenance_kind(kpi.status))
        delta = kpi.change_text.replace("−", "-") if kpi.change is not None else None
        since = f" dibanding {kpi.previous_year}" if kpi.previous_year else ""
        st.metric(
            f"Indeks {kpi.year}",
            f"{kpi.index_text} · {kpi.predicate}",
            delta=delta,
            help=f"Perubahan{since}.",
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

st.subheader("Ringkasan naratif")
try:
    st.write(narrative(official, filters.instansi, filters.year))
except SpbeError as exc:
    st.info(str(exc))

if kpis:
    ui.excel_download(
        "Unduh data ringkasan (.xlsx)",
        ui.table_workbook({"Ringkasan": kpi_table(kpis)}),
        f"ringkasan-spbe-{filters.year}.xlsx",
        key="dl_ringkasan",
    )
