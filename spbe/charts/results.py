"""Plotly figure builders for published results: data in, ``go.Figure`` out.

Trend of the index and domain small multiples. Every builder takes frames shaped like the
store's ``official`` frame (see spbe.results.published), never modifies them, and labels everything in
Indonesian with a decimal comma. Peer figures (province ranking, national distribution) are in
spbe.charts.peers; detail figures (heatmap, waterfall, OPD bars, gauge) in spbe.charts.detail;
colours and layout in spbe.charts.style. The page views at the end pair a table with its figure
(Tren, Kontribusi OPD); the pages cache them per data version with ``spbe.ui.derived``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from spbe.charts.detail import indicator_heatmap, opd_contribution_figure, waterfall_figure
from spbe.charts.peers import distribution_figure, peer_ranking_figure
from spbe.charts.style import (
    HIGHLIGHT,
    NATIONAL_COLOUR,
    SERIES_COLOURS,
    SYMBOLS,
    add_annotations,
    add_shapes,
    band_ranges,
    band_shapes,
    base_layout,
    index_text,
)
from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, load_framework
from spbe.core.provenance import provenance_label
from spbe.core.scoring import predicate
from spbe.results.changes import domain_changes, indicator_changes
from spbe.results.contributions import opd_contributions
from spbe.results.published import (
    NATIONAL,
    band_framework,
    check_columns,
    instrument_name,
    is_final,
    national_distribution,
    national_index,
    peer_ranking,
    with_predicates,
)

# RPJMN 2020–2024 target for the national SPBE index (L24); a policy target, not a band.
RPJMN_TARGET = 2.60
RPJMN_TARGET_LABEL = "Target RPJMN 2020–2024"
HOVER = (
    "%{customdata[0]}: <b>%{customdata[1]}</b> (%{customdata[2]})<br>"
    "%{customdata[3]}<br>Instrumen: %{customdata[4]}<extra>%{fullData.name}</extra>"
)


# -- series helpers -------------------------------------------------------------------------------


def _rows(official: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    check_columns(official)
    rows = official[official["instansi_code"].isin(list(codes))]
    missing = [c for c in codes if c != NATIONAL and not (rows["instansi_code"] == c).any()]
    if missing:
        raise SpbeError(f"Tidak ada hasil evaluasi untuk: {', '.join(missing)}.")
    if rows.empty:
        raise SpbeError("Tidak ada hasil evaluasi untuk digambar.")
    return with_predicates(rows).sort_values(["instansi_code", "year"], kind="stable")


def _symbols(rows: pd.DataFrame) -> dict[str, str]:
    """Newest instrument: circle; each older instrument its own symbol."""
    first_year = rows.groupby("framework")["year"].min().sort_values(ascending=False)
    return {fw: SYMBOLS[min(k, len(SYMBOLS) - 1)] for k, fw in enumerate(first_year.index)}


def _series(frame: pd.DataFrame, column: str, symbols: dict[str, str], open_marker: bool):
    """x, y, marker symbols and hover data; a gap (None) where the instrument changes."""
    x, y, symbol, custom = [], [], [], []
    previous = None
    for row in frame.sort_values("year").itertuples(index=False):
        value = getattr(row, column)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if previous is not None and row.framework != previous:
            x.append(None), y.append(None), symbol.append("circle"), custom.append([""] * 5)
        previous = row.framework
        band_fw = band_framework(row.framework, int(row.year))
        name = row.predicate if column == "index_value" else predicate(value, band_fw)
        badge = provenance_label(row.status if hasattr(row, "status") else "final", row.year)
        x.append(int(row.year))
        y.append(float(value))
        symbol.append(symbols[row.framework] + ("-open" if open_marker else ""))
        custom.append(
            [str(int(row.year)), index_text(value), name, badge, instrument_name(row.framework)]
        )
    return x, y, symbol, custom


def _line_style(code: str, position: int) -> tuple[str, str]:
    if code == NATIONAL:
        return NATIONAL_COLOUR, "dash"
    return SERIES_COLOURS[position % len(SERIES_COLOURS)], "solid"


def _add_series(fig, frame, column, symbols, code, position, row=None, col=None, legend=True):
    colour, dash = _line_style(code, position)
    name = str(frame["instansi_name"].iloc[0])
    final, provisional = frame[is_final(frame)], frame[~is_final(frame)]
    x, y, symbol, custom = _series(final, column, symbols, open_marker=False)
    common = dict(row=row, col=col)
    if x:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=name,
                showlegend=legend,
                legendgroup=code,
                line=dict(color=colour, dash=dash, width=3 if code != NATIONAL else 2),
                marker=dict(symbol=symbol, size=10, color=colour),
                customdata=custom,
                hovertemplate=HOVER,
                connectgaps=False,
                meta=dict(instansi_code=code, status="final", column=column),
            ),
            **common,
        )
    px, py, psymbol, pcustom = _series(provisional, column, symbols, open_marker=True)
    if not px:
        return
    final_points = [(a, b) for a, b in zip(x, y) if a is not None]
    last_final = final_points[-1] if final_points else None
    connector = [last_final] if last_final else []
    connector += [
        (a, b)
        for a, b in zip(px, py)
        if a is not None and (last_final is None or a > last_final[0])
    ]
    if len(connector) > 1:
        fig.add_trace(
            go.Scatter(
                x=[a for a, _ in connector],
                y=[b for _, b in connector],
                mode="lines",
                showlegend=False,
                legendgroup=code,
                line=dict(color=colour, dash="dot", width=2),
                hoverinfo="skip",
                meta=dict(instansi_code=code, status="connector", column=column),
            ),
            **common,
        )
    fig.add_trace(
        go.Scatter(
            x=px,
            y=py,
            mode="markers",
            name=f"{name} (sementara)",
            showlegend=legend,
            legendgroup=code,
            marker=dict(symbol=psymbol, size=12, color=colour, line=dict(width=2, color=colour)),
            customdata=pcustom,
            hovertemplate=HOVER,
            meta=dict(instansi_code=code, status="provisional", column=column),
        ),
        **common,
    )


def _y_range(fw: Framework) -> list[float]:
    """The level range with a little room below, so points at the lowest level are not cut."""
    return [fw.min_level - 0.15, fw.max_level + 0.05]


def _year_segments(rows: pd.DataFrame, key) -> list[tuple[object, int, int]]:
    """Contiguous runs of years sharing ``key(framework, year)``: (key, first, last)."""
    per_year = rows.groupby("year")["framework"].first().sort_index()
    segments: list[list] = []
    for year, framework in per_year.items():
        value = key(framework, int(year))
        if segments and segments[-1][0] == value:
            segments[-1][2] = int(year)
        else:
            segments.append([value, int(year), int(year)])
    return [tuple(s) for s in segments]


def _instrument_marks(rows: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """(shapes, annotations): a dotted boundary and a label where the instrument changes."""
    segments = _year_segments(rows, lambda framework, year: framework)
    if len(segments) < 2:
        return [], []
    labels = [
        dict(
            x=(first + last) / 2,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=f"Instrumen {instrument_name(framework)}",
            showarrow=False,
            font=dict(size=11, color=NATIONAL_COLOUR),
        )
        for framework, first, last in segments
    ]
    lines = [
        dict(
            type="line",
            x0=first - 0.5,
            x1=first - 0.5,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color=NATIONAL_COLOUR, dash="dot", width=1),
            name="instrument-boundary",
        )
        for _, first, _ in segments[1:]
    ]
    return lines, labels


# -- trend ----------------------------------------------------------------------------------------


def trend_figure(
    official: pd.DataFrame,
    instansi_codes: Sequence[str],
    *,
    national_code: str | None = NATIONAL,
    target: float | None = RPJMN_TARGET,
    target_label: str = RPJMN_TARGET_LABEL,
    title: str | None = "Indeks SPBE dari tahun ke tahun",
) -> go.Figure:
    """Index over the years for the chosen instansi (and the national line), with the predicate
    bands shaded per instrument period, the target line, filled markers for final results, open
    markers on a dotted line for provisional ones and a distinct symbol for older instruments."""
    codes = list(dict.fromkeys([*instansi_codes, *([national_code] if national_code else [])]))
    rows = _rows(official, codes)
    fig = go.Figure()
    band_segments = _year_segments(rows, lambda fw, year: band_framework(fw, year).id)
    shapes = []
    for fw_id, first, last in band_segments:
        shapes += band_shapes(fig, load_framework(fw_id), x0=first - 0.5, x1=last + 0.5)
    symbols = _symbols(rows)
    for position, code in enumerate(codes):
        frame = rows[rows["instansi_code"] == code]
        if len(frame):
            _add_series(fig, frame, "index_value", symbols, code, position)
    lines, annotations = _instrument_marks(rows)
    shapes += lines
    if target is not None:
        shapes.append(
            dict(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                yref="y",
                y0=target,
                y1=target,
                line=dict(color=HIGHLIGHT, dash="dash", width=1.5),
                name="target",
            )
        )
        annotations.append(
            dict(
                x=0,
                xref="paper",
                xanchor="left",
                y=target,
                yref="y",
                yanchor="bottom",
                text=f"{target_label}: {index_text(target)}",
                showarrow=False,
                font=dict(size=11),
            )
        )
    last_fw = load_framework(band_segments[-1][0])
    annotations += [
        dict(
            x=1.0,
            xref="paper",
            xanchor="left",
            y=(lower + upper) / 2,
            yref="y",
            text=band.name,
            showarrow=False,
            font=dict(size=10, color=NATIONAL_COLOUR),
        )
        for band, lower, upper in band_ranges(last_fw)
    ]
    add_shapes(fig, shapes)
    add_annotations(fig, annotations)
    years = sorted(int(y) for y in rows["year"].unique())
    fig.update_xaxes(
        title="Tahun", dtick=1, tickformat="d", range=[years[0] - 0.5, years[-1] + 0.5]
    )
    fig.update_yaxes(title="Indeks SPBE", range=_y_range(last_fw))
    return base_layout(fig, title, margin=dict(r=90))


def _domain_framework(rows: pd.DataFrame) -> Framework:
    loaded = []
    for framework_id in rows["framework"].unique():
        try:
            fw = load_framework(str(framework_id))
        except SpbeError:
            continue
        if fw.has_domains:
            loaded.append(fw)
    if not loaded:
        raise SpbeError("Tidak ada kerangka dengan domain untuk data yang dipilih.")
    return max(loaded, key=lambda fw: fw.first_year)


def domain_trend_figure(
    official: pd.DataFrame,
    instansi_codes: Sequence[str],
    *,
    national_code: str | None = NATIONAL,
    title: str | None = "Indeks per domain",
) -> go.Figure:
    """One small plot per domain (names from the framework), bands shaded, same markers as the
    trend figure: older-instrument points (2018–2020) get their own symbol and hover note."""
    codes = list(dict.fromkeys([*instansi_codes, *([national_code] if national_code else [])]))
    rows = _rows(official, codes)
    fw = _domain_framework(rows)
    cols = 2 if len(fw.domains) > 1 else 1
    n_rows = math.ceil(len(fw.domains) / cols)
    fig = make_subplots(
        rows=n_rows,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[f"Domain {d.number}: {d.name}" for d in fw.domains],
        vertical_spacing=0.12,
        horizontal_spacing=0.06,
    )
    symbols = _symbols(rows)
    shapes = []
    for k, dom in enumerate(fw.domains):
        row, col = k // cols + 1, k % cols + 1
        shapes += band_shapes(fig, fw, row=row, col=col)
        column = f"domain_{dom.number}"
        if column not in rows.columns:
            continue
        for position, code in enumerate(codes):
            frame = rows[rows["instansi_code"] == code]
            if len(frame):
                _add_series(fig, frame, column, symbols, code, position, row, col, legend=k == 0)
    add_shapes(fig, shapes)
    years = sorted(int(y) for y in rows["year"].unique())
    fig.update_xaxes(dtick=1, tickformat="d", range=[years[0] - 0.5, years[-1] + 0.5])
    fig.update_yaxes(range=_y_range(fw))
    return base_layout(fig, title, height=260 * n_rows + 120)


# -- page views: a table and its figure together (the pages cache them with spbe.ui.derived) -------


def ranking_view(
    official: pd.DataFrame, year: int, highlight: str
) -> tuple[pd.DataFrame, go.Figure | None]:
    """The Maluku Utara ranking of ``year`` and its bars (None when the table is empty), with
    the national index as the reference line."""
    ranking = peer_ranking(official, year)
    if ranking.empty:
        return ranking, None
    reference = national_index(official, year)
    return ranking, peer_ranking_figure(ranking, highlight, reference=reference)


def distribution_view(
    official: pd.DataFrame, year: int, instansi_code: str
) -> tuple[pd.DataFrame, go.Figure]:
    """The national distribution of the instansi's kind in ``year`` and its histogram."""
    distribution = national_distribution(official, year, instansi_code=instansi_code)
    fw = band_framework("spbe-2020", year)
    return distribution, distribution_figure(distribution, fw)


DOMAIN_WATERFALL_TITLE = "Perubahan menurut domain (nilai resmi)"


def domain_waterfall(
    official: pd.DataFrame, instansi_code: str, year_from: int, year_to: int
) -> go.Figure:
    """What moved the published index between two years, by domain."""
    steps = domain_changes(official, instansi_code, year_from, year_to)
    return waterfall_figure(steps, title=DOMAIN_WATERFALL_TITLE)


def indicator_waterfall(
    levels: pd.DataFrame, instansi_code: str, year_from: int, year_to: int, provenance: str
) -> go.Figure:
    """What moved the index recomputed from stored levels of one provenance, by indicator."""
    steps = indicator_changes(levels, instansi_code, year_from, year_to, provenance)
    return waterfall_figure(steps, title=f"Perubahan menurut indikator ({provenance})")


def heatmap_view(levels: pd.DataFrame, provenance: str) -> tuple[Framework, go.Figure]:
    """Indicator × year levels of one provenance, in the framework of its latest row."""
    chosen = levels[levels["provenance"] == provenance]
    framework = load_framework(chosen["framework"].iloc[-1])
    chosen = chosen[chosen["framework"] == framework.id]
    return framework, indicator_heatmap(chosen, framework)


def contribution_view(
    levels: pd.DataFrame, opd: pd.DataFrame, owners: pd.DataFrame, year: int, provenance: str
):
    """The OPD contributions of one instansi's levels of ``year`` and ``provenance`` (in the
    framework of their first row) and their bars: (framework, Contributions, figure)."""
    profile = levels[(levels["year"] == year) & (levels["provenance"] == provenance)]
    framework = load_framework(profile["framework"].iloc[0])
    result = opd_contributions(profile, owners, opd, framework)
    return framework, result, opd_contribution_figure(result)
