"""The Tren page's views below the trend chart, one drawn at a time (issue 15: seven charts on one
screen took seconds to paint): domains, the self-assessment track, the Maluku Utara ranking, the
national distribution, the indicator heatmap and what moved the index between two years.

Every table and figure comes from spbe.charts.results' page views through ``ui.derived``: built
once per data version and arguments, shared, never modified here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.charts.results import (
    distribution_view,
    domain_trend_figure,
    domain_waterfall,
    heatmap_view,
    indicator_waterfall,
    ranking_view,
)
from spbe.core.errors import SpbeError
from spbe.core.provenance import provenance_label
from spbe.results.published import NATIONAL, final_years
from spbe.results.tables import ranking_display
from views.widgets import cycle

VIEWS = (
    "Peringkat Maluku Utara",
    "Domain",
    "Penilaian mandiri",
    "Sebaran nasional",
    "Tingkat per indikator",
    "Apa yang menggerakkan indeks",
)
KEY_VIEW = "tren_view"


def choose_view() -> str:
    """The one view to draw (a control that draws only the chosen one, unlike st.tabs)."""
    return st.segmented_control("Tampilan", VIEWS, default=VIEWS[0], required=True, key=KEY_VIEW)


def domains(codes: tuple[str, str]) -> None:
    st.plotly_chart(ui.cached_figure(domain_trend_figure, codes), key="domains")


def self_assessment_track(code: str, name: str) -> None:
    st.subheader("Penilaian mandiri (sementara) di samping hasil resmi")
    cycle.track(code, name)


def province_ranking(code: str, year: int) -> None:
    st.subheader(f"Pemerintah daerah di Maluku Utara {year}")
    try:
        ranking, figure = ui.from_official(ranking_view, year, code)
    except SpbeError as exc:
        st.info(str(exc))
        return
    if figure is not None:
        st.plotly_chart(figure, key="peers")


def national_spread(code: str, year: int) -> None:
    """The distribution of indices among instansi of the same kind, with the neighbours listed."""
    st.subheader(f"Sebaran nasional sejenis {year}")
    try:
        distribution, figure = ui.from_official(distribution_view, year, code)
    except SpbeError as exc:
        st.info(str(exc))
        return
    st.plotly_chart(figure, key="distribution")
    near = distribution[distribution["neighbour"] | distribution["selected"]]
    st.dataframe(ranking_display(near), hide_index=True)


def _provenance(levels: pd.DataFrame) -> str:
    return st.selectbox(
        "Asal tingkat",
        sorted(levels["provenance"].unique()),
        key="tren_prov",
        format_func=provenance_label,
    )


def indicator_levels(code: str, name: str) -> None:
    levels = ui.levels(code)
    if levels.empty:
        st.info(f"Belum ada tingkat indikator tersimpan untuk {name}.")
        return
    provenance = _provenance(levels)
    framework, figure = ui.derived(heatmap_view, ("levels",), code, provenance)
    ui.secondary_source_warning(framework)
    ui.badge(provenance_label(provenance), provenance)
    st.plotly_chart(figure, key="heatmap")


def what_moved(code: str) -> None:
    """Waterfalls between two chosen years: by domain (official values), by indicator (levels)."""
    years = ui.from_official(final_years, code)
    if len(years) < 2:
        st.info("Perlu paling sedikit dua tahun hasil untuk melihat perubahan.")
        return
    levels = ui.levels(code)
    provenance = _provenance(levels) if not levels.empty else None
    c1, c2 = st.columns(2)
    year_from = c1.selectbox("Dari tahun", years[:-1], index=len(years) - 2, key="wf_from")
    year_to = c2.selectbox("Sampai tahun", [y for y in years if y > year_from], key="wf_to")
    try:
        figure = ui.from_official(domain_waterfall, code, year_from, year_to)
        st.plotly_chart(figure, key="wf_dom")
    except SpbeError as exc:
        st.info(str(exc))
    if provenance is None:
        return
    try:
        args = (code, year_from, year_to, provenance)  # levels of `code`, then the arguments
        st.plotly_chart(ui.derived(indicator_waterfall, ("levels",), code, *args), key="wf_ind")
    except SpbeError as exc:
        st.info(str(exc))


def _trend_rows(official: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    return official[official["instansi_code"].isin([*codes, NATIONAL])]


def download(codes: tuple[str, str], year: int) -> None:
    """The trend rows, the ranking and the distribution of ``year`` as .xlsx, built on the click."""
    sheets = {"Tren": ui.from_official(_trend_rows, codes)}
    for sheet, view in (("Peringkat Malut", ranking_view), ("Sebaran nasional", distribution_view)):
        try:
            sheets[sheet] = ui.from_official(view, year, codes[0])[0]
        except SpbeError:
            pass
    ui.excel_download(
        "Unduh data tren (.xlsx)",
        lambda: ui.table_workbook(sheets),
        "tren-spbe.xlsx",
        key="dl_tren",
    )
