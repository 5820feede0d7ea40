"""The tests set their own environment: a developer's secrets and SPBE_* settings change nothing.

README's admin setup puts ``admin_password_hash`` in .streamlit/secrets.toml (or
SPBE_ADMIN_PASSWORD_HASH in the environment) and SPBE_DB may point at a real database. None of it
may reach a test: tests/conftest.py (hermetic_environment) clears SPBE_* and STREAMLIT_*, sets
SPBE_DB to a session temp file and SPBE_LOCK_WAIT, and points Streamlit's ``secrets.files`` at a
session temp file for AppTest; tests.helpers_app.streamlit_server starts servers with an empty HOME
and ``--secrets.files``. The proof: a copy of the project with a real .streamlit/secrets.toml, a
~/.streamlit/secrets.toml in a temp HOME and hostile variables, where a few tests that need "no
admin hash" must still pass. Nothing is written in this repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

from spbe import ui
from spbe.auth import HASH_ENV, SECRET_KEY, hash_password
from spbe.store.db import DB_ENV, LOCK_ENV
from tests.conftest import ROOT, TEST_LOCK_WAIT_S
from tests.helpers_app import (
    browser_unavailable_reason,
    discover_pages,
    write_corrupt_database,
)

DATA_PAGE = next(p for p in discover_pages() if p.test_id == "data")
NO_ADMIN_TEXT = "kata sandi admin belum diatur"  # views.widgets.imports.import_or_why_not
LOGIN_TEXT = "Masuk admin"  # the sidebar expander of spbe.ui.admin_login
DEVELOPER_PASSWORD = "milik-pengembang"
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".benchmarks",
    "*.duckdb",
    "*.duckdb.wal",
    "secrets.toml",
    "out",
)
# Quick tests that fail as soon as an admin hash or a foreign database is seen.
CHILD_TESTS = [
    "tests/test_app.py",
    "tests/test_data_page.py",
    "tests/test_hermetic.py",
    "tests/e2e/test_hermetic_server.py",
]
CHILD_SELECTION = (
    "test_discovered_pages_are_the_registered_navigation"
    " or test_without_an_admin_hash_the_page_shows_data_but_no_uploader"
    " or test_the_session_environment_is_the_tests_own"
    " or test_a_test_server_reads_no_developer_secrets"
)
CHILD_TIMEOUT_S = 300


def _secrets_toml(folder: Path, admin_hash: str) -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{SECRET_KEY} = "{admin_hash}"\n', encoding="utf-8")
    return path


def test_the_session_environment_is_the_tests_own(hermetic_environment):
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    assert os.environ[DB_ENV] == str(hermetic_environment / "spbe.duckdb")
    assert os.environ[LOCK_ENV] == TEST_LOCK_WAIT_S
    assert HASH_ENV not in os.environ
    assert not [name for name in os.environ if name.startswith("STREAMLIT_")]
    assert config.get_option("secrets.files") == [str(hermetic_environment / "secrets.toml")]
    assert not secrets_singleton.load_if_toml_exists()
    assert ui.admin_hash() is None


def test_the_suite_ignores_a_developers_secrets_and_settings(tmp_path):
    """Quick tests pass in a project copy that has everything README's admin setup creates, plus
    hostile SPBE_* variables; the hostile database is left untouched."""
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    home = tmp_path / "home"
    developer_hash = hash_password(DEVELOPER_PASSWORD, iterations=1000)
    planted = [_secrets_toml(project, developer_hash), _secrets_toml(home, developer_hash)]
    hostile_db = write_corrupt_database(tmp_path / "developer.duckdb")
    hostile_bytes = hostile_db.read_bytes()
    env = {
        **os.environ,
        "HOME": str(home),
        "PYTHONUSERBASE": site.getuserbase(),  # pip --user packages stay importable
        DB_ENV: str(hostile_db),
        HASH_ENV: developer_hash,
        LOCK_ENV: "120",
        "STREAMLIT_SECRETS_FILES": str(planted[1]),
    }

    # Control: left alone, Streamlit in that copy reads both planted files and finds the hash.
    probe = (
        "import json; from streamlit import config; "
        "from streamlit.runtime.secrets import secrets_singleton as s; "
        f"print(json.dumps([config.get_option('secrets.files'), s.get({SECRET_KEY!r})]))"
    )
    seen = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True
    )
    assert seen.returncode == 0, seen.stderr
    files, found = json.loads(seen.stdout.strip().splitlines()[-1])
    assert {str(p.resolve()) for p in planted} <= {str(Path(f).resolve()) for f in files}, files
    assert found == developer_hash

    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + [f"--basetemp={tmp_path / 'basetemp'}", *CHILD_TESTS, "-k", CHILD_SELECTION],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    output = child.stdout[-6000:] + child.stderr[-3000:]
    assert child.returncode == 0, output
    passed = int(re.search(r"(\d+) passed", child.stdout).group(1))
    expected = 4 if browser_unavailable_reason() is None else 3
    assert passed == expected, output
    assert hostile_db.read_bytes() == hostile_bytes
    assert not (project / "data" / "spbe.duckdb").exists()
    assert all(p.exists() for p in planted)  # nothing was hidden by deleting it
