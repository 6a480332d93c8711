"""Baseline: a faithful, unoptimised transcription of r9y9/wavenet_vocoder's sampler and loss.

This is the reference point of the benchmarks in this folder (issue 5). It follows the algorithm of
``wavenet_vocoder/mixture.py`` step by step, written out plainly: transpose to (B, T, 3K), slice the
three parameter blocks, pick the component with a one-hot mask and a sum, and build the loss from
float masks (``cond * a + (1 - cond) * b``) exactly as the vocoder does. The point is
faithfulness, not slowness: it is what a reader would write from the vocoder's source, and what
``molviz.vocoder`` must reproduce (the sampler bit for bit, the loss to 1e-6 relative) while being
faster.

Source studied (not copied): r9y9/wavenet_vocoder ``wavenet_vocoder/mixture.py`` (MIT licence),
itself adapted from openai/pixel-cnn and pclucas14/pixel-cnn-pp.
"""

import math

import torch
import torch.nn.functional as F


def _one_hot(index, n):
    """Float32 one-hot of ``index`` (...) along a new last axis of length ``n`` → (..., n)."""
    out = torch.zeros((*index.shape, n), dtype=torch.float32, device=index.device)
    out.scatter_(index.dim(), index.unsqueeze(-1), 1.0)
    return out


def sample(y, log_scale_min=-7.0, clamp_log_scale=False):
    """Vocoder sampler: (B, 3K, T) → (B, T) in [-1, 1] (Gumbel-max, then logistic inversion)."""
    K = y.size(1) // 3
    y = y.transpose(1, 2)  # (B, T, 3K)
    logit_probs = y[:, :, :K]  # (B, T, K)

    # Component choice: argmax of logits + Gumbel noise, u ~ U(1e-5, 1 - 1e-5).
    g = torch.empty(logit_probs.shape, dtype=y.dtype, device=y.device).uniform_(1e-5, 1.0 - 1e-5)
    noisy = logit_probs.detach() - torch.log(-torch.log(g))  # (B, T, K)
    _, k = noisy.max(dim=-1)  # (B, T)

    # Select the chosen component's parameters with a one-hot mask and a sum over K.
    mask = _one_hot(k, K)  # (B, T, K) float32
    means = torch.sum(y[:, :, K : 2 * K] * mask, dim=-1)  # (B, T)
    log_scales = torch.sum(y[:, :, 2 * K : 3 * K] * mask, dim=-1)  # (B, T)
    if clamp_log_scale:
        log_scales = torch.clamp(log_scales, min=log_scale_min)

    # Logistic by inversion of its CDF, u ~ U(1e-5, 1 - 1e-5).
    u = torch.empty(means.shape, dtype=means.dtype, device=means.device).uniform_(1e-5, 1.0 - 1e-5)
    x = means + torch.exp(log_scales) * (torch.log(u) - torch.log(1.0 - u))
    return torch.clamp(torch.clamp(x, min=-1.0), max=1.0)


def _log_sum_exp(x):
    """Log-sum-exp over the last axis, max-shifted (as the vocoder writes it)."""
    m, _ = torch.max(x, dim=-1)
    m_keep, _ = torch.max(x, dim=-1, keepdim=True)
    return m + torch.log(torch.sum(torch.exp(x - m_keep), dim=-1))


def loss(y_hat, y, num_classes=256, log_scale_min=-7.0, reduce=True):
    """Vocoder discretized MoL loss: y_hat (B, 3K, T), y (B, T, 1) → sum over B·T, or (B, T, 1)."""
    K = y_hat.size(1) // 3
    y_hat = y_hat.transpose(1, 2)  # (B, T, 3K)
    logit_probs = y_hat[:, :, :K]
    means = y_hat[:, :, K : 2 * K]
    log_scales = torch.clamp(y_hat[:, :, 2 * K : 3 * K], min=log_scale_min)

    y = y.expand_as(means)  # (B, T, K)
    centered = y - means
    inv_s = torch.exp(-log_scales)
    plus_in = inv_s * (centered + 1.0 / (num_classes - 1))
    cdf_plus = torch.sigmoid(plus_in)
    min_in = inv_s * (centered - 1.0 / (num_classes - 1))
    cdf_min = torch.sigmoid(min_in)

    log_cdf_plus = plus_in - F.softplus(plus_in)  # lowest bin: log F(upper edge)
    log_one_minus_cdf_min = -F.softplus(min_in)  # highest bin: log(1 - F(lower edge))
    cdf_delta = cdf_plus - cdf_min  # interior bins

    mid_in = inv_s * centered
    log_pdf_mid = mid_in - log_scales - 2.0 * F.softplus(mid_in)

    interior_cond = (cdf_delta > 1e-5).float()
    interior = interior_cond * torch.log(torch.clamp(cdf_delta, min=1e-12)) + (
        1.0 - interior_cond
    ) * (log_pdf_mid - math.log((num_classes - 1) / 2))
    upper_cond = (y > 0.999).float()
    upper_or_interior = upper_cond * log_one_minus_cdf_min + (1.0 - upper_cond) * interior
    lower_cond = (y < -0.999).float()
    log_probs = lower_cond * log_cdf_plus + (1.0 - lower_cond) * upper_or_interior

    log_probs = log_probs + F.log_softmax(logit_probs, -1)
    if reduce:
        return -torch.sum(_log_sum_exp(log_probs))
    return -_log_sum_exp(log_probs).unsqueeze(-1)
