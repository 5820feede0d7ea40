"""Presentasi: the story in six full-screen slides for a projector (buttons, ← → or a clicker)."""

from datetime import date

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.presentation.links import presentation_choice
from views.widgets import slides

SHOWN, CHOSEN = "slide_story", "slide_choice"
WRITTEN, SEEN = "slide_link_written", "slide_sidebar_seen"

slides.full_screen()
filters = st.session_state.get("filters")  # absent when a deep link skipped app.py
sidebar = (filters.instansi, filters.year) if filters else None
chosen, notes = presentation_choice(
    st.query_params.to_dict(),
    st.session_state.get(WRITTEN),
    ui.instansi(),
    sidebar,
    st.session_state.get(SEEN),
    st.session_state.get(CHOSEN),
)
st.session_state[SEEN] = sidebar
for note in notes:
    st.warning(note)
try:
    if chosen is None:
        raise SpbeError("Pilih instansi dan tahun di dasbor, atau buka ?instansi=…&tahun=….")
    plan = slides.chosen_plan(*chosen)
    choice = (ui.db_path(), ui.data_version(), *chosen, date.today(), plan)
    story = slides.story_for(*choice)
except SpbeError as exc:
    st.title("Presentasi")
    ui.show_error(exc)
    st.page_link("views/ringkasan.py", label="Kembali ke dasbor", icon=":material/close:")
    st.stop()
written = {"instansi": story.instansi_code, "tahun": str(story.year)}
if st.query_params.to_dict() != written:
    st.query_params.from_dict(written)
st.session_state[WRITTEN], st.session_state[CHOSEN] = written, chosen
if st.session_state.get(SHOWN) != choice[2:4]:
    st.session_state[SHOWN], st.session_state[slides.KEY] = choice[2:4], 0
slides.slide_show(story, choice)
