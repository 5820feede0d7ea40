import pandas as pd
import pytest

from spbe.charts.results import RPJMN_TARGET, domain_trend_figure, trend_figure
from spbe.core.errors import SpbeError
from spbe.core.formatting import PLOTLY_SEPARATORS
from tests.official_rows import NATIONAL, official_frame


def traces(fig, code, status="final", column="index_value"):
    return [
        t
        for t in fig.data
        if t.meta["instansi_code"] == code
        and t.meta["status"] == status
        and t.meta["column"] == column
    ]


def points(trace):
    return [(x, y) for x, y in zip(trace.x, trace.y) if y is not None]


def test_trend_traces_carry_the_published_values():
    fig = trend_figure(official_frame(), ["kota-ternate", "prov-maluku-utara"])
    assert fig.layout.separators == PLOTLY_SEPARATORS
    (ternate,) = traces(fig, "kota-ternate")
    assert points(ternate) == [(2023, 1.20), (2024, 1.89)]
    (province,) = traces(fig, "prov-maluku-utara")
    assert points(province) == [(2022, 2.47), (2023, 2.49), (2024, 2.69)]
    (national,) = traces(fig, "nasional")
    assert points(national) == [(year, values[0]) for year, values in NATIONAL.items()]
    assert national.line.dash == "dash"


def test_provisional_2025_is_an_open_marker_on_a_dotted_line():
    fig = trend_figure(official_frame(), ["kota-ternate"], national_code=None)
    (provisional,) = traces(fig, "kota-ternate", "provisional")
    assert points(provisional) == [(2025, 3.75)]
    assert provisional.marker.symbol == ("circle-open",)
    assert provisional.name == "Kota Ternate (sementara)"
    assert "Mandiri — sementara" in provisional.customdata[0]
    (connector,) = traces(fig, "kota-ternate", "connector")
    assert points(connector) == [(2024, 1.89), (2025, 3.75)]
    assert connector.line.dash == "dot" and connector.hoverinfo == "skip"


def test_older_instrument_points_are_marked_and_the_line_breaks():
    fig = trend_figure(official_frame(), ["kota-ternate"])
    (national,) = traces(fig, "nasional")
    # 2018–2020 (PermenPANRB 5/2018) diamonds, a gap, then circles from 2021
    assert list(national.x) == [2018, 2019, 2020, None, 2021, 2022, 2023, 2024]
    assert list(national.marker.symbol[:3]) == ["diamond"] * 3
    assert set(national.marker.symbol[4:]) == {"circle"}
    assert national.customdata[0][4] == "PermenPANRB 5/2018"
    boundaries = [s for s in fig.layout.shapes if s.name == "instrument-boundary"]
    assert [(s.x0, s.x1) for s in boundaries] == [(2020.5, 2020.5)]
    labels = [a.text for a in fig.layout.annotations]
    assert "Instrumen PermenPANRB 5/2018" in labels
    assert "Instrumen PermenPANRB 59/2020" in labels


def test_bands_are_shaded_at_the_regulation_edges_and_the_target_is_drawn(spbe2020):
    fig = trend_figure(official_frame(), ["kota-ternate"])
    bands = [s for s in fig.layout.shapes if s.name.startswith("band:")]
    assert [(s.y0, s.y1) for s in bands] == [
        (1.0, 1.8),
        (1.8, 2.6),
        (2.6, 3.5),
        (3.5, 4.2),
        (4.2, 5.0),
    ]
    assert {(s.x0, s.x1) for s in bands} == {(2017.5, 2025.5)}  # one instrument's bands
    (target,) = [s for s in fig.layout.shapes if s.name == "target"]
    assert target.y0 == target.y1 == RPJMN_TARGET == 2.60
    assert "Target RPJMN 2020–2024: 2,60" in [a.text for a in fig.layout.annotations]


def test_hover_texts_use_a_decimal_comma_and_the_provenance():
    fig = trend_figure(official_frame(), ["kota-ternate"], national_code=None, target=None)
    (ternate,) = traces(fig, "kota-ternate")
    assert list(ternate.customdata[1]) == [
        "2024",
        "1,89",
        "Cukup",
        "Resmi KemenPANRB 2024",
        "PermenPANRB 59/2020",
    ]
    assert not [s for s in fig.layout.shapes if s.name == "target"]


def test_unknown_instansi_is_refused():
    with pytest.raises(SpbeError, match="Tidak ada hasil evaluasi untuk: kota-atlantis"):
        trend_figure(official_frame(), ["kota-atlantis"])


def test_domain_small_multiples(spbe2020):
    fig = domain_trend_figure(official_frame(), ["kota-ternate", "prov-maluku-utara"])
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:4] == [f"Domain {d.number}: {d.name}" for d in spbe2020.domains]
    d4_ternate = traces(fig, "kota-ternate", column="domain_4")[0]
    assert points(d4_ternate) == [(2023, 1.45), (2024, 2.74)]
    d3_province = traces(fig, "prov-maluku-utara", column="domain_3")[0]
    assert points(d3_province) == [(2023, 1.00), (2024, 1.64)]  # 2022: index only
    d4_national = traces(fig, "nasional", column="domain_4")[0]
    assert points(d4_national) == [(y, v[4]) for y, v in NATIONAL.items()]
    assert list(d4_national.marker.symbol[:3]) == ["diamond"] * 3
    d3_national = traces(fig, "nasional", column="domain_3")[0]
    assert [x for x, _ in points(d3_national)] == [2021, 2022, 2023, 2024]  # no D3 in 5/2018
    bands = [s for s in fig.layout.shapes if s.name.startswith("band:")]
    assert len(bands) == 4 * len(spbe2020.bands)
    assert sorted({s.y0 for s in bands}) == [1.0, 1.8, 2.6, 3.5, 4.2]
    assert sorted({(s.xref, s.yref) for s in bands}) == [
        ("x domain", "y"),
        ("x2 domain", "y2"),
        ("x3 domain", "y3"),
        ("x4 domain", "y4"),
    ]  # five bands behind each of the four small plots
    assert sum(t.showlegend is not False for t in fig.data) == 3  # one legend entry per series


def test_figures_do_not_modify_their_input():
    official = official_frame()
    before = official.copy()
    trend_figure(official, ["kota-ternate", "prov-maluku-utara"])
    domain_trend_figure(official, ["kota-ternate"])
    pd.testing.assert_frame_equal(official, before)
