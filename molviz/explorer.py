"""In-browser explorers: sliders that work without a kernel, on the static site and in notebooks.

`explorer_html(kind, **params)` returns an `IPython.display.HTML` object holding a `<div>` and one
inline `<script>`: the plain-JavaScript module `molviz/explorer.js` (no framework, no network
request) followed by a call that draws the explorer into the `<div>`. The same output works in
JupyterLab and Colab (HTML outputs run their scripts) and on the Jupyter Book site (myst-nb writes
`text/html` outputs into the page as they are). Every output carries the script, so it works on its
own (Colab runs each output in its own frame, and earlier outputs may have been cleared); several
on one page are fine: every display gets its own element ids, and a second copy of the script sees
`window.molviz` already defined and stops at once. The inlined copy leaves out the file's comments
and indentation (about half of its bytes); `explorer_js()` returns the file as it is.

The JavaScript implements the same formulas as `molviz.logistic` and `molviz.mixture` (float64,
stable forms) and the same two-stage sampler as `molviz.sampling` (Gumbel-max component choice,
then inversion, with u ~ U(1e-5, 1 - 1e-5)), driven by a seeded xoshiro128** generator. Its
consistency with the Python package is tested under Node (tests/test_explorer_math.py,
tests/test_explorer_sampler.py).

Components are numbered k = 0 … K-1, as in the Python code (sliders a₀, μ₀, log s₀, ... for the
logits a_k, means μ_k and log-scales log s_k); bins of the discretized grid are j = 0 … N-1. Scales
are set by log s, the quantity a network outputs: log s ∈ [-7, 1] (s from 0.0009 to 2.7) reaches the
scales of a trained vocoder (log s often -7 … -3 for audio in [-1, 1]); every read-out shows s as
well. Where a scale is a parameter, ``log_s`` sets it; the older ``s`` (converted to log s) is
still accepted: ``explorer_html("inversion", s=1.0)`` equals ``explorer_html("inversion",
log_s=0.0)``.

Kinds and their parameters (all optional; sliders start at these values):

- ``"logistic"``: ``mu`` (μ), ``log_s`` or ``s``, ``n``, ``seed``, ``gaussian`` (overlay a normal
  density of equal standard deviation sd = sπ/√3), ``logy`` (log density axis, to compare the
  tails), ``x_range``.
- ``"mixture"``: ``K`` (1..5), ``logits`` (a, π = softmax(a)) or ``pi``, ``mu``, ``log_s`` or ``s``
  (each of length K), ``n``, ``seed``, ``stacked`` (histogram stacked by component),
  ``components`` (draw each π_k p_k), ``logy``, ``x_range``.
- ``"gumbel"``: ``K`` (2..5), ``logits``, ``n`` (number of draws N), ``seed``.
- ``"inversion"``: ``mu``, ``log_s`` or ``s``, ``u`` (the highlighted uniform value), ``eps``
  (the clip ε), ``logit_scale`` (u on a logit axis, where the clip bands are visible), ``n``,
  ``seed``.
- ``"discretized"``: ``num_classes`` N (256 or 65536; bins j = 0 … N-1 with centres
  c_j = -1 + 2j/(N-1)), ``K``, ``logits`` or ``pi``, ``mu``, ``log_s`` or ``s``, ``zoom`` (log2 of
  the zoom factor; the view is center ± 1.1·2^-zoom), ``center`` (of the view), ``n``, ``seed``.

``x_range`` is ``"auto"`` (the default: the x axis follows the distribution, on round numbers) or a
half-width w from `X_RANGES` (the axis is [-w, w]; 1 is the audio range). Every kind also takes
``title`` (a string shown above the drawing). The sample count ``n`` is at most `MAX_SAMPLES` =
50,000, the sample slider's maximum: up to there a redraw fits in one frame (see `explorer_html`).

Every slider starts at exactly the value given, not rounded to the slider's step (μ = -0.9995
stays -0.9995; the logits log π - mean(log π) made from ``pi`` are not rounded either). The arrow
keys then move it by one step, onto its step grid (PageUp / PageDown: ten steps), the mouse to the
nearest grid point. The steps are 0.01 for μ and log s in the continuous explorers. In the
discretized explorer μ_k's step follows the zoom: about 1/300 of the view or 1/100 of s_k,
whichever is larger (0.005 at ×1; 5e-6 at ×1024 for a narrow component, fine enough to put it
between two points of the 16-bit grid, 2/65535 ≈ 3.05e-5 apart, while a wide one still moves
visibly); the centre's step is about 1/16 of the view. Components outside the view are listed
under the drawing.

See the book chapters `book/logistic.md`, `book/mixtures.md`, `book/gumbel_max.md`,
`book/inversion.md` and `book/training.md`.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import json
import math
import numbers
import uuid
from collections.abc import Sequence

import numpy as np
from IPython.display import HTML

__all__ = ["EXPLORER_KINDS", "explorer_html", "explorer_js"]

EXPLORER_KINDS = ("logistic", "mixture", "gumbel", "inversion", "discretized")

MAX_K = 5
#: the largest sample count n: the sample slider's maximum. Every slider position then redraws
#: within one frame (tests/browser/test_explorers_standalone.py measures it at n = 10,000 and
#: n = 50,000); at 200,000 a redraw took 26 to 41 ms, too slow for a slider.
MAX_SAMPLES = 50_000
MAX_SEED = 2**53 - 1

# Slider ranges (min, max) per kind and parameter. They equal `SPECS` in explorer.js; the test
# tests/test_explorer_html.py compares the two tables.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "common": {"n": (100, 50000), "seed": (0, 999)},
    "logistic": {"mu": (-4.0, 4.0), "log_s": (-7.0, 1.0)},
    "mixture": {"logits": (-4.0, 4.0), "mu": (-5.0, 5.0), "log_s": (-7.0, 1.0)},
    "gumbel": {"logits": (-6.0, 6.0), "n": (1, 50000)},
    "inversion": {
        "mu": (-3.0, 3.0),
        "log_s": (-7.0, 1.0),
        "u": (0.001, 0.999),
        "log10_eps": (-6.0, -1.0),
    },
    "discretized": {
        "logits": (-4.0, 4.0),
        "mu": (-1.2, 1.2),
        "log_s": (-9.0, 0.0),
        "zoom": (0.0, 13.0),
        "center": (-1.0, 1.0),
    },
}
NUM_CLASSES = (256, 65536)
#: fixed half-widths w of the "x range" select (axis [-w, w]); "auto" fits the distribution.
X_RANGES = (0.01, 0.1, 1, 3, 10, 30)

_COMMON = {"n", "seed", "title"}
_ALLOWED = {
    "logistic": _COMMON | {"mu", "log_s", "s", "gaussian", "logy", "x_range"},
    "mixture": _COMMON
    | {"K", "logits", "pi", "mu", "log_s", "s", "stacked", "components", "logy", "x_range"},
    "gumbel": _COMMON | {"K", "logits"},
    "inversion": _COMMON | {"mu", "log_s", "s", "u", "eps", "logit_scale"},
    "discretized": _COMMON
    | {"num_classes", "K", "logits", "pi", "mu", "log_s", "s", "zoom", "center"},
}


@functools.cache
def explorer_js() -> str:
    """Return the source of `molviz/explorer.js` (the in-browser maths, sampler and explorers).

    Returns:
        The JavaScript source as a string; it defines `window.molviz` in a browser and
        `module.exports` under Node.

    See the book chapter `book/mixtures.md`.
    """
    return importlib.resources.files("molviz").joinpath("explorer.js").read_text(encoding="utf-8")


def explorer_html(kind: str, **params) -> HTML:
    """Return an in-browser explorer of `kind` as an `IPython.display.HTML` object.

    The explorer runs entirely in the browser: the analytic density (or CDF, or bin masses) is
    drawn in inline SVG with a histogram of fresh samples from the two-stage sampler
    (k = argmax_k(a_k - log(-log u_k)), x = μ_k + s_k (log u - log(1 - u)), u ~ U(ε, 1 - ε))
    overlaid, and every slider redraws it at once, within one frame (16 ms): at n = 10,000
    samples the median and 90th percentile of the redraw times are 1 to 4 ms, and up to
    n = 50,000 (the sample slider's maximum and the largest ``n`` accepted here) the median
    stays under 16 ms (2 to 7 ms; tests/browser/test_explorers_standalone.py measures both).
    The status line under the controls shows the median of the last 20 redraw times.

    The drawing is laid out for the width of its box (320 to 720 px), so its text keeps its size
    on a phone; it comes first, above the controls, and on a narrow screen it is held at the top
    of the viewport while the controls scroll under it.

    Args:
        kind: one of "logistic", "mixture", "gumbel", "inversion", "discretized".
        **params: initial values of the controls, see the module docstring (μ ``mu``,
            log s ``log_s`` or s ``s``, logits a ``logits`` or weights π ``pi`` of length K,
            ``n`` (at most 50,000), ``seed``, ``logy``, ``x_range``, ...). Components are
            k = 0 … K-1.

    Returns:
        `IPython.display.HTML`; its ``.data`` is the HTML text (a ``<div class="molviz-explorer">``
        with a unique id, and one ``<script>``).

    Raises:
        ValueError: unknown kind, or a value outside its slider range / of the wrong length.
        TypeError: an unknown parameter name or a value of the wrong type.

    Example:
        A trained vocoder's mixture, in its own units (audio in [-1, 1], log s from the network)::

            explorer_html("mixture", logits=[1.0, 0.3, -0.4], mu=[-0.45, 0.05, 0.5],
                          log_s=[-2.81, -1.9, -3.22], logy=True)

    See the book chapter `book/mixtures.md`.
    """
    config = explorer_config(kind, **params)
    element_id = f"molviz-{kind}-{uuid.uuid4().hex[:12]}"
    return HTML(_render(element_id, config))


def explorer_config(kind: str, **params) -> dict:
    """Validate `kind` and `params` and return the JSON-ready config passed to `molviz.mount`.

    Args:
        kind: explorer kind (see `EXPLORER_KINDS`).
        **params: as for `explorer_html`.

    Returns:
        ``{"kind": kind, "params": {...}, "title": str | None}`` with plain floats, ints and lists.

    Raises:
        ValueError, TypeError: as for `explorer_html`.

    See the book chapter `book/mixtures.md`.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, one of {EXPLORER_KINDS}, got {type(kind).__name__}")
    if kind not in EXPLORER_KINDS:
        raise ValueError(f"kind must be one of {EXPLORER_KINDS}, got {kind!r}")
    unknown = sorted(set(params) - _ALLOWED[kind])
    if unknown:
        raise TypeError(
            f"explorer_html({kind!r}) got unexpected parameter(s) {unknown}; "
            f"allowed: {sorted(_ALLOWED[kind])}"
        )
    title = params.pop("title", None)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")
    out = _VALIDATORS[kind](dict(params))
    return {"kind": kind, "params": out, "title": title}


def _compact(js: str) -> str:
    """`js` without whole-line comments, blank lines and indentation (the copy that is inlined).

    Only lines that are entirely a ``//`` comment, and ``/* ... */`` blocks that start a line and
    end at the end of a line, are dropped; every code line is kept whole (and on its own line), so
    no string or regular expression is cut and no statement changes meaning.
    """
    out = []
    in_block = False
    for line in js.splitlines():
        text = line.strip()
        if in_block or text.startswith("/*"):
            in_block = "*/" not in text
            if not in_block and not text.endswith("*/"):
                raise ValueError(f"explorer.js: code after a block comment on one line: {text!r}")
            continue
        if text and not text.startswith("//"):
            out.append(text)
    return "\n".join(out)


@functools.cache
def _inline_js() -> str:
    return _compact(explorer_js())


def _render(element_id: str, config: dict) -> str:
    kind = config["kind"]
    cfg = json.dumps(config, ensure_ascii=True, allow_nan=False)
    # Inside <script>, "</script" or "<!--" would end or change the script element.
    cfg = cfg.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    fallback = (
        f"Interactive {html.escape(kind)} explorer. It needs JavaScript; in JupyterLab, "
        "trust the notebook (File \u25b8 Trust Notebook) and run the cell again."
    )
    return (
        f'<div class="molviz-explorer" id="{element_id}" data-kind="{html.escape(kind)}">'
        f'<p class="molviz-fallback" style="color:#57606a;font-size:13px;margin:0">{fallback}</p>'
        "</div>\n"
        f"<script>\n{_inline_js()}\n"
        f'(function () {{ var r = document.getElementById("{element_id}"); '
        f"if (r && window.molviz) {{ window.molviz.mount(r, {cfg}); }} }})();\n"
        "</script>\n"
    )


# -------------------------------------------------------------------------------------------------
# Validation
# -------------------------------------------------------------------------------------------------


def _real(name: str, value, lo: float, hi: float, what: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v) or not (lo <= v <= hi):
        extra = f" ({what})" if what else ""
        raise ValueError(f"{name} must be in [{lo:g}, {hi:g}]{extra}, got {name} = {v!r}")
    return v


def _int(name: str, value, lo: int, hi: int, what: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    v = int(value)
    if not (lo <= v <= hi):
        extra = f" ({what})" if what else ""
        raise ValueError(f"{name} must be in [{lo}, {hi}]{extra}, got {name} = {v}")
    return v


def _bool(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def _vector(name: str, value) -> list[float]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise TypeError(
            f"{name} must be a sequence of numbers of length K, got {type(value).__name__}"
        )
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (K,), got shape {arr.shape}")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return [float(v) for v in arr]


def _in_range(name: str, values: list[float], lo: float, hi: float, what: str) -> list[float]:
    for k, v in enumerate(values):
        if not math.isfinite(v) or not (lo <= v <= hi):
            raise ValueError(
                f"{name} must be in [{lo:g}, {hi:g}] ({what}), got {name}[{k}] = {v!r}"
            )
    return values


def _common(p: dict, out: dict, n_range: tuple[int, int] | None = None) -> None:
    n_lo = (n_range or RANGES["common"]["n"])[0]
    if "n" in p:
        out["n"] = _int("n", p.pop("n"), n_lo, MAX_SAMPLES, "number of samples")
    if "seed" in p:
        out["seed"] = _int("seed", p.pop("seed"), 0, MAX_SEED, "seed of the generator")


def _components(p: dict, out: dict, k_min: int, names: tuple[str, ...]) -> int:
    """Validate K and the per-component vectors in `names`; returns K."""
    given = {name: _vector(name, p.pop(name)) for name in names if name in p}
    K = None
    if "K" in p:
        K = _int("K", p.pop("K"), k_min, MAX_K, "number of components")
    for name, vec in given.items():
        if K is None:
            K = len(vec)
            if not (k_min <= K <= MAX_K):
                raise ValueError(f"{name} must have length K in [{k_min}, {MAX_K}], got {K}")
        elif len(vec) != K:
            raise ValueError(f"{name} must have shape ({K},) (K components), got ({len(vec)},)")
    if K is not None:
        out["K"] = K
    out.update(given)
    return K


def _pi_to_logits(out: dict) -> None:
    if "pi" not in out:
        return
    if "logits" in out:
        raise TypeError("give either logits or pi, not both")
    pi = np.asarray(out.pop("pi"))
    if not np.all(np.isfinite(pi)) or np.any(pi <= 0):
        raise ValueError(f"pi must be > 0 (mixture weights), got min(pi) = {pi.min()!r}")
    if abs(pi.sum() - 1.0) > 1e-8:
        raise ValueError(f"pi must sum to 1 (mixture weights), got sum(pi) = {pi.sum()!r}")
    logits = np.log(pi)
    out["logits"] = [float(v) for v in logits - logits.mean()]


_S_WHAT = "scale s = exp(log s), slider range log s in [{lo:g}, {hi:g}]"


def _log_scale(p: dict, out: dict, lo: float, hi: float) -> None:
    """Scalar scale: ``log_s`` (slider range [lo, hi]) or the older ``s`` (converted to log s)."""
    if "s" in p and "log_s" in p:
        raise TypeError("give either log_s or s, not both")
    if "log_s" in p:
        out["log_s"] = _real("log_s", p.pop("log_s"), lo, hi, "log scale log s, slider range")
    elif "s" in p:
        s = _real("s", p.pop("s"), math.exp(lo), math.exp(hi), _S_WHAT.format(lo=lo, hi=hi))
        out["log_s"] = math.log(s)


def _log_scales(out: dict, lo: float, hi: float) -> None:
    """Per-component scales: ``log_s`` or the older ``s`` (converted to log s), in range."""
    if "s" in out:
        if "log_s" in out:
            raise TypeError("give either log_s or s, not both")
        s = out.pop("s")
        _in_range("s", s, math.exp(lo), math.exp(hi), _S_WHAT.format(lo=lo, hi=hi))
        out["log_s"] = [math.log(v) for v in s]
    if "log_s" in out:
        _in_range("log_s", out["log_s"], lo, hi, "log scale log s, slider range")


def _flags(p: dict, out: dict, names: tuple[str, ...]) -> None:
    for name in names:
        if name in p:
            out[name] = _bool(name, p.pop(name))


def _x_range(p: dict, out: dict) -> None:
    if "x_range" not in p:
        return
    v = p.pop("x_range")
    if v == "auto":
        out["x_range"] = "auto"
        return
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"x_range must be 'auto' or a number, got {type(v).__name__}")
    if float(v) not in X_RANGES:
        raise ValueError(f"x_range must be 'auto' or one of {X_RANGES}, got x_range = {v!r}")
    out["x_range"] = float(v)


def _validate_logistic(p: dict) -> dict:
    r = RANGES["logistic"]
    out: dict = {}
    if "mu" in p:
        out["mu"] = _real("mu", p.pop("mu"), *r["mu"], "location μ, slider range")
    _log_scale(p, out, *r["log_s"])
    _flags(p, out, ("gaussian", "logy"))
    _x_range(p, out)
    _common(p, out)
    return out


def _validate_mixture(p: dict) -> dict:
    r = RANGES["mixture"]
    out: dict = {}
    _components(p, out, 1, ("logits", "pi", "mu", "log_s", "s"))
    _pi_to_logits(out)
    _log_scales(out, *r["log_s"])
    if "logits" in out:
        _in_range("logits", out["logits"], *r["logits"], "logit a, slider range")
    if "mu" in out:
        _in_range("mu", out["mu"], *r["mu"], "mean μ, slider range")
    _flags(p, out, ("stacked", "components", "logy"))
    _x_range(p, out)
    _common(p, out)
    return out


def _validate_gumbel(p: dict) -> dict:
    r = RANGES["gumbel"]
    out: dict = {}
    _components(p, out, 2, ("logits",))
    if "logits" in out:
        _in_range("logits", out["logits"], *r["logits"], "logit a, slider range")
    _common(p, out, r["n"])
    return out


def _validate_inversion(p: dict) -> dict:
    r = RANGES["inversion"]
    out: dict = {}
    if "mu" in p:
        out["mu"] = _real("mu", p.pop("mu"), *r["mu"], "location μ, slider range")
    _log_scale(p, out, *r["log_s"])
    if "u" in p:
        out["u"] = _real("u", p.pop("u"), *r["u"], "highlighted uniform value")
    if "eps" in p:
        lo, hi = (10.0**e for e in r["log10_eps"])
        out["eps"] = _real("eps", p.pop("eps"), lo, hi, "clip ε of u ~ U(ε, 1 - ε)")
    _flags(p, out, ("logit_scale",))
    _common(p, out)
    return out


def _validate_discretized(p: dict) -> dict:
    r = RANGES["discretized"]
    out: dict = {}
    if "num_classes" in p:
        c = p.pop("num_classes")
        if isinstance(c, bool) or not isinstance(c, numbers.Integral):
            raise TypeError(f"num_classes must be an int, got {type(c).__name__}")
        if int(c) not in NUM_CLASSES:
            raise ValueError(f"num_classes must be one of {NUM_CLASSES}, got {c}")
        out["num_classes"] = int(c)
    _components(p, out, 1, ("logits", "pi", "mu", "log_s", "s"))
    _pi_to_logits(out)
    _log_scales(out, *r["log_s"])
    if "logits" in out:
        _in_range("logits", out["logits"], *r["logits"], "logit a, slider range")
    if "mu" in out:
        _in_range("mu", out["mu"], *r["mu"], "mean μ, slider range")
    if "zoom" in p:
        out["zoom"] = _real("zoom", p.pop("zoom"), *r["zoom"], "log2 of the zoom factor")
    if "center" in p:
        out["center"] = _real("center", p.pop("center"), *r["center"], "centre of the view")
    _common(p, out)
    return out


_VALIDATORS = {
    "logistic": _validate_logistic,
    "mixture": _validate_mixture,
    "gumbel": _validate_gumbel,
    "inversion": _validate_inversion,
    "discretized": _validate_discretized,
}
