import streamlit as st

st.title("kontribusi_opd")
