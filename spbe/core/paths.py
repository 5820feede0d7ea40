"""Where the project's files live: one place computes it from this file's location."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
FRAMEWORKS_DIR = DATA_DIR / "frameworks"
DEFAULT_COSTS_FILE = DATA_DIR / "biaya-default.csv"
DEFAULT_DB = DATA_DIR / "spbe.duckdb"
