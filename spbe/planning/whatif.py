"""Live what-if on indicator levels: index, predicate, steps, sensitivity and the cost of a change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from spbe.core.framework import Framework
from spbe.core.scoring import index_scaled, predicate_scaled, score_profile

MILLION = 1_000_000


@dataclass(frozen=True)
class LiveFigures:
    index_before: float
    index_after: float
    predicate_before: str
    predicate_after: str
    next_band: str | None  # the band above the simulated index (None at the top band)
    gap: float | None  # index points still needed to reach it (exact)
    groups: pd.DataFrame  # group, name, before, after (domains, or aspects without domains)

    @property
    def change(self) -> float:
        return self.index_after - self.index_before


def live_figures(before: Mapping[int, int], after: Mapping[int, int], fw: Framework) -> LiveFigures:
    """Index, predicate and domain values of two profiles, and the gap to the next band."""
    scaled_before, scaled_after = index_scaled(before, fw), index_scaled(after, fw)
    denominator = fw.index_denominator
    next_name, gap = None, None
    for band, lower in zip(fw.bands, fw.band_lowers_scaled()):
        if lower > scaled_after:
            next_name, gap = band.name, (lower - scaled_after) / denominator
            break
    score_before, score_after = score_profile(before, fw), score_profile(after, fw)
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    groups = pd.DataFrame(
        {
            "group": [f"{kind}_{g.number}" for g in items],
            "name": [g.name for g in items],
            "before": [float(score_before[f"{kind}_{g.number}"]) for g in items],
            "after": [float(score_after[f"{kind}_{g.number}"]) for g in items],
        }
    )
    return LiveFigures(
        index_before=scaled_before / denominator,
        index_after=scaled_after / denominator,
        predicate_before=predicate_scaled(scaled_before, fw),
        predicate_after=predicate_scaled(scaled_after, fw),
        next_band=next_name,
        gap=gap,
        groups=groups,
    )


def level_steps(
    before: Mapping[int, int],
    after: Mapping[int, int],
    fw: Framework,
    start_label: str = "Awal",
    end_label: str = "Simulasi",
) -> pd.DataFrame:
    """Waterfall rows (label, name, measure, value; as spbe.results.changes) from one profile to another:
    one step per changed indicator, Δlevel × weight / 100, adding up exactly to the change."""
    denominator = Decimal(fw.index_denominator)
    rows = [
        {
            "label": start_label,
            "name": start_label,
            "measure": "absolute",
            "value": Decimal(index_scaled(before, fw)) / denominator,
        }
    ]
    for ind in fw.indicators:
        delta = int(after[ind.number]) - int(before[ind.number])
        if delta:
            rows.append(
                {
                    "label": f"Indikator {ind.number}",
                    "name": ind.short_name,
                    "measure": "relative",
                    "value": Decimal(delta * fw.weight_int(ind.number)) / denominator,
                }
            )
    end = Decimal(index_scaled(after, fw)) / denominator
    rows.append({"label": end_label, "name": end_label, "measure": "total", "value": end})
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].map(float)
    return frame


def sensitivity(
    levels: Mapping[int, int],
    fw: Framework,
    costs: Mapping[int, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """The next step of every indicator below the top level: indicator, name, label ("32 · Tata
    Kelola Data"), group, level, gain (index points), cost (Rupiah of that step; NaN without costs) and gain_per_million
    (gain per Rp 1.000.000; NaN when the step is free or has no cost). Highest gain first, then
    highest gain per million, then indicator number."""
    index_scaled(levels, fw)  # validates the profile
    rows = []
    for ind in fw.indicators:
        level = int(levels[ind.number])
        if level >= fw.max_level:
            continue
        gain = fw.weight_int(ind.number) / fw.index_denominator
        cost = float("nan")
        if costs is not None and ind.number in costs:
            cost = float(costs[ind.number][level - fw.min_level])
        per_million = gain / (cost / MILLION) if cost > 0 else float("nan")
        aspect = fw.aspect(ind.aspect)
        rows.append(
            {
                "indicator": ind.number,
                "name": ind.short_name,
                "label": ind.label,
                "group": aspect.domain if fw.has_domains else aspect.number,
                "level": level,
                "gain": gain,
                "cost": cost,
                "gain_per_million": per_million,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "name",
            "label",
            "group",
            "level",
            "gain",
            "cost",
            "gain_per_million",
        ],
    )
    return frame.sort_values(
        ["gain", "gain_per_million", "indicator"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


@dataclass(frozen=True)
class LevelGroup:
    """Indicators to show together: a domain (or an aspect) and its aspects with indicators."""

    label: str
    aspects: tuple[tuple[str, tuple[int, ...]], ...]


def level_groups(fw: Framework) -> tuple[LevelGroup, ...]:
    """Domains (or aspects, for a framework without domains) with their aspects' indicators."""

    def aspect_part(aspect) -> tuple[str, tuple[int, ...]]:
        numbers = tuple(i.number for i in fw.indicators_of_aspect(aspect.number))
        return f"Aspek {aspect.number}: {aspect.name}", numbers

    if fw.has_domains:
        return tuple(
            LevelGroup(
                f"Domain {d.number}: {d.name}",
                tuple(aspect_part(a) for a in fw.aspects_of_domain(d.number)),
            )
            for d in fw.domains
        )
    return tuple(LevelGroup(f"Aspek {a.number}", (aspect_part(a),)) for a in fw.aspects)


def change_cost(
    before: Mapping[int, int], after: Mapping[int, int], costs: Mapping[int, Sequence[float]], fw
) -> float:
    """Rupiah of every level step from ``before`` up to ``after`` (lowered levels cost nothing)."""
    total = Decimal(0)
    for n in fw.indicator_numbers:
        for level in range(int(before[n]), int(after[n])):
            total += Decimal(repr(float(costs[n][level - fw.min_level])))
    return float(total)
