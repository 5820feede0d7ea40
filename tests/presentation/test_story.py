"""The storyline: six slides from the real seeded store (published values, reconstructed levels,
default OPD mapping, illustrative costs), and the pure helpers on hand examples."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from spbe import store
from spbe.charts.slides import projector_figure
from spbe.core.errors import SpbeError
from spbe.core.planner import STEP_COLUMNS, Plan
from spbe.presentation.links import link_choice
from spbe.presentation.plan import number_ranges, opd_plan_table, roadmap
from spbe.presentation.story import SLIDE_KEYS, build_story, indonesian_date
from tests.helpers_app import build_seeded_database

MADE_ON = date(2026, 11, 23)


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    """official results and, per instansi, (levels, opd, owners) from a freshly seeded store."""
    path = build_seeded_database(tmp_path_factory.mktemp("story") / "spbe.duckdb")
    con = store.open_read_only(path)
    try:
        per = {
            code: (
                store.indicator_levels(con, code),
                store.opd_table(con, code),
                store.owner_table(con, code),
            )
            for code in ("kota-ternate", "prov-maluku-utara", "kab-halmahera-timur")
        }
        return store.official_results(con), per
    finally:
        con.close()


def story_of(frames, code, year):
    official, per = frames
    return build_story(official, *per[code], code, year, made_on=MADE_ON)


@pytest.fixture(scope="module")
def ternate(frames):
    return story_of(frames, "kota-ternate", 2024)


def test_six_slides_in_order_with_counter_provenance_and_date(ternate):
    assert [s.key for s in ternate.slides] == list(SLIDE_KEYS)
    assert [s.counter for s in ternate.slides] == [f"{n} / 6" for n in range(1, 7)]
    for slide in ternate.slides:
        assert slide.provenance.startswith(("Resmi KemenPANRB 2024", "Resmi KemenPANRB 2023–2024"))
        assert "Laporan Pelaksanaan Evaluasi SPBE 2024, Tabel 48" in slide.data_line
        assert slide.data_line.endswith("disusun 23 November 2026")
        assert slide.footer == f"{slide.provenance} · {slide.data_line}"
    assert ternate.file_stem == "presentasi-spbe-kota-ternate-2024"


def test_title_slide_states_the_published_index_and_predicate(ternate):
    first = ternate.slides[0]
    assert first.title == "Indeks SPBE Kota Ternate 2024"
    assert first.headline == "1,89 · Cukup"
    facts = {f.label: f.value for f in first.facts}
    # L24 Tabel 48 / L23 Tabel 47: 1,89 − 1,20; national index 2024 (L24 Tabel 4): 3,12
    assert facts["Perubahan sejak 2023"] == "+0,69"
    assert facts["Nasional 2024"] == "3,12"
    assert facts["Peringkat di Maluku Utara"] == "10 dari 11"  # only Halmahera Timur is lower
    assert "+0,71 lagi menuju Baik" in first.points  # 2,60 − 1,89
    assert len(first.figures) == 1


def test_trend_slide_lists_the_published_years_up_to_the_chosen_one(ternate):
    trend = ternate.slides[1]
    assert trend.headline == "+0,69 sejak 2023"
    assert trend.points[:2] == ("2023: 1,20 Kurang", "2024: 1,89 Cukup")
    names = {t.name for t in trend.figures[0].data}
    assert {"Kota Ternate", "Nasional"} <= names
    years = [x for t in trend.figures[0].data if t.name == "Kota Ternate" for x in t.x]
    assert 2025 not in years  # the provisional 2025 value comes after the chosen year


def test_domain_slide_compares_with_national_and_the_province_government(ternate):
    domains = ternate.slides[2]
    # reference §4.1 and §4.2, 2024: Ternate 1,80/1,00/1,00/2,74, national 3,36/2,62/1,86/3,78,
    # Provinsi Maluku Utara 3,00/2,10/1,64/3,30
    assert (
        domains.points[0]
        == "D1 Kebijakan Internal SPBE: 1,80 (Nasional 3,36; Provinsi Maluku Utara 3,00)"
    )
    assert domains.points[3] == "D4 Layanan SPBE: 2,74 (Nasional 3,78; Provinsi Maluku Utara 3,30)"
    # national − Ternate: 1,56 / 1,62 / 0,86 / 1,04 -> domain 2 is the widest gap
    assert domains.headline == "Selisih terbesar: Domain 2 (Tata Kelola SPBE)"
    bars = {t.name: list(t.y) for t in domains.figures[0].data}
    assert bars["Kota Ternate"] == [1.80, 1.00, 1.00, 2.74]
    assert bars["Provinsi Maluku Utara"] == [3.00, 2.10, 1.64, 3.30]


def test_a_province_is_compared_with_the_mean_of_its_kabupaten_kota(frames):
    story = story_of(frames, "prov-maluku-utara", 2024)
    # D1 of the ten kabupaten/kota in 2024 (L24 Tabel 48): 20,80 / 10 = 2,08
    assert story.slides[2].points[0] == (
        "D1 Kebijakan Internal SPBE: 3,00 (Nasional 3,36; Rata-rata 10 kab/kota 2,08)"
    )


def test_gap_slide_shows_the_cheapest_plan_with_illustrative_costs(ternate):
    gap = ternate.slides[3]
    assert gap.title == "Menuju Baik: selisih dan cara termurah"
    assert gap.headline == "+0,71 lagi menuju Baik"
    facts = {f.label: f.value for f in gap.facts}
    assert set(facts) == {"Biaya (Ilustrasi)", "Langkah tingkat", "Indeks sesudah"}
    assert facts["Biaya (Ilustrasi)"].startswith("Rp ")
    assert facts["Indeks sesudah"].endswith("· Baik")
    # the reconstructed 2024 profile: Σ level × weight / 100 = 0,234 + 0,25 + 0,165 + 1,245
    assert gap.points[0].startswith("Dihitung dari profil 1,89 (Cukup)")
    assert "Biaya: Ilustrasi" in gap.provenance and "Rekonstruksi" in gap.provenance
    waterfall = gap.figures[0].data[0]
    assert waterfall.measure[0] == "absolute" and waterfall.measure[-1] == "total"
    assert waterfall.y[0] == pytest.approx(1.894)
    assert waterfall.y[-1] >= 2.60
    assert sum(waterfall.y[1:-1]) == pytest.approx(waterfall.y[-1] - waterfall.y[0])


def test_opd_slide_costs_add_up_to_the_plan(ternate, frames):
    opd_slide, gap = ternate.slides[4], ternate.slides[3]
    total = int(gap.facts[0].value.removeprefix("Rp ").replace(".", ""))
    shown = opd_slide.table["Biaya (Ilustrasi)"]
    assert sum(int(v.removeprefix("Rp ").replace(".", "")) for v in shown if v != "–") == total
    assert opd_slide.table["OPD"].iloc[0] == "Diskomsandi"
    assert "Pemetaan OPD: bawaan lokal, belum dikonfirmasi" in opd_slide.provenance
    assert len(opd_slide.figures) == 1


def test_roadmap_slide_reaches_the_plan_one_step_per_indicator_per_year(ternate):
    road, gap = ternate.slides[5], ternate.slides[3]
    table = road.table
    assert list(table["Tahun"]) == [str(y) for y in range(2025, 2025 + len(table))]
    costs = [int(v.removeprefix("Rp ").replace(".", "")) for v in table["Biaya"]]
    assert sum(costs) == int(gap.facts[0].value.removeprefix("Rp ").replace(".", ""))
    assert table["Indeks"].iloc[-1] == gap.facts[2].value.replace(" · ", " ")
    assert road.headline == f"Baik pada {table['Tahun'].iloc[-1]}"


def _rupiah(text: str) -> int:
    return int(text.removeprefix("Rp ").replace(".", ""))


def test_roadmap_slide_under_an_annual_budget(frames, ternate):
    official, per = frames
    story = build_story(
        official, *per["kota-ternate"], "kota-ternate", 2024, made_on=MADE_ON,
        annual_budgets=750_000_000,
    )  # fmt: skip
    road = story.slides[5]
    assert road.title == "Peta jalan dengan anggaran per tahun"
    table = road.table
    assert list(table.columns) == ["Tahun", "Indikator naik 1 tingkat", "Biaya", "Indeks"]
    assert table["Tahun"].tolist() == ["2025", "2026", "2027"]
    spent = [_rupiah(v) for v in table["Biaya"]]
    assert all(c <= 750_000_000 for c in spent)
    # fewest years: two would need Rp 2.090 jt (at most two steps each) > 2 × Rp 750 jt; the
    # cheapest three-year schedule costs what at most three steps each cost, Rp 1.780 jt
    assert sum(spent) == 1_780_000_000
    assert table["Indeks"].tolist()[-1] == "2,60 Baik"
    assert all(v.endswith("Cukup") for v in table["Indeks"].iloc[:-1])
    assert road.headline == "Baik pada 2027"
    assert road.points[0].startswith("Anggaran Rp 750.000.000 per tahun: tahun paling sedikit")
    assert road.points[1] == (
        "3 tahun, Rp 1.780.000.000; rencana termurah tanpa batas tahunan (slide 4): "
        "Rp 1.760.000.000."
    )
    assert road.provenance.endswith("Anggaran: Rp 750.000.000 per tahun")
    bars = road.figures[0].data[0]
    assert list(bars.x) == ["2024", "2025", "2026", "2027"]
    assert bars.customdata[1] == f"{table['Biaya'].iloc[0]} dari Rp 750.000.000"
    for with_budget, without in zip(story.slides[:5], ternate.slides[:5], strict=True):
        assert (with_budget.headline, with_budget.points) == (without.headline, without.points)
    assert ternate.slides[5].title == "Peta jalan: satu tingkat per indikator per tahun"


def test_roadmap_slide_when_the_budget_is_too_small_or_differs_by_year(frames):
    official, per = frames
    # ten years of Rp 170 jt (Rp 1.700 jt) cannot pay for Baik: even without yearly limits the
    # cheapest way costs Rp 1.760 jt (slide 4)
    small = build_story(
        official, *per["kota-ternate"], "kota-ternate", 2024, made_on=MADE_ON,
        annual_budgets=[170_000_000],
    ).slides[5]  # fmt: skip
    assert small.headline == "Baik belum tercapai dalam 10 tahun"
    assert small.table["Tahun"].tolist() == [str(y) for y in range(2025, 2035)]
    assert all(_rupiah(v) <= 170_000_000 for v in small.table["Biaya"])
    last = small.table["Indeks"].iloc[-1]
    assert last.endswith("Cukup") and last < "2,60"
    index, predicate = last.split(" ", 1)
    assert small.points[2] == (
        f"Dengan anggaran ini indeks tertinggi dalam 10 tahun: {index} ({predicate})."
    )
    varied = build_story(
        official, *per["kota-ternate"], "kota-ternate", 2024, made_on=MADE_ON,
        annual_budgets=[750_000_000, 700_000_000],
    ).slides[5]  # fmt: skip
    spent = [_rupiah(v) for v in varied.table["Biaya"]]
    assert spent[0] <= 750_000_000 and all(c <= 700_000_000 for c in spent[1:])
    assert sum(spent) == 1_780_000_000
    assert "2025: Rp 750.000.000; 2026: Rp 700.000.000" in varied.provenance


def test_a_year_without_levels_still_has_six_slides_with_the_reason(frames):
    story = story_of(frames, "kota-ternate", 2025)  # the provisional self-assessment (N25)
    assert len(story.slides) == 6
    assert story.slides[0].headline == "3,75 · Sangat Baik"
    assert story.slides[0].provenance == "Mandiri — sementara"
    assert "Nilai ini hasil penilaian mandiri, belum diverifikasi." in story.slides[0].points
    assert story.slides[2].figures == ()  # no published domains for 2025
    for slide in story.slides[3:]:
        assert any("Belum ada tingkat lengkap 47 indikator" in p for p in slide.points)
        assert slide.figures == ()


def test_no_opd_mapping_is_said_on_the_opd_slide(frames):
    story = story_of(frames, "kab-halmahera-timur", 2024)
    assert story.slides[4].points == (
        "Pemetaan indikator ke OPD belum ada untuk Kab. Halmahera Timur.",
    )
    assert story.slides[3].figures  # the plan itself needs no mapping


def test_unknown_year_and_instansi_are_refused_in_indonesian(frames):
    with pytest.raises(SpbeError, match="tahun yang tersedia: 2023, 2024, 2025"):
        story_of(frames, "kota-ternate", 2019)
    official, per = frames
    with pytest.raises(SpbeError, match="tidak ada dalam data hasil evaluasi"):
        build_story(official, *per["kota-ternate"], "kota-atlantis", 2024, made_on=MADE_ON)


def test_inputs_are_not_modified(frames):
    official, per = frames
    before = [official.copy(), *(f.copy() for f in per["kota-ternate"])]
    story_of(frames, "kota-ternate", 2024)
    for old, new in zip(before, [official, *per["kota-ternate"]], strict=True):
        pd.testing.assert_frame_equal(old, new)


# -- helpers on hand examples ---------------------------------------------------------------------


def _plan(steps: list[tuple[int, int, int, float, float]], before: float, after: float) -> Plan:
    rows = pd.DataFrame([(*s, None) for s in steps], columns=list(STEP_COLUMNS))
    raises: dict[int, tuple[int, int]] = {}
    for indicator, frm, to, *_ in steps:
        raises[indicator] = (raises.get(indicator, (frm, to))[0], to)
    return Plan(raises, rows, sum(s[3] for s in steps), before, after, "Kurang", "Kurang", True)


def test_roadmap_spreads_cumulative_steps_over_years(spbe2020):
    levels = dict.fromkeys(spbe2020.indicator_numbers, 1)  # index 1,00
    plan = _plan(
        [(32, 1, 2, 100.0, 0.0275), (42, 1, 2, 10.0, 0.03), (42, 2, 3, 20.0, 0.03)], 1.0, 1.0875
    )
    table = roadmap(plan, levels, spbe2020, 2024)
    assert list(table["year"]) == [2025, 2026]
    assert list(table["steps"]) == [2, 1]
    assert list(table["indicators"]) == ["32, 42", "42"]
    assert list(table["cost"]) == [110.0, 20.0]
    # 1 + 2,75/100 + 3/100 = 1,0575; then + 3/100 = 1,0875
    assert list(table["index"]) == [1.0575, 1.0875]
    assert list(table["predicate"]) == ["Kurang", "Kurang"]


def test_number_ranges_and_dates():
    assert number_ranges([8, 1, 2, 3, 5, 7, 3]) == "1–3, 5, 7–8"
    assert number_ranges([]) == ""
    assert indonesian_date(date(2025, 9, 1)) == "1 September 2025"


def test_link_choice_accepts_code_or_name_and_reports_bad_values():
    table = pd.DataFrame({"code": ["kota-ternate"], "name": ["Kota Ternate"]})
    assert link_choice({"instansi": "kota  TERNATE", "tahun": "2024"}, table) == (
        "kota-ternate", 2024, ()
    )  # fmt: skip
    assert link_choice({"instansi": ["x", "kota-ternate"]}, table) == ("kota-ternate", None, ())
    code, year, notes = link_choice({"instansi": "Kota Atlantis", "tahun": "20x4"}, table)
    assert (code, year) == (None, None)
    assert notes == (
        "Instansi 'Kota Atlantis' pada tautan tidak dikenal; memakai pilihan sidebar.",
        "Tahun '20x4' pada tautan tidak valid; memakai pilihan sidebar.",
    )
    assert link_choice({}, table) == (None, None, ())


def test_projector_figure_enlarges_type_without_touching_the_original(ternate):
    import plotly.graph_objects as go

    original = go.Figure(go.Bar(x=[1], y=[2]), layout=dict(title="judul"))
    original.add_annotation(text="catatan", font=dict(size=10))
    big = projector_figure(original, height=400)
    assert big.layout.font.size == 18 and big.layout.height == 400
    assert big.layout.annotations[0].font.size == 15  # 10 × 18/12
    assert big.layout.title.text is None
    assert original.layout.annotations[0].font.size == 10 and original.layout.title.text == "judul"


def test_opd_plan_table_splits_joint_steps_evenly(ternate, frames):
    from spbe.core.costs import default_costs
    from spbe.core.framework import load_framework
    from spbe.core.planner import cheapest_plan
    from spbe.results.contributions import opd_contributions

    _, per = frames
    levels, opd, owners = per["kota-ternate"]
    profile = levels[levels["year"] == 2024]
    fw = load_framework("spbe-2020")
    contributions = opd_contributions(profile, owners, opd, fw)
    mapping = dict(zip(profile["indicator"], profile["level"]))
    plan = cheapest_plan(mapping, "Baik", fw, default_costs(fw).mapping())
    table = opd_plan_table(contributions, plan)
    assert table["plan_cost"].sum() == pytest.approx(plan.total_cost)
    # indicator 3 is led by Bappelitbangda and Diskomsandi: each gets its steps, half the cost
    joint = plan.steps[plan.steps["indicator"] == 3]
    by_code = table.set_index("opd_code")
    assert "3" in by_code.loc["bappeda", "plan_indicators"].split(", ")
    assert "1–10" in by_code.loc["kominfo", "plan_indicators"]
    assert len(joint) and (by_code.loc["bappeda", "plan_steps"] >= len(joint))


def test_presentation_choice_link_then_sidebar_then_previous():
    from spbe.presentation.links import presentation_choice

    table = pd.DataFrame({"code": ["kota-ternate", "prov-x"], "name": ["Kota Ternate", "Prov X"]})
    mine = {"instansi": "kota-ternate", "tahun": "2024"}
    sidebar = ("kota-ternate", 2024)
    # first visit from the dashboard: the sidebar's choice
    assert presentation_choice({}, None, table, sidebar, None, None) == (sidebar, ())
    # a link someone opened wins over the sidebar, even when the sidebar did not change
    link = {"instansi": "Prov X", "tahun": "2023"}
    assert presentation_choice(link, mine, table, sidebar, sidebar, sidebar) == (
        ("prov-x", 2023),
        (),
    )
    # the page's own parameters are not a link: the previous choice stays ...
    own = {"instansi": "prov-x", "tahun": "2023"}
    assert presentation_choice(own, own, table, sidebar, sidebar, ("prov-x", 2023)) == (
        ("prov-x", 2023), ()
    )  # fmt: skip
    # ... until the sidebar changes
    later = ("kota-ternate", 2023)
    assert presentation_choice(own, own, table, later, sidebar, ("prov-x", 2023)) == (later, ())
    # half a link completes from the sidebar; without any filters it cannot
    assert presentation_choice({"tahun": "2023"}, None, table, sidebar, None, None) == (
        ("kota-ternate", 2023), ()
    )  # fmt: skip
    assert presentation_choice({"tahun": "2023"}, None, table, None, None, None) == (
        None, ("Tautan presentasi perlu ?instansi=…&tahun=….",)
    )  # fmt: skip
