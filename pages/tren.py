import streamlit as st

st.title("tren")
