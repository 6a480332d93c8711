"""Browser tests of the built book, page by page, in headless Chromium with no network.

The site is built once per session (``built_book`` in tests/conftest.py), served on 127.0.0.1,
and every page listed in ``_toc.yml`` (plus index, genindex and search) is opened. For each page:

* it answers HTTP 200 and every resource it loads from the site answers < 400;
* no request leaves 127.0.0.1 (all requests are intercepted; outside ones are aborted and reported);
* the console shows no error and no uncaught exception;
* every ``<img>`` has loaded (``naturalWidth > 0``);
* where the page's HTML has math, MathJax has typeset all of it (one ``mjx-container`` per math
  element, no ``mjx-merror``) and no raw TeX delimiter is left in the text;
* a full-page screenshot is saved in ``artifacts/screenshots/``;
* every in-browser explorer (``div.molviz-explorer``, DOM contract in the plan) becomes ready
  and, for each slider, both a keyboard ArrowRight/ArrowLeft and a mouse click on the track
  change the value, increment ``data-redraws`` and change the drawing; so does each ``select``.

The redraw times the explorers report (``data-last-redraw-ms``) and the pages checked are written to
``artifacts/browser-report.json``.
"""

from __future__ import annotations

import dataclasses
import html.parser
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


# scripts/build_book.py, imported by tests/conftest.py
toc_documents = sys.modules["molviz_build_book"].toc_documents

# Every html page of the site: the toc's documents plus the pages Sphinx adds.
PAGES = [f"{doc}.html" for doc in toc_documents()] + ["index.html", "genindex.html", "search.html"]
EXPLORER_KINDS = {"logistic", "mixture", "gumbel", "inversion", "discretized"}

# Console errors tolerated, by exact text only. sphinx-thebe (loaded by Jupyter Book whether or not
# thebe is used) writes its inline `const THEBE_JS_URL = ...` configuration script twice into every
# page; the second copy throws this SyntaxError. It is harmless: thebe is disabled, and the URL is a
# string that nothing loads (the request interception above would report it if anything did).
KNOWN_HARMLESS_CONSOLE_ERRORS = frozenset(
    {"uncaught exception: Identifier 'THEBE_JS_URL' has already been declared"}
)

LOCAL_HOST = "127.0.0.1"
RAW_TEX = [
    ("$$", re.compile(r"\$\$")),
    ("\\(", re.compile(r"\\\(")),
    ("\\[", re.compile(r"\\\[")),
    ("\\begin{", re.compile(r"\\begin\{")),
    ("$...$", re.compile(r"(?<![\w$])\$[^\s$][^$\n]{0,200}?(?<=[^\s$])\$(?![\w$])")),
]

_REPORT: dict[str, dict] = {}


@dataclasses.dataclass
class Visit:
    """What happened while a page was open."""

    page: object
    status: int | None = None
    outside_requests: list[str] = dataclasses.field(default_factory=list)
    failed_local: list[str] = dataclasses.field(default_factory=list)
    console_errors: list[str] = dataclasses.field(default_factory=list)

    def network_and_console_problems(self) -> list[str]:
        problems = [f"request left {LOCAL_HOST}: {url}" for url in self.outside_requests]
        problems += [f"local resource failed: {item}" for item in self.failed_local]
        problems += [
            f"console error: {text}"
            for text in self.console_errors
            if text not in KNOWN_HARMLESS_CONSOLE_ERRORS
        ]
        return problems


def open_page(context, url: str) -> Visit:
    """Open ``url`` in a new tab with every request intercepted; wait until the network is idle."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    visit = Visit(page)

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.hostname != LOCAL_HOST:
            visit.outside_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def on_response(response):
        if urlsplit(response.url).hostname == LOCAL_HOST and response.status >= 400:
            visit.failed_local.append(f"{response.url} -> HTTP {response.status}")

    def on_request_failed(request):
        if urlsplit(request.url).hostname == LOCAL_HOST:
            visit.failed_local.append(f"{request.url} -> {request.failure}")

    page.route("**/*", route)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("websocket", lambda ws: visit.outside_requests.append(ws.url))
    page.on("console", lambda msg: msg.type == "error" and visit.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: visit.console_errors.append(f"uncaught exception: {exc}"))
    response = page.goto(url, wait_until="load")
    visit.status = response.status if response is not None else None
    page.wait_for_load_state("networkidle")
    return visit


def math_elements_in_html(html_file: Path) -> int:
    """Number of math elements Sphinx wrote into a page (before any JavaScript runs)."""
    text = html_file.read_text(encoding="utf-8")
    return len(re.findall(r'class="math notranslate nohighlight"', text))


WAIT_IMAGES_JS = """
async () => {
  const imgs = Array.from(document.images);
  imgs.forEach((img) => { img.loading = "eager"; });
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  return imgs.filter((img) => !(img.complete && img.naturalWidth > 0))
             .map((img) => img.currentSrc || img.src || img.outerHTML.slice(0, 120));
}
"""

VISIBLE_TEXT_JS = """
() => {
  const root = document.querySelector("main") || document.body;
  const clone = root.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, textarea, mjx-container, .highlight")
       .forEach((el) => el.remove());
  return clone.textContent;
}
"""


def page_slug(page_path: str) -> str:
    return page_path.removesuffix(".html").replace("/", "__")


def test_every_built_page_is_checked(book_html):
    """The pages checked here are exactly the html pages the build produced (no page escapes)."""
    built = {
        str(p.relative_to(book_html))
        for p in book_html.rglob("*.html")
        if p.relative_to(book_html).parts[0] not in ("_static", "_sources", "_images")
    }
    assert built == set(PAGES), (
        f"built but not checked: {sorted(built - set(PAGES))}; "
        f"checked but not built: {sorted(set(PAGES) - built)}"
    )


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_offline_and_renders(
    page_path, book_html, site_url, browser_context, screenshot_dir
):
    visit = open_page(browser_context, site_url + page_path)
    page = visit.page
    try:
        problems = []
        if visit.status != 200:
            problems.append(f"HTTP status {visit.status}")
        broken = page.evaluate(WAIT_IMAGES_JS)
        problems += [f"image did not load: {src}" for src in broken]

        n_math = math_elements_in_html(book_html / page_path)
        if n_math:
            try:
                page.wait_for_function(
                    "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                    timeout=15_000,
                )
                page.evaluate("() => MathJax.startup.promise.then(() => true)")
            except Exception as exc:
                problems.append(f"MathJax did not start ({type(exc).__name__})")
            n_rendered = page.locator("mjx-container").count()
            n_errors = page.locator("mjx-merror").count()
            if n_rendered < n_math:
                problems.append(f"MathJax typeset {n_rendered} of {n_math} math elements")
            if n_errors:
                problems.append(f"{n_errors} MathJax error(s) (mjx-merror)")
        text = page.evaluate(VISIBLE_TEXT_JS)
        for name, pattern in RAW_TEX:
            match = pattern.search(text)
            if match:
                start = max(match.start() - 40, 0)
                problems.append(
                    f"raw TeX {name!r} in the text: ...{text[start : match.end() + 40]!r}"
                )

        page.screenshot(path=str(screenshot_dir / f"{page_slug(page_path)}.png"), full_page=True)
        problems += visit.network_and_console_problems()
        _REPORT.setdefault(page_path, {})["math_elements"] = n_math
        assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)
    finally:
        page.close()


SNAPSHOT_JS = """
(root) => {
  const plot = root.querySelector(".molviz-plot");
  if (!plot) return null;
  return plot.tagName.toLowerCase() === "canvas" ? plot.toDataURL() : plot.innerHTML;
}
"""


def _redraws(root) -> int:
    return int(root.get_attribute("data-redraws") or 0)


def _wait_redraw(page, root, before: int) -> bool:
    try:
        page.wait_for_function(
            "([el, n]) => Number(el.dataset.redraws) > n", arg=[root, before], timeout=5_000
        )
        return True
    except Exception:
        return False


def _exercise_control(page, root, control, action, label: str) -> tuple[list[str], float | None]:
    """Apply ``action`` to a control; the value, the redraw counter and the drawing must change."""
    value_before = control.input_value()
    redraws_before = _redraws(root)
    drawing_before = root.evaluate(SNAPSHOT_JS)
    action()
    problems = []
    if not _wait_redraw(page, root, redraws_before):
        problems.append(f"{label}: data-redraws did not increase")
    if control.input_value() == value_before:
        problems.append(f"{label}: the value did not change (still {value_before})")
    if root.evaluate(SNAPSHOT_JS) == drawing_before:
        problems.append(f"{label}: the drawing did not change")
    ms = root.get_attribute("data-last-redraw-ms")
    try:
        redraw_ms = float(ms) if ms is not None else None
    except ValueError:
        redraw_ms = None
    if redraw_ms is None:
        problems.append(f"{label}: data-last-redraw-ms is missing or not a number ({ms!r})")
    return problems, redraw_ms


@pytest.mark.parametrize("page_path", PAGES)
def test_explorers_respond(page_path, site_url, browser_context):
    visit = open_page(browser_context, site_url + page_path)
    page = visit.page
    try:
        roots = page.locator("div.molviz-explorer")
        problems = []
        explorers = []
        for i in range(roots.count()):
            root = roots.nth(i).element_handle()
            kind = root.get_attribute("data-kind") or "?"
            name = f"explorer #{i} ({kind})"
            try:
                page.wait_for_function("(el) => el.dataset.ready === '1'", arg=root, timeout=10_000)
            except Exception:
                problems.append(f"{name}: never set data-ready=1")
                continue
            root.scroll_into_view_if_needed()
            if root.query_selector(".molviz-plot") is None:
                problems.append(f"{name}: no .molviz-plot drawing")
            times = []
            sliders = root.query_selector_all("input[type=range]")
            if not sliders:
                problems.append(f"{name}: no slider")
            if len(root.query_selector_all("output")) < len(sliders):
                problems.append(f"{name}: fewer <output> read-outs than sliders")
            for j, slider in enumerate(sliders):
                sid = slider.get_attribute("id")
                label = f"{name} slider {sid or j}"
                if not sid or root.query_selector(f'label[for="{sid}"]') is None:
                    problems.append(f"{label}: no <label for=...>")
                # Keyboard: ArrowRight, or ArrowLeft when the slider is at its maximum.
                at_max = slider.evaluate("(s) => Number(s.value) >= Number(s.max)")
                key = "ArrowLeft" if at_max else "ArrowRight"

                def press(slider=slider, key=key):
                    slider.focus()
                    page.keyboard.press(key)

                found, ms = _exercise_control(page, root, slider, press, f"{label} [{key}]")
                problems += found
                times += [ms] if ms is not None else []

                # Mouse: click the track far from the current position.
                def click(slider=slider):
                    slider.scroll_into_view_if_needed()
                    box = slider.bounding_box()
                    frac = slider.evaluate(
                        "(s) => (Number(s.value) - Number(s.min)) / "
                        "((Number(s.max) - Number(s.min)) || 1)"
                    )
                    target = 0.15 if frac > 0.5 else 0.85
                    page.mouse.click(box["x"] + box["width"] * target, box["y"] + box["height"] / 2)

                found, ms = _exercise_control(page, root, slider, click, f"{label} [mouse]")
                problems += found
                times += [ms] if ms is not None else []
            for j, select in enumerate(root.query_selector_all("select")):
                options = select.evaluate("(s) => Array.from(s.options).map((o) => o.value)")
                current = select.input_value()
                other = next((v for v in options if v != current), None)
                if other is None:
                    continue
                found, ms = _exercise_control(
                    page,
                    root,
                    select,
                    lambda s=select, v=other: s.select_option(v),
                    f"{name} select {select.get_attribute('id') or j}",
                )
                problems += found
                times += [ms] if ms is not None else []
            explorers.append({"kind": kind, "redraw_ms": times})
        problems += visit.network_and_console_problems()
        _REPORT.setdefault(page_path, {})["explorers"] = explorers
        assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)
    finally:
        page.close()


class _ExplorerKinds(html.parser.HTMLParser):
    """Collects the data-kind of every element whose class list contains molviz-explorer."""

    def __init__(self):
        super().__init__()
        self.kinds: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "molviz-explorer" in (attrs.get("class") or "").split():
            self.kinds.add(attrs.get("data-kind") or "?")


def test_every_explorer_kind_is_on_the_site(book_html):
    """Issue 4: the site embeds in-browser explorers of at least these five kinds."""
    parser = _ExplorerKinds()
    for page_path in PAGES:
        parser.feed((book_html / page_path).read_text(encoding="utf-8"))
    missing = EXPLORER_KINDS - parser.kinds
    assert not missing, f"no in-browser explorer of kind {sorted(missing)} on any page"


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    out = REPO / "artifacts" / "browser-report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(_REPORT, indent=2, sort_keys=True) + "\n", encoding="utf-8")
