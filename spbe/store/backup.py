"""Backup and restore: every table as Parquet plus a manifest with the schema version and row counts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from spbe.store.db import StoreError, connect_file, migrate, schema_version, transaction
from spbe.store.evidence import TABLES as EVIDENCE_TABLES
from spbe.store.queries import DATA_TABLES, counts_of, tables_present
from spbe.store.schema import SCHEMA_VERSION

TABLES = tuple(dict.fromkeys((*DATA_TABLES, *EVIDENCE_TABLES)))  # every data table, v4 included
SEQUENCES = {"import_log": "import_log_id", "scenario": "scenario_id"}  # table -> id sequence
MANIFEST = "manifest.json"


def backup(con, directory: Path) -> dict:
    """Write ``<table>.parquet`` for every table and ``manifest.json``; returns the manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise StoreError(f"Folder cadangan {directory} tidak kosong; pilih folder baru.")
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")  # one snapshot for every table
    try:
        for table in tables_present(con, TABLES):
            target = str(directory / f"{table}.parquet").replace("'", "''")
            cur.execute(f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)")
        manifest = {
            "schema_version": schema_version(con),
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "rows": counts_of(con, TABLES),
        }
    finally:
        cur.execute("ROLLBACK")
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        version = int(manifest["schema_version"])
        rows = {t: int(n) for t, n in manifest["rows"].items()}
        unknown = set(rows) - set(TABLES)
        if unknown:
            raise ValueError(f"tabel tidak dikenal: {sorted(unknown)}")
    except FileNotFoundError:
        raise StoreError(
            f"{path} tidak ditemukan: folder ini bukan cadangan Dasbor SPBE."
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path} rusak: {exc}") from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Cadangan berskema {version}, aplikasi ini hanya sampai {SCHEMA_VERSION}."
        )
    for table in rows:
        if not (Path(directory) / f"{table}.parquet").exists():
            raise StoreError(f"Cadangan tidak lengkap: {table}.parquet tidak ada di {directory}.")
    return {"schema_version": version, "rows": rows}


def restore(directory: Path, db_path: Path) -> dict[str, int]:
    """Load a backup into a new database file (all or nothing); returns the restored row counts."""
    directory, db_path = Path(directory), Path(db_path)
    manifest = read_manifest(directory)
    if db_path.exists():
        raise StoreError(
            f"{db_path} sudah ada; pulihkan ke berkas baru agar tidak ada data tertimpa."
        )
    con = connect_file(db_path, read_only=False)
    try:
        migrate(con, target=manifest["schema_version"])
        with transaction(con) as cur:
            tables = list(manifest["rows"])
            for table in tables:
                source = str(directory / f"{table}.parquet").replace("'", "''")
                cur.execute(f"INSERT INTO {table} SELECT * FROM read_parquet('{source}')")
            for table, sequence in SEQUENCES.items():
                if table in tables:
                    max_id = cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                    # advance the sequence past the restored ids (DuckDB has no setval)
                    cur.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [int(max_id)])
            counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
            if counts != manifest["rows"]:
                raise StoreError(f"Jumlah baris tidak cocok dengan manifest: {counts}")
        migrate(con)
        return counts_of(con, TABLES)
    except Exception:
        con.close()
        db_path.unlink(missing_ok=True)
        Path(str(db_path) + ".wal").unlink(missing_ok=True)
        raise
    finally:
        try:
            con.close()
        except Exception:  # noqa: BLE001 - already closed
            pass
