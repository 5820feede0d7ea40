"""Load: concurrent viewers rerun the Data page of a live server while an admin import commits.

A real ``python -m streamlit run app.py`` on a free loopback port, on a temp copy of the seeded
database, with an admin password hash in its environment. Headless Chromium (Debian's, through
Playwright) opens one browser context per viewer: each is its own Streamlit session. Every viewer
opens "Data & Impor" and reruns it (the "r" key) again and again; meanwhile one more context logs in
as admin, uploads a workbook and imports it — so the import commits in the same server process
that is serving the viewers.

Per rerun: the time from the key press to the end of the script run as the browser sees it, and
the figures the page shows ("Tingkat indikator", "Riwayat impor"). Checks: no exception or error
shown; every rerun shows the counts from before the import or from after it, never a mix or a
partial count; no session goes back to "before" once it has seen "after".

The imported rows are SYNTHETIC (Sumber "ilustrasi", year 2025, generated here) and go only into
the temp database.

Run: python benchmarks/bench_load.py [--sessions 30] [--reruns 8] [--instansi 300]
tests/test_load.py runs a small version (10 sessions x 3 reruns).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from spbe.auth import HASH_ENV, hash_password  # noqa: E402
from tests.helpers_app import (  # noqa: E402
    VIEWPORT,
    browser_unavailable_reason,
    build_seeded_database,
    chromium_path,
    discover_pages,
    streamlit_server,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # every tab is a viewer in the foreground: no timer or renderer throttling
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
ADMIN_PASSWORD = "beban-uji"
LEVELS_LABEL, LOG_LABEL = "Tingkat indikator", "Riwayat impor"
RUN_TIMEOUT_MS = 120_000
MAX_RERUNS = 200  # per session, whatever happens
OPENING = 3  # tabs loading the app at the same time
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Counts script runs that finished, as the browser sees them (stApp's data-test-script-state).
RUN_COUNTER = """
window.__runs = 0;
(function watch() {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) { setTimeout(watch, 10); return; }
  let last = app.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const now = app.getAttribute('data-test-script-state');
    if (now !== last && now === 'notRunning') window.__runs += 1;
    last = now;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
BOTH_COUNTS_SHOWN = f"""
() => {{
  const labels = [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
      .map(e => e.innerText.trim());
  return labels.includes({LEVELS_LABEL!r}) && labels.includes({LOG_LABEL!r});
}}
"""
READ_PAGE = """
() => {
  const metrics = {};
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = m.querySelector('[data-testid="stMetricLabel"]');
    const value = m.querySelector('[data-testid="stMetricValue"]');
    if (label && value) metrics[label.innerText.trim()] = value.innerText.trim();
  }
  const problems = [...document.querySelectorAll(
      '[data-testid="stException"], [data-testid="stAlertContentError"]')].map(e => e.innerText);
  return {metrics, problems};
}
"""


@dataclass(frozen=True)
class Observation:
    session: int
    rerun: int  # 0 = the first load of the page (not timed)
    at_s: float  # since the start of the load phase
    ms: float
    levels: int
    log: int


@dataclass
class LoadReport:
    sessions: int
    rows_imported: int
    before: tuple[int, int]  # (indicator levels, import log) shown before the import
    after: tuple[int, int]
    import_message: str = ""
    import_ms: float = math.nan
    import_window_s: tuple[float, float] = (math.nan, math.nan)
    observations: list[Observation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    admin_steps: list[tuple[float, str]] = field(default_factory=list)
    stored: tuple[int, int] | None = None  # counts in the file after the server stopped
    think_s: float = 0.0
    server_cpu_s: float = math.nan  # CPU time the Streamlit process used while driven

    @property
    def rows_lost(self) -> int | None:
        """Imported rows missing from the file afterwards (None before the run ended)."""
        return None if self.stored is None else self.after[0] - self.stored[0]

    @property
    def reruns(self) -> list[Observation]:
        return [o for o in self.observations if o.rerun > 0]

    def percentile_ms(self, q: float) -> float:
        times = sorted(o.ms for o in self.reruns)
        if not times:
            return math.nan
        return times[min(len(times) - 1, math.ceil(q * len(times)) - 1)]

    def torn(self) -> list[Observation]:
        """Reruns whose counts are neither the before nor the after state."""
        return [o for o in self.observations if (o.levels, o.log) not in (self.before, self.after)]

    def regressions(self) -> list[Observation]:
        """Reruns showing 'before' although the same session had already seen 'after'."""
        seen_after, back = set(), []
        for o in sorted(self.observations, key=lambda o: (o.session, o.rerun)):
            if (o.levels, o.log) == self.after:
                seen_after.add(o.session)
            elif o.session in seen_after:
                back.append(o)
        return back

    def sessions_seeing(self, state: tuple[int, int]) -> int:
        return len({o.session for o in self.observations if (o.levels, o.log) == state})

    def reruns_during_import(self) -> int:
        start, end = self.import_window_s
        return sum(1 for o in self.reruns if start <= o.at_s and o.at_s - o.ms / 1000 <= end)

    def summary(self) -> str:
        return (
            f"{self.sessions} sessions (think time {self.think_s:g} s), {len(self.reruns)} reruns "
            f"({self.reruns_during_import()} overlapping the import); rerun p50 "
            f"{self.percentile_ms(0.5):.0f} ms, p95 {self.percentile_ms(0.95):.0f} ms, "
            f"max {self.percentile_ms(1.0):.0f} ms; import of {self.rows_imported:,} rows "
            f"{self.import_ms / 1000:.1f} s ({self.import_message}); sessions that saw before/after: "
            f"{self.sessions_seeing(self.before)}/{self.sessions_seeing(self.after)}; torn reads: "
            f"{len(self.torn())}; back to before: {len(self.regressions())}; "
            f"errors shown: {len(self.problems)}; rows lost: {self.rows_lost}; server CPU "
            f"{self.server_cpu_s:.0f} s for {len(self.observations)} page runs + the import"
        )


def synthetic_workbook(codes: list[str], year: int = 2025) -> bytes:
    """Illustrative levels (Sumber "ilustrasi") for every indicator of ``codes`` in ``year``."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet("Nilai Indikator")
    ws.append(["Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan"])
    for k, code in enumerate(codes):
        for indicator in range(1, 48):
            level = 1 + (k + indicator) % 5
            ws.append([code, year, indicator, level, "ilustrasi", "data sintetis uji beban"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(text: str) -> int:
    return int(text.replace(".", ""))


async def _wait_runs(page, more_than: int) -> None:
    await page.wait_for_function(f"window.__runs > {more_than}", timeout=RUN_TIMEOUT_MS)


async def _open(page, url: str, opening: asyncio.Semaphore) -> None:
    """Load the page and wait until its counts are drawn and no script is running.

    Only a few tabs load at once (people arrive over some seconds; on a small machine thirty
    tabs parsing Streamlit's JavaScript together would measure Chromium, not the server).
    """
    async with opening:
        await page.goto(url, timeout=RUN_TIMEOUT_MS)
        await page.wait_for_function(BOTH_COUNTS_SHOWN, timeout=RUN_TIMEOUT_MS)
        await page.wait_for_selector(IDLE_APP, timeout=RUN_TIMEOUT_MS)


async def _new_page(browser):
    context = await browser.new_context(viewport=VIEWPORT, locale="en-US", service_workers="block")
    await context.add_init_script(RUN_COUNTER)
    return context, await context.new_page()


@dataclass
class _Gates:
    opening: asyncio.Semaphore  # how many tabs may load the app at once
    loaded: asyncio.Semaphore  # released once by every viewer whose page has loaded
    go: asyncio.Event  # set when every viewer may start rerunning
    imported: asyncio.Event  # set when the admin import has finished (or failed)


async def _viewer(
    browser, url, index, report, clock, gates: _Gates, reruns, deadline, think_s
) -> None:
    context, page = await _new_page(browser)
    try:
        started = time.perf_counter()
        await _open(page, url, gates.opening)
        await _observe(page, report, index, 0, clock, time.perf_counter() - started)
        gates.loaded.release()
        await gates.go.wait()
        done, after_import = 0, 0
        # at least `reruns` reruns and two after the import; bounded in count and time
        while done < MAX_RERUNS and time.perf_counter() < deadline:
            if done >= reruns and after_import >= 2:
                break
            runs = await page.evaluate("window.__runs")
            started = time.perf_counter()
            await page.keyboard.press("r")
            await _wait_runs(page, runs)
            done += 1
            await _observe(page, report, index, done, clock, time.perf_counter() - started)
            after_import += gates.imported.is_set()
            await asyncio.sleep(think_s)
    finally:
        await context.close()


async def _observe(page, report, session, rerun, clock, seconds) -> None:
    # the run has ended; let the browser paint what it received before reading it
    await page.evaluate(NEXT_FRAMES)
    seen = await page.evaluate(READ_PAGE)
    report.problems += [f"session {session} rerun {rerun}: {p}" for p in seen["problems"]]
    metrics = seen["metrics"]
    if LEVELS_LABEL not in metrics or LOG_LABEL not in metrics:
        report.problems.append(f"session {session} rerun {rerun}: no counts shown ({metrics})")
        return
    report.observations.append(
        Observation(
            session,
            rerun,
            time.perf_counter() - clock,
            seconds * 1000,
            _count(metrics[LEVELS_LABEL]),
            _count(metrics[LOG_LABEL]),
        )
    )


async def _admin(browser, url, workbook: bytes, report, clock, gates: _Gates, sessions, deadline):
    context, page = await _new_page(browser)

    def step(what: str) -> None:
        report.admin_steps.append((round(time.perf_counter() - clock, 2), what))

    try:
        await _open(page, url, gates.opening)
        sidebar = page.get_by_test_id("stSidebar")
        await sidebar.get_by_text("Masuk admin").click()
        await sidebar.get_by_label("Nama").fill("uji-beban")
        await sidebar.get_by_label("Kata sandi").fill(ADMIN_PASSWORD)
        await sidebar.get_by_role("button", name="Masuk").click()
        uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
        await uploader.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
        await uploader.set_input_files(
            {"name": "beban.xlsx", "mimeType": "application/octet-stream", "buffer": workbook}
        )
        button = page.get_by_role("button", name="Impor", exact=True)
        await button.wait_for(timeout=RUN_TIMEOUT_MS)
        step("logged in, file uploaded (not imported)")
        for _ in range(sessions):
            await gates.loaded.acquire()
        step("every viewer has loaded the page")
        gates.go.set()
        # import when the viewers are in full swing: two reruns each on average
        while len(report.reruns) < 2 * sessions and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        started = time.perf_counter()
        step("click Impor")
        await button.click()
        outcome = page.get_by_test_id("stAlert").filter(has_text="Impor")
        await outcome.first.wait_for(timeout=RUN_TIMEOUT_MS)
        finished = time.perf_counter()
        step("import message shown")
        report.import_message = (await outcome.first.inner_text()).strip()
        report.import_ms = (finished - started) * 1000
        report.import_window_s = (started - clock, finished - clock)
    finally:
        gates.go.set()
        gates.imported.set()
        await context.close()


async def _drive(url: str, sessions: int, reruns: int, workbook: bytes, report, budget_s) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            clock = time.perf_counter()
            deadline = clock + budget_s
            gates = _Gates(
                asyncio.Semaphore(OPENING), asyncio.Semaphore(0), asyncio.Event(), asyncio.Event()
            )
            viewers = [
                _viewer(browser, url, k, report, clock, gates, reruns, deadline, report.think_s)
                for k in range(sessions)
            ]
            admin = _admin(browser, url, workbook, report, clock, gates, sessions, deadline)
            results = await asyncio.wait_for(
                asyncio.gather(admin, *viewers, return_exceptions=True), timeout=budget_s + 120
            )
            report.problems += [f"{type(r).__name__}: {r}" for r in results if r is not None]
        finally:
            await browser.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc); NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return math.nan


def _run_in_own_thread(coroutine) -> None:
    """asyncio.run in a fresh thread: the caller's thread may already run an event loop (e.g. a
    session-wide sync Playwright fixture of the browser tests in the same pytest run)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="load-driver")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def run_load(
    workdir: Path,
    sessions: int,
    reruns: int,
    n_instansi: int,
    budget_s: float = 300.0,
    think_s: float = 0.0,
) -> LoadReport:
    """Serve app.py on a temp seeded copy and drive ``sessions`` viewers plus one admin import."""
    from spbe.store import instansi_table, open_store, table_counts

    workdir = Path(workdir)
    db = build_seeded_database(workdir / "spbe.duckdb")
    con = open_store(db)
    try:
        counts = table_counts(con)
        codes = instansi_table(con)["code"].tolist()[:n_instansi]
    finally:
        con.close()
    workbook = synthetic_workbook(codes)
    rows = len(codes) * 47
    report = LoadReport(
        sessions=sessions,
        rows_imported=rows,
        before=(counts["indicator_level"], counts["import_log"]),
        after=(counts["indicator_level"] + rows, counts["import_log"] + 1),
        think_s=think_s,
    )
    page = next(p for p in discover_pages() if p.test_id == "data")  # Data & Impor
    previous = os.environ.get(HASH_ENV)
    os.environ[HASH_ENV] = hash_password(ADMIN_PASSWORD, iterations=1000)
    try:
        with streamlit_server(db, workdir / "streamlit.log") as server:
            cpu_before = _cpu_seconds(server.process.pid)
            _run_in_own_thread(
                _drive(server.page_url(page), sessions, reruns, workbook, report, budget_s)
            )
            report.server_cpu_s = _cpu_seconds(server.process.pid) - cpu_before
            log_tail = server.log_tail()
    finally:
        if previous is None:
            os.environ.pop(HASH_ENV, None)
        else:
            os.environ[HASH_ENV] = previous
    if "Traceback" in log_tail:
        report.problems.append("server log has a traceback:\n" + log_tail)
    con = open_store(db)  # the server has stopped: what is on disk now
    try:
        final = table_counts(con)
    finally:
        con.close()
    report.stored = (final["indicator_level"], final["import_log"])
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--reruns", type=int, default=8, help="reruns per session (at least)")
    parser.add_argument("--instansi", type=int, default=300, help="instansi x 47 rows imported")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for the load phase")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a viewer waits between reruns"
    )
    args = parser.parse_args()
    reason = browser_unavailable_reason()
    if reason:
        print(f"Skipped: {reason}")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="spbe-load-"))
    try:
        started = time.perf_counter()
        report = run_load(
            workdir, args.sessions, args.reruns, args.instansi, args.budget, args.think
        )
        print(report.summary())
        print(f"total wall time {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs")
        for problem in report.problems[:10]:
            print("  problem:", problem[:500])
        for o in report.torn()[:10]:
            print("  torn:", o)
        ok = not (report.problems or report.torn() or report.regressions() or report.rows_lost)
        return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
