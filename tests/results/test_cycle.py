"""The self-assessment track: years offered, the recomputed index beside the official one, and
the gap to the verified result — values computed by hand from PermenPANRB 59/2020 weights
(domains 13 %, 25 %, 16,5 %, 45,5 % of the index)."""

from datetime import datetime

import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.results.cycle import (
    available_years,
    gap_table,
    news_figure,
    self_assessment,
    self_assessment_note,
    track_table,
)
from tests.official_rows import official_frame


def _levels(code: str, year: int, profile: dict[int, int], framework="spbe-2020", prov="mandiri"):
    return pd.DataFrame(
        {
            "instansi_code": code,
            "year": year,
            "framework": framework,
            "indicator": list(profile),
            "level": list(profile.values()),
            "provenance": prov,
            "note": None,
        }
    )


def _profiles(levels: pd.DataFrame, when=datetime(2025, 8, 20, 9, 30)) -> pd.DataFrame:
    out = (
        levels.groupby(["instansi_code", "year", "framework", "provenance"])
        .size()
        .rename("n_indicators")
        .reset_index()
    )
    out["last_import"] = when
    return out


D1_AT_4 = {n: (4 if n <= 10 else 3) for n in range(1, 48)}  # domain 1 is indicators 1-10


def test_the_self_assessment_is_recomputed_from_stored_levels():
    levels = _levels("kota-ternate", 2025, D1_AT_4)
    assessed = self_assessment(levels, _profiles(levels), "kota-ternate", 2025)
    # 4 × 13 % + 3 × 87 % = 0,52 + 2,61 = 3,13 -> Baik (2,6 ≤ 3,13 < 3,5)
    assert assessed.index == pytest.approx(3.13)
    assert assessed.index_text == "3,13"
    assert assessed.predicate == "Baik"
    assert assessed.domains == pytest.approx({1: 4.0, 2: 3.0, 3: 3.0, 4: 3.0})
    assert assessed.label == "Mandiri — sementara"
    assert assessed.last_import == datetime(2025, 8, 20, 9, 30)


def test_stored_levels_win_over_the_news_figure_and_say_so():
    official = official_frame()
    levels = _levels("kota-ternate", 2025, D1_AT_4)
    assessed = self_assessment(levels, _profiles(levels), "kota-ternate", 2025)
    news = news_figure(official, "kota-ternate", 2025)
    assert float(news["index_value"]) == 3.75
    note = self_assessment_note(assessed, news)
    assert "Dihitung dari 47 tingkat indikator penilaian mandiri" in note
    assert "impor terakhir 20-08-2025" in note
    assert "Angka 3,75 dari sumber lain" in note and "tidak dipakai" in note


def test_an_incomplete_profile_is_not_scored():
    levels = _levels("kota-ternate", 2025, {n: 3 for n in range(1, 20)})
    assert self_assessment(levels, _profiles(levels), "kota-ternate", 2025) is None


def test_every_year_with_any_data_is_offered_newest_first_with_its_instrument():
    official = official_frame()
    levels = pd.concat(
        [
            _levels("kota-ternate", 2026, {n: 2 for n in range(1, 21)}, framework="pemdi-2026"),
            _levels("kota-ternate", 2024, D1_AT_4, prov="rekonstruksi"),
        ]
    )
    options = available_years(official, _profiles(levels), "kota-ternate")
    assert [o.year for o in options] == [2026, 2025, 2024, 2023]
    assert options[0].instrument == "PermenPANRB 8/2026 (sumber sekunder)"
    assert options[0].what == ("penilaian mandiri",)
    assert options[1].what == ("penilaian mandiri",)  # the news figure
    assert options[2].instrument == "PermenPANRB 59/2020"
    assert options[2].what == ("hasil resmi", "tingkat indikator")
    assert options[0].label == "2026 · PermenPANRB 8/2026 (sumber sekunder)"


def test_the_gap_to_the_published_2024_domains_by_hand():
    """Ternate 2024 published 1,80 / 1,00 / 1,00 / 2,74 (index 1,89); a self-assessment with
    every indicator at 2 gives 2,00 in each domain."""
    official = official_frame()
    levels = _levels("kota-ternate", 2024, dict.fromkeys(range(1, 48), 2))
    assessed = self_assessment(levels, _profiles(levels), "kota-ternate", 2024)
    row = official[(official["instansi_code"] == "kota-ternate") & (official["year"] == 2024)]
    table = gap_table(assessed, row.iloc[0], None, {1: "Diskomsandi"})
    assert table["level"].tolist() == ["domain"] * 4
    assert table["difference"].tolist() == pytest.approx([-0.20, -1.00, -1.00, 0.74])
    # × 13 %, 25 %, 16,5 %, 45,5 %
    assert table["index_points"].tolist() == pytest.approx([-0.026, -0.25, -0.165, 0.3367])
    # 1,80×0,13 + 1×0,25 + 1×0,165 + 2,74×0,455 = 1,8957 (printed 1,89), minus 2,00
    assert table["index_points"].sum() == pytest.approx(1.8957 - 2.0)
    assert table["opd"].iloc[0] == "Diskomsandi"


def test_with_official_levels_the_gap_goes_down_to_each_indicator():
    levels = _levels("kota-ternate", 2025, D1_AT_4)
    assessed = self_assessment(levels, _profiles(levels), "kota-ternate", 2025)
    verified = dict(D1_AT_4) | {1: 2, 45: 2}  # the assessors took indicator 1 to 2, 45 to 2
    table = gap_table(assessed, None, verified, {45: "DPMPTSP"})
    rows = table[table["level"] == "indikator"].set_index("number")
    assert rows.loc[1, "difference"] == -2 and rows.loc[45, "difference"] == -1
    assert rows.loc[45, "opd"] == "DPMPTSP"
    # the indicators' effects add up to the domains' effects (the same weights, split finer)
    assert rows["index_points"].sum() == pytest.approx(
        table[table["level"] == "domain"]["index_points"].sum()
    )
    assert (rows.drop(index=[1, 45])["difference"] == 0).all()


def test_no_official_result_gives_a_clear_message():
    levels = _levels("kota-ternate", 2025, D1_AT_4)
    assessed = self_assessment(levels, _profiles(levels), "kota-ternate", 2025)
    with pytest.raises(SpbeError, match="Belum ada hasil resmi"):
        gap_table(assessed, None, None)


def test_the_track_lists_self_assessments_beside_official_results():
    official = official_frame()
    levels = pd.concat(
        [
            _levels("kota-ternate", 2024, dict.fromkeys(range(1, 48), 2)),
            _levels("kota-ternate", 2025, D1_AT_4),
        ]
    )
    table = track_table(official, levels, _profiles(levels), "kota-ternate")
    assert table["year"].tolist() == [2025, 2024]
    assert table["self_index"].tolist() == pytest.approx([3.13, 2.0])  # stored levels win
    assert set(table["source"]) == {"tingkat indikator tersimpan"}
    assert pd.isna(table["official_index"].iloc[0])  # 2025 not published
    assert table["official_index"].iloc[1] == 1.89
    assert table["difference"].iloc[1] == pytest.approx(-0.11)


def test_the_track_lists_a_news_figure_where_no_levels_are_stored():
    official = official_frame()
    empty = _levels("kota-ternate", 2024, {})
    table = track_table(official, empty, _profiles(empty), "kota-ternate")
    assert table["year"].tolist() == [2025]  # 3,75 from terbitmalut.com, not published
    row = table.iloc[0]
    assert (row["self_index"], row["self_predicate"]) == (3.75, "Sangat Baik")  # 3,5 ≤ 3,75 < 4,2
    assert row["source"].startswith("sumber lain: ") and pd.isna(row["official_index"])


# -- a self-assessment still being collected, and official levels not yet published ------------


def test_a_partial_self_assessment_is_completed_with_the_latest_earlier_profile():
    earlier = pd.concat(
        [
            _levels("kota-ternate", 2023, dict.fromkeys(range(1, 48), 1), prov="rekonstruksi"),
            _levels("kota-ternate", 2024, dict.fromkeys(range(1, 48), 2), prov="rekonstruksi"),
        ]
    )
    sent = _levels("kota-ternate", 2025, {1: 4, 2: 4, 11: 5})  # two OPDs' parts so far
    levels = pd.concat([earlier, sent], ignore_index=True)
    profiles = _profiles(levels)
    assert self_assessment(levels, profiles, "kota-ternate", 2025) is None  # complete only
    assessed = self_assessment(levels, profiles, "kota-ternate", 2025, fill=True)
    # 2 everywhere (2024) = 2,00; +2 levels × 1,3 % on 1 and 2, +3 levels × 2,5 % on 11:
    # 2 + 0,026 + 0,026 + 0,075 = 2,127 -> Cukup
    assert assessed.index == pytest.approx(2.127)
    assert assessed.predicate == "Cukup"
    assert (assessed.submitted, assessed.complete) == (3, False)
    assert assessed.carried_from == "2024 · Rekonstruksi"
    assert assessed.levels[1] == 4 and assessed.levels[3] == 2
    note = self_assessment_note(assessed, None)
    assert "3 dari 47 indikator" in note and "44 indikator yang belum masuk" in note
    assert "tingkat 2024 · Rekonstruksi" in note


def test_without_an_earlier_profile_a_partial_self_assessment_is_not_scored():
    sent = _levels("kota-ternate", 2025, {1: 4, 2: 4})
    other_framework = _levels(
        "kota-ternate", 2024, dict.fromkeys(range(1, 48), 2), framework="x", prov="rekonstruksi"
    )
    levels = pd.concat([sent, other_framework], ignore_index=True)
    assert self_assessment(levels, _profiles(levels), "kota-ternate", 2025, fill=True) is None


def test_official_levels_before_publication_are_labelled_so():
    from spbe.results.cycle import unpublished_official

    official = official_frame()
    levels = _levels("kota-ternate", 2025, D1_AT_4, prov="resmi")
    found = unpublished_official(official, levels, _profiles(levels), "kota-ternate", 2025)
    assert found.label == "Resmi (belum dipublikasikan)"
    assert found.index == pytest.approx(3.13)  # as in the first test
    options = {o.year: o for o in available_years(official, _profiles(levels), "kota-ternate")}
    # 2025 also has the news figure (a self-assessment published in the press)
    assert options[2025].what == ("penilaian mandiri", "tingkat resmi (belum dipublikasikan)")
    published = _levels("kota-ternate", 2024, D1_AT_4, prov="resmi")
    assert (
        unpublished_official(official, published, _profiles(published), "kota-ternate", 2024)
        is None
    )
