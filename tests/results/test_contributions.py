from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.core.instansi import instansi_code
from spbe.core.scoring import index_scaled
from spbe.results.contributions import UNASSIGNED, opd_contributions, opd_indicators
from tests.conftest import ROOT
from tests.official_rows import (
    LEADS,
    TERNATE_2024,
    levels_frame,
    opd_frame,
    owners_frame,
)

# Hand sums with the reconstructed Ternate 2024 profile (tests/official_rows.py), Σ weight × level
# of the indicators led, shared indicators halved, ÷ 100:
# Diskomsandi: 1,2,4–8 7×2×1.3 = 18.2; 3 ½×2.6 = 1.3; 9 ½×1.3 = 0.65; 10 1.3; 11,12,15–20 8×2.5
#   = 20; 21 ½×1.5 = 0.75; 22,23,26,28 4×1.5 = 6; 29–31 3×0.75 = 2.25; 42 3×3 = 9; 43 2×3 = 6
#   -> 65.45 -> 0.6545
# BPKAD: 13 ½×2.5 + 24 1.5 + 33, 34, 38 3×3×2.75 = 27.5;  BKPSDM: 1.5 + 2×8.25 = 18
# Bagian Organisasi: 2.5 + 1.5 + 8.25 = 12.25;  Inspektorat: 0.65 + 0.75 + 2.25 + 8.25 = 11.9
# Bappelitbangda: 1.3 + 1.25 + 8.25 = 10.8;  Bagian Hukum (44): 9;  UKPBJ, Dispursip: 8.25 each;
# DPMPTSP, Dukcapil, Dinkes: 2×3 = 6 each.  Total 189.4 = index 1.894.
EXPECTED = {
    "kominfo": "0.6545",
    "bpkad": "0.275",
    "bkpsdm": "0.18",
    "organisasi": "0.1225",
    "inspektorat": "0.119",
    "bappeda": "0.108",
    "hukum": "0.09",
    "ukpbj": "0.0825",
    "arsip": "0.0825",
    "dpmptsp": "0.06",
    "dukcapil": "0.06",
    "dinkes": "0.06",
}


def ternate_levels() -> pd.DataFrame:
    return levels_frame((2024, TERNATE_2024))


def test_each_opd_contribution_by_hand(spbe2020):
    result = opd_contributions(ternate_levels(), owners_frame(), opd_frame(), spbe2020)
    got = dict(zip(result.by_opd["opd_code"], result.by_opd["contribution"]))
    assert got == {code: float(Decimal(v)) for code, v in EXPECTED.items()}
    assert result.by_opd["opd_code"].iloc[0] == "kominfo"  # sorted, largest first
    assert result.index == 1.894
    assert UNASSIGNED not in got


def test_contributions_add_up_to_the_index_exactly(spbe2020):
    result = opd_contributions(ternate_levels(), owners_frame(), opd_frame(), spbe2020)
    total = Fraction(int(result.by_opd["contribution_units"].sum()), result.units_per_point)
    exact = Fraction(index_scaled(TERNATE_2024, spbe2020), spbe2020.index_denominator)
    assert total == exact == Fraction(1894, 1000)
    assert sum(Decimal(v) for v in EXPECTED.values()) == Decimal("1.894")
    assert result.by_opd["share"].sum() == pytest.approx(1.0, abs=1e-12)


def test_headroom_next_level_and_top_level(spbe2020):
    result = opd_contributions(ternate_levels(), owners_frame(), opd_frame(), spbe2020)
    kominfo = result.by_opd.set_index("opd_code").loc["kominfo"]
    # one more level on each of its indicators: 1,2,4–8 7×1.3 = 9.1; 3, 9 ½×1.3 each = 1.3;
    # 10 1.3; 8×2.5 = 20; 21 ½×1.5 = 0.75; 4×1.5 = 6; 29–31 3×0.75 = 2.25; 42, 43 3 + 3 -> 46.7
    assert kominfo["gain_next_level"] == pytest.approx(0.467, abs=1e-12)
    # up to 5: 27.3 + 1.95 + 2.6 + 5.2 + 80 + 3 + 24 + 9 + 6 + 9 = 168.05
    assert kominfo["gain_to_max"] == pytest.approx(1.6805, abs=1e-12)
    # over all OPDs: every indicator to 5 adds 5 - 1.894; one level each adds Σ weights = 1.00
    assert result.by_opd["gain_to_max"].sum() == pytest.approx(5 - 1.894, abs=1e-12)
    assert result.by_opd["gain_next_level"].sum() == pytest.approx(1.0, abs=1e-12)


def test_the_top_level_has_no_next_level_gain(spbe2020):
    levels = levels_frame((2024, TERNATE_2024 | {37: 5}))
    result = opd_contributions(levels, owners_frame(), opd_frame(), spbe2020)
    row = result.by_indicator.set_index("indicator").loc[37]
    assert (row["level"], row["level_name"], row["gain_next_level"], row["gain_to_max"]) == (
        5,
        "Optimum",
        0.0,
        0.0,
    )
    arsip = result.by_opd.set_index("opd_code").loc["arsip"]
    assert arsip["contribution"] == pytest.approx(5 * 2.75 / 100, abs=1e-12)


def test_indicator_table_for_the_drill_down(spbe2020):
    result = opd_contributions(ternate_levels(), owners_frame(), opd_frame(), spbe2020)
    table = result.by_indicator.set_index("indicator")
    assert len(table) == 47
    row = table.loc[37]
    assert row["name"] == "Layanan Kearsipan Dinamis"
    assert (row["level"], row["level_name"], row["weight"]) == (3, "Transaksi", 2.75)
    assert row["contribution"] == pytest.approx(0.0825, abs=1e-12)
    assert row["gain_next_level"] == pytest.approx(0.0275, abs=1e-12)
    assert row["lead_opd"] == "Dispursip"
    assert table.loc[1, "level_name"] == "Terkelola"
    assert table.loc[1, "support_opd"] == "Bagian Hukum"
    assert table.loc[13, "lead_opd"] == "Bappelitbangda, BPKAD"
    assert table["contribution"].sum() == pytest.approx(1.894, abs=1e-12)


def test_drill_down_of_one_opd(spbe2020):
    result = opd_contributions(ternate_levels(), owners_frame(), opd_frame(), spbe2020)
    inspektorat = opd_indicators(result, "inspektorat")
    assert list(inspektorat["indicator"]) == [9, 21, 29, 30, 31, 39]
    assert set(inspektorat["role"]) == {"Pengampu utama"}
    assert inspektorat["opd_share"].tolist() == pytest.approx(
        [0.0065, 0.0075, 0.0075, 0.0075, 0.0075, 0.0825], abs=1e-12
    )
    assert inspektorat["opd_share"].sum() == pytest.approx(0.119, abs=1e-12)
    hukum = opd_indicators(result, "hukum")
    roles = dict(zip(hukum["indicator"], hukum["role"]))
    assert roles == {44: "Pengampu utama"} | {n: "Pendukung" for n in (1, 2, 4, 5, 6, 7, 8)}
    assert hukum.loc[hukum["role"] == "Pendukung", "opd_share"].sum() == 0


def test_an_indicator_without_a_lead_goes_to_the_unassigned_bucket(spbe2020):
    leads = {n: codes for n, codes in LEADS.items() if n != 44}
    result = opd_contributions(ternate_levels(), owners_frame(leads), opd_frame(), spbe2020)
    got = result.by_opd.set_index("opd_code")
    assert got.loc[UNASSIGNED, "contribution"] == pytest.approx(0.09, abs=1e-12)  # 3 × 3 / 100
    assert got.loc[UNASSIGNED, "indicators"] == "44"
    assert got.loc["hukum", "contribution"] == 0  # listed, supports only
    total = Fraction(int(got["contribution_units"].sum()), result.units_per_point)
    assert total == Fraction(1894, 1000)
    assert list(opd_indicators(result, UNASSIGNED)["indicator"]) == [44]


def test_three_leads_split_in_thirds_and_still_add_up(spbe2020):
    leads = LEADS | {13: ("bappeda", "bpkad", "kominfo")}
    result = opd_contributions(ternate_levels(), owners_frame(leads), opd_frame(), spbe2020)
    got = dict(zip(result.by_opd["opd_code"], result.by_opd["contribution_units"]))
    # indicator 13 at level 1 weighs 2.5: a third each instead of a half for Bappeda and BPKAD
    third = Fraction(25, 1000) / 3
    assert Fraction(got["kominfo"], result.units_per_point) == Fraction(6545, 10000) + third
    assert (
        Fraction(got["bappeda"], result.units_per_point)
        == Fraction(108, 1000) - Fraction(125, 10000) + third
    )
    assert Fraction(sum(got.values()), result.units_per_point) == Fraction(1894, 1000)


def test_mapping_is_confirmed_only_when_every_row_is(spbe2020):
    levels, opd = ternate_levels(), opd_frame()
    assert not opd_contributions(levels, owners_frame(), opd, spbe2020).mapping_confirmed
    confirmed = owners_frame(confirmed=True)
    assert opd_contributions(levels, confirmed, opd, spbe2020).mapping_confirmed
    one_open = confirmed.assign(confirmed=[False] + [True] * (len(confirmed) - 1))
    assert not opd_contributions(levels, one_open, opd, spbe2020).mapping_confirmed


def test_bad_mapping_and_bad_levels_are_explained(spbe2020):
    levels, opd = ternate_levels(), opd_frame()
    unknown_opd = pd.concat([owners_frame(), owners_frame().iloc[:1].assign(opd_code="dishub")])
    with pytest.raises(SpbeError, match="OPD 'dishub' yang tidak ada"):
        opd_contributions(levels, unknown_opd, opd, spbe2020)
    unknown_ind = pd.concat([owners_frame(), owners_frame().iloc[:1].assign(indicator=48)])
    with pytest.raises(SpbeError, match="indikator 48 yang tidak ada dalam spbe-2020"):
        opd_contributions(levels, unknown_ind, opd, spbe2020)
    bad_role = owners_frame().assign(role="ketua")
    with pytest.raises(SpbeError, match="Peran OPD 'ketua' tidak dikenal"):
        opd_contributions(levels, bad_role, opd, spbe2020)
    with pytest.raises(SpbeError, match="indikator 47: tidak ada nilainya"):
        opd_contributions(levels[levels["indicator"] != 47], owners_frame(), opd, spbe2020)
    two_years = levels_frame((2023, TERNATE_2024), (2024, TERNATE_2024))
    with pytest.raises(SpbeError, match="lebih dari satu year"):
        opd_contributions(two_years, owners_frame(), opd, spbe2020)


def test_the_seeded_default_mapping_covers_every_indicator(spbe2020):
    opd = pd.read_csv(ROOT / "data" / "opd.csv")
    opd["instansi_code"] = opd["instansi"].map(instansi_code)
    owners = pd.read_csv(ROOT / "data" / "pemilik-indikator-default.csv")
    for code in ("kota-ternate", "prov-maluku-utara"):
        levels = levels_frame((2024, TERNATE_2024)).assign(instansi_code=code)
        result = opd_contributions(levels, owners.assign(instansi_code=code), opd, spbe2020)
        assert UNASSIGNED not in set(result.by_opd["opd_code"])
        total = Fraction(int(result.by_opd["contribution_units"].sum()), result.units_per_point)
        assert total == Fraction(1894, 1000)


def test_inputs_are_not_modified(spbe2020):
    levels, owners, opd = ternate_levels(), owners_frame(), opd_frame()
    before = (levels.copy(), owners.copy(), opd.copy())
    result = opd_contributions(levels, owners, opd, spbe2020)
    opd_indicators(result, "kominfo")
    for frame, copy in zip((levels, owners, opd), before):
        pd.testing.assert_frame_equal(frame, copy)
