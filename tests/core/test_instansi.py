import pandas as pd
import pytest

from spbe.core.errors import SpbeError
from spbe.core.instansi import instansi_code, kind_of
from tests.conftest import ROOT


def test_codes_of_the_maluku_utara_governments():
    assert instansi_code("Kota Ternate") == "kota-ternate"
    assert instansi_code("Provinsi Maluku Utara") == "prov-maluku-utara"
    assert instansi_code("Kab. Halmahera Barat") == "kab-halmahera-barat"
    assert instansi_code("Kota Tidore Kepulauan") == "kota-tidore-kepulauan"
    assert instansi_code("Nasional") == "nasional"


def test_kind_follows_the_printed_prefix():
    assert [kind_of(n) for n in ("Kota Ternate", "Provinsi Aceh", "Kab. Luwu", "Nasional")] == [
        "kota",
        "provinsi",
        "kabupaten",
        "nasional",
    ]
    assert kind_of("Kementerian Keuangan") == "pusat"


def test_every_published_name_gets_a_unique_code_per_year_and_kind_matches():
    national = pd.read_csv(ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv")
    codes = national["instansi"].map(instansi_code)
    assert (codes.groupby(national["year"]).nunique() == national.groupby("year").size()).all()
    assert (national["instansi"].map(kind_of) == national["kind"]).all()


def test_empty_name_is_refused():
    with pytest.raises(SpbeError, match="tidak valid"):
        instansi_code(" -- ")


def test_typed_names_and_codes_find_their_instansi():
    from spbe.core.instansi import find_code, spelling_key, spelling_lookup

    lookup = spelling_lookup(
        [("kota-ternate", "Kota Ternate"), ("prov-maluku-utara", "Provinsi Maluku Utara")]
    )
    assert find_code(lookup, "  kota   TERNATE ") == "kota-ternate"
    assert find_code(lookup, "PROV-maluku-utara") == "prov-maluku-utara"
    assert find_code(lookup, "Kota Tidore") is None
    assert lookup["Kota Ternate"] == "kota-ternate"  # the written spelling is kept for hints
    assert spelling_key(" Kab.  Luwu ") == "kab. luwu"
