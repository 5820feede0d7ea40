"""The DuckDB file at the lowest level: its path, connecting, migrations and transactions.

A process holds the file only while it works: ``spbe.store.access.connected`` opens, works and
closes. DuckDB lets one process at a time open a file (for writing), so a busy file is retried
with backoff for at most ``LOCK_WAIT_S`` (env ``SPBE_LOCK_WAIT``) before a clear refusal. Every
unit of work takes ``con.cursor()`` (duckdb 2.x refuses concurrent calls on one connection);
writes run inside ``BEGIN … COMMIT``. A damaged file is told apart from a busy one.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from spbe.core.errors import SpbeError
from spbe.core.paths import DEFAULT_DB
from spbe.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_ENV = "SPBE_DB"
LOCK_ENV = "SPBE_LOCK_WAIT"
LOCK_WAIT_S = 30.0  # the longest a reader or writer waits for a file another process holds
RESTORE_HINT = "python -m spbe restore FOLDER_CADANGAN --db {path}"


class StoreError(SpbeError):
    """The database cannot be opened or used; the message is for people (Indonesian)."""

    EXIT_CODE = 1


class StoreBusy(StoreError):
    """Another process held the file for longer than the wait allows."""


class StoreDamaged(StoreError):
    """The file is not a usable database (damaged block, not DuckDB, newer schema)."""


def lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_ENV, LOCK_WAIT_S)))
    except ValueError:
        return LOCK_WAIT_S


def damaged(path, detail: str = "") -> StoreDamaged:
    """The message for a damaged file: what happened and the command that restores a backup."""
    return StoreDamaged(
        f"Basis data {path} rusak{detail} dan tidak dapat dipakai. Pulihkan dari cadangan "
        f"dengan `{RESTORE_HINT.format(path=path)}`, atau pindahkan berkas itu agar dasbor "
        "membuat basis data baru dari data bawaan."
    )


def resolve_db_path(cli_path: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else env ``SPBE_DB``, else ``data/spbe.duckdb``."""
    if cli_path:
        return Path(cli_path)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return DEFAULT_DB


def _connect_once(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc).lower()
        if "lock" in text:
            raise StoreBusy(str(path)) from None
        if "corrupt" in text or "checksum" in text or "not a valid" in text:
            raise damaged(path) from None
        raise StoreError(
            f"Basis data {path} tidak dapat dibuka (berkas tidak dapat dibaca)."
        ) from None
    except duckdb.Error:
        raise damaged(path, " atau bukan berkas DuckDB") from None


def connect_file(
    path: Path, read_only: bool = False, wait: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting up to ``wait`` seconds (default ``lock_wait()``) while it is busy."""
    wait = lock_wait() if wait is None else wait
    deadline, delay = time.monotonic() + wait, 0.02
    while True:
        try:
            return _connect_once(Path(path), read_only)
        except StoreBusy:
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreBusy(
                    f"Basis data {path} sedang dipakai proses lain (misalnya impor atau "
                    f"presentasi yang sedang dibuat); sudah ditunggu {wait:.0f} detik. Coba lagi "
                    "sebentar lagi."
                ) from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.25)


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
        raise StoreDamaged(
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
