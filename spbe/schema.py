"""DuckDB schema as an ordered list of migrations. The table contract is documented in docs/database.md.

Each migration runs in one transaction together with the bump of ``schema_version``; a database made
by an older version is brought forward on open with no row lost.
"""

from __future__ import annotations

PROVENANCES = ("resmi", "mandiri", "rekonstruksi", "ilustrasi")
STATUSES = ("final", "provisional")
ROLES = ("lead", "support")

_KINDS_SQL = "('nasional', 'pusat', 'provinsi', 'kabupaten', 'kota')"

# Version 1: the first released schema.
_V1 = [
    "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)",
    f"""CREATE TABLE instansi (
        code VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL UNIQUE,
        kind VARCHAR NOT NULL CHECK (kind IN {_KINDS_SQL}),
        province VARCHAR
    )""",
    """CREATE TABLE official_result (
        instansi_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        framework VARCHAR NOT NULL,
        index_value DECIMAL(5, 2) NOT NULL,
        predicate VARCHAR,
        domain_1 DECIMAL(5, 2),
        domain_2 DECIMAL(5, 2),
        domain_3 DECIMAL(5, 2),
        domain_4 DECIMAL(5, 2),
        source VARCHAR NOT NULL,
        source_url VARCHAR,
        status VARCHAR NOT NULL CHECK (status IN ('final', 'provisional')),
        PRIMARY KEY (instansi_code, year, status)
    )""",
    """CREATE TABLE indicator_level (
        instansi_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        framework VARCHAR NOT NULL,
        indicator INTEGER NOT NULL,
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
        provenance VARCHAR NOT NULL
            CHECK (provenance IN ('resmi', 'mandiri', 'rekonstruksi', 'ilustrasi')),
        note VARCHAR,
        PRIMARY KEY (instansi_code, year, framework, indicator, provenance)
    )""",
    """CREATE TABLE opd (
        instansi_code VARCHAR NOT NULL,
        opd_code VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        short_name VARCHAR NOT NULL,
        PRIMARY KEY (instansi_code, opd_code)
    )""",
    """CREATE TABLE indicator_owner (
        instansi_code VARCHAR NOT NULL,
        framework VARCHAR NOT NULL,
        indicator INTEGER NOT NULL,
        opd_code VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('lead', 'support')),
        PRIMARY KEY (instansi_code, framework, indicator, opd_code)
    )""",
    "CREATE SEQUENCE import_log_id START 1",
    """CREATE TABLE import_log (
        id INTEGER PRIMARY KEY DEFAULT nextval('import_log_id'),
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        file_name VARCHAR,
        sha256 VARCHAR,
        rows_added INTEGER NOT NULL,
        rows_changed INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        message VARCHAR
    )""",
]

# Version 2: notes on published values (oddities as printed), confirmation flag on the OPD mapping,
# and the import that last wrote each indicator level.
_V2 = [
    "ALTER TABLE official_result ADD COLUMN note VARCHAR",
    "ALTER TABLE indicator_owner ADD COLUMN confirmed BOOLEAN NOT NULL DEFAULT FALSE",
    "ALTER TABLE indicator_level ADD COLUMN import_id INTEGER",
]

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((1, tuple(_V1)), (2, tuple(_V2)))
SCHEMA_VERSION = MIGRATIONS[-1][0]
