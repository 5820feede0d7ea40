"""Siklus Penilaian: the year as it is lived — each self-assessment beside the verified result,
and where the assessors disagreed (per domain, aspect and indicator), who owns it, exportable."""

import streamlit as st

from spbe import ui
from views.widgets import cycle

filters = ui.filters()
st.title("Siklus Penilaian")
st.caption(
    "OPD mengisi data dan bukti dukung indikatornya; Diskominfo menyusun penilaian mandiri; asesor "
    "KemenPANRB memverifikasi (dokumen, wawancara); hasil resmi terbit beberapa bulan kemudian."
)
st.header("Penilaian mandiri dan hasil resmi")
cycle.track(filters.instansi, filters.instansi_name)
st.header(f"Mandiri dibanding hasil verifikasi {filters.year}")
cycle.gap_section(filters.instansi, filters.instansi_name, filters.year)
