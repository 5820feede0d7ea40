"""Kontribusi OPD on a reconstructed profile says what is uncertain: each OPD's contribution over
every profile consistent with the published domains (exact bounds from spbe.core.ranges)."""

from spbe import ui
from tests.helpers_app import clear_streamlit_caches, new_app_test


def test_ternate_2024_shows_the_range_of_every_opd(tmp_path, monkeypatch):
    monkeypatch.setenv("SPBE_DB", str(tmp_path / "spbe.duckdb"))
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    at.selectbox(key=ui.KEY_YEAR).set_value(2024).run()
    at.switch_page("views/kontribusi_opd.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Terendah" in d.value.columns)
    rows = table.set_index("OPD")
    # Diskomsandi leads most of domains 1-3 and 42-43; bounds checked by hand in
    # tests/core/test_ranges.py (0,519 to 0,811 index points)
    assert rows.loc["Diskomsandi", "Terendah"] == "0,519"
    assert rows.loc["Diskomsandi", "Tertinggi"] == "0,811"

    def number(text: str) -> float:
        return float(text.replace(",", "."))

    for _, row in rows.iterrows():
        mine = number(row["Kontribusi (profil ini)"])
        assert number(row["Terendah"]) <= mine <= number(row["Tertinggi"])
    captions = " ".join(c.value for c in at.caption)
    assert "41.230.562.064.450 profil yang sama-sama cocok" in captions
    clear_streamlit_caches()
