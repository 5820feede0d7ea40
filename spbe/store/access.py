"""Opening the store: connect, migrate to the current schema, seed an empty database, check it.

The dashboard and the CLI hold the file only for one unit of work (``connected``): the dashboard
serves its reads from caches keyed by the data version, so a CLI import, deck or backup started
beside a running dashboard gets the file within moments (see docs/database.md, "Concurrency").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from spbe.store.db import (
    StoreError,
    connect_file,
    damaged,
    migrate,
    resolve_db_path,
    schema_version,
)
from spbe.store.queries import DATA_TABLES, data_tables, table_counts
from spbe.store.schema import SCHEMA_VERSION
from spbe.store.seed import SeedReport, seed_if_empty


def verify(con, path) -> None:
    """A full read of every stored table (each column of each row): a damaged block raises
    ``StoreDamaged`` naming the file and the restore command instead of DuckDB's English."""
    cur = con.cursor()
    try:
        for table in data_tables(con):
            if table in DATA_TABLES:
                cur.execute(f"SELECT count(*), max(hash(COLUMNS(*))) FROM {table}").fetchall()
    except duckdb.Error:
        raise damaged(path) from None


def open_store(path: str | os.PathLike | None = None, *, seed: bool = True, check: bool = True):
    """Open (creating, migrating and seeding on first use) the store; returns the connection.

    The caller closes it; ``connected`` does that for one unit of work. ``check`` reads every
    table once, so a damaged file is reported at open rather than in the middle of a page.
    """
    db_path = resolve_db_path(path)
    con = connect_file(db_path, read_only=False)
    try:
        migrate(con)
        if seed:
            seed_if_empty(con)
        if check:
            verify(con, db_path)
    except StoreError:
        con.close()
        raise
    except duckdb.Error:
        con.close()
        raise damaged(db_path) from None
    return con


@contextmanager
def connected(path: str | os.PathLike | None = None, *, check: bool = False) -> Iterator:
    """The store's file, open for one unit of work (waiting a bounded time while it is busy),
    closed afterwards whatever happens. ``check`` verifies every table first (before writes)."""
    db_path = resolve_db_path(path)
    con = connect_file(db_path, read_only=False)
    try:
        if check:
            verify(con, db_path)
        yield con
    except duckdb.Error as exc:
        if "corrupt" in str(exc).lower() or "checksum" in str(exc).lower():
            raise damaged(db_path) from None
        raise
    finally:
        con.close()


def file_stamp(path: str | os.PathLike | None = None) -> tuple:
    """(mtime_ns, size) of the file and its write-ahead log: it changes whenever a write lands,
    from this process or another, without opening the file."""
    db_path = resolve_db_path(path)
    stamp = []
    for candidate in (db_path, Path(f"{db_path}.wal")):
        try:
            info = candidate.stat()
            stamp.append((info.st_mtime_ns, info.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def open_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open an existing, already migrated store without write access."""
    con = connect_file(Path(path), read_only=True)
    if schema_version(con) != SCHEMA_VERSION:
        con.close()
        raise StoreError(f"Basis data {path} belum dimigrasikan ke skema {SCHEMA_VERSION}.")
    return con


def init_store(path=None) -> tuple[Path, int, SeedReport | None, dict[str, int]]:
    """Create/migrate/seed explicitly: (path, schema version, seed report or None, table counts)."""
    con = open_store(path, seed=False, check=False)
    try:
        report = seed_if_empty(con)
        verify(con, resolve_db_path(path))
        return resolve_db_path(path), schema_version(con), report, table_counts(con)
    finally:
        con.close()
