"""Benchmark: what a user waits for in the browser, on every page of app.py (issue #15).

For every page of app.py's navigation (tests/helpers_app.discover_pages), in Debian's headless
Chromium driven by Playwright against `streamlit run app.py` on 127.0.0.1:

- paint after navigation: from page.goto to every Plotly chart on the page drawn (each
  ``[data-testid="stPlotlyChart"]`` holds a ``.js-plotly-plot`` with its ``.main-svg``, no chart is
  still the ``stSkeleton`` Streamlit shows while its Plotly component loads, the count of charts
  has stopped changing and no chart changed for a quiet window) and Streamlit reporting
  ``data-test-script-state="notRunning"`` on stApp;
- a change of each sidebar filter (Instansi, Pembanding, Tahun) and of the page's main control, to
  the same state (Tren: each view of its "Tampilan" control against the default view, and the
  selectboxes inside a view after choosing that view, unmeasured); "server" is the time until the script run finished (stApp going to notRunning),
  "paint" the time until the last chart was drawn as well.

Times are taken inside the page (performance.now(); a MutationObserver installed before the app's
own scripts records the script-state changes and every change inside a chart, the time after the
next animation frame counting as painted). A navigation starts at the page's time origin, a change
at the timeStamp of the click (or key press) that made it. The quiet window only decides when the
state is final; it is never part of a figure.

The floor is benchmarks/floor_app.py (one year selectbox, one plotly line chart), measured in the
same run; every figure is also shown as a ratio to it. Targets printed beside the figures:
every change <= 2x the floor's year change and <= 300 ms; every page painted <= 2x the floor's
paint and <= 1 s seeded (1.5 s national); the Presentasi slide change ("Berikutnya") <= 100 ms on
the server. The verdict uses the p95 (``--judge median`` to judge the median instead).

Each control is measured on a fresh session (the page reloaded): one unmeasured-for-the-verdict
change ("first", cold caches for the new value), then --reps changes back and forth between the
default and its alternative. Instansi alternates with the current Pembanding (which has indicator
levels and an OPD mapping in both databases), the other selectboxes with their neighbouring option.

Columns (ms): first (the cold change or visit), median and p95 of paint over the reps, start
(median until the frontend shows the script running: the websocket round trip and Streamlit's
rerun set-up, before any app code), srv med / srv p95 (until the run finished), srv % (server
median / paint median), x floor (the judged figure / the floor's). A page that shows an exception
ends its row with the last exception line of the server's log (the browser shows it redacted).

--national adds the same on the SYNTHETIC national-scale database of benchmarks/bench_pages.py
(650 instansi x 8 years; built into a temp dir, never under data/).

Every request that would leave 127.0.0.1 is aborted and reported (none is expected).

Run: python benchmarks/bench_browser.py [--reps 5] [--national] [--pages tren,presentasi]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
sys.path.insert(0, str(ROOT))

from tests import helpers_app  # noqa: E402
from tests.helpers_app import (  # noqa: E402
    PageSpec,
    browser_exception_texts,
    browser_unavailable_reason,
    build_seeded_database,
    discover_pages,
    is_local_url,
    launch_offline_chromium,
    streamlit_server,
    wait_for_page,
)

GOAL_CHANGE_MS = 300
GOAL_PAINT_MS = {"seeded": 1000, "national": 1500}
GOAL_FLOOR_RATIO = 2.0
GOAL_SLIDE_SERVER_MS = 100
QUIET_MS = 500  # nothing changed for this long: the state is final (not part of any figure)
POLL_MS = 50
ATTEMPTS = 3  # tries to make a change whose click missed (no script run started)
START_TIMEOUT_MS = 5_000  # from the click to the script run starting (about 100 ms here)
TIMEOUT_MS = 60_000
FLOOR = PageSpec(script="benchmarks/floor_app.py", title="Floor", url_path="", default=True)

# Requests to intercept: everything that is not loopback (and not data:/blob:/about:). A regex is
# matched inside the browser, so loopback requests are never routed through this script.
NON_LOCAL = re.compile(
    r"^(?!(?:(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))"
    r"|data:|blob:|about:|chrome)"
)

# Installed in every document before the app's scripts: script-state changes, chart changes, and
# the time of the last trusted click or key press.
INIT_JS = """
(() => {
  if (window.__bench) return;
  const b = (window.__bench = {
    input: -1, states: [], plotChange: -1, plotPaint: -1, pending: false, count: -1, countAt: -1,
  });
  const onInput = (event) => { if (event.isTrusted) b.input = event.timeStamp; };
  window.addEventListener("click", onInput, true);
  window.addEventListener("keydown", onInput, true);
  const PLOT = ".js-plotly-plot";
  const touchesPlot = (record) => {
    const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    if (node && node.closest(PLOT)) return true;
    for (const nodes of [record.addedNodes, record.removedNodes]) {
      for (const n of nodes) {
        if (n.nodeType === 1 && (n.matches(PLOT) || n.querySelector(PLOT))) return true;
      }
    }
    return false;
  };
  const afterFrame = () => {
    b.pending = false;
    setTimeout(() => { b.plotPaint = performance.now(); }, 0);
  };
  new MutationObserver((records) => {
    const now = performance.now();
    let plot = false;
    for (const r of records) {
      if (r.attributeName === "data-test-script-state") {
        b.states.push([now, r.target.getAttribute("data-test-script-state")]);
      } else if (!plot && touchesPlot(r)) {
        plot = true;
      }
    }
    if (plot) {
      b.plotChange = now;
      if (!b.pending) { b.pending = true; requestAnimationFrame(afterFrame); }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();
"""

# True-ish (the figures) once the run that started at t0 finished, every chart is drawn and
# nothing has changed for `quiet` ms.
SETTLED_JS = """
({ fromInput, quiet }) => {
  const b = window.__bench;
  if (!b) return false;
  const t0 = fromInput ? b.input : 0;
  if (t0 < 0) return false;
  const now = performance.now();
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (charts.length !== b.count) { b.count = charts.length; b.countAt = now; }
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const finished = b.states.filter(([t, s]) => t >= t0 && s === "notRunning");
  if (!finished.length) return false;
  if (document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')) return false;
  const drawn = charts.every((c) => {
    const g = c.querySelector(".js-plotly-plot");
    return !!(g && g._fullLayout && g.querySelector(".main-svg"));
  });
  if (!drawn || b.pending) return false;
  const lastState = b.states.length ? b.states[b.states.length - 1][0] : 0;
  if (now - Math.max(lastState, b.plotChange, b.plotPaint, b.countAt) < quiet) return false;
  const server = finished[finished.length - 1][0];
  const started = b.states.find(([t, s]) => t >= t0 && s === "running");
  return {
    start: started ? started[0] - t0 : server - t0,
    server: server - t0,
    paint: Math.max(server, b.plotPaint) - t0,
    charts: charts.length,
    runs: b.states.filter(([t, s]) => t >= t0 && s === "running").length,
  };
}
"""


class Skip(Exception):
    """The control cannot be measured on this page (the reason is printed)."""


# -- measurements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    paint_ms: float
    server_ms: float
    start_ms: float  # until the script run started (the frontend shows "running")
    charts: int
    runs: int


@dataclass
class Series:
    name: str
    kind: str  # "paint" (navigation) or "change"
    first: Sample | None = None
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    error: str = ""
    server_limit_ms: float | None = None

    def stat(self, what: str, judge: str) -> float:
        values = [getattr(s, what) for s in self.samples]
        if not values:
            return float("nan")
        if judge == "median":
            return statistics.median(values)
        return float(np.percentile(values, 95))


# What the page looked like when it did not settle (for the error message).
STUCK_JS = """
({ fromInput }) => {
  const b = window.__bench, now = performance.now();
  const t0 = fromInput ? b.input : 0;
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {
    state: app && app.getAttribute("data-test-script-state"),
    states_since_input: b.states.filter(([t]) => t >= t0).map(([t, s]) => `${s}@${Math.round(t - t0)}`),
    skeletons: document.querySelectorAll('[data-testid="stMain"] [data-testid="stSkeleton"]').length,
    charts: charts.length,
    undrawn: charts.filter((c) => !c.querySelector(".js-plotly-plot .main-svg")).length,
    last_chart_change_ms_ago: Math.round(now - b.plotChange),
  };
}
"""


def settled(page, *, from_input: bool, timeout_ms: float = TIMEOUT_MS) -> Sample:
    arg = {"fromInput": from_input, "quiet": QUIET_MS}
    try:
        handle = page.wait_for_function(SETTLED_JS, arg=arg, polling=POLL_MS, timeout=timeout_ms)
    except PlaywrightTimeout:
        stuck = page.evaluate(STUCK_JS, arg)
        raise AssertionError(f"not settled within {timeout_ms / 1000:.0f} s: {stuck}") from None
    r = handle.json_value()
    return Sample(r["paint"], r["server"], r["start"], int(r["charts"]), int(r["runs"]))


def server_error(server) -> str:
    """The last line of the last traceback in the server's log (the browser shows it redacted)."""
    log = server.log_tail(20_000).splitlines()
    ends = [line for line in log if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", line)]
    return ends[-1][:200] if ends else "see the server log"


def navigate(page, server, spec: PageSpec) -> Sample:
    """page.goto, until settled; then the page must show its title and no exception."""
    page.goto(server.page_url(spec), wait_until="commit")
    sample = settled(page, from_input=False)
    if browser_exception_texts(page):
        raise AssertionError(f"app error: {server_error(server)}")
    wait_for_page(page, spec, settle=False)
    return sample


# -- controls ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """A widget to change: ``kind`` is "instansi" (alternates with the current Pembanding),
    "select" (alternates with its neighbouring option), "segment" (a segmented control: alternates
    with ``option``, else its neighbouring option), "step" (the first number input, one step up
    and back) or "button" (clicked; the page is reopened when it is disabled). ``view``: the
    option of the page's "Tampilan" control to choose first (the widget is inside that view)."""

    name: str
    kind: str
    label: str = ""
    sidebar: bool = False
    server_limit_ms: float | None = None
    option: str = ""
    view: str = ""


SIDEBAR_FILTERS = (
    Control("Instansi", "instansi", "Instansi", sidebar=True),
    Control("Pembanding", "select", "Pembanding", sidebar=True),
    Control("Tahun", "select", "Tahun", sidebar=True),
)
TREN_VIEW = "Tampilan"
MAIN_CONTROLS = {  # views/<stem>.py -> its main control(s)
    "tren": (
        Control("Tampilan: Domain", "segment", TREN_VIEW, option="Domain"),
        Control("Tampilan: Sebaran", "segment", TREN_VIEW, option="Sebaran nasional"),
        Control("Tampilan: Tingkat", "segment", TREN_VIEW, option="Tingkat per indikator"),
        Control("Tampilan: Penggerak", "segment", TREN_VIEW, option="Apa yang menggerakkan indeks"),
        Control("Asal tingkat (heatmap)", "select", "Asal tingkat", view="Tingkat per indikator"),
        Control(
            "Dari tahun (waterfall)", "select", "Dari tahun", view="Apa yang menggerakkan indeks"
        ),
    ),
    "kontribusi_opd": (
        Control("Asal tingkat", "select", "Asal tingkat"),
        Control("OPD (rincian)", "select", "OPD"),
    ),
    "simulasi": (Control("Tingkat indikator ±1", "step"),),
    "perencana": (Control("Target", "select", "Target"),),
    "presentasi": (
        Control("Berikutnya ▶", "button", "Berikutnya ▶", server_limit_ms=GOAL_SLIDE_SERVER_MS),
    ),
}


def _area(page, control: Control):
    return page.get_by_test_id("stSidebar" if control.sidebar else "stMain")


def _selectbox(page, control: Control):
    box = _area(page, control).get_by_test_id("stSelectbox")
    return box.filter(has=page.locator(f'input[aria-label="{control.label}"]')).first


def _centre(locator) -> None:
    """Scroll to the middle of the view: near the bottom edge the option list does not open."""
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")


def _open_list(page, box):
    """Open a selectbox's option list; returns its selected option."""
    selected = page.get_by_role("option", selected=True).first
    for _ in range(3):
        # Still focused after the previous change, the combobox ignores its "Open" button.
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        _centre(box)
        box.get_by_role("button", name="Open").click()
        try:
            selected.wait_for(timeout=3_000)
            return selected
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError("the option list did not open")


def _select_neighbour(page, control: Control, original):
    """Open the list; pick the option next to the original one, or the original back."""
    box = _selectbox(page, control)
    if not box.is_visible():
        raise Skip(f"no visible selectbox {control.label!r}")
    selected = _open_list(page, box)
    # data-key is the option's index (the list is virtualised when long: aria-setsize says so)
    current = int(selected.get_attribute("data-key"))
    size = int(selected.get_attribute("aria-setsize") or page.get_by_role("option").count())
    if size < 2:
        page.keyboard.press("Escape")
        raise Skip(f"{control.label!r} has a single option")
    original = current if original is None else original
    if current != original:
        target = original
    else:
        target = current + 1 if current < size - 1 else current - 1
    page.locator(f'[role="option"][data-key="{target}"]').first.click()
    return original


def _select_instansi(page, control: Control, state):
    """Type the other name (the list holds every instansi) and click its option."""
    box = _selectbox(page, control)
    if not box.is_visible():
        raise Skip("sidebar hidden on this page")
    field = box.locator("input")
    if state is None:  # (the two names, the index of the one shown)
        other = _selectbox(page, Control("", "", "Pembanding", sidebar=True)).locator("input")
        state = ((field.input_value(), other.input_value()), 0)
    names, shown = state
    if names[0] == names[1]:
        raise Skip("Instansi and Pembanding are the same")
    target = names[1 - shown]
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _centre(box)
    field.click()
    field.fill(target)
    page.get_by_role("option", name=target, exact=True).first.click()
    return names, 1 - shown


def _segment(page, control: Control, original):
    """Click ``control.option`` of a segmented control, or the original option back."""
    group = _area(page, control).get_by_role("radiogroup", name=control.label).first
    if not group.is_visible():
        raise Skip(f"no visible segmented control {control.label!r}")
    options = group.get_by_role("radio")
    names = [options.nth(i).inner_text().strip() for i in range(options.count())]
    checked = [options.nth(i).get_attribute("aria-checked") == "true" for i in range(len(names))]
    current = checked.index(True) if True in checked else 0
    original = current if original is None else original
    if current != original:
        target = original
    elif control.option:
        if control.option not in names:
            raise Skip(f"{control.label!r} has no option {control.option!r}")
        target = names.index(control.option)
    else:
        target = current + 1 if current < len(names) - 1 else current - 1
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _centre(options.nth(target))
    options.nth(target).click()
    return original


def choose_view(page, view: str) -> None:
    """Choose a view of the page's "Tampilan" control (unmeasured) and wait until it is drawn."""
    group = page.get_by_test_id("stMain").get_by_role("radiogroup", name=TREN_VIEW).first
    if not group.is_visible():
        raise Skip(f"no visible {TREN_VIEW!r} control")
    option = group.get_by_role("radio", name=view, exact=True)
    if option.get_attribute("aria-checked") == "true":
        return
    option.click()
    settled(page, from_input=True)


def _step(page, control: Control, original):
    number = _area(page, control).get_by_test_id("stNumberInput").first
    if not number.is_visible():
        raise Skip("no visible number input")
    value = float(number.locator("input").input_value())
    original = value if original is None else original
    up = number.get_by_test_id("stNumberInputStepUp")
    down = number.get_by_test_id("stNumberInputStepDown")
    if value == original:
        button = up if up.is_enabled() else down
    else:
        button = down if value > original else up
    button.click()
    return original


def _button(page, control: Control, reopen: Callable[[], None]):
    button = _area(page, control).get_by_role("button", name=control.label, exact=True).first
    if not button.is_visible():
        raise Skip(f"no visible button {control.label!r}")
    if button.is_disabled():  # e.g. on the last slide: a fresh session starts at the first
        reopen()
    button.click()


def _act_once(page, control: Control, state, reopen: Callable[[], None]):
    if control.kind == "instansi":
        return _select_instansi(page, control, state)
    if control.kind == "select":
        return _select_neighbour(page, control, state)
    if control.kind == "segment":
        return _segment(page, control, state)
    if control.kind == "step":
        return _step(page, control, state)
    _button(page, control, reopen)
    return state


RUN_STARTED_JS = "() => window.__bench.states.some(([t]) => t >= window.__bench.input)"


def act(page, control: Control, state, reopen: Callable[[], None]):
    """Make one change; returns the state the next change alternates with.

    A click that missed (the option list closed under it, the typed name was not taken) starts no
    script run: the change is made again, and its own click is the start of the measurement.
    """
    if control.sidebar and not _area(page, control).is_visible():
        raise Skip("sidebar hidden on this page")
    for _ in range(ATTEMPTS):
        changed = _act_once(page, control, state, reopen)
        try:
            page.wait_for_function(RUN_STARTED_JS, polling=POLL_MS, timeout=START_TIMEOUT_MS)
            return changed
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"{control.name}: {ATTEMPTS} tries started no script run")


# -- one page ----------------------------------------------------------------------------------


@dataclass
class PageResult:
    title: str
    script: str
    rows: list[Series]

    @property
    def charts(self) -> int:
        return max((s.charts for row in self.rows for s in row.samples), default=0)


def _error_text(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def measure_navigation(page, server, spec: PageSpec, reps: int) -> Series:
    series = Series("paint after navigation", "paint")
    try:
        series.first = navigate(page, server, spec)
        for _ in range(reps):
            series.samples.append(navigate(page, server, spec))
    except Exception as exc:  # reported in the table, the run goes on
        series.error = _error_text(exc)
    return series


def measure_control(page, server, spec: PageSpec, control: Control, reps: int) -> Series:
    series = Series(control.name, "change", server_limit_ms=control.server_limit_ms)

    def reopen() -> None:
        navigate(page, server, spec)
        if control.view:
            choose_view(page, control.view)

    try:
        reopen()  # a fresh session: every widget at its default
        state = None
        for i in range(reps + 1):
            state = act(page, control, state, reopen)
            sample = settled(page, from_input=True)
            errors = browser_exception_texts(page)
            if errors:
                raise AssertionError(f"app error after change {i + 1}: {server_error(server)}")
            if i == 0:
                series.first = sample
            else:
                series.samples.append(sample)
    except Skip as skip:
        series.note = f"skipped: {skip}"
    except Exception as exc:  # reported in the table, the run goes on
        series.error = _error_text(exc)
    return series


def measure_page(page, server, spec: PageSpec, reps: int, controls) -> PageResult:
    rows = [measure_navigation(page, server, spec, reps)]
    for control in controls:
        rows.append(measure_control(page, server, spec, control, reps))
    return PageResult(spec.title, spec.script, rows)


# -- browser and servers -----------------------------------------------------------------------


@dataclass
class Leaks:
    blocked: list[str] = field(default_factory=list)


def new_context(playwright, profile: Path, leaks: Leaks):
    context = launch_offline_chromium(playwright, profile)
    context.add_init_script(INIT_JS)

    def block(route) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
            return
        leaks.blocked.append(url)
        route.abort("internetdisconnected")

    context.route(NON_LOCAL, block)
    context.on(
        "page",
        lambda page: page.on(
            "websocket",
            lambda ws: None if is_local_url(ws.url) else leaks.blocked.append(ws.url),
        ),
    )
    return context


def measure_floor(context, work: Path, reps: int) -> PageResult:
    """floor_app.py on its own server, started the way tests/helpers_app.py starts app.py."""
    page = context.new_page()
    try:
        with (
            mock.patch.object(helpers_app, "APP_PATH", FLOOR_APP),
            streamlit_server(work / "floor-unused.duckdb", work / "floor.log") as server,
        ):
            year = Control("Tahun (floor)", "select", "Tahun", sidebar=True)
            return measure_page(page, server, FLOOR, reps, (year,))
    finally:
        page.close()


def measure_app(context, db: Path, log: Path, pages, reps: int) -> list[PageResult]:
    results = []
    page = context.new_page()
    try:
        with streamlit_server(db, log) as server:
            for spec in pages:
                controls = SIDEBAR_FILTERS + MAIN_CONTROLS.get(spec.test_id, ())
                start = time.perf_counter()
                results.append(measure_page(page, server, spec, reps, controls))
                print(
                    f"  {spec.title}: measured in {time.perf_counter() - start:.0f} s", flush=True
                )
    finally:
        page.close()
    return results


# -- report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    paint_ms: float
    change_ms: float


def verdict(row: Series, floor: Floor, paint_goal_ms: float, judge: str) -> tuple[str, list[str]]:
    paint = row.stat("paint_ms", judge)
    goal = paint_goal_ms if row.kind == "paint" else GOAL_CHANGE_MS
    reference = floor.paint_ms if row.kind == "paint" else floor.change_ms
    misses = []
    if not paint <= goal:
        misses.append(f"> {goal:.0f} ms")
    if not paint <= GOAL_FLOOR_RATIO * reference:
        misses.append(f"> {GOAL_FLOOR_RATIO:.0f}x floor")
    if row.server_limit_ms is not None:
        server = row.stat("server_ms", judge)
        if not server <= row.server_limit_ms:
            misses.append(f"server > {row.server_limit_ms:.0f} ms")
    return ("PASS" if not misses else "FAIL"), misses


def _ms(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.0f}"


HEADER = (
    f"{'measure':<26} {'first':>6} {'median':>7} {'p95':>6} {'start':>6} {'srv med':>8} "
    f"{'srv p95':>8} {'srv %':>6} {'x floor':>8}  target"
)


def print_row(row: Series, floor: Floor | None, paint_goal_ms: float, judge: str) -> list[str]:
    """One line of the table (and its notes); returns the misses and errors."""
    first = row.first.paint_ms if row.first else None
    if not row.samples:
        text = f"ERROR: {row.error}" if row.error else (row.note or "no figures")
        print(f"{row.name:<26} {_ms(first):>6}  {text}")
        return [f"error: {row.error}"] if row.error else []
    median, p95 = row.stat("paint_ms", "median"), row.stat("paint_ms", "p95")
    server_median, server_p95 = row.stat("server_ms", "median"), row.stat("server_ms", "p95")
    share = 100 * server_median / median if median else float("nan")
    start = row.stat("start_ms", "median")
    text = (
        f"{row.name:<26} {_ms(first):>6} {_ms(median):>7} {_ms(p95):>6} {_ms(start):>6} "
        f"{_ms(server_median):>8} {_ms(server_p95):>8} {share:>5.0f}%"
    )
    misses: list[str] = []
    if floor is None:
        print(f"{text} {'(floor)':>8}")
    else:
        reference = floor.paint_ms if row.kind == "paint" else floor.change_ms
        ratio = row.stat("paint_ms", judge) / reference
        result, misses = verdict(row, floor, paint_goal_ms, judge)
        goal = paint_goal_ms if row.kind == "paint" else GOAL_CHANGE_MS
        target = f"<= {goal:.0f} ms, <= {GOAL_FLOOR_RATIO:.0f}x floor"
        if row.server_limit_ms is not None:
            target += f", server <= {row.server_limit_ms:.0f} ms"
        detail = f" ({'; '.join(misses)})" if misses else ""
        print(f"{text} {ratio:>7.1f}x  {result} [{target}]{detail}")
    notes = [row.note] if row.note else []
    runs = max(s.runs for s in row.samples)
    if runs > 1:
        notes.append(f"up to {runs} script runs per {row.kind}")
    if row.error:
        notes.append(f"ERROR after {len(row.samples)} of the reps: {row.error}")
        misses.append(f"error: {row.error}")
    for note in notes:
        print(f"{'':<26}   note: {note}")
    return misses


def print_page(result: PageResult, floor: Floor | None, paint_goal_ms: float, judge: str):
    charts = result.charts
    print(f"\n{result.title} ({result.script}) - {charts} chart{'s' if charts != 1 else ''}")
    print(HEADER)
    misses = []
    for row in result.rows:
        for miss in print_row(row, floor, paint_goal_ms, judge):
            misses.append(f"{result.title} / {row.name}: {miss}")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions (default 5)")
    parser.add_argument("--national", action="store_true", help="also the synthetic national DB")
    parser.add_argument(
        "--pages", default="", help="only these pages (file stems, comma-separated)"
    )
    parser.add_argument("--judge", choices=("p95", "median"), default="p95")
    args = parser.parse_args()

    reason = browser_unavailable_reason()
    if reason:
        sys.exit(f"bench_browser: {reason}")

    pages = discover_pages()
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
        pages = tuple(p for p in pages if p.test_id in wanted)
    print(
        f"pages from app.py: {', '.join(p.title for p in pages)}; {args.reps} reps each "
        f"(+1 first, not in median/p95); verdict on the {args.judge}; times in ms"
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    leaks = Leaks()
    all_misses: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp, sync_playwright() as pw:
        work = Path(tmp)
        context = new_context(pw, work / "chromium-profile", leaks)
        try:
            floor_result = measure_floor(context, work, args.reps)
            print_page(floor_result, None, 0, args.judge)
            nav, change = floor_result.rows
            if not (nav.samples and change.samples):
                sys.exit(f"the floor could not be measured: {nav.error or change.error}")
            floor = Floor(nav.stat("paint_ms", args.judge), change.stat("paint_ms", args.judge))

            databases = [("seeded", build_seeded_database(work / "seeded.duckdb"))]
            if args.national:
                sys.path.insert(0, str(Path(__file__).resolve().parent))
                # spbe.ui's caches, imported outside a Streamlit runtime, warn once each.
                from streamlit.logger import get_logger

                get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
                from bench_pages import build_synthetic_database

                start = time.perf_counter()
                national = work / "sintetis-nasional.duckdb"
                counts = build_synthetic_database(national)
                print(
                    f"\nSintetis national-scale database (generated, not real): "
                    f"{counts['instansi']} instansi, {counts['indicator_level']:,} indicator "
                    f"levels; built in {time.perf_counter() - start:.1f} s"
                )
                databases.append(("national", national))

            for label, db in databases:
                print(f"\n=== {label} database: measuring {len(pages)} pages", flush=True)
                results = measure_app(context, db, work / f"{label}.log", pages, args.reps)
                goal = GOAL_PAINT_MS[label]
                print(
                    f"\n=== {label} database (floor: paint {floor.paint_ms:.0f} ms, year change "
                    f"{floor.change_ms:.0f} ms; page goal <= {goal} ms)"
                )
                for result in results:
                    for miss in print_page(result, floor, goal, args.judge):
                        all_misses.append(f"[{label}] {miss}")
        finally:
            context.close()
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    blocked = sorted(set(leaks.blocked))
    print(f"requests that tried to leave 127.0.0.1: {', '.join(blocked) if blocked else 'none'}")
    print(f"\n{len(all_misses)} target(s) missed" + (":" if all_misses else ""))
    for miss in all_misses:
        print(f"  {miss}")


if __name__ == "__main__":
    main()
