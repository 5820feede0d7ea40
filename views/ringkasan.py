"""Ringkasan: where both instansi stand this year, with provenance on every figure; the
self-assessment (recomputed from stored levels) beside, never instead of, the official result."""

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.results.insights import narrative
from spbe.results.tables import kpi_table
from views.widgets import summary

filters = ui.filters()
st.title("Ringkasan Indeks SPBE")

kpis = []
for column, code, name in zip(
    st.columns(2),
    (filters.instansi, filters.comparison),
    (filters.instansi_name, filters.comparison_name),
    strict=True,
):
    with column, st.container(border=True):
        kpi = summary.instansi_card(code, name, filters.year)
        if kpi is not None:
            kpis.append(kpi)

st.subheader("Ringkasan naratif")
try:
    st.write(ui.from_official(narrative, filters.instansi, filters.year))
except SpbeError as exc:
    st.info(str(exc))

if kpis:
    ui.excel_download(
        "Unduh data ringkasan (.xlsx)",
        lambda: ui.table_workbook({"Ringkasan": kpi_table(kpis)}),
        f"ringkasan-spbe-{filters.year}.xlsx",
        key="dl_ringkasan",
    )
