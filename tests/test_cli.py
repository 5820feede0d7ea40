import json
import subprocess
import sys

import pytest

from spbe.cli import main
from tests.conftest import ROOT


def run(*args):
    """Run the CLI as users do, in a subprocess: exit code, stdout, stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "spbe", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


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
