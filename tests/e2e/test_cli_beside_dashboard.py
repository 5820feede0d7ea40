"""The CLI beside a running dashboard: viewers in Chromium keep the page open while `import`,
`score`, `backup` and `deck` run against the same DuckDB file; the open page shows the import at
its next interaction, without a restart."""

from __future__ import annotations

import time

from spbe import store
from tests.data.make_bad_workbooks import levels_workbook
from tests.helpers_app import discover_pages, open_app_page, streamlit_server
from tests.helpers_cli import run

DATA_PAGE = next(p for p in discover_pages() if p.script == "views/data.py")
RINGKASAN = next(p for p in discover_pages() if p.default)


def _import_count(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Riwayat impor")
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(".", ""))


def test_every_cli_command_succeeds_while_viewers_are_served(browser_context, store_copy, tmp_path):
    workbook = tmp_path / "mandiri.xlsx"
    rows = [("Kota Ternate", 2025, n, 3, "mandiri", None) for n in range(1, 48)]
    workbook.write_bytes(levels_workbook(rows))
    with streamlit_server(store_copy, tmp_path / "server.log") as server:
        viewer, admin = browser_context.new_page(), browser_context.new_page()
        try:
            open_app_page(viewer, server, RINGKASAN, settle=False)
            open_app_page(admin, server, DATA_PAGE, settle=False)
            before = _import_count(admin)
            started = time.monotonic()
            results = {
                "score": run("score", "--db", store_copy, "--instansi", "Kota Ternate"),
                "import": run("import", workbook, "--db", store_copy),
                "backup": run("backup", tmp_path / "cadangan", "--db", store_copy),
                "deck": run(
                    "deck",
                    "--db",
                    store_copy,
                    "--instansi",
                    "Kota Ternate",
                    "--year",
                    "2024",
                    "--out",
                    tmp_path / "ternate.pptx",
                ),
            }
            elapsed = time.monotonic() - started
            for name, (code, _, err) in results.items():
                assert code == 0, (name, err)
                assert "sedang dipakai" not in err, name
            assert "Impor berhasil: 47 baris ditambahkan" in results["import"][1]
            assert (tmp_path / "ternate.pptx").stat().st_size > 10_000
            admin.reload()  # the next interaction of the open session (a rerun of its page)
            open_app_page(admin, server, DATA_PAGE, settle=False)
            assert _import_count(admin) == before + 1
            assert server.process.poll() is None
        finally:
            viewer.close()
            admin.close()
    assert elapsed < 120
    with store.connected(store_copy) as con:
        levels = store.indicator_levels(con, "kota-ternate", 2025)
    assert set(levels.loc[levels["provenance"] == "mandiri", "level"]) == {3}
