from decimal import Decimal

import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.core.formatting import round_half_up
from spbe.core.scoring import score_profile
from spbe.results.changes import domain_changes, indicator_changes
from tests.official_rows import TERNATE_2023, TERNATE_2024, levels_frame, official_frame


def steps_sum(table: pd.DataFrame) -> float:
    start = table.loc[table["measure"] == "absolute", "value"].iloc[0]
    return start + table.loc[table["measure"] == "relative", "value"].sum()


def test_ternate_2023_to_2024_by_domain(spbe2020):
    table = domain_changes(official_frame(), "kota-ternate", 2023, 2024)
    assert list(table["measure"]) == ["absolute"] + ["relative"] * 5 + ["total"]
    assert list(table["label"]) == [
        "Indeks 2023",
        "Domain 1",
        "Domain 2",
        "Domain 3",
        "Domain 4",
        "Pembulatan",
        "Indeks 2024",
    ]
    steps = dict(zip(table["label"], table["value"]))
    # Δdomain × weight / 100: D1 0.80 × 13 = 0.104; D4 1.29 × 45.5 = 0.58695
    assert steps["Domain 1"] == pytest.approx(0.104, abs=1e-12)
    assert steps["Domain 2"] == steps["Domain 3"] == 0
    assert steps["Domain 4"] == pytest.approx(0.58695, abs=1e-12)
    assert steps["Pembulatan"] == pytest.approx(0.69 - 0.69095, abs=1e-12)
    assert (steps["Indeks 2023"], steps["Indeks 2024"]) == (1.20, 1.89)
    assert steps_sum(table) == pytest.approx(1.89, abs=1e-12)
    weights = table.dropna(subset=["domain"])
    assert list(weights["weight"]) == [float(d.weight) for d in spbe2020.domains]


def test_maluku_utara_2023_to_2024_by_domain():
    table = domain_changes(official_frame(), "prov-maluku-utara", 2023, 2024)
    steps = dict(zip(table["label"], table["value"]))
    # D2 1.70 -> 2.10: 0.40 × 25 = 0.10; D3 1.00 -> 1.64: 0.64 × 16.5 = 0.1056;
    # D4 3.31 -> 3.30: -0.01 × 45.5 = -0.00455; published change 2.69 - 2.49 = 0.20
    assert steps["Domain 1"] == 0
    assert steps["Domain 2"] == pytest.approx(0.10, abs=1e-12)
    assert steps["Domain 3"] == pytest.approx(0.1056, abs=1e-12)
    assert steps["Domain 4"] == pytest.approx(-0.00455, abs=1e-12)
    assert steps["Pembulatan"] == pytest.approx(0.20 - 0.20105, abs=1e-12)
    assert steps_sum(table) == pytest.approx(2.69, abs=1e-12)


def test_domain_changes_refuse_what_cannot_be_compared():
    official = official_frame()
    with pytest.raises(SpbeError, match="Nilai domain 1 Provinsi Maluku Utara tahun 2022"):
        domain_changes(official, "prov-maluku-utara", 2022, 2024)
    with pytest.raises(SpbeError, match="instrumen berbeda"):
        domain_changes(official, "nasional", 2020, 2021)
    with pytest.raises(SpbeError, match="dua tahun yang berbeda"):
        domain_changes(official, "kota-ternate", 2024, 2024)
    with pytest.raises(SpbeError, match="Kota Ternate tahun 2022"):
        domain_changes(official, "kota-ternate", 2022, 2024)


def test_the_reconstructed_profiles_reproduce_the_published_values(spbe2020):
    official = official_frame()
    for year, profile in ((2023, TERNATE_2023), (2024, TERNATE_2024)):
        scored = score_profile(profile, spbe2020)
        row = official[(official["instansi_code"] == "kota-ternate") & (official["year"] == year)]
        row = row.iloc[0]
        for d in (1, 2, 3, 4):
            assert round_half_up(scored[f"domain_{d}"]) == row[f"domain_{d}"]
        assert round_half_up(scored["index"]) == row["index_value"]
        assert scored["predicate"] == row["predicate"]


def test_ternate_profiles_by_indicator(spbe2020):
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    table = indicator_changes(levels, "kota-ternate", 2023, 2024, "rekonstruksi")
    start, end = table["value"].iloc[0], table["value"].iloc[-1]
    assert (start, end) == (1.2025, 1.894)
    steps = table[table["measure"] == "relative"]
    # 1–8 (+1 × 1.3), 32–34 (+1 × 2.75), 35–41 (+2 × 2.75), 42, 44, 46, 47 (+1 × 3)
    expected = (
        {n: Decimal("0.013") for n in range(1, 9)}
        | {n: Decimal("0.0275") for n in (32, 33, 34)}
        | {n: Decimal("0.055") for n in range(35, 42)}
        | {n: Decimal("0.03") for n in (42, 44, 46, 47)}
    )
    assert list(steps["indicator"]) == sorted(expected)
    for n, value in zip(steps["indicator"], steps["value"]):
        assert value == float(expected[n])
    assert sum(expected.values()) == Decimal("0.6915") == Decimal("1.894") - Decimal("1.2025")
    assert steps_sum(table) == pytest.approx(1.894, abs=1e-12)
    row = steps[steps["indicator"] == 37].iloc[0]
    assert (row["level_from"], row["level_to"], row["weight"]) == (1, 3, 2.75)
    assert row["name"] == spbe2020.indicator(37).short_name


def test_indicator_changes_need_complete_profiles_of_the_chosen_provenance():
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    with pytest.raises(SpbeError, match=r"Tidak ada tingkat indikator \(resmi\)"):
        indicator_changes(levels, "kota-ternate", 2023, 2024, "resmi")
    partial = levels[~((levels["year"] == 2024) & (levels["indicator"] == 47))]
    with pytest.raises(SpbeError, match="indikator 47: tidak ada nilainya"):
        indicator_changes(partial, "kota-ternate", 2023, 2024, "rekonstruksi")


def test_changes_do_not_modify_their_input():
    official = official_frame()
    levels = levels_frame((2023, TERNATE_2023), (2024, TERNATE_2024))
    before_official, before_levels = official.copy(), levels.copy()
    domain_changes(official, "kota-ternate", 2023, 2024)
    indicator_changes(levels, "kota-ternate", 2023, 2024, "rekonstruksi")
    pd.testing.assert_frame_equal(official, before_official)
    pd.testing.assert_frame_equal(levels, before_levels)
