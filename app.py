"""SPBE Dashboard: router, page config and the shared sidebar filters. Nothing else."""

from pathlib import Path

import streamlit as st

from spbe import ui

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"  # local: works offline

st.set_page_config(page_title="Dasbor SPBE", page_icon=str(FAVICON), layout="wide")

PAGES = {
    "Dasbor": [
        st.Page("views/ringkasan.py", title="Ringkasan", icon=":material/home:", default=True),
        st.Page("views/tren.py", title="Tren", icon=":material/trending_up:"),
        st.Page("views/kontribusi_opd.py", title="Kontribusi OPD", icon=":material/account_tree:"),
        st.Page(
            "views/siklus.py", title="Siklus Penilaian", icon=":material/published_with_changes:"
        ),
        st.Page("views/kesiapan.py", title="Kesiapan Penilaian", icon=":material/fact_check:"),
    ],
    "Perencanaan": [
        st.Page("views/simulasi.py", title="Simulasi", icon=":material/calculate:"),
        st.Page("views/perencana.py", title="Perencana Anggaran", icon=":material/payments:"),
    ],
    "Presentasi": [
        st.Page("views/presentasi.py", title="Presentasi", icon=":material/slideshow:"),
    ],
    "Data": [
        st.Page("views/data.py", title="Data & Impor", icon=":material/database:"),
    ],
}

navigation = st.navigation(PAGES)
st.session_state["filters"] = ui.sidebar_filters()
navigation.run()
