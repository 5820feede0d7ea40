from decimal import Decimal

import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.results.published import (
    band_framework,
    competition_rank,
    instrument_name,
    national_distribution,
    national_index,
    peer_ranking,
    result_row,
    with_predicates,
)
from tests.official_rows import official_frame, raw_results


def independent_rank(values: list[float], value: float) -> int:
    """Competition rank by counting strictly higher published values (on exact decimals)."""
    target = Decimal(str(value))
    return 1 + sum(Decimal(str(v)) > target for v in values)


def test_competition_rank_shares_ties_and_counts_places_above():
    values = pd.Series([2.5, 3.0, 3.0, 1.2, 0.1 + 0.2], index=[10, 11, 12, 13, 14])
    assert list(competition_rank(values)) == [3, 1, 1, 4, 5]  # two values above 2.5
    tie = pd.Series([0.1 + 0.2, 0.3])  # 0.30000000000000004 and 0.3 are the same 0,30
    assert list(competition_rank(tie)) == [1, 1]


def test_maluku_utara_2024_peer_ranking_matches_the_published_table():
    ranking = peer_ranking(official_frame(), 2024)
    raw = raw_results()
    peers = raw[(raw["year"] == 2024) & (raw["province"] == "Maluku Utara")]
    assert len(ranking) == len(peers) == 11
    for row in ranking.itertuples():
        assert row.rank == independent_rank(list(peers["index"]), row.index_value)
    ranks = dict(zip(ranking["instansi_name"], ranking["rank"]))
    # by hand from L24 Tabel 48: 2.73, 2.69, 2.43, 2.32, 2.09, 2.06, 1.97, 1.90, 1.90, 1.89, 1.38
    assert ranks["Kab. Halmahera Utara"] == 1
    assert ranks["Provinsi Maluku Utara"] == 2
    assert ranks["Kab. Halmahera Barat"] == ranks["Kab. Halmahera Tengah"] == 8
    assert ranks["Kota Ternate"] == 10
    assert ranks["Kab. Halmahera Timur"] == 11
    assert list(ranking["rank"]) == sorted(ranking["rank"])
    assert set(ranking["predicate"]) == {"Baik", "Cukup", "Kurang"}


def test_provisional_results_are_not_ranked():
    with pytest.raises(
        SpbeError, match="Tidak ada hasil evaluasi resmi untuk Maluku Utara tahun 2025"
    ):
        peer_ranking(official_frame(), 2025)


def test_ternate_among_all_93_kota_2024_with_neighbours():
    table = national_distribution(official_frame(), 2024, instansi_code="kota-ternate")
    raw = raw_results()
    kota = raw[(raw["year"] == 2024) & (raw["kind"] == "kota")]
    assert len(table) == len(kota) == 93
    chosen = table[table["selected"]]
    assert list(chosen["instansi_code"]) == ["kota-ternate"]
    assert int(chosen["rank"].iloc[0]) == independent_rank(list(kota["index"]), 1.89) == 92
    # three places above it, only one below (it is second to last)
    assert list(table.loc[table["neighbour"], "rank"]) == [89, 90, 91, 93]


def test_maluku_utara_province_2024_is_31st_of_38():
    table = national_distribution(official_frame(), 2024, "provinsi", "prov-maluku-utara")
    raw = raw_results()
    provinces = raw[(raw["year"] == 2024) & (raw["kind"] == "provinsi")]
    assert len(table) == 38
    rank = int(table.loc[table["selected"], "rank"].iloc[0])
    assert rank == independent_rank(list(provinces["index"]), 2.69) == 31


def test_national_index_and_missing_years():
    official = official_frame()
    assert national_index(official, 2024) == 3.12
    assert national_index(official, 2018) == 1.98
    assert national_index(official, 2025) is None


def test_instrument_not_carried_takes_the_bands_of_its_successor(spbe2020):
    assert band_framework("spbe-2018", 2019) is spbe2020
    assert band_framework("spbe-2020", 2024) is spbe2020
    assert instrument_name("spbe-2018") == "PermenPANRB 5/2018"
    assert instrument_name("spbe-2020") == "PermenPANRB 59/2020"


def test_missing_predicates_are_filled_from_the_bands_of_the_published_value():
    official = official_frame()
    national = with_predicates(official[official["instansi_code"] == "nasional"])
    by_year = dict(zip(national["year"], national["predicate"]))
    # 1.98 … 2.34 are in [1.8, 2.6); 2.79 and 3.12 in [2.6, 3.5)
    assert by_year == {
        2018: "Cukup",
        2019: "Cukup",
        2020: "Cukup",
        2021: "Cukup",
        2022: "Cukup",
        2023: "Baik",
        2024: "Baik",
    }


def test_a_final_result_wins_over_a_provisional_one_of_the_same_year():
    official = official_frame()
    self_assessed = official[
        (official["instansi_code"] == "kota-ternate") & (official["year"] == 2024)
    ].assign(index_value=2.10, status="provisional")
    both = pd.concat([official, self_assessed], ignore_index=True)
    row = result_row(both, "kota-ternate", 2024)
    assert (row["index_value"], row["status"]) == (1.89, "final")


def test_unknown_instansi_and_missing_columns_are_explained():
    with pytest.raises(SpbeError, match="Instansi 'kota-atlantis' tidak ada"):
        result_row(official_frame(), "kota-atlantis", 2024)
    with pytest.raises(SpbeError, match="tidak memiliki kolom: province"):
        peer_ranking(official_frame().drop(columns=["province"]), 2024)


def test_tables_do_not_modify_their_input():
    official = official_frame()
    before = official.copy()
    peer_ranking(official, 2024)
    national_distribution(official, 2023, instansi_code="kota-ternate")
    with_predicates(official)
    pd.testing.assert_frame_equal(official, before)


def test_final_years_and_published_domains_of_kota_ternate():
    from spbe.results.published import final_years, published_domains

    official = official_frame()
    assert final_years(official, "kota-ternate") == [2023, 2024]  # 2025 is provisional
    # L24 Tabel 48: D1 1,80, D2 1,00, D3 1,00, D4 2,74
    assert published_domains(official, "kota-ternate", 2024, "spbe-2020") == {
        1: 1.80,
        2: 1.00,
        3: 1.00,
        4: 2.74,
    }
    assert published_domains(official, "kota-ternate", 2025, "spbe-2020") is None  # not final
