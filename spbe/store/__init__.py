"""The store API: the only way into the DuckDB file. All SQL lives in this package.

``db`` connects, migrates and runs transactions; ``access`` opens (and seeds) a store;
``queries`` holds every read; ``seed``, ``imports``, ``scenarios`` and ``backup`` the writes.
"""

from spbe.store.access import (
    connected,
    file_stamp,
    init_store,
    open_read_only,
    open_store,
    verify,
)
from spbe.store.db import (
    DB_ENV,
    LOCK_WAIT_S,
    StoreBusy,
    StoreDamaged,
    StoreError,
    migrate,
    resolve_db_path,
    schema_version,
    transaction,
)
from spbe.store.queries import (
    DATA_TABLES,
    data_tables,
    data_version,
    import_log,
    indicator_levels,
    instansi_lookup,
    instansi_table,
    level_profiles,
    official_results,
    opd_evidence,
    opd_table,
    owner_table,
    story_frames,
    table_counts,
    verification_dates,
)

__all__ = [
    "LOCK_WAIT_S",
    "StoreBusy",
    "StoreDamaged",
    "connected",
    "file_stamp",
    "verify",
    "DATA_TABLES",
    "DB_ENV",
    "StoreError",
    "data_tables",
    "data_version",
    "import_log",
    "indicator_levels",
    "init_store",
    "instansi_lookup",
    "instansi_table",
    "level_profiles",
    "migrate",
    "official_results",
    "open_read_only",
    "open_store",
    "opd_table",
    "owner_table",
    "resolve_db_path",
    "schema_version",
    "story_frames",
    "table_counts",
    "transaction",
    "opd_evidence",
    "verification_dates",
]
