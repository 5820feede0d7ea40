"""The floor for benchmarks/bench_browser.py: the least a Streamlit page with one chart costs.

A year selectbox in the sidebar (labelled "Tahun", like the dashboard's) and one plotly line chart
that changes with the year; no database, no cache, nothing else. Run by bench_browser.py on its own
server (python -m streamlit run benchmarks/floor_app.py shows it by hand).
"""

import plotly.graph_objects as go
import streamlit as st

YEARS = list(range(2018, 2026))
VALUES = [1.62, 1.85, 2.01, 2.24, 2.31, 2.58, 2.66, 2.79]

st.set_page_config(page_title="Floor", layout="wide")
with st.sidebar:
    st.header("Pilihan")
    year = st.selectbox("Tahun", YEARS[::-1], key="floor_year")
st.title("Floor")
figure = go.Figure(go.Scatter(x=YEARS, y=VALUES, mode="lines+markers", name="Indeks"))
figure.add_trace(
    go.Scatter(x=[year], y=[VALUES[YEARS.index(year)]], mode="markers", marker={"size": 16})
)
figure.update_layout(title=f"Indeks sampai {year}", showlegend=False, height=420)
st.plotly_chart(figure, key="floor_chart")
