import math

from spbe.core.formatting import (
    PLOTLY_SEPARATORS,
    format_delta,
    format_index,
    format_number,
    format_rupiah,
    round_half_up,
)


def test_format_index_uses_decimal_comma_and_two_places():
    assert format_index(2.486) == "2,49"
    assert format_index(1.2) == "1,20"
    assert format_index(5) == "5,00"


def test_half_up_on_the_written_decimal_not_the_binary_value():
    # 2.675 is stored as 2.67499…, 2.585 as 2.58499…: Python's round() gives 2.67 and 2.58
    assert (round(2.675, 2), round(2.585, 2), round(0.125, 2)) == (2.67, 2.58, 0.12)
    assert round_half_up(2.675) == 2.68
    assert round_half_up(2.595) == 2.6
    assert format_index(2.595) == "2,60"
    assert format_index(2.585) == "2,59"
    assert format_index(2.675) == "2,68"
    assert format_index(0.125) == "0,13"


def test_published_edge_cases_round_as_printed():
    assert format_index(2.5968) == "2,60"  # Kab. Luwu 2024
    assert format_index(3.4986) == "3,50"  # Kab. Pacitan 2024
    assert format_index(1.7985) == "1,80"  # Kab. Nias Barat 2024


def test_rupiah_with_dot_thousands():
    assert format_rupiah(1_250_000) == "Rp 1.250.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(999.5) == "Rp 1.000"
    assert format_rupiah(-2_500_000) == "-Rp 2.500.000"


def test_numbers_deltas_and_missing_values():
    assert format_number(1234.5) == "1.234,50"
    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_delta(0.69) == "+0,69"
    assert format_delta(-0.1) == "−0,10"
    assert format_delta(0.0001) == "±0,00"
    assert format_index(math.nan) == "–"
    assert math.isnan(round_half_up(math.nan))


def test_plotly_separators_are_indonesian():
    assert PLOTLY_SEPARATORS == ",."


def test_large_counts_are_said_in_words():
    from spbe.core.formatting import format_large_count

    assert format_large_count(24_030) == "24.030"  # exact below a million
    assert format_large_count(2_800_000_000) == "sekitar 2,8 miliar"
    assert format_large_count(41_230_562_064_450) == "sekitar 41 triliun"  # Ternate 2024
    assert format_large_count(2_755_255_374_760_127_875_433_600) == "lebih dari 1.000 triliun"
