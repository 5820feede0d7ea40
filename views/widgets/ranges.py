"""What is uncertain where a profile is a reconstruction: every profile consistent with the
published domain values, and each OPD's contribution over all of them (min–max)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_large_count, format_number, format_rupiah
from spbe.core.framework import Framework, load_framework
from spbe.core.ranges import plan_cost_range
from spbe.results.contributions import Contributions, exact_contribution_ranges
from spbe.results.published import published_domains


def contribution_table(result: Contributions, ranges: dict) -> pd.DataFrame:
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


def contribution_ranges_section(result: Contributions, code: str, year: int, fw: Framework) -> None:
    """For a reconstructed profile: the range of each OPD's contribution over every consistent
    profile, and how many there are (computed once per data version, shared)."""
    try:
        found = ui.derived(exact_contribution_ranges, ("official", "opd"), code, code, year, fw.id)
    except SpbeError as exc:
        st.subheader("Seberapa pasti? Rentang kontribusi")
        st.info(str(exc))
        return
    if found is None:  # the domains of that year are not published
        return
    ranges, count = found
    st.subheader("Seberapa pasti? Rentang kontribusi")
    table = contribution_table(result, ranges)
    st.caption(
        f"Profil ini adalah rekonstruksi: tingkat per indikator tidak dipublikasikan. Ada "
        f"{format_large_count(count)} profil yang sama-sama cocok dengan nilai domain resmi {year}; "
        "halaman ini memakai yang paling rata. Kolom Terendah–Tertinggi memberi kontribusi tiap "
        "OPD di antara semua profil itu (batas tepat), jadi urutan OPD dan daftar indikator "
        "untuk dinaikkan sebagian bergantung pada pilihan profil."
    )
    st.dataframe(table, hide_index=True, key="opd_ranges")


@st.cache_data(show_spinner=False, max_entries=16)
def _cost_range(domains: tuple, framework_id: str, costs: tuple, target: str):

    return plan_cost_range(
        dict(domains), load_framework(framework_id), {n: v for n, v in costs}, target
    )


def _profile_text(profile, flattest: dict[int, int], fw: Framework) -> str:
    """How a consistent profile differs from the flattest one the page plans with."""
    levels = dict(profile)
    moved = [n for n in fw.indicator_numbers if levels[n] != flattest.get(n)]
    if not moved:
        return "profil paling rata (yang dipakai di atas)"
    shown = ", ".join(f"{n}: {flattest.get(n)}→{levels[n]}" for n in moved[:12])
    more = f" dan {len(moved) - 12} lainnya" if len(moved) > 12 else ""
    return f"berbeda dari profil paling rata pada indikator {shown}{more}"


def plan_cost_section(start, target, plan_cost: float, costs, fw: Framework) -> None:
    """For a reconstructed start profile: the cheapest plan's cost over every consistent profile
    (min–max, with a profile that gives each); the plan above uses the flattest one."""
    if start.provenance != "rekonstruksi" or target is None:
        return
    domains = ui.from_official(published_domains, start.instansi_code, start.year, fw.id)
    if domains is None:
        return
    try:
        found = _cost_range(
            tuple(sorted((n, float(v)) for n, v in domains.items())),
            fw.id,
            tuple(sorted((n, tuple(v)) for n, v in costs.mapping().items())),
            str(target),
        )
    except SpbeError as exc:
        st.info(str(exc))
        return
    st.subheader("Seberapa pasti biaya ini?")
    high = format_rupiah(found.max_cost) if found.feasible else "tidak tercapai"
    st.caption(
        f"Profil awal ini adalah rekonstruksi (profil paling rata di antara "
        f"{format_large_count(found.profiles)} profil yang cocok dengan nilai domain resmi), dan "
        f"rencana di atas ({format_rupiah(plan_cost)}) memakainya. Di antara semua profil itu, rencana "
        f"termurah menuju target berbiaya {format_rupiah(found.min_cost)} sampai {high}."
    )
    table = pd.DataFrame(
        {
            "Batas": ["Termurah", "Termahal"],
            "Biaya rencana": [format_rupiah(found.min_cost), high],
            "Profil yang memberinya": [
                _profile_text(found.min_profile, start.profile(), fw),
                _profile_text(found.max_profile, start.profile(), fw),
            ],
        }
    )
    st.dataframe(table, hide_index=True, key="plan_cost_range")
