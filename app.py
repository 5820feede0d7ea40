"""SPBE Dashboard entry point (placeholder until the dashboard pages land)."""

import streamlit as st

from spbe.framework import list_frameworks, load_framework

st.set_page_config(page_title="Dasbor SPBE", page_icon="📊", layout="wide")
st.title("Dasbor Indeks SPBE — Kota Ternate & Provinsi Maluku Utara")
st.write("Kerangka penilaian yang dimuat:")
for framework_id in list_frameworks():
    fw = load_framework(framework_id)
    note = " — *sumber sekunder*" if fw.secondary_source else ""
    st.markdown(f"- **{fw.name}** ({fw.short_regulation}): {len(fw.indicators)} indikator{note}")
