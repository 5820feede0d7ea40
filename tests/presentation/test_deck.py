"""The handout files: PPTX read back with python-pptx, PDF with pypdf, charts rendered offline by
kaleido on Debian's chromium; the `deck` command with its refusals (exit 2).

Tests that draw charts need a Chrome/Chromium (CI installs Debian's); without one they skip with
the reason, and the deck without charts is tested on its own.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from spbe import store
from spbe.presentation.deck import (
    Charts,
    DeckError,
    build_deck,
    deck_format,
    find_browser,
    render_charts,
    write_deck,
)
from spbe.presentation.story import build_story
from tests.helpers_app import build_seeded_database
from tests.helpers_cli import run as run_cli

needs_browser = pytest.mark.skipif(
    find_browser() is None, reason="Chrome/Chromium not found (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_seeded_database(tmp_path_factory.mktemp("deck") / "spbe.duckdb")


@pytest.fixture(scope="module")
def story(seeded):
    con = store.open_read_only(seeded)
    try:
        code = "kota-ternate"
        frames = store.story_frames(con, code)
    finally:
        con.close()
    return build_story(*frames, code, 2024, made_on=date(2026, 11, 23))


@pytest.fixture(scope="module")
def charts(story):
    if find_browser() is None:
        pytest.skip("Chrome/Chromium not found (apt-get install chromium)")
    rendered = render_charts(story)
    assert rendered.problem is None, rendered.problem
    return rendered


def _texts(slide) -> dict[str, str]:
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


def _all_text(slide) -> str:
    parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


@needs_browser
def test_every_figure_is_a_png(story, charts):
    assert charts.count == story.figure_count >= 2
    assert [len(i) for i in charts.images] == [len(s.figures) for s in story.slides]
    for images in charts.images:
        for png in images:
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
            width = int.from_bytes(png[16:20], "big")
            assert width == 900 * 2  # IMAGE_SIZE × IMAGE_SCALE


@needs_browser
def test_pptx_reads_back_with_titles_index_predicate_and_images(story, charts):
    deck = Presentation(BytesIO(build_deck(story, "pptx", charts)))
    assert len(deck.slides) == 6
    texts = [_texts(s) for s in deck.slides]
    assert [t["Judul"] for t in texts] == [s.title for s in story.slides]
    assert texts[0]["Judul"] == "Indeks SPBE Kota Ternate 2024"
    assert texts[0]["Pokok"] == "1,89 · Cukup"
    assert [t["Nomor"] for t in texts] == [f"{n} / 6" for n in range(1, 7)]
    for slide, text in zip(story.slides, texts, strict=True):
        assert text["Asal data"] == slide.footer
        assert "disusun 23 November 2026" in text["Asal data"]
    pictures = [
        shape
        for s in deck.slides
        for shape in s.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == story.figure_count >= 2
    assert "Biaya (Ilustrasi)" in _all_text(deck.slides[3])
    assert "Diskomsandi" in _all_text(deck.slides[4])  # the OPD table
    assert deck.slides[0].notes_slide.notes_text_frame.text.startswith("1,89 · Cukup")


@needs_browser
def test_pdf_has_one_page_per_slide_with_the_same_text(story, charts):
    reader = PdfReader(BytesIO(build_deck(story, "pdf", charts)))
    assert len(reader.pages) == 6
    first = reader.pages[0].extract_text()
    assert "Indeks SPBE Kota Ternate 2024" in first and "1,89 · Cukup" in first
    assert "1 / 6" in first and "Resmi KemenPANRB 2024" in first
    assert "6 / 6" in reader.pages[5].extract_text()
    images = sum(len(page.images) for page in reader.pages)
    assert images == story.figure_count
    assert reader.metadata.title == "Indeks SPBE Kota Ternate 2024"


def test_without_a_browser_the_deck_says_why_the_charts_are_missing(story, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    assert find_browser() is None
    charts = render_charts(story)
    assert charts.count == 0 and "Chrome/Chromium tidak ditemukan" in charts.problem
    deck = Presentation(BytesIO(build_deck(story, "pptx", charts)))
    assert len(deck.slides) == 6
    assert not any(
        shape.shape_type == MSO_SHAPE_TYPE.PICTURE for s in deck.slides for shape in s.shapes
    )
    assert "Grafik tidak disertakan: Chrome/Chromium tidak ditemukan" in _all_text(deck.slides[0])
    pdf = PdfReader(BytesIO(build_deck(story, "pdf", charts)))
    assert len(pdf.pages) == 6
    assert "Grafik tidak disertakan" in pdf.pages[1].extract_text()


def test_file_names_and_formats_are_checked(story, tmp_path):
    assert deck_format("a/b/Presentasi.PPTX") == "pptx"
    assert deck_format("x.pdf") == "pdf"
    with pytest.raises(DeckError, match=r"harus berakhiran \.pptx atau \.pdf"):
        deck_format("x.docx")
    empty = Charts(tuple(() for _ in story.slides), "uji", 0.0)
    with pytest.raises(DeckError, match="Folder tujuan"):
        write_deck(story, tmp_path / "tidak-ada" / "x.pdf", empty)
    with pytest.raises(DeckError, match="tidak dikenal"):
        build_deck(story, "odp", empty)


# -- the command line ----------------------------------------------------------------------------


def run(*args):
    return run_cli(*args, timeout=180)


@needs_browser
def test_cli_writes_a_pdf_by_instansi_name(seeded, tmp_path):
    out = tmp_path / "ternate.pdf"
    code, stdout, stderr = run(
        "deck", "--db", seeded, "--instansi", "Kota Ternate", "--year", 2024, "--out", out
    )
    assert code == 0, stderr
    assert f"Presentasi ditulis: {out} (6 slide, 6 grafik)" in stdout
    assert len(PdfReader(out).pages) == 6


@pytest.mark.parametrize(
    ("instansi", "year", "out", "message"),
    [
        ("Kota Atlantis", 2024, "x.pptx", "Instansi 'Kota Atlantis' tidak dikenal."),
        (
            "kota-ternate",
            2019,
            "x.pptx",
            "Tidak ada hasil evaluasi SPBE untuk Kota Ternate tahun 2019 "
            "(tahun yang tersedia: 2023, 2024, 2025).",
        ),
        (
            "kota-ternate",
            2024,
            "x.docx",
            "Berkas keluaran 'x.docx' harus berakhiran .pptx atau .pdf.",
        ),
    ],
    ids=["unknown-instansi", "year-without-data", "bad-suffix"],
)
def test_cli_refuses_with_exit_2_and_a_message(seeded, tmp_path, instansi, year, out, message):
    target = tmp_path / out
    code, stdout, stderr = run(
        "deck", "--db", seeded, "--instansi", instansi, "--year", year, "--out", target
    )
    assert code == 2
    assert stderr.strip() == message
    assert "Traceback" not in stdout + stderr
    assert not target.exists()
