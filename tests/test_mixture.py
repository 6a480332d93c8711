"""Tests of molviz.mixture: densities, CDF, quantile and discretized bin probabilities.

References are scipy.stats.logistic, scipy.integrate.quad, scipy.optimize.brentq, a 40-digit
mpmath evaluation, and straightforward sums written here.  All tests are deterministic (fixed
seeds), so there are no false failures.
"""

import math

import mpmath
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st
import torch
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy.integrate import quad
from scipy.optimize import brentq

from molviz.logistic import (
    logistic_cdf,
    logistic_logpdf,
    logistic_pdf,
    logistic_ppf,
    logistic_sf,
)
from molviz.mixture import (
    bin_centers,
    discretized_mixture_log_probs,
    discretized_mixture_probs,
    log_softmax,
    mixture_cdf,
    mixture_logcdf,
    mixture_logpdf,
    mixture_logsf,
    mixture_pdf,
    mixture_ppf,
    mixture_sf,
    softmax,
)

RTOL = 1e-12

PARAMS = [
    # (π, μ, s)
    (np.array([0.2, 0.5, 0.3]), np.array([-1.0, 0.0, 3.0]), np.array([0.1, 1.0, 2.0])),
    (np.array([0.5, 0.5]), np.array([-40.0, 40.0]), np.array([0.05, 0.05])),
    (np.array([0.7, 0.0, 0.3]), np.array([0.1, 5.0, -0.2]), np.exp([-5.0, 0.0, -3.0])),
    (np.array([1.0]), np.array([0.4]), np.array([0.3])),
]


# ------------------------------------------------------------- independent references


def ref_cdf(x, pi, mu, s):
    """Straightforward Σ_k π_k / (1 + exp(-(x - μ_k)/s_k)) (fine for |z| < 700)."""
    x = np.asarray(x, dtype=float)[..., None]
    with np.errstate(over="ignore"):  # exp(-z) = inf gives the correct 0
        return np.sum(pi / (1.0 + np.exp(-(x - mu) / s)), axis=-1)


def ref_logpdf(x, pi, mu, s):
    """logsumexp of scipy's component log-densities plus log-weights."""
    x = np.asarray(x, dtype=float)[..., None]
    with np.errstate(divide="ignore"):
        return sc.logsumexp(st.logistic.logpdf(x, mu, s) + np.log(pi), axis=-1)


def ref_bin_probs(pi, mu, s, n):
    """Naive cdf differences at the bin edges, edge bins to ±inf (scipy's cdf)."""
    c = -1.0 + 2.0 * np.arange(n) / (n - 1)
    h = 1.0 / (n - 1)
    edges_hi = np.append(c[:-1] + h, np.inf)
    edges_lo = np.insert(c[1:] - h, 0, -np.inf)
    hi = st.logistic.cdf(edges_hi[:, None], mu, s)  # (N, K)
    lo = st.logistic.cdf(edges_lo[:, None], mu, s)  # (N, K)
    return (hi - lo) @ pi  # (N,)


# ------------------------------------------------------------- softmax


def test_softmax_and_log_softmax():
    a = np.array([[0.0, 1.0, 2.0], [1000.0, -2000.0, 999.0], [-np.inf, 0.0, 3.0]])
    p = softmax(a)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(p, e / e.sum(axis=-1, keepdims=True), rtol=RTOL)
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-15)
    lp = log_softmax(a)
    assert lp[1, 1] == pytest.approx(-3000.0 - math.log1p(math.exp(-1.0)), rel=RTOL)
    assert lp[2, 0] == -np.inf
    np.testing.assert_allclose(softmax(a.T, axis=0), p.T, rtol=RTOL)


# ------------------------------------------------------------- density and CDF


@pytest.mark.parametrize("params", PARAMS)
def test_logpdf_pdf_match_reference(params):
    pi, mu, s = params
    x = np.concatenate([np.linspace(-60, 60, 2001), [-1e4, 1e4, 1e8]])
    np.testing.assert_allclose(mixture_logpdf(x, pi, mu, s), ref_logpdf(x, pi, mu, s), rtol=RTOL)
    ref = np.exp(ref_logpdf(x, pi, mu, s))
    np.testing.assert_allclose(mixture_pdf(x, pi, mu, s), ref, rtol=1e-11, atol=0)
    assert np.all(np.isfinite(mixture_logpdf(x, pi, mu, s)))


@pytest.mark.parametrize("params", PARAMS)
def test_cdf_sf_match_straightforward_sum(params):
    pi, mu, s = params
    x = np.linspace(-30, 30, 1201)
    np.testing.assert_allclose(mixture_cdf(x, pi, mu, s), ref_cdf(x, pi, mu, s), rtol=1e-13)
    # sf = Σ π σ(-z): compare with the straightforward sum at mirrored arguments
    np.testing.assert_allclose(mixture_sf(x, pi, mu, s), ref_cdf(-x, pi, -mu, s), rtol=1e-13)
    np.testing.assert_allclose(
        mixture_cdf(x, pi, mu, s) + mixture_sf(x, pi, mu, s), 1.0, rtol=0, atol=4e-16
    )


@pytest.mark.parametrize("params", PARAMS[:3])
def test_log_cdf_sf_in_far_tails(params):
    pi, mu, s = params
    x = np.array([-1e4, -2e3, -100.0])
    # far left: log F = logsumexp(log π + log σ(z)), computed in mpmath
    for xi, got in zip(x, mixture_logcdf(x, pi, mu, s), strict=True):
        ref = mpmath.log(
            sum(
                mpmath.mpf(p) / (1 + mpmath.exp(-(mpmath.mpf(xi) - m) / si))
                for p, m, si in zip(pi, mu, s, strict=True)
            )
        )
        assert got == pytest.approx(float(ref), rel=RTOL)
    for xi, got in zip(-x, mixture_logsf(-x, pi, mu, s), strict=True):
        ref = mpmath.log(
            sum(
                mpmath.mpf(p) / (1 + mpmath.exp((mpmath.mpf(xi) - m) / si))
                for p, m, si in zip(pi, mu, s, strict=True)
            )
        )
        assert got == pytest.approx(float(ref), rel=RTOL)


@pytest.mark.parametrize("params", PARAMS)
def test_pdf_integrates_to_one(params):
    pi, mu, s = params
    lo, hi = float(np.min(mu - 50 * s)), float(np.max(mu + 50 * s))
    brk = sorted(set(np.round(np.concatenate([mu - 3 * s, mu, mu + 3 * s]), 12)))

    def f(t):
        return float(mixture_pdf(t, pi, mu, s))

    inner, _ = quad(f, lo, hi, points=brk, limit=500, epsabs=1e-13, epsrel=1e-13)
    left, _ = quad(f, -np.inf, lo)
    right, _ = quad(f, hi, np.inf)
    assert inner + left + right == pytest.approx(1.0, abs=1e-9)


def test_k1_reduces_to_logistic():
    x = np.linspace(-40, 40, 801)
    mu, s = 0.7, 1.3
    one = (np.array([1.0]), np.array([mu]), np.array([s]))
    np.testing.assert_allclose(mixture_logpdf(x, *one), logistic_logpdf(x, mu, s), rtol=1e-15)
    np.testing.assert_allclose(mixture_pdf(x, *one), logistic_pdf(x, mu, s), rtol=1e-15)
    np.testing.assert_allclose(mixture_cdf(x, *one), logistic_cdf(x, mu, s), rtol=1e-15)
    np.testing.assert_allclose(mixture_sf(x, *one), logistic_sf(x, mu, s), rtol=1e-15)
    q = np.linspace(0.001, 0.999, 999)
    np.testing.assert_array_equal(mixture_ppf(q, *one), logistic_ppf(q, mu, s))


def test_float32_softmax_weights_are_accepted_and_renormalized():
    """Weights from a float32 softmax (torch or scipy) are off by up to a few float32 ulp
    (~1e-7, above the float64 tolerance 1e-8); they are accepted as passed and used
    renormalized in float64: the result equals the straightforward sum with π / Σπ."""
    x = np.linspace(-4.0, 4.0, 9)
    worst = 0.0
    for k in (2, 7, 64, 1024):
        mu = np.linspace(-2.0, 2.0, k)
        s = np.full(k, 0.5)
        for seed in range(10):
            a = torch.randn(k, generator=torch.Generator().manual_seed(seed)) * (1 + seed)
            for pi32 in (torch.softmax(a, 0), sc.softmax(a.numpy())):
                pi = np.asarray(pi32, dtype=np.float64)
                err = abs(pi.sum() - 1.0)
                worst = max(worst, err)
                pi_n = pi / pi.sum()
                ref_pdf = np.sum(pi_n * st.logistic.pdf(x[:, None], mu, s), axis=-1)
                np.testing.assert_allclose(mixture_pdf(x, pi32, mu, s), ref_pdf, rtol=1e-13)
                # renormalized: the CDF reaches 1 to float64 rounding, not Σπ = 1 ± 1e-7
                assert abs(mixture_cdf(np.inf, pi32, mu, s) - 1.0) <= 4 * k * 2.3e-16
                assert mixture_logsf(-np.inf, pi32, mu, s) <= 0.0
    assert worst > 1e-8  # some of these really fail the float64 tolerance


def test_derivative_of_cdf_is_pdf():
    """Central difference with the step actually taken; bound as in test_logistic
    (truncation ~h² max|F'''|, rounding ~ulp(1)/h, here h = 1e-6 and min s = 0.1)."""
    pi, mu, s = PARAMS[0]
    x = np.linspace(-5, 8, 1301)
    xp, xm = x + 1e-6, x - 1e-6
    num = (mixture_cdf(xp, pi, mu, s) - mixture_cdf(xm, pi, mu, s)) / (xp - xm)
    mid = xm + 0.5 * (xp - xm)
    np.testing.assert_allclose(num, mixture_pdf(mid, pi, mu, s), rtol=0, atol=1e-9)


def test_batched_shapes_broadcast_like_the_vocoder_layout():
    rng = np.random.default_rng(3)
    B, T, K = 2, 5, 4
    pi = softmax(rng.normal(size=(B, T, K)))
    mu = rng.normal(size=(B, T, K))
    s = np.exp(rng.normal(size=(B, T, K)) - 1)
    x = rng.uniform(-1, 1, size=(B, T))
    got = mixture_logpdf(x, pi, mu, s)
    assert got.shape == (B, T)
    for b in range(B):
        for t in range(T):
            assert got[b, t] == pytest.approx(
                float(ref_logpdf(x[b, t], pi[b, t], mu[b, t], s[b, t])), rel=RTOL
            )
    # (K,) parameters against a grid of any shape
    grid = np.zeros((3, 7))
    assert mixture_cdf(grid, pi[0, 0], mu[0, 0], s[0, 0]).shape == (3, 7)
    # shared weights (K,) with per-position components (B, T, K)
    assert mixture_cdf(x, pi[0, 0], mu, s).shape == (B, T)


# ------------------------------------------------------------- quantile


@pytest.mark.parametrize("params", PARAMS)
def test_ppf_brackets_the_root_within_tol(params):
    """The answer x satisfies F(x - tol) <= q <= F(x + tol), checked with the independent sum
    (in the upper half with the survival function, where F rounds to 1)."""
    pi, mu, s = params
    tol = 1e-10
    rng = np.random.default_rng(4)
    q = np.concatenate([rng.uniform(size=500), [1e-12, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-12]])
    x = mixture_ppf(q, pi, mu, s, tol=tol)
    # spacing of doubles near x adds at most one ulp to the guarantee
    slack = tol + np.spacing(np.abs(x))
    lower = q < 0.5
    assert np.all(ref_cdf(x[lower] - slack[lower], pi, mu, s) <= q[lower])
    assert np.all(ref_cdf(x[lower] + slack[lower], pi, mu, s) >= q[lower])
    up = ~lower
    assert np.all(ref_cdf(-(x[up] - slack[up]), pi, -mu, s) >= 1 - q[up])
    assert np.all(ref_cdf(-(x[up] + slack[up]), pi, -mu, s) <= 1 - q[up])


def test_ppf_agrees_with_brentq():
    pi, mu, s = PARAMS[0]
    for q in [1e-8, 0.01, 0.2, 0.5, 0.77, 0.999]:
        root = brentq(lambda t, q=q: ref_cdf(t, pi, mu, s) - q, -100, 100, xtol=1e-14)
        assert float(mixture_ppf(q, pi, mu, s)) == pytest.approx(root, abs=1e-10)


def test_ppf_far_tails_and_separated_components():
    # weights 1/2 at ±1e4 with very different scales: the quantile crosses a huge flat gap
    pi, mu, s = np.array([0.5, 0.5]), np.array([-1e4, 1e4]), np.array([1e-8, 1.0])
    q = np.array([1e-300, 1e-20, 0.25, 0.75, 1 - 1e-16])
    x = mixture_ppf(q, pi, mu, s)
    assert np.all(np.isfinite(x)) and np.all(np.diff(x) > 0)
    # in the far left tail only component 0 matters: q = ½ σ(z) → z = logit(2q)
    assert x[0] == pytest.approx(-1e4 + 1e-8 * math.log(2e-300), abs=1e-10)
    # upper quartile: ½ + ½ σ(z1) = ¾ → z1 = 0
    assert x[3] == pytest.approx(1e4, abs=1e-10)
    # tolerance: a looser tol is honoured as an absolute bound
    loose = mixture_ppf(0.3, PARAMS[0][0], PARAMS[0][1], PARAMS[0][2], tol=1e-3)
    tight = mixture_ppf(0.3, PARAMS[0][0], PARAMS[0][1], PARAMS[0][2], tol=1e-12)
    assert abs(loose - tight) <= 1e-3


def test_ppf_shapes_broadcast():
    rng = np.random.default_rng(5)
    pi = softmax(rng.normal(size=(3, 4)))
    mu, s = rng.normal(size=(3, 4)), np.exp(rng.normal(size=(3, 4)))
    q = rng.uniform(size=(2, 3))
    x = mixture_ppf(q, pi, mu, s)
    assert x.shape == (2, 3)
    np.testing.assert_allclose(mixture_cdf(x, pi, mu, s), q, rtol=1e-8)
    assert np.ndim(mixture_ppf(0.5, pi[0], mu[0], s[0])) == 0


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    hs.lists(hs.floats(-3000, 3000), min_size=3, max_size=3),
    hs.lists(hs.floats(-5, 5), min_size=3, max_size=3),
    hs.lists(hs.floats(-20, 3), min_size=3, max_size=3),
    hs.floats(1e-300, 0.5),
    hs.floats(1e-16, 0.5),
)
def test_ppf_cdf_finite_and_monotone_property(logits, mu, log_s, q1, r2):
    """Logits spread in the thousands, log-scales -20..3: everything finite and monotone."""
    pi, mu, s = softmax(np.array(logits)), np.array(mu), np.exp(np.array(log_s))
    q = np.array([q1, 0.5, 1.0 - r2])
    x = mixture_ppf(q, pi, mu, s)
    # each answer is within tol of the (monotone) exact quantile, so the computed ppf is
    # non-decreasing up to 2·tol (plus a spacing of doubles)
    slack = 2e-10 + 2 * np.spacing(np.abs(x[1:]))
    assert np.all(np.isfinite(x)) and np.all(np.diff(x) >= -slack)
    grid = np.array([-1e4, -1.0, 0.0, 1.0, 1e4])
    c = mixture_cdf(grid, pi, mu, s)
    assert np.all(np.diff(c) >= 0) and np.all((c >= 0) & (c <= 1))
    assert np.all(np.isfinite(mixture_logpdf(grid, pi, mu, s)))
    assert np.all(np.isfinite(mixture_logcdf(grid[1:-1], pi, mu, s)))


# ------------------------------------------------------------- discretization


def test_bin_centers():
    for n in [2, 3, 256, 65536]:
        c = bin_centers(n)
        assert c.shape == (n,) and c[0] == -1.0 and c[-1] == 1.0
        np.testing.assert_allclose(np.diff(c), 2.0 / (n - 1), rtol=1e-9)
    # 8-bit grid as the vocoder's targets: (2k / 255) - 1
    np.testing.assert_allclose(bin_centers(256), np.arange(256) * 2.0 / 255 - 1.0, atol=1e-15)


@pytest.mark.parametrize("n", [2, 256, 65536])
@pytest.mark.parametrize("params", PARAMS)
def test_discretized_probs_equal_cdf_differences(params, n):
    """Against naive differences of scipy's cdf.  Each naive difference has absolute rounding
    error <= 2 ulp(1) = 4.4e-16 per component, so 1e-15 absolute is a sound bound."""
    pi, mu, s = params
    p = discretized_mixture_probs(pi, mu, s, n)
    assert p.shape == (n,) and np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-13)
    np.testing.assert_allclose(p, ref_bin_probs(pi, mu, s, n), rtol=0, atol=1e-15)


def test_discretized_probs_relative_accuracy_in_tails():
    """Far-tail bins, where naive cdf differences cancel to 0 or noise: compare with a 40-digit
    evaluation of the same differences."""
    mpmath.mp.dps = 40
    pi, mu, s = np.array([0.6, 0.4]), np.array([-0.9, 0.5]), np.array([0.01, 0.002])
    n = 65536
    p = discretized_mixture_probs(pi, mu, s, n)
    h = mpmath.mpf(1) / (n - 1)

    def exact(j):
        c = -1 + 2 * mpmath.mpf(j) / (n - 1)

        def cdf(x, m, sc_):
            return 1 / (1 + mpmath.exp(-(x - mpmath.mpf(m)) / mpmath.mpf(sc_)))

        tot = 0
        for w, m, sc_ in zip(pi, mu, s, strict=True):
            hi = 1 if j == n - 1 else cdf(c + h, m, sc_)
            lo = 0 if j == 0 else cdf(c - h, m, sc_)
            tot += mpmath.mpf(w) * (hi - lo)
        return tot

    for j in [0, 1, 2, 100, 3000, 32767, 40000, 55000, 65534, 65535]:
        assert p[j] == pytest.approx(float(exact(j)), rel=1e-11), j
    logp = discretized_mixture_log_probs(pi, mu, s, n)
    assert np.all(np.isfinite(logp))


def test_discretized_probs_batched_and_extreme():
    rng = np.random.default_rng(6)
    B, T, K = 2, 3, 5
    logits = rng.normal(size=(B, T, K)) * 1000  # spread in the thousands
    pi = softmax(logits)
    mu = rng.normal(size=(B, T, K)) * 3  # means beyond ±1
    s = np.exp(rng.uniform(-20, 3, size=(B, T, K)))
    p = discretized_mixture_probs(pi, mu, s, 256)
    assert p.shape == (B, T, 256)
    np.testing.assert_allclose(p.sum(-1), 1.0, atol=1e-13)
    for b in range(B):
        for t in range(T):
            ref = ref_bin_probs(pi[b, t], mu[b, t], s[b, t], 256)
            np.testing.assert_allclose(p[b, t], ref, atol=1e-15)
    logp = discretized_mixture_log_probs(pi, mu, s, 256)
    assert not np.any(np.isnan(logp)) and np.all(logp <= 0)
    # one tiny-scale component sitting on a bin centre puts all its mass in that bin
    one = discretized_mixture_probs(np.array([1.0]), np.array([bin_centers(256)[77]]), [1e-9], 256)
    assert one[77] == pytest.approx(1.0, abs=1e-15)
