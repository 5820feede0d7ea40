"""Perencana Anggaran: the cheapest plan to a target, or the largest gain within a budget; with
annual budgets, the roadmap year by year (fewest years to the target, or the best index). Costs
are the office's table, or trial costs ("biaya coba") tried for this session only."""

import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.planning.session import is_trial, session_from_plan, state_of
from views.widgets import planning, plans, ranges

start = planning.planning_start("Perencana Anggaran")
session, names = start.session, start.names
profile, fw = session.start, session.start.framework
ui.badge(f"Profil awal: {profile.label}", profile.provenance)
st.caption(
    f"Rencana dihitung dari profil awal {names[profile.instansi_code]} {profile.year} (bukan dari "
    "perubahan di halaman Simulasi). Rencana ini tepat (biaya minimum terbukti), bukan tebakan."
)
plans.open_saved(start)
settings = plans.settings(start)
costs = plans.costs_in_use(profile.instansi_code, fw)
actor, read_only = planning.admin()
leads = planning.cached_leads(profile.instansi_code, profile.profile(), fw)
try:
    plan = planning.cached_plan(
        profile.profile(), settings, fw, costs.mapping(), leads.names, profile.year + 1
    )
except SpbeError as exc:
    plans.stop_on(exc)
planning.write_url(state_of(session, settings))

st.subheader("Hasil")
plans.result(plan, fw, costs, leads)
if settings.mode == "target" and not settings.annual_budgets:
    ranges.plan_cost_section(profile, settings.target, plan.total_cost, costs, fw)
apply, download = st.columns(2)
if apply.button("Terapkan ke simulasi", key="plan_apply", disabled=not plan.raises):
    st.session_state[planning.SIM_SESSION_KEY] = session_from_plan(session, plan)
    st.switch_page("views/simulasi.py")
with download:
    plans.rka_download(plan, fw, settings, profile, names[profile.instansi_code], costs, leads)
title = "**Simpan rencana sebagai skenario**" + (" (dengan biaya coba)" if is_trial(costs) else "")
then = "; bandingkan di halaman Simulasi."
planning.save_form("plan", title, session, costs, plan, settings, actor=actor, then=then)

st.subheader("Tabel biaya")
plans.cost_table(profile.instansi_code, fw, costs, actor, read_only)
