"""All SQL: opening, migrating and seeding the DuckDB store, and reading it.

One root connection per process; every unit of work takes ``con.cursor()`` (duckdb 2.x refuses
concurrent calls on one connection). Writes run inside ``BEGIN … COMMIT``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from spbe.instansi import spelling_lookup
from spbe.schema import MIGRATIONS, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "spbe.duckdb"
DB_ENV = "SPBE_DB"


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message is for people (Indonesian)."""


def resolve_db_path(cli_path: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else env ``SPBE_DB``, else ``data/spbe.duckdb``."""
    if cli_path:
        return Path(cli_path)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return DEFAULT_DB


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
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


def open_store(path: str | os.PathLike | None = None, *, seed: bool = True):
    """Open (creating, migrating and seeding on first use) the store; returns the root connection."""
    from spbe.seed import seed_if_empty  # local import: seed depends on this module

    db_path = resolve_db_path(path)
    con = _connect(db_path, read_only=False)
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
    con = _connect(Path(path), read_only=True)
    if schema_version(con) != SCHEMA_VERSION:
        con.close()
        raise StoreError(f"Basis data {path} belum dimigrasikan ke skema {SCHEMA_VERSION}.")
    return con


# -- reads (each takes its own cursor) -------------------------------------------------------------


def _df(con, sql: str, params=()) -> pd.DataFrame:
    return con.cursor().execute(sql, list(params)).df()


def instansi_table(con) -> pd.DataFrame:
    """code, name, kind, province — every instansi, by kind then name."""
    return _df(
        con,
        """SELECT code, name, kind, province FROM instansi
           ORDER BY CASE kind WHEN 'nasional' THEN 0 WHEN 'provinsi' THEN 1 WHEN 'kota' THEN 2
                    WHEN 'kabupaten' THEN 3 ELSE 4 END, name""",
    )


def instansi_lookup(con) -> dict[str, str]:
    """Every accepted spelling (code and name, casefolded) -> code."""
    return spelling_lookup(con.cursor().execute("SELECT code, name FROM instansi").fetchall())


def official_results(con, instansi_codes: list[str] | None = None) -> pd.DataFrame:
    """Published results joined with the instansi: the ``official`` frame of spbe.insights."""
    where, params = "", []
    if instansi_codes:
        where = f"WHERE r.instansi_code IN ({', '.join('?' * len(instansi_codes))})"
        params = list(instansi_codes)
    frame = _df(
        con,
        f"""SELECT r.instansi_code, i.name AS instansi_name, i.kind, i.province, r.year, r.framework,
                   CAST(r.index_value AS DOUBLE) AS index_value, r.predicate,
                   CAST(r.domain_1 AS DOUBLE) AS domain_1, CAST(r.domain_2 AS DOUBLE) AS domain_2,
                   CAST(r.domain_3 AS DOUBLE) AS domain_3, CAST(r.domain_4 AS DOUBLE) AS domain_4,
                   r.source, r.source_url, r.status, r.note
            FROM official_result r JOIN instansi i ON i.code = r.instansi_code
            {where}
            ORDER BY r.instansi_code, r.year, r.status""",
        params,
    )
    return frame


def indicator_levels(
    con, instansi_code: str | None = None, year: int | None = None, provenance: str | None = None
) -> pd.DataFrame:
    """instansi_code, year, framework, indicator, level, provenance, note (filters optional)."""
    clauses, params = [], []
    for column, value in (
        ("instansi_code", instansi_code),
        ("year", year),
        ("provenance", provenance),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _df(
        con,
        f"""SELECT instansi_code, year, framework, indicator, level, provenance, note
            FROM indicator_level {where}
            ORDER BY instansi_code, year, provenance, indicator""",
        params,
    )


def level_profiles(con, instansi_code: str | None = None) -> pd.DataFrame:
    """Which (instansi, year, framework, provenance) profiles exist and how many indicators each has."""
    where, params = ("WHERE instansi_code = ?", [instansi_code]) if instansi_code else ("", [])
    return _df(
        con,
        f"""SELECT instansi_code, year, framework, provenance, count(*) AS n_indicators
            FROM indicator_level {where}
            GROUP BY ALL ORDER BY instansi_code, year, provenance""",
        params,
    )


def story_frames(con, instansi_code: str) -> tuple[pd.DataFrame, ...]:
    """What spbe.story.build_story reads: official results, and the instansi's levels, OPDs, owners."""
    return (
        official_results(con),
        indicator_levels(con, instansi_code),
        opd_table(con, instansi_code),
        owner_table(con, instansi_code),
    )


def opd_table(con, instansi_code: str | None = None) -> pd.DataFrame:
    where, params = ("WHERE instansi_code = ?", [instansi_code]) if instansi_code else ("", [])
    return _df(
        con,
        f"SELECT instansi_code, opd_code, name, short_name FROM opd {where} "
        "ORDER BY instansi_code, opd_code",
        params,
    )


def owner_table(con, instansi_code: str | None = None, framework: str | None = None):
    clauses, params = [], []
    for column, value in (("instansi_code", instansi_code), ("framework", framework)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _df(
        con,
        f"""SELECT instansi_code, framework, indicator, opd_code, role, confirmed
            FROM indicator_owner {where}
            ORDER BY instansi_code, framework, indicator, role, opd_code""",
        params,
    )


def import_log(con, limit: int = 50) -> pd.DataFrame:
    return _df(
        con,
        "SELECT id, logged_at, actor, file_name, sha256, rows_added, rows_changed, status, message "
        "FROM import_log ORDER BY id DESC LIMIT ?",
        [limit],
    )


DATA_TABLES = (
    "instansi",
    "official_result",
    "indicator_level",
    "opd",
    "indicator_owner",
    "import_log",
    "cost_table",
    "scenario",
)


def data_tables(con) -> tuple[str, ...]:
    """The data tables this database has (older schema versions lack the newer ones)."""
    present = {
        r[0]
        for r in con.cursor()
        .execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
        .fetchall()
    }
    return tuple(t for t in DATA_TABLES if t in present)


def table_counts(con) -> dict[str, int]:
    cur = con.cursor()
    names = data_tables(con)
    # one statement, so one snapshot: never the rows of an import without its log entry
    row = cur.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {n})" for n in names))
    return dict(zip(names, (int(n) for n in row.fetchone()), strict=True))
