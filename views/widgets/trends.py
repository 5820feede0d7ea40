"""The Tren page's pieces: the Maluku Utara ranking, the national distribution and what moved the
index between two years (waterfalls by domain and by indicator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.charts.detail import waterfall_figure
from spbe.charts.peers import distribution_figure, peer_ranking_figure
from spbe.core.errors import SpbeError
from spbe.core.provenance import FINAL
from spbe.results.changes import domain_changes, indicator_changes
from spbe.results.published import (
    band_framework,
    national_distribution,
    national_index,
    peer_ranking,
)
from spbe.results.tables import ranking_display


def province_ranking(official: pd.DataFrame, code: str, year: int) -> pd.DataFrame | None:
    """The Maluku Utara governments ranked (None with a message when there is no ranking)."""
    st.subheader("Pemerintah daerah di Maluku Utara")
    try:
        ranking = peer_ranking(official, year)
    except SpbeError as exc:
        st.info(str(exc))
        return None
    if not ranking.empty:
        reference = national_index(official, year)
        st.plotly_chart(peer_ranking_figure(ranking, code, reference=reference), key="peers")
    return ranking


def national_spread(official: pd.DataFrame, code: str, year: int) -> pd.DataFrame | None:
    """The distribution of indices among instansi of the same kind, with the neighbours listed."""
    st.subheader("Sebaran nasional sejenis")
    try:
        distribution = national_distribution(official, year, instansi_code=code)
        fw = band_framework("spbe-2020", year)
    except SpbeError as exc:
        st.info(str(exc))
        return None
    st.plotly_chart(distribution_figure(distribution, fw), key="distribution")
    near = distribution[distribution["neighbour"] | distribution["selected"]]
    st.dataframe(ranking_display(near), hide_index=True)
    return distribution


def what_moved(official: pd.DataFrame, levels: pd.DataFrame, code: str, provenance) -> None:
    """Waterfalls between two chosen years: by domain (official values), by indicator (levels)."""
    mine = official[(official["instansi_code"] == code) & (official["status"] == FINAL)]
    years = sorted(mine["year"].unique())
    if len(years) < 2:
        st.info("Perlu paling sedikit dua tahun hasil untuk melihat perubahan.")
        return
    c1, c2 = st.columns(2)
    year_from = c1.selectbox("Dari tahun", years[:-1], index=len(years) - 2, key="wf_from")
    year_to = c2.selectbox("Sampai tahun", [y for y in years if y > year_from], key="wf_to")
    try:
        steps = domain_changes(official, code, year_from, year_to)
        title = "Perubahan menurut domain (nilai resmi)"
        st.plotly_chart(waterfall_figure(steps, title=title), key="wf_dom")
    except SpbeError as exc:
        st.info(str(exc))
    if levels.empty:
        return
    try:
        steps = indicator_changes(levels, code, year_from, year_to, provenance)
        title = f"Perubahan menurut indikator ({provenance})"
        st.plotly_chart(waterfall_figure(steps, title=title), key="wf_ind")
    except SpbeError as exc:
        st.info(str(exc))


def download(official: pd.DataFrame, codes: list[str], ranking, distribution) -> None:
    sheets = {"Tren": official[official["instansi_code"].isin([*codes, "nasional"])]}
    if ranking is not None:
        sheets["Peringkat Malut"] = ranking
    if distribution is not None:
        sheets["Sebaran nasional"] = distribution
    ui.excel_download(
        "Unduh data tren (.xlsx)",
        lambda: ui.table_workbook(sheets),
        "tren-spbe.xlsx",
        key="dl_tren",
    )
