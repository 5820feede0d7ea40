"""Shared helpers for the app-level tests and benchmarks: page discovery, AppTest, a live server.

The list of pages is read from ``app.py`` itself (its ``st.Page("views/….py", title=…)`` calls), so a
page added to the navigation is covered by every test and benchmark without editing them.
Used by tests/test_app.py (AppTest), tests/e2e/ (headless Chromium) and benchmarks/bench_pages.py.
"""

from __future__ import annotations

import ast
import os
import shutil
import site
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Absolute: since Streamlit 1.67 a relative AppTest path resolves against the calling file.
APP_PATH = ROOT / "app.py"
APP_TIMEOUT_S = 60.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
NON_NETWORK_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-extension"})
RUN_TIMEOUT_MS = 30_000  # one script run in the browser
HEADING_TIMEOUT_MS = 8_000  # from an idle app (or a clicked link) to the page heading


@dataclass(frozen=True)
class PageSpec:
    """One entry of the app's navigation, as declared in app.py."""

    script: str  # relative to app.py, e.g. "views/tren.py"
    title: str
    url_path: str  # "" for the default page
    default: bool

    @property
    def test_id(self) -> str:
        return Path(self.script).stem


def _literal(node: ast.AST | None, default=None):
    if node is None:
        return default
    try:
        return ast.literal_eval(node)
    except ValueError:
        return default


def _is_st_page(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "Page") or (
        isinstance(func, ast.Name) and func.id == "Page"
    )


def discover_pages(app_path: Path = APP_PATH) -> tuple[PageSpec, ...]:
    """Every file page declared with ``st.Page(...)`` in app.py, in declaration order.

    Title and URL path follow Streamlit's own rules when not given: title from the file name with
    underscores as spaces, URL path = file stem, and the default page lives at "".
    """
    tree = ast.parse(Path(app_path).read_text(encoding="utf-8"), filename=str(app_path))
    found: list[tuple[int, int, PageSpec]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_st_page(node) and node.args):
            continue
        script = _literal(node.args[0])
        if not isinstance(script, str):
            continue  # a callable page: nothing to open as a file
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        stem = Path(script).stem
        title = _literal(kwargs.get("title"), default=None) or stem.replace("_", " ")
        default = bool(_literal(kwargs.get("default"), default=False))
        url_path = _literal(kwargs.get("url_path"), default=None)
        url_path = "" if default else (url_path.strip().strip("/") if url_path else stem)
        page = PageSpec(script=script, title=title, url_path=url_path, default=default)
        found.append((node.lineno, node.col_offset, page))
    return tuple(page for _, _, page in sorted(found, key=lambda item: item[:2]))


# -- databases -----------------------------------------------------------------------------------


def build_seeded_database(path: Path) -> Path:
    """Create, migrate and seed a store at ``path`` from data/ (as the app does on first use)."""
    from spbe.store import open_store

    con = open_store(path)
    con.close()
    return Path(path)


def write_corrupt_database(path: Path) -> Path:
    """Garbage bytes where a DuckDB file should be (the app must fall back to read-only)."""
    Path(path).write_bytes(b"this is not a duckdb file\x00\xff\xfe" * 4096)
    return Path(path)


# -- secrets: tests never read a developer's secrets.toml ----------------------------------------
#
# Streamlit reads st.secrets from the files of its option ``secrets.files``; by default
# ~/.streamlit/secrets.toml and ./.streamlit/secrets.toml (the project's, where README puts the
# admin hash). AppTest runs the app in this process and uses the global st.secrets unless
# ``at.secrets`` is given, so the option is pointed here at a file the tests control (absent
# unless a test writes it). A server started by streamlit_server gets the same through
# ``--secrets.files`` and an empty HOME.

_secrets_file: Path | None = None
_fallback_dir: tempfile.TemporaryDirectory | None = None


def isolate_streamlit_secrets(secrets_file: Path) -> list[str]:
    """Make ``secrets_file`` the only secrets file of Streamlit in this process (AppTest);
    returns the previous ``secrets.files`` (give it back to undo)."""
    global _secrets_file
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    previous = list(config.get_option("secrets.files"))
    config.set_option("secrets.files", [str(secrets_file)])
    secrets_singleton._reset()  # forget anything parsed from the old files
    _secrets_file = Path(secrets_file)
    return previous


def restore_streamlit_secrets(previous: list[str]) -> None:
    global _secrets_file
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    config.set_option("secrets.files", previous)
    secrets_singleton._reset()
    _secrets_file = None


def app_test_secrets_file() -> Path:
    """The secrets file AppTest runs read (isolating now if nobody did, e.g. in a benchmark)."""
    global _fallback_dir
    if _secrets_file is None:
        _fallback_dir = tempfile.TemporaryDirectory(prefix="spbe-test-secrets-")
        isolate_streamlit_secrets(Path(_fallback_dir.name) / "secrets.toml")
    return _secrets_file


# -- AppTest -------------------------------------------------------------------------------------


def clear_streamlit_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@contextmanager
def full_error_details() -> Iterator[None]:
    """Tracebacks in AppTest failures, although .streamlit/config.toml redacts them for viewers."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    try:
        yield
    finally:
        config.set_option("client.showErrorDetails", before)


def new_app_test(timeout: float = APP_TIMEOUT_S):
    """An AppTest of the entry point; the database comes from env SPBE_DB (set it first).

    Its st.secrets come from app_test_secrets_file() only, never from a developer's secrets.toml.
    """
    from streamlit.testing.v1 import AppTest

    app_test_secrets_file()
    return AppTest.from_file(str(APP_PATH), default_timeout=timeout)


def open_page(at, page: PageSpec):
    """Run the app once (so st.navigation registers its pages), then switch to ``page`` and run."""
    if not registered_pages(at):
        at.run()
    at.switch_page(page.script)
    return at.run()


def registered_pages(at) -> dict[str, str]:
    """script path (resolved) -> title, as st.navigation registered them in a run AppTest."""
    pages = getattr(at, "_registered_pages", {}) or {}
    return {
        str(Path(info["script_path"]).resolve()): info.get("page_name", "")
        for info in pages.values()
        if info.get("script_path")
    }


def heading_texts(at) -> list[str]:
    """Text of every title, header and subheader the current run drew (main area and sidebar)."""
    return [e.value for kind in (at.title, at.header, at.subheader) for e in kind]


def exception_texts(at) -> list[str]:
    return [e.value + "\n" + "\n".join(e.stack_trace) for e in at.exception]


# -- a live `streamlit run` ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local_url(url: str) -> bool:
    """True for loopback HTTP(S)/WS(S) requests and for schemes that never touch the network."""
    parts = urlsplit(url)
    if parts.scheme in NON_NETWORK_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass(frozen=True)
class StreamlitServer:
    url: str  # http://127.0.0.1:<port>
    process: subprocess.Popen
    log_path: Path
    started_s: float  # process start to a healthy /_stcore/health

    def page_url(self, page: PageSpec) -> str:
        return f"{self.url}/{page.url_path}"

    def log_tail(self, n_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n_chars:]
        except OSError:
            return ""


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode}:\n"
                + log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"streamlit did not become healthy within {timeout:.0f} s at {url}")


def server_environment(db_path: Path, home: Path, extra_env: dict[str, str] | None = None):
    """The environment of a test server: this process's, without STREAMLIT_* options inherited
    from the developer, with SPBE_DB=db_path and HOME=home (an empty folder: no
    ~/.streamlit/config.toml, credentials.toml or secrets.toml of the developer)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(
        SPBE_DB=str(db_path),
        PYTHONUNBUFFERED="1",
        HOME=str(home),
        PYTHONUSERBASE=site.getuserbase(),  # packages installed with pip --user stay importable
    )
    env.update(extra_env or {})
    return env


@contextmanager
def streamlit_server(
    db_path: Path,
    log_path: Path,
    *,
    port: int | None = None,
    timeout: float = 60.0,
    secrets_file: Path | None = None,
    extra_env: dict[str, str] | None = None,
    as_configured: bool = False,
) -> Iterator[StreamlitServer]:
    """``python -m streamlit run app.py`` on a free port with SPBE_DB=db_path.

    Hermetic: HOME is a fresh empty folder and ``--secrets.files`` names ``secrets_file`` only
    (default: a file that does not exist), so neither ~/.streamlit/secrets.toml nor the project's
    .streamlit/secrets.toml is read. ``extra_env`` is added to the environment.

    By default the server listens on 127.0.0.1 only, headless, without usage statistics. With
    ``as_configured`` those three come from .streamlit/config.toml, as in ``streamlit run
    app.py`` (it then listens on every interface).

    Yields once /_stcore/health answers; terminates the process (and only it) on exit.
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
    ]
    if not as_configured:
        command += [
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
    log_path = Path(log_path)
    with (
        tempfile.TemporaryDirectory(prefix="spbe-server-home-", ignore_cleanup_errors=True) as home,
        log_path.open("wb") as log,
    ):
        secrets = Path(secrets_file) if secrets_file else Path(home) / "no-secrets" / "secrets.toml"
        command += ["--secrets.files", str(secrets)]
        env = server_environment(db_path, Path(home), extra_env)
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, process, log_path, timeout)
            yield StreamlitServer(url, process, log_path, time.perf_counter() - start)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# -- a browser on the live app (Playwright objects are passed in; nothing imported here) ------


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}  # a common projector laptop


def chromium_path() -> str | None:
    """Debian's chromium (/usr/bin/chromium), else whatever `chromium` is on PATH."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def browser_unavailable_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -r requirements-dev.txt)"
    if chromium_path() is None:
        return "Chromium not found at /usr/bin/chromium or on PATH (apt-get install chromium)"
    return None


def launch_offline_chromium(playwright, profile_dir: Path):
    """Debian's Chromium with a fresh profile, headless; returns a Playwright BrowserContext."""
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=VIEWPORT,
        locale="en-US",  # projector laptops are often en-US: the decimal comma must not care
        service_workers="block",
    )
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


_PROBED_ENDPOINTS = ("/_stcore/health", "/_stcore/host-config")


def _is_base_path_probe(url: str) -> bool:
    path = urlsplit(url).path
    return any(path.endswith(end) and path != end for end in _PROBED_ENDPOINTS)


@dataclass
class NetworkLog:
    """Every request a tab made; non-loopback ones were aborted."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)  # loopback responses with status >= 400
    failed: list[str] = field(default_factory=list)  # loopback requests that never completed

    def non_local(self) -> list[str]:
        return self.blocked + [url for url in self.websockets if not is_local_url(url)]

    def hard_failures(self) -> list[str]:
        """Loopback requests that failed, except a static chunk the frontend itself cancelled
        (``net::ERR_ABORTED`` on /static/: a lazily loaded script of the page being left when a
        navigation link is clicked mid-load; the page's own health is checked separately)."""
        return [
            f
            for f in self.failed
            if not (f.startswith("net::ERR_ABORTED ") and "/static/" in f.split(" ", 1)[1])
        ]

    def missing_resources(self) -> list[str]:
        """Loopback errors, except Streamlit's base-path probes: on a deep link such as /tren the
        frontend first tries /tren/_stcore/health and /tren/_stcore/host-config (404), then /."""
        return [e for e in self.http_errors if not _is_base_path_probe(e.split(" ", 1)[1])]


def record_network(page, log: NetworkLog) -> None:
    """Abort and record every non-loopback request of a Playwright page; record loopback errors."""

    def route(route):
        url = route.request.url
        log.requests.append(url)
        if is_local_url(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("internetdisconnected")

    def on_response(response):
        if response.status >= 400 and is_local_url(response.url):
            log.http_errors.append(f"{response.status} {response.url}")

    def on_failed(request):
        if is_local_url(request.url) and request.url not in log.blocked:
            log.failed.append(f"{request.failure} {request.url}")

    page.route("**/*", route)
    page.on("websocket", lambda ws: log.websockets.append(ws.url))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)


IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_for_page(page, spec: PageSpec, *, settle: bool = True) -> None:
    """Until the script run finished and the main area shows the page's title as a heading;
    with ``settle``, also until the network has been quiet for 0.5 s (lazy chunks, fonts)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector(IDLE_APP, timeout=RUN_TIMEOUT_MS)
    main = page.get_by_test_id("stMain")
    try:
        main.locator("h1, h2, h3", has_text=spec.title).first.wait_for(timeout=HEADING_TIMEOUT_MS)
    except PlaywrightTimeout:
        headings = main.locator("h1, h2, h3").all_inner_texts()
        raise AssertionError(
            f"{page.url}: no heading with the page title {spec.title!r}; headings: {headings}; "
            f"exceptions shown: {browser_exception_texts(page)}"
        ) from None
    page.wait_for_selector(IDLE_APP, timeout=RUN_TIMEOUT_MS)
    if settle:
        page.wait_for_load_state("networkidle")


def open_app_page(page, server: StreamlitServer, spec: PageSpec, *, settle: bool = True) -> None:
    page.goto(server.page_url(spec))
    wait_for_page(page, spec, settle=settle)


def browser_exception_texts(page) -> list[str]:
    return [e.inner_text() for e in page.get_by_test_id("stException").all()]
