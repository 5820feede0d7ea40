"""What the published results say about one instansi: KPI card values and a short narrative.

Pure functions over the ``official`` frame (see spbe.results.published); inputs are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from spbe.core.formatting import format_delta, format_index, format_number
from spbe.core.framework import Framework
from spbe.core.provenance import FINAL, provenance_label
from spbe.core.scoring import next_band, predicate
from spbe.results.published import (
    KIND_PLURAL,
    NATIONAL,
    REGIONAL_KINDS,
    band_framework,
    decimal_diff,
    decimal_of,
    is_present,
    kind_peers,
    national_index,
    preferred_results,
    province_peers,
    rank_of,
    result_row,
)

# -- KPI ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """The headline figures of one instansi in one year (values as published, 2 decimals)."""

    instansi_code: str
    instansi_name: str
    kind: str
    year: int
    framework: str
    index: float
    predicate: str
    predicate_published: bool  # False: derived from the rounded index (none was published)
    status: str
    provenance: str  # the badge, e.g. "Resmi KemenPANRB 2024"
    source: str | None
    previous_year: int | None
    previous_index: float | None
    previous_predicate: str | None
    previous_framework: str | None
    change: float | None
    next_predicate: str | None
    gap: float | None  # index points still needed for the next predicate
    national_index: float | None
    province: str | None
    province_rank: int | None
    province_count: int | None
    kind_rank: int | None
    kind_count: int | None
    rounding_note: str | None
    note: str | None = None  # the stored caveat of a provisional figure (e.g. its range)

    @property
    def index_text(self) -> str:
        return format_index(self.index)

    @property
    def change_text(self) -> str:
        return format_delta(self.change) if self.change is not None else "–"

    @property
    def gap_text(self) -> str:
        """'+0,71 lagi menuju Baik'; a gap that rounds to 0,00 reads '<0,01'."""
        if self.next_predicate is None:
            return "Predikat tertinggi"
        amount = format_delta(self.gap) if self.gap >= 0.005 else "<0,01"
        return f"{amount} lagi menuju {self.next_predicate}"

    @property
    def comparable_with_previous(self) -> bool:
        return self.previous_framework is None or self.previous_framework == self.framework

    @property
    def province_rank_text(self) -> str | None:
        if self.province_rank is None:
            return None
        return f"{self.province_rank} dari {self.province_count} di {self.province}"

    @property
    def kind_rank_text(self) -> str | None:
        if self.kind_rank is None:
            return None
        return f"{self.kind_rank} dari {self.kind_count} {KIND_PLURAL.get(self.kind, self.kind)}"


def _domain_estimate(row: pd.Series, fw: Framework) -> Decimal | None:
    """Σ domain × weight / 100 from the published (rounded) domains, or None if any is missing."""
    if not fw.has_domains:
        return None
    total = Decimal(0)
    for dom in fw.domains:
        value = row.get(f"domain_{dom.number}")
        if not is_present(value):
            return None
        total += decimal_of(value) * dom.weight
    return total / 100


def rounding_note(row: pd.Series, fw: Framework) -> str | None:
    """Why a published predicate differs from the band of the shown (rounded) index.

    The predicate follows the unrounded index: Kab. Luwu 2024 is printed "2,60 Cukup" because its
    index is 2,5968. Only knowable when the published predicate differs from the band of the
    rounded value; the unrounded value is estimated from the published domains where they agree.
    """
    official = row.get("predicate")
    if not is_present(official):
        return None
    shown = predicate(row["index_value"], fw)
    if shown.casefold() == str(official).casefold():
        return None
    band = fw.band(str(official))
    pos = fw.bands.index(band)
    shown_text = format_index(row["index_value"])
    if pos + 1 >= len(fw.bands):
        return f"Predikat resmi {band.name} berbeda dengan kelas nilai {shown_text}."
    edge = fw.bands[pos + 1]
    estimate = _domain_estimate(row, fw)
    where = ""
    if estimate is not None and estimate < edge.lower and format_index(estimate) == shown_text:
        where = f" ≈{format_number(estimate, 3)} (dihitung dari nilai domain)"
    return (
        f"Indeks{where} dibulatkan menjadi {shown_text}; predikat {band.name} mengikuti nilai "
        f"sebelum pembulatan, yang masih di bawah batas {edge.name} "
        f"({format_index(edge.lower)})."
    )


def _gap(row: pd.Series, fw: Framework, predicate_name: str) -> tuple[str | None, float | None]:
    pos = fw.bands.index(fw.band(predicate_name))
    if predicate_name.casefold() == predicate(row["index_value"], fw).casefold():
        found = next_band(row["index_value"], fw)
        if found is None:
            return None, None
        return found[0].name, float(found[0].lower - decimal_of(row["index_value"]))
    if pos + 1 >= len(fw.bands):
        return None, None
    upper = fw.bands[pos + 1]
    return upper.name, max(0.0, float(upper.lower - decimal_of(row["index_value"])))


def summary_kpi(official: pd.DataFrame, instansi_code: str, year: int) -> Kpi:
    """KPI card values for one instansi and year. Raises ValueError (Indonesian) without data."""
    row = result_row(official, instansi_code, year)
    fw = band_framework(row["framework"], int(year))
    status = row.get("status") if is_present(row.get("status")) else FINAL
    published = is_present(row.get("predicate"))
    pred = str(row["predicate"]) if published else predicate(row["index_value"], fw)
    pred = fw.band(pred).name
    next_name, gap = _gap(row, fw, pred)

    own = preferred_results(official)
    own = own[(own["instansi_code"] == instansi_code) & (own["year"] < year)]
    prev = own.sort_values("year").iloc[-1] if len(own) else None
    prev_pred = None
    if prev is not None:
        prev_pred = prev.get("predicate") if is_present(prev.get("predicate")) else None
        if prev_pred is None:
            prev_fw = band_framework(prev["framework"], int(prev["year"]))
            prev_pred = predicate(prev["index_value"], prev_fw)

    is_final = status == FINAL
    province = row["province"] if is_present(row["province"]) else None
    prov_rank = prov_count = kind_rank = kind_count = None
    if is_final and province is not None and row["kind"] in REGIONAL_KINDS:
        prov_rank, prov_count = rank_of(province_peers(official, year, province), instansi_code)
    if is_final and row["kind"] != NATIONAL:
        kind_rank, kind_count = rank_of(kind_peers(official, year, row["kind"]), instansi_code)
    source = row.get("source") if is_present(row.get("source")) else None
    return Kpi(
        instansi_code=instansi_code,
        instansi_name=str(row["instansi_name"]),
        kind=str(row["kind"]),
        year=int(year),
        framework=str(row["framework"]),
        index=float(row["index_value"]),
        predicate=pred,
        predicate_published=published,
        status=str(status),
        provenance=provenance_label(status, int(year)),
        source=source,
        previous_year=None if prev is None else int(prev["year"]),
        previous_index=None if prev is None else float(prev["index_value"]),
        previous_predicate=prev_pred,
        previous_framework=None if prev is None else str(prev["framework"]),
        change=None if prev is None else decimal_diff(row["index_value"], prev["index_value"]),
        next_predicate=next_name,
        gap=gap,
        national_index=national_index(official, year),
        province=province,
        province_rank=prov_rank,
        province_count=prov_count if prov_rank is not None else None,
        kind_rank=kind_rank,
        kind_count=kind_count if kind_rank is not None else None,
        rounding_note=rounding_note(row, fw) if published else None,
        note=str(row["note"]) if is_present(row.get("note")) else None,
    )


# -- narrative ------------------------------------------------------------------------------------


def narrative(official: pd.DataFrame, instansi_code: str, year: int) -> str:
    """A few Indonesian sentences on the instansi's year: change, ranks, national value, gap."""
    k = summary_kpi(official, instansi_code, year)
    now = f"{k.index_text} ({k.predicate}) pada {k.year}"
    if k.previous_index is None:
        sentences = [f"Indeks SPBE {k.instansi_name} {now}."]
    elif k.change == 0 and k.previous_predicate != k.predicate:
        sentences = [
            f"Indeks SPBE {k.instansi_name} tercatat {k.index_text} pada {k.previous_year} "
            f"({k.previous_predicate}) dan {k.year} ({k.predicate})."
        ]
    elif k.change == 0:
        sentences = [
            f"Indeks SPBE {k.instansi_name} tetap {k.index_text} ({k.predicate}) "
            f"pada {k.previous_year} dan {k.year}."
        ]
    else:
        verb = "naik" if k.change > 0 else "turun"
        sentences = [
            f"Indeks SPBE {k.instansi_name} {verb} dari {format_index(k.previous_index)} "
            f"({k.previous_predicate}) pada {k.previous_year} menjadi {now} ({k.change_text})."
        ]
    if k.previous_index is not None and not k.comparable_with_previous:
        sentences.append(
            "Kedua nilai berasal dari instrumen penilaian yang berbeda, "
            "sehingga tidak sepenuhnya sebanding."
        )
    if not k.predicate_published and k.kind != NATIONAL:
        sentences.append(
            f"Predikat {k.predicate} ditentukan dari nilai yang ditampilkan; "
            "tidak ada predikat yang dipublikasikan."
        )
    if k.status != FINAL:
        sentences.append(
            f"Nilai {k.year} adalah hasil penilaian mandiri yang masih sementara, "
            "belum diverifikasi KemenPANRB."
        )
    ranks = []
    if k.province_rank is not None:
        ranks.append(f"{k.province_rank} dari {k.province_count} pemerintah daerah di {k.province}")
    if k.kind_rank is not None:
        ranks.append(f"{k.kind_rank_text} secara nasional")
    if ranks:
        sentences.append("Peringkatnya " + " dan ".join(ranks) + ".")
    if k.national_index is not None and k.kind != NATIONAL:
        side = _relative_to(k.index, k.national_index)
        sentences.append(f"Indeks nasional {k.year}: {format_index(k.national_index)} ({side}).")
    if k.next_predicate is None:
        sentences.append("Predikat ini adalah predikat tertinggi.")
    else:
        sentences.append(f"Masih perlu {k.gap_text}.")
    if k.rounding_note:
        sentences.append(k.rounding_note)
    return " ".join(sentences)


def _relative_to(value: float, reference: float) -> str:
    gap = decimal_diff(value, reference)
    if gap == 0:
        return "sama dengan nilai nasional"
    where = "di atas" if gap > 0 else "di bawah"
    return f"{format_index(abs(gap))} {where} nilai nasional"
