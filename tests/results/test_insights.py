import re
from dataclasses import FrozenInstanceError
from decimal import Decimal

import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.core.instansi import instansi_code
from spbe.results.insights import narrative, rounding_note, summary_kpi
from tests.official_rows import official_frame, raw_results

DOT_DECIMAL = re.compile(r"\d\.\d")


def rank_by_counting(values, value) -> int:
    return 1 + sum(Decimal(str(v)) > Decimal(str(value)) for v in values)


# -- Kota Ternate and Provinsi Maluku Utara (L23 Tabel 47, L24 Tabel 48) --------------------------


def test_ternate_2024_kpi_by_hand():
    k = summary_kpi(official_frame(), "kota-ternate", 2024)
    assert (k.index, k.predicate, k.index_text) == (1.89, "Cukup", "1,89")
    assert k.provenance == "Resmi KemenPANRB 2024"
    assert (k.previous_year, k.previous_index, k.previous_predicate) == (2023, 1.20, "Kurang")
    assert k.change == 0.69 and k.change_text == "+0,69"  # 1.89 - 1.20, exact
    assert (k.next_predicate, k.gap) == ("Baik", 0.71)  # 2.60 - 1.89
    assert k.gap_text == "+0,71 lagi menuju Baik"
    assert k.national_index == 3.12
    assert (k.province_rank, k.province_count) == (10, 11)
    assert k.province_rank_text == "10 dari 11 di Maluku Utara"
    assert (k.kind_rank, k.kind_count) == (92, 93)
    assert k.kind_rank_text == "92 dari 93 kota"
    assert k.rounding_note is None and k.predicate_published


def test_ternate_ranks_agree_with_counting_in_the_csv():
    raw = raw_results()
    for year in (2023, 2024):
        k = summary_kpi(official_frame(), "kota-ternate", year)
        this_year = raw[raw["year"] == year]
        own = this_year.loc[this_year["instansi"] == "Kota Ternate", "index"].iloc[0]
        province = this_year[this_year["province"] == "Maluku Utara"]
        kota = this_year[this_year["kind"] == "kota"]
        assert k.province_rank == rank_by_counting(province["index"], own)
        assert k.kind_rank == rank_by_counting(kota["index"], own)
        assert (k.province_count, k.kind_count) == (len(province), len(kota))
    # 2023: 1.20 was above only Halmahera Timur (1.01) in the province and last of all kota
    k23 = summary_kpi(official_frame(), "kota-ternate", 2023)
    assert (k23.province_rank, k23.kind_rank, k23.kind_count) == (10, 93, 93)


def test_maluku_utara_2024_kpi_by_hand():
    k = summary_kpi(official_frame(), "prov-maluku-utara", 2024)
    assert (k.index, k.predicate, k.previous_index, k.change_text) == (2.69, "Baik", 2.49, "+0,20")
    assert k.gap_text == "+0,81 lagi menuju Sangat Baik"  # 3.50 - 2.69
    assert (k.province_rank, k.province_count) == (2, 11)  # behind Halmahera Utara 2.73
    assert (k.kind_rank, k.kind_count) == (31, 38)
    assert k.kind_rank_text == "31 dari 38 provinsi"


def test_previous_value_is_the_nearest_earlier_year_even_from_another_source():
    k = summary_kpi(official_frame(), "prov-maluku-utara", 2023)
    assert (k.previous_year, k.previous_index, k.change_text) == (2022, 2.47, "+0,02")


def test_a_year_with_a_lone_result_has_no_rank():
    k = summary_kpi(official_frame(), "prov-maluku-utara", 2022)  # only the province in 2022
    assert k.province_rank is None and k.kind_rank is None
    assert k.previous_index is None and k.change_text == "–"


def test_ternate_2025_self_assessment_is_provisional_and_unranked():
    k = summary_kpi(official_frame(), "kota-ternate", 2025)
    assert k.provenance == "Mandiri — sementara" and k.status == "provisional"
    assert (k.index, k.predicate, k.predicate_published) == (3.75, "Sangat Baik", False)
    assert (k.previous_year, k.change_text) == (2024, "+1,86")
    assert k.province_rank is None and k.kind_rank is None
    assert k.national_index is None
    assert k.gap_text == "+0,45 lagi menuju Memuaskan"  # 4.20 - 3.75


# -- the predicate follows the unrounded index ----------------------------------------------------


def test_luwu_2024_explains_2_60_cukup():
    k = summary_kpi(official_frame(), "kab-luwu", 2024)
    assert (k.index_text, k.predicate) == ("2,60", "Cukup")
    # domains 1.20/… give (13·d1 + 25·d2 + 16.5·d3 + 45.5·d4)/100 = 2.5968
    assert "≈2,597" in k.rounding_note
    assert "predikat Cukup mengikuti nilai sebelum pembulatan" in k.rounding_note
    assert "batas Baik (2,60)" in k.rounding_note
    assert k.next_predicate == "Baik" and k.gap_text == "<0,01 lagi menuju Baik"


def test_pacitan_and_nias_barat_2024_get_notes_but_nias_barat_2023_does_not():
    official = official_frame()
    assert "≈3,499" in summary_kpi(official, "kab-pacitan", 2024).rounding_note
    assert "≈1,799" in summary_kpi(official, "kab-nias-barat", 2024).rounding_note
    # 2023: printed 1,80 Cukup — rounded value and predicate agree, nothing to explain
    assert summary_kpi(official, "kab-nias-barat", 2023).rounding_note is None


def test_without_domains_the_note_does_not_invent_an_unrounded_value(spbe2020):
    official = official_frame()
    luwu = official[(official["instansi_code"] == "kab-luwu") & (official["year"] == 2024)]
    row = luwu.iloc[0].copy()
    row[["domain_1", "domain_2", "domain_3", "domain_4"]] = float("nan")
    note = rounding_note(row, spbe2020)
    assert "≈" not in note
    assert note.startswith("Indeks dibulatkan menjadi 2,60; predikat Cukup")


def test_top_band_has_no_gap():
    raw = raw_results()
    top = raw[(raw["year"] == 2024) & (raw["predicate"] == "Memuaskan")].iloc[0]
    k = summary_kpi(official_frame(), instansi_code(top["instansi"]), 2024)
    assert k.next_predicate is None and k.gap_text == "Predikat tertinggi"
    assert k.province_rank is None  # instansi pusat have no province


# -- national series and instruments --------------------------------------------------------------


def test_national_2021_change_crosses_instruments():
    k = summary_kpi(official_frame(), "nasional", 2021)
    assert (k.previous_year, k.change_text) == (2020, "−0,02")
    assert k.framework == "spbe-2020" and k.previous_framework == "spbe-2018"
    assert not k.comparable_with_previous
    assert k.kind_rank is None
    text = narrative(official_frame(), "nasional", 2021)
    assert "instrumen penilaian yang berbeda" in text


def test_national_2019_predicate_from_the_bands_of_the_successor_instrument():
    k = summary_kpi(official_frame(), "nasional", 2019)
    assert (k.predicate, k.predicate_published, k.change_text) == ("Cukup", False, "+0,20")
    assert k.comparable_with_previous


# -- narrative -----------------------------------------------------------------------------------


def test_ternate_2024_narrative():
    text = narrative(official_frame(), "kota-ternate", 2024)
    assert text.startswith(
        "Indeks SPBE Kota Ternate naik dari 1,20 (Kurang) pada 2023 menjadi 1,89 (Cukup) "
        "pada 2024 (+0,69)."
    )
    assert "10 dari 11 pemerintah daerah di Maluku Utara" in text
    assert "92 dari 93 kota secara nasional" in text
    assert "Indeks nasional 2024: 3,12 (1,23 di bawah nilai nasional)" in text
    assert "Masih perlu +0,71 lagi menuju Baik." in text
    assert not DOT_DECIMAL.search(text)


def test_narratives_of_a_fall_a_same_value_and_a_provisional_year():
    official = official_frame()
    morotai = narrative(official, "kab-pulau-morotai", 2024)
    assert morotai.startswith("Indeks SPBE Kab. Pulau Morotai turun dari 2,00 (Cukup)")
    assert "(−0,03)" in morotai
    nias = narrative(official, "kab-nias-barat", 2024)
    assert nias.startswith("Indeks SPBE Kab. Nias Barat tercatat 1,80 pada 2023 (Cukup) dan 2024")
    ternate = narrative(official, "kota-ternate", 2025)
    assert "penilaian mandiri yang masih sementara" in ternate
    assert "tidak ada predikat yang dipublikasikan" in ternate
    assert "Peringkat" not in ternate
    for text in (morotai, nias, ternate):
        assert not DOT_DECIMAL.search(text)


# -- errors and purity ---------------------------------------------------------------------------


def test_a_year_without_data_is_a_clear_error():
    with pytest.raises(SpbeError) as err:
        summary_kpi(official_frame(), "kota-ternate", 2022)
    assert str(err.value) == (
        "Tidak ada hasil evaluasi SPBE untuk Kota Ternate tahun 2022 "
        "(tahun yang tersedia: 2023, 2024, 2025)."
    )
    with pytest.raises(SpbeError, match="tidak ada dalam data hasil evaluasi"):
        narrative(official_frame(), "kota-atlantis", 2024)


def test_kpi_is_frozen_and_inputs_are_not_modified():
    official = official_frame()
    before = official.copy()
    k = summary_kpi(official, "kota-ternate", 2024)
    narrative(official, "prov-maluku-utara", 2024)
    pd.testing.assert_frame_equal(official, before)
    with pytest.raises(FrozenInstanceError):
        k.index = 2.0
