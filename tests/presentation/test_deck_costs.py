"""The story and the deck price their plan with the office's own cost table (issue #16): after a
cost table is saved, `spbe deck`'s slide 4 total equals the planner's (`spbe plan`), labelled
"Mandiri"; `--scenario NAME` shows a saved scenario's raises priced with the costs saved in it;
slide 5 splits the cost among OPDs by the one stated rule."""

from __future__ import annotations

import json
from datetime import date

from pptx import Presentation

from spbe import store
from spbe.core.costs import default_costs
from spbe.core.formatting import format_rupiah
from spbe.core.framework import load_framework
from spbe.core.scenario import Scenario, costs_snapshot
from spbe.presentation.story import build_story
from spbe.results.opd_costs import OPD_COST_RULE
from spbe.store.scenarios import load_costs, save_costs, save_scenario
from tests.helpers_cli import run as run_cli

CODE = "kota-ternate"


def _save_own_costs(path, factor: float = 1.5) -> None:
    fw = load_framework("spbe-2020")
    frame = default_costs(fw).frame.copy()
    steps = [c for c in frame.columns if "→" in c]
    frame[steps] = frame[steps] * factor
    con = store.open_store(path)
    try:
        save_costs(con, CODE, fw, frame, actor="uji")
    finally:
        con.close()


def _slide_texts(path) -> list[str]:
    deck = Presentation(str(path))
    texts = []
    for slide in deck.slides:
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append("\n".join(parts))
    return texts


def test_after_saving_a_cost_table_the_decks_total_equals_the_planners(store_copy, tmp_path):
    _save_own_costs(store_copy, 1.5)
    code, out, err = run_cli(
        "plan", "--db", store_copy, "--instansi", CODE, "--year", 2024, "--target", "Baik",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    planned = json.loads(out)["total_cost"]
    # The illustrative plan is Rp 1.760.000.000; every step 1,5× dearer gives the same raises.
    assert planned == 1_760_000_000 * 1.5
    deck = tmp_path / "t.pptx"
    code, out, err = run_cli(
        "deck", "--db", store_copy, "--instansi", CODE, "--year", 2024, "--out", deck
    )
    assert code == 0, err
    slide4 = _slide_texts(deck)[3]
    assert "Biaya (Mandiri)" in slide4 and format_rupiah(planned) in slide4
    assert "Biaya (Ilustrasi)" not in slide4
    assert "tabel biaya instansi sendiri" in slide4
    slide5 = _slide_texts(deck)[4]
    assert "Biaya (Mandiri)" in slide5 and "dibagi rata" in slide5


def test_without_a_saved_table_the_deck_says_the_costs_are_illustrative(seeded_store, tmp_path):
    frames = _frames(seeded_store)
    story = build_story(*frames, CODE, 2024, made_on=date(2026, 12, 4))
    facts = dict((f.label, f.value) for f in story.slides[3].facts)
    assert facts["Biaya (Ilustrasi)"] == "Rp 1.760.000.000"
    assert OPD_COST_RULE in story.slides[4].footer


def _frames(path):
    con = store.open_read_only(path)
    try:
        return store.story_frames(con, CODE)
    finally:
        con.close()


def test_a_saved_scenario_replaces_the_cheapest_plan(store_copy, tmp_path):
    fw = load_framework("spbe-2020")
    frames = _frames(store_copy)
    levels = frames[1]
    base_rows = levels[(levels["year"] == 2024) & (levels["provenance"] == "rekonstruksi")]
    base = {int(n): int(v) for n, v in zip(base_rows["indicator"], base_rows["level"])}
    assert len(base) == 47
    raised = dict(base)
    raised[1], raised[2] = base[1] + 1, base[2] + 2  # three level steps
    con = store.open_store(store_copy)
    try:
        costs = load_costs(con, CODE, fw)
        scenario = Scenario(
            instansi_code=CODE, year=2024, framework_id=fw.id, name="Dua indikator",
            provenance="rekonstruksi", base_levels=base, levels=raised,
            costs=costs_snapshot(costs),
        )  # fmt: skip
        save_scenario(con, scenario, actor="uji")
    finally:
        con.close()
    steps = costs.mapping()
    expected = (
        steps[1][base[1] - 1] + steps[2][base[2] - 1] + steps[2][base[2]]
    )  # the saved costs of 1: base→base+1, 2: base→base+2
    deck = tmp_path / "s.pptx"
    code, out, err = run_cli(
        "deck", "--db", store_copy, "--instansi", "Kota Ternate", "--year", 2024,
        "--out", deck, "--scenario", "dua  INDIKATOR",
    )  # fmt: skip
    assert code == 0, err
    slide4 = _slide_texts(deck)[3]
    assert "Skenario Dua indikator" in slide4
    assert format_rupiah(expected) in slide4 and "3 pada 2 indikator" in slide4
    code, out, err = run_cli(
        "deck", "--db", store_copy, "--instansi", CODE, "--year", 2024,
        "--out", tmp_path / "x.pptx", "--scenario", "Dua indikatr",
    )  # fmt: skip
    assert code == 2
    assert 'maksud Anda "Dua indikator"?' in err and not (tmp_path / "x.pptx").exists()


def test_a_scenario_planned_with_trial_costs_says_so(seeded_store):
    fw = load_framework("spbe-2020")
    frames = _frames(seeded_store)
    levels = frames[1]
    rows = levels[(levels["year"] == 2024) & (levels["provenance"] == "rekonstruksi")]
    base = {int(n): int(v) for n, v in zip(rows["indicator"], rows["level"])}
    steps = {str(n): [10_000_000.0] * 4 for n in fw.indicator_numbers}  # Rp 10 jt every step
    scenario = Scenario(
        instansi_code=CODE, year=2024, framework_id=fw.id, name="Coba murah",
        provenance="rekonstruksi", base_levels=base, levels=base | {1: base[1] + 2},
        costs={"provenance": "mandiri", "steps": steps, "trial": True, "trial_rows": [1]},
    )  # fmt: skip
    story = build_story(*frames, CODE, 2024, made_on=date(2026, 12, 4), scenario=scenario)
    facts = dict((f.label, f.value) for f in story.slides[3].facts)
    assert facts == {
        "Biaya (coba)": "Rp 20.000.000",  # two steps of indicator 1 at Rp 10 jt
        "Langkah tingkat": "2 pada 1 indikator",
        "Indeks sesudah": facts["Indeks sesudah"],
    }
    assert "Biaya: coba (disimpan dalam skenario" in story.slides[3].footer
    assert "Skenario tersimpan: Coba murah" in story.slides[3].footer
