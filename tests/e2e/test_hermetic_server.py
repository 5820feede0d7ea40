"""A server that a test starts reads no developer secrets (see tests/test_hermetic.py): in the
browser tests' folder, so it shares their one Chromium (sync Playwright runs one loop per thread)."""

from spbe.auth import hash_password
from tests.helpers_app import build_seeded_database, open_app_page, streamlit_server
from tests.test_hermetic import (
    DATA_PAGE,
    DEVELOPER_PASSWORD,
    LOGIN_TEXT,
    NO_ADMIN_TEXT,
    _secrets_toml,
)


def test_a_test_server_reads_no_developer_secrets(browser_context, tmp_path, monkeypatch):
    """A developer's ~/.streamlit/secrets.toml and STREAMLIT_SECRETS_FILES are not read by a
    server that a test starts (run in a project copy by the test below: nor .streamlit/)."""
    home = tmp_path / "home"
    planted = _secrets_toml(home, hash_password(DEVELOPER_PASSWORD, iterations=1000))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(planted))
    database = build_seeded_database(tmp_path / "spbe.duckdb")
    with streamlit_server(database, tmp_path / "streamlit.log") as server:
        page = browser_context.new_page()
        try:
            open_app_page(page, server, DATA_PAGE)
            main_text = page.get_by_test_id("stMain").inner_text()
            sidebar_text = page.get_by_test_id("stSidebar").text_content()
        finally:
            page.close()
    assert NO_ADMIN_TEXT in main_text, f"the server saw an admin hash:\n{main_text[:2000]}"
    assert LOGIN_TEXT not in sidebar_text
