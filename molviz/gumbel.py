"""The standard Gumbel distribution and the exact law of the ε-clipped Gumbel-max trick (numpy).

A standard Gumbel variable G (the noise of the Gumbel-max trick) has::

    CDF       F(g) = exp(-exp(-g))
    density   f(g) = exp(-g - exp(-g))
    quantile  F⁻¹(q) = -log(-log q)
    mean      γ ≈ 0.5772 (Euler–Mascheroni),  variance π²/6

so G = -log(-log U) for U uniform on (0, 1).  The vocoder (r9y9/wavenet_vocoder, after
openai/pixel-cnn) draws U from U(ε, 1 - ε), ε = 1e-5, which truncates G to
``[g_lo, g_hi] = [-log(-log ε), -log(-log(1 - ε))] ≈ [-2.4435, 11.5129]``.  With untruncated
noise ``argmax_k (a_k + G_k)`` has exactly the law softmax(a); with the truncated noise it does
not, and :func:`gumbel_max_probs` computes the law it does have, to about 1e-14 relative.

Everything here is float64 and broadcasts like numpy; the standardized forms follow
scipy's ``gumbel_r`` (``scipy/stats/_continuous_distns.py``).

See the book chapter book/gumbel_max.md.
"""

from __future__ import annotations

import math

import numpy as np

from molviz._validate import (
    as_float_array,
    check_eps,
    check_logits,
    check_not_nan,
    check_open_unit,
)

__all__ = [
    "gumbel_cdf",
    "gumbel_logpdf",
    "gumbel_max_probs",
    "gumbel_pdf",
    "gumbel_ppf",
    "gumbel_sf",
]


def _points(g):
    """Validated float64 points g (NaN refused, ±inf allowed)."""
    g = as_float_array("g", g)
    check_not_nan("g", g)
    return g


def gumbel_logpdf(g):
    """Log-density of the standard Gumbel distribution, log f(g) = -g - exp(-g).

    Args:
        g: points, any shape (±inf allowed, giving -inf).

    Returns:
        float64 array of the same shape: ``-g - exp(-g)``.  For g < -709, ``exp(-g)``
        overflows to inf and the result is -inf, which is the correct limit (the true value is
        below -1e307).

    Raises:
        TypeError: if g is not real-valued.
        ValueError: if g contains NaN.

    See the book chapter book/gumbel_max.md.
    """
    g = _points(g)
    with np.errstate(over="ignore", invalid="ignore"):
        out = -g - np.exp(-g)
    return np.where(g == -np.inf, -np.inf, out)  # -(-inf) - inf would be NaN


def gumbel_pdf(g):
    """Density of the standard Gumbel distribution, f(g) = exp(-g - exp(-g)).

    Args:
        g: points, any shape.

    Returns:
        float64 array: exp of :func:`gumbel_logpdf`.

    Raises:
        TypeError: if g is not real-valued.
        ValueError: if g contains NaN.

    See the book chapter book/gumbel_max.md.
    """
    return np.exp(gumbel_logpdf(g))


def gumbel_cdf(g):
    """CDF of the standard Gumbel distribution, F(g) = exp(-exp(-g)).

    Args:
        g: points, any shape (±inf allowed).

    Returns:
        float64 array in [0, 1]; accurate relative to its value in the lower tail (use
        :func:`gumbel_sf` for the upper tail, where ``1 - F`` cancels).

    Raises:
        TypeError: if g is not real-valued.
        ValueError: if g contains NaN.

    See the book chapter book/gumbel_max.md.
    """
    g = _points(g)
    with np.errstate(over="ignore"):
        return np.exp(-np.exp(-g))


def gumbel_sf(g):
    """Survival function of the standard Gumbel distribution, 1 - F(g) = -expm1(-exp(-g)).

    Args:
        g: points, any shape (±inf allowed).

    Returns:
        float64 array in [0, 1], without the cancellation of ``1 - cdf`` (for large g it is
        ``≈ exp(-g)``, where ``1 - cdf`` would be 0 beyond g ≈ 37).

    Raises:
        TypeError: if g is not real-valued.
        ValueError: if g contains NaN.

    See the book chapter book/gumbel_max.md.
    """
    g = _points(g)
    with np.errstate(over="ignore"):
        return -np.expm1(-np.exp(-g))


def gumbel_ppf(q):
    """Quantile function of the standard Gumbel distribution, F⁻¹(q) = -log(-log q).

    This is the map from a uniform number to Gumbel noise used by the Gumbel-max trick.

    Args:
        q: probabilities in the open interval (0, 1), any shape.

    Returns:
        float64 array ``-log(-log q)``.

    Raises:
        TypeError: if q is not real-valued.
        ValueError: if q is outside (0, 1).

    See the book chapter book/gumbel_max.md.
    """
    q = as_float_array("q", q)
    check_open_unit("q", q)
    return -np.log(-np.log(q))


# --------------------------------------------------------------------------------------
# the clipped Gumbel-max trick
# --------------------------------------------------------------------------------------

# Gauss–Legendre rule used on every piece of the integration domain (see gumbel_max_probs).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_MAX_PIECE = 2.0  # longest piece in the Gumbel variable
_CHUNK_ELEMENTS = 2_000_000  # bound on the (rows, K, nodes) work array


def gumbel_max_probs(logits, eps=1e-5):
    """Exact probabilities that the ε-clipped Gumbel-max trick picks each component.

    The sampler draws u_k ~ U(ε, 1 - ε) independently, forms the noise g_k = -log(-log u_k)
    (a standard Gumbel truncated to ``[g_lo, g_hi]``, :func:`molviz.sampling.gumbel_bounds`)
    and returns ``argmax_k (a_k + g_k)``.  Its law is (ties have probability 0)::

        P_ε(k) = ∫ f_T(t - a_k) Π_{j≠k} F_T(t - a_j) dt,
        F_T(x) = clip((F(x) - ε) / (1 - 2ε), 0, 1),   f_T(x) = f(x) / (1 - 2ε) on [g_lo, g_hi],

    an integral over the winner's perturbed logit t = a_k + g_k, with F and f the standard
    Gumbel CDF and density.  All components share the integration variable t, which runs over
    ``[max(a) + g_lo, max(a) + g_hi]``, an interval of length ``g_hi - g_lo`` ≈ 13.956 for
    ε = 1e-5.  The integrand is analytic except where a factor saturates or the winner's
    support ends, at t = a_j + g_hi; the interval is split there and into pieces no longer
    than 2, and each piece is integrated by a fixed 20-point Gauss–Legendre rule (16 points
    already reach the accuracy below; the rest is margin).  The
    factors are evaluated without cancellation,
    ``F(x) - ε = ε · expm1(-L · expm1(-(x - g_lo)))`` with L = -log ε, and the product over
    j ≠ k is a sum of logarithms formed from prefix and suffix sums, so every probability,
    however small, has a relative error of about 1e-14 (checked against an exact
    closed form in tests/test_gumbel.py).  Right at the cliff described below the problem
    itself is ill-conditioned: there P_ε(k) vanishes like ``(g_hi - g_lo - gap)²``, so a
    rounding error of 1e-16 relative in the logits changes it by about
    ``2e-16 · |a| / (g_hi - g_lo - gap)`` relative, and the result's error grows alike
    (to about 1e-13 relative at 0.05 from the cliff).

    Consequences (the book measures them): for ε → 0 the result tends to softmax(a) (the
    difference is at most 2Kε); a component whose logit is ``g_hi - g_lo`` or more below the
    largest one has probability exactly 0; below that gap, rare components are chosen less
    often than softmax says (relative deficit roughly ``ε · exp(gap)``).

    Args:
        logits: logits a, shape (..., K), real (-inf marks a component of weight 0).
        eps: uniform clipping ε in (0, 0.5) (the vocoder's 1e-5 by default).

    Returns:
        float64 array of shape (..., K): the probabilities P_ε(k), non-negative, summing to 1
        along the last axis (to about 1e-14).  Cost: O(K · (K + m) · 20) per row, with
        m = ceil((g_hi - g_lo) / 2) (7 for ε = 1e-5).

    Raises:
        TypeError: if logits are not real-valued or ε is not a real number.
        ValueError: if logits have no component axis, contain NaN or +inf, or a row has only
            -inf; or if ε is not in (0, 0.5).

    See the book chapter book/gumbel_max.md.
    """
    a = as_float_array("logits", logits)
    check_logits("logits", a)
    e = check_eps(eps)
    shape = a.shape
    k = shape[-1]
    rows = a.reshape(-1, k)  # (M, K)
    if rows.shape[0] == 0:
        return np.zeros(shape)

    big_l = -math.log(e)  # L = -log ε = exp(-g_lo)
    g_lo = -math.log(big_l)
    g_hi = -math.log(-math.log1p(-e))
    width = g_hi - g_lo  # Δ, the length of the noise range
    log_eps = math.log(e)
    log_mass = math.log1p(-2.0 * e)  # log(1 - 2ε), the truncated mass

    m = max(1, math.ceil(width / _MAX_PIECE))
    grid = np.linspace(0.0, width, m + 1)  # (m + 1,) offsets t - (max a + g_lo)
    n_pieces = m + k
    work = k * n_pieces * _GL_NODES.size
    chunk = max(1, _CHUNK_ELEMENTS // work)
    out = np.empty(rows.shape)
    for start in range(0, rows.shape[0], chunk):
        b = rows[start : start + chunk]  # (R, K)
        b = b - b.max(axis=-1, keepdims=True)  # (R, K), <= 0; the top logit is 0
        out[start : start + chunk] = _clipped_probs(b, grid, width, big_l, log_eps, log_mass)
    return out.reshape(shape)


def _clipped_probs(b, grid, width, big_l, log_eps, log_mass):
    """gumbel_max_probs for logits b (R, K) with max 0, in the offset variable τ = t - g_lo.

    For component j the standardized noise is x_j = t - b_j and its offset above the lower
    truncation point is δ_j = τ - b_j >= τ >= 0; the factor F_T(x_j) is 1 once δ_j >= Δ and
    the winner density f_T(x_k) is 0 there.
    """
    r = b.shape[0]
    # Piece ends: the uniform grid and the saturation points τ = Δ + b_j, all in [0, Δ].
    ends = np.concatenate(
        [np.broadcast_to(grid, (r, grid.size)), np.clip(width + b, 0.0, width)], axis=-1
    )  # (R, m + 1 + K)
    ends.sort(axis=-1)
    half = 0.5 * np.diff(ends, axis=-1)  # (R, P) half-lengths (some 0)
    mid = 0.5 * (ends[:, 1:] + ends[:, :-1])  # (R, P)
    tau = (mid[..., None] + half[..., None] * _GL_NODES).reshape(r, -1)  # (R, Q)
    wts = (half[..., None] * _GL_WEIGHTS).reshape(r, -1)  # (R, Q)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        delta = tau[:, None, :] - b[:, :, None]  # (R, K, Q) δ_j, +inf for b_j = -inf
        inside = delta < width  # (R, K, Q) factor below 1 / winner density non-zero
        d_in = np.where(inside, delta, 0.0)  # keep the formulas finite outside
        # log F_T(x_j) = log ε + log expm1(L (1 - e^{-δ})) - log(1 - 2ε), and 0 once saturated.
        log_f_cdf = np.where(
            inside, log_eps + np.log(np.expm1(-big_l * np.expm1(-d_in))) - log_mass, 0.0
        )  # (R, K, Q)
        # log f_T(x_k) = -x_k - e^{-x_k} - log(1 - 2ε), with x_k = g_lo + δ_k, e^{-g_lo} = L.
        log_f_pdf = np.where(
            inside, math.log(big_l) - d_in - big_l * np.exp(-d_in) - log_mass, -np.inf
        )  # (R, K, Q)
    # Σ_{j≠k} log F_T(x_j) from prefix and suffix sums (all terms <= 0: nothing cancels).
    csum = np.cumsum(log_f_cdf, axis=1)  # (R, K, Q)
    rsum = np.cumsum(log_f_cdf[:, ::-1], axis=1)[:, ::-1]  # (R, K, Q)
    zeros = np.zeros((r, 1, tau.shape[1]))
    others = np.concatenate([zeros, csum[:, :-1]], axis=1) + np.concatenate(
        [rsum[:, 1:], zeros], axis=1
    )  # (R, K, Q)
    with np.errstate(under="ignore"):
        integrand = np.exp(log_f_pdf + others)  # (R, K, Q)
    return np.einsum("rkq,rq->rk", integrand, wts)  # (R, K)
