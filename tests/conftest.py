from pathlib import Path

import pytest

from spbe.core.framework import load_framework

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def spbe2020():
    return load_framework("spbe-2020")


@pytest.fixture(scope="session")
def pemdi():
    return load_framework("pemdi-2026")
