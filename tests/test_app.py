"""AppTest of the whole app from its entry point (app.py) on a temp seeded database.

Pages come from app.py's own navigation (tests/helpers_app.discover_pages), so every page added
there is rendered here without editing this file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from spbe import store, ui
from spbe.core.formatting import format_index
from tests.helpers_app import (
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    heading_texts,
    new_app_test,
    open_page,
    registered_pages,
    write_corrupt_database,
)

PAGES = discover_pages()
HOME = next(p for p in PAGES if p.default)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """One seeded store per session; each test gets its own copy."""
    return build_seeded_database(tmp_path_factory.mktemp("seed") / "template.duckdb")


@pytest.fixture(scope="session")
def official(seeded_template) -> pd.DataFrame:
    con = store.open_read_only(seeded_template)
    try:
        return store.official_results(con)
    finally:
        con.close()


@pytest.fixture
def caches():
    clear_streamlit_caches()
    with full_error_details():
        yield
    clear_streamlit_caches()


@pytest.fixture
def app_db(seeded_template, tmp_path, monkeypatch, caches) -> Path:
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(seeded_template, path)
    monkeypatch.setenv(store.DB_ENV, str(path))
    return path


def _no_exception(at) -> None:
    assert not at.exception, "\n\n".join(exception_texts(at))


def _metric_values(at) -> list[str]:
    return [m.value for m in at.metric]


def _indices_shown_for(official: pd.DataFrame, code: str, year: int) -> set[str]:
    rows = official[(official["instansi_code"] == code) & (official["year"] == year)]
    assert len(rows), f"seed data has no result for {code} {year}"
    return {format_index(v) for v in rows["index_value"]}


def test_discovered_pages_are_the_registered_navigation(app_db):
    at = new_app_test().run()
    _no_exception(at)
    expected = {str((Path(ui.__file__).parents[1] / p.script).resolve()): p.title for p in PAGES}
    assert registered_pages(at) == expected


def test_reruns_go_through_the_router(app_db):
    """A rerun (any widget change) must execute app.py, not the page file alone."""
    at = new_app_test().run()
    at.run()
    assert registered_pages(at), "st.navigation did not run"
    keys = {w.key for w in at.sidebar.selectbox}
    assert {ui.KEY_INSTANSI, ui.KEY_COMPARISON, ui.KEY_YEAR} <= keys, (
        "the rerun executed the page without app.py (no sidebar filters). Streamlit treats a "
        "folder named pages/ next to app.py as an old-style pages directory: AppTest reruns, and "
        "a server's first visit to a deep link, then run pages/<name>.py alone. Rename the folder."
    )


@pytest.mark.parametrize("page", PAGES, ids=[p.test_id for p in PAGES])
def test_every_page_renders_without_exception(app_db, page):
    at = open_page(new_app_test(), page)
    _no_exception(at)
    headings = heading_texts(at)
    assert any(page.title.casefold() in h.casefold() for h in headings), (
        f"page title {page.title!r} not among headings {headings!r}"
    )


@pytest.mark.parametrize("page", PAGES, ids=[p.test_id for p in PAGES])
def test_every_page_renders_for_every_offered_choice(app_db, page):
    """Every year the sidebar offers, for the default pair and with the two swapped (a province)."""
    at = open_page(new_app_test(), page)
    _no_exception(at)
    for instansi, comparison in (
        (ui.DEFAULT_INSTANSI, ui.DEFAULT_COMPARISON),
        (ui.DEFAULT_COMPARISON, ui.DEFAULT_INSTANSI),
    ):
        at.selectbox(key=ui.KEY_INSTANSI).set_value(instansi)
        at.selectbox(key=ui.KEY_COMPARISON).set_value(comparison).run()
        _no_exception(at)
        for year in at.selectbox(key=ui.KEY_YEAR).options:
            at.selectbox(key=ui.KEY_YEAR).set_value(int(str(year).split(" ")[0])).run()
            assert not at.exception, f"{page.title}, {instansi} {year}:\n" + "\n".join(
                exception_texts(at)
            )


def _final_years(official: pd.DataFrame, code: str) -> list[int]:
    mine = official[(official["instansi_code"] == code) & (official["status"] == "final")]
    return sorted(int(y) for y in mine["year"].unique())


def test_sidebar_filters_default_to_ternate_maluku_utara_latest_official_year(app_db, official):
    at = new_app_test().run()
    _no_exception(at)
    assert at.selectbox(key=ui.KEY_INSTANSI).value == ui.DEFAULT_INSTANSI
    assert at.selectbox(key=ui.KEY_COMPARISON).value == ui.DEFAULT_COMPARISON
    # Ternate 2025 is a provisional self-assessment; the latest official (final) result is 2024.
    assert at.selectbox(key=ui.KEY_YEAR).value == _final_years(official, ui.DEFAULT_INSTANSI)[-1]


def test_ringkasan_follows_the_chosen_instansi(app_db, official):
    at = open_page(new_app_test(), HOME)
    _no_exception(at)
    before = _metric_values(at)
    assert before, "Ringkasan shows no st.metric"

    # The other kota of the default's province: a real neighbour with its own published index.
    default = official[official["instansi_code"] == ui.DEFAULT_INSTANSI].iloc[0]
    neighbours = official[
        (official["province"] == default["province"])
        & (official["kind"] == default["kind"])
        & (official["instansi_code"] != ui.DEFAULT_INSTANSI)
    ]
    other = neighbours["instansi_code"].iloc[0]
    at.selectbox(key=ui.KEY_INSTANSI).set_value(other).run()
    _no_exception(at)

    year = at.selectbox(key=ui.KEY_YEAR).value
    after = _metric_values(at)
    assert after != before
    expected = _indices_shown_for(official, other, year)
    assert any(text in value for value in after for text in expected), (
        f"index {expected} of {other} {year} not among metrics {after}"
    )


def test_ringkasan_follows_the_chosen_year(app_db, official):
    at = open_page(new_app_test(), HOME)
    _no_exception(at)
    before = _metric_values(at)
    assert before, "Ringkasan shows no st.metric"

    year_box = at.selectbox(key=ui.KEY_YEAR)
    shown = int(year_box.value)
    earlier = max(y for y in _final_years(official, ui.DEFAULT_INSTANSI) if y < shown)
    year_box.set_value(earlier).run()
    _no_exception(at)
    assert at.selectbox(key=ui.KEY_YEAR).value == earlier

    after = _metric_values(at)
    assert after != before
    expected = _indices_shown_for(official, ui.DEFAULT_INSTANSI, earlier)
    assert any(text in value for value in after for text in expected), (
        f"index {expected} of {ui.DEFAULT_INSTANSI} {earlier} not among metrics {after}"
    )


def test_corrupt_database_falls_back_to_read_only_on_every_page(tmp_path, monkeypatch, caches):
    corrupt = write_corrupt_database(tmp_path / "rusak.duckdb")
    original = corrupt.read_bytes()
    monkeypatch.setenv(store.DB_ENV, str(corrupt))

    at = new_app_test()
    for page in PAGES:
        open_page(at, page)
        _no_exception(at)
        warnings = [w.value for w in at.warning]
        assert any("Mode baca saja" in w for w in warnings), f"{page.title}: {warnings!r}"
    assert corrupt.read_bytes() == original  # the broken file is left for someone to inspect
