import plotly.graph_objects as go

from spbe.charts.style import (
    NEUTRAL,
    PREDICATE_COLOURS,
    add_shapes,
    band_ranges,
    band_shapes,
    base_layout,
    predicate_colour,
    signed,
)
from spbe.core.formatting import PLOTLY_SEPARATORS


def test_one_colour_per_band_name_lowest_first(spbe2020, pemdi):
    names = [b.name for b in spbe2020.bands]
    assert list(PREDICATE_COLOURS) == names  # Kurang … Memuaskan
    assert [b.name for b in pemdi.bands] == names  # the 2026 bands reuse the names
    assert len(set(PREDICATE_COLOURS.values())) == len(names)


def test_predicate_colour_is_case_insensitive_and_neutral_when_unknown():
    assert predicate_colour("sangat baik") == PREDICATE_COLOURS["Sangat Baik"]
    assert predicate_colour("Tidak Ada") == NEUTRAL
    assert predicate_colour(None) == NEUTRAL


def test_band_ranges_end_at_the_top_level(spbe2020, pemdi):
    assert [(b.name, lo, hi) for b, lo, hi in band_ranges(spbe2020)] == [
        ("Kurang", 1.0, 1.8),
        ("Cukup", 1.8, 2.6),
        ("Baik", 2.6, 3.5),
        ("Sangat Baik", 3.5, 4.2),
        ("Memuaskan", 4.2, 5.0),
    ]
    assert [lo for _, lo, _ in band_ranges(pemdi)] == [1.0, 1.5, 2.5, 3.5, 4.0]


def test_shaded_bands_are_named_and_coloured(spbe2020):
    fig = go.Figure()
    add_shapes(fig, band_shapes(fig, spbe2020, x0=2022.5, x1=2024.5))
    shapes = fig.layout.shapes
    assert [s.name for s in shapes] == [f"band:{b.name}" for b in spbe2020.bands]
    assert [s.fillcolor for s in shapes] == list(PREDICATE_COLOURS.values())
    assert {(s.x0, s.x1) for s in shapes} == {(2022.5, 2024.5)}


def test_layout_uses_decimal_comma_separators():
    fig = base_layout(go.Figure(), "Judul")
    assert fig.layout.separators == PLOTLY_SEPARATORS == ",."
    assert fig.layout.title.text == "Judul"


def test_signed_step_texts():
    assert signed(0.104, 3) == "+0,104"
    assert signed(-0.00095, 3) == "−0,001"  # half-up on the decimal value
    assert signed(0.0, 3) == "±0,000"
    assert signed(0.69) == "+0,69"
