"""Kontribusi OPD: who contributes what to the index, and what each OPD's raise would buy."""

import streamlit as st

from spbe import ui
from spbe.charts.results import contribution_view
from spbe.core.errors import SpbeError
from spbe.core.framework import load_framework
from spbe.core.provenance import provenance_label
from spbe.results.contributions import opd_indicators
from spbe.results.tables import indicator_display, opd_display
from views.widgets import ranges

filters = ui.filters()
st.title("Kontribusi OPD")
levels = ui.levels(filters.instansi)
levels = levels[levels["year"] == filters.year]
opd, owners = ui.opd_and_owners(filters.instansi)
if levels.empty:
    st.info(f"Belum ada tingkat indikator untuk {filters.instansi_name} tahun {filters.year}.")
    st.stop()
if opd.empty:
    st.info(
        f"Pemetaan OPD belum ada untuk {filters.instansi_name}. Pemetaan bawaan tersedia untuk "
        "Kota Ternate dan Provinsi Maluku Utara."
    )
    st.stop()

provenance = st.selectbox(
    "Asal tingkat",
    sorted(levels["provenance"].unique()),
    key="opd_prov",
    format_func=provenance_label,
)
profile = levels[levels["provenance"] == provenance]
framework = load_framework(profile["framework"].iloc[0])
ui.secondary_source_warning(framework)
ui.badge(provenance_label(provenance), provenance)
try:  # built once per data version and choice, shared: never modified here
    args = (filters.instansi, filters.year, provenance)  # its levels and OPDs, then the choice
    _, result, figure = ui.derived(contribution_view, ("levels", "opd"), *args)
except SpbeError as exc:
    st.error(str(exc))
    st.stop()
if not result.mapping_confirmed:
    st.warning(
        "Pemetaan indikator ke OPD adalah bawaan lokal yang belum dikonfirmasi; kontribusi "
        "indikator dengan beberapa pengampu dibagi rata.",
        icon="⚠️",
    )
st.metric(f"Indeks {filters.year} dari tingkat ini", ui.index_text(result.index))
st.plotly_chart(figure, key="opd_chart")
st.dataframe(opd_display(result.by_opd), hide_index=True, key="opd_table")
if provenance == "rekonstruksi":
    ranges.contribution_ranges_section(result, filters.instansi, filters.year, framework)

st.subheader("Rincian indikator per OPD")
names = dict(zip(result.by_opd["opd_code"], result.by_opd["short_name"], strict=True))
chosen = st.selectbox("OPD", list(names), format_func=names.get, key="opd_drill")
rows = opd_indicators(result, chosen)
st.dataframe(indicator_display(rows), hide_index=True, key="opd_rows")
ui.excel_download(
    "Unduh kontribusi OPD (.xlsx)",
    lambda: ui.table_workbook({"OPD": result.by_opd, "Indikator": result.by_indicator}),
    f"kontribusi-opd-{filters.instansi}-{filters.year}.xlsx",
    key="dl_opd",
)
