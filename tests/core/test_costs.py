import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from spbe.core.costs import (
    DEFAULT_COSTS_FILE,
    INDICATOR_COLUMN,
    CostError,
    CostTable,
    cost_columns,
    costs_frame,
    costs_mapping,
    default_costs,
    step_columns,
    validate_costs,
)
from spbe.core.planner import apply_plan, cheapest_plan
from spbe.core.scoring import index_scaled

JT = 1_000_000


def table(fw, **overrides) -> pd.DataFrame:
    """A valid table: indicator n costs n, 2n, 3n, 4n juta; overrides like i4={'2→3': -5}."""
    rows = [
        {INDICATOR_COLUMN: n, **{c: (k + 1) * n * JT for k, c in enumerate(step_columns(fw))}}
        for n in fw.indicator_numbers
    ]
    frame = pd.DataFrame(rows, columns=list(cost_columns(fw)), dtype=object)
    for key, cells in overrides.items():
        row = int(key.removeprefix("i")) - 1
        for column, value in cells.items():
            frame.loc[row, column] = value
    return frame


def problems_of(frame, fw) -> tuple[str, ...]:
    with pytest.raises(CostError) as info:
        validate_costs(frame, fw)
    return info.value.problems


# -- the default table -------------------------------------------------------------------------


def test_default_table_is_illustrative_and_complete(spbe2020):
    costs = default_costs(spbe2020)
    assert isinstance(costs, CostTable)
    assert costs.provenance == "ilustrasi"
    assert "Perwali" in costs.note and "Ganti dengan biaya instansi sendiri" in costs.note
    assert list(costs.frame.columns) == ["Indikator", "1→2", "2→3", "3→4", "4→5"]
    assert costs.frame["Indikator"].tolist() == list(range(1, 48))
    # rows by hand from the assumption: policy (Perwali), architecture study, public service
    mapping = costs.mapping()
    assert mapping[1] == (35 * JT, 25 * JT, 40 * JT, 30 * JT)
    assert mapping[11] == (150 * JT, 200 * JT, 150 * JT, 100 * JT)
    assert mapping[42] == (100 * JT, 250 * JT, 400 * JT, 200 * JT)
    assert len(mapping) == 47


def test_default_table_of_pemdi(pemdi):
    costs = default_costs(pemdi)
    assert costs.framework_id == "pemdi-2026" and costs.provenance == "ilustrasi"
    assert costs.frame["Indikator"].tolist() == list(range(1, 21))
    assert costs.mapping()[14] == (250 * JT, 500 * JT, 750 * JT, 400 * JT)  # infrastruktur


def test_default_costs_plan_ternate_like_profile_to_cukup(spbe2020):
    levels = dict.fromkeys(spbe2020.indicator_numbers, 1)
    plan = cheapest_plan(levels, "Cukup", spbe2020, default_costs(spbe2020).mapping())
    assert plan.feasible and plan.predicate_after == "Cukup"
    assert plan.total_cost == plan.steps["cost"].sum()
    # A plan by hand reaching +0.80: Perwali 1-10 to 3 (0.26; 600 jt), 13, 14, 19, 20 to 3 (0.20;
    # 500 jt), 32-41 to 2 (0.275; 750 jt), 42-47 to 2 (0.18; 600 jt) = +0.915 for 2,450 jt.
    assert plan.total_cost <= 2_450 * JT
    # every step costs money, so no step of the cheapest plan can be spared
    for indicator, (_, to) in plan.raises.items():
        spared = index_scaled(apply_plan(levels, plan) | {indicator: to - 1}, spbe2020)
        assert spared < 18_000


def test_default_file_with_no_rows_for_the_framework(tmp_path, spbe2020):
    path = tmp_path / "biaya.csv"
    text = DEFAULT_COSTS_FILE.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("spbe-2020")),
        encoding="utf-8",
    )
    with pytest.raises(CostError, match="tidak ada biaya bawaan untuk kerangka spbe-2020"):
        default_costs(spbe2020, path)


def test_default_file_without_provenance_line(tmp_path, spbe2020):
    path = tmp_path / "biaya.csv"
    text = DEFAULT_COSTS_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("# provenance: ilustrasi\n", ""), encoding="utf-8")
    with pytest.raises(CostError, match="provenance"):
        default_costs(spbe2020, path)


def test_missing_default_file(tmp_path, spbe2020):
    with pytest.raises(CostError, match="tidak ditemukan"):
        default_costs(spbe2020, tmp_path / "tidak-ada.csv")


# -- validation ----------------------------------------------------------------------------------


def test_valid_table_is_cleaned_and_ordered(spbe2020):
    frame = table(spbe2020).iloc[::-1]  # reversed rows, object dtype
    frame["Catatan"] = "diabaikan"
    clean = validate_costs(frame, spbe2020)
    assert list(clean.columns) == list(cost_columns(spbe2020))
    assert clean["Indikator"].tolist() == list(range(1, 48))
    assert clean["Indikator"].dtype == np.int64
    assert all(clean[c].dtype == np.float64 for c in step_columns(spbe2020))
    assert clean.loc[3, "2→3"] == 8 * JT  # indicator 4, second step: 2 x 4 juta


def test_lenient_headers_and_digit_text(spbe2020):
    frame = table(spbe2020, i5={"3→4": "15000000"}).rename(
        columns={"Indikator": " indikator ", "1→2": "1->2", "2→3": "2 - 3", "3→4": "3–4"}
    )
    clean = validate_costs(frame, spbe2020)
    assert list(clean.columns) == list(cost_columns(spbe2020))
    assert clean.loc[4, "3→4"] == 15 * JT


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (-5, "indikator 4, kolom '2→3': biaya negatif (-5)."),
        (None, "indikator 4, kolom '2→3': kosong (isi biaya dalam Rupiah; 0 bila tanpa biaya)."),
        (float("nan"), "indikator 4, kolom '2→3': kosong (isi biaya dalam Rupiah; 0 bila tanpa"),
        ("  ", "indikator 4, kolom '2→3': kosong"),
        ("Rp 1.000", "indikator 4, kolom '2→3': 'Rp 1.000' bukan angka"),
        ("1.500.000", "indikator 4, kolom '2→3': '1.500.000' bukan angka"),
        (True, "indikator 4, kolom '2→3': True bukan angka"),
        (math.inf, "indikator 4, kolom '2→3': inf bukan angka yang terhingga."),
        ("-7", "indikator 4, kolom '2→3': biaya negatif ('-7')."),
    ],
)
def test_bad_cells_name_indicator_and_column(spbe2020, cell, message):
    problems = problems_of(table(spbe2020, i4={"2→3": cell}), spbe2020)
    assert len(problems) == 1
    assert problems[0].startswith(message)


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        (48, "baris 4, kolom 'Indikator': indikator 48 tidak dikenal dalam kerangka spbe-2020."),
        ("empat", "baris 4, kolom 'Indikator': 'empat' bukan nomor indikator."),
        (4.5, "baris 4, kolom 'Indikator': 4.5 bukan nomor indikator."),
        (None, "baris 4, kolom 'Indikator': kosong."),
    ],
)
def test_bad_indicator_names_the_row(spbe2020, indicator, expected):
    problems = problems_of(table(spbe2020, i4={"Indikator": indicator}), spbe2020)
    assert problems == (expected, "tidak ada baris biaya untuk indikator 4.")


def test_whole_float_indicator_numbers_are_accepted(spbe2020):
    frame = table(spbe2020)
    frame["Indikator"] = frame["Indikator"].astype(float)
    assert validate_costs(frame, spbe2020)["Indikator"].tolist() == list(range(1, 48))


def test_duplicate_and_missing_indicators(spbe2020):
    frame = table(spbe2020, i9={"Indikator": 8})
    assert problems_of(frame, spbe2020) == (
        "indikator 8 muncul lebih dari sekali (baris 8 dan 9).",
        "tidak ada baris biaya untuk indikator 9.",
    )


def test_missing_column_lists_what_was_found(spbe2020):
    frame = table(spbe2020).drop(columns="4→5")
    assert problems_of(frame, spbe2020) == (
        "kolom '4→5' tidak ada (kolom yang ditemukan: Indikator, 1→2, 2→3, 3→4).",
    )


def test_all_problems_are_listed_at_once(spbe2020):
    frame = table(spbe2020, i2={"1→2": -1, "4→5": "x"}, i30={"3→4": None}).drop(index=46)
    problems = problems_of(frame, spbe2020)
    assert [p.split(":")[0] for p in problems] == [
        "indikator 2, kolom '1→2'",
        "indikator 2, kolom '4→5'",
        "indikator 30, kolom '3→4'",
        "tidak ada baris biaya untuk indikator 47.",
    ]


def test_validate_does_not_mutate_its_input(spbe2020):
    frame = table(spbe2020).rename(columns={"1→2": "1->2"})
    copy = frame.copy()
    validate_costs(frame, spbe2020)
    pd.testing.assert_frame_equal(frame, copy)


def test_not_a_frame(spbe2020):
    with pytest.raises(CostError, match="harus berupa tabel"):
        validate_costs({1: (1, 2, 3, 4)}, spbe2020)


# -- mapping and round trips ---------------------------------------------------------------------


def test_costs_mapping_follows_the_step_order_not_the_column_order(spbe2020):
    clean = validate_costs(table(spbe2020), spbe2020)
    shuffled = clean[["4→5", "Indikator", "2→3", "1→2", "3→4"]]
    mapping = costs_mapping(shuffled)
    assert mapping[3] == (3 * JT, 6 * JT, 9 * JT, 12 * JT)
    assert list(mapping) == list(range(1, 48))


def test_costs_mapping_needs_a_cost_table():
    with pytest.raises(CostError, match="kolom 'Indikator'"):
        costs_mapping(pd.DataFrame({"a": [1]}))


def test_mapping_and_frame_round_trip(pemdi):
    mapping = default_costs(pemdi).mapping()
    assert costs_mapping(costs_frame(mapping, pemdi)) == mapping


def test_costs_frame_validates(spbe2020):
    with pytest.raises(CostError, match="tidak ada baris biaya untuk indikator 2, 3"):
        costs_frame({1: (1, 2, 3, 4)}, spbe2020)


def test_sheet_biaya_written_with_openpyxl_validates(tmp_path, spbe2020):
    # The workbook layout of issue 5: sheet "Biaya", Indikator | 1→2 | 2→3 | 3→4 | 4→5.
    path = tmp_path / "biaya.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Biaya"
    sheet.append(list(cost_columns(spbe2020)))
    for n, steps in default_costs(spbe2020).mapping().items():
        sheet.append([n, *steps])
    sheet["C3"] = -1  # indicator 2, step 2→3
    book.save(path)
    frame = pd.read_excel(path, sheet_name="Biaya")
    assert problems_of(frame, spbe2020) == ("indikator 2, kolom '2→3': biaya negatif (-1).",)
    sheet["C3"] = 25 * JT
    book.save(path)
    clean = validate_costs(pd.read_excel(path, sheet_name="Biaya"), spbe2020)
    assert costs_mapping(clean) == default_costs(spbe2020).mapping()
