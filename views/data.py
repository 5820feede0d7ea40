"""Data & Impor: what is stored, where every published figure comes from, and every import attempt.

Importing needs the admin role (ui.admin_login); the upload stays in memory and goes through the same
all-or-nothing path as the CLI (spbe.services.imports).
"""

import streamlit as st

from spbe import ui
from spbe.core.formatting import format_count
from spbe.core.provenance import provenance_label
from spbe.results.tables import official_display, provenance_counts
from views.widgets import imports

st.title("Data & Impor")
imports.import_or_why_not()
ui.excel_download(
    "Unduh templat impor (.xlsx)",
    imports.template_bytes,
    "templat-nilai-spbe.xlsx",
    key="dl_template",
)

st.subheader("Isi basis data")
counts = ui.table_counts()
names = imports.TABLE_NAMES
for column, (table, label) in zip(st.columns(len(names)), names.items(), strict=True):
    column.metric(label, format_count(counts[table]))

st.subheader("Riwayat impor")
log = ui.import_log()
if log.empty:
    st.caption("Belum ada impor.")
else:
    columns = imports.LOG_COLUMNS
    log = log.rename(columns=columns)[list(columns.values())]
    st.dataframe(log, hide_index=True, key="data_log")

st.subheader("Hasil resmi dan sumbernya")
for kind, n in ui.from_official(provenance_counts):  # both once per data version
    ui.badge(f"{provenance_label(kind)}: {format_count(n)} hasil", kind)
st.dataframe(ui.from_official(official_display), hide_index=True, key="data_official")
