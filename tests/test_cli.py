import json
import subprocess
import sys

import pytest

from spbe.cli import main
from tests.conftest import ROOT
from tests.helpers_cli import run


def test_init_creates_then_reports_an_existing_database(tmp_path):
    db = tmp_path / "cli.duckdb"
    code, out, err = run("init", "--db", db)
    assert code == 0, err
    assert "650 instansi, 1245 hasil resmi" in out
    assert "Profil rekonstruksi: 22 berhasil" in out
    code, out, _ = run("init", "--db", db)
    assert code == 0 and "Sudah berisi data" in out


def test_score_puts_recomputed_beside_official(tmp_path):
    db = tmp_path / "score.duckdb"
    code, out, err = run("score", "--db", db, "--instansi", "Kota Ternate", "--format", "json")
    assert code == 0, err
    rows = {r["year"]: r for r in json.loads(out)}
    assert set(rows) == {2023, 2024}
    assert rows[2024]["provenance"] == "rekonstruksi"
    assert rows[2024]["official_index"] == 1.89 and rows[2024]["official_predicate"] == "Cukup"
    assert round(rows[2024]["index"], 2) == 1.89 and rows[2024]["predicate"] == "Cukup"
    code, out, _ = run("score", "--db", db, "--year", "2023")
    assert code == 0
    assert "kota-ternate" in out and "1,20" in out and "Kurang" in out


def test_unknown_instansi_is_refused_with_exit_2_and_no_traceback(tmp_path):
    code, out, err = run("score", "--db", tmp_path / "x.duckdb", "--instansi", "Kota Atlantis")
    assert code == 2
    assert "Instansi 'Kota Atlantis' tidak dikenal" in err
    assert "Traceback" not in err + out


def test_bad_arguments_exit_2(capsys):
    assert main(["tidak-ada"]) == 2
    assert main([]) == 2


def test_a_corrupt_database_fails_with_exit_1_and_a_message(tmp_path):
    db = tmp_path / "corrupt.duckdb"
    db.write_bytes(b"\x00garbage" * 512)
    code, out, err = run("init", "--db", db)
    assert code == 1
    assert "Basis data" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["init", "score"])
def test_env_variable_selects_the_database(tmp_path, monkeypatch, command, capsys):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("SPBE_DB", str(db))
    assert main([command]) == 0
    assert db.exists()


def test_backup_then_restore_from_the_command_line(tmp_path):
    db = tmp_path / "a.duckdb"
    code, out, err = run("backup", "--db", db, tmp_path / "bk")
    assert code == 0, err
    assert "indicator_level: 1034" in out
    code, out, err = run("restore", tmp_path / "bk", "--db", tmp_path / "b.duckdb")
    assert code == 0, err
    assert "official_result: 1245" in out
    code, _, err = run("restore", tmp_path / "bk", "--db", tmp_path / "b.duckdb")
    assert code == 1 and "sudah ada" in err


def test_hash_password_reads_stdin_and_prints_a_verifiable_hash():
    from spbe.auth import verify_password

    proc = subprocess.run(
        [sys.executable, "-m", "spbe", "hash-password"],
        cwd=ROOT,
        input="s3cret\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert verify_password("s3cret", proc.stdout.strip())


def _levels_workbook(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Nilai Indikator"
    ws.append(["Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_template_import_export_round_trip(tmp_path):
    import openpyxl

    from spbe.store import import_log, indicator_levels, open_store

    db = tmp_path / "rt.duckdb"
    code, out, err = run("template", tmp_path / "templat.xlsx")
    assert code == 0, err
    assert "Nilai Indikator" in openpyxl.load_workbook(tmp_path / "templat.xlsx").sheetnames

    rows = [
        ("Kota Ternate", 2025, n, 3, "mandiri", "+62 812 (kontak) @budi" if n == 1 else None)
        for n in range(1, 48)
    ]
    book = _levels_workbook(tmp_path / "mandiri-2025.xlsx", rows)
    code, out, err = run("import", "--db", db, book)
    assert code == 0, err
    assert "47 baris ditambahkan" in out
    code, out, _ = run("import", "--db", db, book)
    assert code == 0 and "Tidak ada perubahan" in out

    changed = [(*r[:3], 4 if r[2] == 44 else r[3], *r[4:]) for r in rows]
    code, out, err = run("import", "--db", db, _levels_workbook(tmp_path / "ubah.xlsx", changed))
    assert code == 2
    assert "kota-ternate 2025 indikator 44 (mandiri): 3 → 4" in err
    code, out, err = run("import", "--db", db, "--replace", tmp_path / "ubah.xlsx")
    assert code == 0 and "1 diubah" in out

    code, out, err = run("export", "--db", db, tmp_path / "ekspor.xlsx")
    assert code == 0, err
    exported = openpyxl.load_workbook(tmp_path / "ekspor.xlsx")
    assert exported.sheetnames[:5] == [
        "Ringkasan",
        "Domain & Aspek",
        "Nilai Indikator",
        "OPD",
        "Sumber",
    ]
    # user text stays text, and the exported workbook imports back as a no-op
    levels_sheet = exported["Nilai Indikator"]
    cells = [
        c for row in levels_sheet.iter_rows() for c in row if c.value == "+62 812 (kontak) @budi"
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    code, out, err = run("import", "--db", db, tmp_path / "ekspor.xlsx")
    assert code == 0, err
    assert "Tidak ada perubahan" in out

    con = open_store(db)
    stored = indicator_levels(con, "kota-ternate", 2025, "mandiri")
    assert len(stored) == 47 and stored.set_index("indicator").loc[44, "level"] == 4
    assert import_log(con)["status"].tolist() == [
        "tidak berubah",
        "diterima",
        "ditolak",
        "tidak berubah",
        "diterima",
    ]
    con.close()


def test_an_invalid_workbook_is_refused_with_sheet_row_column_and_nothing_written(tmp_path):
    from spbe.store import indicator_levels, open_store

    db = tmp_path / "bad.duckdb"
    rows = [
        ("Kota Ternate", 2025, 1, 3, "mandiri", None),
        ("Kota Atlantis", 2025, 2, 3, "mandiri", None),
        ("Kota Ternate", 2025, 3, 7, "mandiri", None),
    ]
    code, out, err = run("import", "--db", db, _levels_workbook(tmp_path / "salah.xlsx", rows))
    assert code == 2
    assert 'Sheet "Nilai Indikator", baris 3, kolom Instansi' in err
    assert "baris 4, kolom Tingkat" in err
    assert "Tidak ada data yang disimpan" in err and "Traceback" not in err
    con = open_store(db)
    assert indicator_levels(con, "kota-ternate", 2025).empty
    con.close()


def test_a_renamed_csv_is_refused(tmp_path):
    fake = tmp_path / "nilai.xlsx"
    fake.write_text("Instansi,Tahun\nKota Ternate,2025\n")
    code, _, err = run("import", "--db", tmp_path / "x.duckdb", fake)
    assert code == 2 and "bukan berkas Excel .xlsx yang sah" in err


def test_score_lists_an_incomplete_self_assessment_without_scoring_it(tmp_path):
    from tests.data.make_bad_workbooks import levels_workbook

    db = tmp_path / "spbe.duckdb"
    wb = tmp_path / "sebagian.xlsx"
    wb.write_bytes(
        levels_workbook([("Kota Ternate", 2025, n, 3, "mandiri", None) for n in (1, 2, 3)])
    )
    assert run("import", wb, "--db", db)[0] == 0
    code, out, err = run("score", "--db", db, "--instansi", "kota-ternate", "--year", "2025")
    assert code == 0, err
    assert "profil belum lengkap (3 indikator)" in out
