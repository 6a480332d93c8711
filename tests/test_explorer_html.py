"""molviz.explorer: the HTML it emits, argument validation, and the JavaScript's static safety.

Also: the compact copy of explorer.js that is inlined behaves exactly like the file (under Node).
Deterministic; the browser behaviour itself is tested in tests/browser/test_explorers_standalone.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
from IPython.display import HTML

from molviz import explorer as E

_spec = importlib.util.spec_from_file_location(
    "explorer_bridge", Path(__file__).parent / "js" / "bridge.py"
)
bridge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bridge)

MOUNT = re.compile(r"window\.molviz\.mount\(r, (\{.*\})\); \} \}\)\(\);\n</script>", re.S)


def parse(html: str) -> tuple[str, str, dict]:
    """(element id, data-kind, config) of one explorer_html output."""
    m = re.match(r'<div class="molviz-explorer" id="([^"]+)" data-kind="([^"]+)">', html)
    assert m, html[:200]
    cfg = MOUNT.search(html)
    assert cfg, "mount call not found"
    return m.group(1), m.group(2), json.loads(cfg.group(1))


@pytest.mark.parametrize("kind", E.EXPLORER_KINDS)
def test_every_kind_renders_a_root_and_one_script(kind):
    out = E.explorer_html(kind)
    assert isinstance(out, HTML)
    html = out.data
    assert out._repr_html_() == html
    element_id, data_kind, cfg = parse(html)
    assert data_kind == kind and element_id.startswith(f"molviz-{kind}-")
    assert cfg == {"kind": kind, "params": {}, "title": None}
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    assert E._compact(E.explorer_js()) in html
    assert f'document.getElementById("{element_id}")' in html


def test_ids_are_unique_per_display():
    ids = {parse(E.explorer_html("mixture").data)[0] for _ in range(50)}
    assert len(ids) == 50


def test_parameters_reach_the_config():
    _, _, cfg = parse(
        E.explorer_html(
            "mixture",
            pi=np.array([0.2, 0.3, 0.5]),
            mu=(-1, 0, 1.5),
            s=[0.5, 0.5, 1.0],
            n=2000,
            seed=7,
            stacked=False,
            logy=True,
            x_range=1,
        ).data
    )
    p = cfg["params"]
    assert p["K"] == 3 and p["mu"] == [-1.0, 0.0, 1.5] and p["n"] == 2000 and p["seed"] == 7
    assert p["stacked"] is False and p["logy"] is True and p["x_range"] == 1.0
    assert "pi" not in p and "s" not in p
    # the older s enters as log s
    assert p["log_s"] == [np.log(0.5), np.log(0.5), 0.0]
    # π enters as logits (centred log π); softmax of them gives π back
    logits = np.asarray(p["logits"])
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(), [0.2, 0.3, 0.5], rtol=1e-12)
    _, _, cfg = parse(E.explorer_html("discretized", s=[0.01, 0.1], num_classes=65536).data)
    np.testing.assert_allclose(cfg["params"]["log_s"], np.log([0.01, 0.1]), rtol=1e-15)
    assert cfg["params"]["num_classes"] == 65536 and cfg["params"]["K"] == 2


@pytest.mark.parametrize("kind", ["logistic", "inversion"])
def test_scalar_scale_by_log_s_or_s(kind):
    """log_s is passed as it is; the older s = exp(log s) gives the same config."""
    by_log = E.explorer_config(kind, mu=0.5, log_s=-5.0)["params"]
    assert by_log == {"mu": 0.5, "log_s": -5.0}
    by_s = E.explorer_config(kind, mu=0.5, s=float(np.exp(-5.0)))["params"]
    assert by_s["mu"] == 0.5 and abs(by_s["log_s"] - (-5.0)) < 1e-15
    # vocoder scale reaches the bottom of the slider, s = exp(-7)
    assert E.explorer_config(kind, log_s=-7.0)["params"]["log_s"] == -7.0


def test_vocoder_scale_mixture_in_its_own_units():
    """A mixture as a vocoder emits it (log s around -7 ... -3, μ in [-1, 1]) is accepted as is."""
    log_s = [-7.0, -5.5, -3.0]
    p = E.explorer_config("mixture", logits=[0.5, 0.0, -1.0], mu=[-0.9, 0.02, 0.7], log_s=log_s)
    assert p["params"]["log_s"] == log_s and p["params"]["K"] == 3


def test_title_cannot_break_out_of_the_script():
    evil = "</script><script>alert(1)</script><!--"
    html = E.explorer_html("logistic", title=evil).data
    tail = html.split("<script>", 1)[1]
    assert tail.lower().count("</script") == 1  # only the closing tag
    assert "<!--" not in tail
    assert parse(html)[2]["title"] == evil


def test_javascript_is_safe_inline_and_offline():
    js = E.explorer_js()
    assert js == (Path(E.__file__).with_name("explorer.js")).read_text(encoding="utf-8")
    low = js.lower()
    for bad in ("</script", "<script", "<!--"):
        assert bad not in low, f"{bad!r} in explorer.js would break the inline <script>"
    urls = set(re.findall(r"https?://[^\s\"')]+", js))
    # the SVG namespace is a name, not a request; the rest are in comments only
    code_urls = {u for u in urls if u != "http://www.w3.org/2000/svg"}
    assert not code_urls, code_urls
    for api in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon", ".src ="):
        assert api not in js, api


def test_slider_ranges_equal_the_javascript_specs():
    specs = bridge.node_calls([{"op": "specs"}])[0]
    r = E.RANGES
    assert (specs["common"]["n"]["min"], specs["common"]["n"]["max"]) == r["common"]["n"]
    # n is capped at the sample slider's maximum, where a redraw still fits in one frame
    assert E.MAX_SAMPLES == specs["common"]["n"]["max"] == specs["gumbel"]["n"]["max"]
    assert (specs["common"]["seed"]["min"], specs["common"]["seed"]["max"]) == r["common"]["seed"]
    assert specs["common"]["maxK"] == E.MAX_K
    assert tuple(specs["common"]["x_ranges"]) == E.X_RANGES
    pairs = {
        "logistic": {"mu": "mu", "log_s": "log_s"},
        "mixture": {"logits": "logit", "mu": "mu", "log_s": "log_s"},
        "gumbel": {"logits": "logit", "n": "n"},
        "inversion": {"mu": "mu", "log_s": "log_s", "u": "u", "log10_eps": "log10_eps"},
        "discretized": {
            "logits": "logit",
            "mu": "mu",
            "log_s": "log_s",
            "zoom": "zoom",
            "center": "center",
        },
    }
    for kind, names in pairs.items():
        assert set(names) == set(r[kind]), kind
        for py_name, js_name in names.items():
            js = specs[kind][js_name]
            assert (js["min"], js["max"]) == r[kind][py_name], (kind, py_name)
    assert tuple(specs["discretized"]["num_classes"]) == E.NUM_CLASSES
    # every default lies inside its slider
    for kind in ("mixture", "gumbel", "discretized"):
        d = specs[kind]["defaults"]
        assert len(d["logits"]) == E.MAX_K
        for key in d:
            if key == "K":
                continue
            lo, hi = r[kind]["logits" if key == "logits" else key]
            assert all(lo <= v <= hi for v in d[key]), (kind, key)


@pytest.mark.parametrize(
    ("kind", "params", "error", "text"),
    [
        ("histogram", {}, ValueError, "kind must be one of"),
        (3, {}, TypeError, "kind must be a str"),
        ("logistic", {"sigma": 1.0}, TypeError, "unexpected parameter(s) ['sigma']"),
        ("logistic", {"s": 0.0}, ValueError, "s must be in [0.000911882, 2.71828]"),
        ("logistic", {"s": 3.0}, ValueError, "slider range log s in [-7, 1]), got s = 3.0"),
        ("logistic", {"log_s": -8.0}, ValueError, "log_s must be in [-7, 1]"),
        ("logistic", {"log_s": 0.0, "s": 1.0}, TypeError, "either log_s or s"),
        ("logistic", {"logy": "yes"}, TypeError, "logy must be a bool"),
        ("logistic", {"x_range": 2}, ValueError, "x_range must be 'auto' or one of (0.01,"),
        ("logistic", {"x_range": "wide"}, TypeError, "x_range must be 'auto' or a number"),
        ("logistic", {"mu": float("nan")}, ValueError, "mu must be in [-4, 4]"),
        ("logistic", {"mu": "0"}, TypeError, "mu must be a real number, got str"),
        ("logistic", {"n": 1000.0}, TypeError, "n must be an int"),
        ("logistic", {"n": True}, TypeError, "n must be an int"),
        ("logistic", {"n": 10}, ValueError, "n must be in [100, 50000]"),
        ("mixture", {"n": 50_001}, ValueError, "n must be in [100, 50000] (number of samples)"),
        ("gumbel", {"n": 60_000}, ValueError, "n must be in [1, 50000]"),
        ("logistic", {"seed": -1}, ValueError, "seed must be in [0, "),
        ("logistic", {"gaussian": 1}, TypeError, "gaussian must be a bool"),
        ("logistic", {"title": 5}, TypeError, "title must be a str"),
        ("mixture", {"K": 6}, ValueError, "K must be in [1, 5]"),
        ("mixture", {"K": 2, "mu": [0, 1, 2]}, ValueError, "mu must have shape (2,)"),
        ("mixture", {"mu": [[0, 1]]}, ValueError, "mu must be 1-D of shape (K,), got shape (1, 2)"),
        ("mixture", {"mu": "01"}, TypeError, "mu must be a sequence"),
        ("mixture", {"mu": [0] * 6}, ValueError, "mu must have length K in [1, 5], got 6"),
        ("mixture", {"s": [0.5, -1.0]}, ValueError, "s must be in [0.000911882, 2.71828]"),
        ("mixture", {"log_s": [0.0, 1.5]}, ValueError, "log_s must be in [-7, 1]"),
        ("mixture", {"log_s": [0.0], "s": [1.0]}, TypeError, "either log_s or s"),
        ("mixture", {"logits": [0, 9]}, ValueError, "logits must be in [-4, 4]"),
        ("mixture", {"pi": [0.5, 0.6]}, ValueError, "pi must sum to 1"),
        ("mixture", {"pi": [1.0, 0.0]}, ValueError, "pi must be > 0"),
        ("mixture", {"pi": [0.5, 0.5], "logits": [0, 0]}, TypeError, "either logits or pi"),
        ("gumbel", {"K": 1}, ValueError, "K must be in [2, 5]"),
        ("gumbel", {"logits": [0.0]}, ValueError, "logits must have length K in [2, 5]"),
        ("inversion", {"u": 1.0}, ValueError, "u must be in [0.001, 0.999]"),
        ("inversion", {"log_s": 2.0}, ValueError, "log_s must be in [-7, 1]"),
        ("inversion", {"eps": 0.3}, ValueError, "eps must be in [1e-06, 0.1]"),
        ("discretized", {"num_classes": 1024}, ValueError, "num_classes must be one of"),
        ("discretized", {"num_classes": 256.0}, TypeError, "num_classes must be an int"),
        ("discretized", {"s": [0.1], "log_s": [-2.0]}, TypeError, "either log_s or s"),
        ("discretized", {"log_s": [1.0]}, ValueError, "log_s must be in [-9, 0]"),
        ("discretized", {"zoom": 20}, ValueError, "zoom must be in [0, 13]"),
        ("discretized", {"center": 1.5}, ValueError, "center must be in [-1, 1]"),
        ("mixture", {"logits": [0, 9]}, ValueError, "(logit a, slider range)"),
        ("gumbel", {"logits": [0, 7]}, ValueError, "logits must be in [-6, 6] (logit a, slider"),
        ("discretized", {"logits": [-5]}, ValueError, "(logit a, slider range), got logits[0]"),
    ],
)
def test_bad_arguments_raise_clear_errors(kind, params, error, text):
    with pytest.raises(error) as info:
        E.explorer_html(kind, **params)
    assert text in str(info.value)


def test_training_chapter_parameters_pass_unrounded():
    """The 16-bit edge mixture of book/training.md reaches the page as given (no rounding to a
    slider step here; the browser side is tested in tests/browser/test_explorers_standalone.py)."""
    pi, mu, s = [0.6, 0.4], [-0.9995, 0.3], [0.0004, 0.2]
    p = E.explorer_config(
        "discretized", num_classes=65536, pi=pi, mu=mu, log_s=np.log(s), zoom=10.0, center=-0.999
    )["params"]
    assert p["mu"] == mu and p["log_s"] == np.log(s).tolist()
    assert p["zoom"] == 10.0 and p["center"] == -0.999 and p["num_classes"] == 65536
    logits = np.asarray(p["logits"])
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(), pi, rtol=1e-15)


def test_notation_follows_the_book():
    """Logits are a (never α) and the discretized grid's bins are j (c_j, P_j), components k."""
    js = E.explorer_js()
    py = Path(E.__file__).read_text(encoding="utf-8")
    assert "\u03b1" not in js and "\u03b1" not in py  # α
    disc = js[js.index("function discretizedExplorer") : js.index("const EXPLORERS = {")]
    for old in ("c\u2096", "P(k", "bin k", "k=${k}", "showing k"):  # cₖ
        assert old not in disc, old
    for new in ("c\u2c7c = \\u22121 + 2j/(N", "P\u2c7c", "edge bin j=", "showing j = "):  # cⱼ, Pⱼ
        assert new in disc, new


def test_gumbel_accepts_a_single_draw():
    _, _, cfg = parse(E.explorer_html("gumbel", n=1, logits=[0.5, -0.5]).data)
    assert cfg["params"] == {"K": 2, "logits": [0.5, -0.5], "n": 1}


def test_inlined_copy_is_the_file_without_comments():
    js = E.explorer_js()
    small = E._compact(js)
    lines = small.splitlines()
    assert not any(line.startswith(("//", "/*", " ")) or not line for line in lines)
    # every code line of the file is kept, whole and in order
    code = [t for t in (line.strip() for line in js.splitlines()) if t in set(lines)]
    assert code == lines
    assert len(small.encode()) < 0.8 * len(js.encode())
    with pytest.raises(ValueError, match="code after a block comment"):
        E._compact("/* a\n b */ var x = 1;")


def test_inlined_copy_computes_the_same_as_the_file(tmp_path):
    """The compact copy (the one in every HTML output) gives bit-identical results under Node."""
    path = tmp_path / "explorer.min.js"
    path.write_text(E._compact(E.explorer_js()), encoding="utf-8")
    calls = [
        {"op": "specs"},
        {
            "op": "map",
            "fn": "mixture.logpdf",
            "xs": [-3.0, 0.1, 2.5],
            "args": [[0.3, 0.7], [0, 1], [1, 2]],
        },
        {"op": "map", "fn": "logistic.quantile", "xs": [1e-9, 0.3, 0.99], "args": [0.5, 2.0]},
        {
            "op": "sampleMixture",
            "seed": 3,
            "logits": [0.0, 1.0],
            "mu": [-1, 1],
            "s": [0.5, 0.1],
            "n": 500,
        },
        {"op": "double", "seed": 11, "count": 100},
        {"op": "call", "fn": "discretizedProbs", "args": [[1.0], [0.2], [0.01], 256, 100, 120]},
    ]
    assert bridge.node_calls(calls, module=path) == bridge.node_calls(calls)
