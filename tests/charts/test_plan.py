"""Figures of the planning pages, tested on their data (AppTest only sees a raw spec)."""

from __future__ import annotations

import pandas as pd
import pytest

from spbe.charts.plan import plan_opd_figure, scenario_groups_figure, sensitivity_figure
from spbe.core.costs import default_costs
from spbe.core.formatting import PLOTLY_SEPARATORS
from spbe.core.framework import load_framework
from spbe.core.scenario import Scenario
from spbe.planning.plan import compare_scenarios
from spbe.planning.whatif import sensitivity

JT = 1_000_000


@pytest.fixture(scope="module")
def fw():
    return load_framework("spbe-2020")


@pytest.fixture(scope="module")
def everyone_at_2(fw):
    return dict.fromkeys(fw.indicator_numbers, 2)


def test_sensitivity_shows_the_largest_gains_first(fw, everyone_at_2):
    table = sensitivity(everyone_at_2, fw, default_costs(fw).mapping())
    before = table.copy()
    fig = sensitivity_figure(table, top=8)
    bar = fig.data[0]
    # indicators 42-47 weigh 3,00 (+0,03), then 32-41 weigh 2,75 (+0,0275)
    assert list(bar.y) == [
        "42 · Pengaduan Pelayanan Publik", "43 · Data Terbuka", "44 · JDIH",
        "45 · Layanan Publik Sektor 1", "46 · Layanan Publik Sektor 2",
        "47 · Layanan Publik Sektor 3", "32 · Layanan Perencanaan", "33 · Layanan Penganggaran",
    ]  # fmt: skip
    assert "Indikator 42</b>: Layanan Pengaduan Pelayanan Publik" in bar.hovertext[0]  # full name
    assert list(bar.x[:7]) == [0.03] * 6 + [0.0275]
    assert bar.text[0] == "0,03" and bar.text[6] == "0,0275"  # never rounded to 0,028
    assert fig.layout.separators == PLOTLY_SEPARATORS
    pd.testing.assert_frame_equal(table, before)  # input not modified


def test_sensitivity_per_million_rupiah(fw, everyone_at_2):
    table = sensitivity(everyone_at_2, fw, default_costs(fw).mapping())
    bar = sensitivity_figure(table, per_million=True, top=3).data[0]
    # Perwali 1-10 step 2→3 costs Rp 25 jt for +0,013: 0,00052 per Rp 1 jt, the best ratio
    assert [y.split(" · ")[0] for y in bar.y] == ["1", "2", "3"]
    assert bar.y[0] == "1 · Kebijakan Arsitektur SPBE"
    assert bar.x[0] == pytest.approx(0.013 / 25)
    assert bar.text[0] == "0,00052"
    assert "Rp 25.000.000" in bar.hovertext[0]


def test_plan_cost_per_opd(fw):
    by_opd = pd.DataFrame(
        {"opd": ["Diskomsandi", "BPKAD"], "steps": [3, 1], "indicators": ["1 (2→5)", "24 (1→2)"],
         "cost": [95 * JT, 40 * JT], "index_gain": [0.039, 0.015]}
    )  # fmt: skip
    bar = plan_opd_figure(by_opd).data[0]
    assert list(bar.y) == ["Diskomsandi", "BPKAD"] and list(bar.x) == [95 * JT, 40 * JT]
    assert bar.text[0] == "Rp 95.000.000 · +0,039"


def test_scenarios_side_by_side_per_domain(fw, everyone_at_2):
    base = everyone_at_2
    up = base | dict.fromkeys(range(42, 48), 4)
    scenarios = [
        Scenario("kota-ternate", 2024, fw.id, "Tetap", "ilustrasi", base, base),
        Scenario("kota-ternate", 2024, fw.id, "Layanan publik", "ilustrasi", base, up),
    ]
    comparison = compare_scenarios(scenarios)
    fig = scenario_groups_figure(comparison, fw)
    assert [t.name for t in fig.data] == ["Tetap (Cukup)", "Layanan publik (Cukup)"]
    assert list(fig.data[0].x) == ["Domain 1", "Domain 2", "Domain 3", "Domain 4", "Indeks"]
    # 42-47 to 4: +6 × 2 × 3,00 = +36 points -> domain 4 = (2 × 45,5 + 36) / 45,5; index 2,36
    assert fig.data[1].y[3] == pytest.approx((2 * 45.5 + 36) / 45.5)
    assert fig.data[1].y[4] == pytest.approx(2.36) and fig.data[1].text[4] == "2,36"
    assert [s.name for s in fig.layout.shapes] == ["band:Cukup", "band:Baik", "band:Sangat Baik",
                                                   "band:Memuaskan"]  # fmt: skip


def test_user_given_scenario_names_are_escaped_in_legend_and_hover(fw, everyone_at_2):
    """Markup in a name (from a database written before names were validated) stays text:
    Plotly would turn <a href> in legend text into a live link in an exported SVG."""
    base = everyone_at_2
    comparison = compare_scenarios(
        [
            Scenario("kota-ternate", 2024, fw.id, "Tetap", "ilustrasi", base, base),
            Scenario("kota-ternate", 2024, fw.id, "Naik", "ilustrasi", base, base),
        ]
    )
    comparison.loc[0, "name"] = '<a href="http://contoh">klik</a>'
    fig = scenario_groups_figure(comparison, fw)
    assert fig.data[0].name == "&lt;a href=&quot;http://contoh&quot;&gt;klik&lt;/a&gt; (Cukup)"
    assert all("<a" not in text for text in fig.data[0].hovertext)


def test_the_roadmap_figure_shows_each_year_against_its_budget(fw):
    from spbe.charts.slides import roadmap_figure

    table = pd.DataFrame(
        {
            "year": [2025, 2026],
            "index": [2.229, 2.604],
            "predicate": ["Cukup", "Baik"],
            "cost": [750 * JT, 320 * JT],
            "budget": [750 * JT, 800 * JT],
        }
    )
    bars = roadmap_figure(table, 1.894, "Cukup", 2024, fw).data[0]
    assert list(bars.x) == ["2024", "2025", "2026"]
    assert list(bars.y) == [1.894, 2.229, 2.604]
    assert list(bars.customdata) == [
        "profil awal",
        "Rp 750.000.000 dari Rp 750.000.000",
        "Rp 320.000.000 dari Rp 800.000.000",
    ]
    assert bars.text[-1] == "2,60<br>Baik"
    plain = roadmap_figure(table.drop(columns="budget"), 1.894, "Cukup", 2024, fw).data[0]
    assert plain.customdata[1] == "Rp 750.000.000"  # the plan spread over years: no budget
