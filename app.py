"""SPBE Dashboard: router, page config and the shared sidebar filters. Nothing else."""

import streamlit as st

from spbe import ui

st.set_page_config(page_title="Dasbor SPBE", page_icon="📊", layout="wide")

PAGES = {
    "Dasbor": [
        st.Page("pages/ringkasan.py", title="Ringkasan", icon="🏠", default=True),
        st.Page("pages/tren.py", title="Tren", icon="📈"),
        st.Page("pages/kontribusi_opd.py", title="Kontribusi OPD", icon="🏢"),
    ],
}

navigation = st.navigation(PAGES)
st.session_state["filters"] = ui.sidebar_filters()
navigation.run()
