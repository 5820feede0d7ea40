"""Kesiapan Penilaian: before the assessors come, who has sent what — each OPD's indicators sent
of those it leads, those without evidence, its last submission and the days left to the
verification date; the table for the coordination meeting, each OPD's template, and for an admin
the verification date and the upload of OPD workbooks."""

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from views.widgets import readiness

filters = ui.filters()
st.title("Kesiapan Penilaian")
st.caption(
    "Setiap OPD mengisi tingkat, penjelasan dan bukti dukung indikator yang diampunya; Diskominfo "
    "mengimpor berkas isian OPD menjadi satu penilaian mandiri (sementara) sebelum verifikasi asesor."
)
try:
    state = readiness.load(filters.instansi, filters.year)
except SpbeError as exc:  # no instrument loaded for that year
    st.info(str(exc))
    state = None
if state is not None:
    st.header(f"Kesiapan OPD {filters.instansi_name} {filters.year}")
    readiness.overview(state)
    readiness.table(state, filters.instansi_name)
    st.header("Templat isian OPD")
    st.caption(
        "Berkas Excel untuk satu OPD: indikator yang diampunya dapat diisi, indikator yang "
        "didukungnya terkunci, dengan kriteria tingkat sebagai acuan."
    )
    readiness.template_download(state, filters.instansi_name)
    st.header("Tanggal verifikasi dan impor isian OPD")
    readiness.admin_section(state)
