"""Benchmark: every page's full rerun time in AppTest, on the seeded and a national-scale database.

Pages come from app.py's navigation (tests/helpers_app.discover_pages). For each page: one run of
the home page and a switch to the page (cold caches), a warm-up, then N timed reruns (app.py + the
page, as a widget change would cause); median and p95 are printed. Goal: <= 300 ms per rerun on
the seeded data, <= 1 s at national scale; cold start (process start to the first page served in
Chromium) <= 5 s.

Needs the page scripts outside a folder named pages/: with one next to app.py, Streamlit 1.67's
AppTest reruns execute the page file alone (no app.py, no sidebar filters); rows then say so.

The national-scale database is SYNTHETIC ("Sintetis …"): 650 instansi x 8 years of results and
650 x 8 x 47 indicator levels, generated with a fixed seed into a temp DuckDB built with
spbe.store.open_store. It is never written under data/ and never shown as real.

Run: python benchmarks/bench_pages.py [--reruns 20] [--no-national] [--no-cold-start]
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
WARM_UP = 2
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


@dataclass(frozen=True)
class PageTiming:
    page: str
    first_ms: float
    median_ms: float
    p95_ms: float
    error: str | None = None


def time_page(page: PageSpec, reruns: int) -> PageTiming:
    clear_streamlit_caches()
    at = new_app_test()
    at.run()
    start = time.perf_counter()
    open_page(at, page)
    first = (time.perf_counter() - start) * 1000
    if not _has_filter(at):
        return PageTiming(page.title, first, float("nan"), float("nan"), NO_ROUTER)
    if at.exception:
        return PageTiming(page.title, first, float("nan"), float("nan"), exception_texts(at)[0])
    times = []
    for i in range(WARM_UP + reruns):
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            return PageTiming(page.title, first, float("nan"), float("nan"), exception_texts(at)[0])
        if not _has_filter(at):
            return PageTiming(page.title, first, float("nan"), float("nan"), NO_ROUTER)
        if i >= WARM_UP:
            times.append(elapsed)
    return PageTiming(page.title, first, statistics.median(times), float(np.percentile(times, 95)))


def _has_filter(at) -> bool:
    try:
        at.selectbox(key=ui.KEY_INSTANSI)
    except KeyError:
        return False
    return True


def time_pages(db_path: Path, pages: tuple[PageSpec, ...], reruns: int) -> list[PageTiming]:
    os.environ[store.DB_ENV] = str(db_path)
    with full_error_details():
        return [time_page(page, reruns) for page in pages]


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


def print_table(label: str, timings: list[PageTiming], goal_ms: float) -> None:
    print(f"\n{label}")
    print(f"{'page':<22} {'first run':>10} {'median':>9} {'p95':>9}  goal <= {goal_ms:.0f} ms")
    for t in timings:
        if t.error:
            print(f"{t.page:<22} {t.first_ms:>8.0f}ms  ERROR: {t.error.splitlines()[0][:140]}")
            continue
        verdict = "ok" if t.p95_ms <= goal_ms else "SLOW"
        print(
            f"{t.page:<22} {t.first_ms:>8.0f}ms {t.median_ms:>7.0f}ms {t.p95_ms:>7.0f}ms  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--no-cold-start", action="store_true")
    args = parser.parse_args()

    pages = discover_pages()
    home = next(p for p in pages if p.default)
    print(f"pages from app.py: {', '.join(p.title for p in pages)}; {args.reruns} reruns each")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        work = Path(tmp)
        seeded = build_seeded_database(work / "seeded.duckdb")
        print_table("Seeded database", time_pages(seeded, pages, args.reruns), GOAL_SEEDED_MS)

        national = None
        if not args.no_national:
            start = time.perf_counter()
            national = work / "sintetis-nasional.duckdb"
            counts = build_synthetic_database(national)
            print(
                f"\nSintetis (national scale, generated, not real): {counts['instansi']} instansi, "
                f"{counts['official_result']:,} results, {counts['indicator_level']:,} indicator "
                f"levels; built in {time.perf_counter() - start:.1f} s"
            )
            timings = time_pages(national, pages, args.reruns)
            print_table("Sintetis national-scale database", timings, GOAL_NATIONAL_MS)

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


if __name__ == "__main__":
    main()
