"""AppTest of the Presentasi page from the entry point (app.py) on a temp seeded database:
stepping through the slides, the bookmarkable link, refusals, the offline keyboard script."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spbe import store, ui
from tests.helpers_app import (
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    heading_texts,
    new_app_test,
)

PAGE = next(p for p in discover_pages() if p.title == "Presentasi")
TERNATE_2024_TITLES = [
    "Indeks SPBE Kota Ternate 2024",
    "Tren indeks dari tahun ke tahun",
    "Profil domain dibanding nasional dan provinsi",
    "Menuju Baik: selisih dan cara termurah",
    "Apa yang dimiliki dan harus dilakukan setiap OPD",
    "Peta jalan: satu tingkat per indikator per tahun",
]


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    return build_seeded_database(tmp_path_factory.mktemp("presentasi") / "template.duckdb")


@pytest.fixture
def app_db(seeded_template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(seeded_template, path)
    monkeypatch.setenv(store.DB_ENV, str(path))
    clear_streamlit_caches()
    with full_error_details():
        yield path
    clear_streamlit_caches()


def open_presentation(query: dict[str, str] | None = None, **filters):
    """The app with the sidebar filters preset (they are app.py's widgets), then the page."""
    at = new_app_test()
    for key, value in filters.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE.script)
    return at.run()


def no_exception(at) -> None:
    assert not at.exception, "\n\n".join(exception_texts(at))


def counter(at) -> str:
    shown = [m.value for m in at.markdown if re.fullmatch(r"<p>\d+ / \d+</p>", m.value)]
    assert len(shown) == 1, shown
    return shown[0].removeprefix("<p>").removesuffix("</p>")


def slide_title(at) -> list[str]:
    """The slide's title; the other heading is the context line 'Presentasi · <instansi> <year>'.

    The sidebar (hidden on this page by CSS, but still drawn by app.py) is not part of the slide."""
    sidebar = {h.value for h in at.sidebar.header}
    return [h for h in heading_texts(at) if not h.startswith("Presentasi · ") and h not in sidebar]


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_buttons_step_through_the_six_slides(app_db):
    at = open_presentation(**{ui.KEY_INSTANSI: "kota-ternate", ui.KEY_YEAR: 2024})
    no_exception(at)
    assert counter(at) == "1 / 6"
    assert slide_title(at) == [TERNATE_2024_TITLES[0]]
    assert "Presentasi · Kota Ternate 2024" in heading_texts(at)
    assert '<div class="headline">1,89 · Cukup</div>' in markdown_text(at)
    assert at.button(key="slide_prev").disabled
    for n in range(2, 7):
        at.button(key="slide_next").click().run()
        no_exception(at)
        assert counter(at) == f"{n} / 6"
        assert slide_title(at) == [TERNATE_2024_TITLES[n - 1]]
        assert "Resmi KemenPANRB" in markdown_text(at)  # provenance on every slide
        assert "disusun" in markdown_text(at)  # and the data line
    assert at.button(key="slide_next").disabled
    at.button(key="slide_prev").click().run()
    no_exception(at)
    assert counter(at) == "5 / 6"
    assert dict(at.query_params) == {"instansi": "kota-ternate", "tahun": "2024"}


def test_a_bookmarked_link_chooses_instansi_and_year(app_db):
    at = open_presentation({"instansi": "Provinsi Maluku Utara", "tahun": "2023"})
    no_exception(at)
    assert slide_title(at) == ["Indeks SPBE Provinsi Maluku Utara 2023"]
    assert '<div class="headline">2,49 · Cukup</div>' in markdown_text(at)  # L23 Tabel 47
    assert dict(at.query_params) == {"instansi": "prov-maluku-utara", "tahun": "2023"}
    at.button(key="slide_next").click().run()
    assert counter(at) == "2 / 6"
    assert slide_title(at) == ["Tren indeks dari tahun ke tahun"]


def test_a_link_to_a_year_without_data_is_refused_in_indonesian(app_db):
    at = open_presentation({"instansi": "kota-ternate", "tahun": "2019"})
    no_exception(at)
    assert [e.value for e in at.error] == [
        "Tidak ada hasil evaluasi SPBE untuk Kota Ternate tahun 2019 "
        "(tahun yang tersedia: 2023, 2024, 2025)."
    ]
    assert not [b for b in at.button if b.key == "slide_next"]


def test_an_unknown_instansi_in_the_link_falls_back_to_the_sidebar(app_db):
    at = open_presentation({"instansi": "Kota Atlantis"}, **{ui.KEY_YEAR: 2023})
    no_exception(at)
    assert [w.value for w in at.warning] == [
        "Instansi 'Kota Atlantis' pada tautan tidak dikenal; memakai pilihan sidebar."
    ]
    assert slide_title(at) == ["Indeks SPBE Kota Ternate 2023"]


def test_sidebar_hidden_and_keyboard_script_offline(app_db):
    at = open_presentation()
    no_exception(at)
    bodies = [h.proto.body for h in at.get("html")]
    style = next(b for b in bodies if "<style>" in b)
    assert '[data-testid="stSidebar"]' in style and "display: none" in style
    script = next(b for b in bodies if "<script>" in b)
    assert "http" not in script and "src=" not in script  # nothing to fetch
    keys = set(re.findall(r'"(slide_\w+)"', script))
    assert keys == {"slide_next", "slide_prev"}
    assert keys <= {b.key for b in at.button}  # the keys click buttons that exist
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["PPTX", "PDF"]  # with the download icon


def test_a_new_choice_starts_again_at_the_first_slide(app_db):
    at = open_presentation({"instansi": "kota-ternate", "tahun": "2024"})
    at.button(key="slide_next").click().run()
    at.button(key="slide_next").click().run()
    assert counter(at) == "3 / 6"
    at.query_params["tahun"] = "2023"
    at.run()
    no_exception(at)
    assert counter(at) == "1 / 6"
    assert slide_title(at) == ["Indeks SPBE Kota Ternate 2023"]


def _facts(at) -> str:
    return markdown_text(at)


def _to_slide(at, n: int):
    for _ in range(n - 1):
        at.button(key="slide_next").click().run()
        no_exception(at)
    return at


def test_the_slides_use_the_offices_saved_costs_and_a_chosen_scenario(app_db):
    """After a cost table is saved, slide 4 says "Biaya (Mandiri)" with the planner's total;
    choosing a saved scenario on the navigation bar puts its raises on slide 4."""
    from spbe.core.costs import default_costs
    from spbe.core.framework import load_framework
    from spbe.core.scenario import Scenario, costs_snapshot
    from spbe.store.scenarios import load_costs, save_costs, save_scenario

    fw = load_framework("spbe-2020")
    frame = default_costs(fw).frame.copy()
    steps = [c for c in frame.columns if "→" in c]
    frame[steps] = frame[steps] * 2  # every step twice the illustrative cost: the same raises
    con = store.open_store(app_db)
    try:
        save_costs(con, "kota-ternate", fw, frame, actor="uji")
        base_rows = store.indicator_levels(con, "kota-ternate", 2024, "rekonstruksi")
        base = dict(zip(base_rows["indicator"].astype(int), base_rows["level"].astype(int)))
        costs = load_costs(con, "kota-ternate", fw)
        scenario = Scenario(
            instansi_code="kota-ternate", year=2024, framework_id=fw.id, name="Satu langkah",
            provenance="rekonstruksi", base_levels=base, levels=base | {9: base[9] + 1},
            costs=costs_snapshot(costs),
        )  # fmt: skip
        save_scenario(con, scenario, actor="uji")
    finally:
        con.close()
    clear_streamlit_caches()
    at = _to_slide(open_presentation(**{ui.KEY_INSTANSI: "kota-ternate", ui.KEY_YEAR: 2024}), 4)
    assert slide_title(at) == [TERNATE_2024_TITLES[3]]
    text = _facts(at)
    # the illustrative plan is Rp 1.760.000.000; doubled costs keep the raises: Rp 3.520.000.000
    assert "Biaya (Mandiri)" in text and "Rp 3.520.000.000" in text
    assert "Biaya (Ilustrasi)" not in text

    options = at.radio(key="slide_plan").options
    assert options == ["Rencana termurah (dihitung dari tabel biaya)", "Skenario: Satu langkah"]
    at.radio(key="slide_plan").set_value(_scenario_id(app_db)).run()
    no_exception(at)
    assert counter(at) == "4 / 6"  # the presenter stays on the slide
    assert slide_title(at) == ["Skenario Satu langkah: biaya dan hasil"]
    step = costs.mapping()[9][base[9] - 1]  # indicator 9, one step, the saved (doubled) cost
    assert step == 2 * default_costs(fw).mapping()[9][base[9] - 1]
    assert f"Rp {int(step):,}".replace(",", ".") in _facts(at)
    assert "1 pada 1 indikator" in _facts(at)


def _scenario_id(path) -> int:
    from spbe.store.scenarios import list_scenarios

    con = store.open_store(path)
    try:
        return int(list_scenarios(con, "kota-ternate")["id"].iloc[0])
    finally:
        con.close()
