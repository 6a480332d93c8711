"""The Gaussian counterparts of the logistic machinery: discretized bins and the vocoder option.

Two parts, both used by the book chapter book/why_logistic.md.

**Discretized Gaussian bin probabilities (numpy).**  A vocoder that scored each datum with a
Gaussian N(μ, sd²) by the probability of its quantization bin, exactly as the logistic mixture
loss does (:func:`molviz.mixture.discretized_mixture_log_probs`), would use bins j of N with
centre ``c_j = -1 + 2j/(N - 1)`` and half-width ``h = 1/(N - 1)``, the first bin absorbing
``(-∞, -1 + h]`` and the last ``[1 - h, ∞)``; with standardized edges
``a_j = (c_j - h - μ)/sd`` and ``b_j = (c_j + h - μ)/sd``::

    P_0 = Φ(b_0),   P_j = Φ(b_j) - Φ(a_j),   P_{N-1} = Φ(-a_{N-1}) = 1 - Φ(a_{N-1}).

Unlike the logistic's σ(b) - σ(a) = σ(b)σ(-a)(1 - exp(-(b - a))), the difference Φ(b) - Φ(a)
has no product form, and computed directly it cancels in two places: far in a tail (both
terms tiny, or both close to 1, the Gaussian's are below 1e-300 beyond 37 sd) and for narrow
bins (a 16-bit bin is 3e-5 wide).  :func:`discretized_gaussian_log_probs` therefore uses, per
bin, the form that does not cancel (see its docstring); all of them are elementary calls to
``scipy.special.log_ndtr`` (log Φ) and ``erfcx`` (the scaled complementary error function).

**The vocoder's Gaussian-mixture option (torch).**  r9y9/wavenet_vocoder
(``wavenet_vocoder/mixture.py``) offers, next to the mixture of logistics, a mixture of
Gaussians in the same channel layout, following ClariNet (Ping et al., 2019)::

    (B, 3K, T):  channels [0, K) logits a_k,  [K, 2K) means μ_k,  [2K, 3K) log-scales log s_k
    (B, 2, T):   K = 1 without a logit channel: channel 0 the mean μ, channel 1 log s

:func:`sample_from_mix_gaussian` chooses the component exactly as the logistic sampler does
(Gumbel-max on the same clipped uniforms) and then draws x = μ_k + s_k·z with z ~ N(0, 1)
instead of μ_k + s_k·logit(u); :func:`mix_gaussian_loss` is the negative *continuous*
log-density of the mixture, not a discretized bin probability.  Both give the vocoder's values
under the same signatures (the sampler bit for bit under the same seed; tests/test_gaussian.py
checks both against a transcription of the vocoder's code).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from scipy.special import erfcx, log_ndtr

from molviz._validate import as_float_array, check_num_classes, check_positive
from molviz.vocoder import _check_bool, _check_log_scale_min, _check_target  # the same checks

__all__ = [
    "discretized_gaussian_log_probs",
    "discretized_gaussian_probs",
    "mix_gaussian_loss",
    "sample_from_mix_gaussian",
]

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


# ----------------------------------------------------------------------------------------------
# The vocoder's Gaussian-mixture option (torch): sampler and continuous-density loss

_DTYPES = (torch.float32, torch.float64)
# The vocoder draws the Gumbel uniforms from U(1e-5, 1 - 1e-5), both bounds Python floats.
_U_LO = 1e-5
_U_HI = 1.0 - 1e-5


def _check_mog_tensor(name, y):
    """Return (B, K, T, has_logits) of a (B, 3K, T) or (B, 2, T) float tensor, else raise.

    ``has_logits`` is False for the two-channel layout ``[μ | log s]`` (K = 1).
    """
    if not isinstance(y, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape (B, 3K, T) (logits | means | log-scales) "
            f"or (B, 2, T) (mean | log-scale), got {type(y).__name__}"
        )
    if y.dtype not in _DTYPES:
        raise TypeError(
            f"{name} must have dtype torch.float32 or torch.float64, got {y.dtype}; "
            f"convert with {name}.float()"
        )
    if y.dim() != 3:
        raise ValueError(
            f"{name} must have 3 dimensions, shape (B, 3K, T) or (B, 2, T), got {y.dim()} "
            f"dimensions with shape {tuple(y.shape)}"
        )
    B, C, T = y.shape
    if C == 2:
        return B, 1, T, False
    if C == 0 or C % 3:
        raise ValueError(
            f"{name} must have 2 channels (K = 1: mean, log-scale) or a positive multiple of 3 "
            f"(K logits, K means, K log-scales), got shape {tuple(y.shape)} with {C} channels"
        )
    return B, C // 3, T, True


def sample_from_mix_gaussian(y, log_scale_min=-7.0, clamp_log_scale=False, *, generator=None):
    """Draw one sample per time step from the vocoder's mixture of Gaussians.

    The Gaussian option of r9y9/wavenet_vocoder (``sample_from_mix_gaussian``), with the same
    layout, random stream and float operations: under the same ``torch.manual_seed`` (or the
    same ``generator`` state) it returns the vocoder's samples bit for bit and leaves the
    generator in the same state.  For every (b, t)::

        u_k ~ U(1e-5, 1 - 1e-5), k = 0..K-1     (one (B, T, K) draw; only if K > 1)
        k*  = argmax_k [a_k - log(-log u_k)]     (Gumbel-max, the first maximum on ties)
        z   ~ N(0, 1)                            (one (B, T) draw, as torch.normal makes it)
        x   = μ_k* + exp(log s_k*) · z           (rounded as s·z, then μ + (s·z))
        x   ← clamp(x, -1, 1)

    Only the within-component draw differs from the logistic sampler
    (:func:`molviz.vocoder.sample_from_discretized_mix_logistic`), whose last lines are
    ``u ~ U(1e-5, 1 - 1e-5)`` and ``x = μ_k* + s_k*·(log u - log(1 - u))``: the component
    choice consumes the same uniforms, so under the same seed both samplers pick the same
    component at every step.  The Gaussian draw is not truncated (no clipped uniform); the
    clamp to [-1, 1] puts the mass outside on the two ends.  With K = 1 the vocoder draws no
    Gumbel noise at all, and a (B, 3, T) input's logit channel is ignored.

    Args:
        y: Tensor (B, 3K, T), float32 or float64: logits a (channels [0, K)), means μ
            ([K, 2K)), log-scales log s ([2K, 3K)); or (B, 2, T): mean μ (channel 0) and
            log-scale log s (channel 1) of a single Gaussian.  Gradients flow to μ and log s
            of the chosen components through x = μ + s·z (the vocoder's draw is detached;
            its values are the same).
        log_scale_min: lower clamp for log s, used only if ``clamp_log_scale`` (the vocoder's
            sampler accepts it and never uses it; it clamps only in the loss).
        clamp_log_scale: clamp log s at ``log_scale_min`` before exp (default False, as the
            vocoder).
        generator: optional ``torch.Generator`` (default: torch's global generator).

    Returns:
        Tensor (B, T) in [-1, 1], dtype of y.

    Raises:
        TypeError: y not a float32/float64 tensor; log_scale_min not a real number;
            clamp_log_scale not a bool; generator not a ``torch.Generator``.
        ValueError: y not 3-D, or its channel count neither 2 nor a positive multiple of 3;
            log_scale_min NaN or +inf; a NaN logit; a non-finite sample before the clamp
            (a chosen μ or log s not finite, or exp(log s) overflowing).  A log-scale of −inf
            (s = 0) gives x = μ, where the vocoder's ``torch.distributions.Normal`` refuses
            a zero scale.

    See the book chapter book/why_logistic.md.
    """
    B, K, T, has_logits = _check_mog_tensor("y", y)
    log_scale_min = _check_log_scale_min(log_scale_min)
    _check_bool("clamp_log_scale", clamp_log_scale)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    opts = {"dtype": y.dtype, "device": y.device}
    off = K if has_logits else 0  # first channel of the means
    if K == 1:  # no component to choose, and no random number spent on it
        means, log_s = y[:, off], y[:, off + 1]  # (B, T), (B, T)
    else:
        logits = y[:, :K].detach().transpose(1, 2)  # (B, T, K)
        if torch.isnan(logits).any():
            raise ValueError("y must not contain NaN logits (channels [0, K)), got a NaN")
        u = torch.empty(B, T, K, **opts).uniform_(_U_LO, _U_HI, generator=generator)
        k = (logits - torch.log(-torch.log(u))).max(dim=-1).indices  # (B, T)
        idx = k.unsqueeze(1)  # (B, 1, T)
        means = y[:, K : 2 * K].gather(1, idx).squeeze(1)  # (B, T)
        log_s = y[:, 2 * K :].gather(1, idx).squeeze(1)  # (B, T)
    if clamp_log_scale:
        log_s = torch.clamp(log_s, min=log_scale_min)
    # torch.normal(μ, s) fills its output with N(0, 1) draws, then multiplies by s and adds μ;
    # the same draw and the same two roundings here give its bits, with gradients.
    z = torch.empty(B, T, **opts).normal_(generator=generator)  # (B, T)
    x = means + torch.exp(log_s) * z  # (B, T)
    if not bool(torch.isfinite(x.detach()).all()):
        bad = (~torch.isfinite(x.detach())).nonzero()[0].tolist()
        raise ValueError(
            f"y gave a non-finite sample at (b, t) = {tuple(bad)}: the chosen component's mean "
            f"μ = {float(means[bad[0], bad[1]])!r} and log-scale log s = "
            f"{float(log_s[bad[0], bad[1]])!r} must be finite with exp(log s) finite"
        )
    return torch.clamp(x, min=-1.0, max=1.0)


def mix_gaussian_loss(y_hat, y, log_scale_min=-7.0, reduce=True):
    """Negative continuous log-density of the vocoder's mixture of Gaussians.

    The ``mix_gaussian_loss`` of r9y9/wavenet_vocoder (which follows ClariNet): with
    s_k = exp(max(log s_k, log_scale_min)) and π = softmax(a),

        loss(y) = -log Σ_{k=0}^{K-1} π_k · N(y; μ_k, s_k²),
        log N(y; μ, s²) = -((y - μ)/s)²/2 - log s - log √(2π),

    summed over the B·T steps if ``reduce`` (a sum, not a mean, like the logistic loss).  It is
    a *density*, not the probability of a quantization bin: it has units of 1/amplitude, can
    be negative (a narrow component has density above 1), and for a bin of width 2h = 2/(N - 1)
    it relates to the bin probability by -log P(bin) ≈ loss - log(2h) only when s ≫ h.  With
    K = 1 the logits (if present) are ignored.  Equal to the vocoder's value and gradients to
    float rounding (not bit for bit: the vocoder evaluates ``log(exp(log s))`` and
    ``(y - μ)²/(2s²)`` through ``torch.distributions.Normal``; here log s is used as is and
    the residual is standardized first, which stays finite for tiny s).

    Args:
        y_hat: Tensor (B, 3K, T) (logits | means | log-scales) or (B, 2, T) (mean | log-scale),
            float32/float64.
        y: target Tensor (B, T, 1) in [-1, 1], same dtype and device as y_hat (any value in
            the range: no grid is assumed).
        log_scale_min: lower clamp of the log-scales (always applied here; −inf disables it).
        reduce: return the sum over B·T (a scalar) if True, else the (B, T, 1) per-step losses.

    Returns:
        Scalar tensor (sum of negative log-densities in nats), or (B, T, 1).

    Raises:
        TypeError: non-tensor or non-float input; dtype mismatch; log_scale_min not a real
            number; reduce not a bool.
        ValueError: y_hat not (B, 3K, T) or (B, 2, T); y not (B, T, 1) or outside [-1, 1];
            non-finite y_hat; a loss that overflows (a log-scale so small, with the clamp
            lowered, that 1/s overflows).

    See the book chapter book/why_logistic.md.
    """
    B, K, T, has_logits = _check_mog_tensor("y_hat", y_hat)
    _check_target(y_hat, y, B, T)
    log_scale_min = _check_log_scale_min(log_scale_min)
    _check_bool("reduce", reduce)
    if not bool(torch.isfinite(y_hat.detach()).all()):
        raise ValueError("y_hat must be finite (logits, means and log-scales), got NaN or inf")
    off = K if has_logits else 0  # first channel of the means
    means = y_hat[:, off : off + K]  # (B, K, T)
    log_s = torch.clamp(y_hat[:, off + K : off + 2 * K], min=log_scale_min)  # (B, K, T)
    z = (y.reshape(B, 1, T) - means) * torch.exp(-log_s)  # (B, K, T) standardized residuals
    log_p = -0.5 * z * z - log_s - _LOG_SQRT_2PI  # (B, K, T) log N(y; μ_k, s_k²)
    if K > 1:
        log_p = log_p + F.log_softmax(y_hat[:, :K], dim=1)  # (B, K, T) + log π_k
        log_f = torch.logsumexp(log_p, dim=1)  # (B, T)
    else:
        log_f = log_p[:, 0]  # (B, T)
    if not bool(torch.isfinite(log_f.detach()).all()):
        raise ValueError(
            f"the loss is not finite: a log-scale with log_scale_min = {log_scale_min!r} is so "
            f"small that exp(-log s) overflows in {y_hat.dtype}; raise log_scale_min"
        )
    nll = -log_f  # (B, T)
    return nll.sum() if reduce else nll.unsqueeze(-1)
