"""Tren: the index over the years on top, then one view at a time (chosen with "Tampilan"):
domains, the self-assessment track, peers, the national picture, indicator levels and what moved
the index. Only the chosen view is built and drawn (issue 15)."""

import streamlit as st

from spbe import ui
from spbe.charts.results import trend_figure
from views.widgets import trends

filters = ui.filters()
codes = (filters.instansi, filters.comparison)
st.title("Tren Indeks SPBE")
st.caption(
    "Titik penuh: hasil resmi KemenPANRB · titik kosong: penilaian mandiri (sementara) · "
    "belah ketupat: instrumen PermenPANRB 5/2018 (2018–2020)."
)
st.plotly_chart(ui.cached_figure(trend_figure, codes), key="trend")

view = trends.choose_view()
if view == "Peringkat Maluku Utara":
    trends.province_ranking(filters.instansi, filters.year)
elif view == "Domain":
    trends.domains(codes)
elif view == "Penilaian mandiri":
    trends.self_assessment_track(filters.instansi, filters.instansi_name)
elif view == "Sebaran nasional":
    trends.national_spread(filters.instansi, filters.year)
elif view == "Tingkat per indikator":
    trends.indicator_levels(filters.instansi, filters.instansi_name)
else:
    st.subheader("Apa yang menggerakkan indeks")
    trends.what_moved(filters.instansi)
trends.download(codes, filters.year)
