"""Who owns the index: each OPD's contribution, its headroom, and the indicators behind it.

Rule (a local decision; no regulation assigns indicators to OPDs):

- An indicator contributes ``weight × level / 100`` index points (R59 BAB II.B).
- Those points go to the indicator's **lead** OPD(s). An indicator with several lead OPDs is split
  evenly between them (two leads: half each). Support OPDs get no share; they are listed so the
  lead knows whom to ask.
- An indicator without a lead goes to the bucket ``UNASSIGNED`` ("Belum ada OPD pengampu").
- Headroom is computed the same way: ``gain_next_level`` if every indicator rose one level (capped
  at the framework's top level), ``gain_to_max`` if every indicator reached the top level.

All shares are exact: they are kept as integers on a common denominator (``units_per_point`` units
= one index point), so the contributions of all OPDs plus the unassigned bucket add up to the
index exactly. Inputs are never modified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, load_framework
from spbe.core.ranges import consistent_profile_count, contribution_ranges, even_lead_shares
from spbe.core.scoring import index_scaled
from spbe.results.published import is_present, published_domains

UNASSIGNED = "belum-ditetapkan"
UNASSIGNED_NAME = "Belum ada OPD pengampu"
LEAD, SUPPORT = "lead", "support"
ROLE_NAMES = {LEAD: "Pengampu utama", SUPPORT: "Pendukung"}


@dataclass(frozen=True)
class Contributions:
    """OPD contributions of one instansi-year profile."""

    framework_id: str
    index: float  # exact (unrounded) index of the profile
    units_per_point: int  # contribution_units / units_per_point = index points
    mapping_confirmed: bool  # False while any mapping row is still the unconfirmed local default
    by_opd: pd.DataFrame
    by_indicator: pd.DataFrame


def _single(frame: pd.DataFrame, column: str, what: str):
    if column not in frame.columns:
        return None
    values = frame[column].dropna().unique()
    if len(values) > 1:
        shown = ", ".join(str(v) for v in values[:5])
        raise SpbeError(f"Data {what} berisi lebih dari satu {column} ({shown}); pilih satu.")
    return values[0] if len(values) else None


def _profile(levels: pd.DataFrame, fw: Framework) -> dict[int, int]:
    for column in ("instansi_code", "year", "provenance"):
        _single(levels, column, "tingkat indikator")
    framework_id = _single(levels, "framework", "tingkat indikator")
    if framework_id is not None and framework_id != fw.id:
        raise SpbeError(f"Tingkat indikator memakai kerangka {framework_id}, bukan {fw.id}.")
    duplicated = levels["indicator"][levels["indicator"].duplicated()]
    if len(duplicated):
        raise SpbeError(f"Indikator {int(duplicated.iloc[0])} tercatat lebih dari sekali.")
    return dict(zip(levels["indicator"].astype(int), levels["level"]))


def _owners(owners: pd.DataFrame, opd: pd.DataFrame, fw: Framework, instansi) -> pd.DataFrame:
    rows = owners
    if "framework" in rows.columns:
        rows = rows[rows["framework"] == fw.id]
    if instansi is not None and "instansi_code" in rows.columns:
        rows = rows[rows["instansi_code"] == instansi]
    bad_role = ~rows["role"].isin((LEAD, SUPPORT))
    if bad_role.any():
        raise SpbeError(
            f"Peran OPD '{rows['role'][bad_role].iloc[0]}' tidak dikenal (harus lead atau support)."
        )
    unknown_ind = ~rows["indicator"].isin(fw.indicator_numbers)
    if unknown_ind.any():
        number = rows["indicator"][unknown_ind].iloc[0]
        raise SpbeError(f"Pemetaan OPD merujuk indikator {number} yang tidak ada dalam {fw.id}.")
    unknown_opd = ~rows["opd_code"].isin(opd["opd_code"])
    if unknown_opd.any():
        code = rows["opd_code"][unknown_opd].iloc[0]
        raise SpbeError(f"Pemetaan OPD merujuk OPD '{code}' yang tidak ada dalam daftar OPD.")
    columns = ["indicator", "opd_code", "role", *(["confirmed"] if "confirmed" in rows else [])]
    rows = rows[columns].drop_duplicates(["indicator", "opd_code", "role"])
    lead_rows = rows[rows["role"] == LEAD]
    lead_pairs = set(zip(lead_rows["indicator"], lead_rows["opd_code"]))
    is_redundant_support = [
        role == SUPPORT and (ind, code) in lead_pairs
        for ind, code, role in zip(rows["indicator"], rows["opd_code"], rows["role"])
    ]
    return rows[~pd.Series(is_redundant_support, index=rows.index, dtype=bool)]


def opd_contributions(
    levels: pd.DataFrame, owners: pd.DataFrame, opd: pd.DataFrame, framework: Framework
) -> Contributions:
    """Contribution and headroom of every OPD for one profile (see the module docstring).

    ``levels``: indicator, level for one instansi, year and provenance (every indicator of the
    framework). ``owners``: indicator, opd_code, role ("lead"/"support"), optionally instansi_code
    and framework to filter on and ``confirmed`` (the mapping counts as confirmed only when every
    row says so). ``opd``: opd_code, name, short_name. Raises ValueError (Indonesian).
    """
    fw = framework
    profile = _profile(levels, fw)
    total_scaled = index_scaled(profile, fw)  # validates completeness and level range
    instansi = _single(levels, "instansi_code", "tingkat indikator")
    opd_rows = opd
    if instansi is not None and "instansi_code" in opd.columns:
        opd_rows = opd[opd["instansi_code"] == instansi]
    owner_rows = _owners(owners, opd_rows, fw, instansi)
    names = dict(zip(opd_rows["opd_code"], opd_rows["name"]))
    short = {
        code: str(s) if is_present(s) else names[code]
        for code, s in zip(opd_rows["opd_code"], opd_rows.get("short_name", opd_rows["name"]))
    }

    leads = {n: [] for n in fw.indicator_numbers}
    supports = {n: [] for n in fw.indicator_numbers}
    for ind, code, role in zip(owner_rows["indicator"], owner_rows["opd_code"], owner_rows["role"]):
        (leads if role == LEAD else supports)[int(ind)].append(code)
    split = math.lcm(*(max(1, len(v)) for v in leads.values()))
    units_per_point = fw.index_denominator * split

    codes = [*opd_rows["opd_code"]]
    if any(not v for v in leads.values()):
        codes.append(UNASSIGNED)
        names[UNASSIGNED] = short[UNASSIGNED] = UNASSIGNED_NAME
    units = dict.fromkeys(codes, 0)
    gain_next = dict.fromkeys(codes, 0)
    gain_max = dict.fromkeys(codes, 0)
    led = {c: [] for c in codes}
    indicator_rows = []
    for ind in fw.indicators:
        n, level, w = ind.number, int(profile[ind.number]), fw.weight_int(ind.number)
        owners_of = leads[n] or [UNASSIGNED]
        per_owner = split // len(owners_of)
        up_one = min(level + 1, fw.max_level) - level
        for code in owners_of:
            units[code] += level * w * per_owner
            gain_next[code] += up_one * w * per_owner
            gain_max[code] += (fw.max_level - level) * w * per_owner
            led[code].append(str(n) if len(owners_of) == 1 else f"{n} (bersama)")
        indicator_rows.append(
            {
                "indicator": n,
                "name": ind.short_name,
                "domain": fw.domain_of_indicator(n),
                "level": level,
                "level_name": fw.level_name(n, level),
                "weight": float(ind.weight),
                "contribution": level * w / fw.index_denominator,
                "gain_next_level": up_one * w / fw.index_denominator,
                "gain_to_max": (fw.max_level - level) * w / fw.index_denominator,
                "lead_opd": ", ".join(short[c] for c in leads[n]) or UNASSIGNED_NAME,
                "support_opd": ", ".join(short[c] for c in supports[n]),
                "lead_codes": tuple(leads[n]),
                "support_codes": tuple(supports[n]),
            }
        )
    by_opd = pd.DataFrame(
        {
            "opd_code": codes,
            "name": [names[c] for c in codes],
            "short_name": [short[c] for c in codes],
            "indicator_count": [len(led[c]) for c in codes],
            "indicators": [", ".join(led[c]) for c in codes],
            "contribution_units": [units[c] for c in codes],
            "contribution": [units[c] / units_per_point for c in codes],
            "share": [units[c] / (total_scaled * split) if total_scaled else 0.0 for c in codes],
            "gain_next_level": [gain_next[c] / units_per_point for c in codes],
            "gain_to_max": [gain_max[c] / units_per_point for c in codes],
        }
    )
    by_opd = by_opd.sort_values(
        ["contribution_units", "name"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return Contributions(
        framework_id=fw.id,
        index=total_scaled / fw.index_denominator,
        units_per_point=units_per_point,
        mapping_confirmed=bool(
            len(owner_rows) and "confirmed" in owner_rows and owner_rows["confirmed"].all()
        ),
        by_opd=by_opd,
        by_indicator=pd.DataFrame(indicator_rows),
    )


def opd_indicators(contributions: Contributions, opd_code: str) -> pd.DataFrame:
    """Drill-down: the indicators an OPD leads or supports, with its role and its share.

    ``opd_share`` is the part of the indicator's contribution credited to this OPD (0 for support).
    ``UNASSIGNED`` lists the indicators without a lead.
    """
    table = contributions.by_indicator
    if opd_code == UNASSIGNED:
        lead = table["lead_codes"].map(len) == 0
        support = pd.Series(False, index=table.index)
        leads_count = pd.Series(1, index=table.index)
    else:
        lead = table["lead_codes"].map(lambda codes: opd_code in codes)
        support = table["support_codes"].map(lambda codes: opd_code in codes) & ~lead
        leads_count = table["lead_codes"].map(lambda codes: max(1, len(codes)))
    rows = table.assign(
        role=[ROLE_NAMES[LEAD] if x else ROLE_NAMES[SUPPORT] for x in lead],
        opd_share=(table["contribution"] / leads_count).where(lead, 0.0),
    )
    return rows[lead | support].reset_index(drop=True)


def exact_contribution_ranges(
    official: pd.DataFrame,
    opd: pd.DataFrame,
    owners: pd.DataFrame,
    instansi_code: str,
    year: int,
    framework_id: str,
) -> tuple[dict[str, tuple[float, float]], int] | None:
    """For a reconstructed profile (levels not published): each OPD's exact contribution range
    over every profile consistent with the published domains of that year, and how many such
    profiles there are (``spbe.core.ranges``); None when the domains are not published."""
    domains = published_domains(official, instansi_code, year, framework_id)
    if domains is None:
        return None
    fw = load_framework(framework_id)
    leads = owners[(owners["role"] == LEAD) & (owners["framework"] == fw.id)]
    by_indicator = leads.groupby("indicator")["opd_code"].apply(list).to_dict()
    shares = even_lead_shares(by_indicator)
    return contribution_ranges(domains, fw, shares), consistent_profile_count(domains, fw)
