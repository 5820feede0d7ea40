"""The DuckDB file at the lowest level: its path, connecting, migrations and transactions.

One root connection per process; every unit of work takes ``con.cursor()`` (duckdb 2.x refuses
concurrent calls on one connection). Writes run inside ``BEGIN … COMMIT``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from spbe.core.errors import SpbeError
from spbe.core.paths import DEFAULT_DB
from spbe.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_ENV = "SPBE_DB"


class StoreError(SpbeError):
    """The database cannot be opened or used; the message is for people (Indonesian)."""

    EXIT_CODE = 1


def resolve_db_path(cli_path: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else env ``SPBE_DB``, else ``data/spbe.duckdb``."""
    if cli_path:
        return Path(cli_path)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return DEFAULT_DB


def connect_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(
                f"Basis data {path} sedang dipakai proses lain (misalnya dasbor yang sedang berjalan "
                "atau impor lain). Tutup proses itu atau coba lagi sebentar lagi."
            ) from None
        raise StoreError(f"Basis data {path} tidak dapat dibuka: {text}") from None
    except duckdb.Error as exc:
        raise StoreError(f"Basis data {path} rusak atau bukan berkas DuckDB: {exc}") from None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    exists = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = cur.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations above the database's version up to ``target``, each in one transaction."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"Basis data dibuat oleh versi aplikasi yang lebih baru (skema {current}, aplikasi ini "
            f"mengenal sampai {SCHEMA_VERSION}). Perbarui aplikasi."
        )
    for version, statements in MIGRATIONS:
        if current < version <= target:
            with transaction(con) as cur:
                for sql in statements:
                    cur.execute(sql)
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
            current = version
    return current


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """A cursor inside BEGIN … COMMIT; ROLLBACK on any exception."""
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    else:
        cur.execute("COMMIT")
