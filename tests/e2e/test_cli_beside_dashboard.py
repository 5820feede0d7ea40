"""The CLI beside a running dashboard: viewers in Chromium keep the page open while `import`,
`score`, `backup` and `deck` run against the same DuckDB file; the open page shows the import at
its next interaction, without a restart."""

from __future__ import annotations

import subprocess
import sys
import time

from spbe import store
from tests.conftest import ROOT
from tests.data.make_bad_workbooks import levels_workbook
from tests.helpers_app import build_seeded_database, discover_pages, open_app_page, streamlit_server

DATA_PAGE = next(p for p in discover_pages() if p.script == "views/data.py")
RINGKASAN = next(p for p in discover_pages() if p.default)


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "spbe", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _import_count(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Riwayat impor")
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(".", ""))


def test_every_cli_command_succeeds_while_viewers_are_served(browser_context, tmp_path):
    db = build_seeded_database(tmp_path / "spbe.duckdb")
    workbook = tmp_path / "mandiri.xlsx"
    rows = [("Kota Ternate", 2025, n, 3, "mandiri", None) for n in range(1, 48)]
    workbook.write_bytes(levels_workbook(rows))
    with streamlit_server(db, tmp_path / "server.log") as server:
        viewer, admin = browser_context.new_page(), browser_context.new_page()
        try:
            open_app_page(viewer, server, RINGKASAN, settle=False)
            open_app_page(admin, server, DATA_PAGE, settle=False)
            before = _import_count(admin)
            started = time.monotonic()
            results = {
                "score": _cli("score", "--db", db, "--instansi", "Kota Ternate"),
                "import": _cli("import", workbook, "--db", db),
                "backup": _cli("backup", tmp_path / "cadangan", "--db", db),
                "deck": _cli(
                    "deck",
                    "--db",
                    db,
                    "--instansi",
                    "Kota Ternate",
                    "--year",
                    "2024",
                    "--out",
                    tmp_path / "ternate.pptx",
                ),
            }
            elapsed = time.monotonic() - started
            for name, result in results.items():
                assert result.returncode == 0, (name, result.stderr)
                assert "sedang dipakai" not in result.stderr, name
            assert "Impor berhasil: 47 baris ditambahkan" in results["import"].stdout
            assert (tmp_path / "ternate.pptx").stat().st_size > 10_000
            admin.reload()  # the next interaction of the open session (a rerun of its page)
            open_app_page(admin, server, DATA_PAGE, settle=False)
            assert _import_count(admin) == before + 1
            assert server.process.poll() is None
        finally:
            viewer.close()
            admin.close()
    assert elapsed < 120
    with store.connected(db) as con:
        levels = store.indicator_levels(con, "kota-ternate", 2025)
    assert set(levels.loc[levels["provenance"] == "mandiri", "level"]) == {3}
