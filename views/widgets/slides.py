"""The Presentasi page's pieces: cached story and chart images, one slide drawn full-screen, and the
navigation bar (buttons, counter, downloads built only on click, ← → / PageUp PageDown offline)."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.framework import framework_for_year
from spbe.presentation.deck import MIME, build_deck, find_browser, render_charts
from spbe.presentation.story import Slide, Story, build_story

ASSETS = Path(__file__).resolve().parents[2] / "assets"
KEY = "slide_index"
PLAN_KEY = "slide_plan"  # CHEAPEST_KEY: the cheapest plan; else a saved scenario's id
CHEAPEST_KEY = "termurah"  # not None: a radio shows None as "nothing chosen"
CHEAPEST = "Rencana termurah (dihitung dari tabel biaya)"
NO_BROWSER = "Chrome/Chromium tidak ditemukan di server: berkas unduhan berisi slide tanpa grafik."


@st.cache_resource(show_spinner=False, max_entries=8)
def story_for(
    path: str, version: int, code: str, year: int, today: date, scenario_id: int | None = None
) -> Story:
    """The story priced with the office's own cost table where saved (else the illustrative
    one), or with a saved scenario's plan on slides 4–6."""
    opd, owners = ui.opd_and_owners(code)
    try:
        costs = ui.costs(code, framework_for_year(year).id).table
    except SpbeError:  # a year no instrument scores: build_story says so
        costs = None
    scenario = ui.scenario(scenario_id) if scenario_id is not None else None
    return build_story(
        ui.official(),
        ui.levels(code),
        opd,
        owners,
        code,
        year,
        made_on=today,
        costs=costs,
        scenario=scenario,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def charts_for(
    path: str, version: int, code: str, year: int, today: date, scenario_id: int | None = None
):
    return render_charts(story_for(path, version, code, year, today, scenario_id))


def plan_options(code: str, year: int) -> dict[int | str, str]:
    """The plans slides 4–6 can show: the cheapest one, or a scenario saved for that year."""
    saved = ui.scenarios(code)
    saved = saved[saved["year"] == int(year)]
    return {CHEAPEST_KEY: CHEAPEST} | {
        int(row.id): f"Skenario: {row.name}" for row in saved.itertuples(index=False)
    }


def chosen_plan(code: str, year: int) -> int | None:
    """The scenario chosen on the navigation bar, None for the cheapest plan (a scenario deleted
    meanwhile falls back to it)."""
    value = st.session_state.get(PLAN_KEY, CHEAPEST_KEY)
    if value not in plan_options(code, year):
        st.session_state[PLAN_KEY] = value = CHEAPEST_KEY
    return None if value == CHEAPEST_KEY else value


def full_screen() -> None:
    """High-contrast full-screen style, and the keys that press the navigation buttons."""
    st.html(f"<style>{(ASSETS / 'presentasi.css').read_text(encoding='utf-8')}</style>")
    script = (ASSETS / "presentasi.js").read_text(encoding="utf-8")
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def html(markup: str, key: str | None = None) -> None:
    """Escaped text in HTML blocks: markdown never reads '+0,71' or '1.' as list syntax."""
    (st.container(key=key) if key else st).markdown(markup, unsafe_allow_html=True)


def step(delta: int, total: int) -> None:
    st.session_state[KEY] = min(max(st.session_state.get(KEY, 0) + delta, 0), total - 1)


def draw_slide(story: Story, slide: Slide) -> None:
    """The slide fills the screen above the navigation bar (assets/presentasi.css): title,
    headline, then the body beside the charts, which stretch to the height left."""
    with st.container(key="slide"):
        st.title(slide.title, anchor=False)
        html(f'<div class="headline">{escape(slide.headline)}</div>', "slide_headline")
        if slide.figures:
            widths = [1, 1] if slide.table is not None else [2, 3]
            text, chart = st.columns(widths, gap="large")
        else:
            text, chart = st, None  # the body is then the slide's own row (no extra wrapper)
        with text.container(key="slide_body"):
            for fact in slide.facts:
                html(
                    f'<div class="fact-label">{escape(fact.label)}</div>'
                    f'<div class="fact-value">{escape(fact.value)}</div>'
                )
            if slide.points:
                html("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in slide.points) + "</ul>")
            if slide.table is not None:
                st.table(slide.table.set_index(slide.table.columns[0]))
        for k, figure in enumerate(slide.figures):
            chart.plotly_chart(
                figure,
                key=f"slide_chart_{slide.number}_{k}",
                theme=None,
                config={"displayModeBar": False},
                height="stretch",
            )
        with st.container(key="slide_footer"):
            st.subheader(f"Presentasi · {story.instansi_name} {story.year}", anchor=False)
            html(f"<p>{escape(slide.footer)}</p>")


def navigation(story: Story, slide: Slide, choice: tuple) -> None:
    total = len(story.slides)
    with st.container(key="slide_nav"):
        widths = [2.3, 1, 2.3, 1.9, 1.5, 1.5, 1.5]
        back, counter, forward, plan, pptx, pdf, leave = st.columns(widths)
        back.button(
            "◀ Sebelumnya",
            key="slide_prev",
            on_click=step,
            args=(-1, total),
            disabled=slide.number == 1,
            width="stretch",
        )
        with counter:
            html(f"<p>{slide.counter}</p>", "slide_counter")
        forward.button(
            "Berikutnya ▶",
            key="slide_next",
            on_click=step,
            args=(1, total),
            disabled=slide.number == total,
            width="stretch",
        )
        no_browser = NO_BROWSER if find_browser() is None else None  # the deck without charts
        for column, fmt in ((pptx, "pptx"), (pdf, "pdf")):
            column.download_button(
                fmt.upper(),
                lambda fmt=fmt: build_deck(story, fmt, charts_for(*choice)),
                file_name=f"{story.file_stem}.{fmt}",
                mime=MIME[fmt],
                key=f"slide_download_{fmt}",
                icon=":material/download:",
                on_click="ignore",
                width="stretch",
                help=no_browser,
            )
        _plan_popover(plan, story, choice)
        leave.page_link("views/ringkasan.py", label="Keluar", icon=":material/close:")


def _plan_popover(column, story: Story, choice: tuple) -> None:
    """Which plan slides 4–6 show; a change rebuilds the story (a full rerun, not the fragment)."""
    options = plan_options(story.instansi_code, story.year)
    with column.popover("Rencana", icon=":material/tune:", width="stretch"):
        st.radio(
            "Rencana pada slide 4–6",
            list(options),
            format_func=options.get,
            key=PLAN_KEY,
        )
        if len(options) == 1:
            st.caption(
                "Simpan skenario di Simulasi atau Perencana Anggaran untuk memilihnya di sini."
            )
    chosen = st.session_state.get(PLAN_KEY, CHEAPEST_KEY)
    if (None if chosen == CHEAPEST_KEY else chosen) != choice[5]:
        st.rerun()


@st.fragment
def slide_show(story: Story, choice: tuple) -> None:
    """The slide and its navigation: a button or key reruns only this, not app.py and the page."""
    slide = story.slides[min(st.session_state.get(KEY, 0), len(story.slides) - 1)]
    draw_slide(story, slide)
    navigation(story, slide, choice)
