"""Browser-test fixtures: the built book served on 127.0.0.1, and Debian's headless Chromium.

The browser is the system ``chromium`` (``shutil.which("chromium")``; in CI ``.ci/run`` installs it
with apt) driven by Python playwright with ``executable_path``; playwright's own browser download
(``playwright install``) is never used. Without chromium the tests FAIL with instructions, unless
``MOLVIZ_SKIP_BROWSER=1`` is set (then they are skipped).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(book_html):
    """Base URL (ending in /) of the built book served by a thread on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        message = (
            "Debian's chromium is not installed, so the browser tests of the built book "
            "cannot run. "
            "Install it with `apt-get install -y chromium` (.ci/run does this), or set "
            "MOLVIZ_SKIP_BROWSER=1 to skip these tests on a machine without it."
        )
        if os.environ.get("MOLVIZ_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser_context(chromium_path, tmp_path_factory):
    """A headless Chromium context with a fresh, empty user-data-dir."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    """artifacts/screenshots/ (gitignored); page screenshots overwrite those of the last run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
