"""First-run seeding of the store from the files under ``data/`` (one transaction).

Pure builders turn the seed files into frames shaped like the tables; ``seed_if_empty`` inserts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import load_framework
from spbe.core.instansi import instansi_code, kind_of
from spbe.core.paths import DATA_DIR
from spbe.core.provenance import Provenance
from spbe.store.db import transaction

NATIONAL_CSV = "hasil-evaluasi-spbe-2023-2024.csv"
EXTRA_CSV = "hasil-resmi-tambahan.csv"
OPD_CSV = "opd.csv"
OWNERS_CSV = "pemilik-indikator-default.csv"
RECONSTRUCTED_PROVINCE = "Maluku Utara"
DOMAINS = ("domain_1", "domain_2", "domain_3", "domain_4")
_REPORT = re.compile(r"^L(\d{4}) (Tabel \d+)$")


@dataclass(frozen=True)
class SeedReport:
    instansi: int
    official_results: int
    reconstructed: tuple[tuple[str, int], ...]  # (instansi_code, year) seeded as rekonstruksi
    not_reconstructed: tuple[tuple[str, int], ...]  # published domains, but no exact profile
    opd: int
    owners: int


def _read(name: str, data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / name, dtype={"province": "str"}, keep_default_na=True)


def _report_source(table: str) -> str:
    match = _REPORT.match(table)
    if not match:
        return f"KemenPANRB, {table}"
    year, tabel = match.groups()
    return f"KemenPANRB, Laporan Pelaksanaan Evaluasi SPBE {year}, {tabel}"


def _oddity_note(row: pd.Series) -> str | None:
    notes = [
        f"{d} tercetak {row[d]:.2f}".replace(".", ",")
        + " (di luar skala 1–5), disimpan sesuai publikasi"
        for d in DOMAINS
        if pd.notna(row[d]) and not 1 <= row[d] <= 5
    ]
    if row.get("check") == "incomplete":
        missing = [d for d in DOMAINS if pd.isna(row[d])]
        notes.append(f"{', '.join(missing)} tidak terbaca pada sumber")
    return "; ".join(notes) or None


def national_results(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The 1,236 published 2023/2024 results shaped like ``official_result`` (+ instansi columns)."""
    raw = _read(NATIONAL_CSV, data_dir)
    return pd.DataFrame(
        {
            "instansi": raw["instansi"],
            "kind": raw["kind"],
            "province": raw["province"].where(
                raw["province"].notna() & (raw["province"] != ""), None
            ),
            "year": raw["year"].astype(int),
            "framework": "spbe-2020",
            "index_value": raw["index"],
            "predicate": raw["predicate"],
            **{d: raw[d] for d in DOMAINS},
            "status": "final",
            "source": raw["source_table"].map(_report_source),
            "source_url": None,
            "note": raw.apply(_oddity_note, axis=1),
        }
    )


def extra_results(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """National series, Maluku Utara 2022 and Ternate's 2025 self-assessment (reference §4)."""
    raw = _read(EXTRA_CSV, data_dir)
    raw["province"] = raw["province"].where(raw["province"].notna(), None)
    return raw


def instansi_rows(results: pd.DataFrame) -> pd.DataFrame:
    names = results.drop_duplicates("instansi")[["instansi", "kind", "province"]]
    frame = pd.DataFrame(
        {
            "code": names["instansi"].map(instansi_code),
            "name": names["instansi"],
            "kind": names["kind"],
            "province": names["province"],
        }
    )
    mismatched = frame[frame["name"].map(kind_of) != frame["kind"]]
    if not mismatched.empty:
        raise SpbeError(f"Jenis instansi tidak cocok dengan namanya: {list(mismatched['name'])}")
    if frame["code"].duplicated().any():
        raise SpbeError(f"Kode instansi ganda: {list(frame[frame['code'].duplicated()]['code'])}")
    return frame.reset_index(drop=True)


def reconstruction_rows(results: pd.DataFrame) -> tuple[pd.DataFrame, list, list]:
    """Indicator levels reconstructed for every Maluku Utara instansi-year with published domains."""
    from spbe.core.reconstruct import reconstruct_levels

    fw = load_framework("spbe-2020")
    rows, done, missing = [], [], []
    candidates = results[
        (results["province"] == RECONSTRUCTED_PROVINCE)
        & (results["framework"] == fw.id)
        & results[list(DOMAINS)].notna().all(axis=1)
    ]
    for rec in candidates.itertuples(index=False):
        code = instansi_code(rec.instansi)
        domains = {k + 1: float(getattr(rec, d)) for k, d in enumerate(DOMAINS)}
        levels = reconstruct_levels(domains, float(rec.index_value), rec.predicate, fw)
        if levels is None:
            missing.append((code, int(rec.year)))
            continue
        done.append((code, int(rec.year)))
        note = (
            "Direkonstruksi dari nilai domain yang dipublikasikan (profil paling rata yang "
            "menghasilkan nilai domain, indeks dan predikat resmi); bukan nilai resmi per indikator"
        )
        rows += [
            (code, int(rec.year), fw.id, n, lv, Provenance.REKONSTRUKSI, note)
            for n, lv in levels.items()
        ]
    columns = ["instansi_code", "year", "framework", "indicator", "level", "provenance", "note"]
    return pd.DataFrame(rows, columns=columns), done, missing


def opd_rows(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    raw = _read(OPD_CSV, data_dir)
    return pd.DataFrame(
        {
            "instansi_code": raw["instansi"].map(instansi_code),
            "opd_code": raw["opd_code"],
            "name": raw["name"],
            "short_name": raw["short_name"],
        }
    )


def owner_rows(opd: pd.DataFrame, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The default mapping (reference §5) for every instansi that has OPDs; confirmed = false."""
    mapping = _read(OWNERS_CSV, data_dir)
    rows = opd[["instansi_code"]].drop_duplicates().merge(mapping, how="cross")
    rows["confirmed"] = False
    return rows[["instansi_code", "framework", "indicator", "opd_code", "role", "confirmed"]]


def seed_if_empty(con, data_dir: Path = DATA_DIR) -> SeedReport | None:
    """Seed every table in one transaction when the store has no instansi yet."""
    if con.cursor().execute("SELECT count(*) FROM instansi").fetchone()[0]:
        return None
    results = pd.concat([national_results(data_dir), extra_results(data_dir)], ignore_index=True)
    instansi = instansi_rows(results)
    official = results.assign(instansi_code=results["instansi"].map(instansi_code))
    levels, done, missing = reconstruction_rows(results)
    opd = opd_rows(data_dir)
    owners = owner_rows(opd, data_dir)
    with transaction(con) as cur:
        cur.register("seed_instansi", instansi)
        cur.execute("INSERT INTO instansi SELECT code, name, kind, province FROM seed_instansi")
        cur.register("seed_official", official)
        cur.execute(
            """INSERT INTO official_result (instansi_code, year, framework, index_value, predicate,
                   domain_1, domain_2, domain_3, domain_4, source, source_url, status, note)
               SELECT instansi_code, year, framework, index_value, predicate, domain_1, domain_2,
                   domain_3, domain_4, source, source_url, status, note FROM seed_official"""
        )
        cur.register("seed_levels", levels)
        cur.execute(
            """INSERT INTO indicator_level (instansi_code, year, framework, indicator, level,
                   provenance, note)
               SELECT instansi_code, year, framework, indicator, level, provenance, note
               FROM seed_levels"""
        )
        cur.register("seed_opd", opd)
        cur.execute("INSERT INTO opd SELECT * FROM seed_opd")
        cur.register("seed_owner", owners)
        cur.execute(
            "INSERT INTO indicator_owner (instansi_code, framework, indicator, opd_code, role, "
            "confirmed) SELECT * FROM seed_owner"
        )
    return SeedReport(
        instansi=len(instansi),
        official_results=len(official),
        reconstructed=tuple(done),
        not_reconstructed=tuple(missing),
        opd=len(opd),
        owners=len(owners),
    )
