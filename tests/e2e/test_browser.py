"""End-to-end: `streamlit run app.py` on a temp database, every page opened in headless Chromium.

Offline at a venue: every request to a host other than localhost/127.0.0.1 is aborted and
recorded, and the test fails if any was made. Pages come from app.py's navigation.
Skips (with the reason) when Playwright's package or Debian's chromium is missing.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.helpers_app import (
    HEADING_TIMEOUT_MS,
    browser_exception_texts,
    browser_unavailable_reason,
    build_seeded_database,
    discover_pages,
    open_app_page,
    streamlit_server,
    wait_for_page,
)

if browser_unavailable_reason():
    pytest.skip(browser_unavailable_reason(), allow_module_level=True)

PAGES = discover_pages()
HOME = next(p for p in PAGES if p.default)
SIDEBAR_FILTERS = 3  # instansi, comparison, year (spbe.ui.sidebar_filters)


def _assert_healthy(page, server, what: str) -> None:
    errors = browser_exception_texts(page)
    assert not errors, f"{what}: Streamlit exception shown:\n{errors}\n{server.log_tail()}"
    net = page.network
    assert not net.non_local(), f"{what}: requests left the machine: {net.non_local()}"
    missing = net.missing_resources()
    assert not missing, f"{what}: missing local resources: {missing}"
    assert not net.hard_failures(), f"{what}: local requests failed: {net.hard_failures()}"
    assert net.websockets, f"{what}: no websocket to the Streamlit server"


def _nav_link_texts(page) -> list[str]:
    # text_content, not inner_text: the Presentasi page hides the sidebar on purpose
    return [link.text_content() for link in page.get_by_test_id("stSidebarNavLink").all()]


def _assert_router_frame(page) -> None:
    """The app's own navigation (exactly the pages of app.py) and the shared sidebar filters."""
    links = _nav_link_texts(page)
    assert len(links) == len(PAGES), f"navigation shows {links}, app.py declares {PAGES}"
    for spec in PAGES:
        assert sum(spec.title in text for text in links) == 1, f"{spec.title!r} not in {links}"
    filters = page.get_by_test_id("stSidebarUserContent").get_by_test_id("stSelectbox")
    filters.nth(SIDEBAR_FILTERS - 1).wait_for(state="attached", timeout=HEADING_TIMEOUT_MS)
    assert filters.count() >= SIDEBAR_FILTERS


@pytest.mark.parametrize("spec", PAGES, ids=[p.test_id for p in PAGES])
def test_page_renders_offline(app_server, offline_page, screenshot_dir, spec):
    started = time.perf_counter()
    open_app_page(offline_page, app_server, spec)
    elapsed = time.perf_counter() - started
    offline_page.screenshot(path=str(screenshot_dir / f"{spec.test_id}.png"), full_page=True)
    _assert_healthy(offline_page, app_server, spec.title)
    _assert_router_frame(offline_page)
    print(f"{spec.title}: {elapsed:.2f} s to an idle page; screenshot in {screenshot_dir}")


def test_every_nav_link_opens_its_page(app_server, offline_page):
    open_app_page(offline_page, app_server, HOME)
    for spec in PAGES:
        link = offline_page.get_by_test_id("stSidebarNavLink").filter(has_text=spec.title)
        if not link.is_visible():  # coming from the full-screen Presentasi page
            open_app_page(offline_page, app_server, HOME, settle=False)
        link.click()
        wait_for_page(offline_page, spec, settle=False)
        _assert_healthy(offline_page, app_server, f"via link: {spec.title}")
        assert urlsplit(offline_page.url).path.strip("/") == spec.url_path


def test_deep_link_on_a_fresh_server_runs_the_router(tmp_path, offline_page):
    """The first visit after a restart may be a bookmarked page, not the home page."""
    deep = next((p for p in PAGES if not p.default), None)
    if deep is None:
        pytest.skip("app.py declares a single page")
    database = build_seeded_database(tmp_path / "spbe.duckdb")
    with streamlit_server(database, tmp_path / "streamlit.log") as server:
        open_app_page(offline_page, server, deep)
        _assert_healthy(offline_page, server, f"deep link {deep.url_path}")
        _assert_router_frame(offline_page)
