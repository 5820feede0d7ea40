import shutil
from datetime import date
from decimal import Decimal

import pytest

from spbe.core.framework import (
    FRAMEWORKS_DIR,
    FrameworkError,
    framework_for_year,
    latest_assessable_year,
    list_frameworks,
    load_framework,
)


def test_spbe_2020_structure_matches_permenpanrb_59_2020(spbe2020):
    fw = spbe2020
    assert (len(fw.domains), len(fw.aspects), len(fw.indicators)) == (4, 8, 47)
    assert sum(i.weight for i in fw.indicators) == 100
    assert [d.weight for d in fw.domains] == [
        Decimal("13.0"),
        Decimal("25.0"),
        Decimal("16.5"),
        Decimal("45.5"),
    ]
    assert [len(fw.indicators_of_aspect(a.number)) for a in fw.aspects] == [
        10,
        4,
        4,
        2,
        8,
        3,
        10,
        6,
    ]
    assert fw.indicator(1).weight == Decimal("1.30")
    assert fw.indicator(32).weight == Decimal("2.75")
    assert fw.indicator(47).weight == Decimal("3.00")
    assert fw.indicator(44).short_name == "Jaringan Dokumentasi dan Informasi Hukum (JDIH)"
    assert fw.domain_of_indicator(29) == 3
    assert [b.name for b in fw.bands] == ["Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"]
    assert [b.lower for b in fw.bands] == [Decimal(x) for x in ("1.0", "1.8", "2.6", "3.5", "4.2")]
    assert fw.secondary_source is False


def test_level_names_follow_the_scale_of_the_indicator(spbe2020):
    assert spbe2020.level_name(1, 1) == "Rintisan"
    assert spbe2020.level_name(21, 4) == "Terpadu dan Terukur"
    assert spbe2020.level_name(32, 3) == "Transaksi"
    assert spbe2020.level_name(47, 4) == "Kolaborasi"


def test_pemdi_2026_structure_and_secondary_flag(pemdi):
    assert (len(pemdi.domains), len(pemdi.aspects), len(pemdi.indicators)) == (0, 7, 20)
    assert [a.weight for a in pemdi.aspects] == [
        Decimal(x) for x in ("10", "10", "15", "15", "10", "15", "25")
    ]
    assert pemdi.indicator(20).weight == 15
    assert [b.lower for b in pemdi.bands] == [
        Decimal(x) for x in ("1.0", "1.5", "2.5", "3.5", "4.0")
    ]
    assert pemdi.secondary_source is True
    assert "sekunder" in pemdi.source_note
    assert pemdi.level_name(5, 3) == "Berkembang"
    assert not pemdi.has_domains


def test_list_and_year_mapping():
    assert list_frameworks() == ["spbe-2020", "pemdi-2026"]
    for year in (2021, 2023, 2024, 2025):
        assert framework_for_year(year).id == "spbe-2020"
    for year in (2026, 2027):
        assert framework_for_year(year, today=date(2026, 12, 3)).id == "pemdi-2026"
    assert framework_for_year(2035, today=date(2034, 1, 1)).id == "pemdi-2026"


@pytest.mark.parametrize("year", [2028, 2062, 2204, 9999])
def test_the_open_ended_instrument_ends_next_year(year):
    """PermenPANRB 8/2026 has no end year: typos like 2204 must not become evaluations."""
    with pytest.raises(
        FrameworkError, match=f"Tahun {year} belum dapat dinilai.*paling lambat 2027"
    ):
        framework_for_year(year, today=date(2026, 12, 3))
    assert latest_assessable_year(date(2026, 12, 3)) == 2027


@pytest.mark.parametrize("year", [2018, 2019])
def test_years_of_the_2018_instrument_are_refused_clearly(year):
    with pytest.raises(FrameworkError, match=r"35 indikator.*PermenPANRB 5/2018"):
        framework_for_year(year)


def test_years_before_any_evaluation_are_refused():
    with pytest.raises(FrameworkError, match="2015"):
        framework_for_year(2015)


def test_unknown_framework_id_names_the_known_ones():
    with pytest.raises(FrameworkError, match="spbe-2020"):
        load_framework("spbe-1999")


def _broken_copy(tmp_path, old, new, file="spbe-2020.toml"):
    directory = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS_DIR, directory)
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, "the test's edit must apply"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('weight = "1.30"', 'weight = "1.40"', "jumlah bobot indikator 100.10"),
        ("number = 47\naspect = 8", "number = 47\naspect = 9", "indikator 47 merujuk aspek 9"),
        (
            "number = 8\ndomain = 4",
            "number = 8\ndomain = 5",
            "aspek 8 tidak berada dalam satu domain",
        ),
        ('lower = "2.6"', 'lower = "1.7"', "predikat 'Baik' tidak bersambung"),
        ('lower = "1.0"', 'lower = "0.5"', "predikat pertama harus mulai dari 1"),
        ("number = 47\naspect = 8", "number = 46\naspect = 8", "nomor indikator 46 muncul lebih"),
        ('weight = "45.5"', 'weight = "45.0"', "bobot domain 4"),
        ('weight = "3.00"\nscale = "layanan"', 'weight = "abc"\nscale = "layanan"', "bukan angka"),
        ('[[bands]]\nname = "Kurang"', '[[bands]\nname = "Kurang"', "tidak dapat dibaca"),
        ('\nid = "spbe-2020"', '\nidx = "spbe-2020"', "tidak memiliki kolom 'id'"),
    ],
)
def test_a_broken_file_names_the_file_and_the_problem(tmp_path, old, new, problem):
    directory = _broken_copy(tmp_path, old, new)
    with pytest.raises(FrameworkError) as err:
        load_framework("spbe-2020", directory)
    assert "spbe-2020.toml" in str(err.value)
    assert problem in str(err.value)


def test_band_lookup_by_name_is_case_insensitive(spbe2020):
    assert spbe2020.band("baik").lower == Decimal("2.6")
    with pytest.raises(FrameworkError, match="Istimewa"):
        spbe2020.band("Istimewa")
