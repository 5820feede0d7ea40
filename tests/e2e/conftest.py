"""Fixtures for the browser tests: a live `streamlit run app.py` and an offline headless Chromium.

Reusable by any browser test (presentation page offline check, load tests): ask for ``app_server``
(one server per session on a temp seeded database) and ``offline_page`` (a fresh tab whose every
non-loopback request is aborted and recorded in ``page.network``).

Debian's Chromium is driven through Playwright's Python package; Playwright's own browser download
is never used (no network here or at a venue).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers_app import (
    NetworkLog,
    StreamlitServer,
    browser_unavailable_reason,
    build_seeded_database,
    launch_offline_chromium,
    record_network,
    streamlit_server,
)

SCREENSHOT_DIR_ENV = "SPBE_E2E_SCREENSHOTS"


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory) -> Path:
    return build_seeded_database(tmp_path_factory.mktemp("e2e-db") / "spbe.duckdb")


@pytest.fixture(scope="session")
def app_server(e2e_database, tmp_path_factory) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    with streamlit_server(e2e_database, log) as server:
        yield server


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get(SCREENSHOT_DIR_ENV)
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("e2e-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    reason = browser_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch_offline_chromium(playwright, tmp_path_factory.mktemp("chromium-profile"))
        yield context
        context.close()


@pytest.fixture
def offline_page(browser_context):
    """A new tab with every non-loopback request aborted; the record is ``page.network``."""
    page = browser_context.new_page()
    page.network = NetworkLog()
    record_network(page, page.network)
    yield page
    page.close()
