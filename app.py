"""SPBE Dashboard: router, page config and the shared sidebar filters. Nothing else."""

from pathlib import Path

import streamlit as st

from spbe import ui

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"  # local: works offline

st.set_page_config(page_title="Dasbor SPBE", page_icon=str(FAVICON), layout="wide")

PAGES = {
    "Dasbor": [
        st.Page("pages/ringkasan.py", title="Ringkasan", icon=":material/home:", default=True),
        st.Page("pages/tren.py", title="Tren", icon=":material/trending_up:"),
        st.Page("pages/kontribusi_opd.py", title="Kontribusi OPD", icon=":material/account_tree:"),
    ],
    "Perencanaan": [
        st.Page("pages/simulasi.py", title="Simulasi", icon=":material/calculate:"),
        st.Page("pages/perencana.py", title="Perencana Anggaran", icon=":material/payments:"),
    ],
    "Presentasi": [
        st.Page("pages/presentasi.py", title="Presentasi", icon=":material/slideshow:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data & Impor", icon=":material/database:"),
    ],
}

navigation = st.navigation(PAGES)
st.session_state["filters"] = ui.sidebar_filters()
navigation.run()
