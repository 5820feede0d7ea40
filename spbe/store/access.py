"""Opening the store: connect, migrate to the current schema and seed an empty database."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from spbe.store.db import StoreError, connect_file, migrate, resolve_db_path, schema_version
from spbe.store.queries import table_counts
from spbe.store.schema import SCHEMA_VERSION
from spbe.store.seed import SeedReport, seed_if_empty


def open_store(path: str | os.PathLike | None = None, *, seed: bool = True):
    """Open (creating, migrating and seeding on first use) the store; returns the root connection."""
    db_path = resolve_db_path(path)
    con = connect_file(db_path, read_only=False)
    try:
        migrate(con)
        if seed:
            seed_if_empty(con)
    except StoreError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"Basis data {db_path} tidak dapat disiapkan: {exc}") from None
    return con


def open_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open an existing, already migrated store without write access."""
    con = connect_file(Path(path), read_only=True)
    if schema_version(con) != SCHEMA_VERSION:
        con.close()
        raise StoreError(f"Basis data {path} belum dimigrasikan ke skema {SCHEMA_VERSION}.")
    return con


def init_store(path=None) -> tuple[Path, int, SeedReport | None, dict[str, int]]:
    """Create/migrate/seed explicitly: (path, schema version, seed report or None, table counts)."""
    con = open_store(path, seed=False)
    try:
        report = seed_if_empty(con)
        return resolve_db_path(path), schema_version(con), report, table_counts(con)
    finally:
        con.close()
