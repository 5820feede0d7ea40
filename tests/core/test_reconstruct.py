import csv
import math
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spbe.core.errors import SpbeError
from spbe.core.formatting import round_half_up
from spbe.core.reconstruct import (
    Reconstruction,
    ReconstructionError,
    domains_from_row,
    reconstruct,
    reconstruct_levels,
    why_not_reconstructable,
)
from spbe.core.scoring import index_scaled, score_profile
from tests.conftest import ROOT

RESULTS = ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv"


def published_rows(**match) -> list[dict[str, str]]:
    with RESULTS.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if all(r[k] == v for k, v in match.items())]


def one_row(year: str, instansi: str) -> dict[str, str]:
    (row,) = published_rows(year=year, instansi=instansi)
    return row


def as_numbers(row: dict[str, str], fw) -> tuple[dict[int, float], float, str]:
    domains = {n: float(v) if v else math.nan for n, v in domains_from_row(row, fw).items()}
    return domains, float(row["index"]), row["predicate"]


MALUKU_UTARA = published_rows(province="Maluku Utara")


def row_id(row: dict[str, str]) -> str:
    return f"{row['year']}-{row['instansi']}"


def levels_of(fw, **ranges) -> dict[int, int]:
    """All indicators at level 1, except ``i<first>_<last>=level`` ranges."""
    profile = dict.fromkeys(fw.indicator_numbers, 1)
    for key, level in ranges.items():
        first, _, last = key.removeprefix("i").partition("_")
        for n in range(int(first), int(last or first) + 1):
            profile[n] = level
    return profile


# -- the 22 Maluku Utara results ----------------------------------------------------------------


def test_maluku_utara_has_22_published_results_with_domains():
    assert len(MALUKU_UTARA) == 22
    assert {r["year"] for r in MALUKU_UTARA} == {"2023", "2024"}


def test_every_maluku_utara_result_has_an_exact_profile(spbe2020):
    # Computed, not assumed: every one of the 22 published results admits an exact profile.
    # (Nationally the three that do not are 2023 Kab. Banyuasin, domain 4 = 0.30, and 2023
    # Kab. Nias Barat and Kab. Boven Digoel, printed "1,80 Cukup" although their domains force an
    # unrounded index below 1.80; see the tests at the end.)
    without = [
        row_id(r) for r in MALUKU_UTARA if reconstruct(*as_numbers(r, spbe2020), spbe2020) is None
    ]
    assert without == []


@pytest.mark.parametrize("row", MALUKU_UTARA, ids=row_id)
def test_maluku_utara_profile_reproduces_the_published_result(row, spbe2020):
    domains, index, predicate = as_numbers(row, spbe2020)
    found = reconstruct(domains, index, predicate, spbe2020)
    levels = found.level_map()
    assert sorted(levels) == list(spbe2020.indicator_numbers)
    assert set(levels.values()) <= set(range(spbe2020.min_level, spbe2020.max_level + 1))
    scored = score_profile(levels, spbe2020)
    for number, value in domains.items():
        assert round_half_up(scored[f"domain_{number}"]) == value
    assert round_half_up(scored["index"]) == index
    assert scored["predicate"] == predicate
    # the dataclass tells the same story as the scoring engine
    assert found.index_scaled == index_scaled(levels, spbe2020)
    assert found.predicate == predicate
    assert dict(found.domains) == pytest.approx({n: scored[f"domain_{n}"] for n in domains})
    assert found.candidates >= 1
    assert "bukan tingkat resmi" in found.note


# -- hand-checkable cases -----------------------------------------------------------------------


def test_domain_1_at_1_00_means_indicators_1_to_10_all_at_level_1(spbe2020):
    # D1 = Σ 1.30·level / 13.0 moves in steps of 0.10, and only ten 1s give 1.00.
    rows = [r for r in MALUKU_UTARA if r["domain_1"] == "1.00"]
    assert len(rows) == 7  # 2023: 5 (Halmahera Barat, Tengah, Sula, Taliabu, Ternate); 2024: 2
    for row in rows:
        levels = reconstruct_levels(*as_numbers(row, spbe2020), spbe2020)
        assert [levels[n] for n in range(1, 11)] == [1] * 10


def test_kota_ternate_2023_is_the_only_possible_profile(spbe2020):
    # 1.00, 1.00, 1.00 force indicators 1-31 to level 1 (sums 13.00, 25.00, 16.50).
    # D4 = (2.75·a + 3.00·b) / 45.5 with a = Σ levels 32-41, b = Σ levels 42-47.
    # Index 1.20: 1.195 <= (54.50 + 2.75a + 3b) / 100 < 1.205  ->  65.00 <= 2.75a + 3b < 66.00.
    # D4 1.45: 65.7475 <= 2.75a + 3b < 66.2025. Both: 2.75a + 3b = 65.75, i.e. 11a + 12b = 263,
    # whose only solution with 10 <= a <= 50, 6 <= b <= 30 is a = 13, b = 10.
    # Flattest: three 2s among 32-41, four 2s among 42-47 (lowest numbers first).
    # Index (54.50 + 35.75 + 30) / 100 = 1.2025 -> 1,20 Kurang; D4 65.75 / 45.5 = 1.4451 -> 1,45.
    row = one_row("2023", "Kota Ternate")
    found = reconstruct(*as_numbers(row, spbe2020), spbe2020)
    assert found.level_map() == levels_of(spbe2020, i32_34=2, i42_45=2)
    assert found.candidates == 1
    assert found.index_scaled == 12025
    assert found.index == 1.2025
    assert found.predicate == "Kurang"


def test_domain_3_70_over_ten_equal_weights_gives_seven_4s_and_three_3s(spbe2020):
    # D1 = 3.70 over ten indicators of weight 1.30: level sum 37 (36 -> 3.60, 38 -> 3.80).
    # Index (13·3.70 + 25 + 16.5 + 45.5) / 100 = 1.351 -> 1.35, Kurang.
    levels = reconstruct_levels({1: 3.70, 2: 1.00, 3: 1.00, 4: 1.00}, 1.35, "Kurang", spbe2020)
    assert levels == levels_of(spbe2020, i1_7=4, i8_10=3)


def test_higher_levels_are_spread_over_the_aspects_of_a_domain(spbe2020):
    # D2 = 1.70: level sum 17 over indicators 11-20 (aspects 2: 11-14, 3: 15-18, 4: 19-20), so
    # seven 2s. Sainte-Laguë on aspect sizes 4, 4, 2 gives them 3, 3 and 1 (aspect indices
    # 1.75, 1.75, 1.50), not 4, 3, 0 (lowest numbers first would leave aspect 4 at 1.00).
    # The index (13 + 42.5 + 16.5 + 45.5) / 100 = 1.175 rounds half-up to 1.18, never 1.17.
    levels = reconstruct_levels({1: 1.00, 2: 1.70, 3: 1.00, 4: 1.00}, 1.18, "Kurang", spbe2020)
    assert levels == levels_of(spbe2020, i11_13=2, i15_17=2, i19=2)
    assert reconstruct({1: 1.00, 2: 1.70, 3: 1.00, 4: 1.00}, 1.17, "Kurang", spbe2020) is None


def test_flatness_decides_between_two_splits_of_domain_4(spbe2020):
    # Kab. Kepulauan Sula 2024: 3.00, 1.20, 1.00, 2.65 -> 2.06 Cukup. With a = Σ levels 32-41
    # and b = Σ levels 42-47, D4 2.65 allows 2.75a + 3b = 120.50 (a, b = 22, 20 or 34, 9) or
    # 120.75 (21, 21 or 33, 10); both keep the index at 2.06 (2.0600, 2.0625).
    # Spread (max - min level in the domain): 22/20 -> levels 2-3 and 3-4: 2; 21/21: 2; the others
    # 3. Squared deviation from the mean: 22/20: 118 - 42²/16 = 7.75; 21/21: 120 - 42²/16 = 9.75.
    row = one_row("2024", "Kab. Kepulauan Sula")
    found = reconstruct(*as_numbers(row, spbe2020), spbe2020)
    levels = found.level_map()
    assert [levels[n] for n in range(32, 48)] == [3, 3] + [2] * 8 + [4, 4, 3, 3, 3, 3]
    assert found.candidates == 4  # the four (a, b) splits; D1-D3 each allow one level sum


def test_same_input_gives_the_same_output(spbe2020):
    row = one_row("2024", "Provinsi Maluku Utara")
    domains, index, predicate = as_numbers(row, spbe2020)
    first = reconstruct(domains, index, predicate, spbe2020)
    again = reconstruct(dict(reversed(domains.items())), index, predicate, spbe2020)
    assert first == again
    assert isinstance(first, Reconstruction)
    assert hash(first) == hash(again)


def test_inputs_are_not_modified(spbe2020):
    domains = {1: 3.00, 2: 2.10, 3: 1.64, 4: 3.30}
    before = dict(domains)
    found = reconstruct(domains, 2.69, "Baik", spbe2020)
    assert domains == before
    levels = found.level_map()
    levels[1] = 5  # a new dict each call: the result itself cannot change
    assert found.level_map()[1] != 5
    assert reconstruct(MappingProxyType(before), 2.69, "Baik", spbe2020) == found


def test_predicate_is_optional_and_case_insensitive(spbe2020):
    row = one_row("2023", "Kota Ternate")
    domains, index, _ = as_numbers(row, spbe2020)
    expected = reconstruct(domains, index, "Kurang", spbe2020)
    assert reconstruct(domains, index, None, spbe2020) == expected
    assert reconstruct(domains, index, math.nan, spbe2020) == expected
    assert reconstruct(domains, index, " kurang ", spbe2020) == expected


# -- band edges: the predicate follows the unrounded index --------------------------------------


@pytest.mark.parametrize(
    ("instansi", "edge"),
    [("Kab. Luwu", 26000), ("Kab. Pacitan", 35000), ("Kab. Nias Barat", 18000)],
)
def test_2024_band_edge_results_reconstruct_just_below_the_edge(instansi, edge, spbe2020):
    # Printed 2,60 Cukup / 3,50 Baik / 1,80 Kurang: the profile's exact index must lie below the
    # band's lower bound while rounding up to it.
    row = one_row("2024", instansi)
    found = reconstruct(*as_numbers(row, spbe2020), spbe2020)
    assert edge - 50 <= found.index_scaled < edge
    assert found.predicate == row["predicate"]


# -- no profile ---------------------------------------------------------------------------------


def test_domain_outside_the_scale_has_no_profile(spbe2020):
    row = one_row("2023", "Kab. Banyuasin")  # domain_4 printed as 0.30
    args = (*as_numbers(row, spbe2020), spbe2020)
    assert reconstruct(*args) is None
    assert reconstruct_levels(*args) is None
    assert why_not_reconstructable(*args) == "Nilai domain 4 (0,30) di luar skala 1–5."


def test_missing_domain_has_no_profile(spbe2020):
    domains = {1: 1.00, 2: 1.00, 3: math.nan, 4: 1.45}
    assert reconstruct(domains, 1.20, "Kurang", spbe2020) is None
    assert "domain 3 tidak tersedia" in why_not_reconstructable(domains, 1.20, "Kurang", spbe2020)
    del domains[3]
    assert reconstruct(domains, 1.20, "Kurang", spbe2020) is None


def test_index_inconsistent_with_its_domains_has_no_profile(spbe2020):
    domains = {1: 1.00, 2: 1.00, 3: 1.00, 4: 1.45}  # Kota Ternate 2023 gives 1,20
    assert reconstruct(domains, 1.25, "Kurang", spbe2020) is None
    reason = why_not_reconstructable(domains, 1.25, "Kurang", spbe2020)
    assert reason.startswith("Indeks 1,25 tidak dapat dicapai")
    assert why_not_reconstructable(domains, 1.20, "Kurang", spbe2020) is None


def test_predicate_inconsistent_with_the_index_has_no_profile(spbe2020):
    domains = {1: 1.00, 2: 1.00, 3: 1.00, 4: 1.45}
    assert reconstruct(domains, 1.20, "Cukup", spbe2020) is None
    assert "predikat Cukup" in why_not_reconstructable(domains, 1.20, "Cukup", spbe2020)
    assert reconstruct(domains, 1.20, "Istimewa", spbe2020) is None
    assert "tidak dikenal" in why_not_reconstructable(domains, 1.20, "Istimewa", spbe2020)


def test_unreachable_domain_value_has_no_profile(spbe2020):
    # D2 moves in steps of 0.10 (ten indicators of equal weight): 1.05 is never printed.
    domains = {1: 1.00, 2: 1.05, 3: 1.00, 4: 1.00}
    assert reconstruct(domains, 1.01, "Kurang", spbe2020) is None
    assert "domain 2 = 1,05" in why_not_reconstructable(domains, 1.01, "Kurang", spbe2020)


def test_value_with_more_than_two_decimals_has_no_profile(spbe2020):
    domains = {1: 1.00, 2: 1.00, 3: 1.00, 4: 1.445}
    assert reconstruct(domains, 1.20, "Kurang", spbe2020) is None
    assert "bukan angka dua desimal" in why_not_reconstructable(domains, 1.20, None, spbe2020)


@pytest.mark.parametrize("instansi", ["Kab. Nias Barat", "Kab. Boven Digoel"])
def test_2023_results_printed_1_80_cukup_have_no_exact_profile(instansi, spbe2020):
    # Nias Barat 1.00, 1.00, 1.00, 2.75: D1-D3 force 54.50; D4 2.75 allows 2.75a + 3b of 125.00
    # or 125.25 (125.50 / 45.5 = 2.758 -> 2.76), so the index is 1.7950 or 1.7975: Kurang.
    # Boven Digoel 1.90, 1.60, 1.00, 2.17: 24.70 + 40.00 + 16.50 + 98.75 (the only D4 sum) =
    # 179.95 -> 1.7995: Kurang. Both are printed Cukup, as if the 2023 report had taken the
    # predicate from the rounded index; without the predicate a profile exists.
    domains, index, predicate = as_numbers(one_row("2023", instansi), spbe2020)
    assert reconstruct(domains, index, predicate, spbe2020) is None
    reason = why_not_reconstructable(domains, index, predicate, spbe2020)
    assert reason == (
        "Indeks 1,80 dapat dicapai, tetapi tidak dengan predikat Cukup "
        "(predikat yang mungkin: Kurang)."
    )
    assert reconstruct(domains, index, None, spbe2020).predicate == "Kurang"


# -- frameworks ---------------------------------------------------------------------------------


def test_framework_without_domains_is_refused_in_indonesian(pemdi):
    with pytest.raises(SpbeError, match="tidak memiliki domain"):
        reconstruct_levels({}, 2.50, "Baik", pemdi)
    with pytest.raises(ReconstructionError):
        why_not_reconstructable({1: 2.0}, 2.50, None, pemdi)


def test_unknown_domain_number_is_refused(spbe2020):
    with pytest.raises(SpbeError, match="Domain 5 tidak ada dalam kerangka spbe-2020"):
        reconstruct({1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0}, 1.00, None, spbe2020)


def test_domains_from_row_reads_domain_columns(spbe2020):
    row = one_row("2024", "Kota Ternate")
    assert domains_from_row(row, spbe2020) == {1: "1.80", 2: "1.00", 3: "1.00", 4: "2.74"}
    assert domains_from_row({}, spbe2020) == dict.fromkeys(range(1, 5))


def test_text_cells_from_a_csv_row_are_read_as_numbers(spbe2020):
    row = one_row("2024", "Kota Ternate")
    domains = domains_from_row(row, spbe2020)
    found = reconstruct(domains, row["index"], row["predicate"], spbe2020)
    assert found == reconstruct(*as_numbers(row, spbe2020), spbe2020)
    incomplete = one_row("2024", "Provinsi Jawa Timur")  # domain_1 unreadable in the report
    reason = why_not_reconstructable(
        domains_from_row(incomplete, spbe2020), incomplete["index"], None, spbe2020
    )
    assert reason == "Nilai domain 1 tidak tersedia."


# -- property: any real profile can be reconstructed, never less flat than itself ----------------


def flatness(levels: dict[int, int], fw) -> tuple[int, Fraction]:
    """(Σ spread, Σ squared deviation from the mean) over the domains, computed directly."""
    spread, sqdev = 0, Fraction(0)
    for dom in fw.domains:
        values = [v for n, v in levels.items() if fw.domain_of_indicator(n) == dom.number]
        mean = Fraction(sum(values), len(values))
        spread += max(values) - min(values)
        sqdev += sum((v - mean) ** 2 for v in values)
    return spread, sqdev


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_published_figures_of_any_profile_reconstruct_at_least_as_flat(spbe2020, data):
    # nearly flat domains (a base level per domain, some indicators one step off) make the
    # flatness comparison sharp; the base is drawn per domain, the offsets per indicator
    low, high = spbe2020.min_level, spbe2020.max_level
    base = {d.number: data.draw(st.integers(low, high)) for d in spbe2020.domains}
    offsets = st.sampled_from([0, 0, 0, 1, -1, 2])
    original = {
        n: min(high, max(low, base[spbe2020.domain_of_indicator(n)] + data.draw(offsets)))
        for n in spbe2020.indicator_numbers
    }
    scored = score_profile(original, spbe2020)
    domains = {d.number: round_half_up(scored[f"domain_{d.number}"]) for d in spbe2020.domains}
    index = round_half_up(scored["index"])
    found = reconstruct(domains, index, scored["predicate"], spbe2020)
    assert found is not None
    again = score_profile(found.level_map(), spbe2020)
    assert {n: round_half_up(again[f"domain_{n}"]) for n in domains} == domains
    assert round_half_up(again["index"]) == index
    assert again["predicate"] == scored["predicate"]
    assert flatness(found.level_map(), spbe2020) <= flatness(original, spbe2020)
