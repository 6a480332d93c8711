"""Tests of molviz.gumbel: the standard Gumbel functions and the clipped Gumbel-max law.

References
----------
* The Gumbel functions are compared with ``scipy.stats.gumbel_r``.
* ``gumbel_max_probs`` (a quadrature over the winner's perturbed logit) is compared with an
  exact closed form derived independently in this file, in the *uniform* variable and
  evaluated with mpmath at 60 digits.  Component k wins iff a_k + G(u_k) > a_j + G(u_j) for all
  j, with G(u) = -log(-log u); since G(u_j) < G(v) + a_k - a_j ⇔ u_j < v^r_j with
  r_j = exp(a_j - a_k), conditioning on u_k = v gives::

      P_ε(k) = (1 - 2ε)^-K ∫_ε^{1-ε} Π_{j≠k} clip(v^r_j - ε, 0, 1 - 2ε) dv.

  Between the kinks v = ε^(1/r_j) and v = (1 - ε)^(1/r_j) the product is a polynomial in
  powers of v, which integrates in closed form (inclusion–exclusion over the factors).

Statistical tests and their false-failure rate
----------------------------------------------
The simulation test draws 40 million clipped Gumbel-max choices for logits (0, -6, -8, -10)
with numpy (float64, fixed seed) and applies Pearson's chi-square test against the exact law
at α = 1e-3 (a correct implementation fails with probability 1e-3 for a new seed).  Its power
is shown on the same counts: softmax, which differs from the clipped law by 20 % at gap 10 and
3 % at gap 8, must be rejected at p < 1e-6 (noncentrality ≈ 84 on 3 degrees of freedom, so
this holds for all but about 1e-4 of seeds).  A second, smaller check runs
``molviz.gumbel_max`` itself (torch, float64) at α = 1e-3.  Measured p-values are printed with
``pytest -s``.
"""

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as st
import torch
from scipy.special import softmax as sp_softmax

from molviz.gumbel import (
    gumbel_cdf,
    gumbel_logpdf,
    gumbel_max_probs,
    gumbel_pdf,
    gumbel_ppf,
    gumbel_sf,
)
from molviz.sampling import gumbel_bounds, gumbel_max

ALPHA = 1e-3


def clipped_law_mpmath(logits, eps, dps=60):
    """Exact P_ε(k) from the closed form in the module docstring (a list of mpf)."""
    with mp.workdps(dps):
        e = mp.mpf(eps)
        a = [mp.mpf(float(x)) for x in logits]
        n = len(a)
        out = []
        for k in range(n):
            r = [mp.exp(a[j] - a[k]) for j in range(n) if j != k]
            zero_below = [e ** (1 / rj) for rj in r]  # factor j is 0 for v below this
            sat_above = [(1 - e) ** (1 / rj) for rj in r]  # ... and 1 - 2ε above this
            start, end = max([e, *zero_below]), 1 - e
            if start >= end:
                out.append(mp.mpf(0))
                continue
            kinks = [p for p in zero_below + sat_above if start < p < end]
            pts = sorted({start, end, *kinks})
            total = mp.mpf(0)
            for p, q in itertools.pairwise(pts):
                vm = (p + q) / 2
                active = [j for j in range(n - 1) if vm < sat_above[j]]
                n_sat = (n - 1) - len(active)
                piece = mp.mpf(0)
                for subset in itertools.product((0, 1), repeat=len(active)):
                    power = sum(r[j] for j, s in zip(active, subset, strict=True) if s)
                    n_eps = len(active) - sum(subset)
                    piece += (-e) ** n_eps * (q ** (power + 1) - p ** (power + 1)) / (power + 1)
                total += (1 - 2 * e) ** n_sat * piece
            out.append(total / (1 - 2 * e) ** n)
        return out


def simulate_counts(logits, eps, n, seed, chunk=2_000_000):
    """Counts of argmax(a + G(u)), u ~ U(ε, 1-ε) in float64 numpy (independent of molviz)."""
    rng = np.random.default_rng(seed)
    a = np.asarray(logits, dtype=np.float64)
    counts = np.zeros(a.size, dtype=np.int64)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        u = rng.uniform(eps, 1.0 - eps, size=(m, a.size))
        counts += np.bincount(np.argmax(a - np.log(-np.log(u)), axis=1), minlength=a.size)
    return counts


# --------------------------------------------------------------------------------------
# the standard Gumbel functions
# --------------------------------------------------------------------------------------

G_GRID = np.concatenate([np.linspace(-6, 40, 461), [-30.0, -20.0, -3.7, 0.0, 100.0, 700.0]])


def test_gumbel_functions_match_scipy():
    ref = st.gumbel_r
    np.testing.assert_allclose(gumbel_logpdf(G_GRID), ref.logpdf(G_GRID), rtol=1e-13, atol=0)
    np.testing.assert_allclose(gumbel_pdf(G_GRID), ref.pdf(G_GRID), rtol=1e-12, atol=0)
    np.testing.assert_allclose(gumbel_cdf(G_GRID), ref.cdf(G_GRID), rtol=1e-13, atol=0)
    np.testing.assert_allclose(gumbel_sf(G_GRID), ref.sf(G_GRID), rtol=1e-13, atol=0)
    q = np.concatenate([np.logspace(-300, -1, 60), np.linspace(0.05, 0.95, 19), [1 - 1e-12]])
    np.testing.assert_allclose(gumbel_ppf(q), ref.ppf(q), rtol=1e-13, atol=1e-15)


def test_gumbel_known_values_from_the_formulas():
    # F(0) = exp(-1), f(0) = exp(-1), F⁻¹(exp(-1)) = 0, F⁻¹(1/2) = -log(log 2)
    assert gumbel_cdf(0.0) == pytest.approx(math.exp(-1), rel=1e-15)
    assert gumbel_pdf(0.0) == pytest.approx(math.exp(-1), rel=1e-15)
    assert abs(gumbel_ppf(math.exp(-1))) < 1e-15
    assert gumbel_ppf(0.5) == pytest.approx(-math.log(math.log(2)), rel=1e-15)
    # Upper tail: S(g) ≈ exp(-g) where 1 - F(g) is 0 in float64
    assert gumbel_sf(50.0) == pytest.approx(math.exp(-50.0), rel=1e-15)
    assert 1.0 - gumbel_cdf(50.0) == 0.0


def test_gumbel_ppf_inverts_cdf_and_pdf_is_derivative():
    g = np.linspace(-3, 12, 301)  # beyond, F(g) is within 1e-5 of 1 and loses digits
    np.testing.assert_allclose(gumbel_ppf(gumbel_cdf(g)), g, rtol=0, atol=1e-10)
    g = np.linspace(-3, 30, 331)
    h = 1e-6
    # d/dg F = f, differenced on F below 0 and on -S above (each where it keeps its digits)
    deriv = np.where(
        g < 0,
        (gumbel_cdf(g + h) - gumbel_cdf(g - h)) / (2 * h),
        (gumbel_sf(g - h) - gumbel_sf(g + h)) / (2 * h),
    )
    np.testing.assert_allclose(deriv, gumbel_pdf(g), rtol=1e-7, atol=0)


def test_gumbel_extremes_are_finite_limits_not_nan():
    g = np.array([-np.inf, -1000.0, -710.0, 1e300, np.inf])
    with np.errstate(invalid="raise", divide="raise"):
        lp, cdf, sf = gumbel_logpdf(g), gumbel_cdf(g), gumbel_sf(g)
    assert not np.isnan(lp).any() and not np.isnan(cdf).any() and not np.isnan(sf).any()
    assert lp[0] == -np.inf and lp[1] == -np.inf and lp[-1] == -np.inf
    np.testing.assert_array_equal(cdf[[0, 1, -1]], [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(sf[[0, 1, -1]], [1.0, 1.0, 0.0])


def test_gumbel_bad_input():
    with pytest.raises(ValueError, match="g must not contain NaN"):
        gumbel_cdf([0.0, math.nan])
    with pytest.raises(TypeError, match="g must be a real number"):
        gumbel_logpdf("1.0")
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"q must lie in the open interval \(0, 1\)"):
            gumbel_ppf([0.5, bad])


# --------------------------------------------------------------------------------------
# gumbel_max_probs
# --------------------------------------------------------------------------------------

REFERENCE_CASES = [
    ([0.0, -0.5], 1e-5),
    ([0.0, -6.0], 1e-5),
    ([0.0, -10.0], 1e-5),
    ([0.0, -13.9], 1e-5),
    ([1.5, 1.0, 0.2, -0.5], 1e-5),
    ([0.0, -6.0, -8.0, -10.0], 1e-5),
    ([2.0, 1.2, 0.5, -3.0], 1e-3),
    ([0.0, 0.0, 0.0], 0.3),
    ([3.0, -2.0, -9.5], 1e-8),
    ([0.0, -4.0, -16.0, -30.0], 1e-10),
]


@pytest.mark.parametrize(("logits", "eps"), REFERENCE_CASES)
def test_gumbel_max_probs_matches_exact_closed_form(logits, eps):
    got = gumbel_max_probs(logits, eps)
    ref = np.array([float(p) for p in clipped_law_mpmath(logits, eps)])
    assert got.shape == (len(logits),)
    np.testing.assert_array_equal(got[ref == 0], 0.0)
    np.testing.assert_allclose(got[ref > 0], ref[ref > 0], rtol=1e-13, atol=0)


def test_gumbel_max_probs_tends_to_softmax():
    rng = np.random.default_rng(7)
    a = rng.normal(0.0, 3.0, size=(20, 6))
    for eps in (1e-15, 1e-14):
        np.testing.assert_allclose(gumbel_max_probs(a, eps), sp_softmax(a, axis=-1), atol=1e-12)
    # ...while at the vocoder's ε the difference is measurable for rare components
    p = gumbel_max_probs([0.0, -10.0])[1]
    assert p < 0.85 * sp_softmax([0.0, -10.0])[1]


def test_gumbel_max_probs_sum_to_one_and_broadcast():
    rng = np.random.default_rng(3)
    a = rng.normal(0.0, 5.0, size=(3, 4, 7))
    a[0, 0, 2] = -np.inf
    a[1, 2, :3] = -np.inf
    p = gumbel_max_probs(a)
    assert p.shape == a.shape and p.dtype == np.float64
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-13)
    assert p[0, 0, 2] == 0.0 and (p[1, 2, :3] == 0.0).all()
    # each row equals the result for that row alone
    np.testing.assert_allclose(p[2, 1], gumbel_max_probs(a[2, 1]), rtol=1e-15, atol=0)
    # a shift of all logits changes nothing
    np.testing.assert_allclose(gumbel_max_probs(a + 123.25), p, rtol=1e-12, atol=1e-300)
    # K = 1 and empty batches
    np.testing.assert_allclose(gumbel_max_probs([[0.3], [-2.0]]), [[1.0], [1.0]], rtol=1e-14)
    assert gumbel_max_probs(np.zeros((0, 3))).shape == (0, 3)


def test_gumbel_max_probs_cliff_is_exactly_zero():
    lo, hi = gumbel_bounds(1e-5)
    width = hi - lo
    assert round(width, 3) == 13.956
    just_beyond = [0.0, -(width + 1e-9), -20.0, -1e6]
    p = gumbel_max_probs(just_beyond)
    np.testing.assert_array_equal(p[1:], 0.0)
    assert p[0] == pytest.approx(1.0, rel=1e-14)
    # just inside the cliff the probability is positive (and tiny)
    inside = gumbel_max_probs([0.0, -(width - 0.01)])[1]
    assert 0.0 < inside < 1e-12
    # with several components, each is compared with the top logit
    p = gumbel_max_probs([0.0, -13.0, -14.5, -3.0])
    assert p[1] > 0 and p[2] == 0.0


def test_gumbel_max_probs_matches_simulation():
    logits = [0.0, -6.0, -8.0, -10.0]
    n = 40_000_000
    counts = simulate_counts(logits, 1e-5, n, seed=2024)
    p_exact = gumbel_max_probs(logits)
    p_clip = st.chisquare(counts, n * p_exact).pvalue
    p_soft = st.chisquare(counts, n * sp_softmax(logits)).pvalue
    print(f"\nclipped law: chi-square p = {p_clip:.3f}; softmax: p = {p_soft:.2e}")
    assert p_clip > ALPHA
    assert p_soft < 1e-6  # the test can tell the clipped law from softmax


def test_gumbel_max_sampler_follows_the_clipped_law():
    # molviz.gumbel_max itself, in float64, at a gap where softmax is 20 % off
    logits = torch.tensor([0.0, -3.0, -10.0, -10.0], dtype=torch.float64)
    n, chunk = 8_000_000, 2_000_000
    gen = torch.Generator().manual_seed(11)
    counts = sum(
        np.bincount(gumbel_max(logits.expand(chunk, 4), generator=gen).numpy(), minlength=4)
        for _ in range(n // chunk)
    )
    p = st.chisquare(counts, n * gumbel_max_probs(logits.numpy())).pvalue
    print(f"\nmolviz.gumbel_max vs gumbel_max_probs: chi-square p = {p:.3f}")
    assert p > ALPHA


def test_gumbel_max_probs_bad_input():
    with pytest.raises(ValueError, match="logits must have shape"):
        gumbel_max_probs(np.zeros((3, 0)))
    with pytest.raises(ValueError, match="logits must have shape"):
        gumbel_max_probs(1.0)
    with pytest.raises(ValueError, match="NaN"):
        gumbel_max_probs([0.0, math.nan])
    with pytest.raises(ValueError, match=r"\+inf"):
        gumbel_max_probs([0.0, math.inf])
    with pytest.raises(ValueError, match="at least one finite entry"):
        gumbel_max_probs([-math.inf, -math.inf])
    with pytest.raises(TypeError, match="logits must be a real number"):
        gumbel_max_probs(["a", "b"])
    for bad in (0.0, 0.5, -1e-5, math.nan):
        with pytest.raises(ValueError, match="eps must be in the open interval"):
            gumbel_max_probs([0.0, 1.0], eps=bad)
    with pytest.raises(TypeError, match="eps must be a real number"):
        gumbel_max_probs([0.0, 1.0], eps="1e-5")
