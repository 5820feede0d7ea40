"""Offline for real: the server opens no connection outside the machine, at start or serving.

The server is ``python -m streamlit run app.py`` as configured by .streamlit/config.toml (no
address flags: those would hide the external-IP lookup that a plain start does), with
tests/netguard/sitecustomize.py on PYTHONPATH. That hook appends every non-loopback destination
the server process connects to or looks up to a log, before the attempt, without blocking it.
Every page of app.py is opened in headless Chromium (whose own outside requests are aborted and
recorded, as in test_browser.py); then the server is stopped and the log must be empty.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

from tests.helpers_app import (
    ROOT,
    NetworkLog,
    browser_exception_texts,
    discover_pages,
    open_app_page,
    record_network,
    streamlit_server,
)

PAGES = discover_pages()
NETGUARD_DIR = ROOT / "tests" / "netguard"  # holds sitecustomize.py
LOG_ENV = "NETGUARD_LOG"
INSTALLED_SUFFIX = ".installed"
OUTSIDE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737), discard port: documentation only
EXTERNAL_IP_MESSAGE = "external IP"  # streamlit/net_util.py: "Did not auto detect external IP."


def netguard_env(log: Path) -> dict[str, str]:
    """Environment additions that install the hook in a Python process, logging to ``log``."""
    paths = [str(NETGUARD_DIR), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in paths if p), LOG_ENV: str(log)}


def recorded(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def installed_in(log: Path) -> set[int]:
    marker = Path(str(log) + INSTALLED_SUFFIX)
    return {int(pid) for pid in marker.read_text().split()} if marker.exists() else set()


def describe(records: list[dict]) -> str:
    return "\n\n".join(
        f"{r['call']} {r['address']} (pid {r['pid']})\n{''.join(r['stack'][-5:])}" for r in records
    )


def test_the_config_turns_off_address_lookups_and_usage_statistics():
    """Streamlit looks up the machine's IPs at start only when neither browser.serverAddress nor
    server.address is set by hand (streamlit/web/bootstrap.py, _print_url)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    browser = config.get("browser", {})
    assert browser.get("gatherUsageStats") is False
    assert browser.get("serverAddress"), "browser.serverAddress unset: start asks for the IP"
    assert config.get("server", {}).get("headless") is True


HOOK_CHECK = textwrap.dedent(
    f"""
    import os, socket, tempfile

    assert getattr(socket, "_netguard_installed", False), "sitecustomize was not imported"
    # Loopback and unix sockets: not recorded.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    socket.create_connection(("localhost", port), timeout=1).close()
    with socket.socket() as sock:
        sock.connect_ex(("127.0.0.2", port))  # refused: nothing listens there
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect(("::1", 9))
    except OSError:
        pass  # no IPv6 here
    path = os.path.join(tempfile.mkdtemp(), "sock")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(path)
    unix.listen()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(path)
    # Outside: recorded before the attempt. UDP connect sends no packet; the TCP attempt is one
    # SYN to TEST-NET-1 with a tiny timeout, and its failure is expected.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect({OUTSIDE!r})
        sock.connect_ex({OUTSIDE!r})
    try:
        socket.create_connection({OUTSIDE!r}, timeout=0.05).close()
    except OSError:
        pass
    print("done")
    """
)


def test_the_hook_records_an_outside_connect_and_nothing_local(tmp_path):
    log = tmp_path / "outside.jsonl"
    run = subprocess.run(
        [sys.executable, "-c", HOOK_CHECK],
        cwd=tmp_path,
        env={**os.environ, **netguard_env(log)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr
    records = recorded(log)
    calls = [(r["call"], r["host"]) for r in records]
    host = OUTSIDE[0]
    assert calls == [
        ("socket.connect", host),
        ("socket.connect_ex", host),
        ("socket.create_connection", host),
        ("socket.getaddrinfo", host),
        ("socket.connect", host),
    ], describe(records)
    assert installed_in(log) == {records[0]["pid"]}


def test_the_server_opens_no_connection_outside_the_machine(
    e2e_database, browser_context, tmp_path
):
    database = shutil.copyfile(e2e_database, tmp_path / "spbe.duckdb")
    outside = tmp_path / "outside.jsonl"
    server_log = tmp_path / "streamlit.log"
    started = time.perf_counter()
    with streamlit_server(
        database, server_log, extra_env=netguard_env(outside), as_configured=True
    ) as server:
        server_pid = server.process.pid
        for spec in PAGES:
            page = browser_context.new_page()
            page.network = NetworkLog()
            record_network(page, page.network)
            try:
                open_app_page(page, server, spec)
                errors = browser_exception_texts(page)
                assert not errors, f"{spec.title}: exception shown: {errors}\n{server.log_tail()}"
                assert not page.network.non_local(), f"{spec.title}: {page.network.non_local()}"
            finally:
                page.close()
    print(f"{len(PAGES)} pages served offline in {time.perf_counter() - started:.1f} s")
    assert server_pid in installed_in(outside), "the hook was not installed in the server"
    records = recorded(outside)
    assert not records, "the server reached outside the machine:\n" + describe(records)
    log_text = server_log.read_text(encoding="utf-8", errors="replace")
    assert EXTERNAL_IP_MESSAGE not in log_text, log_text[-3000:]
