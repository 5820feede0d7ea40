import streamlit as st

st.title("ringkasan")
