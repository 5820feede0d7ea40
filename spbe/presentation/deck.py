"""Files to hand out: the story's slides as PPTX (python-pptx) and PDF (reportlab).

Both formats draw the same ``spbe.presentation.story.Story`` with the same layout (16:9, title, headline, key
figures, points, table, one chart, and on every slide the provenance, the data line and "3 / 6").

Charts are plotly figures rendered to PNG offline by kaleido 1.x, which drives a Chrome/Chromium
binary over the DevTools protocol. Three settings make it work without internet:

- ``path``: the browser binary — env ``BROWSER_PATH`` if set, else Debian's ``/usr/bin/chromium``,
  else ``chromium``/``google-chrome`` on PATH (kaleido never downloads one here);
- ``plotlyjs``: the plotly.min.js bundled with plotly.py, as a file URI;
- ``mathjax=False``: by default kaleido puts MathJax from a CDN on its page.

One browser renders all charts of a deck. Without a browser the deck is still written, with a
short note where each chart would be (``Charts.problem`` says why).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from spbe.core.errors import SpbeError
from spbe.presentation.story import Slide, Story

FORMATS = {"pptx": "PowerPoint (.pptx)", "pdf": "PDF (.pdf)"}
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
DEBIAN_CHROMIUM = "/usr/bin/chromium"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
IMAGE_SIZE = (900, 660)  # layout pixels of a chart image (the chart box is 7.0 × 5.13 in)
IMAGE_SCALE = 2  # device pixels per layout pixel: sharp on a projector and in print
RENDER_TIMEOUT_S = 60

# Layout in inches on a 13.333 × 7.5 in (16:9) slide; the PDF uses the same boxes in points.
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
TITLE_BOX = (MARGIN, 0.3, SLIDE_W - 2 * MARGIN, 0.8)
HEADLINE_BOX = (MARGIN, 1.1, SLIDE_W - 2 * MARGIN, 0.6)
LEFT_BOX = (MARGIN, 1.8, 5.4, 4.9)
CHART_BOX = (6.1, 1.8, 6.73, 4.93)
FOOTER_Y = 6.9
INK, MUTED, ACCENT = (0x11, 0x18, 0x27), (0x4B, 0x55, 0x63), (0x0B, 0x53, 0x94)


class DeckError(SpbeError):
    """The deck cannot be written as asked (Indonesian message)."""


@dataclass(frozen=True)
class Charts:
    """PNG images of every slide's figures (same order), or why there are none."""

    images: tuple[tuple[bytes, ...], ...]
    problem: str | None
    seconds: float

    @property
    def count(self) -> int:
        return sum(len(i) for i in self.images)


# -- charts ----------------------------------------------------------------------------------------


def find_browser() -> str | None:
    """env BROWSER_PATH, else Debian's /usr/bin/chromium, else a Chrome/Chromium on PATH."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        return given if Path(given).is_file() else None
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


def _plotly_js() -> str:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").as_uri()


async def _render_all(figures: list, browser: str) -> list[bytes]:
    import kaleido

    width, height = IMAGE_SIZE
    opts = dict(format="png", width=width, height=height, scale=IMAGE_SCALE)
    async with kaleido.Kaleido(
        path=browser, plotlyjs=_plotly_js(), mathjax=False, timeout=RENDER_TIMEOUT_S
    ) as renderer:
        return [await renderer.calc_fig(fig.to_dict(), opts=opts) for fig in figures]


def _run_in_thread(coroutine):
    """asyncio.run on a fresh thread: works under Streamlit's script thread and plain scripts."""
    result: dict = {}

    def run():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            result["error"] = exc

    worker = threading.Thread(target=run, name="spbe-deck-charts")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def render_charts(story: Story, browser: str | None = None) -> Charts:
    """Every figure of ``story`` as PNG bytes, rendered offline by kaleido in one browser."""
    start = time.perf_counter()
    empty = tuple(() for _ in story.slides)
    browser = browser or find_browser()
    if browser is None:
        return Charts(empty, "Chrome/Chromium tidak ditemukan (atur BROWSER_PATH).", 0.0)
    figures = [fig for slide in story.slides for fig in slide.figures]
    try:
        flat = _run_in_thread(_render_all(figures, browser))
    except Exception as exc:  # noqa: BLE001 - any renderer failure leaves a deck without charts
        reason = f"{type(exc).__name__}: {exc}".strip()[:200]
        return Charts(empty, f"Grafik gagal digambar ({reason}).", time.perf_counter() - start)
    images, at = [], 0
    for slide in story.slides:
        images.append(tuple(flat[at : at + len(slide.figures)]))
        at += len(slide.figures)
    return Charts(tuple(images), None, time.perf_counter() - start)


def _chart_note(charts: Charts) -> str:
    return f"Grafik tidak disertakan: {charts.problem}"


# -- formats ---------------------------------------------------------------------------------------


def deck_format(path: str | os.PathLike) -> str:
    """'pptx' or 'pdf' from the file name; DeckError otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise DeckError(f"Berkas keluaran '{Path(path).name}' harus berakhiran .pptx atau .pdf.")
    return suffix


def build_deck(story: Story, fmt: str, charts: Charts | None = None) -> bytes:
    """The story as a PPTX or PDF file (bytes). Renders the charts unless ``charts`` is given."""
    if fmt not in FORMATS:
        raise DeckError(f"Format '{fmt}' tidak dikenal (pilih pptx atau pdf).")
    charts = charts or render_charts(story)
    return pptx_bytes(story, charts) if fmt == "pptx" else pdf_bytes(story, charts)


def write_deck(story: Story, path: str | os.PathLike, charts: Charts | None = None) -> Charts:
    """Write the deck to ``path`` (format from its suffix); returns the charts used."""
    fmt = deck_format(path)
    if not Path(path).parent.is_dir():
        raise DeckError(f"Folder tujuan {Path(path).parent} tidak ada.")
    charts = charts or render_charts(story)
    data = build_deck(story, fmt, charts)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise DeckError(f"Berkas {path} tidak dapat ditulis: {exc.strerror}.") from None
    return charts


def _left_points(slide: Slide) -> list[str]:
    """Points shown on the slide itself; a slide with a table keeps only the first two."""
    return list(slide.points[:2] if slide.table is not None else slide.points[:6])


def _text_height(text: str, size_pt: float, width_in: float, space_pt: float) -> float:
    """Inches a wrapped paragraph takes (about half an em per character, 1.2 line height)."""
    per_line = max(1, int(width_in * 72 / (size_pt * 0.5)))
    lines = max(1, -(-len(text) // per_line))
    return (lines * size_pt * 1.2 + space_pt) / 72


def _left_height(slide: Slide) -> float:
    """Height of the facts and points in the left column (PPTX sizes), to place the table."""
    width = LEFT_BOX[2] - 0.2  # the text box's inner margins
    height = sum(
        _text_height(f.label, 13, width, 8) + _text_height(f.value, 24, width, 0)
        for f in slide.facts
    )
    return height + sum(_text_height(f"• {p}", 14, width, 6) for p in _left_points(slide))


# -- PPTX ------------------------------------------------------------------------------------------


def pptx_bytes(story: Story, charts: Charts) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    deck.core_properties.title = f"Indeks SPBE {story.instansi_name} {story.year}"
    deck.core_properties.subject = "Dasbor SPBE — Mode Presentasi"
    blank = deck.slide_layouts[6]
    for slide, images in zip(story.slides, charts.images, strict=True):
        page = deck.slides.add_slide(blank)
        _pptx_slide(page, slide, images, charts)
    out = BytesIO()
    deck.save(out)
    return out.getvalue()


def _box(page, box, text="", size=16, bold=False, colour=INK, wrap=True):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    x, y, w, h = box
    shape = page.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    frame = shape.text_frame
    frame.word_wrap = wrap
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, RGBColor(*colour)
    return shape


def _add_paragraph(frame, text, size, bold=False, colour=INK, space_before=6):
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    paragraph = frame.add_paragraph()
    paragraph.space_before = Pt(space_before)
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, RGBColor(*colour)
    return paragraph


def _pptx_slide(page, slide: Slide, images: tuple[bytes, ...], charts: Charts) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    _box(page, TITLE_BOX, slide.title, size=30, bold=True).name = "Judul"
    _box(page, HEADLINE_BOX, slide.headline, size=24, bold=True, colour=ACCENT).name = "Pokok"
    left = _box(page, LEFT_BOX, "", size=4)
    frame = left.text_frame
    for fact in slide.facts:
        _add_paragraph(frame, fact.label, 13, colour=MUTED, space_before=8)
        _add_paragraph(frame, fact.value, 24, bold=True, space_before=0)
    for point in _left_points(slide):
        _add_paragraph(frame, f"• {point}", 14, space_before=6)
    if slide.table is not None:
        top = LEFT_BOX[1] + _left_height(slide) + 0.2
        _pptx_table(page, slide.table, (LEFT_BOX[0], top, LEFT_BOX[2]))
    x, y, w, h = CHART_BOX
    if images:
        page.shapes.add_picture(BytesIO(images[0]), Inches(x), Inches(y), Inches(w), Inches(h))
    elif slide.figures:
        _box(page, CHART_BOX, _chart_note(charts), size=14, colour=MUTED)
    _box(page, (MARGIN, FOOTER_Y, 11.2, 0.5), slide.footer, size=9, colour=MUTED).name = "Asal data"
    counter = _box(page, (SLIDE_W - MARGIN - 1.2, FOOTER_Y, 1.2, 0.4), slide.counter, size=14)
    counter.name = "Nomor"
    counter.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
    notes = page.notes_slide.notes_text_frame
    notes.text = "\n".join([slide.headline, *slide.points, slide.footer])


def _pptx_table(page, table, where) -> None:
    from pptx.util import Inches, Pt

    x, y, w = where
    rows, cols = len(table) + 1, len(table.columns)
    row_h = 0.28
    shape = page.shapes.add_table(rows, cols, Inches(x), Inches(y), Inches(w), Inches(row_h * rows))
    grid = shape.table
    for c, name in enumerate(table.columns):
        grid.cell(0, c).text = str(name)
    for r, values in enumerate(table.itertuples(index=False), start=1):
        for c, value in enumerate(values):
            grid.cell(r, c).text = str(value)
    for r in range(rows):
        grid.rows[r].height = Inches(row_h)
        for c in range(cols):
            for paragraph in grid.cell(r, c).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
                    run.font.bold = r == 0


# -- PDF -------------------------------------------------------------------------------------------

_FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
_fonts: tuple[str, str, bool] | None = None


def _pdf_fonts() -> tuple[str, str, bool]:
    """(regular, bold, has_arrow): DejaVu Sans where installed, else reportlab's bundled Vera
    (which has no '→'; it is written '->' then)."""
    global _fonts
    if _fonts is not None:
        return _fonts
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates = [*_FONT_CANDIDATES, (str(bundled / "Vera.ttf"), str(bundled / "VeraBd.ttf"))]
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("SpbeSans", regular))
            pdfmetrics.registerFont(TTFont("SpbeSans-Bold", bold))
            _fonts = ("SpbeSans", "SpbeSans-Bold", "DejaVu" in regular)
            return _fonts
    _fonts = ("Helvetica", "Helvetica-Bold", False)
    return _fonts


def pdf_bytes(story: Story, charts: Charts) -> bytes:
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    canvas = Canvas(out, pagesize=(SLIDE_W * inch, SLIDE_H * inch))
    canvas.setTitle(f"Indeks SPBE {story.instansi_name} {story.year}")
    canvas.setSubject("Dasbor SPBE — Mode Presentasi")
    for slide, images in zip(story.slides, charts.images, strict=True):
        _pdf_page(canvas, slide, images, charts)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _style(name, size, bold=False, colour=INK, leading=None):
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    regular, heavy, _ = _pdf_fonts()
    return ParagraphStyle(
        name,
        fontName=heavy if bold else regular,
        fontSize=size,
        leading=leading or size * 1.25,
        textColor=Color(*(c / 255 for c in colour)),
    )


def _text(value: str) -> str:
    has_arrow = _pdf_fonts()[2]
    return escape(value if has_arrow else value.replace("→", "->"))


def _draw(canvas, flowable, x_in, top_in, width_in) -> float:
    """Draw ``flowable`` with its top at ``top_in`` (inches from the top); returns its height."""
    from reportlab.lib.units import inch

    _, height = flowable.wrapOn(canvas, width_in * inch, SLIDE_H * inch)
    flowable.drawOn(canvas, x_in * inch, (SLIDE_H - top_in) * inch - height)
    return height / inch


def _pdf_page(canvas, slide: Slide, images: tuple[bytes, ...], charts: Charts) -> None:
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Paragraph

    x, y, w, _ = TITLE_BOX
    _draw(canvas, Paragraph(_text(slide.title), _style("t", 26, bold=True)), x, y, w)
    x, y, w, _ = HEADLINE_BOX
    _draw(canvas, Paragraph(_text(slide.headline), _style("h", 20, True, ACCENT)), x, y + 0.1, w)
    x, top, w, _ = LEFT_BOX
    for fact in slide.facts:
        top += _draw(
            canvas, Paragraph(_text(fact.label), _style("fl", 11, colour=MUTED)), x, top, w
        )
        top += _draw(canvas, Paragraph(_text(fact.value), _style("fv", 20, True)), x, top, w) + 0.08
    for point in _left_points(slide):
        top += _draw(canvas, Paragraph("• " + _text(point), _style("p", 12)), x, top + 0.06, w)
        top += 0.06
    if slide.table is not None:
        _draw(canvas, _pdf_table(slide.table), x, top + 0.15, w)
    cx, cy, cw, ch = CHART_BOX
    if images:
        canvas.drawImage(
            ImageReader(BytesIO(images[0])),
            cx * inch,
            (SLIDE_H - cy - ch) * inch,
            cw * inch,
            ch * inch,
            preserveAspectRatio=True,
            anchor="n",
        )
    elif slide.figures:
        _draw(
            canvas, Paragraph(_text(_chart_note(charts)), _style("n", 12, colour=MUTED)), cx, cy, cw
        )
    footer = Paragraph(_text(slide.footer), _style("f", 8, colour=MUTED))
    _draw(canvas, footer, MARGIN, FOOTER_Y, 11.2)
    canvas.setFont(_pdf_fonts()[1], 12)
    canvas.drawRightString(
        (SLIDE_W - MARGIN) * inch, (SLIDE_H - FOOTER_Y - 0.2) * inch, slide.counter
    )


def _pdf_table(table):
    from reportlab.lib.colors import Color
    from reportlab.platypus import Paragraph, Table, TableStyle

    head, body = _style("th", 9, bold=True), _style("td", 9)
    rows = [[Paragraph(_text(str(c)), head) for c in table.columns]]
    rows += [[Paragraph(_text(str(v)), body) for v in r] for r in table.itertuples(index=False)]
    grid = Table(rows, hAlign="LEFT", repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, Color(*(c / 255 for c in INK))),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, Color(0.8, 0.8, 0.8)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return grid
