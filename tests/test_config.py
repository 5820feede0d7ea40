"""The server's configuration agrees with the application's own rules."""

import tomllib

from spbe.files.uploads import MAX_UPLOAD_BYTES
from tests.conftest import ROOT


def test_the_uploaders_limit_is_the_import_rule():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES == 10 * 1024 * 1024
