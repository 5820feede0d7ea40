"""``python -m spbe plan``: the single-budget plan and the annual-budget roadmap from the stored
profile of Kota Ternate 2024 (reconstructed, 1,894 Cukup) with the illustrative costs, checked
against the exact planner (spbe.core.planner) and by hand; bad input exits 2 in Indonesian."""

from __future__ import annotations

import json

import pytest

from spbe import store
from spbe.cli import main
from spbe.core.costs import default_costs
from spbe.core.framework import load_framework
from spbe.core.planner import best_plan_within_budget, cheapest_plan
from spbe.core.scoring import index_scaled
from tests.helpers_app import build_seeded_database
from tests.helpers_cli import run

JT = 1_000_000
TERNATE = ("--instansi", "Kota Ternate", "--year", "2024")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_seeded_database(tmp_path_factory.mktemp("plan") / "spbe.duckdb")


@pytest.fixture(scope="module")
def fw():
    return load_framework("spbe-2020")


@pytest.fixture(scope="module")
def levels(db):
    con = store.open_read_only(db)
    try:
        frame = store.indicator_levels(con, "kota-ternate", 2024)
    finally:
        con.close()
    assert set(frame["provenance"]) == {"rekonstruksi"}  # no resmi levels are stored for 2024
    return dict(zip(frame["indicator"].astype(int), frame["level"].astype(int)))


@pytest.fixture(scope="module")
def costs(fw):
    return default_costs(fw).mapping()


def plan(db, capsys, *args) -> tuple[int, str, str]:
    """``python -m spbe plan`` in this process (the subprocess form is tested below)."""
    code = main(["plan", "--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def plan_json(db, capsys, *args) -> dict:
    code, out, err = plan(db, capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_json_without_annual_budget_is_the_cheapest_plan_in_one_entry(
    db, capsys, levels, fw, costs
):
    data = plan_json(db, capsys, *TERNATE, "--target", "Baik")
    cheapest = cheapest_plan(levels, "Baik", fw, costs)
    assert cheapest.total_cost == 1_760 * JT
    assert set(data) == {"feasible", "total_cost", "index_before", "index_after", "years"}
    assert data["feasible"] is True
    assert data["total_cost"] == 1_760_000_000 and isinstance(data["total_cost"], int)
    assert data["index_before"] == pytest.approx(1.894)  # 0,234 + 0,25 + 0,165 + 1,245
    assert data["index_after"] == pytest.approx(2.6)
    [year] = data["years"]
    assert year["year"] == 2025 and year["cost"] == data["total_cost"]
    assert year["index_after"] == data["index_after"]
    assert year["raises"] == {str(n): [a, b] for n, (a, b) in cheapest.raises.items()}
    assert year["raises"]["9"] == [1, 5] and year["raises"]["13"] == [1, 3]


def test_table_without_annual_budget_names_profile_costs_and_result(db, capsys):
    code, out, err = plan(db, capsys, *TERNATE, "--target", "Baik")
    assert code == 0, err
    assert "profil awal Rekonstruksi (2024)" in out
    assert "Biaya: Ilustrasi" in out  # no costs saved for Ternate: the illustrative ones
    assert "Target: Predikat Baik (indeks ≥ 2,60)" in out
    assert "2025   Rp 1.760.000.000  –" in out
    assert "9 (1→5), 10 (1→5), 13 (1→3)" in out
    assert out.rstrip().endswith("biaya total Rp 1.760.000.000.")
    assert "tercapai: 1,89 (Cukup) → 2,60 (Baik)" in out


def _check_years(data, levels, fw, costs, budget):
    """Each year spends at most ``budget``, costs what its raises cost in the cost table, moves
    one level per indicator and ends at the index its levels give (recomputed here)."""
    current = dict(levels)
    for year in data["years"]:
        spent = 0
        for n, (frm, to) in year["raises"].items():
            n = int(n)
            assert current[n] == frm and to == frm + 1  # one level a year, from where it stood
            spent += costs[n][frm - fw.min_level]
            current[n] = to
        assert year["cost"] == spent <= budget
        assert year["index_after"] == pytest.approx(index_scaled(current, fw) / 10_000)
    return current


def test_json_with_annual_budget_is_the_fastest_then_cheapest_roadmap(
    db, capsys, levels, fw, costs
):
    data = plan_json(db, capsys, *TERNATE, "--target", "Baik", "--annual-budget", "750 juta")
    assert data["feasible"] is True
    assert [y["year"] for y in data["years"]] == [2025, 2026, 2027]
    assert data["total_cost"] == sum(y["cost"] for y in data["years"]) == 1_780 * JT
    final = _check_years(data, levels, fw, costs, 750 * JT)
    assert index_scaled(final, fw) >= 26_000 > data["years"][1]["index_after"] * 10_000
    # Two years cannot do: with at most 2 steps per indicator the cheapest way costs Rp 2.090 jt,
    # more than 2 × Rp 750 jt. Three years: at most 3 steps each costs at least Rp 1.780 jt, and
    # the roadmap costs exactly that, so it is the cheapest three-year roadmap.
    assert cheapest_plan(levels, "Baik", fw, costs, max_steps=2).total_cost == 2_090 * JT
    assert cheapest_plan(levels, "Baik", fw, costs, max_steps=3).total_cost == 1_780 * JT


def test_table_with_annual_budget_shows_each_year_against_its_budget(db, capsys):
    code, out, err = plan(
        db, capsys, *TERNATE, "--target", "Baik", "--annual-budget", "Rp 750.000.000"
    )
    assert code == 0, err
    assert "Anggaran per tahun: Rp 750.000.000 per tahun" in out
    assert "Satu tingkat per tahun: ya (paling banyak 1 langkah per indikator per tahun)" in out
    rows = [line for line in out.splitlines() if line[:4] in ("2025", "2026", "2027", "2028")]
    assert [r[:4] for r in rows] == ["2025", "2026", "2027"]
    assert all("Rp 750.000.000  2," in r for r in rows)  # the budget column of every year
    assert rows[-1].split("  ")[0:1] == ["2027"] and "2,60 Baik" in rows[-1]
    assert "target tercapai dalam 3 tahun" in out
    assert out.rstrip().endswith("biaya total Rp 1.780.000.000.")


def test_a_generous_annual_budget_gives_the_one_year_plan(db, capsys, levels, fw, costs):
    # One year, one level per indicator: the planner's cheapest plan with max_steps=1.
    one_year = cheapest_plan(levels, "Baik", fw, costs, max_steps=1)
    assert one_year.total_cost == 3_510 * JT
    data = plan_json(db, capsys, *TERNATE, "--target", "Baik", "--annual-budget", "10 miliar")
    assert [y["year"] for y in data["years"]] == [2025]
    assert data["total_cost"] == 3_510_000_000
    assert data["years"][0]["raises"] == {str(n): [a, b] for n, (a, b) in one_year.raises.items()}
    # Rp 1 less than that in the first year: it needs a second year
    tight = plan_json(
        db, capsys, *TERNATE, "--target", "Baik", "--annual-budget", "3.509.999.999; 10 miliar"
    )
    assert len(tight["years"]) == 2
    assert tight["years"][0]["cost"] <= 3_509_999_999
    assert tight["total_cost"] == sum(y["cost"] for y in tight["years"])
    _check_years(tight, levels, fw, costs, 10_000 * JT)


@pytest.mark.parametrize(
    "typed", ["400000000", "400.000.000", "Rp 400.000.000", "400 juta", "0,4 miliar"]
)
def test_rupiah_is_read_as_people_write_it(db, capsys, levels, fw, costs, typed):
    data = plan_json(db, capsys, *TERNATE, "--budget", typed)
    best = best_plan_within_budget(levels, 400 * JT, fw, costs)
    assert data["total_cost"] == round(best.total_cost) <= 400 * JT
    assert data["index_after"] == pytest.approx(best.index_after)
    assert [y["year"] for y in data["years"]] == [2025]


def test_one_and_a_half_miliar(db, capsys, levels, fw, costs):
    data = plan_json(db, capsys, *TERNATE, "--budget", "1,5 miliar")
    best = best_plan_within_budget(levels, 1_500 * JT, fw, costs)
    assert data["total_cost"] == best.total_cost == 1_500 * JT
    assert data["index_after"] == pytest.approx(best.index_after)


def test_the_best_index_in_fixed_years_under_annual_budgets(db, capsys, levels, fw, costs):
    # One year with Rp 400 jt and one level each = the planner's best plan within Rp 400 jt with
    # max_steps=1: Perwali 1–8 2→3 (8 × Rp 25 jt) and 13, 14, 19, 20 1→2 (4 × Rp 50 jt), +0,204.
    data = plan_json(db, capsys, *TERNATE, "--annual-budget", "400 juta", "--years", "1")
    best = best_plan_within_budget(levels, 400 * JT, fw, costs, max_steps=1)
    assert data["index_after"] == pytest.approx(best.index_after) == pytest.approx(2.098)
    assert data["total_cost"] == 400 * JT
    two = plan_json(db, capsys, *TERNATE, "--annual-budget", "400 juta; 500 juta", "--years", "2")
    assert [y["year"] for y in two["years"]] == [2025, 2026]
    _check_years(two, levels, fw, costs, 500 * JT)
    assert two["years"][0]["cost"] <= 400 * JT
    assert two["index_after"] > data["index_after"]


def test_an_unreachable_target_exits_0_with_the_best_reachable_index(db, capsys):
    locked = ",".join(str(n) for n in range(1, 31))
    data = plan_json(db, capsys, *TERNATE, "--target", "Memuaskan", "--lock", locked)
    assert data["feasible"] is False
    # only 31–47 may move, all to 5: 31 1→5 (4 × 0,015), 32–41 3→5 (10 × 2 × 0,0275),
    # 42–43 3→5 (2 × 2 × 0,03), 44–47 2→5 (4 × 3 × 0,03): +1,09 → 2,984
    assert data["index_after"] == pytest.approx(2.984)
    assert set(data["years"][0]["raises"]) == {str(n) for n in range(31, 48)}
    code, out, _ = plan(db, capsys, *TERNATE, "--target", "Memuaskan", "--lock", locked)
    assert code == 0 and "target TIDAK tercapai; indeks tertinggi yang dapat dicapai 2,98" in out

    yearly = plan_json(
        db, capsys, *TERNATE, "--target", "Memuaskan", "--annual-budget", "400 juta", "--years", "1"
    )
    assert yearly["feasible"] is False
    assert yearly["index_after"] == pytest.approx(2.098)  # the best within one year, as above


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--instansi", "Kota Ternat", "--year", "2024", "--target", "Baik"),
         "Instansi 'Kota Ternat' tidak dikenal; maksud Anda \"Kota Ternate\"?"),
        (("--instansi", "ternate", "--year", "2024", "--target", "Baik"),
         "maksud Anda \"Kota Ternate\"?"),
        ((*TERNATE, "--budget", "-750000000"), "Anggaran (--budget) tidak boleh negatif"),
        ((*TERNATE, "--budget", "tujuh ratus juta"), "tidak dapat dibaca sebagai Rupiah"),
        ((*TERNATE, "--budget", "1,5"), "harus dalam Rupiah utuh"),
        ((*TERNATE, "--target", "Baik", "--annual-budget", "750 juta; -5"), "tidak boleh negatif"),
        ((*TERNATE, "--target", "Baik", "--annual-budget", "1,500,000"), "pemisah ribuan"),
        ((*TERNATE, "--target", "Bagus"), "Target 'Bagus' bukan predikat"),
        ((*TERNATE, "--target", "7"), "di luar rentang 1–5"),
        ((*TERNATE, "--target", "Baik", "--lock", "1,x"), "--lock '1,x'"),
        ((*TERNATE, "--target", "Baik", "--lock", "99"), "indikator terkunci 99 tidak dikenal"),
        (TERNATE, "Isi --target"),
        ((*TERNATE, "--budget", "5", "--annual-budget", "5"), "tidak dapat dipakai bersama"),
        ((*TERNATE, "--target", "Baik", "--years", "3"), "--years hanya berlaku"),
        ((*TERNATE, "--annual-budget", "750 juta"), "memerlukan --years"),
        ((*TERNATE, "--target", "Baik", "--annual-budget", "1", "--years", "31"), "1–30"),
        (("--instansi", "Kota Ternate", "--year", "2019", "--target", "Baik"),
         "Tidak ada profil tingkat indikator tersimpan"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_an_indonesian_message(db, capsys, args, message):
    code, out, err = plan(db, capsys, *args)
    assert code == 2
    assert message in err and out == ""


def test_as_a_command_exit_codes_and_no_traceback(db):
    code, out, err = run("plan", "--db", db, *TERNATE, "--target", "Baik", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["total_cost"] == 1_760_000_000
    code, out, err = run("plan", "--db", db, "--instansi", "Kota Atlantis", "--year", "2024",
                         "--target", "Baik")  # fmt: skip
    assert code == 2 and "Instansi 'Kota Atlantis' tidak dikenal" in err
    code, out, err = run("plan", "--db", db, *TERNATE, "--budget", "abc")
    assert code == 2 and "Traceback" not in out + err
    corrupt = db.parent / "rusak.duckdb"
    corrupt.write_bytes(b"\x00garbage" * 512)
    code, out, err = run("plan", "--db", corrupt, *TERNATE, "--target", "Baik")
    assert code == 1 and "Traceback" not in out + err
