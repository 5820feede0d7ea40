"""Widget pieces of the pages in views/ (Streamlit only): one module per page family."""
