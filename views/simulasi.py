"""Simulasi: change indicator levels and see index, predicate and gains at once; saved scenarios."""

import streamlit as st

from spbe import ui
from views.widgets import planning, plans, whatif

start = planning.planning_start("Simulasi")
session, origin, names = start.session, start.origin, start.names
profile, fw = session.start, session.start.framework
if not any(o.stored for o in start.options):
    st.info(
        f"Belum ada profil tingkat indikator tersimpan untuk {names[origin[0]]} {origin[1]}. "
        f"Pilihan yang ada: profil Ilustrasi (semua indikator tingkat {fw.min_level}) — bukan "
        "nilai sebenarnya."
    )
planning.start_picker(start)
ui.badge(f"Profil awal: {profile.label}", profile.provenance)
loaded_from = f" Dimuat dari {session.source}." if session.source else ""
st.caption(
    f"{names[profile.instansi_code]} {profile.year} · {fw.name} ({fw.short_regulation}). "
    f"Hasil simulasi adalah perkiraan, bukan hasil evaluasi.{loaded_from}"
)
costs = plans.costs_in_use(profile.instansi_code, fw)  # this session's trial costs, if any
actor, _ = planning.admin()
whatif.simulate(profile, costs)

session = st.session_state[planning.SIM_SESSION_KEY]
title = "**Simpan skenario ini** (tautan halaman ini juga menyimpan simulasi)"
planning.save_form("sim", title, session, costs, actor=actor)
st.subheader("Skenario tersimpan")
whatif.saved_scenarios(profile.instansi_code, names[profile.instansi_code], origin, actor)
