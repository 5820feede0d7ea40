"""Issue 15, "must not change": the cached and lazy paths give exactly what the direct builders give.

The pages draw figures and tables that spbe.ui.derived builds once per data version and shares,
and make their .xlsx downloads on the click (ui.excel_download with a callable). Here, in AppTest
on a seeded database and for a few filter choices, every figure a page sends (the JSON Streamlit
puts on the wire) is compared with the same figure built directly, the way the pages built it
before, and every download's workbook with the directly written one (all parts but the
timestamps of docProps/core.xml). The vectorised ``preferred_results`` is compared with the Python
loop it replaced, kept here as the reference.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pytest
import streamlit

from spbe import store, ui
from spbe.charts.detail import (
    indicator_heatmap,
    opd_contribution_figure,
    waterfall_figure,
)
from spbe.charts.peers import distribution_figure, peer_ranking_figure
from spbe.charts.results import domain_trend_figure, trend_figure
from spbe.core.errors import SpbeError
from spbe.core.framework import load_framework
from spbe.core.provenance import FINAL
from spbe.files.writers import write_table_workbook
from spbe.results.changes import domain_changes, indicator_changes
from spbe.results.contributions import opd_contributions
from spbe.results.insights import narrative, summary_kpi
from spbe.results.published import (
    band_framework,
    is_final,
    national_distribution,
    national_index,
    peer_ranking,
    preferred_results,
)
from spbe.results.tables import kpi_table, official_display, ranking_display
from tests.helpers_app import (
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    new_app_test,
    open_page,
)

PAGES = {p.test_id: p for p in discover_pages()}
TERNATE, MALUT = "kota-ternate", "prov-maluku-utara"
CHOICES = [(TERNATE, MALUT, 2023), (TERNATE, MALUT, 2024), (MALUT, TERNATE, 2024)]
CHOICE_IDS = [f"{code}-{year}" for code, _, year in CHOICES]
TREN_VIEWS = (
    "Domain",
    "Penilaian mandiri",
    "Peringkat Maluku Utara",
    "Sebaran nasional",
    "Tingkat per indikator",
    "Apa yang menggerakkan indeks",
)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return build_seeded_database(tmp_path_factory.mktemp("cached-paths") / "template.duckdb")


@pytest.fixture(scope="module")
def data(seeded):
    """The frames the pages read, straight from the store (no Streamlit cache)."""
    con = store.open_read_only(seeded)
    try:
        codes = (TERNATE, MALUT)
        return {
            "official": store.official_results(con),
            "levels": {c: store.indicator_levels(con, c) for c in codes},
            "opd": {c: (store.opd_table(con, c), store.owner_table(con, c)) for c in codes},
        }
    finally:
        con.close()


@pytest.fixture
def downloads(seeded, tmp_path, monkeypatch):
    """A database copy for the app; every download button's data is kept (by key) instead of
    being drawn: a callable is what the server would run on the click."""
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(seeded, path)
    monkeypatch.setenv(store.DB_ENV, str(path))
    kept: dict[str, object] = {}

    def download_button(label, data, file_name=None, mime=None, key=None, **_):
        kept[key] = data
        return False

    monkeypatch.setattr(streamlit, "download_button", download_button)
    clear_streamlit_caches()
    with full_error_details():
        yield kept
    clear_streamlit_caches()


def _ok(at):
    assert not at.exception, "\n\n".join(exception_texts(at))
    return at


def _open(page: str, code: str, comparison: str, year: int):
    at = _ok(open_page(new_app_test(), PAGES[page]))
    at.selectbox(key=ui.KEY_INSTANSI).set_value(code)
    at.selectbox(key=ui.KEY_COMPARISON).set_value(comparison)
    _ok(at.run())
    at.selectbox(key=ui.KEY_YEAR).set_value(year)
    return _ok(at.run())


def _charts(at) -> dict[str, dict]:
    """The figure JSON of every chart drawn, by its key (the element id ends with it)."""
    found = {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]
        found[key] = json.loads(chart.proto.spec)
    return found


def _json(figure) -> dict:
    """What st.plotly_chart sends for a figure built directly."""
    return json.loads(pio.to_json(figure.to_dict(), validate=False))


def _parts(workbook: bytes) -> dict[str, bytes]:
    """Every part of an .xlsx but its timestamps (docProps/core.xml: created, modified)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        return {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}


def _same_workbook(lazy, sheets: dict[str, pd.DataFrame]) -> None:
    assert callable(lazy), "the workbook must be built on the click, not on every rerun"
    made = lazy()  # as the server runs it: after the script run, outside it
    assert _parts(made) == _parts(write_table_workbook(sheets))
    assert pd.ExcelFile(io.BytesIO(made)).sheet_names == list(sheets)


def _or_none(build, *args):
    try:
        return build(*args)
    except SpbeError:
        return None


# -- Tren --------------------------------------------------------------------------------------


def _tren_expected(data, code: str, comparison: str, year: int, view: str) -> dict[str, object]:
    """The figures of one view, built directly as views/tren.py built them before issue 15."""
    official, levels = data["official"], data["levels"][code]
    codes = [code, comparison]
    expected: dict[str, object] = {"trend": trend_figure(official, codes)}
    if view == "Domain":
        expected["domains"] = domain_trend_figure(official, codes)
    elif view == "Peringkat Maluku Utara":
        ranking = peer_ranking(official, year)
        reference = national_index(official, year)
        expected["peers"] = peer_ranking_figure(ranking, code, reference=reference)
    elif view == "Sebaran nasional":
        distribution = national_distribution(official, year, instansi_code=code)
        expected["distribution"] = distribution_figure(
            distribution, band_framework("spbe-2020", year)
        )
    elif view == "Tingkat per indikator":
        provenance = sorted(levels["provenance"].unique())[0]
        chosen = levels[levels["provenance"] == provenance]
        framework = load_framework(chosen["framework"].iloc[-1])
        chosen = chosen[chosen["framework"] == framework.id]
        expected["heatmap"] = indicator_heatmap(chosen, framework)
    elif view == "Apa yang menggerakkan indeks":
        mine = official[(official["instansi_code"] == code) & (official["status"] == FINAL)]
        years = sorted(mine["year"].unique())
        year_from, year_to = years[-2], years[-1]
        steps = domain_changes(official, code, year_from, year_to)
        expected["wf_dom"] = waterfall_figure(steps, title="Perubahan menurut domain (nilai resmi)")
        provenance = sorted(levels["provenance"].unique())[0]
        steps = _or_none(indicator_changes, levels, code, year_from, year_to, provenance)
        if steps is not None:
            title = f"Perubahan menurut indikator ({provenance})"
            expected["wf_ind"] = waterfall_figure(steps, title=title)
    return expected


@pytest.mark.parametrize(("code", "comparison", "year"), CHOICES, ids=CHOICE_IDS)
def test_tren_draws_the_figures_of_the_direct_builders(data, downloads, code, comparison, year):
    at = _open("tren", code, comparison, year)
    for view in TREN_VIEWS:
        at.button_group(key="tren_view").set_value(view)
        _ok(at.run())
        expected = _tren_expected(data, code, comparison, year, view)
        shown = _charts(at)
        assert set(shown) == set(expected), view
        for key, figure in expected.items():
            assert shown[key] == _json(figure), f"{view}: {key}"
        if view == "Sebaran nasional":
            distribution = national_distribution(data["official"], year, instansi_code=code)
            near = distribution[distribution["neighbour"] | distribution["selected"]]
            pd.testing.assert_frame_equal(at.dataframe[0].value, ranking_display(near))


@pytest.mark.parametrize(("code", "comparison", "year"), CHOICES, ids=CHOICE_IDS)
def test_tren_download_is_the_direct_workbook(data, downloads, code, comparison, year):
    _open("tren", code, comparison, year)
    official = data["official"]
    sheets = {"Tren": official[official["instansi_code"].isin([code, comparison, "nasional"])]}
    sheets["Peringkat Malut"] = peer_ranking(official, year)
    sheets["Sebaran nasional"] = national_distribution(official, year, instansi_code=code)
    _same_workbook(downloads["dl_tren"], sheets)


# -- Ringkasan, Kontribusi OPD, Data & Impor ------------------------------------------------------


@pytest.mark.parametrize(("code", "comparison", "year"), CHOICES, ids=CHOICE_IDS)
def test_ringkasan_says_and_downloads_what_the_direct_builders_give(
    data, downloads, code, comparison, year
):
    at = _open("ringkasan", code, comparison, year)
    official = data["official"]
    assert narrative(official, code, year) in [m.value for m in at.markdown]
    kpis = [k for k in (_or_none(summary_kpi, official, c, year) for c in (code, comparison)) if k]
    assert kpis
    shown = [m.value for m in at.metric]
    for kpi in kpis:
        assert f"{kpi.index_text} · {kpi.predicate}" in shown
    _same_workbook(downloads["dl_ringkasan"], {"Ringkasan": kpi_table(kpis)})


@pytest.mark.parametrize(("code", "comparison", "year"), CHOICES, ids=CHOICE_IDS)
def test_kontribusi_opd_draws_and_downloads_the_direct_contributions(
    data, downloads, code, comparison, year
):
    at = _open("kontribusi_opd", code, comparison, year)
    levels = data["levels"][code]
    levels = levels[levels["year"] == year]
    opd, owners = data["opd"][code]
    provenance = sorted(levels["provenance"].unique())[0]
    profile = levels[levels["provenance"] == provenance]
    framework = load_framework(profile["framework"].iloc[0])
    result = opd_contributions(profile, owners, opd, framework)
    assert _charts(at) == {"opd_chart": _json(opd_contribution_figure(result))}
    sheets = {"OPD": result.by_opd, "Indikator": result.by_indicator}
    _same_workbook(downloads["dl_opd"], sheets)


def test_data_page_shows_the_directly_formatted_results(data, downloads):
    at = _open("data", TERNATE, MALUT, 2024)
    table = next(d for d in at.dataframe if "Asal" in d.value.columns)
    pd.testing.assert_frame_equal(table.value, official_display(data["official"]))


def test_the_derived_cache_is_shared_and_remembers_a_refusal(data, downloads):
    """Built once per data version: the same object again; an SpbeError is raised again."""
    at = _open("tren", TERNATE, MALUT, 2024)
    at.button_group(key="tren_view").set_value("Peringkat Maluku Utara")
    first = _charts(_ok(at.run()))["peers"]
    at.selectbox(key=ui.KEY_YEAR).set_value(2023)
    _ok(at.run())
    at.selectbox(key=ui.KEY_YEAR).set_value(2024)
    assert _charts(_ok(at.run()))["peers"] == first
    calls = []

    def refuse(official, year):
        calls.append(year)
        raise SpbeError(f"Tidak ada hasil {year}.")

    for _ in range(2):
        with pytest.raises(SpbeError, match="Tidak ada hasil 1999"):
            ui.from_official(refuse, 1999)
    assert calls == [1999]


# -- the deferred workbook keeps the run's filters -------------------------------------------------


def test_a_deferred_workbook_flags_a_secondary_source_year_of_its_run():
    """On the click the callable runs outside the script run: the filters of the run that offered
    it decide the "Catatan sumber" sheet (2026: the Indeks Pemdi, from secondary summaries)."""
    sheets = {"Data": pd.DataFrame({"Tahun": [2026], "Indeks": [2.5]})}
    for year, names in ((2026, ["Catatan sumber", "Data"]), (2024, ["Data"])):
        chosen = ui.Filters(TERNATE, "Kota Ternate", MALUT, "Provinsi Maluku Utara", year)
        token = ui._deferred_filters.set((chosen,))
        try:
            made = ui.table_workbook(sheets)
        finally:
            ui._deferred_filters.reset(token)
        assert pd.ExcelFile(io.BytesIO(made)).sheet_names == names


# -- preferred_results: vectorised = the Python loop it replaced ---------------------------------


def preferred_results_loop(official: pd.DataFrame) -> pd.DataFrame:
    """The implementation before issue 15 (three Python passes over every row), the reference."""
    if "status" not in official.columns:
        return official
    final_keys = set(zip(*(official.loc[is_final(official), c] for c in ("instansi_code", "year"))))
    keep = [
        final or (code, year) not in final_keys
        for code, year, final in zip(
            official["instansi_code"], official["year"], is_final(official)
        )
    ]
    return official[pd.Series(keep, index=official.index, dtype=bool)]


def _frame(rows, index=None) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["instansi_code", "year", "status", "index_value"], index=index
    )


EDGE_FRAMES = {
    "empty": _frame([]),
    "no status column": _frame([("a", 2024, FINAL, 2.1)]).drop(columns="status"),
    "final and provisional": _frame(
        [("a", 2024, "provisional", 2.3), ("a", 2024, FINAL, 2.1), ("a", 2025, "provisional", 2.4)]
    ),
    "missing status counts as final": _frame(
        [("a", 2024, None, 2.1), ("a", 2024, "provisional", 2.3), ("b", 2024, "provisional", 1.9)]
    ),
    "only provisional, twice": _frame(
        [("a", 2024, "provisional", 2.3), ("a", 2024, "provisional", 2.4)]
    ),
    "two finals": _frame([("a", 2024, FINAL, 2.1), ("a", 2024, FINAL, 2.2)]),
    "same year, other instansi": _frame(
        [("a", 2024, FINAL, 2.1), ("b", 2024, "provisional", 2.0), ("b", 2023, FINAL, 1.8)]
    ),
    "duplicate and unsorted index": _frame(
        [("a", 2024, "provisional", 2.3), ("a", 2024, FINAL, 2.1), ("b", 2023, "provisional", 1.0)],
        index=[7, 7, 3],
    ),
}


@pytest.mark.parametrize("name", list(EDGE_FRAMES))
def test_preferred_results_keeps_the_rows_of_the_loop_on_edge_frames(name):
    frame = EDGE_FRAMES[name]
    pd.testing.assert_frame_equal(preferred_results(frame), preferred_results_loop(frame))


def test_preferred_results_keeps_the_rows_of_the_loop_on_the_seeded_data(data):
    official = data["official"]
    assert (official["status"] != FINAL).any()  # the seed has provisional rows to drop or keep
    pd.testing.assert_frame_equal(preferred_results(official), preferred_results_loop(official))
    shuffled = official.sample(frac=1.0, random_state=15)
    pd.testing.assert_frame_equal(preferred_results(shuffled), preferred_results_loop(shuffled))
