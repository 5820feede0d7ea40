"""Plotly figures of the planning pages: sensitivity of the next step, the plan per OPD and
scenarios side by side. Data in, ``go.Figure`` out; inputs are never modified; labels in
Indonesian with a decimal comma (the gauge and the waterfall come from spbe.charts.detail)."""

from __future__ import annotations

import math
from html import escape

import pandas as pd
import plotly.graph_objects as go

from spbe.charts.style import HIGHLIGHT, SERIES_COLOURS, base_layout, predicate_colour
from spbe.core.formatting import format_index, format_number, format_rupiah
from spbe.core.framework import Framework
from spbe.planning.tables import format_points


def sensitivity_figure(
    table: pd.DataFrame, *, per_million: bool = False, top: int = 15, title: str | None = None
) -> go.Figure:
    """Horizontal bars of the next step's index gain per indicator
    (``spbe.planning.session.sensitivity``), or of the gain per Rp 1.000.000 of its cost; the ``top``
    largest, largest at the top."""
    column = "gain_per_million" if per_million else "gain"
    rows = table[table[column].notna()]
    rows = rows.sort_values([column, "indicator"], ascending=[False, True], kind="stable").head(top)
    labels = (
        list(rows["label"]) if "label" in rows else [f"Indikator {n}" for n in rows["indicator"]]
    )
    unit = "poin per Rp 1 juta" if per_million else "poin indeks"
    hover = [
        f"<b>Indikator {r.indicator}</b>: {r.name}<br>Tingkat {r.level} → {r.level + 1}: "
        f"+{format_points(r.gain)} poin indeks"
        + ("" if math.isnan(r.cost) else f"<br>Biaya langkah {format_rupiah(r.cost)}")
        + (
            ""
            if math.isnan(r.gain_per_million)
            else f"<br>{format_number(r.gain_per_million, 5)} poin per Rp 1 juta"
        )
        for r in rows.itertuples(index=False)
    ]
    fig = go.Figure(
        go.Bar(
            x=rows[column].astype(float).tolist(),
            y=labels,
            orientation="h",
            marker=dict(color=HIGHLIGHT),
            text=[format_number(v, 5) if per_million else format_points(v) for v in rows[column]],
            textposition="outside",
            cliponaxis=False,  # the longest bar's label is never cut at the plot's edge
            hovertext=hover,
            hoverinfo="text",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    top = float(rows[column].max()) if len(rows) else 1.0
    fig.update_xaxes(
        title=f"Kenaikan indeks langkah berikutnya ({unit})",
        range=[0, top * 1.25],  # room for the labels outside the bars
        tickformat=".5~f" if per_million else ".3~f",  # 0,0002, not "200μ"
        exponentformat="none",
    )
    return base_layout(fig, title, showlegend=False, height=max(260, 24 * len(labels) + 120))


def plan_opd_figure(by_opd: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars of the plan's cost per lead OPD (``spbe.planning.session.plan_by_opd``), with the index
    gain of each OPD's steps in the label."""
    names = list(by_opd["opd"])
    text = [
        f"{format_rupiah(c)} · +{format_points(g)}"
        for c, g in zip(by_opd["cost"], by_opd["index_gain"])
    ]
    fig = go.Figure(
        go.Bar(
            x=by_opd["cost"].astype(float).tolist(),
            y=names,
            orientation="h",
            marker=dict(color=SERIES_COLOURS[0]),
            text=text,
            textposition="auto",
            hovertext=[
                f"<b>{r.opd}</b><br>{r.steps} langkah: {r.indicators}<br>{t}"
                for r, t in zip(by_opd.itertuples(index=False), text)
            ],
            hoverinfo="text",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    fig.update_xaxes(title="Biaya (Rp)", tickformat=",.0f")
    return base_layout(fig, title, showlegend=False, height=max(220, 40 * len(names) + 120))


def scenario_groups_figure(
    comparison: pd.DataFrame, fw: Framework, *, title: str | None = None
) -> go.Figure:
    """Grouped bars: every domain (aspect without domains) for each compared scenario
    (``spbe.planning.session.compare_scenarios``), with the index as the last group."""
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    label = "Domain" if fw.has_domains else "Aspek"
    categories = [f"{label} {g.number}" for g in items] + ["Indeks"]
    names = [f"{label} {g.number}: {g.name}" for g in items] + ["Indeks"]
    fig = go.Figure()
    for position, row in enumerate(comparison.itertuples(index=False)):
        values = [float(getattr(row, f"{kind}_{g.number}")) for g in items] + [
            float(row.index_value)
        ]
        fig.add_trace(
            go.Bar(
                x=categories,
                y=values,
                name=f"{escape(row.name)} ({row.predicate})",
                marker=dict(color=SERIES_COLOURS[position % len(SERIES_COLOURS)]),
                text=[format_index(v) for v in values],
                textposition="outside",
                hovertext=[
                    f"{escape(row.name)} — {n}: {format_index(v)}" for n, v in zip(names, values)
                ],
                hoverinfo="text",
            )
        )
    for band in fw.bands[1:]:
        fig.add_hline(
            y=float(band.lower),
            line=dict(color=predicate_colour(band.name), width=1, dash="dot"),
            name=f"band:{band.name}",
        )
    fig.update_yaxes(title="Nilai", range=[0, fw.max_level + 0.3])
    return base_layout(fig, title, barmode="group")
