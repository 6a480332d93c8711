"""Discretized Gaussian bin probabilities, the Gaussian counterpart of the logistic bins (numpy).

A vocoder that models samples with a Gaussian N(μ, sd²) instead of a logistic scores each
datum by the probability of its quantization bin, exactly as the logistic mixture loss does
(:func:`molviz.mixture.discretized_mixture_log_probs`): bin j of N has centre
``c_j = -1 + 2j/(N - 1)`` and half-width ``h = 1/(N - 1)``, the first bin absorbs
``(-∞, -1 + h]`` and the last ``[1 - h, ∞)``, and with standardized edges
``a_j = (c_j - h - μ)/sd`` and ``b_j = (c_j + h - μ)/sd``::

    P_0 = Φ(b_0),   P_j = Φ(b_j) - Φ(a_j),   P_{N-1} = Φ(-a_{N-1}) = 1 - Φ(a_{N-1}).

Unlike the logistic's σ(b) - σ(a) = σ(b)σ(-a)(1 - exp(-(b - a))), the difference Φ(b) - Φ(a)
has no product form, and computed directly it cancels in two places: far in a tail (both
terms tiny, or both close to 1, the Gaussian's are below 1e-300 beyond 37 sd) and for narrow
bins (a 16-bit bin is 3e-5 wide).  :func:`discretized_gaussian_log_probs` therefore uses, per
bin, the form that does not cancel (see its docstring); all of them are elementary calls to
``scipy.special.log_ndtr`` (log Φ) and ``erfcx`` (the scaled complementary error function).

See the book chapter book/why_logistic.md.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfcx, log_ndtr

from molviz._validate import as_float_array, check_num_classes, check_positive

__all__ = ["discretized_gaussian_log_probs", "discretized_gaussian_probs"]

# Gauss–Legendre rule for narrow bins: ∫_a^b φ with (b - a)(1 + |midpoint|) <= 1 (see below).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(8)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


def _log_upper_tail_mass(a, w):
    """log(Φ(-a) - Φ(-a - w)) for a >= 0, w > 0 (w may be inf): the mass of [a, a + w].

    Φ(-x) = φ(x) R(x) with the Mills ratio R(x) = sqrt(π/2) erfcx(x/√2), so

        Φ(-b) / Φ(-a) = exp(-(b² - a²)/2) · erfcx(b/√2) / erfcx(a/√2),   b = a + w,

    whose logarithm ``D = -w (a + b)/2 + log erfcx(b/√2) - log erfcx(a/√2)`` is a sum of two
    non-positive terms (erfcx decreases), with b - a = w used exactly; then the mass is
    ``Φ(-a) · (1 - exp(D))`` and its log is ``log_ndtr(-a) + log(-expm1(D))``.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        b = a + w
        d = -0.5 * w * (a + b) + (np.log(erfcx(b * _SQRT1_2)) - np.log(erfcx(a * _SQRT1_2)))
        # w = inf (an open bin, or sd so small that 2h/sd overflows): all of Φ(-a); NaN only
        # arises from a = inf, i.e. an empty tail where log_ndtr(-a) is -inf anyway.
        d = np.where(np.isinf(w) | np.isnan(d), -np.inf, d)
        return log_ndtr(-a) + np.log(-np.expm1(np.minimum(d, 0.0)))


def _log_narrow_mass(lo, w):
    """log ∫_lo^{lo + w} φ(t) dt by Gauss–Legendre, for (1 + |midpoint|) · w <= 1.

    With the midpoint m and t = m + s·w/2, s in [-1, 1], the integral is

        φ(m) · (w/2) · ∫_{-1}^{1} exp(-p s - q s²) ds,   p = m w/2,  q = w²/8,

    and the criterion bounds |p| + q by about 1/2 + 1/8: the integrand is an entire function
    whose exponent varies by less than 2 over the interval, where an 8-point rule is exact to
    double precision (its error for exp(c s) is about 2e-18 · c^16).  The sum runs node by
    node, so memory stays O(number of bins).
    """
    half = 0.5 * w
    m = lo + half
    p = m * half
    q = 0.125 * w * w
    total = np.zeros(np.shape(m))
    for x, wt in zip(_GL_NODES, _GL_WEIGHTS, strict=True):
        total += wt * np.exp(-x * (p + q * x))
    return np.log(total) + np.log(half) - 0.5 * m * m - _LOG_SQRT_2PI


def _bin_log_mass(a, b, w):
    """log(Φ(b) - Φ(a)) for standardized edges a < b (±inf allowed) and the width w = b - a.

    w is passed separately because it is known exactly (2h/sd) while b - a would carry the
    rounding of both edges.  Three regimes, each without cancellation:

    * narrow bins, ``(1 + |midpoint|) · w <= 1``: Gauss–Legendre on the density;
    * bins entirely above the mean (a >= 0): the upper-tail Mills-ratio form; entirely below
      (b <= 0): the same by symmetry, with the bin reflected to [-b, -a];
    * wide bins containing the mean (a < 0 < b): ``log1p(-(Φ(a) + Φ(-b)))``.  Such a bin is
      not narrow, so ``(1 + w/2) · w > 1``, i.e. w > 0.73, and its mass is at least
      Φ(0.73) - 1/2 > 0.26: the subtraction cannot cancel.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # a, b, w may be ±inf for extreme sd
        mid = a + 0.5 * w
        narrow = np.isfinite(w) & np.isfinite(mid) & ((1.0 + np.abs(mid)) * w <= 1.0)
    upper = ~narrow & (a >= 0)
    lower = ~narrow & ~upper & (b <= 0)
    central = ~(narrow | upper | lower)
    out = np.empty(a.shape)
    if narrow.any():
        out[narrow] = _log_narrow_mass(a[narrow], w[narrow])
    if upper.any():
        out[upper] = _log_upper_tail_mass(a[upper], w[upper])
    if lower.any():
        out[lower] = _log_upper_tail_mass(-b[lower], w[lower])
    if central.any():
        out[central] = np.log1p(-(np.exp(log_ndtr(a[central])) + np.exp(log_ndtr(-b[central]))))
    return out


def discretized_gaussian_log_probs(mu, sd, num_classes):
    """Log-probabilities of the quantization bins under a Gaussian N(μ, sd²), edge bins open.

    The Gaussian counterpart of :func:`molviz.mixture.discretized_mixture_log_probs` with K = 1::

        P_0 = Φ(b_0),   P_j = Φ(b_j) - Φ(a_j)  (0 < j < N - 1),   P_{N-1} = Φ(-a_{N-1}),
        a_j = (c_j - h - μ)/sd,   b_j = (c_j + h - μ)/sd,   c_j = -1 + 2j/(N - 1),   h = 1/(N - 1).

    Every bin is computed in log space in a form that does not cancel: the edge bins with
    ``log_ndtr``; narrow bins (standardized width w = 2h/sd with ``(1 + |midpoint|) · w <= 1``)
    by an 8-point Gauss–Legendre rule on the density; wide bins on one side of the mean as
    ``log Φ(-a) + log(1 - Φ(-b)/Φ(-a))`` (mirrored below the mean), the ratio from the Mills
    ratio, ``log(Φ(-b)/Φ(-a)) = -w (a + b)/2 + log(erfcx(b/√2)/erfcx(a/√2))``; wide bins
    around the mean as ``log1p(-(Φ(a) + Φ(-b)))``.  Every log P_j is accurate to a few units
    in the last place of ``max(1, |log P_j|)`` (tests/test_gaussian.py checks 1e-13 against
    mpmath), for 8-bit and 16-bit grids and for bins hundreds of standard deviations out,
    where the Φ values are 0 or 1 in float64 and a direct difference gives log 0.

    Args:
        mu: means μ, shape (...), finite (may lie outside [-1, 1]).
        sd: standard deviations sd > 0, shape broadcasting against μ, finite.
        num_classes: number of bins N >= 2 (256 for 8 bit, 65536 for 16 bit).

    Returns:
        float64 array of shape (..., N) (the broadcast shape of μ and sd, then the bins):
        log P_j, finite where P_j underflows; ``exp`` of it sums to 1 along the last axis.
        Memory and time are O(… · N).

    Raises:
        TypeError: if μ or sd is not real-valued, or num_classes is not an int.
        ValueError: if μ is not finite, sd <= 0 or not finite, μ and sd do not broadcast, or
            num_classes < 2.

    See the book chapter book/why_logistic.md.
    """
    n = check_num_classes(num_classes)
    mu = as_float_array("mu", mu)
    sd = as_float_array("sd", sd)
    if not np.isfinite(mu).all():
        raise ValueError("mu (mean μ of the Gaussian) must be finite, got a NaN or inf value")
    check_positive("sd", sd, "standard deviation of the Gaussian")
    try:
        batch = np.broadcast_shapes(mu.shape, sd.shape)
    except ValueError as err:
        raise ValueError(
            f"mu and sd must broadcast against each other, got shapes {mu.shape} and {sd.shape}"
        ) from err
    mu = np.broadcast_to(mu, batch)[..., None]  # (..., 1)
    sd = np.broadcast_to(sd, batch)[..., None]  # (..., 1)

    # A tiny sd can make standardized edges and widths overflow to ±inf; every branch below
    # treats those limits correctly (tests/test_gaussian.py checks extreme parameters).
    with np.errstate(over="ignore"):
        h = 1.0 / (n - 1)
        c = -1.0 + 2.0 * np.arange(n) / (n - 1)  # (N,)
        a = (c - h - mu) / sd  # (..., N) standardized lower edges
        b = (c + h - mu) / sd  # (..., N) standardized upper edges
        w = np.broadcast_to(2.0 * h / sd, a.shape)  # (..., N) standardized widths b - a
        out = np.empty(a.shape)  # (..., N)
        out[..., 0] = log_ndtr(b[..., 0])  # bin 0 is (-inf, c_0 + h]: log Φ(b_0)
        out[..., -1] = log_ndtr(-a[..., -1])  # bin N-1 is [c_{N-1} - h, inf): log Φ(-a_{N-1})
        if n > 2:
            out[..., 1:-1] = _bin_log_mass(a[..., 1:-1], b[..., 1:-1], w[..., 1:-1])
    return np.minimum(out, 0.0)


def discretized_gaussian_probs(mu, sd, num_classes):
    """Probabilities of the quantization bins under a Gaussian N(μ, sd²) (sums to 1).

    Args:
        mu: means μ, shape (...), finite.
        sd: standard deviations sd > 0, shape broadcasting against μ.
        num_classes: number of bins N >= 2.

    Returns:
        float64 array of shape (..., N): exp of :func:`discretized_gaussian_log_probs`.

    Raises:
        TypeError: if μ or sd is not real-valued, or num_classes is not an int.
        ValueError: if μ is not finite, sd <= 0 or not finite, the shapes do not broadcast, or
            num_classes < 2.

    See the book chapter book/why_logistic.md.
    """
    return np.exp(discretized_gaussian_log_probs(mu, sd, num_classes))
