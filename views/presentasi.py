"""Presentasi: the story in six full-screen slides for a projector (buttons, ← → or a clicker)."""

from datetime import date
from html import escape

import streamlit as st

from spbe import ui
from spbe.presentation.deck import MIME, build_deck, find_browser, render_charts
from spbe.presentation.links import presentation_choice
from spbe.presentation.story import build_story

KEY, SHOWN, CHOSEN = "slide_index", "slide_story", "slide_choice"
WRITTEN, SEEN = "slide_link_written", "slide_sidebar_seen"
STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {display: none !important;}
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stBottom"] > div {background: #000;}
[data-testid="stMainBlockContainer"] {max-width: 100%; padding: 1rem 2.5rem 1rem 2.5rem;}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] h1,
[data-testid="stMain"] td, [data-testid="stMain"] th {color: #fff;}
.st-key-slide h1 {font-size: 2.9rem; line-height: 1.15; padding: 0.2rem 0;}
.st-key-slide_headline .headline {font-size: 2.5rem; font-weight: 800; color: #ffd400 !important;}
.st-key-slide_body p, .st-key-slide_body li {font-size: 1.6rem; line-height: 1.35;}
.st-key-slide_body td, .st-key-slide_body th {font-size: 1.15rem; padding: 0.3rem 0.5rem; border-color: #555 !important;}
.fact-label {font-size: 1.3rem; color: #d1d5db;}
.fact-value {font-size: 2.6rem; font-weight: 800; color: #fff; line-height: 1.1;}
.st-key-slide_footer p {font-size: 1.05rem; color: #d1d5db !important;}
.st-key-slide_footer h3 {font-size: 1.05rem; color: #ffd400; padding: 0;}
.st-key-slide_counter p {font-size: 2rem; font-weight: 800; text-align: center;}
.st-key-slide_nav button {background: #1f2937; border: 2px solid #fff;}
.st-key-slide_nav [data-testid="stIconMaterial"] {color: #fff;}
.st-key-slide_nav button p, .st-key-slide_nav a p {font-size: 1.3rem; font-weight: 700; color: #fff;}
</style>"""
KEYS = """<script>
(function () {
  if (window.spbeSlideKeys) { return; }
  window.spbeSlideKeys = true;
  const keys = {ArrowRight: "slide_next", PageDown: "slide_next",
                ArrowLeft: "slide_prev", PageUp: "slide_prev"};
  document.addEventListener("keydown", function (event) {
    const key = keys[event.key];
    if (!key || event.target.closest("input, textarea, select, [contenteditable='true']")) { return; }
    const button = document.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
})();
</script>"""


@st.cache_resource(show_spinner=False, max_entries=8)
def story_for(path: str, version: int, code: str, year: int, today: date):
    opd, owners = ui.opd_and_owners(code)
    return build_story(ui.official(), ui.levels(code), opd, owners, code, year, made_on=today)


@st.cache_resource(show_spinner=False, max_entries=8)
def charts_for(path: str, version: int, code: str, year: int, today: date):
    return render_charts(story_for(path, version, code, year, today))


def html(markup: str, key: str | None = None) -> None:
    """Escaped text in HTML blocks: markdown never reads '+0,71' or '1.' as list syntax."""
    (st.container(key=key) if key else st).markdown(markup, unsafe_allow_html=True)


def step(delta: int, total: int) -> None:
    st.session_state[KEY] = min(max(st.session_state.get(KEY, 0) + delta, 0), total - 1)


st.html(STYLE)
st.html(KEYS, unsafe_allow_javascript=True)
filters = st.session_state.get("filters")  # absent when a deep link skipped app.py
sidebar = (filters.instansi, filters.year) if filters else None
chosen, notes = presentation_choice(st.query_params.to_dict(), st.session_state.get(WRITTEN),
                                    ui.instansi(), sidebar, st.session_state.get(SEEN),
                                    st.session_state.get(CHOSEN))  # fmt: skip
st.session_state[SEEN] = sidebar
for note in notes:
    st.warning(note)
try:
    if chosen is None:
        raise ValueError("Pilih instansi dan tahun di dasbor, atau buka ?instansi=…&tahun=….")
    choice = (ui.db_path(), ui.data_version(), *chosen, date.today())
    story = story_for(*choice)
except ValueError as exc:
    st.title("Presentasi")
    ui.show_error(exc)
    st.page_link("views/ringkasan.py", label="Kembali ke dasbor", icon=":material/close:")
    st.stop()
written = {"instansi": story.instansi_code, "tahun": str(story.year)}
if st.query_params.to_dict() != written:
    st.query_params.from_dict(written)
st.session_state[WRITTEN], st.session_state[CHOSEN] = written, chosen
if st.session_state.get(SHOWN) != choice[2:4]:
    st.session_state[SHOWN], st.session_state[KEY] = choice[2:4], 0
total = len(story.slides)
slide = story.slides[min(st.session_state.get(KEY, 0), total - 1)]

with st.container(key="slide"):
    st.title(slide.title, anchor=False)
    html(f'<div class="headline">{escape(slide.headline)}</div>', "slide_headline")
    text, chart = (
        st.columns([1, 1] if slide.table is not None else [2, 3], gap="large")
        if slide.figures
        else (st.container(), None)
    )
    with text.container(key="slide_body"):
        for fact in slide.facts:
            html(f'<div class="fact-label">{escape(fact.label)}</div>'
                 f'<div class="fact-value">{escape(fact.value)}</div>')  # fmt: skip
        if slide.points:
            html("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in slide.points) + "</ul>")
        if slide.table is not None:
            st.table(slide.table.set_index(slide.table.columns[0]))
    for k, figure in enumerate(slide.figures):
        chart.plotly_chart(figure, key=f"slide_chart_{slide.number}_{k}",
                           theme=None, config={"displayModeBar": False})  # fmt: skip
    with st.container(key="slide_footer"):
        st.subheader(f"Presentasi · {story.instansi_name} {story.year}", anchor=False)
        html(f"<p>{escape(slide.footer)}</p>")

with st.container(key="slide_nav"):
    back, counter, forward, pptx, pdf, leave = st.columns([2, 1, 2, 2, 2, 2])
    back.button("◀ Sebelumnya", key="slide_prev", on_click=step, args=(-1, total),
                disabled=slide.number == 1, width="stretch")  # fmt: skip
    with counter:
        html(f"<p>{slide.counter}</p>", "slide_counter")
    forward.button("Berikutnya ▶", key="slide_next", on_click=step, args=(1, total),
                   disabled=slide.number == total, width="stretch")  # fmt: skip
    for column, fmt in ((pptx, "pptx"), (pdf, "pdf")):
        column.download_button(
            f"Unduh {fmt.upper()}", lambda fmt=fmt: build_deck(story, fmt, charts_for(*choice)),
            file_name=f"{story.file_stem}.{fmt}", mime=MIME[fmt], key=f"slide_download_{fmt}",
            icon=":material/download:", on_click="ignore", width="stretch",
        )  # fmt: skip
    leave.page_link("views/ringkasan.py", label="Keluar", icon=":material/close:")
if find_browser() is None:
    st.caption(
        "Chrome/Chromium tidak ditemukan di server: berkas unduhan berisi slide tanpa grafik."
    )
