"""Shared fixtures. Every session is hermetic: see ``hermetic_environment``."""

import os
from pathlib import Path

import pytest

from spbe.core.framework import load_framework

ROOT = Path(__file__).resolve().parents[1]

# What the developer's environment may not change in a test run: the app's settings (SPBE_DB,
# SPBE_ADMIN_PASSWORD_HASH, SPBE_LOCK_WAIT, …) and Streamlit's options (STREAMLIT_SERVER_PORT, …).
INHERITED_PREFIXES = ("SPBE_", "STREAMLIT_")
TEST_SETTINGS = frozenset({"SPBE_E2E_SCREENSHOTS"})  # steer the tests, not the app: kept
TEST_LOCK_WAIT_S = "3"  # a busy file is given up after 3 s, not 30 (a test may set its own)


@pytest.fixture(scope="session", autouse=True)
def hermetic_environment(tmp_path_factory):
    """The same run with or without a developer's settings, restored afterwards.

    Removes every inherited SPBE_* and STREAMLIT_* variable, points SPBE_DB at a session temp file
    (no test can touch data/spbe.duckdb), sets SPBE_LOCK_WAIT, and makes Streamlit in this process
    (AppTest) read secrets only from a session temp file that does not exist: neither
    ~/.streamlit/secrets.toml nor .streamlit/secrets.toml is seen. Servers started by
    tests.helpers_app.streamlit_server get the same in their own way (empty HOME, --secrets.files).
    """
    from spbe.store.db import DB_ENV, LOCK_ENV
    from tests.helpers_app import isolate_streamlit_secrets, restore_streamlit_secrets

    root = tmp_path_factory.mktemp("hermetic")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(INHERITED_PREFIXES) and name not in TEST_SETTINGS:
                patch.delenv(name)
        patch.setenv(DB_ENV, str(root / "spbe.duckdb"))
        patch.setenv(LOCK_ENV, TEST_LOCK_WAIT_S)
        previous = isolate_streamlit_secrets(root / "secrets.toml")
        try:
            yield root
        finally:
            restore_streamlit_secrets(previous)


@pytest.fixture(scope="session")
def spbe2020():
    return load_framework("spbe-2020")


@pytest.fixture(scope="session")
def pemdi():
    return load_framework("pemdi-2026")


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory) -> Path:
    """A store created, migrated and seeded from data/ once per session (copy it to write)."""
    from spbe import store

    path = tmp_path_factory.mktemp("seeded-store") / "seed.duckdb"
    store.open_store(path).close()
    return path


@pytest.fixture
def store_copy(seeded_store, tmp_path) -> Path:
    """A test's own writable copy of the seeded store."""
    import shutil

    return Path(shutil.copy(seeded_store, tmp_path / "spbe.duckdb"))
