"""Mixtures of logistics in numpy: density, CDF, quantile and the discretized bin probabilities.

A mixture of K logistics with weights π (π_k >= 0, Σ π_k = 1), locations μ and scales s has::

    density   p(x) = Σ_k π_k f_k(x),     f_k the logistic density with (μ_k, s_k)
    CDF       F(x) = Σ_k π_k σ((x - μ_k) / s_k)

The log-density is a logsumexp over the component log-densities plus log-weights, as in
``torch.distributions.MixtureSameFamily.log_prob``, so it never underflows.  The quantile has
no closed form and is found by a vectorized, bracketed, safeguarded Newton iteration.  The
discretized probabilities are those of the vocoder's 8/16-bit grid (PixelCNN++, WaveNet).

Shapes: ``pi``, ``mu`` and ``s`` are (K,) or (..., K) with the components on the last axis;
their leading dimensions broadcast against each other and against ``x`` (or ``q``), which is
compared with them as ``x[..., None]``.

Weights: π must be non-negative and sum to 1 along the last axis up to a tolerance that
depends on the dtype π is passed in, ``max(1e-8, 2 (K + 2) ε)`` with ε that dtype's machine
epsilon (``molviz._validate.weights_sum_tolerance``): 1e-8 for float64 arrays, lists and
Python floats; about 1e-6 for float32, so that ``torch.softmax(...)`` output in float32 is
accepted as it is, while a float32 sum of 0.99 is still refused.  Accepted weights are
converted to float64 and divided by their sum, so every function here works with weights
that sum to 1 up to float64 rounding.  (Pass the float32 array itself: converted to a Python
list first, the same numbers get the float64 tolerance.)

See the book chapter book/mixtures.md.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc

from molviz._validate import (
    as_float_array,
    check_logits,
    check_mixture_shapes,
    check_not_nan,
    check_num_classes,
    check_open_unit,
    check_positive,
    check_real_scalar,
    check_weights,
)
from molviz.logistic import _std_logpdf

__all__ = [
    "bin_centers",
    "discretized_mixture_log_probs",
    "discretized_mixture_probs",
    "log_softmax",
    "mixture_cdf",
    "mixture_logcdf",
    "mixture_logpdf",
    "mixture_logsf",
    "mixture_pdf",
    "mixture_ppf",
    "mixture_sf",
    "softmax",
]


# --------------------------------------------------------------------------------------
# logits → weights
# --------------------------------------------------------------------------------------


def softmax(logits, axis=-1):
    """Mixture weights from logits, π_k = exp(a_k) / Σ_j exp(a_j), computed stably.

    Args:
        logits: logits a, shape (..., K) (the component axis is ``axis``); -inf marks a
            component of weight 0, logits may be spread over thousands.
        axis: the component axis.

    Returns:
        float64 array π of the same shape, non-negative, summing to 1 along ``axis``
        (the maximum is subtracted first, so no overflow).

    Raises:
        TypeError: if logits are not real-valued.
        ValueError: on NaN or +inf, or if a row has only -inf.

    See the book chapter book/mixtures.md.
    """
    a = as_float_array("logits", logits)
    check_logits("logits", np.moveaxis(a, axis, -1) if a.ndim else a)
    return sc.softmax(a, axis=axis)


def log_softmax(logits, axis=-1):
    """Log mixture weights from logits, log π_k = a_k - logsumexp(a), computed stably.

    Args:
        logits: logits a, shape (..., K) (the component axis is ``axis``).
        axis: the component axis.

    Returns:
        float64 array log π of the same shape (-inf where a_k = -inf).

    Raises:
        TypeError: if logits are not real-valued.
        ValueError: on NaN or +inf, or if a row has only -inf.

    See the book chapter book/mixtures.md.
    """
    a = as_float_array("logits", logits)
    check_logits("logits", np.moveaxis(a, axis, -1) if a.ndim else a)
    return sc.log_softmax(a, axis=axis)


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------


def _mixture_params(pi, mu, s) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate (π, μ, s) and return them as float64 arrays of shape (..., K).

    The tolerance on Σ π_k = 1 depends on the dtype π was passed in (see the module
    docstring); accepted weights are renormalized in float64.
    """
    pi_dtype = getattr(pi, "dtype", None)  # numpy or torch dtype; None for lists and floats
    pi = as_float_array("pi", pi)
    mu = as_float_array("mu", mu)
    s = as_float_array("s", s)
    check_mixture_shapes(pi=pi, mu=mu, s=s)
    pi = check_weights("pi", pi, dtype=pi_dtype)
    if not np.isfinite(mu).all():
        raise ValueError("mu (component locations μ) must be finite, got a NaN or inf value")
    check_positive("s", s, "component scales of the mixture")
    return pi, mu, s


def _check_batch_broadcast(name, shape, pi, mu, s) -> tuple[int, ...]:
    """Broadcast shape of ``name`` (shape (...)) with the parameters' leading dims (...)."""
    try:
        return np.broadcast_shapes(shape, pi.shape[:-1], mu.shape[:-1], s.shape[:-1])
    except ValueError as err:
        raise ValueError(
            f"{name} of shape {shape} must broadcast against the leading dimensions of the "
            f"mixture parameters (pi {pi.shape}, mu {mu.shape}, s {s.shape}; the last axis is "
            f"the K components)"
        ) from err


def _mixture_z(x, pi, mu, s):
    """Validated (z, log π, s) with z = (x[..., None] - μ) / s of shape (..., K)."""
    x = as_float_array("x", x)
    check_not_nan("x", x)
    pi, mu, s = _mixture_params(pi, mu, s)
    _check_batch_broadcast("x", x.shape, pi, mu, s)
    z = (x[..., None] - mu) / s  # (..., K)
    with np.errstate(divide="ignore"):
        log_pi = np.log(pi)  # (..., K), -inf for weight 0
    return z, log_pi, s


def _lse(a: np.ndarray) -> np.ndarray:
    """logsumexp over the last (component) axis; -inf if all entries are -inf."""
    m = np.max(a, axis=-1, keepdims=True)  # (..., 1)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(a - m), axis=-1)) + m[..., 0]  # (...)


# --------------------------------------------------------------------------------------
# density, CDF, survival
# --------------------------------------------------------------------------------------


def mixture_logpdf(x, pi, mu, s):
    """Log-density of a mixture of logistics, a logsumexp over components.

    Args:
        x: points, shape (...) broadcasting against the leading dims of the parameters.
        pi: weights π, shape (K,) or (..., K), non-negative, summing to 1 (tolerance 1e-8
            in float64, ~1e-6 in float32; see the module docstring).
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array of the broadcast shape (...):
        log p(x) = logsumexp_k [ log π_k + log f_k(x) ],
        ``log f_k(x) = -|z_k| - 2 log1p(exp(-|z_k|)) - log s_k``, ``z_k = (x - μ_k)/s_k``.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    z, log_pi, s = _mixture_z(x, pi, mu, s)
    comp = _std_logpdf(z) - np.log(s)  # (..., K)
    return _lse(comp + log_pi)  # (...)


def mixture_pdf(x, pi, mu, s):
    """Density of a mixture of logistics, p(x) = Σ_k π_k f_k(x).

    Args:
        x: points, shape (...).
        pi: weights π, shape (..., K), non-negative, summing to 1.
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array (...): exp of :func:`mixture_logpdf`.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    return np.exp(mixture_logpdf(x, pi, mu, s))


def mixture_cdf(x, pi, mu, s):
    """CDF of a mixture of logistics, F(x) = Σ_k π_k σ((x - μ_k)/s_k).

    Args:
        x: points, shape (...), ±inf allowed.
        pi: weights π, shape (..., K), non-negative, summing to 1.
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array (...) in [0, 1]; a sum of non-negative terms, so accurate relative to
        its value even deep in the lower tail (use :func:`mixture_sf` for the upper tail).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    z, log_pi, _ = _mixture_z(x, pi, mu, s)
    # min(., 1): the weights sum to 1 only up to an ulp
    return np.minimum(np.sum(np.exp(log_pi) * sc.expit(z), axis=-1), 1.0)  # (...)


def mixture_sf(x, pi, mu, s):
    """Survival function of a mixture of logistics, 1 - F(x) = Σ_k π_k σ(-(x - μ_k)/s_k).

    Args:
        x: points, shape (...).
        pi: weights π, shape (..., K), non-negative, summing to 1.
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array (...) in [0, 1], computed without the cancellation of ``1 - cdf``.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    z, log_pi, _ = _mixture_z(x, pi, mu, s)
    # min(., 1): the weights sum to 1 only up to an ulp
    return np.minimum(np.sum(np.exp(log_pi) * sc.expit(-z), axis=-1), 1.0)  # (...)


def mixture_logcdf(x, pi, mu, s):
    """Log-CDF of a mixture of logistics, logsumexp_k [log π_k + log σ(z_k)], never underflows.

    Args:
        x: points, shape (...).
        pi: weights π, shape (..., K).
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array (...) of log F(x).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    z, log_pi, _ = _mixture_z(x, pi, mu, s)
    return np.minimum(_lse(log_pi + sc.log_expit(z)), 0.0)  # (...), <= 0 despite rounding of π


def mixture_logsf(x, pi, mu, s):
    """Log survival function of a mixture, logsumexp_k [log π_k + log σ(-z_k)].

    Args:
        x: points, shape (...).
        pi: weights π, shape (..., K).
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).

    Returns:
        float64 array (...) of log(1 - F(x)).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, or NaN in x.

    See the book chapter book/mixtures.md.
    """
    z, log_pi, _ = _mixture_z(x, pi, mu, s)
    return np.minimum(_lse(log_pi + sc.log_expit(-z)), 0.0)  # (...), <= 0 despite rounding of π


# --------------------------------------------------------------------------------------
# quantile
# --------------------------------------------------------------------------------------

_NEWTON_ITERS = 100  # safeguarded Newton/bisection steps before switching to pure bisection
_MAX_ITERS = 2300  # bisection from the widest float64 bracket (~2^1025) to any tol fits


def mixture_ppf(q, pi, mu, s, tol=1e-10):
    """Quantile function of a mixture of logistics: the x with F(x) = q, to ``tol`` in x.

    There is no closed form; the root of the increasing function F(x) - q is found for all
    entries at once.  The root lies in the bracket [min_k F_k⁻¹(q), max_k F_k⁻¹(q)] (over
    components with π_k > 0), because at the lower end every component CDF is <= q and at the
    upper end every one is >= q.  Inside it a safeguarded Newton iteration runs on
    g(x) = log F(x) - log q (for q < 1/2) or log(1 - q) - log S(x) (for q >= 1/2), which is
    nearly linear in the tails, so it converges in a few steps; a Newton step that leaves the
    bracket or does not halve the previous step is replaced by bisection.  Every evaluation
    shrinks the bracket, and the iteration stops when the bracket is at most 2·tol wide (or
    its ends are adjacent doubles).

    Tolerance: the returned x is the midpoint of a final bracket [lo, hi] with g(lo) <= 0 <=
    g(hi) and hi - lo <= 2·tol, so ``|x - x*| <= tol`` in absolute terms, where ``x*`` is the
    root of F as evaluated in float64 (where F is nearly flat, between well separated
    components, a rounding error δ in F moves ``x*`` by ``δ / p(x*)``; that conditioning is the
    problem's, not the solver's).  When tol is below the spacing of doubles near ``x*``, the
    result is within one ulp.  For K = 1 the bracket has zero width and the result is exactly
    the logistic ppf.

    Args:
        q: probabilities in the open interval (0, 1), shape (...).
        pi: weights π, shape (K,) or (..., K), non-negative, summing to 1.
        mu: component locations μ, shape (..., K).
        s: component scales s > 0, shape (..., K).
        tol: absolute tolerance in x, > 0.

    Returns:
        float64 array x of the broadcast shape (...), with F(x) = q.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if q is outside (0, 1), tol <= 0, or on bad mixture parameters.

    See the book chapter book/inversion.md (and book/mixtures.md).
    """
    q = as_float_array("q", q)
    check_open_unit("q", q)
    tol = check_real_scalar("tol", tol)
    if not tol > 0:
        raise ValueError(f"tol must be > 0 (absolute tolerance in x), got tol = {tol!r}")
    pi, mu, s = _mixture_params(pi, mu, s)

    batch = _check_batch_broadcast("q", q.shape, pi, mu, s)
    k = pi.shape[-1]
    # Flatten everything to (N,) and (N, K) so the iteration can work on the active subset.
    qf = np.broadcast_to(q, batch).reshape(-1)  # (N,)
    pif = np.broadcast_to(pi, (*batch, k)).reshape(-1, k)  # (N, K)
    muf = np.broadcast_to(mu, (*batch, k)).reshape(-1, k)  # (N, K)
    sf = np.broadcast_to(s, (*batch, k)).reshape(-1, k)  # (N, K)
    with np.errstate(divide="ignore"):
        log_pi = np.log(pif)  # (N, K)

    # Bracket from the component quantiles (components of weight 0 do not matter).
    comp_q = muf + sf * sc.logit(qf)[:, None]  # (N, K)
    lo = np.min(np.where(pif > 0, comp_q, np.inf), axis=-1)  # (N,)
    hi = np.max(np.where(pif > 0, comp_q, -np.inf), axis=-1)  # (N,)
    # Start from the weighted mean of the component quantiles (inside the bracket).
    x = np.clip(np.sum(pif * comp_q, axis=-1), lo, hi)  # (N,)

    upper = qf >= 0.5  # (N,) which tail's log-CDF to use
    log_target = np.where(upper, np.log1p(-qf), np.log(qf))  # (N,) log(1 - q) or log q

    def g_and_step(idx, xi):
        """g(x) (increasing in x) and the Newton step -g/g' for the entries ``idx``."""
        z = (xi[:, None] - muf[idx]) / sf[idx]  # (n, K)
        lp = log_pi[idx]  # (n, K)
        up = upper[idx][:, None]  # (n, 1)
        log_tail = _lse(lp + sc.log_expit(np.where(up, -z, z)))  # (n,) log F or log S
        log_dens = _lse(lp + _std_logpdf(z) - np.log(sf[idx]))  # (n,) log p(x)
        g = np.where(upper[idx], log_target[idx] - log_tail, log_tail - log_target[idx])
        # g' = p/F (lower) or p/S (upper), so -g/g' = -g · exp(log_tail - log_dens).
        with np.errstate(over="ignore", invalid="ignore"):
            step = -g * np.exp(log_tail - log_dens)
        return g, step

    done = hi - lo <= 2.0 * tol  # (N,)
    active = np.flatnonzero(~done)
    step_old = np.full(qf.shape, np.inf)  # (N,) size of the step before the last
    it = 0
    while active.size:
        it += 1
        if it > _MAX_ITERS:  # cannot happen: each bisection halves a finite bracket
            raise RuntimeError("mixture_ppf did not converge; please report this input")
        xa = x[active]
        g, step = g_and_step(active, xa)
        # Shrink the bracket with the sign of g(x): g < 0 means x is left of the root.
        lo[active] = np.where(g <= 0, xa, lo[active])
        hi[active] = np.where(g >= 0, xa, hi[active])
        la, ha = lo[active], hi[active]
        width = ha - la
        mid = la + 0.5 * width
        # Converged: bracket within 2·tol, or no double strictly between its ends.
        conv = (width <= 2.0 * tol) | (mid <= la) | (mid >= ha)
        # Newton proposal; once the step is below tol/2, aim tol/2 beyond the estimated root
        # so that the next evaluation lands on the other side and closes the bracket.
        small = np.abs(step) < 0.5 * tol
        prop = xa + step + np.where(small, 0.5 * tol * np.sign(step), 0.0)
        use_newton = (
            np.isfinite(step)
            & (prop > la)
            & (prop < ha)
            & (np.abs(step) <= 0.5 * step_old[active])
            & (it <= _NEWTON_ITERS)
        )
        step_old[active] = np.where(use_newton, np.abs(step), 0.5 * width)
        x[active] = np.where(conv, mid, np.where(use_newton, prop, mid))
        active = active[~conv]

    x = np.where(done, 0.5 * (lo + hi), x)  # entries converged before the loop (e.g. K = 1)
    x = np.where(lo == hi, lo, x)
    return x.reshape(batch)


# --------------------------------------------------------------------------------------
# discretization on the vocoder grid
# --------------------------------------------------------------------------------------


def bin_centers(num_classes):
    """Centres of the quantization bins on [-1, 1]: c_j = -1 + 2j / (num_classes - 1).

    Args:
        num_classes: number of classes N >= 2 (256 for 8-bit μ-law audio, 65536 for 16 bit).

    Returns:
        float64 array of shape (N,), from -1 to 1 inclusive (the bin half-width is 1/(N - 1)).

    Raises:
        TypeError: if num_classes is not an int.
        ValueError: if num_classes < 2.

    See the book chapter book/mixtures.md.
    """
    n = check_num_classes(num_classes)
    return -1.0 + 2.0 * np.arange(n) / (n - 1)


def _component_bin_log_probs(mu, s, n):
    """log P(bin j | component k), shape (..., K, N), without cancellation.

    Bin j covers [c_j - h, c_j + h] with h = 1/(N - 1); bin 0 extends to -∞ and bin N-1 to +∞.
    With standardized edges a < b the exact identity::

        σ(b) - σ(a) = σ(b) · σ(-a) · (1 - exp(-(b - a)))

    expresses the bin mass as a product of positive factors (no difference of two nearly
    equal CDFs, which at 16 bit loses most digits), and b - a = 2h/s is formed directly.
    For the edge bins a = -∞ (resp. b = +∞) the formula gives σ(b) (resp. σ(-a)).
    """
    h = 1.0 / (n - 1)
    c = -1.0 + 2.0 * np.arange(n) / (n - 1)  # (N,)
    lower = np.concatenate([[-np.inf], c[1:] - h])  # (N,)
    upper = np.concatenate([c[:-1] + h, [np.inf]])  # (N,)
    inv_s = 1.0 / s[..., None]  # (..., K, 1)
    a = (lower - mu[..., None]) * inv_s  # (..., K, N)
    b = (upper - mu[..., None]) * inv_s  # (..., K, N)
    width = np.full(n, 2.0 * h)  # (N,)
    width[0] = width[-1] = np.inf
    d = width * inv_s  # (..., K, N) standardized bin width b - a
    # log(1 - exp(-d)) = log(-expm1(-d)); 0 for the infinite edge bins.
    log_gap = np.log(-np.expm1(-d))  # (..., K, N)
    return sc.log_expit(b) + sc.log_expit(-a) + log_gap  # (..., K, N)


def discretized_mixture_log_probs(pi, mu, s, num_classes):
    """Log-probabilities of the quantization bins under a mixture of logistics.

    Args:
        pi: weights π, shape (K,) or (..., K), non-negative, summing to 1.
        mu: component locations μ, shape (..., K) (may lie outside [-1, 1]).
        s: component scales s > 0, shape (..., K).
        num_classes: number of bins N >= 2.

    Returns:
        float64 array of shape (..., N): log P_j, see :func:`discretized_mixture_probs`; stays
        finite where P_j underflows.

    Raises:
        TypeError: if an argument is not real-valued or num_classes is not an int.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, num_classes < 2.

    See the book chapter book/mixtures.md.
    """
    n = check_num_classes(num_classes)
    pi, mu, s = _mixture_params(pi, mu, s)
    with np.errstate(divide="ignore"):
        log_pi = np.log(pi)  # (..., K)
    comp = _component_bin_log_probs(mu, s, n)  # (..., K, N)
    terms = comp + log_pi[..., None]  # (..., K, N)
    return np.minimum(_lse(np.swapaxes(terms, -1, -2)), 0.0)  # (..., N)


def discretized_mixture_probs(pi, mu, s, num_classes):
    """Probabilities of the quantization bins under a mixture of logistics (sums to 1).

    Bin j has centre c_j = -1 + 2j/(N - 1) and half-width h = 1/(N - 1); the first bin
    absorbs (-∞, -1 + h] and the last [1 - h, ∞), as in the PixelCNN++/WaveNet loss::

        P_0     = Σ_k π_k σ((c_0 + h - μ_k)/s_k)
        P_j     = Σ_k π_k [σ((c_j + h - μ_k)/s_k) - σ((c_j - h - μ_k)/s_k)],  0 < j < N-1
        P_{N-1} = Σ_k π_k σ(-(c_{N-1} - h - μ_k)/s_k)

    Each component difference is computed as σ(b)σ(-a)(1 - e^{-(b-a)}), a product of positive
    factors, so no digits are lost to cancellation even for 65536 classes and wide scales.
    Memory is O(… · K · N).

    Args:
        pi: weights π, shape (K,) or (..., K), non-negative, summing to 1 (tolerance 1e-8
            in float64, ~1e-6 in float32; see the module docstring).
        mu: component locations μ, shape (..., K) (may lie outside [-1, 1]).
        s: component scales s > 0, shape (..., K).
        num_classes: number of bins N >= 2 (256 for 8 bit, 65536 for 16 bit).

    Returns:
        float64 array of shape (..., N), non-negative, summing to 1 up to rounding.

    Raises:
        TypeError: if an argument is not real-valued or num_classes is not an int.
        ValueError: on bad weights, s <= 0, mismatched K, non-finite μ/s, num_classes < 2.

    See the book chapter book/mixtures.md.
    """
    return np.exp(discretized_mixture_log_probs(pi, mu, s, num_classes))
