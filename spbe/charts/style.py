"""Shared look of every figure: predicate colours, layout defaults, band shading, hover text.

The predicate colour map is defined once, from the band names of the frameworks this project
carries (ordered from the lowest band to the highest), so a new framework with new band names gets
colours without code changes. Plotly layouts use ``spbe.core.formatting.PLOTLY_SEPARATORS`` and every
hover text is formatted here with a decimal comma, so nothing depends on the browser locale.
Figures use no external resources (no map tiles, no web fonts).
"""

from __future__ import annotations

import plotly.colors as pcolors
import plotly.graph_objects as go
import plotly.io as pio

from spbe.core.formatting import PLOTLY_SEPARATORS, format_index, format_number
from spbe.core.framework import Band, Framework, list_frameworks, load_framework

# lowest band -> highest band; sampled by band position, so any number of bands works
PREDICATE_SCALE = [
    [0.0, "#b2182b"],
    [0.25, "#ef8a62"],
    [0.5, "#e6b422"],
    [0.75, "#66bd63"],
    [1.0, "#1a7837"],
]
NEUTRAL = "#9e9e9e"
HIGHLIGHT = "#111827"
NATIONAL_COLOUR = "#4b5563"
SERIES_COLOURS = ("#1f4e99", "#c2571a", "#6a3d9a", "#0f766e", "#9d174d")
BAND_OPACITY = 0.13
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "star")


def _band_names() -> tuple[str, ...]:
    """Band names of all carried frameworks, lowest first (merged by position)."""
    ranked: dict[str, float] = {}
    for framework_id in list_frameworks():
        bands = load_framework(framework_id).bands
        for pos, band in enumerate(bands):
            relative = pos / max(1, len(bands) - 1)
            ranked[band.name] = min(ranked.get(band.name, relative), relative)
    return tuple(sorted(ranked, key=lambda name: ranked[name]))


def _predicate_colours() -> dict[str, str]:
    names = _band_names()
    points = [k / max(1, len(names) - 1) for k in range(len(names))]
    colours = pcolors.sample_colorscale(PREDICATE_SCALE, points, colortype="rgb")
    return dict(zip(names, colours))


PREDICATE_COLOURS: dict[str, str] = _predicate_colours()


def predicate_colour(name: str | None) -> str:
    """The colour of a predicate (case-insensitive); neutral grey when unknown."""
    if not name:
        return NEUTRAL
    for known, colour in PREDICATE_COLOURS.items():
        if known.casefold() == str(name).strip().casefold():
            return colour
    return NEUTRAL


# The plain white template is the default for every figure made after this module is imported
# (every builder imports it): set once here, a figure gets it at construction for free, whereas
# setting it per figure validated the whole template again (about 13 ms a figure, 3x its cost).
pio.templates.default = "plotly_white"


def base_layout(fig: go.Figure, title: str | None = None, **layout) -> go.Figure:
    """Decimal comma, plain white template (the default), readable hover labels, legend below."""
    fig.update_layout(
        separators=PLOTLY_SEPARATORS,
        title=dict(text=title) if title else None,
        hoverlabel=dict(namelength=-1),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0),
        margin=dict(l=10, r=10, t=60 if title else 30, b=10),
    )
    if layout:
        fig.update_layout(**layout)
    return fig


def band_ranges(fw: Framework) -> list[tuple[Band, float, float]]:
    """(band, lower, upper) for every band; the top band ends at the framework's top level."""
    uppers = [float(b.lower) for b in fw.bands[1:]] + [float(fw.max_level)]
    return [(b, float(b.lower), upper) for b, upper in zip(fw.bands, uppers)]


def _axis_refs(fig: go.Figure, row, col) -> tuple[str, str]:
    """Axis references ("x2", "y2") of a subplot, or the main axes."""
    if row is None:
        return "x", "y"
    subplot = fig.get_subplot(row, col)
    return (
        subplot.xaxis.plotly_name.replace("axis", ""),
        subplot.yaxis.plotly_name.replace("axis", ""),
    )


def _band_shape(band: Band, **where) -> dict:
    return dict(
        type="rect",
        fillcolor=predicate_colour(band.name),
        opacity=BAND_OPACITY,
        line=dict(width=0),
        layer="below",
        name=f"band:{band.name}",
        **where,
    )


def add_shapes(fig: go.Figure, shapes: list[dict]) -> None:
    """Add many shapes in one layout update (``add_shape`` re-validates all shapes every call,
    which costs ~2 ms per shape and call)."""
    if shapes:
        fig.update_layout(shapes=[*fig.layout.shapes, *shapes])


def add_annotations(fig: go.Figure, annotations: list[dict]) -> None:
    """Add many annotations in one layout update."""
    if annotations:
        fig.update_layout(annotations=[*fig.layout.annotations, *annotations])


def band_shapes(fig: go.Figure, fw: Framework, x0=None, x1=None, row=None, col=None) -> list:
    """Shapes shading every band of ``fw`` horizontally: between x0 and x1 in data units, else
    across the whole plot (or subplot ``row``/``col``). Add them with ``add_shapes``."""
    xref, yref = _axis_refs(fig, row, col)
    if x0 is None:
        where = dict(xref=f"{xref} domain", x0=0, x1=1, yref=yref)
    else:
        where = dict(xref=xref, x0=x0, x1=x1, yref=yref)
    return [_band_shape(b, y0=lo, y1=hi, **where) for b, lo, hi in band_ranges(fw)]


def vertical_band_shapes(fw: Framework) -> list[dict]:
    """Shapes shading every band of ``fw`` along the x axis (distributions of index values)."""
    where = dict(xref="x", yref="y domain", y0=0, y1=1)
    return [_band_shape(b, x0=lo, x1=hi, **where) for b, lo, hi in band_ranges(fw)]


def index_text(value) -> str:
    return format_index(value)


def signed(value: float, places: int = 2) -> str:
    """'+0,104' / '−0,001' / '±0,000' (decimal comma, half-up)."""
    text = format_number(abs(value), places)
    if set(text) <= {"0", ","}:
        return "±" + text
    return ("+" if value > 0 else "−") + text
