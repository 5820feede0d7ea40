"""``python -m spbe deck``: the six-slide story as .pptx or .pdf, wired into ``spbe.cli``.

The plan slides (4–6) are priced with the instansi's own cost table where one is saved (labelled
"Mandiri"), else with the illustrative one, and say which; ``--scenario NAME`` shows a saved
scenario's raises instead of the cheapest plan (priced with the costs saved in it);
``--annual-budget`` makes slide 6 the exact roadmap under annual budgets.
"""

from __future__ import annotations

import argparse

from spbe.core.errors import SpbeError


def add_deck_arguments(deck: argparse.ArgumentParser) -> None:
    deck.add_argument("--instansi", required=True, help="nama atau kode instansi")
    deck.add_argument("--year", type=int, required=True, help="tahun")
    deck.add_argument("--out", required=True, help="berkas tujuan .pptx atau .pdf")
    plan = deck.add_mutually_exclusive_group()
    plan.add_argument(
        "--annual-budget",
        help="anggaran per tahun untuk slide peta jalan, mis. '750 juta' atau '750 juta; 800 juta'",
    )
    plan.add_argument(
        "--scenario",
        help="nama skenario tersimpan (instansi dan tahun yang sama) untuk slide rencana",
    )


def find_scenario(con, code: str, year: int, typed: str, hint):
    """The saved scenario of that instansi and year named ``typed`` (spaces and case ignored);
    refused with the names that exist (and a "maksud Anda" hint)."""
    from spbe.store.scenarios import get_scenario, list_scenarios

    saved = list_scenarios(con, code)
    saved = saved[saved["year"] == int(year)]
    wanted = " ".join(str(typed).split()).casefold()
    for row in saved.itertuples(index=False):
        if " ".join(str(row.name).split()).casefold() == wanted:
            return get_scenario(con, int(row.id))
    names = {str(n): str(n) for n in saved["name"]}
    if not names:
        raise SpbeError(f"Belum ada skenario tersimpan untuk instansi ini tahun {year}.")
    listed = ", ".join(f'"{n}"' for n in list(names)[:10])
    raise SpbeError(
        f"Skenario '{typed}' tidak ada untuk tahun {year}{hint(names, typed) or '.'} "
        f"Skenario tersimpan: {listed}."
    )


def cmd_deck(args, instansi_code, hint) -> tuple[str, str | None]:
    """Write the deck; returns (the line to print, a warning or None). Raises SpbeError."""
    from datetime import date

    from spbe import store
    from spbe.core.framework import framework_for_year
    from spbe.planning.tables import parse_budgets
    from spbe.presentation.deck import deck_format, write_deck
    from spbe.presentation.story import build_story
    from spbe.store.scenarios import load_costs

    deck_format(args.out)
    annual = None
    if args.annual_budget is not None:
        annual = parse_budgets(args.annual_budget, "Anggaran per tahun (--annual-budget)")
    con = store.open_store(args.db)
    try:
        code = instansi_code(con, args.instansi)
        frames = store.story_frames(con, code)
        try:
            costs = load_costs(con, code, framework_for_year(args.year)).table
        except SpbeError:  # a year no instrument scores: build_story says so below
            costs = None
        scenario = None
        if args.scenario is not None:
            scenario = find_scenario(con, code, args.year, args.scenario, hint)
    finally:
        con.close()
    story = build_story(
        *frames,
        code,
        args.year,
        made_on=date.today(),
        costs=costs,
        annual_budgets=annual,
        scenario=scenario,
    )
    charts = write_deck(story, args.out)
    line = f"Presentasi ditulis: {args.out} ({len(story.slides)} slide, {charts.count} grafik)"
    return line, (f"Peringatan: {charts.problem}" if charts.problem else None)
