"""Tren: the index over the years, domains, peers, the national picture and what moved the index."""

import streamlit as st

from spbe import ui
from spbe.charts.detail import indicator_heatmap, waterfall_figure
from spbe.charts.peers import distribution_figure, peer_ranking_figure
from spbe.charts.results import domain_trend_figure, trend_figure
from spbe.core.framework import load_framework
from spbe.results.changes import domain_changes, indicator_changes
from spbe.results.published import (
    band_framework,
    national_distribution,
    national_index,
    peer_ranking,
)
from spbe.results.tables import ranking_display

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

st.header(f"Posisi {filters.year}")
left, right = st.columns(2)
with left:
    st.subheader("Pemerintah daerah di Maluku Utara")
    try:
        ranking = peer_ranking(official, filters.year)
    except ValueError as exc:
        ranking = None
        st.info(str(exc))
    if ranking is not None and not ranking.empty:
        st.plotly_chart(
            peer_ranking_figure(
                ranking, filters.instansi, reference=national_index(official, filters.year)
            ),
            key="peers",
        )
distribution = None
with right:
    st.subheader("Sebaran nasional sejenis")
    try:
        distribution = national_distribution(official, filters.year, instansi_code=filters.instansi)
        fw = band_framework("spbe-2020", filters.year)
        st.plotly_chart(distribution_figure(distribution, fw), key="distribution")
        st.dataframe(
            ranking_display(distribution[distribution["neighbour"] | distribution["selected"]]),
            hide_index=True,
        )
    except ValueError as exc:
        st.info(str(exc))

st.header("Tingkat per indikator")
levels = ui.levels(filters.instansi)
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
mine = official[(official["instansi_code"] == filters.instansi) & (official["status"] == "final")]
years = sorted(mine["year"].unique())
if len(years) < 2:
    st.info("Perlu paling sedikit dua tahun hasil untuk melihat perubahan.")
else:
    c1, c2 = st.columns(2)
    year_from = c1.selectbox("Dari tahun", years[:-1], index=len(years) - 2, key="wf_from")
    year_to = c2.selectbox("Sampai tahun", [y for y in years if y > year_from], key="wf_to")
    try:
        st.plotly_chart(
            waterfall_figure(
                domain_changes(official, filters.instansi, year_from, year_to),
                title="Perubahan menurut domain (nilai resmi)",
            ),
            key="wf_dom",
        )
    except ValueError as exc:
        st.info(str(exc))
    if not levels.empty:
        try:
            steps = indicator_changes(levels, filters.instansi, year_from, year_to, provenance)
            st.plotly_chart(
                waterfall_figure(steps, title=f"Perubahan menurut indikator ({provenance})"),
                key="wf_ind",
            )
        except ValueError as exc:
            st.info(str(exc))

sheets = {"Tren": official[official["instansi_code"].isin([*codes, "nasional"])]}
if ranking is not None:
    sheets["Peringkat Malut"] = ranking
if distribution is not None:
    sheets["Sebaran nasional"] = distribution
ui.excel_download(
    "Unduh data tren (.xlsx)", ui.table_workbook(sheets), "tren-spbe.xlsx", key="dl_tren"
)
