"""Every in-browser explorer on one standalone page, in headless Debian Chromium with no network.

The page is made from `molviz.explorer_html` (each kind at its defaults; a second mixture and a
2^16-class discretized explorer; the logistic, mixture and inversion explorers at a trained
vocoder's scales, log s from -7 to -3; and book/training.md's 16-bit edge mixture), served by a
thread on 127.0.0.1, and opened with Python playwright driving the system ``chromium`` (never a
downloaded browser) with a fresh profile.
Checked, per the DOM contract in the plan:

* every explorer becomes ready; no request leaves 127.0.0.1; no console error; the only new global
  is ``window.molviz``; including the script again changes nothing;
* labels, read-outs and ARIA attributes are present; every accessible name starts with the visible
  label (WCAG 2.5.3); the status line is not a live region, only its note is announced, once the
  sliders rest; each logit's read-out also shows its weight π_k = softmax(a)_k, kept up to date;
  components are numbered k = 0 … K-1 (slider
  names ``logits0``, ``mu0``, ``log_s0``; legends ``component 0``, ``k=0``), logits are a (never
  α), bins of the discretized grid are j (c_j, edge bin j=0); every log s read-out also shows s;
  the logistic's read-out says ``sd = sπ/√3``;
* sliders start at their config values unrounded (μ₀ = -0.9995 between two 16-bit grid points,
  and the edge bin's mass drawn is that of -0.9995, from molviz); the discretized explorer's μ_k
  step follows the zoom and s_k (5e-6 at ×1024 for s = 4e-4, 0.002 for s = 0.2; 0.005 at ×1) for
  the arrow keys, and the mouse snaps to it;
* every drawing has its data (histogram, density curve) on the plot, also at vocoder scales;
* every slider moves by keyboard (focus, ArrowRight) and by mouse (click on the track, and a drag),
  and each move increments ``data-redraws`` and changes the SVG drawing; so does every ``select``
  and toggle button; the Gumbel explorer's play button animates and stops;
* the redraw time the explorers report (``data-last-redraw-ms``) for 10,000 samples, over 30
  seed changes (each draws all samples afresh) and 30 moves of a component's μ or of μ: median and
  90th percentile <= 16 ms (one frame at 60 Hz), and the status line shows the median of the last
  20 of them; at 50,000 samples (the slider's maximum and the largest n explorer_html accepts) the
  median stays within one frame too. The times (with their maximum, and the time including style
  and layout, measured from outside) go to ``artifacts/explorer-redraw-times.json``;
* on a narrow screen (the window resized to 400 x 800 px, and a page loaded at that size) every
  drawing is laid out for its box (one SVG unit = one CSS px), no text in it is smaller than 10 px
  or sticks out of it, the drawing comes before the controls, and while any slider is moved by
  keyboard or mouse the whole drawing stays in the viewport and the slider is not covered by it.

Screenshots of the page and of each explorer (800 px wide), and of the page and of the K = 5
mixture with a slider focused (400 px wide), go to ``artifacts/screenshots/``.

Without chromium the tests fail (``chromium_path`` in tests/browser/conftest.py) unless
MOLVIZ_SKIP_BROWSER=1.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import statistics
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from molviz.explorer import explorer_html, explorer_js

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VOCODER_MIXTURE = {"logits": [0.5, 0.0, -1.0], "mu": [-0.9, 0.02, 0.7], "log_s": [-7.0, -5.5, -3.0]}
# book/training.md's 16-bit edge mixture: a narrow component just inside -1, between grid points
EDGE_16BIT = {
    "num_classes": 65536,
    "pi": [0.6, 0.4],
    "mu": [-0.9995, 0.3],
    "log_s": [math.log(0.0004), math.log(0.2)],
    "zoom": 10.0,
    "center": -0.999,
}
EXPLORERS = [
    ("logistic", {}),
    ("mixture", {}),
    ("gumbel", {"n": 10_000}),
    ("inversion", {}),
    ("discretized", {}),
    ("mixture", {"K": 5, "stacked": False, "seed": 3, "title": "A second mixture on the page"}),
    ("discretized", {"num_classes": 65536, "title": "Discretized, 2^16 classes"}),
    ("logistic", {"mu": 0.1, "log_s": -5.0, "gaussian": True, "logy": True, "title": "vocoder"}),
    ("mixture", {**VOCODER_MIXTURE, "title": "vocoder scale"}),
    ("mixture", {**VOCODER_MIXTURE, "logy": True, "stacked": False, "title": "vocoder, log y"}),
    ("inversion", {"mu": 0.3, "log_s": -6.0, "logit_scale": True, "title": "vocoder scale"}),
    ("discretized", {**EDGE_16BIT, "title": "the training chapter's edge mixture, 16 bit"}),
]
FRAME_MS = 16.0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("explorers")
    body = "\n".join(f"<section>{explorer_html(k, **p).data}</section>" for k, p in EXPLORERS)
    head = '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
    page = (
        f"<!doctype html><html lang='en'><head>{head}<title>molviz explorers</title></head>"
        f"<body style='max-width:760px;margin:16px auto'>{body}</body></html>"
    )
    (root / "index.html").write_text(page, encoding="utf-8")
    (root / "blank.html").write_text(f"<!doctype html><html><head>{head}</head></html>")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(chromium_path, site, tmp_path_factory):
    """(page, log): a page in a fresh Chromium profile; log has errors and outside requests."""
    from playwright.sync_api import sync_playwright

    log = {"outside": [], "console": [], "pageerror": []}

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            log["outside"].append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_path,
            headless=True,
            args=ARGS,
            viewport={"width": 800, "height": 1000},
            service_workers="block",
        )
        try:
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
            page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
            yield page, log
        finally:
            context.close()


def roots(page):
    return page.locator("div.molviz-explorer")


def redraws(root) -> int:
    return int(root.get_attribute("data-redraws"))


def drawing(root) -> str:
    return root.locator("svg.molviz-plot").inner_html()


def wait_redraw(page, root, before: int):
    page.wait_for_function(
        "([el, n]) => +el.getAttribute('data-redraws') > n",
        arg=[root.element_handle(), before],
        timeout=5000,
    )


def load(page, site):
    page.goto(site + "index.html")
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.molviz-explorer')]"
        ".every(r => r.getAttribute('data-ready') === '1')",
        timeout=20_000,
    )


def test_page_loads_offline_and_cleanly(browser, site, screenshot_dir):
    page, log = browser
    page.goto(site + "blank.html")
    baseline = set(page.evaluate("() => Object.keys(window)"))
    load(page, site)
    assert roots(page).count() == len(EXPLORERS)
    new_globals = set(page.evaluate("() => Object.keys(window)")) - baseline
    assert new_globals == {"molviz"}, new_globals
    page.screenshot(path=str(screenshot_dir / "explorers-standalone.png"), full_page=True)
    for i, (kind, _) in enumerate(EXPLORERS):
        roots(page).nth(i).screenshot(path=str(screenshot_dir / f"explorer-{i}-{kind}.png"))
    assert log["outside"] == [], f"requests left 127.0.0.1: {log['outside']}"
    assert log["console"] == [] and log["pageerror"] == [], log


def test_dom_contract_and_accessibility(browser):
    page, _ = browser
    for i, (kind, _) in enumerate(EXPLORERS):
        root = roots(page).nth(i)
        assert root.get_attribute("data-kind") == kind
        assert root.get_attribute("data-ready") == "1"
        assert redraws(root) >= 1
        assert float(root.get_attribute("data-last-redraw-ms")) >= 0
        svg = root.locator("svg.molviz-plot")
        assert svg.count() == 1
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
        sliders = root.locator("input[type=range]")
        assert sliders.count() >= 4
        for j in range(sliders.count()):
            s = sliders.nth(j)
            sid = s.get_attribute("id")
            label = root.locator(f'label[for="{sid}"]').inner_text().strip()
            assert label, sid
            assert root.locator(f'output[for="{sid}"]').inner_text().strip(), sid
            # WCAG 2.5.3 (label in name): the accessible name starts with the visible label
            name = s.get_attribute("aria-label")
            assert name.startswith(label), (label, name)
            assert s.get_attribute("aria-valuetext").startswith(label + " = "), sid
        for j in range(root.locator("select").count()):
            sel = root.locator("select").nth(j)
            label = root.locator(f'label[for="{sel.get_attribute("id")}"]')
            assert label.count() == 1
            assert sel.get_attribute("aria-label").startswith(label.inner_text().strip())
        assert root.locator("button:not([type=button])").count() == 0
        # named by its visible title; one live region, hidden, holding no redraw time
        title = root.locator(".molviz-title")
        assert root.get_attribute("aria-labelledby") == title.get_attribute("id")
        assert root.locator(".molviz-status").get_attribute("aria-live") is None
        live = root.locator("[aria-live]")
        assert live.count() == 1 and live.get_attribute("aria-live") == "polite"
        assert "ms" not in live.inner_text()
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate element ids on the page"


def test_numbering_readouts_and_notation(browser, site):
    page, _ = browser
    load(page, site)
    for i, (kind, _) in enumerate(EXPLORERS):
        root = roots(page).nth(i)
        sliders = root.locator("input[type=range]")
        names = sliders.evaluate_all("els => els.map(e => e.dataset.param)")
        if kind in ("mixture", "gumbel", "discretized"):
            legends = root.locator("fieldset legend").all_inner_texts()
            K = len(legends)
            assert legends == [f"component {k}" for k in range(K)], legends
            assert sorted(n for n in names if n.startswith("logits")) == [
                f"logits{k}" for k in range(K)
            ]
        for j, name in enumerate(names):
            if name.startswith("log_s"):
                sid = sliders.nth(j).get_attribute("id")
                out = root.locator(f'output[for="{sid}"]').inner_text()
                log_s = float(sliders.nth(j).input_value())
                shown = float(out.split("s=")[1].replace("\u2212", "-"))
                assert abs(shown - math.exp(log_s)) <= 0.006 * math.exp(log_s), (name, out)
        svg_text = root.locator("svg.molviz-plot").inner_html()
        status = root.locator(".molviz-status").inner_text()
        if kind == "mixture":
            assert "k=0:" in svg_text and "k=0 " in status
        if kind == "gumbel":
            assert ">k=0<" in svg_text
        if kind == "logistic":
            assert "sd = s\u03c0/\u221a3 = " in status and "\u03c3" not in status, status
        if kind == "discretized":
            assert root.locator("button", has_text="centre on \u03bc\u2080").count() == 1
            # bins are j (c_j, P_j, edge bins j = 0 and N - 1), components k
            assert "c\u2c7c = \u22121 + 2j/(N\u22121)" in svg_text and "edge bin j=" in svg_text
            assert "k=" not in svg_text and "k =" not in status and "showing j = " in status
        # logits are a_k (never α), in labels, read-outs, ARIA text and the drawing
        aria = sliders.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        assert "\u03b1" not in root.inner_text() + svg_text + " ".join(aria), (i, kind)
        if kind in ("mixture", "gumbel", "discretized"):
            assert root.locator("label", has_text="a\u2080").count() == 1


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def _weights(root, logits):
    """(π_k shown in the logits' read-outs, softmax of the logits' slider values)."""
    a = [float(logits.nth(k).input_value()) for k in range(logits.count())]
    shown = []
    for k in range(logits.count()):
        small = root.locator(f'output[for="{logits.nth(k).get_attribute("id")}"] small')
        label, value = small.inner_text().split("=")
        assert label == "\u03c0" + "\u2080\u2081\u2082\u2083\u2084"[k], label
        shown.append(_number(value))
    z = [math.exp(v - max(a)) for v in a]
    return shown, [v / sum(z) for v in z]


def test_weights_are_shown_next_to_the_logits(browser, site):
    """Each logit a_k's read-out also shows π_k = softmax(a)_k (computed here from the sliders),
    and moving one logit updates every π_k."""
    page, _ = browser
    load(page, site)
    for i, (kind, _) in enumerate(EXPLORERS):
        if kind not in ("mixture", "gumbel", "discretized"):
            continue
        root = roots(page).nth(i)
        logits = root.locator("input[data-param^=logits]")
        shown, expected = _weights(root, logits)
        assert all(abs(x - y) <= 0.0005 for x, y in zip(shown, expected, strict=True)), (i, shown)
        _press(page, root, logits.nth(1), "PageUp")
        after, expected = _weights(root, logits)
        assert all(abs(x - y) <= 0.0005 for x, y in zip(after, expected, strict=True)), (i, after)
        assert after[0] < shown[0] and after[1] > shown[1], (i, shown, after)


def test_only_the_note_is_announced_once_the_sliders_rest(browser, site):
    """The live region stays as it is while a slider moves and then gets the status note (never
    the redraw time), once, about a second after the last move."""
    page, _ = browser
    load(page, site)
    root = roots(page).nth(1)
    live = root.locator("[aria-live]")
    assert live.inner_text() == ""  # nothing is announced on page load
    seed = root.locator("input[data-param=seed]")
    for key in ("ArrowRight", "ArrowRight", "ArrowRight"):
        _press(page, root, seed, key)
    assert live.inner_text() == ""
    page.wait_for_timeout(1300)
    note = root.locator(".molviz-note").inner_text()
    assert live.inner_text() == note.rstrip(" \u00b7") and "samples" in note
    assert "redraw" in root.locator(".molviz-timing").inner_text()


PLOT_CONTENT_JS = """
(root) => [...root.querySelectorAll("svg.molviz-plot g[clip-path]")].map((g) => {
  const id = g.getAttribute("clip-path").slice(5, -1);
  const c = root.querySelector(`[id="${id}"] rect`).getBBox();
  const paths = [...g.querySelectorAll("path")].filter((p) => p.getAttribute("d"));
  return {
    clip: [c.y, c.height],
    bars: paths.filter((p) => p.getAttribute("fill") !== "none"
                              && +p.getAttribute("fill-opacity") > 0.3)
               .map((p) => { const b = p.getBBox(); return [b.y, b.width, b.height]; }),
    curves: paths.filter((p) => p.getAttribute("fill") === "none")
                 .map((p) => { const b = p.getBBox(); return [b.width, b.height]; }),
  };
})
"""


def test_every_drawing_shows_its_data(browser, site):
    """Histogram and density are on the plot, at default and at vocoder scales, and the y axis
    holds the whole histogram (no bar is cut off at the top)."""
    page, _ = browser
    load(page, site)
    for i, (kind, params) in enumerate(EXPLORERS):
        if kind not in ("logistic", "mixture", "inversion"):
            continue
        panels = roots(page).nth(i).evaluate(PLOT_CONTENT_JS)
        hist = [p for p in panels if any(w > 20 and h > 20 for _, w, h in p["bars"])]
        assert hist, (i, kind, params, panels)
        for p in hist:
            top = min(y for y, _, _ in p["bars"])
            assert top >= p["clip"][0] - 0.5, f"explorer {i}: histogram cut off at the top"
            # and it is not squashed: the tallest bar reaches at least a quarter of the height
            assert top <= p["clip"][0] + 0.75 * p["clip"][1], f"explorer {i}: histogram squashed"
        assert any(w > 100 and h > 50 for p in panels for w, h in p["curves"]), (i, kind, panels)


def test_every_slider_moves_by_keyboard(browser, site):
    page, log = browser
    load(page, site)
    moved = 0
    for i in range(len(EXPLORERS)):
        root = roots(page).nth(i)
        sliders = root.locator("input[type=range]")
        for j in range(sliders.count()):
            s = sliders.nth(j)
            value, top = s.input_value(), s.get_attribute("max")
            before, picture = redraws(root), drawing(root)
            s.focus()
            page.keyboard.press("ArrowLeft" if float(value) >= float(top) else "ArrowRight")
            wait_redraw(page, root, before)
            name = s.get_attribute("data-param")
            assert s.input_value() != value, f"explorer {i} slider {name} did not move"
            assert drawing(root) != picture, f"explorer {i} slider {name}: drawing unchanged"
            moved += 1
    assert moved >= 40
    assert log["console"] == [] and log["pageerror"] == []


def _fraction(slider) -> float:
    v, lo, hi = (
        float(slider.input_value()),
        float(slider.get_attribute("min")),
        float(slider.get_attribute("max")),
    )
    return (v - lo) / (hi - lo)


def test_every_slider_moves_by_mouse(browser, site):
    page, log = browser
    load(page, site)
    for i in range(len(EXPLORERS)):
        root = roots(page).nth(i)
        sliders = root.locator("input[type=range]")
        for j in range(sliders.count()):
            s = sliders.nth(j)
            s.scroll_into_view_if_needed()
            box = s.bounding_box()
            value, before, picture = s.input_value(), redraws(root), drawing(root)
            target = 0.2 if _fraction(s) > 0.5 else 0.8
            y = box["y"] + box["height"] / 2
            if j == 0:  # drag the thumb
                x0 = box["x"] + 8 + _fraction(s) * (box["width"] - 16)
                page.mouse.move(x0, y)
                page.mouse.down()
                page.mouse.move(box["x"] + 8 + target * (box["width"] - 16), y, steps=8)
                page.mouse.up()
            else:  # click on the track
                page.mouse.click(box["x"] + 8 + target * (box["width"] - 16), y)
            wait_redraw(page, root, before)
            name = s.get_attribute("data-param")
            assert s.input_value() != value, f"explorer {i} slider {name} did not move by mouse"
            assert drawing(root) != picture, f"explorer {i} slider {name}: drawing unchanged"
    assert log["console"] == [] and log["pageerror"] == []


def _readout(root, slider) -> str:
    return root.locator(f'output[for="{slider.get_attribute("id")}"]').inner_text()


def _press(page, root, slider, key):
    before = redraws(root)
    slider.focus()
    page.keyboard.press(key)
    wait_redraw(page, root, before)
    return float(slider.input_value())


def test_config_values_stand_and_mu_steps_follow_the_zoom(browser, site):
    """The training chapter's 16-bit edge mixture: every slider starts at its config value (not
    rounded to a step), so μ₀ = -0.9995 stays between two grid points and the drawing shows its
    bin masses; the arrow keys move μ_k by a step that follows the zoom and s_k (finer than the
    16-bit grid for a narrow component when zoomed in), and the mouse puts μ on that grid."""
    page, log = browser
    load(page, site)
    root = roots(page).nth(len(EXPLORERS) - 1)
    grid = 2 / 65535  # spacing of the 16-bit grid c_j = -1 + j grid
    mu0, log_s0, center, zoom = (
        root.locator(f"input[data-param={name}]") for name in ("mu0", "log_s0", "center", "zoom")
    )
    assert float(mu0.input_value()) == -0.9995 and _readout(root, mu0) == "\u22120.9995"
    assert abs(float(log_s0.input_value()) - math.log(0.0004)) < 1e-13
    assert float(center.input_value()) == -0.999 and float(zoom.input_value()) == 10.0
    logits = [float(root.locator(f"input[data-param=logits{k}]").input_value()) for k in (0, 1)]
    assert abs(1 / (1 + math.exp(logits[1] - logits[0])) - 0.6) < 1e-13
    # The edge bin's mass in the drawing is the one of μ₀ = -0.9995 (rounded to -1, as a 0.01 or
    # 0.005 step would, it is 0.306), computed here by molviz.
    from molviz.mixture import discretized_mixture_probs

    p0 = discretized_mixture_probs([0.6, 0.4], EDGE_16BIT["mu"], [0.0004, 0.2], 65536)[0]
    p0_rounded = discretized_mixture_probs([0.6, 0.4], [-1.0, 0.3], [0.0004, 0.2], 65536)[0]
    assert f"{p0:.3g}" != f"{p0_rounded:.3g}"
    assert f"edge bin j=0: {p0:.3g}" in drawing(root), drawing(root)[:300]
    # At zoom ×1024 an arrow key moves μ by 5e-6, a sixth of the grid spacing.
    assert float(mu0.get_attribute("data-step")) == 5e-6
    assert _press(page, root, mu0, "ArrowRight") == -0.999495
    assert _press(page, root, mu0, "ArrowLeft") == -0.9995
    v = _press(page, root, mu0, "ArrowLeft")
    assert v == -0.999505 and _readout(root, mu0) == "\u22120.999505"
    j = (v + 1) / grid
    assert 0.1 < j - math.floor(j) < 0.9, f"μ₀ = {v} is not between two grid points (j = {j})"
    assert _press(page, root, mu0, "PageUp") == -0.999455
    # The wide component, far outside the view, moves by s₁/100 = 0.002 (a step that changes its
    # bins visibly when it is in view), and its line under the drawing says where it is; s is
    # also given in bin widths 2h = 2/65535.
    mu1 = root.locator("input[data-param=mu1]")
    assert float(mu1.get_attribute("data-step")) == 0.002
    line = "component 1: \u03bc\u2081 = {} (\u2192 right of the view), s\u2081 = 0.200 = 6,554 bin"
    assert line.format("0.300") in drawing(root)
    assert _press(page, root, mu1, "ArrowRight") == 0.302
    assert line.format("0.302") in drawing(root)
    line0 = "component 0: \u03bc\u2080 = \u22120.999455, s\u2080 = 4.00e\u22124 = 13.1 bin"
    assert line0 in drawing(root)
    # Zoom out to ×1 (Home): μ's step is 0.005 again; the centre keeps its value.
    _press(page, root, zoom, "Home")
    assert float(zoom.input_value()) == 0.0 and float(mu0.get_attribute("data-step")) == 0.005
    assert float(center.input_value()) == -0.999
    assert _press(page, root, mu0, "ArrowRight") == -0.995
    assert _press(page, root, mu0, "ArrowLeft") == -1.0
    # The mouse puts μ₀ on the grid -1.2 + 0.005 i.
    box = mu0.bounding_box()
    before = redraws(root)
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2)
    wait_redraw(page, root, before)
    i = (float(mu0.input_value()) + 1.2) / 0.005
    assert float(mu0.input_value()) > 0 and abs(i - round(i)) < 1e-9, mu0.input_value()
    # "centre on μ₀" centres the view on μ₀ exactly.
    before = redraws(root)
    root.locator("button", has_text="centre on \u03bc\u2080").click()
    wait_redraw(page, root, before)
    assert center.input_value() == mu0.input_value()
    assert log["console"] == [] and log["pageerror"] == []


def test_selects_and_buttons_redraw(browser, site):
    page, log = browser
    load(page, site)
    for i in range(len(EXPLORERS)):
        root = roots(page).nth(i)
        selects = root.locator("select")
        for j in range(selects.count()):
            sel = selects.nth(j)
            options = sel.locator("option").evaluate_all("os => os.map(o => o.value)")
            new = next(v for v in options if v != sel.input_value())
            before, picture = redraws(root), drawing(root)
            sel.select_option(new)
            wait_redraw(page, root, before)
            assert drawing(root) != picture, f"explorer {i}: select {j} did not change the drawing"
        buttons = root.locator("button")
        for j in range(buttons.count()):
            b = buttons.nth(j)
            label = b.inner_text()
            before, picture = redraws(root), drawing(root)
            pressed = b.get_attribute("aria-pressed")
            b.click()
            wait_redraw(page, root, before)
            if pressed is not None:
                assert b.get_attribute("aria-pressed") != pressed
                assert drawing(root) != picture, f"explorer {i}: toggle {label!r} changed nothing"
            if "play" in label:
                page.wait_for_function(
                    "([el, n]) => +el.getAttribute('data-redraws') > n + 3",
                    arg=[root.element_handle(), before],
                    timeout=5000,
                )
                b.click()  # pause
                page.wait_for_timeout(150)
                settled = redraws(root)
                page.wait_for_timeout(400)
                assert redraws(root) == settled, "play did not stop"
    assert log["console"] == [] and log["pageerror"] == []


def test_script_included_again_changes_nothing(browser, site):
    page, _ = browser
    load(page, site)
    page.evaluate("() => { window.__molvizBefore = window.molviz; }")
    page.add_script_tag(content=explorer_js())
    assert page.evaluate("() => window.molviz === window.__molvizBefore")
    assert page.evaluate("() => typeof window.molviz.mount") == "function"


def _p90(values):
    return statistics.quantiles(values, n=10)[-1]


def _cheap_param(kind):
    """The slider whose move reuses the draws (a seed change draws every sample afresh):
    μ, μ₀ with several components, the first logit for Gumbel-max."""
    if kind == "gumbel":
        return "logits0"
    return "mu" if kind in ("logistic", "inversion") else "mu0"


def test_redraw_within_one_frame_at_10000_samples(browser, site, screenshot_dir):
    page, log = browser
    load(page, site)
    report = {}
    for i, (kind, params) in enumerate(EXPLORERS):
        root = roots(page).nth(i)
        n_slider = root.locator("input[data-param=n]")
        assert int(float(n_slider.input_value())) == 10_000
        times = {}
        cheap = _cheap_param(kind)
        for param in ("seed", cheap):
            slider = root.locator(f"input[data-param={param}]")
            slider.focus()
            times[param] = []
            for step in range(30):
                before = redraws(root)
                page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
                wait_redraw(page, root, before)
                times[param].append(float(root.get_attribute("data-last-redraw-ms")))
        # the status line shows the median of the last 20 redraw times (all of them μ moves here)
        timing = root.locator(".molviz-timing").inner_text()
        shown = float(timing.split("redraw ")[1].split(" ms")[0])
        assert "(median of the last 20)" in timing, timing
        last = times[cheap][-20:]
        assert abs(shown - statistics.median(last)) <= 0.051, (timing, last)
        # the same redraw timed from outside, including style recalculation and layout
        outside = page.evaluate(
            """(el) => {
                const s = el.querySelector('input[data-param=seed]');
                const svg = el.querySelector('svg.molviz-plot');
                const out = [];
                for (let k = 0; k < 30; k++) {
                    const t0 = performance.now();
                    s.value = String((k % 2) + 1);
                    s.dispatchEvent(new Event('input', {bubbles: true}));
                    svg.getBoundingClientRect();
                    out.push(performance.now() - t0);
                }
                return out;
            }""",
            root.element_handle(),
        )
        label = f"{i}-{kind}" + (f"-{params['title']}" if "title" in params else "")
        all_times = [t for ts in times.values() for t in ts]
        report[label] = {
            "samples": 10_000,
            "redraw_ms_median": statistics.median(all_times),
            "redraw_ms_p90": _p90(all_times),
            "redraw_ms_max": max(all_times),
            "with_layout_ms_median": statistics.median(outside),
            "with_layout_ms_max": max(outside),
            "redraw_ms": times,
        }
    out = REPO / "artifacts" / "explorer-redraw-times.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    summary = {
        k: tuple(round(v[q], 2) for q in ("redraw_ms_median", "redraw_ms_p90", "redraw_ms_max"))
        for k, v in report.items()
    }
    print("redraw ms (median, p90, max) at 10,000 samples:", summary)
    page.screenshot(path=str(screenshot_dir / "explorers-standalone-after.png"), full_page=True)
    slow = {k: v for k, v in summary.items() if v[0] > FRAME_MS or v[1] > FRAME_MS}
    assert not slow, f"median or 90th percentile of the redraw time above {FRAME_MS} ms: {slow}"
    assert log["console"] == [] and log["pageerror"] == [] and log["outside"] == []


def test_redraw_within_one_frame_at_50000_samples(browser, site):
    """At the sample slider's maximum, 50,000 (also the largest n explorer_html accepts), the
    median of 10 seed changes and 10 μ moves stays within one frame (the 90th percentile and the
    maximum, measured on a shared 2-core machine, are printed: 3 to 14 ms)."""
    page, log = browser
    load(page, site)
    report = {}
    for i, (kind, _) in enumerate(EXPLORERS):
        root = roots(page).nth(i)
        n_slider = root.locator("input[data-param=n]")
        _press(page, root, n_slider, "End")
        assert float(n_slider.input_value()) == 50_000
        times = []
        for param in ("seed", _cheap_param(kind)):
            slider = root.locator(f"input[data-param={param}]")
            for step in range(10):
                _press(page, root, slider, "ArrowRight" if step % 2 == 0 else "ArrowLeft")
                times.append(float(root.get_attribute("data-last-redraw-ms")))
        report[f"{i}-{kind}"] = tuple(
            round(v, 2) for v in (statistics.median(times), _p90(times), max(times))
        )
    print("redraw ms (median, p90, max) at 50,000 samples:", report)
    slow = {k: v for k, v in report.items() if v[0] > FRAME_MS}
    assert not slow, f"median redraw time above {FRAME_MS} ms: {slow}"
    assert log["console"] == [] and log["pageerror"] == []


# --- a narrow screen ------------------------------------------------------------------------------

NARROW = {"width": 400, "height": 800}

# Per explorer: the drawing's viewBox width, its width on the page, the smallest text size in CSS
# px, the texts that stick out of the drawing, and whether the drawing comes before the controls.
LAYOUT_JS = """
(root) => {
  const svg = root.querySelector("svg.molviz-plot");
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll("text")]
    .filter((t) => t.textContent && t.getBBox().width > 0);
  const first = root.querySelector("input, select, button");
  return {
    units: svg.viewBox.baseVal.width,
    px: box.width,
    smallest: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
    outside: texts.filter((t) => {
      const b = t.getBoundingClientRect();
      return b.left < box.left - 1 || b.right > box.right + 1;
    }).map((t) => t.textContent),
    drawingFirst: !!(svg.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING),
  };
}
"""

# Where the drawing and a slider are in the viewport; is the slider on top at its centre?
IN_VIEW_JS = """
([root, slider]) => {
  const svg = root.querySelector("svg.molviz-plot").getBoundingClientRect();
  const s = slider.getBoundingClientRect();
  const hit = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
  return {
    drawing: [svg.top, svg.bottom],
    slider: [s.top, s.bottom],
    height: window.innerHeight,
    sliderOnTop: hit === slider,
  };
}
"""


def _check_narrow_layout(page):
    for i, (kind, _) in enumerate(EXPLORERS):
        layout = roots(page).nth(i).evaluate(LAYOUT_JS)
        assert layout["drawingFirst"], (i, kind)
        # laid out for its box: one SVG unit per CSS px (the box is 374 px wide here)
        assert abs(layout["px"] - layout["units"]) <= 1 and layout["units"] < 400, (i, kind, layout)
        assert layout["smallest"] >= 10, (i, kind, layout)
        assert layout["outside"] == [], (i, kind, layout)


def _assert_in_view(page, root, slider, what):
    where = page.evaluate(IN_VIEW_JS, [root.element_handle(), slider.element_handle()])
    top, bottom = where["drawing"]
    assert top >= -0.5 and bottom <= where["height"] + 0.5, f"{what}: drawing not in view {where}"
    assert where["sliderOnTop"], f"{what}: the slider is covered or out of view {where}"


def test_narrow_screen_layout_and_text_size(browser, site, screenshot_dir):
    """Resized to 400 px, and loaded at 400 px: every drawing is laid out again for its box, with
    no text under 10 px and none sticking out; back at 800 px the wide layout returns."""
    page, log = browser
    load(page, site)
    wide = [roots(page).nth(i).evaluate(LAYOUT_JS) for i in range(len(EXPLORERS))]
    assert all(w["units"] == w["px"] == 694 and w["smallest"] >= 11 for w in wide), wide
    try:
        page.set_viewport_size(NARROW)
        page.wait_for_function(
            "() => [...document.querySelectorAll('svg.molviz-plot')]"
            ".every(s => s.viewBox.baseVal.width < 400)",
            timeout=5000,
        )
        _check_narrow_layout(page)
        load(page, site)
        _check_narrow_layout(page)
        page.screenshot(path=str(screenshot_dir / "explorers-standalone-400px.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 800, "height": 1000})
    page.wait_for_function(
        "() => [...document.querySelectorAll('svg.molviz-plot')]"
        ".every(s => s.viewBox.baseVal.width === 694)",
        timeout=5000,
    )
    assert log["console"] == [] and log["pageerror"] == []


def test_narrow_screen_drawing_stays_in_view_while_sliders_move(browser, site, screenshot_dir):
    """At 400 x 800 px the controls stack under the drawing; while any slider of any explorer is
    moved by the keyboard (and, for the K = 5 mixture, by the mouse), the whole drawing is in the
    viewport, the slider is not under it, and the drawing changes."""
    page, log = browser
    try:
        page.set_viewport_size(NARROW)
        load(page, site)
        for i in range(len(EXPLORERS)):
            root = roots(page).nth(i)
            sliders = root.locator("input[type=range]")
            for j in range(sliders.count()):
                s = sliders.nth(j)
                value, top = s.input_value(), s.get_attribute("max")
                picture = drawing(root)
                _press(page, root, s, "ArrowLeft" if float(value) >= float(top) else "ArrowRight")
                page.wait_for_timeout(50)  # the drawing is held on the next frame
                name = s.get_attribute("data-param")
                _assert_in_view(page, root, s, f"explorer {i} slider {name}")
                assert drawing(root) != picture, f"explorer {i} slider {name}: drawing unchanged"
                if i == 5 and name == "mu0":
                    page.screenshot(path=str(screenshot_dir / "explorer-5-mixture-400px-mu0.png"))
        root = roots(page).nth(5)  # the K = 5 mixture: the longest column of controls
        sliders = root.locator("input[type=range]")
        for j in range(sliders.count()):
            s = sliders.nth(j)
            before, value = redraws(root), s.input_value()
            s.scroll_into_view_if_needed()
            page.wait_for_timeout(50)
            box = s.bounding_box()
            target = 0.2 if _fraction(s) > 0.5 else 0.8
            x = box["x"] + 8 + target * (box["width"] - 16)
            page.mouse.click(x, box["y"] + box["height"] / 2)
            wait_redraw(page, root, before)
            assert s.input_value() != value, f"slider {s.get_attribute('data-param')}"
            _assert_in_view(page, root, s, f"mouse, slider {s.get_attribute('data-param')}")
    finally:
        page.set_viewport_size({"width": 800, "height": 1000})
    assert log["console"] == [] and log["pageerror"] == []
