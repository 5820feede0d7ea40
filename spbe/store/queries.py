"""Every read of the store: each function takes its own cursor and returns a DataFrame or values."""

from __future__ import annotations

import pandas as pd

from spbe.core.instansi import spelling_lookup


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
    """Published results joined with the instansi: the ``official`` frame of spbe.results.insights."""
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
    """Which (instansi, year, framework, provenance) profiles exist, how many indicators each has
    and when its rows were last imported (``last_import``; NaT for seeded reconstructions)."""
    where, params = ("WHERE l.instansi_code = ?", [instansi_code]) if instansi_code else ("", [])
    return _df(
        con,
        f"""SELECT l.instansi_code, l.year, l.framework, l.provenance,
                   count(*) AS n_indicators, max(g.logged_at) AS last_import
            FROM indicator_level l LEFT JOIN import_log g ON g.id = l.import_id {where}
            GROUP BY ALL ORDER BY l.instansi_code, l.year, l.provenance""",
        params,
    )


def story_frames(con, instansi_code: str) -> tuple[pd.DataFrame, ...]:
    """What spbe.presentation.story.build_story reads: official results, and the instansi's levels, OPDs, owners."""
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
    "opd_evidence",
    "verification_date",
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


def data_version(con) -> str:
    """Changes with every write (an import logged, a scenario saved or deleted, a cost table
    changed), so frames cached under it refresh after any write, from any process."""
    row = (
        con.cursor()
        .execute(
            """SELECT (SELECT coalesce(max(id), 0) FROM import_log),
                  (SELECT coalesce(max(id), 0) FROM scenario),
                  (SELECT count(*) FROM scenario),
                  (SELECT coalesce(max(updated_at)::VARCHAR, '') FROM cost_table),
                  (SELECT count(*) FROM cost_table),
                  (SELECT coalesce(max(set_at)::VARCHAR, '') FROM verification_date),
                  (SELECT count(*) FROM verification_date)"""
        )
        .fetchone()
    )
    return "-".join(str(v) for v in row)


# -- collecting from the OPDs (schema version 4: opd_evidence, verification_date) --------------


def opd_evidence(con, instansi_code: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Every OPD submission row (one per evidence document; an indicator sent without documents
    has one row with no document), filters optional; NULL penjelasan and documents as None."""
    clauses, params = [], []
    for column, value in (("instansi_code", instansi_code), ("year", year)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = _df(
        con,
        f"""SELECT instansi_code, year, framework, indicator, opd_code, item, level, penjelasan,
                   document_name, document_ref, import_id, submitted_at, actor
            FROM opd_evidence {where}
            ORDER BY instansi_code, year, opd_code, indicator, item""",
        params,
    )
    for column in ("penjelasan", "document_name", "document_ref"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def verification_dates(con, instansi_code: str | None = None) -> pd.DataFrame:
    """instansi_code, year, verification_on (date), set_at, actor: the verification dates set."""
    where, params = ("WHERE instansi_code = ?", [instansi_code]) if instansi_code else ("", [])
    frame = _df(
        con,
        f"""SELECT instansi_code, year, verification_on, set_at, actor FROM verification_date
            {where} ORDER BY instansi_code, year""",
        params,
    )
    frame["verification_on"] = [pd.Timestamp(v).date() for v in frame["verification_on"]]
    return frame


def tables_present(con, names) -> tuple[str, ...]:
    """Those of ``names`` that this database has (an older schema lacks the newer tables)."""
    present = {
        r[0]
        for r in con.cursor()
        .execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
        .fetchall()
    }
    return tuple(t for t in names if t in present)


def counts_of(con, names) -> dict[str, int]:
    """Row counts of the tables ``names`` (known table names only), in one snapshot."""
    names = tables_present(con, names)
    if not names:
        return {}
    row = con.cursor().execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {n})" for n in names))
    return dict(zip(names, (int(n) for n in row.fetchone()), strict=True))
