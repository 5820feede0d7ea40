"""Assemble the full export workbook from the store (``python -m spbe export``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spbe.core.framework import list_frameworks, load_framework
from spbe.core.provenance import provenance_label
from spbe.files.writers import ExportBook, write_export
from spbe.services.recompute import recompute_beside_official
from spbe.store import indicator_levels, official_results, opd_table, owner_table

SUMMARY_COLUMNS = [
    "instansi_code",
    "instansi_name",
    "kind",
    "province",
    "year",
    "framework",
    "index_value",
    "predicate",
    "status",
    "provenance",
    "source",
    "source_url",
    "note",
]


def export_book(con) -> ExportBook:
    official = official_results(con)
    official["provenance"] = [
        provenance_label(status, year) for status, year in zip(official["status"], official["year"])
    ]
    official = official.sort_values(["kind", "instansi_name", "year"], kind="stable")
    summary = official[SUMMARY_COLUMNS]
    published_domains = official[
        [
            "instansi_code",
            "instansi_name",
            "year",
            "status",
            "domain_1",
            "domain_2",
            "domain_3",
            "domain_4",
        ]
    ].assign(provenance=official["provenance"])
    recomputed = recompute_beside_official(con)
    if not recomputed.empty:
        aspects = [c for c in recomputed.columns if c.startswith(("aspect_", "domain_"))]
        recomputed = recomputed[
            ["instansi_code", "year", "provenance", "index", "predicate", *aspects]
        ]
        recomputed = recomputed.rename(columns={"index": "index_value"})
    domains_aspects = pd.concat([published_domains, recomputed], ignore_index=True)
    owners = owner_table(con).merge(opd_table(con), on=["instansi_code", "opd_code"], how="left")
    sources = (
        official.groupby(["source", "source_url"], dropna=False)
        .agg(rows=("year", "size"), years=("year", lambda y: ", ".join(map(str, sorted(set(y))))))
        .reset_index()
        .rename(columns={"rows": "Jumlah baris", "years": "Tahun"})
    )
    return ExportBook(
        summary=summary,
        domains_aspects=domains_aspects,
        levels=indicator_levels(con),
        opd=owners,
        sources=sources,
    )


EXTRA_LABELS = {
    "provenance": "Asal Angka",
    "confirmed": "Sudah Dikonfirmasi",
    **{f"aspect_{n}": f"Aspek {n}" for n in range(1, 10)},
}


def export_workbook(con, path: Path) -> None:
    frameworks = [load_framework(f) for f in list_frameworks()]
    write_export(Path(path), export_book(con), frameworks=frameworks, column_labels=EXTRA_LABELS)
