"""Benchmark: every page's server rerun after a CHANGE of each widget, in AppTest, on the seeded
and a national-scale database (issue 15; the browser's side is benchmarks/bench_browser.py).

Pages come from app.py's navigation (tests/helpers_app.discover_pages). For each page: "open" is
the switch to the page after the home page (cold caches for that page). Then, for each sidebar
filter (Instansi, Pembanding, Tahun) and the page's main control(s) (MAIN_CONTROLS), on a fresh
session (the page reopened; Streamlit's caches stay warm, as on a server): one change ("first":
the cold change, new values for the caches) and N timed changes back and forth between the
default and its alternative (Instansi alternates with the current Pembanding, a selectbox with its
neighbouring option, the Tren "Tampilan" control with the named view, a number input one step up
and back, a pair of buttons one after the other). Each figure is one full rerun, app.py + page, from
the widget change to the end of the script run; median and p95 are printed. A control that is not
on the page (another engineer renamed it, or the data offers a single option) is reported skipped.
AppTest reruns the whole script also for a widget inside an st.fragment (Simulasi's levels), so
those rows are an upper bound. Goal: <= 300 ms per change on the seeded data, <= 1 s at national
scale; cold start (process start to the first page served in Chromium) <= 5 s.

Needs the page scripts outside a folder named pages/: with one next to app.py, Streamlit 1.67's
AppTest reruns execute the page file alone (no app.py, no sidebar filters); rows then say so.

The national-scale database is SYNTHETIC ("Sintetis …"): 650 instansi x 8 years of results and
650 x 8 x 47 indicator levels, generated with a fixed seed into a temp DuckDB built with
spbe.store.open_store. It is never written under data/ and never shown as real.

Run: python benchmarks/bench_pages.py [--reruns 10] [--pages tren,ringkasan] [--no-national]
     [--no-cold-start]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spbe import store, ui  # noqa: E402
from spbe.core.framework import load_framework  # noqa: E402
from spbe.core.scoring import score  # noqa: E402
from spbe.store.seed import RECONSTRUCTED_PROVINCE as HOME_PROVINCE  # noqa: E402
from tests.helpers_app import (  # noqa: E402
    PageSpec,
    browser_unavailable_reason,
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    launch_offline_chromium,
    new_app_test,
    open_app_page,
    open_page,
    streamlit_server,
)

GOAL_SEEDED_MS, GOAL_NATIONAL_MS, GOAL_COLD_START_S = 300, 1000, 5.0
SEED = 2026
YEARS = tuple(range(2018, 2026))  # 8 evaluation years
# Composition of the national list (as in the seed data): 650 instansi.
KINDS = (("nasional", 1), ("provinsi", 38), ("kota", 93), ("kabupaten", 404), ("pusat", 114))
N_OPD = 24
NO_ROUTER = (
    "AppTest ran the page without app.py (no sidebar filters): Streamlit falls back to the "
    "views/ directory next to app.py (rename the folder)"
)
SOURCE = "Sintetis: data buatan untuk benchmark, bukan hasil evaluasi"


# -- the synthetic national-scale database ---------------------------------------------------------


def synthetic_instansi() -> pd.DataFrame:
    """650 instansi named "Sintetis …"; the app's two default codes exist so it can start."""
    n_provinces = dict(KINDS)["provinsi"]
    rows = []
    for kind, count in KINDS:
        for k in range(count):
            code, name = f"sintetis-{kind}-{k:03d}", f"Sintetis {kind.capitalize()} {k:03d}"
            region = k % n_provinces
            # Region 0 carries the home province's label so its peer views have ~14 members.
            label = HOME_PROVINCE if region == 0 else f"Sintetis Wilayah {region:02d}"
            province = None if kind in ("nasional", "pusat") else label
            rows.append((code, name, kind, province))
    frame = pd.DataFrame(rows, columns=["code", "name", "kind", "province"])
    defaults = {
        "sintetis-nasional-000": "nasional",
        "sintetis-kota-000": ui.DEFAULT_INSTANSI,
        "sintetis-provinsi-000": ui.DEFAULT_COMPARISON,
    }
    frame["code"] = frame["code"].replace(defaults)
    return frame


def synthetic_levels(instansi: pd.DataFrame, fw, rng: np.random.Generator) -> pd.DataFrame:
    """Levels 1..5 for every instansi x year x indicator: a base, a yearly gain and noise."""
    n_inst, n_years, numbers = len(instansi), len(YEARS), np.array(fw.indicator_numbers)
    base = rng.uniform(1.2, 3.8, size=n_inst)
    gain = rng.uniform(0.0, 0.25, size=n_inst)
    years = np.arange(n_years)
    mean = base[:, None, None] + gain[:, None, None] * years[None, :, None]
    noise = rng.normal(0.0, 0.7, size=(n_inst, n_years, len(numbers)))
    levels = np.clip(np.rint(mean + noise), 1, 5).astype(np.int64)
    return pd.DataFrame(
        {
            "instansi": np.repeat(instansi["code"].to_numpy(), n_years * len(numbers)),
            "year": np.tile(np.repeat(np.array(YEARS), len(numbers)), n_inst),
            "indicator": np.tile(numbers, n_inst * n_years),
            "level": levels.ravel(),
        }
    )


def synthetic_results(levels: pd.DataFrame, fw) -> pd.DataFrame:
    scored = score(levels, fw)
    domains = {f"domain_{d.number}": scored[f"domain_{d.number}"].round(2) for d in fw.domains}
    return pd.DataFrame(
        {
            "instansi_code": scored["instansi"],
            "year": scored["year"].astype(int),
            # The 2018-2020 evaluations used the older instrument, as in the real data.
            "framework": np.where(scored["year"] < 2021, "spbe-2018", fw.id),
            "index_value": scored["index"].round(2),
            "predicate": scored["predicate"],
            **domains,
            "source": SOURCE,
            "status": "final",
            "note": SOURCE,
        }
    )


def synthetic_opd(codes: list[str], fw) -> tuple[pd.DataFrame, pd.DataFrame]:
    opd = pd.DataFrame(
        [
            (code, f"opd-{k:02d}", f"OPD Sintetis {k:02d}", f"OPD-S{k:02d}")
            for code in codes
            for k in range(N_OPD)
        ],
        columns=["instansi_code", "opd_code", "name", "short_name"],
    )
    owners = []
    for code in codes:
        for i, number in enumerate(fw.indicator_numbers):
            owners.append((code, fw.id, number, f"opd-{i % N_OPD:02d}", "lead", False))
            if i % 3 == 0:
                owners.append((code, fw.id, number, f"opd-{(i + 7) % N_OPD:02d}", "support", False))
    columns = ["instansi_code", "framework", "indicator", "opd_code", "role", "confirmed"]
    return opd, pd.DataFrame(owners, columns=columns)


def build_synthetic_database(path: Path) -> dict[str, int]:
    """Schema by spbe.store.open_store (no seed), then one bulk-insert transaction."""
    fw = load_framework("spbe-2020")
    rng = np.random.default_rng(SEED)
    instansi = synthetic_instansi()
    levels = synthetic_levels(instansi, fw, rng)
    results = synthetic_results(levels, fw)
    opd, owners = synthetic_opd([ui.DEFAULT_INSTANSI, ui.DEFAULT_COMPARISON], fw)
    level_rows = levels.rename(columns={"instansi": "instansi_code"}).assign(
        framework=fw.id, provenance="ilustrasi", note=SOURCE
    )
    con = store.open_store(path, seed=False)
    try:
        for name, frame in (
            ("instansi", instansi),
            ("official_result", results),
            ("indicator_level", level_rows),
            ("opd", opd),
            ("indicator_owner", owners),
        ):
            with store.transaction(con) as cur:
                cur.register("frame", frame)
                columns = ", ".join(frame.columns)
                cur.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM frame")
                cur.unregister("frame")
        return store.table_counts(con)
    finally:
        con.close()


# -- timing -----------------------------------------------------------------------------------------


class Skip(Exception):
    """The control is not on this page (the reason is printed)."""


@dataclass(frozen=True)
class Control:
    """A widget to change, found by its key: ``kind`` is "instansi" (alternates with the current
    Pembanding), "select" (its neighbouring option), "segment" (a segmented control: alternates
    with ``option``), "step" (a number input, one step up and back) or "buttons" (the button
    ``key``, then the button ``option``). ``view``: the Tren "Tampilan" view to choose first."""

    name: str
    kind: str
    key: str
    option: str = ""
    view: str = ""


TREN_VIEW_KEY = "tren_view"
SIDEBAR_CONTROLS = (
    Control("Instansi", "instansi", ui.KEY_INSTANSI),
    Control("Pembanding", "select", ui.KEY_COMPARISON),
    Control("Tahun", "select", ui.KEY_YEAR),
)
MAIN_CONTROLS = {  # views/<stem>.py -> its main control(s)
    "tren": (
        Control("Tampilan: Domain", "segment", TREN_VIEW_KEY, "Domain"),
        Control("Tampilan: Sebaran", "segment", TREN_VIEW_KEY, "Sebaran nasional"),
        Control("Tampilan: Tingkat", "segment", TREN_VIEW_KEY, "Tingkat per indikator"),
        Control("Tampilan: Penggerak", "segment", TREN_VIEW_KEY, "Apa yang menggerakkan indeks"),
        Control("Asal tingkat (heatmap)", "select", "tren_prov", view="Tingkat per indikator"),
        Control("Dari tahun (waterfall)", "select", "wf_from", view="Apa yang menggerakkan indeks"),
    ),
    "kontribusi_opd": (
        Control("Asal tingkat", "select", "opd_prov"),
        Control("OPD (rincian)", "select", "opd_drill"),
    ),
    "simulasi": (Control("Tingkat indikator 1 ±1", "step", "sim_lvl_1"),),
    "perencana": (Control("Target", "select", "plan_target"),),
    "presentasi": (Control("Berikutnya ▶ / ◀", "buttons", "slide_next", "slide_prev"),),
}


@dataclass(frozen=True)
class Timing:
    name: str
    first_ms: float
    median_ms: float = float("nan")
    p95_ms: float = float("nan")
    error: str | None = None
    note: str = ""


def _widget(at, kind: str, key: str):
    finder = {
        "instansi": at.selectbox,
        "select": at.selectbox,
        "segment": at.button_group,
        "step": at.number_input,
        "buttons": at.button,
    }[kind]
    try:
        return finder(key=key)
    except KeyError:
        raise Skip(f"no widget with key {key!r}") from None


class _Picked(Selectbox):
    """A selectbox whose next run sends the option text ``picked``, as the browser does: AppTest's
    own select_index sends the text through the page's format_func again (a code -> name
    format_func then turns a name into None)."""

    picked = ""

    @property
    def _widget_state(self) -> WidgetState:
        state = WidgetState()
        state.id = self.id
        state.string_value = self.picked
        return state


def _pick(widget, option: str) -> None:
    widget.__class__ = _Picked
    widget.picked = option


def _change(at, control: Control, state):
    """Set the next value (not yet run); returns the state the next change alternates with."""
    widget = _widget(at, control.kind, control.key)
    if control.kind == "instansi":  # the option texts of Instansi and Pembanding
        other = at.selectbox(key=ui.KEY_COMPARISON)
        names = state or (widget.options[widget.index], other.options[other.index])
        if names[0] == names[1]:
            raise Skip("Instansi and Pembanding are the same")
        _pick(widget, names[1] if widget.options[widget.index] == names[0] else names[0])
        return names
    if control.kind == "select":
        if len(widget.options) < 2:
            raise Skip(f"{control.key!r} has a single option")
        original = widget.index if state is None else state
        if widget.index != original:
            target = original
        else:
            target = original + 1 if original < len(widget.options) - 1 else original - 1
        _pick(widget, widget.options[target])
        return original
    if control.kind == "segment":
        original = widget.value if state is None else state
        widget.set_value(control.option if widget.value == original else original)
        return original
    if control.kind == "step":
        original = widget.value if state is None else state
        if widget.value != original:
            widget.set_value(original)
        elif widget.max is None or widget.value < widget.max:
            widget.increment()
        else:
            widget.decrement()
        return original
    pressed = control.key if state in (None, control.option) else control.option
    button = _widget(at, "buttons", pressed)
    if button.disabled:
        raise Skip(f"button {pressed!r} is disabled")
    button.click()
    return pressed


def _failure(at) -> str | None:
    if at.exception:
        return exception_texts(at)[0]
    if not _has_filter(at):
        return NO_ROUTER
    return None


def time_control(page: PageSpec, control: Control, reruns: int) -> Timing:
    """One cold change, then ``reruns`` timed changes back and forth, on a fresh session."""
    at = new_app_test()
    open_page(at, page)
    first, times = float("nan"), []
    try:
        if control.view:
            _widget(at, "segment", TREN_VIEW_KEY).set_value(control.view)
            at.run()
        state = None
        for i in range(1 + reruns):
            state = _change(at, control, state)
            start = time.perf_counter()
            at.run()
            elapsed = (time.perf_counter() - start) * 1000
            failure = _failure(at)
            if failure:
                return Timing(control.name, first, error=failure)
            if i == 0:
                first = elapsed
            else:
                times.append(elapsed)
    except Skip as skip:
        return Timing(control.name, first, note=f"skipped: {skip}")
    return Timing(control.name, first, statistics.median(times), float(np.percentile(times, 95)))


def time_page(page: PageSpec, reruns: int) -> list[Timing]:
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    start = time.perf_counter()
    open_page(at, page)
    opened = Timing("open (cold caches)", (time.perf_counter() - start) * 1000)
    failure = _failure(at)
    if failure:
        return [Timing(opened.name, opened.first_ms, error=failure)]
    controls = SIDEBAR_CONTROLS + MAIN_CONTROLS.get(page.test_id, ())
    return [opened, *(time_control(page, c, reruns) for c in controls)]


def _has_filter(at) -> bool:
    try:
        at.selectbox(key=ui.KEY_INSTANSI)
    except KeyError:
        return False
    return True


def time_pages(db_path: Path, pages: tuple[PageSpec, ...], reruns: int):
    os.environ[store.DB_ENV] = str(db_path)
    results = []
    with full_error_details():
        for page in pages:
            start = time.perf_counter()
            results.append((page, time_page(page, reruns)))
            print(f"  {page.title}: measured in {time.perf_counter() - start:.0f} s", flush=True)
    return results


def cold_start(db_path: Path, home: PageSpec, work: Path) -> tuple[float, float] | str:
    """(process start -> /_stcore/health, process start -> home page idle in Chromium), seconds."""
    reason = browser_unavailable_reason()
    if reason:
        return reason
    from playwright.sync_api import sync_playwright

    work.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = launch_offline_chromium(playwright, work / "chromium-profile")
        page = context.new_page()
        try:
            with streamlit_server(db_path, work / "cold-start.log") as server:
                start = time.perf_counter()
                try:
                    open_app_page(page, server, home, settle=False)
                except AssertionError as exc:
                    return f"home page did not render: {exc}"
                return server.started_s, server.started_s + time.perf_counter() - start
        finally:
            context.close()


# -- report -----------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:.0f}"


def print_table(label: str, results, goal_ms: float) -> None:
    print(f"\n{label} (ms; first = the cold change, not in median/p95; goal p95 <= {goal_ms:.0f})")
    print(f"{'page':<20} {'change':<26} {'first':>6} {'median':>7} {'p95':>6}")
    for page, timings in results:
        for t in timings:
            head = f"{page.title:<20} {t.name:<26} {_ms(t.first_ms):>6}"
            if t.error:
                print(f"{head}  ERROR: {t.error.splitlines()[0][:140]}")
            elif t.note:
                print(f"{head}  {t.note}")
            elif t.median_ms != t.median_ms:
                print(head)
            else:
                verdict = "ok" if t.p95_ms <= goal_ms else "SLOW"
                print(f"{head} {_ms(t.median_ms):>7} {_ms(t.p95_ms):>6}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=10, help="timed changes per control")
    parser.add_argument(
        "--pages", default="", help="only these pages (file stems, comma-separated)"
    )
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--no-cold-start", action="store_true")
    args = parser.parse_args()

    pages = discover_pages()
    home = next(p for p in pages if p.default)
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
        pages = tuple(p for p in pages if p.test_id in wanted)
    print(f"pages from app.py: {', '.join(p.title for p in pages)}; {args.reruns} changes each")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        work = Path(tmp)
        seeded = build_seeded_database(work / "seeded.duckdb")
        print("\nmeasuring on the seeded database", flush=True)
        print_table("Seeded database", time_pages(seeded, pages, args.reruns), GOAL_SEEDED_MS)

        national = None
        if not args.no_national:
            start = time.perf_counter()
            national = work / "sintetis-nasional.duckdb"
            counts = build_synthetic_database(national)
            print(
                f"\nSintetis (national scale, generated, not real): {counts['instansi']} instansi, "
                f"{counts['official_result']:,} results, {counts['indicator_level']:,} indicator "
                f"levels; built in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
            results = time_pages(national, pages, args.reruns)
            print_table("Sintetis national-scale database", results, GOAL_NATIONAL_MS)

        if not args.no_cold_start:
            print(f"\nCold start (goal <= {GOAL_COLD_START_S:.0f} s)")
            for label, path in (("seeded", seeded), ("sintetis nasional", national)):
                if path is None:
                    continue
                result = cold_start(path, home, work / f"cold-{path.stem}")
                if isinstance(result, str):
                    print(f"{label:<18} skipped: {result}")
                else:
                    health, first_page = result
                    print(
                        f"{label:<18} healthy after {health:.2f} s, "
                        f"first page idle in Chromium after {first_page:.2f} s"
                    )
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
