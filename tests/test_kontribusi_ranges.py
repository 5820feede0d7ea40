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
    assert "sekitar 41 triliun profil yang sama-sama cocok" in captions
    clear_streamlit_caches()


def test_perencana_gives_the_plan_cost_range_over_consistent_profiles(tmp_path, monkeypatch):
    """Ternate 2024 -> Baik with the illustrative costs: the flattest profile's plan costs
    Rp 1.760.000.000; over every consistent profile the cheapest plan costs Rp 1.725.000.000 to
    Rp 1.800.000.000 (brute-forced over all 24.030 profile classes in tests/core/test_ranges)."""
    monkeypatch.setenv("SPBE_DB", str(tmp_path / "spbe.duckdb"))
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    at.selectbox(key=ui.KEY_YEAR).set_value(2024).run()
    at.switch_page("views/perencana.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "rencana di atas (Rp 1.760.000.000) memakainya" in captions
    assert "berbiaya Rp 1.725.000.000 sampai Rp 1.800.000.000" in captions
    table = next(d.value for d in at.dataframe if "Batas" in d.value.columns)
    assert table["Biaya rencana"].tolist() == ["Rp 1.725.000.000", "Rp 1.800.000.000"]
    assert all(text.startswith("berbeda dari profil paling rata") for text in table.iloc[:, 2])
    clear_streamlit_caches()
