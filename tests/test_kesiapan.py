"""Collecting the self-assessment from the OPDs, end to end: templates written for Kota Ternate 2025
(spbe.cli_opd), filled with openpyxl as an OPD would, imported (CLI and the page's uploader) into
a seeded database, and the page "Kesiapan Penilaian" (AppTest through app.py) showing who has
sent what and the days left to the verification date."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from spbe import store, ui
from spbe.auth import HASH_ENV, hash_password
from spbe.cli_opd import main as opd_cli
from spbe.files.opd import ENTRY_SHEET, EVIDENCE_SHEET
from spbe.store.imports import STATUS_REFUSED
from spbe.store.queries import counts_of
from tests.helpers_app import (
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    new_app_test,
    open_page,
)
from tests.helpers_cli import ROOT

PAGE = next(p for p in discover_pages() if p.test_id == "kesiapan")
PASSWORD = "rahasia-kominfo"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The three OPDs that send their part (seeded mapping of Kota Ternate): lead indicators, and which
# of them get evidence documents. Indicator 13 is led by both BPKAD and Bappelitbangda.
SENT = {
    "bpkad": ({13: 2, 24: 3, 33: 2, 34: 3, 38: 2}, {13, 24, 33, 34, 38}),
    "bappeda": ({3: 2, 13: 2, 32: 1}, {3, 32}),
    "organisasi": ({14: 2, 27: 1, 40: 2}, set()),
}
NOT_SENT = {  # OPD (short name) -> how many indicators it leads
    "Diskomsandi": 28,
    "Inspektorat": 6,
    "BKPSDM": 3,
    "Bagian Hukum": 1,
    "Dukcapil": 1,
    "UKPBJ": 1,
    "Dispursip": 1,
    "DPMPTSP": 1,
    "Dinkes": 1,
}


@pytest.fixture
def app_db(store_copy, monkeypatch):
    monkeypatch.setenv(store.DB_ENV, str(store_copy))
    monkeypatch.setenv(HASH_ENV, hash_password(PASSWORD, iterations=1000))
    clear_streamlit_caches()
    with full_error_details():
        yield store_copy
    clear_streamlit_caches()


def _ok(at):
    assert not at.exception, "\n\n".join(exception_texts(at))
    return at


def _template(db: Path, folder: Path, opd: str) -> Path:
    path = folder / f"{opd}.xlsx"
    args = ["template", str(path), "--instansi", "Kota Ternate", "--year", "2025", "--opd", opd]
    assert opd_cli([*args, "--db", str(db)]) == 0
    return path


def _fill(path: Path, levels: dict[int, int], documented: set[int], out: Path) -> Path:
    """Fill the template as an OPD does: Tingkat and Penjelasan of its rows, documents below."""
    book = openpyxl.load_workbook(path)
    sheet = book[ENTRY_SHEET]
    for row in range(2, sheet.max_row + 1):
        number = sheet.cell(row, 1).value
        if number in levels:
            sheet.cell(row, 4).value = levels[number]
            sheet.cell(row, 5).value = f"Penjelasan indikator {number}"
    proofs = book[EVIDENCE_SHEET]
    for row in range(2, proofs.max_row + 1):
        number = proofs.cell(row, 1).value
        if number in documented:
            proofs.cell(row, 3).value = f"SK indikator {number}"
            proofs.cell(row, 4).value = f"https://jdih.ternatekota.go.id/sk-{number}.pdf"
    book.save(out)
    return out


def _filled(db: Path, folder: Path, opd: str) -> Path:
    levels, documented = SENT[opd]
    return _fill(_template(db, folder, opd), levels, documented, folder / f"{opd}-isi.xlsx")


def _login(at):
    at.text_input(key="admin_name").set_value("Rina")
    at.text_input(key="admin_password").set_value(PASSWORD)
    return _ok(next(b for b in at.button if b.label == "Masuk").click().run())


def _page_2025(at):
    _ok(open_page(at, PAGE))
    return _ok(at.selectbox(key=ui.KEY_YEAR).set_value(2025).run())


def _table(at):
    found = [d.value for d in at.dataframe if "Indikator dikirim" in d.value.columns]
    assert len(found) == 1
    return found[0].set_index("OPD")


def _snapshot(db: Path):
    with store.connected(db) as con:
        counts = {**store.table_counts(con), **counts_of(con, ["opd_evidence"])}
        return counts, store.indicator_levels(con, "kota-ternate", 2025, "mandiri")


def test_three_opd_workbooks_build_one_self_assessment_shown_on_kesiapan(app_db, tmp_path, capsys):
    files = [str(_filled(app_db, tmp_path, opd)) for opd in SENT]
    assert opd_cli(["import", *files, "--db", str(app_db)]) == 0
    printed = capsys.readouterr().out
    assert "bpkad-isi.xlsx: Kiriman OPD bpkad diterima: 5 indikator baru" in printed
    expected = {n: lv for levels, _ in SENT.values() for n, lv in levels.items()}
    _, mandiri = _snapshot(app_db)
    assert dict(zip(mandiri["indicator"], mandiri["level"], strict=True)) == expected  # exactly

    # Ringkasan 2025: the OPDs' 10 indicators (13 sent by two joint leads) over Ternate's 2024 reconstructed profile (index
    # 1,894), beside the 3,75 from the news. Changes from 2024 (weight × levels): 13 +2,5 (1→2),
    # 14 +2,5 (1→2), 24 +1,5 × 2 (1→3), 32 −2,75 × 2 (3→1), 33, 38 and 40 −2,75 each (3→2);
    # 3, 27 and 34 unchanged: 8,0 − 13,75 = −5,75 points of 100 → 1,894 − 0,0575 = 1,8365.
    home = new_app_test()
    _ok(home.run())
    _ok(home.selectbox(key=ui.KEY_YEAR).set_value(2025).run())
    metrics = {m.label: m.value for m in home.metric}
    assert metrics["Indeks penilaian mandiri 2025 (isian OPD 10/47 indikator)"] == "1,84 · Cukup"
    assert metrics["Indeks 2025 (sementara, belum diverifikasi)"].startswith("3,75")  # beside
    captions = " ".join(c.value for c in home.caption)
    assert "10 dari 47 indikator dari isian OPD" in captions
    assert "37 indikator yang belum masuk memakai tingkat 2024 · Rekonstruksi" in captions

    at = _page_2025(new_app_test())
    _login(at)
    day = date.today() + timedelta(days=30)
    _ok(at.date_input(key="kesiapan_date").set_value(day).run())
    _ok(at.button(key="kesiapan_save_date").click().run())
    assert [s.value for s in at.success] == [f"Tanggal verifikasi 2025 ditetapkan {_long(day)}."]
    table = _table(at)
    assert table.loc["BPKAD", "Indikator dikirim"] == "5/5"
    assert table.loc["Bappelitbangda", "Indikator dikirim"] == "3/3"
    assert table.loc["Bagian Organisasi", "Indikator dikirim"] == "3/3"
    without = table["Dikirim tanpa bukti dukung"]
    assert (without["BPKAD"], without["Bappelitbangda"], without["Bagian Organisasi"]) == (0, 1, 3)
    for name, leads in NOT_SENT.items():
        assert table.loc[name, "Indikator dikirim"] == f"0/{leads}"
        assert table.loc[name, "Status"] == "Belum mengirim"
        assert table.loc[name, "Kiriman terakhir"] == "–"
    assert len(table) == 12
    assert set(table.loc[["BPKAD", "Bappelitbangda"], "Status"]) == {"Lengkap"}
    assert set(table["Sisa hari ke verifikasi"]) == {"30 hari lagi"}
    assert table.loc["BPKAD", "Kiriman terakhir"] == f"{date.today():%d-%m-%Y}"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Isian OPD dikirim"] == "11/54 indikator"
    assert metrics["OPD lengkap"] == "3/12"
    assert metrics["Verifikasi asesor"] == _long(day)
    assert "Sisa waktu: 30 hari lagi" in [c.value for c in at.caption]


def test_a_workbook_with_a_foreign_indicator_is_refused_located_and_nothing_written(
    app_db, tmp_path
):
    import subprocess
    import sys

    path = _filled(app_db, tmp_path, "bpkad")
    book = openpyxl.load_workbook(path)
    sheet = book[ENTRY_SHEET]
    sheet.protection.sheet = False
    sheet.append([21, "Audit Infrastruktur SPBE", "", 3, "kami isi juga"])  # led by kominfo
    book.save(path)
    before = _snapshot(app_db)
    run = subprocess.run(
        [sys.executable, "-m", "spbe.cli_opd", "import", str(path), "--db", str(app_db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert 'Berkas "bpkad-isi.xlsx" ditolak (1 masalah)' in run.stderr
    assert (
        'Sheet "Isian Indikator", baris 7, kolom Tingkat: indikator 21 tidak diampu OPD bpkad'
        in (run.stderr)
    )
    assert "Tidak ada data yang disimpan." in run.stderr
    after = _snapshot(app_db)
    assert after[1].equals(before[1])  # no level written
    assert after[0]["opd_evidence"] == before[0]["opd_evidence"] == 0
    assert after[0]["import_log"] == before[0]["import_log"] + 1
    with store.connected(app_db) as con:
        assert store.import_log(con)["status"].iloc[0] == STATUS_REFUSED


def test_an_admin_imports_through_the_page_and_confirms_a_change(app_db, tmp_path):
    good = _filled(app_db, tmp_path, "organisasi").read_bytes()
    at = _page_2025(new_app_test())
    _login(at)
    at.get("file_uploader")[0].set_value([("organisasi.xlsx", good, XLSX)])
    _ok(at.run())
    _ok(at.button(key="kesiapan_import").click().run())
    assert [s.value for s in at.success] == [
        "organisasi.xlsx: Kiriman OPD organisasi diterima: 3 indikator baru, 0 diubah, 0 sudah "
        "sama; 0 bukti dukung."
    ]
    assert _table(at).loc["Bagian Organisasi", "Indikator dikirim"] == "3/3"  # drawn after it

    book = openpyxl.load_workbook(io.BytesIO(good))
    book[ENTRY_SHEET]["D2"] = 4
    changed = io.BytesIO()
    book.save(changed)
    at.get("file_uploader")[0].set_value([("ubah.xlsx", changed.getvalue(), XLSX)])
    _ok(at.run())
    _ok(at.button(key="kesiapan_import").click().run())
    assert "1 indikator yang sudah tersimpan akan berubah" in at.warning[0].value
    (changes,) = [d.value for d in at.dataframe if "Perubahan" in d.value.columns]
    assert changes["Perubahan"].iloc[0].startswith("Kota Ternate 2025 indikator 14:")  # a name
    assert at.button(key="kesiapan_replace").disabled
    _ok(at.checkbox(key="kesiapan_confirm_replace").check().run())
    _ok(at.button(key="kesiapan_replace").click().run())
    assert [s.value for s in at.success] == [
        "ubah.xlsx: Kiriman OPD organisasi diterima: 0 indikator baru, 1 diubah, 2 sudah sama; "
        "0 bukti dukung."
    ]
    _, mandiri = _snapshot(app_db)
    assert mandiri.set_index("indicator")["level"].loc[14] == 4


def test_every_viewer_can_download_an_opds_template_and_the_meeting_table(app_db):
    at = _page_2025(new_app_test())
    assert not at.get("file_uploader")  # writes need the admin
    assert any("Masuk sebagai admin" in i.value for i in at.info)
    picker = at.selectbox(key="kesiapan_opd")
    assert len(picker.options) == 12
    _ok(picker.set_value("bpkad").run())
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Unduh templat isian BPKAD (.xlsx)" in labels
    assert "Unduh tabel kesiapan untuk rapat koordinasi (.xlsx)" in labels


def test_the_template_command_refuses_unknown_names_with_a_hint(app_db, tmp_path, capsys):
    base = ["template", str(tmp_path / "x.xlsx"), "--year", "2025", "--db", str(app_db)]
    assert opd_cli([*base, "--instansi", "Kota Ternat", "--opd", "bpkad"]) == 2
    assert 'maksud Anda "Kota Ternate"?' in capsys.readouterr().err
    assert opd_cli([*base, "--instansi", "kota-ternate", "--opd", "bpkd"]) == 2
    assert 'maksud Anda "bpkad"' in capsys.readouterr().err
    assert opd_cli(["template", str(tmp_path / "x.xlsx"), "--opd", "bpkad"]) == 2
    assert "--opd memerlukan --instansi dan --year" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_2026_pemdi_template_holds_the_opds_pemdi_indicators(app_db, tmp_path):
    """The 2026 instrument has its own (unconfirmed) default mapping: BKPSDM leads indicator 3
    (SDM Pemdi); Diskomsandi leads 16 of the 20 and supports 3, 6, 15 and 20."""
    for opd, leads, supports in (("bkpsdm", [3], []), ("kominfo", 16, [3, 6, 15, 20])):
        path = tmp_path / f"{opd}-2026.xlsx"
        args = ["template", str(path), "--instansi", "Kota Ternate", "--year", "2026"]
        assert opd_cli([*args, "--opd", opd, "--db", str(app_db)]) == 0
        rows = list(
            openpyxl.load_workbook(path)[ENTRY_SHEET].iter_rows(min_row=2, values_only=True)
        )
        numbers = [r[0] for r in rows if isinstance(r[0], int)]
        editable = [n for n in numbers if n not in supports]
        assert editable == leads if isinstance(leads, list) else len(editable) == leads
        assert sorted(set(numbers) - set(editable)) == supports


def test_import_recognises_an_opd_workbook_and_leaves_others_to_the_levels_import(
    app_db, tmp_path, capsys
):
    from argparse import Namespace

    from spbe.cli_opd import import_if_opd_workbook
    from tests.data.make_bad_workbooks import levels_workbook

    levels = tmp_path / "nilai.xlsx"
    levels.write_bytes(levels_workbook([("Kota Ternate", 2025, 1, 2, "mandiri", None)]))
    opd = _filled(app_db, tmp_path, "organisasi")
    for path, expected in ((levels, None), (tmp_path / "tidak-ada.xlsx", None), (opd, 0)):
        args = Namespace(file=str(path), replace=False, db=str(app_db))
        assert import_if_opd_workbook(args) == expected
    assert "Kiriman OPD organisasi diterima: 3 indikator baru" in capsys.readouterr().out


def test_the_meeting_workbook_and_the_days_left_after_the_date(app_db):
    from spbe.core.framework import load_framework
    from spbe.results.readiness import days_text, readiness
    from spbe.services.opd import readiness_workbook

    with store.connected(app_db) as con:
        frames = (
            store.opd_table(con, "kota-ternate"),
            store.owner_table(con, "kota-ternate"),
            store.opd_evidence(con, "kota-ternate", 2025),
        )
    fw = load_framework("spbe-2020")
    state = readiness(*frames, fw, "kota-ternate", 2025, date(2025, 8, 15), date(2025, 8, 18))
    assert state.days_left == -3 and days_text(state.days_left) == "lewat 3 hari"
    assert days_text(0) == "hari ini" and days_text(None) == "–"
    assert state.unassigned == ()  # every indicator of spbe-2020 has a lead OPD in the seed
    book = openpyxl.load_workbook(io.BytesIO(readiness_workbook(state)))
    assert book.sheetnames == ["Kesiapan OPD", "Ringkasan"]
    rows = list(book["Kesiapan OPD"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Kode OPD", "OPD", "Indikator diampu", "Indikator dikirim")
    assert len(rows) == 13
    summary = dict(book["Ringkasan"].iter_rows(min_row=2, values_only=True))
    assert summary["Tanggal verifikasi"] == "15 Agustus 2025 (lewat 3 hari)"


def _long(day: date) -> str:
    from spbe.results.readiness import long_date

    return long_date(day)
