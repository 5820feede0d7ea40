"""A bounded loopback load test: viewers rerun the Data page while an admin import commits.

The small version of benchmarks/bench_load.py (which runs 30 sessions): a live `streamlit run
app.py` on a free localhost port and a temp seeded database, 10 headless Chromium sessions each
rerunning "Data & Impor" at least 3 times (and twice more after the import), and one admin
session that uploads and imports 4,700 synthetic rows in the same server process.

Asserted: no exception or error on any page, no torn read (every rerun shows the counts from before
or after the import), no session going back to "before", every session saw both states, and the
file holds every imported row afterwards. The rerun times (p50/p95) are printed, not asserted.
Skips when Playwright or Debian's chromium is missing.
"""

from __future__ import annotations

import pytest

from tests.helpers_app import browser_unavailable_reason

if browser_unavailable_reason():
    pytest.skip(browser_unavailable_reason(), allow_module_level=True)

from benchmarks.bench_load import run_load  # noqa: E402

SESSIONS, RERUNS, INSTANSI = 10, 3, 100


def test_viewers_see_before_or_after_an_import_never_a_mix(tmp_path):
    report = run_load(tmp_path, SESSIONS, RERUNS, INSTANSI, budget_s=240)
    print("\n" + report.summary())
    assert not report.problems, "\n".join(report.problems[:10])
    assert report.import_message.startswith(f"Impor berhasil: {INSTANSI * 47} baris ditambahkan")
    assert not report.torn(), report.torn()[:5]
    assert not report.regressions(), report.regressions()[:5]
    assert report.sessions_seeing(report.before) == SESSIONS
    assert report.sessions_seeing(report.after) == SESSIONS
    assert len(report.reruns) >= SESSIONS * RERUNS
    assert report.reruns_during_import() > 0  # the import really overlapped the reruns
    assert report.stored == report.after and report.rows_lost == 0
