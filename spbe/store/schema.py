"""DuckDB schema as an ordered list of migrations. The table contract is documented in docs/database.md.

Each migration runs in one transaction together with the bump of ``schema_version``; a database made
by an older version is brought forward on open with no row lost.
"""

from __future__ import annotations

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

# Version 3: per-instansi cost tables for the planner and saved scenarios (issue 5). Step costs
# are one column per level step (levels are 1-5 in every table of this schema); JSON is stored as
# text so no DuckDB extension is needed.
_V3 = [
    """CREATE TABLE cost_table (
        instansi_code VARCHAR NOT NULL,
        framework VARCHAR NOT NULL,
        indicator INTEGER NOT NULL,
        cost_1_2 DECIMAL(18, 2) NOT NULL CHECK (cost_1_2 >= 0),
        cost_2_3 DECIMAL(18, 2) NOT NULL CHECK (cost_2_3 >= 0),
        cost_3_4 DECIMAL(18, 2) NOT NULL CHECK (cost_3_4 >= 0),
        cost_4_5 DECIMAL(18, 2) NOT NULL CHECK (cost_4_5 >= 0),
        provenance VARCHAR NOT NULL CHECK (provenance IN ('mandiri', 'ilustrasi')),
        note VARCHAR,
        updated_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        PRIMARY KEY (instansi_code, framework, indicator)
    )""",
    "CREATE SEQUENCE scenario_id START 1",
    """CREATE TABLE scenario (
        id INTEGER PRIMARY KEY DEFAULT nextval('scenario_id'),
        instansi_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        framework VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        note VARCHAR,
        provenance VARCHAR NOT NULL
            CHECK (provenance IN ('resmi', 'mandiri', 'rekonstruksi', 'ilustrasi')),
        base_levels VARCHAR NOT NULL,
        levels VARCHAR NOT NULL,
        costs VARCHAR,
        plan VARCHAR,
        created_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        UNIQUE (instansi_code, name)
    )""",
]

# Version 4: collecting from the OPDs (issue 13, point 4): each OPD's submission per indicator
# (its level, explanation and evidence documents: names and links only, no uploads) and the
# verification date an admin sets per instansi-year. An indicator submitted without documents has
# one row with item 1 and no document.
_V4 = [
    """CREATE TABLE opd_evidence (
        instansi_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        framework VARCHAR NOT NULL,
        indicator INTEGER NOT NULL,
        opd_code VARCHAR NOT NULL,
        item INTEGER NOT NULL CHECK (item >= 1),
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
        penjelasan VARCHAR,
        document_name VARCHAR,
        document_ref VARCHAR,
        import_id INTEGER,
        submitted_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        CHECK ((document_name IS NULL) = (document_ref IS NULL)),
        CHECK (document_name IS NOT NULL OR item = 1),
        PRIMARY KEY (instansi_code, year, framework, indicator, opd_code, item)
    )""",
    """CREATE TABLE verification_date (
        instansi_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        verification_on DATE NOT NULL,
        set_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        PRIMARY KEY (instansi_code, year)
    )""",
]

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, tuple(_V1)),
    (2, tuple(_V2)),
    (3, tuple(_V3)),
    (4, tuple(_V4)),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
