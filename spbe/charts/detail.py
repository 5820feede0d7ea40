"""Plotly figures for the detail views: indicator heatmap, waterfall of changes, OPD
contributions and the gauge of the simulation page. Data in, ``go.Figure`` out; inputs are never
modified; labels in Indonesian with a decimal comma."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from spbe.charts.style import (
    HIGHLIGHT,
    NATIONAL_COLOUR,
    add_shapes,
    band_ranges,
    base_layout,
    index_text,
    predicate_colour,
    signed,
)
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_number
from spbe.core.framework import Framework, load_framework
from spbe.core.scoring import predicate
from spbe.results.contributions import Contributions

LEVEL_SCALE = "Blues"
STEP_PLACES = 3  # a domain step such as 0,104 or an indicator step such as 0,025 needs 3 places


def _single_value(frame: pd.DataFrame, column: str) -> None:
    if column in frame.columns and frame[column].nunique(dropna=True) > 1:
        raise SpbeError(f"Peta panas hanya untuk satu {column}; data berisi beberapa.")


def indicator_heatmap(
    levels: pd.DataFrame, framework: Framework, *, title: str | None = None
) -> go.Figure:
    """Indicator × year levels of one instansi and one provenance (columns year, indicator, level).

    Rows follow the framework's indicator order (1 at the top), a thin line separates domains, and
    the hover gives the indicator name and the level name. Missing cells stay empty.
    """
    for column in ("instansi_code", "provenance"):
        _single_value(levels, column)
    if "framework" in levels.columns and (levels["framework"] != framework.id).any():
        raise SpbeError(f"Data tingkat berisi kerangka selain {framework.id}.")
    if levels.empty:
        raise SpbeError("Tidak ada tingkat indikator untuk ditampilkan.")
    years = sorted(int(y) for y in levels["year"].unique())
    numbers = list(framework.indicator_numbers)
    z = np.full((len(numbers), len(years)), np.nan)
    cells = levels.groupby(["indicator", "year"])["level"].first()
    for (indicator, year), level in cells.items():
        z[numbers.index(int(indicator)), years.index(int(year))] = float(level)
    hover, text = [], []
    for r, n in enumerate(numbers):
        name = f"Indikator {n}: {framework.indicator(n).short_name}"  # the full name on hover
        hover_row, text_row = [], []
        for c, year in enumerate(years):
            if np.isnan(z[r, c]):
                hover_row.append(f"{name}<br>{year}: tidak ada data")
                text_row.append("")
            else:
                level = int(z[r, c])
                level_name = framework.level_name(n, level)
                hover_row.append(f"{name}<br>{year}: tingkat {level} ({level_name})")
                text_row.append(str(level))
        hover.append(hover_row)
        text.append(text_row)
    lo, hi = framework.min_level, framework.max_level
    colours = pcolors.sample_colorscale(LEVEL_SCALE, list(np.linspace(0.15, 0.95, hi - lo + 1)))
    scale = []
    for k, colour in enumerate(colours):
        scale += [[k / len(colours), colour], [(k + 1) / len(colours), colour]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(y) for y in years],
            y=[framework.indicator(n).label for n in numbers],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale=scale,
            zmin=lo - 0.5,
            zmax=hi + 0.5,
            xgap=1,
            ygap=1,
            colorbar=dict(title="Tingkat", tickvals=list(range(lo, hi + 1))),
        )
    )
    domain_of = [framework.domain_of_indicator(n) for n in numbers]
    boundaries = [r for r in range(1, len(numbers)) if domain_of[r] != domain_of[r - 1]]
    line = dict(type="line", xref="x domain", x0=0, x1=1, yref="y", line=dict(color=HIGHLIGHT))
    add_shapes(
        fig, [dict(line, y0=r - 0.5, y1=r - 0.5, name="domain-boundary") for r in boundaries]
    )
    fig.update_yaxes(title="Indikator", type="category", autorange="reversed")
    fig.update_xaxes(title="Tahun", type="category")
    if framework.secondary_source:  # the figure itself says it, also when shown alone
        title = f"{title + ' · ' if title else ''}Sumber sekunder: {framework.short_regulation}"
    return base_layout(fig, title, height=16 * len(numbers) + 140)


def waterfall_figure(steps: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Waterfall of a change table (spbe.results.changes): start, one bar per step, end."""
    measure = list(steps["measure"])
    values = steps["value"].astype(float).tolist()
    text = [
        index_text(v) if m != "relative" else signed(v, STEP_PLACES)
        for v, m in zip(values, measure)
    ]
    names = steps["name"] if "name" in steps.columns else steps["label"]
    hover = [
        f"{label} — {name}: {t}" if label != name else f"{label}: {t}"
        for label, name, t in zip(steps["label"], names, text)
    ]
    fig = go.Figure(
        go.Waterfall(
            x=list(steps["label"]),
            y=values,
            measure=measure,
            text=text,
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
            increasing=dict(marker=dict(color="#1a7837")),
            decreasing=dict(marker=dict(color="#b2182b")),
            totals=dict(marker=dict(color=HIGHLIGHT)),
            connector=dict(line=dict(color=NATIONAL_COLOUR, width=1, dash="dot")),
        )
    )
    running, levels = 0.0, []
    for v, m in zip(values, measure):
        running = v if m != "relative" else running + v
        levels.append(running)
    low, high = min(levels), max(levels)
    pad = max(0.1, (high - low) * 0.25)
    fig.update_yaxes(title="Indeks", range=[max(0.0, low - pad), high + pad])
    fig.update_xaxes(tickangle=-40 if len(values) > 8 else 0)
    return base_layout(fig, title, showlegend=False)


def opd_contribution_figure(contributions: Contributions, *, title: str | None = None) -> go.Figure:
    """Stacked horizontal bars per OPD: its contribution now, what one more level on each of its
    indicators would add, and what remains up to the top level (spbe.results.contributions)."""
    fw = load_framework(contributions.framework_id)
    table = contributions.by_opd
    names = list(table["short_name"])
    rest = (table["gain_to_max"] - table["gain_next_level"]).clip(lower=0)
    hover = [
        f"<b>{row.name}</b><br>Kontribusi {format_number(row.contribution, STEP_PLACES)} poin "
        f"({format_number(row.share * 100, 1)} % dari indeks)<br>"
        f"+{format_number(row.gain_next_level, STEP_PLACES)} jika semua naik 1 tingkat; "
        f"+{format_number(row.gain_to_max, STEP_PLACES)} hingga tingkat {fw.max_level}<br>"
        f"Indikator: {row.indicators or '–'}"
        for row in table.itertuples(index=False)
    ]
    parts = (
        ("Kontribusi saat ini", table["contribution"], HIGHLIGHT),
        ("Tambahan jika naik 1 tingkat", table["gain_next_level"], "#66bd63"),
        (f"Sisa hingga tingkat {fw.max_level}", rest, "#c7e9c0"),
    )
    fig = go.Figure()
    for k, (label, values, colour) in enumerate(parts):
        fig.add_trace(
            go.Bar(
                x=values.astype(float),
                y=names,
                orientation="h",
                name=label,
                marker=dict(color=colour),
                hovertext=hover,
                hoverinfo="text",
                text=[format_number(v, STEP_PLACES) for v in values] if k == 0 else None,
                textposition="inside",
                textangle=0,
                insidetextanchor="end",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    fig.update_xaxes(title="Poin indeks")
    return base_layout(
        fig,
        title,
        barmode="stack",
        height=max(300, 30 * len(names) + 140),
        legend_traceorder="normal",
        uniformtext=dict(minsize=9, mode="hide"),
    )


def gauge_figure(
    value: float,
    framework: Framework,
    *,
    predicate_name: str | None = None,
    reference: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """A gauge over the framework's level range with every band as a coloured step; the number
    is drawn as text (decimal comma, half-up) with the predicate under it. ``predicate_name``
    overrides the band of ``value`` (a published predicate follows the unrounded index)."""
    name = predicate_name or predicate(value, framework)
    steps = [
        dict(range=[lower, upper], color=predicate_colour(band.name), name=band.name)
        for band, lower, upper in band_ranges(framework)
    ]
    gauge = dict(
        axis=dict(range=[framework.min_level, framework.max_level], dtick=0.5, tickformat=".1f"),
        bar=dict(color=HIGHLIGHT, thickness=0.25),
        steps=steps,
    )
    if reference is not None:
        gauge["threshold"] = dict(line=dict(color=NATIONAL_COLOUR, width=3), value=reference)
    fig = go.Figure(go.Indicator(mode="gauge", value=float(value), gauge=gauge))
    fig.add_annotation(
        x=0.5,
        y=0.08,
        xref="paper",
        yref="paper",
        showarrow=False,
        text=f"<b>{index_text(value)}</b><br>{name}",
        font=dict(size=22),
    )
    fig = base_layout(fig, title, height=300)
    # room for the end labels ("1,0" and "5,0") beside the arc, which plotly draws outside it
    return fig.update_layout(margin=dict(l=40, r=40))
