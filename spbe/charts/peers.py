"""Plotly figures that place one instansi among others: the province peer ranking and the
national distribution of its kind. Data in (tables from spbe.results.published), ``go.Figure`` out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from spbe.charts.style import (
    HIGHLIGHT,
    NATIONAL_COLOUR,
    NEUTRAL,
    add_shapes,
    base_layout,
    index_text,
    predicate_colour,
    vertical_band_shapes,
)
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework
from spbe.results.published import KIND_PLURAL


def peer_ranking_figure(
    ranking: pd.DataFrame,
    highlight: str | None = None,
    *,
    reference: float | None = None,
    reference_label: str = "Nasional",
    title: str | None = None,
) -> go.Figure:
    """Horizontal bars of a ranked table (spbe.results.published.peer_ranking), rank 1 on top, one colour
    per predicate (legend = predicates), the ``highlight`` instansi outlined and its name bold."""
    order = ranking.sort_values(["rank", "instansi_name"], kind="stable")
    names = list(order["instansi_name"])
    selected = (order["instansi_code"] == highlight).to_numpy()
    ticktext = [f"<b>{n}</b>" if s else n for n, s in zip(names, selected)]
    fig = go.Figure()
    for name in dict.fromkeys(order["predicate"]):
        part = order[order["predicate"] == name]
        chosen = (part["instansi_code"] == highlight).to_numpy()
        fig.add_trace(
            go.Bar(
                x=part["index_value"].astype(float),
                y=part["instansi_name"],
                orientation="h",
                name=name,
                marker=dict(
                    color=predicate_colour(name),
                    line=dict(color=HIGHLIGHT, width=np.where(chosen, 3, 0)),
                    opacity=1.0,
                ),
                text=[index_text(v) for v in part["index_value"]],
                textposition="outside",
                customdata=np.column_stack(
                    [part["rank"], [index_text(v) for v in part["index_value"]], part["predicate"]]
                ),
                hovertemplate="Peringkat %{customdata[0]}: %{y}<br>Indeks %{customdata[1]} "
                "(%{customdata[2]})<extra></extra>",
            )
        )
    if reference is not None:
        fig.add_vline(
            x=reference,
            line=dict(color=NATIONAL_COLOUR, dash="dash"),
            name="reference",
            annotation=dict(text=f"{reference_label} {index_text(reference)}", yanchor="bottom"),
            annotation_position="top left",  # inside the plot: never clipped at the right edge
        )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=names,
        autorange="reversed",
        tickmode="array",
        tickvals=names,
        ticktext=ticktext,
    )
    top = max(float(order["index_value"].max()), reference or 0)
    fig.update_xaxes(title="Indeks SPBE", range=[0, math.ceil(top * 2 + 0.5) / 2])
    return base_layout(fig, title, height=max(300, 32 * len(names) + 120), barmode="overlay")


def distribution_figure(
    distribution: pd.DataFrame,
    framework: Framework,
    *,
    bin_width: float = 0.1,
    title: str | None = None,
) -> go.Figure:
    """Histogram of one kind's published indices (spbe.results.published.national_distribution), bands
    shaded, the selected instansi's bin highlighted and annotated with its value and rank.

    Bins are counted on integer hundredths, so a published 2,60 always falls in [2,60; 2,70)."""
    step = round(bin_width * 100)
    if step < 1 or not math.isclose(step, bin_width * 100):
        raise SpbeError("Lebar kelas histogram harus kelipatan 0,01.")
    hundredths = np.rint(distribution["index_value"].to_numpy(dtype=float) * 100).astype(int)
    bins = hundredths // step
    first, last = int(bins.min()), int(bins.max())
    edges = np.arange(first, last + 1)
    counts = np.array([(bins == b).sum() for b in edges])
    selected = distribution["selected"].to_numpy(dtype=bool)
    chosen_bin = int(bins[selected][0]) if selected.any() else None
    fig = go.Figure()
    add_shapes(fig, vertical_band_shapes(framework))
    lows, highs = edges * step / 100, (edges + 1) * step / 100 - 0.01
    fig.add_trace(
        go.Bar(
            x=(edges + 0.5) * step / 100,
            y=counts,
            width=step / 100 * 0.95,
            name="Jumlah",
            marker=dict(color=[HIGHLIGHT if b == chosen_bin else NEUTRAL for b in edges]),
            customdata=np.column_stack(
                [[index_text(v) for v in lows], [index_text(v) for v in highs]]
            ),
            hovertemplate="%{customdata[0]}–%{customdata[1]}: %{y} instansi<extra></extra>",
            showlegend=False,
        )
    )
    tallest = int(counts.max())
    top = tallest + 1  # headroom above the tallest bar for the label
    if selected.any():
        row = distribution[selected].iloc[0]
        count = len(distribution)
        kind = KIND_PLURAL.get(str(row.get("kind", "")), "instansi")
        top = tallest * 1.25 + 1.6
        fig.add_annotation(  # above every bar, the arrow down to the selected bin
            x=float(row["index_value"]),
            y=int(counts[edges == chosen_bin][0]),
            text=f"{row['instansi_name']} {index_text(row['index_value'])}<br>"
            f"peringkat {int(row['rank'])} dari {count} {kind}",
            showarrow=True,
            arrowhead=2,
            ax=float(row["index_value"]),
            axref="x",
            ay=tallest * 1.1 + 0.6,
            ayref="y",
            yanchor="bottom",
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.update_xaxes(title="Indeks SPBE", range=[framework.min_level, framework.max_level])
    # whole instansi only: no "0,5" ticks on a count axis
    fig.update_yaxes(title="Jumlah instansi", range=[0, top], dtick=1 if top <= 12 else None)
    return base_layout(fig, title, bargap=0.05)
