"""What is uncertain where a profile is a reconstruction: every profile consistent with the
published domain values, and each OPD's contribution over all of them (min–max)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_count, format_number
from spbe.core.framework import Framework
from spbe.core.provenance import FINAL
from spbe.core.ranges import consistent_profile_count, contribution_ranges, even_lead_shares
from spbe.results.contributions import Contributions
from spbe.results.published import is_present


def published_domains(code: str, year: int, fw: Framework) -> dict[int, float] | None:
    official = ui.official()
    rows = official[
        (official["instansi_code"] == code)
        & (official["year"] == year)
        & (official["status"] == FINAL)
    ]
    if rows.empty or not fw.has_domains:
        return None
    row = rows.iloc[0]
    values = {d.number: row.get(f"domain_{d.number}") for d in fw.domains}
    return values if all(is_present(v) for v in values.values()) else None


def contribution_table(
    result: Contributions, owners: pd.DataFrame, domains: dict, fw: Framework
) -> pd.DataFrame:
    leads = owners[(owners["role"] == "lead") & (owners["framework"] == fw.id)]
    by_indicator = leads.groupby("indicator")["opd_code"].apply(list).to_dict()
    ranges = contribution_ranges(domains, fw, even_lead_shares(by_indicator))
    rows = []
    for opd in result.by_opd.itertuples(index=False):
        low, high = ranges.get(opd.opd_code, (float("nan"), float("nan")))
        rows.append(
            {
                "OPD": opd.short_name,
                "Kontribusi (profil ini)": format_number(opd.contribution, 3),
                "Terendah": format_number(low, 3),
                "Tertinggi": format_number(high, 3),
                "Rentang": format_number(high - low, 3),
            }
        )
    return pd.DataFrame(rows)


def contribution_ranges_section(
    result: Contributions, owners: pd.DataFrame, code: str, year: int, fw: Framework
) -> None:
    """For a reconstructed profile: the range of each OPD's contribution over every consistent
    profile, and how many there are."""
    domains = published_domains(code, year, fw)
    if domains is None:
        return
    st.subheader("Seberapa pasti? Rentang kontribusi")
    try:
        table = contribution_table(result, owners, domains, fw)
        count = consistent_profile_count(domains, fw)
    except SpbeError as exc:
        st.info(str(exc))
        return
    st.caption(
        f"Profil ini adalah rekonstruksi: tingkat per indikator tidak dipublikasikan. Ada "
        f"{format_count(count)} profil yang sama-sama cocok dengan nilai domain resmi {year}; "
        "halaman ini memakai yang paling rata. Kolom Terendah–Tertinggi memberi kontribusi tiap "
        "OPD di antara semua profil itu (batas tepat), jadi urutan OPD dan daftar indikator "
        "untuk dinaikkan sebagian bergantung pada pilihan profil."
    )
    st.dataframe(table, hide_index=True, key="opd_ranges")
