"""Figures of the slides (page, PPTX and PDF): domain profile, plan waterfall, roadmap, and the projector restyling of any figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from spbe.charts.detail import waterfall_figure
from spbe.charts.style import (
    NATIONAL_COLOUR,
    SERIES_COLOURS,
    add_shapes,
    band_shapes,
    base_layout,
    predicate_colour,
)
from spbe.core.formatting import format_index, format_rupiah
from spbe.core.framework import Framework
from spbe.core.planner import Plan

PROJECTOR_FONT = 18  # layout pixels; figures are shown ~1000 px wide on the page and in the deck
PROJECTOR_MIN_HEIGHT = 280  # the Presentasi page stretches a figure to the slide, never below this
GAUGE_SIDE = 40  # side margin of a gauge at 12 px type: its end labels sit outside the plot area


def projector_figure(fig: go.Figure, height: int = PROJECTOR_MIN_HEIGHT) -> go.Figure:
    """A copy of ``fig`` with type readable on a projector: larger fonts, no figure title (the
    slide has one), white paper (the same image on the dark page and in the printed deck).

    ``height`` is the smallest height: the page stretches the figure to the space the slide
    leaves it (``st.plotly_chart(height="stretch")``, which never goes below ``layout.height``),
    so it must fit a 1024×768 screen; the deck renders at its own image size."""
    big = go.Figure(fig)
    scale = PROJECTOR_FONT / 12
    annotations = [
        a.update(font=dict(size=round((a.font.size or 12) * scale))) for a in big.layout.annotations
    ]
    gauge = any(trace.type == "indicator" for trace in big.data)
    side = round(GAUGE_SIDE * scale) if gauge else 20
    big.update_layout(
        annotations=annotations,
        title=None,
        font=dict(size=PROJECTOR_FONT, color="#000000"),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        height=height,
        margin=dict(l=side, r=max(side, 30, big.layout.margin.r or 0), t=40, b=20),
        legend=dict(y=-0.2, font=dict(size=PROJECTOR_FONT - 2)),
    )
    return big


def domain_profile_figure(
    series: Sequence[tuple[str, Mapping[int, float]]], framework: Framework
) -> go.Figure:
    """Grouped bars: one group per domain (names from the framework), one bar per series, the
    bands shaded behind; the first series is the instansi, the others its references."""
    fig = go.Figure()
    add_shapes(fig, band_shapes(fig, framework))
    labels = [f"D{d.number} {d.name.removesuffix(' SPBE')}" for d in framework.domains]
    colours = [SERIES_COLOURS[0], NATIONAL_COLOUR, SERIES_COLOURS[1], SERIES_COLOURS[2]]
    for k, (name, values) in enumerate(series):
        numbers = [d.number for d in framework.domains]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[values[n] for n in numbers],
                name=name,
                marker=dict(color=colours[k % len(colours)]),
                text=[format_index(values[n]) for n in numbers],
                textposition="outside",
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_yaxes(title="Indeks domain", range=[0, framework.max_level + 0.3])
    return base_layout(fig, None, barmode="group")


def plan_waterfall_figure(plan: Plan, fw: Framework, year: int) -> go.Figure:
    rows = [
        {
            "label": f"{year}",
            "name": f"Indeks {year}",
            "measure": "absolute",
            "value": plan.index_before,
        }
    ]
    domain = plan.steps["indicator"].map(fw.domain_of_indicator)
    for number, part in plan.steps.groupby(domain, sort=True):
        name = fw.domain(int(number)).name
        rows.append(
            {
                "label": f"D{number}",
                "name": name,
                "measure": "relative",
                "value": float(part["index_gain"].sum()),
            }
        )
    rows.append(
        {
            "label": "Sesudah",
            "name": "Sesudah rencana",
            "measure": "total",
            "value": plan.index_after,
        }
    )
    return waterfall_figure(pd.DataFrame(rows))


def roadmap_figure(
    table: pd.DataFrame, start_index: float, start_predicate: str, start_year: int, fw: Framework
) -> go.Figure:
    """Bars of the index after each roadmap year (the start year first), coloured by predicate,
    with the bands shaded and each year's cost in the hover ("Rp … dari Rp …" when ``table`` has
    a ``budget`` column: an annual-budget roadmap). ``table``: year, index, predicate, cost."""
    fig = go.Figure()
    add_shapes(fig, band_shapes(fig, fw))
    years = [str(start_year), *[str(y) for y in table["year"]]]
    values = [start_index, *table["index"].astype(float)]
    names = [start_predicate, *table["predicate"]]
    costs = ["profil awal", *[format_rupiah(c) for c in table["cost"]]]
    if "budget" in table.columns:
        costs[1:] = [f"{c} dari {format_rupiah(b)}" for c, b in zip(costs[1:], table["budget"])]
    fig.add_trace(
        go.Bar(
            x=years,
            y=values,
            marker=dict(color=[predicate_colour(n) for n in names]),
            text=[f"{format_index(v)}<br>{n}" for v, n in zip(values, names)],
            textposition="outside",
            customdata=costs,
            hovertemplate="%{x}: %{text}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_yaxes(title="Indeks SPBE", range=[0, fw.max_level + 0.3])
    fig.update_xaxes(title="Tahun", type="category")
    return base_layout(fig, None)
