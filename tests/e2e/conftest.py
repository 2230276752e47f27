"""Fixtures of the browser tests: hermetic servers, Chromium, recorded pages.

Every test here drives Debian's Chromium through Playwright (never a browser
Playwright downloads; GDEEP_CHROMIUM may name another binary). Without
Chromium the tests skip, unless GDEEP_E2E_REQUIRED=1 (set by ``make test``)
turns the skip into a failure.
Screenshots of every test land in tests/e2e/artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from harness import (
    KernelDriver,
    environ,
    find_chromium,
    hermetic_env,
    lab_kernel_connection_file,
    launch_chromium,
    menu_command,
    start_lab,
    wait_kernel_idle,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _required():
    return os.environ.get("GDEEP_E2E_REQUIRED", "") not in ("", "0")


def _skip_or_fail(reason):
    if _required():
        pytest.fail(f"{reason} (GDEEP_E2E_REQUIRED is set, so this is an error)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable():
    path = find_chromium()
    if path is None:
        _skip_or_fail(
            "Chromium not found: browser tests need Debian's chromium "
            "(`apt-get install chromium`, or `make test`, which installs it)"
        )
    return path


@pytest.fixture(scope="session")
def sync_api():
    try:
        from playwright import sync_api
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[test]')")
    return sync_api


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory):
    """Environment for servers, kernels and Chromium, with its folders in a temp dir."""
    env = hermetic_env(tmp_path_factory.mktemp("e2e-env"))
    # Two cores are shared by the kernel and software WebGL: torch's second
    # intra-op thread mostly spins against the browser, and is far slower here.
    env["OMP_NUM_THREADS"] = "1"
    env["MKL_NUM_THREADS"] = "1"
    return env


@pytest.fixture(scope="session")
def browser(sync_api, chromium_executable, e2e_env):
    # The Playwright driver creates Chromium's profile under its own TMPDIR,
    # so it starts with the hermetic environment.
    with environ(e2e_env):
        playwright = sync_api.sync_playwright().start()
    try:
        browser = launch_chromium(playwright, chromium_executable)
    except BaseException:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


class RecordedPage:
    """A Playwright page that records console messages, page errors and requests."""

    def __init__(self, page, name, artifacts):
        self.page = page
        self.name = name
        self.artifacts = artifacts
        self.console = []  # (type, text, url)
        self.page_errors = []
        self.requests = []
        self.shots = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, message):
        location = message.location or {}
        self.console.append((message.type, message.text, location.get("url", "")))

    def shoot(self, label, locator=None):
        """Save a screenshot (of ``locator`` or the page) as an artifact."""
        path = self.artifacts / f"{self.name}--{label}.png"
        target = locator if locator is not None else self.page
        target.screenshot(path=str(path))
        self.shots.append(path)
        return path

    def errors(self, allowed=()):
        """Console errors and page errors not matched by any regex in ``allowed``."""
        found = [f"pageerror: {text}" for text in self.page_errors]
        found += [
            f"console.error: {text} ({url})"
            for kind, text, url in self.console
            if kind == "error"
        ]
        return [e for e in found if not any(re.search(a, e) for a in allowed)]

    def warnings(self, pattern):
        return [
            t
            for kind, t, _ in self.console
            if kind == "warning" and re.search(pattern, t)
        ]


def _test_name(request):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")[:120]


@pytest.fixture
def web(browser, artifacts, request):
    """A fresh browser context and page; a final screenshot is kept as an artifact."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    recorded = RecordedPage(page, _test_name(request), artifacts)
    yield recorded
    with contextlib.suppress(Exception):
        if not page.is_closed():
            recorded.shoot("final")
    context.close()


# -- JupyterLab -------------------------------------------------------------


class Lab:
    """A running JupyterLab server (session-wide) and helpers to use it."""

    def __init__(self, server, base_url, root, env):
        self.server = server
        self.base_url = base_url
        self.root = Path(root)
        self.runtime_dir = Path(env["JUPYTER_RUNTIME_DIR"])

    def add_notebook(self, source, name):
        """Copy ``source`` (a path, or nbformat JSON as a dict) into the root."""
        target = self.root / name
        if isinstance(source, dict):
            target.write_text(json.dumps(source), encoding="utf-8")
        else:
            shutil.copy(source, target)
        return target

    def open_and_run_all(self, web, name):
        """Open ``name`` with a fresh kernel, wait for idle, run all cells."""
        page = web.page
        page.goto(f"{self.base_url}/lab/tree/{name}?reset")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        wait_kernel_idle(page, timeout=180_000)
        menu_command(page, "Run", "Run All Cells")

    def kernel(self, name):
        """A second client of the kernel of notebook ``name``."""
        return KernelDriver(
            lab_kernel_connection_file(self.base_url, name, self.runtime_dir)
        )

    def _request(self, method, path):
        # Non-GET API calls need the _xsrf cookie echoed in a header.
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{self.base_url}/lab", timeout=30).read()
        xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
        req = urllib.request.Request(
            f"{self.base_url}{path}", method=method, headers={"X-XSRFToken": xsrf}
        )
        with opener.open(req, timeout=60) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self):
        """Shut down every kernel session, so idle kernels do not pile up."""
        for session in self._request("GET", "/api/sessions") or []:
            with contextlib.suppress(Exception):
                self._request("DELETE", f"/api/sessions/{session['id']}")


@pytest.fixture(scope="session")
def lab(e2e_env, tmp_path_factory, chromium_executable):
    root = tmp_path_factory.mktemp("lab-root")
    logs = tmp_path_factory.mktemp("logs")
    server, base_url = start_lab(root, e2e_env, logs / "jupyterlab.log")
    yield Lab(server, base_url, root, e2e_env)
    server.stop()


@pytest.fixture
def lab_notebook(lab, request):
    """Name prefix unique to this test; kernels of the test are shut down after it."""
    yield _test_name(request)
    lab.shutdown_sessions()
