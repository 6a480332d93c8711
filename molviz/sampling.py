"""PyTorch building blocks for sampling a mixture of logistics: Gumbel-max and inversion.

The vocoder's sampler (r9y9/wavenet_vocoder ``mixture.py``, after openai/pixel-cnn) does two
things for every (batch, time) position, all positions at once:

1. choose a component k with probability π_k = softmax(logits)_k by the Gumbel-max trick,
   ``k = argmax_k (logit_k + G_k)`` with G_k = -log(-log u_k) standard Gumbel noise;
2. draw from the chosen logistic by inversion, ``x = μ_k + s_k · logit(u)``.

Uniforms are drawn with ``tensor.uniform_(eps, 1 - eps)`` (ε = 1e-5 in the vocoder), which keeps
every logarithm finite but truncates: Gumbel noise lies in [-log(-log ε), -log(-log(1-ε))]
≈ [-2.4435, 11.5129] (:func:`gumbel_bounds`) and logistic draws in μ ± s·log((1-ε)/ε)
≈ μ ± 11.5129 s (:func:`truncation_bound`).  U(ε, 1-ε) is within total variation 2ε of U(0, 1),
so each selection probability is off by at most 2Kε and each CDF value by at most 2(K+1)ε;
``molviz.gumbel.gumbel_max_probs`` gives the exact selection probabilities under the clip.
:func:`inverse_cdf_choice` draws from softmax(logits) exactly (no clip) by inverting the
cumulative weights, with one uniform per row instead of K.

:func:`sample_mol` consumes the random stream in the vocoder's order (a (..., K) uniform tensor
for the Gumbel noise, then a (...) tensor for the inversion), so with the same generator state it
chooses the same components as the vocoder.  It inverts with ``torch.logit(u)``; only
``molviz/vocoder.py`` keeps the vocoder's float32 expression ``log(u) - log(1 - u)`` to stay
bit-identical, so the values here may differ from the vocoder's in the last bits.

Overflow: a draw is μ + s·logit(u) with abs(logit(u)) <= log(2/ε) (u rounded to the dtype), so
the samplers refuse, with a ValueError naming the argument, the dtype and the limit, any
log-scale above log(M / (2 log(2/ε))) (85.528 in float32, 706.588 in float64 at ε = 1e-5;
minus log τ with a temperature τ) and any abs(μ) above M/2, M the dtype's largest value.  Inside
these limits no draw can be ±inf; the documented working range (log-scales -20..3, means
beyond ±1, logits spread in the thousands) is far inside them.

See the book chapters book/gumbel_max.md and book/inversion.md.
"""

from __future__ import annotations

import math

import torch

from molviz._validate import (
    check_broadcast,
    check_eps,
    check_finite_range,
    check_floating_tensor,
    check_logits,
    check_mixture_shapes,
    check_temperature,
)

__all__ = [
    "gumbel_bounds",
    "gumbel_max",
    "gumbel_noise",
    "inverse_cdf_choice",
    "sample_logistic",
    "sample_mol",
    "truncation_bound",
]


def truncation_bound(eps=1e-5):
    """Largest ``|x - μ| / s`` an ε-clipped inversion sampler can produce: log((1 - ε)/ε).

    Args:
        eps: uniform clipping ε in (0, 0.5).

    Returns:
        float, logit(1 - ε) = log((1 - ε)/ε) ≈ 11.5129 for ε = 1e-5 (in exact arithmetic;
        float32 rounding of u moves it by ~1e-2 at most).

    Raises:
        TypeError: if ε is not a real number.
        ValueError: if ε is not in (0, 0.5).

    See the book chapter book/inversion.md.
    """
    e = check_eps(eps)
    return math.log1p(-e) - math.log(e)


def gumbel_bounds(eps=1e-5):
    """Range of the Gumbel noise -log(-log u) for u in [ε, 1 - ε].

    Args:
        eps: uniform clipping ε in (0, 0.5).

    Returns:
        (lo, hi) floats: lo = -log(-log ε) ≈ -2.4435 and hi = -log(-log(1 - ε)) ≈ 11.5129
        for ε = 1e-5.

    Raises:
        TypeError: if ε is not a real number.
        ValueError: if ε is not in (0, 0.5).

    See the book chapter book/gumbel_max.md.
    """
    e = check_eps(eps)
    return -math.log(-math.log(e)), -math.log(-math.log1p(-e))


def _uniform(shape, eps, generator, dtype, device):
    """u ~ U(ε, 1 - ε) drawn exactly as the vocoder does: ``empty(shape).uniform_(ε, 1 - ε)``."""
    return torch.empty(shape, dtype=dtype, device=device).uniform_(
        eps, 1.0 - eps, generator=generator
    )


def gumbel_noise(shape, eps=1e-5, generator=None, dtype=None, device=None):
    """Standard Gumbel noise G = -log(-log u) with u ~ U(ε, 1 - ε).

    Args:
        shape: output shape, e.g. (B, T, K).
        eps: uniform clipping ε in (0, 0.5); G then lies in :func:`gumbel_bounds` (ε).
        generator: optional ``torch.Generator`` (default: torch's global generator).
        dtype: floating dtype (default ``torch.get_default_dtype()``).
        device: device of the result.

    Returns:
        Tensor of the given shape: G = -log(-log u).  Exactly one ``uniform_`` call is made,
        so the random stream advances as in the vocoder's ``logit_probs - log(-log u)``.

    Raises:
        TypeError: if ε is not a real number or dtype is not floating.
        ValueError: if ε is not in (0, 0.5) or 1 - ε rounds to 1 in ``dtype``.

    See the book chapter book/gumbel_max.md.
    """
    dtype = torch.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating dtype (e.g. torch.float32), got {dtype}")
    e = check_eps(eps, dtype)
    u = _uniform(shape, e, generator, dtype, device)
    return -torch.log(-torch.log(u))


def _gumbel_argmax(logits, e, generator, tau):
    """argmax_k (logits_k / τ + G_k) over the last axis, drawing G on logits' shape."""
    noise = gumbel_noise(logits.shape, e, generator, logits.dtype, logits.device)  # (..., K)
    scores = logits if tau == 1.0 else logits / tau  # (..., K)
    # ``max(dim=-1)`` (not argmax) so that ties resolve as in the vocoder.
    return (scores + noise).max(dim=-1).indices  # (...)


def gumbel_max(logits, eps=1e-5, generator=None, temperature=1.0):
    """Draw component indices k ~ softmax(logits / τ) by the Gumbel-max trick.

    Args:
        logits: logits a, Tensor of shape (..., K) (floating; -inf marks weight 0).
        eps: uniform clipping ε in (0, 0.5) for the noise (each probability is then off by at
            most 2Kε, see the module docstring).
        generator: optional ``torch.Generator``.
        temperature: τ > 0; the logits are divided by τ, so τ < 1 sharpens and τ > 1 flattens
            the categorical distribution (τ = 1: exact softmax(a); the division is skipped).

    Returns:
        LongTensor of shape (...): k = argmax_k (a_k / τ + G_k), G_k = -log(-log u_k).

    Raises:
        TypeError: if logits is not a floating tensor, or ε/τ are not real numbers.
        ValueError: if logits has no component axis, contains NaN/+inf or a row of only -inf,
            or ε ∉ (0, 0.5), or τ <= 0.

    See the book chapter book/gumbel_max.md.
    """
    check_floating_tensor("logits", logits)
    check_logits("logits", logits)
    tau = check_temperature(temperature)
    e = check_eps(eps, logits.dtype)
    return _gumbel_argmax(logits, e, generator, tau)


def inverse_cdf_choice(logits, generator=None):
    """Draw component indices k ~ softmax(logits) by inverting the cumulative weights.

    One uniform u ~ U[0, 1) per row; the chosen index is the first k whose normalized
    cumulative weight exceeds u, ``k = min {k : (π_0 + ... + π_k) / (π_0 + ... + π_{K-1}) > u}``.
    This is the inversion method of book/inversion.md applied to a discrete distribution.  It
    has exactly the law softmax(a), like :func:`gumbel_max` with untruncated noise (there is
    no ε clipping here), but consumes the random stream differently (one uniform per row
    instead of K), so with the same generator state the two give different index sequences.

    Dividing by the computed total makes the last cumulative value exactly 1 > u, and a
    component of weight 0 (logit -inf) has the same cumulative value as its predecessor, so it
    can never be chosen.  The computation runs in the logits' dtype (float16 and bfloat16 in
    float32), where u is a multiple of the dtype's resolution: in float32 (u on a grid of
    2^-24) each probability is realized to within about 6e-8, in float64 to about 1e-16; use
    float64 logits when rare components matter.

    Args:
        logits: logits a, Tensor of shape (..., K) (floating; -inf marks weight 0).
        generator: optional ``torch.Generator`` (one uniform per row is drawn).

    Returns:
        LongTensor of shape (...): ``k = searchsorted(cumsum(π) / sum(π), u, right=True)``.

    Raises:
        TypeError: if logits is not a floating tensor.
        ValueError: if logits has no component axis, contains NaN/+inf or a row of only -inf.

    See the book chapter book/gumbel_max.md.
    """
    check_floating_tensor("logits", logits)
    check_logits("logits", logits)
    dtype = logits.dtype if logits.dtype in (torch.float32, torch.float64) else torch.float32
    a = logits.detach().to(dtype)  # (..., K)
    cum = torch.cumsum(torch.softmax(a, dim=-1), dim=-1)  # (..., K)
    cum = cum / cum[..., -1:]  # (..., K), last entry exactly 1
    u = torch.rand((*a.shape[:-1], 1), generator=generator, dtype=dtype, device=a.device)
    return torch.searchsorted(cum, u, right=True).squeeze(-1)  # (...), <= K - 1 since u < 1


def _check_loc_log_scale(mu_name, mu, ls_name, log_s, e, tau=1.0):
    """Check that x = μ + τ·exp(log s)·logit(u), u ∈ [ε, 1 - ε], is finite for every u.

    abs(logit(u)) <= log(2/ε) for u in [ε, 1 - ε] even after rounding u to the dtype (u and 1 - u
    stay >= ε/2), so it is enough that τ·s·log(2/ε) <= M/2 with M the largest value of
    ``log_s``' dtype (where exp(log s) is computed), and abs(μ) <= M'/2 with M' that of the
    result dtype.  Each is one ``aminmax`` pass, which also rejects NaN and ±inf.
    """
    bound = math.log(2.0 / e)
    ls_dtype = log_s.dtype
    big = torch.finfo(ls_dtype).max
    hi = math.log(big) - math.log(2.0 * bound) - math.log(tau)
    with_tau = f" and temperature = {tau:g} (the scale used is τ·s)" if tau != 1.0 else ""
    check_finite_range(
        ls_name,
        log_s,
        "log-scales log s",
        hi=hi,
        why=(
            f", the largest usable value for {ls_dtype} with eps = {e:g}{with_tau} (above it "
            f"s = exp(log s) times |logit(u)| <= log(2/eps) = {bound:.4g} can exceed half the "
            f"largest {ls_dtype}, {big:.4g}, and the sample overflow to inf)"
        ),
    )
    out_dtype = torch.promote_types(mu.dtype, ls_dtype)
    half = torch.finfo(out_dtype).max / 2
    check_finite_range(
        mu_name,
        mu,
        "locations μ",
        lo=-half,
        hi=half,
        why=f", half the largest {out_dtype} (so that μ + s·logit(u) cannot overflow to inf)",
    )


def sample_logistic(mu, log_s, eps=1e-5, generator=None):
    """Draw from logistic distributions by inversion, x = μ + s · logit(u), u ~ U(ε, 1 - ε).

    Args:
        mu: locations μ, Tensor of shape (...), abs(μ) at most half the dtype's largest value.
        log_s: log-scales log s, Tensor broadcasting against μ (finite; s = exp(log s)), at
            most log(M / (2 log(2/ε))) with M the largest value of its dtype (85.528 for
            float32, 706.588 for float64 at ε = 1e-5), so that no sample can overflow to ±inf.
        eps: uniform clipping ε in (0, 0.5): samples lie in μ ± s · :func:`truncation_bound` (ε),
            i.e. the logistic truncated to the central 1 - 2ε of its mass.
        generator: optional ``torch.Generator``.

    Returns:
        Tensor of the broadcast shape and μ's dtype (one ``uniform_`` draw of that shape).
        The sample is differentiable in μ and log s (reparameterization):
        x = μ + exp(log s) · log(u / (1 - u)).

    Raises:
        TypeError: if μ or log s is not a floating tensor, or ε is not a real number.
        ValueError: if μ or log s is not finite or beyond the limits above (the message names
            the argument, the dtype and the largest usable value), the shapes do not
            broadcast, or ε ∉ (0, 0.5).

    See the book chapter book/inversion.md.
    """
    check_floating_tensor("mu", mu)
    check_floating_tensor("log_s", log_s)
    shape = check_broadcast(mu=mu, log_s=log_s)
    e = check_eps(eps, mu.dtype)
    _check_loc_log_scale("mu", mu, "log_s", log_s, e)
    u = _uniform(shape, e, generator, mu.dtype, mu.device)  # (...)
    return mu + torch.exp(log_s) * torch.logit(u)  # (...)


def sample_mol(
    logit_probs,
    means,
    log_scales,
    generator=None,
    *,
    eps=1e-5,
    temperature=1.0,
    return_index=False,
):
    """Draw from mixtures of logistics: Gumbel-max component choice, then inversion.

    Random draws, in the vocoder's order: one ``uniform_(ε, 1 - ε)`` on a (..., K) tensor
    (the Gumbel noise) and then one on a (...) tensor (the inversion), so with K components
    and the same generator state the chosen components equal r9y9/wavenet_vocoder's.

    Temperature τ (τ = 1 is the exact mixture): the component is drawn from softmax(a / τ) and
    the chosen logistic's scale is multiplied by τ, x = μ_k + τ s_k · logit(u).  τ → 0 tends to
    the location of the most probable component; τ > 1 flattens the weights and widens every
    component.

    Formula, per position (...): k = argmax_k (a_k / τ + G_k), G_k = -log(-log u_k), then
    x = μ_k + τ · exp(log s_k) · logit(u), with u_k, u ~ U(ε, 1 - ε).

    Args:
        logit_probs: logits a, Tensor (..., K), floating (-inf marks a component of weight 0).
        means: locations μ, Tensor (..., K), finite, abs(μ) at most half the dtype's largest value.
        log_scales: log-scales log s, Tensor (..., K), finite (no clamping is applied here;
            the vocoder's ``log_scale_min`` belongs to molviz.vocoder) and at most
            log(M / (2 log(2/ε))) - log τ, M the largest value of the dtype (85.528 for
            float32, 706.588 for float64, at ε = 1e-5 and τ = 1), so that no draw can overflow.
        generator: optional ``torch.Generator`` (default: torch's global generator); may be
            passed positionally, ``sample_mol(a, mu, log_s, gen)``.
        eps: keyword-only; uniform clipping ε in (0, 0.5) for both draws.
        temperature: keyword-only; τ > 0, see above.
        return_index: keyword-only; also return the chosen component indices.

    Returns:
        x, Tensor (...) in ``means``' dtype; and k, LongTensor (...), if ``return_index``.
        The leading dims of the three inputs broadcast; x is differentiable in means and
        log_scales (for the chosen components).

    Raises:
        TypeError: if an input is not a floating tensor, or ε/τ are not real numbers.
        ValueError: if the last dims differ (K), shapes do not broadcast, values are NaN/inf
            (logits: NaN/+inf or a row of -inf), a log-scale or mean is beyond the limits
            above (the message names the argument, the dtype and the largest usable value),
            ε ∉ (0, 0.5) or τ <= 0.

    See the book chapters book/gumbel_max.md and book/inversion.md.
    """
    check_floating_tensor("logit_probs", logit_probs)
    check_floating_tensor("means", means)
    check_floating_tensor("log_scales", log_scales)
    check_mixture_shapes(logit_probs=logit_probs, means=means, log_scales=log_scales)
    check_logits("logit_probs", logit_probs)
    tau = check_temperature(temperature)
    e = check_eps(eps, logit_probs.dtype)
    check_eps(e, means.dtype)
    _check_loc_log_scale("means", means, "log_scales", log_scales, e, tau)
    logit_probs, means, log_scales = torch.broadcast_tensors(logit_probs, means, log_scales)

    k = _gumbel_argmax(logit_probs, e, generator, tau)  # (...)
    idx = k.unsqueeze(-1)  # (..., 1)
    mu = means.gather(-1, idx).squeeze(-1)  # (...)
    log_s = log_scales.gather(-1, idx).squeeze(-1)  # (...)
    if tau != 1.0:
        log_s = log_s + math.log(tau)  # s · τ
    u = _uniform(mu.shape, e, generator, mu.dtype, mu.device)  # (...)
    x = mu + torch.exp(log_s) * torch.logit(u)  # (...)
    return (x, k) if return_index else x
