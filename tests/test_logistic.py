"""Tests of molviz.logistic against scipy.stats.logistic and a 50-digit mpmath reference.

Deterministic tests only (no randomness beyond fixed-seed test points), so there are no false
failures; the hypothesis property tests use hypothesis' own derandomized database-free search
settings and check invariants that hold for every input.
"""

import math

import mpmath
import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

from molviz.logistic import (
    logistic_cdf,
    logistic_logcdf,
    logistic_logpdf,
    logistic_logsf,
    logistic_pdf,
    logistic_ppf,
    logistic_sf,
    logistic_std,
)

mpmath.mp.dps = 50

RTOL = 1e-12


def _points(rng, n=2000, zmax=40.0):
    """Random (x, μ, s) with |x - μ|/s up to zmax and log s in [-20, 3]."""
    mu = rng.uniform(-5, 5, n)
    s = np.exp(rng.uniform(-20, 3, n))
    z = rng.uniform(-zmax, zmax, n)
    return mu + s * z, mu, s


# ----------------------------------------------------------------- agreement with scipy


def test_logpdf_pdf_cdf_sf_match_scipy_in_the_bulk():
    rng = np.random.default_rng(0)
    x, mu, s = _points(rng)
    ref = st.logistic(loc=mu, scale=s)
    np.testing.assert_allclose(logistic_logpdf(x, mu, s), ref.logpdf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(logistic_pdf(x, mu, s), ref.pdf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(logistic_cdf(x, mu, s), ref.cdf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(logistic_sf(x, mu, s), ref.sf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(logistic_logcdf(x, mu, s), ref.logcdf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(logistic_logsf(x, mu, s), ref.logsf(x), rtol=RTOL, atol=0)


def test_ppf_matches_scipy():
    rng = np.random.default_rng(1)
    q = np.concatenate([rng.uniform(0, 1, 1000), 10.0 ** -rng.uniform(1, 300, 200)])
    q = np.concatenate([q, 1 - 10.0 ** -rng.uniform(1, 15, 100)])
    mu = rng.uniform(-5, 5, q.size)
    s = np.exp(rng.uniform(-20, 3, q.size))
    np.testing.assert_allclose(
        logistic_ppf(q, mu, s), st.logistic.ppf(q, loc=mu, scale=s), rtol=RTOL, atol=0
    )


@pytest.mark.parametrize("z", [-1e300, -1e12, -1e4, -745.0, -700.0, -40.0, 40.0, 700.0, 1e4, 1e12])
def test_far_tails_logs_match_scipy(z):
    """Where pdf/cdf underflow, the log versions must still be right (relative error)."""
    mu, s = 0.25, 0.5
    x = mu + s * z
    ref = st.logistic(loc=mu, scale=s)
    np.testing.assert_allclose(logistic_logpdf(x, mu, s), ref.logpdf(x), rtol=RTOL)
    np.testing.assert_allclose(logistic_logcdf(x, mu, s), ref.logcdf(x), rtol=RTOL)
    np.testing.assert_allclose(logistic_logsf(x, mu, s), ref.logsf(x), rtol=RTOL)
    assert np.isfinite(logistic_logpdf(x, mu, s))


def _mp_logpdf(z, s):
    z = mpmath.mpf(z)
    return -z - 2 * mpmath.log1p(mpmath.exp(-z)) - mpmath.log(s)


def _mp_cdf(z):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


@pytest.mark.parametrize(
    "z", [-1e4, -800.0, -300.0, -37.5, -1e-8, 0.0, 3e-9, 20.0, 37.5, 300.0, 1e4]
)
def test_against_50_digit_reference(z):
    """Independent high-precision check (mpmath), including where 1 - cdf would cancel."""
    s = 2.0**-7  # exact, so x - μ = s z holds exactly in float64
    x = s * z
    assert float(logistic_logpdf(x, 0.0, s)) == pytest.approx(float(_mp_logpdf(z, s)), rel=RTOL)
    assert float(logistic_logcdf(x, 0.0, s)) == pytest.approx(
        float(mpmath.log(_mp_cdf(z))), rel=RTOL
    )
    assert float(logistic_logsf(x, 0.0, s)) == pytest.approx(
        float(mpmath.log(_mp_cdf(-z))), rel=RTOL
    )
    if abs(z) < 700:
        assert float(logistic_cdf(x, 0.0, s)) == pytest.approx(float(_mp_cdf(z)), rel=RTOL)
        assert float(logistic_sf(x, 0.0, s)) == pytest.approx(float(_mp_cdf(-z)), rel=RTOL)
        assert float(logistic_pdf(x, 0.0, s)) == pytest.approx(
            float(mpmath.exp(_mp_logpdf(z, s))), rel=RTOL
        )


def test_sf_is_not_one_minus_cdf_in_the_upper_tail():
    # naive 1 - cdf is exactly 0 at z = 40; the survival function must be e^-40 (1 - ...)
    assert logistic_sf(40.0) == pytest.approx(math.exp(-40.0) / (1 + math.exp(-40.0)), rel=RTOL)
    assert 1.0 - logistic_cdf(40.0) == 0.0  # documents why sf exists


def test_ppf_extreme_probabilities_match_mpmath():
    for q in [1e-300, 1e-20, 1e-5, 0.5, 0.75, 1 - 1e-5, 1 - 2.0**-52]:
        ref = mpmath.log(mpmath.mpf(q) / (1 - mpmath.mpf(q)))
        assert float(logistic_ppf(q, 1.0, 3.0)) == pytest.approx(1.0 + 3.0 * float(ref), rel=RTOL)


# ----------------------------------------------------------------- identities


def test_ppf_inverts_cdf():
    """ppf(cdf(x)) = x where cdf is accurate to a few ulp relative (z <= 5 including the lower
    tail down to z = -700). The condition number of logit at q is 1/(1 - q) <= 150 there, so the
    error in z is at most ~150 · 2 ulp ≈ 7e-14; we allow 1e-12 · max(1, |z|)."""
    z = np.concatenate([np.linspace(-700, 5, 3001), [-1e-9, 0.0, 1e-9]])
    mu, s = -0.5, 0.125
    x = mu + s * z
    back = logistic_ppf(logistic_cdf(x, mu, s), mu, s)
    np.testing.assert_array_less(np.abs(back - x), 1e-12 * s * np.maximum(1.0, np.abs(z)))


def test_cdf_inverts_ppf():
    q = np.concatenate([10.0 ** -np.linspace(1, 300, 300), np.linspace(0.01, 0.99, 99)])
    np.testing.assert_allclose(logistic_cdf(logistic_ppf(q, 2.0, 0.1), 2.0, 0.1), q, rtol=RTOL)


def test_symmetry():
    z = np.linspace(-50, 50, 1001)
    np.testing.assert_allclose(logistic_cdf(z), logistic_sf(-z), rtol=0, atol=0)
    np.testing.assert_array_equal(logistic_logpdf(z), logistic_logpdf(-z))
    q = np.linspace(0.001, 0.999, 999)
    np.testing.assert_allclose(logistic_ppf(q), -logistic_ppf(1 - q), rtol=1e-12, atol=1e-13)


def test_derivative_of_cdf_is_pdf():
    """Central differences: truncation error h² max|F'''|/6 <= (1e-5)² · 0.125 / 6 ≈ 2e-12 and
    rounding error ~ulp(1)/h ≈ 2.2e-11 for s = 1 (both scale as 1/s), so 5e-11/s is a bound
    a wrong density (e.g. missing factor 1/s or a factor 2) exceeds by ten orders. Dividing by
    the step actually taken removes the rounding of x ± h (ulp(x)/h ~ 2e-9 relative at s = 0.01)."""
    for mu, s in [(0.0, 1.0), (1.5, 0.01), (-3.0, 20.0)]:
        x = mu + s * np.linspace(-30, 30, 601)
        xp, xm = x + 1e-5 * s, x - 1e-5 * s
        # divide by the step actually taken (xp - xm is exact) and compare at its midpoint
        num = (logistic_cdf(xp, mu, s) - logistic_cdf(xm, mu, s)) / (xp - xm)
        mid = xm + 0.5 * (xp - xm)
        np.testing.assert_allclose(num, logistic_pdf(mid, mu, s), rtol=0, atol=5e-11 / s)


def test_pdf_integrates_to_one_and_std():
    from scipy.integrate import quad

    mu, s = 0.3, 0.7
    total, _ = quad(lambda t: float(logistic_pdf(t, mu, s)), -np.inf, np.inf, epsabs=1e-13)
    assert total == pytest.approx(1.0, abs=1e-10)
    var, _ = quad(lambda t: (t - mu) ** 2 * float(logistic_pdf(t, mu, s)), -np.inf, np.inf)
    assert math.sqrt(var) == pytest.approx(float(logistic_std(s)), rel=1e-9)
    assert float(logistic_std(s)) == pytest.approx(float(st.logistic(scale=s).std()), rel=RTOL)


def test_broadcasting_and_dtype():
    x = np.linspace(-3, 3, 7)[:, None]  # (7, 1)
    mu = np.array([0.0, 1.0, -1.0])  # (3,)
    s = np.array([[0.5], [1.0], [2.0], [1.0], [1.0], [1.0], [3.0]])  # (7, 1)
    out = logistic_logpdf(x, mu, s)
    assert out.shape == (7, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, st.logistic.logpdf(x, mu, s), rtol=RTOL)
    assert logistic_cdf([0, 1], 0, 1).shape == (2,)
    assert np.ndim(logistic_cdf(0.0)) == 0
    assert logistic_cdf(np.float32(0.25)).dtype == np.float64
    assert logistic_ppf(0.5, mu=np.arange(3)).shape == (3,)


def test_infinite_x_is_allowed():
    assert logistic_cdf(np.inf) == 1.0 and logistic_cdf(-np.inf) == 0.0
    assert logistic_logpdf(np.inf) == -np.inf and logistic_pdf(-np.inf) == 0.0
    assert logistic_logsf(np.inf) == -np.inf and logistic_logcdf(np.inf) == 0.0


# ----------------------------------------------------------------- properties at extremes

log_scales = hs.floats(-20, 3)
offsets = hs.floats(-1e4, 1e4)
locs = hs.floats(-1e3, 1e3)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(locs, log_scales, offsets, hs.floats(0, 1e3))
def test_cdf_finite_and_monotone_at_extremes(mu, log_s, d, gap):
    s = math.exp(log_s)
    x1 = mu + d
    x2 = x1 + gap
    lp = logistic_logpdf([x1, x2], mu, s)
    assert np.all(np.isfinite(lp))
    for f in (logistic_cdf, logistic_sf, logistic_pdf):
        assert np.all(np.isfinite(f([x1, x2], mu, s)))
    c1, c2 = logistic_cdf([x1, x2], mu, s)
    assert 0.0 <= c1 <= c2 <= 1.0
    l1, l2 = logistic_logcdf([x1, x2], mu, s)
    assert l1 <= l2 <= 0.0 and np.isfinite(l1)
    r1, r2 = logistic_logsf([x1, x2], mu, s)
    assert r1 >= r2 and r1 <= 0.0 and np.isfinite(r2)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    locs,
    log_scales,
    hs.floats(0, 1, exclude_min=True, exclude_max=True),
    hs.floats(0, 1, exclude_min=True, exclude_max=True),
)
def test_ppf_finite_and_monotone_at_extremes(mu, log_s, q1, q2):
    s = math.exp(log_s)
    q1, q2 = min(q1, q2), max(q1, q2)
    x1, x2 = logistic_ppf([q1, q2], mu, s)
    assert np.isfinite(x1) and np.isfinite(x2)
    assert x1 <= x2
