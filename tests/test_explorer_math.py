"""The in-browser maths (molviz/explorer.js, run under Node) equals molviz's numpy maths.

Every value is computed in JavaScript (tests/js/explorer_cli.js) and compared with molviz.logistic,
molviz.mixture and molviz.sampling at fixed points to 1e-12 relative (float64). Where a density
underflows to 0 the log-density is compared instead, and a reference 0 must be a JavaScript 0.
Deterministic: no random numbers are involved.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest

from molviz import logistic as L
from molviz import mixture as M
from molviz import sampling as S

_spec = importlib.util.spec_from_file_location(
    "explorer_bridge", Path(__file__).parent / "js" / "bridge.py"
)
bridge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bridge)

RTOL = 1e-12


def assert_close(js, ref, rtol=RTOL, what=""):
    """Elementwise |js - ref| <= rtol |ref|; a reference 0 or ±inf must be matched exactly."""
    js = np.asarray(js, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    assert js.shape == ref.shape, (what, js.shape, ref.shape)
    assert not np.isnan(js).any(), f"{what}: JavaScript gave NaN"
    exact = (ref == 0) | ~np.isfinite(ref)
    np.testing.assert_array_equal(js[exact], ref[exact], err_msg=what)
    rel = np.abs(js[~exact] - ref[~exact]) / np.abs(ref[~exact])
    worst = float(rel.max()) if rel.size else 0.0
    assert worst <= rtol, f"{what}: max relative difference {worst:.3g} > {rtol:g}"


# (μ, s) pairs; s >= 0.3 keeps the log-density away from 0, where a relative test is meaningless.
LOGISTIC_PARAMS = [(0.0, 1.0), (-1.5, 0.3), (3.0, 2.5), (0.25, 1e-3)]
Z = np.concatenate([[-800.0, -745.0, -700.0, -40.0, -20.0], np.linspace(-12, 12, 49), [37.0, 40.0]])
Z = np.concatenate([Z, [700.0, 745.0, 800.0]])


@pytest.mark.parametrize(("mu", "s"), LOGISTIC_PARAMS)
def test_logistic_functions_match_molviz(mu, s):
    x = mu + s * Z
    names = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
    refs = {
        "logpdf": L.logistic_logpdf(x, mu, s),
        "pdf": L.logistic_pdf(x, mu, s),
        "cdf": L.logistic_cdf(x, mu, s),
        "sf": L.logistic_sf(x, mu, s),
        "logcdf": L.logistic_logcdf(x, mu, s),
        "logsf": L.logistic_logsf(x, mu, s),
    }
    calls = [{"op": "map", "fn": f"logistic.{n}", "xs": x.tolist(), "args": [mu, s]} for n in names]
    out = bridge.node_calls(calls)
    for name, js in zip(names, out, strict=True):
        assert_close(js, refs[name], what=f"logistic.{name} mu={mu} s={s}")
    # the tails really were reached: the density underflows, its logarithm does not
    assert refs["pdf"][0] == 0 and np.isfinite(refs["logpdf"][0])


Q = np.array(
    [
        *(1e-300, 1e-100, 1e-12, 1e-5, 0.01, 0.2, 0.2999, 0.3, 0.4, 0.49),
        *(0.5 - 1e-9, 0.5, 0.5 + 1e-9, 0.51, 0.6, 0.65, 0.6501, 0.8, 0.99, 1 - 1e-5, 1 - 1e-12),
    ]
)


@pytest.mark.parametrize(("mu", "s"), LOGISTIC_PARAMS)
def test_logistic_quantile_matches_molviz(mu, s):
    js = bridge.node_map("logistic.quantile", Q, mu, s)
    assert_close(js, L.logistic_ppf(Q, mu, s), what=f"logistic.quantile mu={mu} s={s}")


def test_logit_expit_match_scipy():
    from scipy.special import expit, logit

    q = np.concatenate([Q, np.linspace(0.29, 0.66, 75)])
    t = np.concatenate([Z, np.linspace(-3, 3, 41)])
    js_logit, js_expit = bridge.node_calls(
        [
            {"op": "map", "fn": "logit", "xs": q.tolist()},
            {"op": "map", "fn": "expit", "xs": t.tolist()},
        ]
    )
    assert_close(js_logit, logit(q), what="logit")
    assert_close(js_expit, expit(t), what="expit")


MIXTURES = {
    "three": ([0.3, 0.5, 0.2], [-2.0, 0.5, 2.5], [0.5, 0.3, 0.8]),
    "zero-weight": (
        [0.25, 0.0, 0.5, 0.25, 0.0],
        [-1.0, 0.0, 1.0, 4.0, 9.0],
        [0.4, 1.0, 0.6, 2.0, 0.1],
    ),
    "wide-scales": ([0.01, 0.98, 0.01], [-300.0, 0.0, 250.0], [1e-3, 1.0, 50.0]),
    "one": ([1.0], [0.7], [0.35]),
}


@pytest.mark.parametrize("name", list(MIXTURES))
def test_mixture_functions_match_molviz(name):
    pi, mu, s = MIXTURES[name]
    x = np.concatenate(
        [
            [-5e4, -2e3, -400.0, -301.0, -300.0, -60.0],
            np.linspace(-8, 8, 81),
            [11.0, 40.0, 249.5, 300.0, 2e3, 5e4],
        ]
    )
    names = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
    refs = {
        "logpdf": M.mixture_logpdf(x, pi, mu, s),
        "pdf": M.mixture_pdf(x, pi, mu, s),
        "cdf": M.mixture_cdf(x, pi, mu, s),
        "sf": M.mixture_sf(x, pi, mu, s),
        "logcdf": M.mixture_logcdf(x, pi, mu, s),
        "logsf": M.mixture_logsf(x, pi, mu, s),
    }
    calls = [
        {"op": "map", "fn": f"mixture.{n}", "xs": x.tolist(), "args": [pi, mu, s]} for n in names
    ]
    out = bridge.node_calls(calls)
    for nm, js in zip(names, out, strict=True):
        ref = refs[nm]
        if nm in ("logcdf", "logsf"):
            # Where F (or 1 - F) is within 1e-3 of 1, both compute log Σ_k π_k σ(±z_k) of a sum
            # within 1e-3 of 1, so the result is known only to a few ulp of 1 (absolute ~1e-16),
            # not relative to its tiny value: compare those points to 1e-15 absolute.
            near0 = np.abs(ref) < 1e-3
            assert_close(np.asarray(js)[~near0], ref[~near0], what=f"mixture.{nm} {name}")
            np.testing.assert_allclose(np.asarray(js)[near0], ref[near0], rtol=0, atol=1e-15)
        else:
            assert_close(js, ref, what=f"mixture.{nm} {name}")


@pytest.mark.parametrize("name", list(MIXTURES))
def test_mixture_quantile_matches_molviz(name):
    pi, mu, s = MIXTURES[name]
    q = Q[(Q > 1e-200)]  # molviz's bracket starts from the component quantiles as well
    js = np.asarray(bridge.node_map("mixture.quantile", q, pi, mu, s))
    ref = M.mixture_ppf(q, pi, mu, s, tol=1e-300)  # to the last ulp
    # A float64 solver meets F(x) = q (q <= 1/2) or 1 - F(x) = 1 - q (q > 1/2) to an ulp of
    # min(q, 1 - q), so x* is determined only to ~ulp(min(q, 1 - q)) / p(x*) absolute (the
    # condition of the inverse). Near x* = 0 that exceeds 1e-12 |x*|; there, compare to
    # 4 ulp / p(x*) absolute.
    cond = 4 * np.spacing(np.minimum(q, 1 - q)) / M.mixture_pdf(ref, pi, mu, s)
    rel_ok = RTOL * np.abs(ref) >= cond
    assert rel_ok.sum() >= len(q) - 3  # only the points next to a root x* = 0 drop out
    assert_close(js[rel_ok], ref[rel_ok], what=f"mixture.quantile {name}")
    np.testing.assert_array_less(np.abs(js - ref)[~rel_ok], cond[~rel_ok])
    # and it inverts the CDF: F(x) = q (lower half) and 1 - F(x) = 1 - q (upper half)
    lower = q <= 0.5
    assert_close(M.mixture_cdf(js[lower], pi, mu, s), q[lower], rtol=1e-11, what="F(F^-1(q))")
    assert_close(M.mixture_sf(js[~lower], pi, mu, s), 1 - q[~lower], rtol=1e-11, what="S(F^-1(q))")


@pytest.mark.parametrize(
    "logits",
    [[0.0], [1.5, 0.5, 0.0, -1.0], [-3.0, 700.0, 699.0], [1e3, -1e3, 0.0, 5.0, 5.0]],
)
def test_softmax_matches_molviz(logits):
    js, js_log = bridge.node_calls(
        [
            {"op": "call", "fn": "softmax", "args": [logits]},
            {"op": "call", "fn": "logSoftmax", "args": [logits]},
        ]
    )
    assert_close(js, M.softmax(logits), what="softmax")
    assert_close(js_log, M.log_softmax(logits), what="logSoftmax")


@pytest.mark.parametrize("num_classes", [2, 256, 65536])
@pytest.mark.parametrize(
    ("pi", "mu", "s"),
    [
        ([0.5, 0.5], [-0.9, 0.3], [math.exp(-3.5), math.exp(-2.5)]),
        ([0.2, 0.3, 0.5], [-1.1, 0.0, 0.999], [1e-4, 2.0, 0.01]),
        ([1.0], [0.0], [math.exp(-7.0)]),
    ],
)
def test_discretized_probs_match_molviz(num_classes, pi, mu, s):
    js = np.asarray(bridge.node_call("discretizedProbs", pi, mu, s, num_classes))
    ref = M.discretized_mixture_probs(pi, mu, s, num_classes)
    keep = ref > 1e-290  # below that, float64 exp/products enter the subnormal range
    assert keep.sum() >= 2
    assert_close(js[keep], ref[keep], what=f"discretizedProbs C={num_classes}")
    assert np.all(js[~keep] < 1e-280)
    assert abs(js.sum() - 1.0) < 1e-12
    # a window of bins equals the same slice of the full table
    lo, hi = num_classes // 3, num_classes // 3 + min(40, num_classes - num_classes // 3 - 1)
    part = np.asarray(bridge.node_call("discretizedProbs", pi, mu, s, num_classes, lo, hi))
    np.testing.assert_array_equal(part, js[lo : hi + 1])


def test_interval_mass_equals_sum_of_bin_masses():
    """mixture.intervalMass over interior bins a..b equals the sum of their molviz bin masses."""
    pi, mu, s = [0.5, 0.5], [-0.9, 0.3], [math.exp(-3.5), math.exp(-2.5)]
    c = 65536
    ref = M.discretized_mixture_probs(pi, mu, s, c)
    h = 1.0 / (c - 1)
    spans = [(1, 209), (3000, 3999), (30000, 40000), (60000, 65534), (5, 5)]
    calls = [
        {
            "op": "call",
            "fn": "mixture.intervalMass",
            "args": [-1 + 2 * a / (c - 1) - h, -1 + 2 * b / (c - 1) + h, pi, mu, s],
        }
        for a, b in spans
    ]
    out = bridge.node_calls(calls)
    assert_close(out, [ref[a : b + 1].sum() for a, b in spans], rtol=1e-12, what="intervalMass")


# Narrow spans of the 16-bit grid (pairs of bin indices a..b), where the difference of two nearly
# equal CDF values would cancel: single bins far in a tail (in the right tail both CDFs round to
# about 1.0), single bins at the centre of a wide component (a bin holds 1e-5 of the mass, so
# F(hi) - F(lo) keeps only ~5 of the 16 digits), and a pixel column of 200 bins in a tail.
NARROW_SPAN_CASES = [
    # (pi, mu, s, spans)
    ([0.7, 0.3], [-0.9, -0.5], [0.03, 0.05], [(65530, 65530), (65400, 65400), (65300, 65499)]),
    ([0.7, 0.3], [0.9, 0.5], [0.03, 0.05], [(5, 5), (135, 135), (36, 235)]),
    ([1.0], [0.3], [1.0], [(42597, 42597), (42598, 42598), (42600, 42600), (50000, 50000)]),
    ([0.5, 0.5], [-0.2, 0.1], [math.e, 0.001], [(26214, 26214), (29000, 29000), (60000, 60000)]),
]
# the cancelling form P = Σ_k π_k (F_k(hi) - F_k(lo)), in place of explorer.js's product form
NAIVE_SPAN_MASS = [
    (
        "acc += M.pi[k] * expit((hi - M.mu[k]) / sk) * expit(-(lo - M.mu[k]) / sk) "
        "* -Math.expm1(-(hi - lo) / sk);",
        "acc += M.pi[k] * (expit((hi - M.mu[k]) / sk) - expit((lo - M.mu[k]) / sk));",
    )
]


def _span_edges(a, b, c=65536):
    """(lo, hi) = (c_a - h, c_b + h) in float64, formed as the discretized explorer forms them."""
    h = 1.0 / (c - 1)
    return -1 + (2 * a) / (c - 1) - h, -1 + (2 * b) / (c - 1) + h


def _interval_mass_mp(lo, hi, pi, mu, s):
    """P(lo < x < hi) = Σ_k π_k (F_k(hi) - F_k(lo)) in 400-digit arithmetic from the float64 inputs
    (enough for the difference of two CDF values within e^-800 of 1)."""
    with mpmath.workdps(400):

        def cdf(x, m, sc):
            return 1 / (1 + mpmath.exp(-(mpmath.mpf(x) - mpmath.mpf(m)) / mpmath.mpf(sc)))

        terms = [
            mpmath.mpf(p) * (cdf(hi, m, sc) - cdf(lo, m, sc))
            for p, m, sc in zip(pi, mu, s, strict=True)
        ]
        return float(mpmath.fsum(terms))


def test_interval_mass_of_narrow_spans_has_no_cancellation():
    """mixture.intervalMass over single 16-bit bins in the tails and at the centre of a wide
    component equals a 400-digit reference to 1e-12 relative; the naive difference of two CDFs
    does not (checked here on a mutated copy of explorer.js, so this test can fail)."""
    calls, refs = [], []
    for pi, mu, s, spans in NARROW_SPAN_CASES:
        for a, b in spans:
            lo, hi = _span_edges(a, b)
            calls.append({"op": "call", "fn": "mixture.intervalMass", "args": [lo, hi, pi, mu, s]})
            refs.append(_interval_mass_mp(lo, hi, pi, mu, s))
    refs = np.asarray(refs)
    assert np.all(refs > 1e-300), refs  # normal numbers: a relative comparison is meaningful
    assert refs.min() < 1e-15 and refs.max() < 1e-4  # tails and single bins were reached
    assert_close(bridge.node_calls(calls), refs, rtol=1e-12, what="intervalMass, narrow spans")
    naive = np.asarray(bridge.node_calls(calls, mutations=NAIVE_SPAN_MASS))
    worst = float(np.max(np.abs(naive - refs) / refs))
    assert worst > 1e-9, f"the naive form came within {worst:.2g} of the reference"


def test_bin_centers_match_molviz():
    for c in (2, 256, 65536):
        k = np.arange(c)
        js = bridge.node_map("binCenter", k, c)
        assert_close(js, M.bin_centers(c), what=f"binCenter C={c}")


@pytest.mark.parametrize("eps", [1e-7, 1e-5, 1e-3, 0.1, 0.49])
def test_clip_bounds_match_molviz(eps):
    tb, gb = bridge.node_calls(
        [
            {"op": "call", "fn": "truncationBound", "args": [eps]},
            {"op": "call", "fn": "gumbelBounds", "args": [eps]},
        ]
    )
    assert_close(tb, S.truncation_bound(eps), what="truncationBound")
    assert_close(gb, S.gumbel_bounds(eps), what="gumbelBounds")


def test_transforms_of_uniforms_match_numpy():
    """x = μ + s (log u - log(1 - u)) and g = -log(-log u), written independently here in numpy."""
    u = np.array([1e-5, 1e-3, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 0.999, 1 - 1e-5])
    mu, s = 1.25, 0.7
    x_js, g_js = bridge.node_calls(
        [
            {"op": "map", "fn": "logisticFromUniform", "xs": u.tolist(), "args": [mu, s]},
            {"op": "map", "fn": "gumbelFromUniform", "xs": u.tolist()},
        ]
    )
    assert_close(x_js, mu + s * (np.log(u) - np.log1p(-u)), what="logisticFromUniform")
    assert_close(g_js, -np.log(-np.log(u)), what="gumbelFromUniform")


@pytest.mark.parametrize(
    ("fn", "args", "error", "text"),
    [
        ("logistic.cdf", [0.0, 0.0, -1.0], "RangeError", "s must be > 0"),
        ("logistic.pdf", [0.0, float("inf"), 1.0], "RangeError", "mu must be finite"),
        ("logistic.quantile", [1.5, 0.0, 1.0], "RangeError", "q must be in [0, 1]"),
        ("mixture.pdf", [0.0, [0.5, 0.6], [0.0, 1.0], [1.0, 1.0]], "RangeError", "sum to 1"),
        ("mixture.pdf", [0.0, [0.5, 0.5], [0.0], [1.0, 1.0]], "RangeError", "same length K"),
        ("mixture.cdf", [0.0, [1.0], [0.0], [0.0]], "RangeError", "s[0] must be > 0"),
        ("mixture.cdf", ["a", [1.0], [0.0], [1.0]], "TypeError", "x must be a number"),
        ("softmax", [[]], "RangeError", "at least one"),
        ("discretizedProbs", [[1.0], [0.0], [1.0], 1], "RangeError", "numClasses"),
        ("makeRng", [-1], "RangeError", "seed must be an integer"),
        ("makeRng", [0.5], "RangeError", "seed must be an integer"),
        ("truncationBound", [0.5], "RangeError", "eps must be in (0, 0.5)"),
    ],
)
def test_bad_arguments_throw_named_errors(fn, args, error, text):
    (out,) = bridge.node_calls([{"op": "error", "fn": fn, "args": args}])
    assert out is not None, f"{fn}{tuple(args)} did not throw"
    assert out["name"] == error
    assert text in out["message"]


def test_quantile_edges_are_infinite():
    out = bridge.node_calls(
        [
            {"op": "map", "fn": "logistic.quantile", "xs": [0.0, 1.0], "args": [0.0, 1.0]},
            {
                "op": "map",
                "fn": "mixture.quantile",
                "xs": [0.0, 1.0],
                "args": [[0.5, 0.5], [0.0, 1.0], [1.0, 2.0]],
            },
        ]
    )
    assert out == [[float("-inf"), float("inf")]] * 2
