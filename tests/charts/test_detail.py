import math

import pandas as pd
import pytest

from spbe.charts.detail import (
    gauge_figure,
    indicator_heatmap,
    opd_contribution_figure,
    waterfall_figure,
)
from spbe.charts.style import PREDICATE_COLOURS
from spbe.core.errors import SpbeError
from spbe.results.changes import domain_changes, indicator_changes
from spbe.results.contributions import opd_contributions
from tests.official_rows import (
    TERNATE_2023,
    TERNATE_2024,
    levels_frame,
    official_frame,
    opd_frame,
    owners_frame,
)


def test_heatmap_indicator_by_year_with_names_in_the_hover(spbe2020):
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    fig = indicator_heatmap(levels, spbe2020)
    (heat,) = fig.data
    assert list(heat.x) == ["2023", "2024"]
    assert list(heat.y) == [spbe2020.indicator(n).label for n in range(1, 48)]
    assert heat.y[31] == "32 · Layanan Perencanaan"  # names, not numbers; the full name on hover
    row = list(heat.y).index("37 · Kearsipan Dinamis")
    assert (heat.z[row][0], heat.z[row][1]) == (1, 3)
    assert heat.hovertext[row][1] == (
        "Indikator 37: Layanan Kearsipan Dinamis<br>2024: tingkat 3 (Transaksi)"
    )
    assert heat.hovertext[0][0] == (
        "Indikator 1: Kebijakan Internal Arsitektur SPBE Instansi Pusat/Pemerintah Daerah"
        "<br>2023: tingkat 1 (Rintisan)"
    )
    assert (heat.zmin, heat.zmax) == (0.5, 5.5)
    # lines between domains: after indicators 10, 20 and 31
    lines = [s.y0 for s in fig.layout.shapes if s.name == "domain-boundary"]
    assert lines == [9.5, 19.5, 30.5]


def test_heatmap_leaves_missing_cells_empty(spbe2020):
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    levels = levels[~((levels["year"] == 2023) & (levels["indicator"] == 5))]
    (heat,) = indicator_heatmap(levels, spbe2020).data
    assert math.isnan(heat.z[4][0])
    assert heat.hovertext[4][0].endswith("2023: tidak ada data")


def test_heatmap_refuses_mixed_provenances(spbe2020):
    mixed = pd.concat(
        [
            levels_frame((2023, TERNATE_2023)),
            levels_frame((2024, TERNATE_2024), provenance="mandiri"),
        ]
    )
    with pytest.raises(SpbeError, match="satu provenance"):
        indicator_heatmap(mixed, spbe2020)


def test_domain_waterfall_sums_to_the_end_value():
    steps = domain_changes(official_frame(), "kota-ternate", 2023, 2024)
    (fall,) = waterfall_figure(steps).data
    assert list(fall.measure) == list(steps["measure"])
    assert list(fall.x) == list(steps["label"])
    start, *middle, end = fall.y
    assert start == 1.20 and end == 1.89
    assert start + sum(middle) == pytest.approx(end, abs=1e-12)
    assert list(fall.text) == ["1,20", "+0,104", "±0,000", "±0,000", "+0,587", "−0,001", "1,89"]
    assert fall.hovertext[1] == "Domain 1 — Kebijakan Internal SPBE: +0,104"


def test_indicator_waterfall_sums_to_the_end_value():
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    steps = indicator_changes(levels, "kota-ternate", 2023, 2024, "rekonstruksi")
    (fall,) = waterfall_figure(steps).data
    start, *middle, end = fall.y
    assert (start, end) == (1.2025, 1.894)
    assert start + sum(middle) == pytest.approx(end, abs=1e-12)
    assert len(middle) == 22  # indicators whose level changed
    assert fall.text[0] == "1,20" and fall.text[-1] == "1,89"


def test_opd_bars_show_contribution_and_headroom(spbe2020):
    result = opd_contributions(
        levels_frame((2024, TERNATE_2024)), owners_frame(), opd_frame(), spbe2020
    )
    fig = opd_contribution_figure(result)
    now, next_level, rest = fig.data
    assert list(now.y) == list(result.by_opd["short_name"])
    assert now.y[0] == "Diskomsandi" and now.x[0] == pytest.approx(0.6545)
    assert sum(now.x) == pytest.approx(1.894, abs=1e-12)
    assert list(next_level.x) == pytest.approx(list(result.by_opd["gain_next_level"]))
    # the three parts reach the contribution at level 5: contribution + gain_to_max
    total = [a + b + c for a, b, c in zip(now.x, next_level.x, rest.x)]
    assert total == pytest.approx(
        list(result.by_opd["contribution"] + result.by_opd["gain_to_max"])
    )
    assert rest.name == "Sisa hingga tingkat 5"
    assert "0,655 poin" in now.hovertext[0]
    assert fig.layout.barmode == "stack"


def test_gauge_steps_are_the_bands_and_the_number_is_text(spbe2020):
    fig = gauge_figure(2.5968, spbe2020)
    (gauge,) = fig.data
    steps = [(tuple(s.range), s.color) for s in gauge.gauge.steps]
    assert steps == [
        ((1.0, 1.8), PREDICATE_COLOURS["Kurang"]),
        ((1.8, 2.6), PREDICATE_COLOURS["Cukup"]),
        ((2.6, 3.5), PREDICATE_COLOURS["Baik"]),
        ((3.5, 4.2), PREDICATE_COLOURS["Sangat Baik"]),
        ((4.2, 5.0), PREDICATE_COLOURS["Memuaskan"]),
    ]
    assert tuple(gauge.gauge.axis.range) == (1, 5)
    # shown 2,60 but the band follows the unrounded value
    assert fig.layout.annotations[0].text == "<b>2,60</b><br>Cukup"
    assert gauge_figure(2.60, spbe2020).layout.annotations[0].text == "<b>2,60</b><br>Baik"
    # plotly draws the end labels "1,0" and "5,0" beside the arc: side margins keep them whole
    assert fig.layout.margin.l >= 40 and fig.layout.margin.r >= 40


def test_gauge_for_the_2026_framework_uses_its_own_bands(pemdi):
    (gauge,) = gauge_figure(2.5, pemdi, reference=3.0).data
    assert [tuple(s.range) for s in gauge.gauge.steps][1:3] == [(1.5, 2.5), (2.5, 3.5)]
    assert gauge.gauge.threshold.value == 3.0


def test_a_pemdi_heatmap_says_its_source_is_secondary(pemdi):
    levels = pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "year": 2026,
            "framework": "pemdi-2026",
            "indicator": range(1, 21),
            "level": 2,
            "provenance": "mandiri",
        }
    )
    fig = indicator_heatmap(levels, pemdi)
    assert fig.layout.title.text == "Sumber sekunder: PermenPANRB 8/2026"
    assert fig.data[0].y[4] == "5 · Tata Kelola Data"
