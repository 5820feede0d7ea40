from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index
from spbe.core.scoring import (
    ScoringError,
    index_value,
    next_band,
    predicate,
    predicate_scaled,
    score,
    score_profile,
)
from tests.conftest import ROOT


def long_frame(profile: dict[int, int], instansi="Kota Ternate", year=2024) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instansi": instansi,
            "year": year,
            "indicator": list(profile),
            "level": list(profile.values()),
        }
    )


def flat(fw, level=1, **overrides) -> dict[int, int]:
    profile = dict.fromkeys(fw.indicator_numbers, level)
    profile.update({int(k.removeprefix("i")): v for k, v in overrides.items()})
    return profile


# -- the regulation's worked examples (R59 BAB II.B) --------------------------------------------


def test_aspect_index_example_3_4_3_2_gives_3_00(spbe2020):
    result = score_profile(flat(spbe2020, i11=3, i12=4, i13=3, i14=2), spbe2020)
    assert result["aspect_2"] == 3.0


def test_domain_index_example_aspects_3_4_3_give_3_40(spbe2020):
    levels = flat(spbe2020)
    levels.update({i: 3 for i in range(11, 15)} | {i: 4 for i in range(15, 19)} | {19: 3, 20: 3})
    result = score_profile(levels, spbe2020)
    assert (result["aspect_2"], result["aspect_3"], result["aspect_4"]) == (3.0, 4.0, 3.0)
    assert result["domain_2"] == pytest.approx(3.40, abs=1e-12)


def test_index_example_domains_3_70_3_40_3_00_3_20_give_3_28(spbe2020):
    domains = pd.DataFrame(
        {"domain_1": [3.70], "domain_2": [3.40], "domain_3": [3.00], "domain_4": [3.20]}
    )
    value = index_from_domains(domains, spbe2020).iloc[0]
    assert value == pytest.approx(3.282)  # (48.1 + 85 + 49.5 + 145.6) / 100
    assert format_index(value) == "3,28"


def test_index_and_domains_by_hand(spbe2020):
    # D1: seven 4s and three 3s -> 3.70; D3 all 3; D4 all 2; D2 as in the example (3.40)
    levels = flat(spbe2020, 3)
    levels.update(
        {i: 4 for i in range(1, 8)} | {i: 4 for i in range(15, 19)} | {i: 2 for i in range(32, 48)}
    )
    result = score_profile(levels, spbe2020)
    assert result["domain_1"] == pytest.approx(3.70, abs=1e-12)
    assert result["domain_2"] == pytest.approx(3.40, abs=1e-12)
    assert result["domain_3"] == 3.0
    assert result["domain_4"] == 2.0
    # (3.7*13 + 3.4*25 + 3*16.5 + 2*45.5) / 100 = 2.736
    assert result["index"] == pytest.approx(2.736, abs=1e-12)
    assert result["predicate"] == "Baik"


@pytest.mark.parametrize(("level", "expected", "name"), [(1, 1.0, "Kurang"), (5, 5.0, "Memuaskan")])
def test_flat_profiles_in_both_frameworks(spbe2020, pemdi, level, expected, name):
    for fw in (spbe2020, pemdi):
        result = score(long_frame(flat(fw, level)), fw).iloc[0]
        assert result["index"] == expected
        assert result["predicate"] == name
        assert format_index(result["index"]) == f"{expected:.2f}".replace(".", ",")


def test_pemdi_profile_by_hand(pemdi):
    # all 3, indicator 20 (weight 15) at 5: 3 + 2*15/100 = 3.30 Baik;
    # aspect 7 = (3*10 + 5*15)/25 = 4.2
    result = score(long_frame(flat(pemdi, 3, i20=5), year=2026), pemdi).iloc[0]
    assert result["index"] == pytest.approx(3.30, abs=1e-12)
    assert result["predicate"] == "Baik"
    assert result["aspect_7"] == pytest.approx(4.2, abs=1e-12)
    assert not [c for c in result.index if c.startswith("domain_")]


# -- bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize("framework_id", ["spbe-2020", "pemdi-2026"])
def test_every_band_edge_is_inclusive_below(framework_id, spbe2020, pemdi):
    fw = spbe2020 if framework_id == "spbe-2020" else pemdi
    for below, band in zip(fw.bands, fw.bands[1:]):
        edge = float(band.lower)
        assert predicate(edge, fw) == band.name
        assert predicate(edge - 0.0001, fw) == below.name
        assert predicate(edge + 0.0001, fw) == band.name
    assert predicate(1.0, fw) == "Kurang"
    assert predicate(5.0, fw) == "Memuaskan"


def test_expected_bands_of_each_framework(spbe2020, pemdi):
    assert [predicate(x, spbe2020) for x in (1.79, 1.8, 2.59, 2.6, 3.49, 3.5, 4.19, 4.2)] == [
        "Kurang",
        "Cukup",
        "Cukup",
        "Baik",
        "Baik",
        "Sangat Baik",
        "Sangat Baik",
        "Memuaskan",
    ]
    assert [predicate(x, pemdi) for x in (1.49, 1.5, 2.49, 2.5, 3.99, 4.0)] == [
        "Kurang",
        "Cukup",
        "Cukup",
        "Baik",
        "Sangat Baik",
        "Memuaskan",
    ]


def test_published_2024_edge_cases_follow_the_unrounded_index(spbe2020):
    # Kab. Luwu: printed 2,60 Cukup (2,5968); Kab. Pacitan 3,50 Baik (3,4986);
    # Kab. Nias Barat 1,80 Kurang
    cases = {2.5968: ("2,60", "Cukup"), 3.4986: ("3,50", "Baik"), 1.7985: ("1,80", "Kurang")}
    for value, (printed, band) in cases.items():
        assert (format_index(value), predicate(value, spbe2020)) == (printed, band)


def test_naive_float_chain_just_below_an_edge_still_gets_the_band(spbe2020):
    assert 0.1 + 0.2 != 0.3  # floats are not exact
    assert predicate(2.5999999999999996, spbe2020) == "Baik"


def _profiles_with_exact_index(fw, target_scaled, count, seed=7):
    rng = np.random.default_rng(seed)
    weights = np.array([fw.weight_int(n) for n in fw.indicator_numbers])
    found = []
    while len(found) < count:
        batch = rng.integers(1, 6, size=(200_000, len(weights)))
        found += [row for row in batch[batch @ weights == target_scaled]]
    return found[:count]


def test_many_profiles_with_an_exact_2_60_are_all_baik(spbe2020):
    fw = spbe2020
    profiles = _profiles_with_exact_index(fw, 26_000, 60)
    frame = pd.concat(
        [
            long_frame(dict(zip(fw.indicator_numbers, map(int, p))), instansi=f"P{k}")
            for k, p in enumerate(profiles)
        ]
    )
    result = score(frame, fw)
    assert len(result) == 60
    assert (result["index"] == 2.6).all()
    assert (result["predicate"] == "Baik").all()
    # the hazard is real: summing float weights in order lands below 2.6 for some of these profiles
    naive = [
        sum(int(lv) * float(fw.indicator(n).weight) / 100 for n, lv in zip(fw.indicator_numbers, p))
        for p in profiles
    ]
    assert any(v < 2.6 for v in naive)
    assert all(
        index_value(dict(zip(fw.indicator_numbers, map(int, p))), fw) == 2.6 for p in profiles
    )


def test_next_band_and_gap(spbe2020):
    band, gap = next_band(1.89, spbe2020)
    assert band.name == "Baik"
    assert format_index(gap) == "0,71"
    band, gap = next_band(2.5968, spbe2020)
    assert band.name == "Baik" and gap == pytest.approx(0.0032)
    assert next_band(4.5, spbe2020) is None


# -- many groups, output shape, no mutation ------------------------------------------------------


def test_several_groups_keep_their_order_and_values(spbe2020):
    frame = pd.concat(
        [
            long_frame(flat(spbe2020, 2), "Kota Ternate", 2024),
            long_frame(flat(spbe2020, 1), "Kota Ternate", 2023),
            long_frame(flat(spbe2020, 4), "Provinsi Maluku Utara", 2024),
        ]
    ).sample(frac=1, random_state=3)  # shuffled rows
    result = score(frame, spbe2020).set_index(["instansi", "year"])
    assert result.loc[("Kota Ternate", 2024), "index"] == 2.0
    assert result.loc[("Kota Ternate", 2023), "predicate"] == "Kurang"
    assert result.loc[("Provinsi Maluku Utara", 2024), "predicate"] == "Sangat Baik"
    expected_columns = (
        ["index", "predicate"]
        + [f"aspect_{n}" for n in range(1, 9)]
        + [f"domain_{n}" for n in range(1, 5)]
    )
    assert list(result.columns) == expected_columns


def test_score_does_not_mutate_its_input(spbe2020):
    frame = long_frame(flat(spbe2020, 3, i5=5)).astype({"level": "int64"})
    before = frame.copy(deep=True)
    score(frame, spbe2020)
    pd.testing.assert_frame_equal(frame, before)
    profile = flat(spbe2020, 2)
    snapshot = dict(profile)
    index_value(profile, spbe2020)
    assert profile == snapshot


# -- errors -------------------------------------------------------------------------------------


def _error(frame, fw) -> str:
    with pytest.raises(ScoringError) as err:
        score(frame, fw)
    assert isinstance(err.value, SpbeError)
    return str(err.value)


def test_missing_indicator_is_named(spbe2020):
    frame = long_frame(flat(spbe2020, 2))
    message = _error(frame[frame["indicator"] != 12], spbe2020)
    assert "Kota Ternate, tahun 2024, indikator 12: tidak ada nilainya" in message


@pytest.mark.parametrize("bad", [48, 0, -1])
def test_unknown_indicator_is_named(spbe2020, bad):
    frame = pd.concat([long_frame(flat(spbe2020, 2)), long_frame({bad: 3})])
    message = _error(frame, spbe2020)
    assert f"Kota Ternate, tahun 2024, indikator {bad}: nomor indikator tidak dikenal" in message


def test_duplicate_rows_are_named(spbe2020):
    frame = pd.concat([long_frame(flat(spbe2020, 2)), long_frame({7: 2})])
    assert "Kota Ternate, tahun 2024, indikator 7: baris ganda" in _error(frame, spbe2020)


@pytest.mark.parametrize("bad", [0, 6, 2.5, float("nan"), "3", True, None])
def test_level_that_is_not_an_integer_1_to_5_is_named(spbe2020, bad):
    frame = long_frame(flat(spbe2020, 2)).astype({"level": object})
    frame.loc[frame["indicator"] == 9, "level"] = bad
    message = _error(frame, spbe2020)
    assert "Kota Ternate, tahun 2024, indikator 9: tingkat" in message
    assert "harus bilangan bulat 1–5" in message


def test_float_levels_that_are_whole_numbers_are_accepted(spbe2020):
    frame = long_frame(flat(spbe2020, 2)).astype({"level": float})
    assert score(frame, spbe2020).iloc[0]["index"] == 2.0


def test_all_problems_are_listed_at_once(spbe2020):
    frame = long_frame(flat(spbe2020, 2)).astype({"level": object})
    frame.loc[frame["indicator"] == 3, "level"] = 7
    frame.loc[frame["indicator"] == 4, "level"] = "x"
    with pytest.raises(ScoringError) as err:
        score(frame, spbe2020)
    assert len(err.value.problems) == 2


def test_missing_column_is_named(spbe2020):
    frame = long_frame(flat(spbe2020, 2)).drop(columns="level")
    assert "Kolom wajib tidak ada: level" in _error(frame, spbe2020)


def test_index_value_rejects_incomplete_profiles(spbe2020):
    profile = flat(spbe2020, 2)
    del profile[30]
    with pytest.raises(ScoringError, match="indikator 30: tidak ada nilainya"):
        index_value(profile, spbe2020)
    with pytest.raises(ScoringError, match="indikator 5: tingkat 9"):
        index_value(flat(spbe2020, 2, i5=9), spbe2020)


# -- the published national results ---------------------------------------------------------------


def index_from_domains(domains: pd.DataFrame, framework) -> pd.Series:
    """Index recomputed from (published, rounded) ``domain_<n>`` columns: Σ domain·weight / 100."""
    total = sum(domains[f"domain_{d.number}"] * float(d.weight) for d in framework.domains)
    return total / 100


@pytest.fixture(scope="module")
def national():
    return pd.read_csv(ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv")


def test_national_results_file_is_complete(national):
    assert len(national) == 1236
    assert national["year"].value_counts().to_dict() == {2023: 621, 2024: 615}
    assert (national["check"] == "ok").sum() == 1233


def test_every_complete_published_index_is_recomputed_from_its_domains(national, spbe2020):
    complete = national[national["check"] == "ok"]
    recomputed = index_from_domains(complete, spbe2020)
    worst = (recomputed - complete["index"]).abs().max()
    assert len(complete) == 1233
    assert worst <= 0.011
    # …and the published predicate agrees with the recomputed index wherever it is not at an edge
    clear = (recomputed - complete["index"]).abs() < 0.006
    away_from_edges = ~complete["index"].isin([float(b.lower) for b in spbe2020.bands])
    rows = complete[clear & away_from_edges]
    assert (rows["index"].map(lambda v: predicate(v, spbe2020)) == rows["predicate"]).mean() > 0.99


def test_ternate_and_maluku_utara_published_values(national, spbe2020):
    rows = national.set_index(["instansi", "year"])
    assert rows.loc[("Kota Ternate", 2024), "index"] == 1.89
    assert rows.loc[("Kota Ternate", 2024), "predicate"] == "Cukup"
    assert rows.loc[("Provinsi Maluku Utara", 2024), "predicate"] == "Baik"
    assert predicate(Decimal("2.69"), spbe2020) == "Baik"


def test_rows_without_instansi_or_year_are_refused(spbe2020):
    frame = long_frame(flat(spbe2020, 2))
    frame.loc[0, "instansi"] = None
    assert "1 baris tanpa instansi atau tahun" in _error(frame, spbe2020)


def test_empty_frame_scores_to_no_rows(spbe2020):
    empty = long_frame({}).astype({"indicator": "int64", "level": "int64"})
    assert score(empty, spbe2020).empty


def test_predicate_scaled_is_exact_on_the_scaled_axis(spbe2020):
    per_point = spbe2020.index_denominator
    assert predicate_scaled(260 * per_point // 100, spbe2020) == "Baik"  # exactly 2,60
    assert predicate_scaled(260 * per_point // 100 - 1, spbe2020) == "Cukup"
    assert predicate_scaled(180 * per_point // 100, spbe2020) == "Cukup"
    assert predicate_scaled(0, spbe2020) == "Kurang"
    assert predicate_scaled(5 * per_point, spbe2020) == "Memuaskan"
