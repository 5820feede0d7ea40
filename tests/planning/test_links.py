"""The scenario in URL query parameters: round trips, and garbage that never crashes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spbe.core.errors import SpbeError
from spbe.planning.links import (
    KEYS,
    Decoded,
    ScenarioState,
    decode_state,
    encode_state,
    link_state,
)

CODES = {"kota-ternate", "prov-maluku-utara"}
# Kota Ternate 2024, reconstructed (indicator 1 first): the seeded profile
TERNATE_2024 = "22222222111111111111111111111113333333333332222"


def _levels(text: str) -> tuple[int, ...]:
    return tuple(int(c) for c in text)


FULL = ScenarioState(
    instansi_code="kota-ternate",
    year=2024,
    provenance="rekonstruksi",
    levels=_levels(TERNATE_2024[:41] + "4" + TERNATE_2024[42:]),
    mode="anggaran",
    target=Decimal("2.75"),
    budget=1_500_000_000,
    locked=(1, 5, 42),
    max_level=4,
    one_step=True,
)


def test_a_full_state_round_trips():
    params = encode_state(FULL)
    assert params == {
        "i": "kota-ternate",
        "y": "2024",
        "p": "rekonstruksi",
        "l": "22222222111111111111111111111113333333333432222",
        "m": "anggaran",
        "t": "2.75",
        "b": "1500000000",
        "k": "1,5,42",
        "x": "4",
        "s": "1",
    }
    assert decode_state(params, CODES) == Decoded(FULL, ())


def test_a_roadmap_link_carries_its_annual_budgets_and_years():
    state = ScenarioState(
        "kota-ternate", 2024, "rekonstruksi", target="Baik", one_step=True,
        annual_budgets=(750_000_000, 800_000_000), years=5,
    )  # fmt: skip
    params = encode_state(state)
    assert params["a"] == "750000000,800000000" and params["n"] == "5"
    assert decode_state(params, CODES) == Decoded(state, ())


def test_a_minimal_state_is_three_short_parameters():
    state = ScenarioState("prov-maluku-utara", 2024, "rekonstruksi", target="Baik")
    params = encode_state(state)
    assert params == {"i": "prov-maluku-utara", "y": "2024", "p": "rekonstruksi", "t": "Baik"}
    assert decode_state(params, CODES).state == state


def test_values_as_lists_and_lenient_spellings_are_read():
    params = {"i": ["kota-tidore", "kota-ternate"], "y": "2024", "t": "baik", "k": "42,1,42"}
    decoded = decode_state(params, CODES)
    # last value wins (as st.query_params.to_dict()); predicate names are case-insensitive;
    # no provenance means the instansi's first stored profile
    assert decoded.state == ScenarioState("kota-ternate", 2024, target="Baik", locked=(1, 42))
    assert decode_state({"i": "kota-ternate", "y": "2024", "t": "2,6"}, CODES).state.target == (
        Decimal("2.6")
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"i": "kota-antah", "y": "2024"}, "instansi 'kota-antah' tidak dikenal"),
        ({"i": "kota-ternate"}, "parameter 'y' tidak ada"),
        ({"y": "2024", "l": TERNATE_2024}, "parameter 'i' tidak ada"),
        ({"i": "kota-ternate", "y": "dua ribu"}, "tahun 'dua ribu' tidak valid"),
        ({"i": "kota-ternate", "y": "1850"}, "tahun '1850' tidak valid"),
        ({"i": "kota-ternate", "y": "2019"}, "PermenPANRB 5/2018 belum dimuat"),
    ],
)
def test_without_a_usable_instansi_and_year_there_is_no_state(params, message):
    decoded = decode_state(params, CODES)
    assert decoded.state is None
    assert any(message in m for m in decoded.messages), decoded.messages


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("l", TERNATE_2024[:-1], "tingkat harus 47 angka"),
        ("l", TERNATE_2024[:-1] + "9", "setiap tingkat harus 1–5"),
        ("l", TERNATE_2024[:-1] + "x", "tingkat harus 47 angka"),
        ("l", "٢" * 47, "tingkat harus 47 angka"),  # Arabic-Indic digits are not ours
        ("t", "Hebat", "bukan predikat atau indeks 1–5"),
        ("t", "7.5", "bukan predikat atau indeks 1–5"),
        ("t", "NaN", "bukan predikat atau indeks 1–5"),
        ("b", "1.500.000", "bilangan bulat Rupiah"),
        ("b", "-5", "bilangan bulat Rupiah"),
        ("b", "9" * 17, "bilangan bulat Rupiah"),
        ("k", "1,99", "indikator terkunci '1,99' tidak dikenal"),
        ("k", "satu", "tidak dikenal"),
        ("x", "7", "tingkat maksimum harus 1–5"),
        ("s", "ya", "harus 0 atau 1"),
        ("m", "acak", "mode 'acak' tidak dikenal"),
        ("p", "tebakan", "asal profil 'tebakan' tidak dikenal"),
        ("l", "2" * 5000, "tidak dapat dibaca"),
        ("a", "750.000.000", "anggaran per tahun '750.000.000' harus bilangan bulat"),
        ("a", ",".join(["1"] * 31), "paling banyak 30"),
        ("n", "0", "jumlah tahun harus 1–30"),
    ],
)
def test_a_bad_parameter_is_dropped_with_a_message_and_the_rest_kept(key, value, message):
    params = {"i": "kota-ternate", "y": "2024", "p": "rekonstruksi", "t": "Baik", key: value}
    decoded = decode_state(params, CODES)
    assert decoded.state is not None and decoded.state.instansi_code == "kota-ternate"
    assert len(decoded.messages) == 1 and f"'{key}'" in decoded.messages[0]
    assert message in decoded.messages[0]
    if key != "t":
        assert decoded.state.target == "Baik"
    if key == "l":
        assert decoded.state.levels is None  # the stored profile is used instead


def test_no_parameters_of_ours_means_no_state_and_no_message():
    assert decode_state({}, CODES) == Decoded(None, ())
    assert decode_state({"utm_source": "wa"}, CODES) == Decoded(None, ())


def test_a_link_is_applied_once_not_when_it_is_what_the_session_wrote():
    params = encode_state(FULL)
    assert link_state(params, None, CODES).state == FULL
    assert link_state(params, params, CODES) == Decoded(None, ())
    other = params | {"x": "5"}
    assert link_state(other, params, CODES).state.max_level == 5
    assert link_state({"utm": "x"}, params, CODES) == Decoded(None, ())


def test_the_state_refuses_unknown_provenance_and_mode():
    with pytest.raises(SpbeError, match="Asal profil"):
        ScenarioState("kota-ternate", 2024, "tebakan")
    with pytest.raises(SpbeError, match="Mode perencana"):
        ScenarioState("kota-ternate", 2024, "resmi", mode="acak")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(KEYS + ("zz",)),
        st.one_of(st.text(max_size=60), st.lists(st.text(max_size=10), max_size=3), st.none()),
    )
)
def test_any_garbage_decodes_without_raising(params):
    decoded = decode_state(params, CODES)
    assert isinstance(decoded, Decoded)
    assert all(isinstance(m, str) and m for m in decoded.messages)
    if decoded.state is not None:
        # whatever was kept encodes and decodes to itself
        assert decode_state(encode_state(decoded.state), CODES).state == decoded.state
