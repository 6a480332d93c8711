"""Tests of molviz.gaussian: discretized Gaussian bin log-probabilities.

Reference: the bin probability written directly with mpmath at 50 significant digits,
P_j = Φ(b_j) - Φ(a_j) with Φ = mpmath.ncdf (the subtraction is harmless at that precision),
for 8-bit and 16-bit grids, narrow and wide standard deviations, bins in the centre and
hundreds of standard deviations out.  log P_j must agree to 1e-13 relative (absolute for
|log P_j| < 1).  Deterministic tests only.
"""

import math

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as st

import molviz
from molviz.gaussian import discretized_gaussian_log_probs, discretized_gaussian_probs


def log_bin_prob_mpmath(mu, sd, n, j, dps=50):
    """log P(bin j) of N(mu, sd²) on the n-class grid, edge bins open, with mpmath."""
    with mp.workdps(dps):
        mu, sd = mp.mpf(float(mu)), mp.mpf(float(sd))
        h = mp.mpf(1) / (n - 1)
        c = -1 + 2 * mp.mpf(int(j)) / (n - 1)
        lower = mp.ncdf((c - h - mu) / sd) if j > 0 else mp.mpf(0)
        upper = mp.ncdf((c + h - mu) / sd) if j < n - 1 else mp.mpf(1)
        if j > 0 and (c - h - mu) > 0:  # upper tail: difference of survival functions
            lower_sf = mp.ncdf(-(c - h - mu) / sd)
            upper_sf = mp.ncdf(-(c + h - mu) / sd) if j < n - 1 else mp.mpf(0)
            return float(mp.log(lower_sf - upper_sf))
        return float(mp.log(upper - lower))


CASES = [
    # (mu, sd, num_classes): the why_logistic example, wide, narrow, off-grid, 16 bit, tiny
    (0.0, 0.02 * math.pi / math.sqrt(3), 256),
    (0.3, 0.1, 256),
    (-2.0, 0.5, 256),
    (0.9, 1e-3, 256),
    (0.2, 1e-6, 256),
    (0.0, 1.0, 65536),
    (0.5, 0.01, 65536),
    (0.999, 1e-4, 65536),
    (1.5, 2.0, 65536),
    (0.0, 3.0, 8),
    (0.0, 0.6, 4),
    (0.1, 0.35, 5),
    (5.0, 100.0, 2),
    (0.1, 1e-9, 3),
]


@pytest.mark.parametrize(("mu", "sd", "n"), CASES)
def test_log_probs_match_mpmath(mu, sd, n):
    logp = discretized_gaussian_log_probs(mu, sd, n)
    assert logp.shape == (n,) and logp.dtype == np.float64
    rng = np.random.default_rng(n)
    # all bins of small grids; edges, neighbours of the mean and a random sample of big ones
    if n <= 256:
        js = np.arange(n)
    else:
        near = round((mu + 1) / 2 * (n - 1))
        js = np.unique(
            np.clip(
                np.concatenate(
                    [[0, 1, n - 2, n - 1], near + np.arange(-3, 4), rng.integers(0, n, 60)]
                ),
                0,
                n - 1,
            )
        )
    ref = np.array([log_bin_prob_mpmath(mu, sd, n, j) for j in js])
    err = np.abs(logp[js] - ref) / np.maximum(1.0, np.abs(ref))
    assert err.max() < 1e-13, (js[np.argmax(err)], logp[js][np.argmax(err)], ref[np.argmax(err)])


@pytest.mark.parametrize(("mu", "sd", "n"), CASES)
def test_probabilities_sum_to_one(mu, sd, n):
    p = discretized_gaussian_probs(mu, sd, n)
    assert (p >= 0).all()
    assert abs(p.sum() - 1.0) < 1e-12


def test_moderate_case_matches_scipy_norm_directly():
    # where nothing cancels, the plain CDF difference is a second, independent reference
    n, mu, sd = 16, 0.1, 0.4
    h = 1 / (n - 1)
    c = -1 + 2 * np.arange(n) / (n - 1)
    cdf_hi = st.norm.cdf(c + h, mu, sd)
    cdf_lo = st.norm.cdf(c - h, mu, sd)
    cdf_hi[-1], cdf_lo[0] = 1.0, 0.0
    np.testing.assert_allclose(
        discretized_gaussian_probs(mu, sd, n), cdf_hi - cdf_lo, rtol=1e-12, atol=0
    )


def test_far_tail_where_a_direct_difference_gives_log_zero():
    # s = 0.02 logistic vs the Gaussian of equal sd: the top bin is ~27 sd out
    sd = 0.02 * math.pi / math.sqrt(3)
    logp = discretized_gaussian_log_probs(0.0, sd, 256)
    with np.errstate(divide="ignore"):
        naive = np.log(
            np.diff(
                st.norm.cdf(np.r_[-np.inf, molviz.bin_centers(256)[1:] - 1 / 255, np.inf], 0, sd)
            )
        )
    assert np.isneginf(naive).any()  # the naive form fails out there ...
    assert np.isfinite(logp).all()  # ... this one does not
    assert 100 < -logp[-1] < 1000 and logp[-1] == pytest.approx(logp[0], rel=1e-14)
    # symmetric in μ ↔ -μ with bins reversed
    np.testing.assert_allclose(
        discretized_gaussian_log_probs(0.37, 0.05, 256),
        discretized_gaussian_log_probs(-0.37, 0.05, 256)[::-1],
        rtol=1e-13,
    )


def test_broadcasting_and_shapes():
    mu = np.array([[-0.5], [0.0], [0.4]])  # (3, 1)
    sd = np.array([0.05, 0.2, 1.0, 7.0])  # (4,)
    logp = discretized_gaussian_log_probs(mu, sd, 32)
    assert logp.shape == (3, 4, 32)
    np.testing.assert_array_equal(logp[2, 1], discretized_gaussian_log_probs(0.4, 0.2, 32))
    assert discretized_gaussian_log_probs(np.zeros((0, 2)), 1.0, 5).shape == (0, 2, 5)


def test_extreme_but_valid_parameters_stay_finite_or_minus_inf_never_nan():
    for mu, sd in [(0.3, 1e-300), (0.3, 5e-324), (0.3, 1e300), (1e300, 1.0), (0.0, 1.7e308)]:
        with np.errstate(invalid="raise"):
            logp = discretized_gaussian_log_probs(mu, sd, 256)
        assert not np.isnan(logp).any()
        assert (logp <= 0).all()
        assert abs(np.exp(logp).sum() - 1.0) < 1e-12
    # a point mass: all probability in the bin that contains μ
    logp = discretized_gaussian_log_probs(0.3, 1e-300, 256)
    j = int(np.argmin(np.abs(molviz.bin_centers(256) - 0.3)))
    assert logp[j] == 0.0 and np.isneginf(np.delete(logp, j)).all()


def test_bad_input():
    with pytest.raises(ValueError, match=r"sd must be > 0 \(standard deviation of the Gaussian\)"):
        discretized_gaussian_log_probs(0.0, [1.0, -1.0], 256)
    with pytest.raises(ValueError, match="sd must be finite"):
        discretized_gaussian_log_probs(0.0, math.inf, 256)
    with pytest.raises(ValueError, match=r"mu .* must be finite"):
        discretized_gaussian_log_probs(math.nan, 1.0, 256)
    with pytest.raises(ValueError, match="mu and sd must broadcast"):
        discretized_gaussian_log_probs(np.zeros(3), np.ones(4), 256)
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        discretized_gaussian_probs(0.0, 1.0, 1)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        discretized_gaussian_probs(0.0, 1.0, 256.0)
    with pytest.raises(TypeError, match="sd must be a real number"):
        discretized_gaussian_probs(0.0, "1", 256)
