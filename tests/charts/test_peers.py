from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from spbe.charts.peers import distribution_figure, peer_ranking_figure
from spbe.charts.style import HIGHLIGHT, PREDICATE_COLOURS
from spbe.core.errors import SpbeError
from spbe.results.published import national_distribution, peer_ranking
from tests.official_rows import official_frame, raw_results


def bars_by_name(fig):
    """{instansi name: (value, predicate colour, outline width)} across the predicate traces."""
    out = {}
    for trace in fig.data:
        widths = np.broadcast_to(trace.marker.line.width, len(trace.y))
        for name, value, width in zip(trace.y, trace.x, widths):
            out[name] = (value, trace.marker.color, width)
    return out


def test_maluku_utara_2024_ranking_bars():
    fig = peer_ranking_figure(peer_ranking(official_frame(), 2024), "kota-ternate", reference=3.12)
    raw = raw_results()
    published = raw[(raw["year"] == 2024) & (raw["province"] == "Maluku Utara")]
    bars = bars_by_name(fig)
    assert {n: v for n, (v, _, _) in bars.items()} == dict(
        zip(published["instansi"], published["index"])
    )
    for name, predicate in zip(published["instansi"], published["predicate"]):
        assert bars[name][1] == PREDICATE_COLOURS[predicate]
    outlined = [n for n, (_, _, width) in bars.items() if width > 0]
    assert outlined == ["Kota Ternate"]
    assert [t.name for t in fig.data] == ["Baik", "Cukup", "Kurang"]  # legend = predicates


def test_ranking_order_and_bold_label_of_the_chosen_instansi():
    ranking = peer_ranking(official_frame(), 2024)
    fig = peer_ranking_figure(ranking, "kota-ternate")
    assert list(fig.layout.yaxis.categoryarray) == list(ranking["instansi_name"])
    assert fig.layout.yaxis.categoryarray[0] == "Kab. Halmahera Utara"
    assert fig.layout.yaxis.autorange == "reversed"  # rank 1 on top
    bold = [t for t in fig.layout.yaxis.ticktext if t.startswith("<b>")]
    assert bold == ["<b>Kota Ternate</b>"]
    cukup = next(t for t in fig.data if t.name == "Cukup")
    assert "1,89" in list(cukup.text)


def test_reference_line_is_labelled_with_a_decimal_comma():
    fig = peer_ranking_figure(peer_ranking(official_frame(), 2024), reference=3.12)
    (line,) = [s for s in fig.layout.shapes if s.name == "reference"]
    assert line.x0 == line.x1 == 3.12
    (label,) = [a for a in fig.layout.annotations if a.text == "Nasional 3,12"]
    # left of the line, inside the plot: "Nasiona" was clipped at the right edge
    assert label.xanchor == "right"


def counts_by_hand(values, width="0.1"):
    """Bin counts by flooring the printed decimal to the bin width."""
    step = Decimal(width)
    bins = {}
    for v in values:
        low = (Decimal(str(v)) / step).to_integral_value(rounding="ROUND_FLOOR") * step
        bins[low] = bins.get(low, 0) + 1
    return bins


def test_distribution_of_all_93_kota_2024(spbe2020):
    table = national_distribution(official_frame(), 2024, instansi_code="kota-ternate")
    fig = distribution_figure(table, spbe2020)
    (bars,) = fig.data
    assert int(sum(bars.y)) == 93
    raw = raw_results()
    kota = raw[(raw["year"] == 2024) & (raw["kind"] == "kota")]
    expected = counts_by_hand(kota["index"])
    got = {
        Decimal(str(round(x - 0.05, 2))).quantize(Decimal("0.1")): int(n)
        for x, n in zip(bars.x, bars.y)
        if n
    }
    assert got == expected
    highlighted = [x for x, c in zip(bars.x, bars.marker.color) if c == HIGHLIGHT]
    assert highlighted == pytest.approx([1.85])  # Ternate 1.89 is in [1,80; 1,90)
    (note,) = [a for a in fig.layout.annotations if "Kota Ternate" in a.text]
    assert note.text == "Kota Ternate 1,89<br>peringkat 92 dari 93 kota"
    assert fig.layout.separators == ",."
    # the label sits above every bar (it covered bars before), counts are whole numbers
    assert note.ayref == "y" and note.ay > max(bars.y) and note.yanchor == "bottom"
    assert fig.layout.yaxis.range[1] > note.ay + 1
    assert fig.layout.yaxis.dtick == 1 or max(bars.y) > 11


def test_a_printed_2_60_falls_in_the_2_60_bin(spbe2020):
    table = national_distribution(official_frame(), 2024, instansi_code="kab-luwu")
    fig = distribution_figure(table, spbe2020)
    (bars,) = fig.data
    highlighted = [x for x, c in zip(bars.x, bars.marker.color) if c == HIGHLIGHT]
    assert highlighted == pytest.approx([2.65])
    assert "2,60–2,69" in [c[0] + "–" + c[1] for c in bars.customdata]


def test_bin_width_must_be_whole_hundredths(spbe2020):
    table = national_distribution(official_frame(), 2024, "provinsi")
    with pytest.raises(SpbeError, match="kelipatan 0,01"):
        distribution_figure(table, spbe2020, bin_width=0.125)


def test_peer_figures_do_not_modify_their_input(spbe2020):
    ranking = peer_ranking(official_frame(), 2023)
    table = national_distribution(official_frame(), 2023, "provinsi", "prov-maluku-utara")
    before = (ranking.copy(), table.copy())
    peer_ranking_figure(ranking, "prov-maluku-utara")
    distribution_figure(table, spbe2020)
    pd.testing.assert_frame_equal(ranking, before[0])
    pd.testing.assert_frame_equal(table, before[1])
