"""The evaluation cycle through the real paths: workbooks imported by the CLI into a real DuckDB
file, then the pages (AppTest through app.py) for the years they open."""

from __future__ import annotations

from pathlib import Path

import pytest

from spbe import store, ui
from tests.data.make_bad_workbooks import levels_workbook
from tests.helpers_app import clear_streamlit_caches, discover_pages, new_app_test
from tests.helpers_cli import run

PAGES = discover_pages()
D1_AT_4 = {n: (4 if n <= 10 else 3) for n in range(1, 48)}  # index 3,13 (see results/test_cycle)


def _workbook(path: Path, year: int, profile: dict[int, int], provenance: str) -> Path:
    rows = [("Kota Ternate", year, n, lv, provenance, None) for n, lv in profile.items()]
    path.write_bytes(levels_workbook(rows))
    return path


def _snapshot(store_copy: Path) -> tuple:
    with store.connected(store_copy) as con:
        return store.table_counts(con), store.indicator_levels(con, "kota-ternate").to_dict()


def test_resmi_levels_that_contradict_the_published_result_are_refused(store_copy, tmp_path):
    before = _snapshot(store_copy)
    wb = _workbook(tmp_path / "resmi.xlsx", 2024, dict.fromkeys(range(1, 48), 5), "resmi")
    result = run("import", wb, "--db", store_copy)
    assert result[0] == 2
    assert 'Sheet "Nilai Indikator", baris 2, kolom Tingkat' in result[2]
    assert "tidak cocok dengan hasil yang dipublikasikan KemenPANRB" in result[2]
    assert "domain 1 = 5,00 (dipublikasikan 1,80)" in result[2]
    after = _snapshot(store_copy)
    assert after[1] == before[1]  # no level written
    assert after[0]["import_log"] == before[0]["import_log"] + 1  # the refusal is logged


def test_resmi_levels_that_reproduce_the_published_domains_are_accepted(store_copy, tmp_path):
    with store.connected(store_copy) as con:
        rebuilt = store.indicator_levels(con, "kota-ternate", 2024, "rekonstruksi")
    profile = dict(zip(rebuilt["indicator"].astype(int), rebuilt["level"].astype(int)))
    wb = _workbook(tmp_path / "resmi.xlsx", 2024, profile, "resmi")
    result = run("import", wb, "--db", store_copy)
    assert result[0] == 0, result[2]
    assert "47 baris ditambahkan" in result[1]


@pytest.mark.parametrize("year", [2204, 9999])
def test_a_year_beyond_next_year_is_refused_where_it_is_written(store_copy, tmp_path, year):
    wb = _workbook(tmp_path / "typo.xlsx", year, {1: 2}, "mandiri")
    result = run("import", wb, "--db", store_copy)
    assert result[0] == 2
    assert 'Sheet "Nilai Indikator", baris 2, kolom Tahun' in result[2]
    assert f"Tahun {year} belum dapat dinilai" in result[2]


def test_a_2025_self_assessment_shows_beside_the_news_figure(store_copy, tmp_path, monkeypatch):
    result = run(
        "import",
        _workbook(tmp_path / "m.xlsx", 2025, D1_AT_4, "mandiri"),
        "--db",
        store_copy,
    )
    assert result[0] == 0, result[2]
    monkeypatch.setenv(store.DB_ENV, str(store_copy))
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    at.selectbox(key=ui.KEY_YEAR).set_value(2025).run()
    assert not at.exception
    metrics = [m.value for m in at.metric]
    assert "3,13 · Baik" in metrics  # 4 × 0,13 + 3 × 0,87, recomputed, not the news' 3,75
    assert not any(v.startswith("3,75") for v in metrics)
    captions = " ".join(c.value for c in at.caption)
    assert "Angka 3,75 dari sumber lain" in captions and "tidak dipakai" in captions
    assert "mungkin 2,8 setelah verifikasi" in captions  # the source's own range
    badges = " ".join(m.value for m in at.markdown if "-badge[" in m.value)
    assert "Mandiri — sementara" in badges
    clear_streamlit_caches()


def test_a_2026_pemdi_self_assessment_flags_every_page(store_copy, tmp_path, monkeypatch):
    profile = dict.fromkeys(range(1, 21), 2)
    result = run(
        "import",
        _workbook(tmp_path / "p.xlsx", 2026, profile, "mandiri"),
        "--db",
        store_copy,
    )
    assert result[0] == 0, result[2]
    monkeypatch.setenv(store.DB_ENV, str(store_copy))
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    options = at.selectbox(key=ui.KEY_YEAR).options
    assert options[0] == "2026 · PermenPANRB 8/2026 (sumber sekunder)"  # newest first
    at.selectbox(key=ui.KEY_YEAR).set_value(2026).run()
    for page in PAGES:
        at.switch_page(page.script).run()
        assert not at.exception, page.title
        warnings = [w.value for w in (*at.warning, *at.sidebar.warning)]
        assert any(
            w.startswith("Sumber sekunder: kerangka PermenPANRB 8/2026") for w in warnings
        ), page.title
    clear_streamlit_caches()


def test_the_2026_deck_tells_the_self_assessment_with_the_flag(store_copy, tmp_path):
    """A year with only a (Pemdi) self-assessment gets its story; every slide says the
    instrument is known from secondary summaries."""
    from pptx import Presentation

    profile = dict.fromkeys(range(1, 21), 2)
    code, _, err = run(
        "import", _workbook(tmp_path / "p.xlsx", 2026, profile, "mandiri"), "--db", store_copy
    )
    assert code == 0, err
    out = tmp_path / "ternate-2026.pptx"
    code, _, err = run(
        "deck", "--db", store_copy, "--instansi", "Kota Ternate", "--year", "2026", "--out", out
    )
    assert code == 0, err
    slides = Presentation(str(out)).slides
    assert len(slides) == 6
    for slide in slides:
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Sumber sekunder: kerangka PermenPANRB 8/2026" in text
    first = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "2,00" in first  # every Pemdi indicator at 2 -> index 2,00
    assert "Mandiri" in first


def test_the_main_cli_writes_an_opd_template_and_recognises_its_workbook(store_copy, tmp_path):
    out = tmp_path / "bpkad.xlsx"
    args = ("--instansi", "Kota Ternate", "--year", "2025", "--opd", "bpkad", "--db", store_copy)
    code, stdout, err = run("template", out, *args)
    assert code == 0, err
    assert "Templat isian OPD ditulis" in stdout
    code, _, err = run("import", out, "--db", store_copy)  # nothing filled in yet
    assert code == 2
    assert 'Sheet "Isian Indikator", kolom Tingkat: tidak ada indikator yang diisi' in err
    code, _, err = run(
        "template",
        tmp_path / "x.xlsx",
        "--instansi",
        "Kota Ternat",
        "--year",
        "2025",
        "--opd",
        "bpkad",
        "--db",
        store_copy,
    )
    assert code == 2 and 'maksud Anda "Kota Ternate"?' in err
