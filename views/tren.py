"""Tren: the index over the years, domains, peers, the national picture and what moved the index."""

import streamlit as st

from spbe import ui
from spbe.charts.detail import indicator_heatmap
from spbe.charts.results import domain_trend_figure, trend_figure
from spbe.core.framework import load_framework
from views.widgets import cycle, trends

filters = ui.filters()
official = ui.official()
codes = [filters.instansi, filters.comparison]
st.title("Tren Indeks SPBE")
st.caption(
    "Titik penuh: hasil resmi KemenPANRB · titik kosong: penilaian mandiri (sementara) · "
    "belah ketupat: instrumen PermenPANRB 5/2018 (2018–2020)."
)
st.plotly_chart(ui.cached_figure(trend_figure, codes), key="trend")
st.plotly_chart(ui.cached_figure(domain_trend_figure, codes), key="domains")

st.subheader("Penilaian mandiri (sementara) di samping hasil resmi")
cycle.track(filters.instansi, filters.instansi_name)

st.header(f"Posisi {filters.year}")
left, right = st.columns(2)
with left:
    ranking = trends.province_ranking(official, filters.instansi, filters.year)
with right:
    distribution = trends.national_spread(official, filters.instansi, filters.year)

st.header("Tingkat per indikator")
levels = ui.levels(filters.instansi)
provenance = None
if levels.empty:
    st.info(f"Belum ada tingkat indikator tersimpan untuk {filters.instansi_name}.")
else:
    provenance = st.selectbox(
        "Asal tingkat", sorted(levels["provenance"].unique()), key="tren_prov"
    )
    chosen = levels[levels["provenance"] == provenance]
    framework = load_framework(chosen["framework"].iloc[-1])
    ui.secondary_source_warning(framework)
    ui.badge(provenance.capitalize(), provenance)
    chosen = chosen[chosen["framework"] == framework.id]
    st.plotly_chart(indicator_heatmap(chosen, framework), key="heatmap")

st.header("Apa yang menggerakkan indeks")
trends.what_moved(official, levels, filters.instansi, provenance)
trends.download(official, codes, ranking, distribution)
