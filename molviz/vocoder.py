"""The vocoder's MoL sampler and loss: bit-identical to r9y9/wavenet_vocoder, and faster.

WaveNet vocoders (r9y9/wavenet_vocoder ``wavenet_vocoder/mixture.py``, adapted from openai/pixel-cnn
and pclucas14/pixel-cnn-pp) predict, for every time step, K logistic components packed along the
channel axis of a (B, 3K, T) tensor::

    channels [0, K)    logits a_k        (π = softmax(a))
    channels [K, 2K)   means μ_k
    channels [2K, 3K)  log-scales log s_k

This module gives the vocoder's two functions with the same signatures, defaults and results,

* :func:`sample_from_discretized_mix_logistic` — Gumbel-max component choice, then logistic
  inversion, bit for bit the vocoder's output under the same ``torch.manual_seed`` (and the same
  generator state afterwards), for float32 and float64 input;
* :func:`discretized_mix_logistic_loss` — the discretized negative log-likelihood; on torch 2.13
  its value and gradients are bit-identical to the vocoder's (tests/test_vocoder.py), and in any
  case equal to float32 rounding,

plus :func:`discretized_mix_logistic_loss_corrected` (exact bin probabilities, edge bins chosen by
grid index), :func:`unpack_mol_params` / :func:`pack_mol_params` for the channel layout, and
:func:`bits_per_sample`.  ``method="inverse_cdf"`` is an opt-in sampler with the same law that
draws 2 instead of K + 1 uniforms per step (a different random stream).

Why it is faster without changing the result (book/appendix/performance.md has the numbers):

* one ``uniform_`` call fills a single buffer of B·T·K + B·T floats; the CPU generator fills a
  tensor serially, so the first B·T·K values are exactly the vocoder's (B, T, K) Gumbel draw and
  the last B·T its (B, T) logistic draw;
* the chosen component's μ and log s are gathered instead of summed against a one-hot mask (x·1 + 0
  + ... + 0 = x exactly for finite x, so the values are the same);
* the argmax over K is taken in the (B, K, T) layout with ``amax`` (vectorized along T), an equality
  mask and a tiny matrix product that returns both the number of maxima and their index; rows with
  ties fall back to ``torch.max``, which returns the first maximum as the vocoder's ``max`` does;
* a single step (B·T = 1) skips the tensor machinery: the transcendental functions (log, exp) are
  still torch's own kernels, the rest (subtract, argmax, multiply, add) is IEEE float arithmetic in
  numpy, which rounds identically;
* the loss is one autograd node whose backward replays the vocoder's gradient formulas (the
  ``aten`` sigmoid/softplus backward kernels, the same operation order and memory layouts) but
  only for the branch each element actually takes, instead of differentiating through
  ``cond * a + (1 - cond) * b``; branches are merged with 0/1 float masks, and exp/softplus/sigmoid
  skip the CPU's slow subnormal arithmetic where that provably changes no bit.

Non-finite input.  The sampler does not scan all of ``y`` (that pass would cost as much as the
sampling itself).  It raises ``ValueError`` naming ``y`` when a non-finite value reaches its result:
a NaN logit, or a chosen component whose μ or log s is not finite or whose exp(log s) overflows.
A log-scale of −inf (s = 0) gives x = μ; ±inf logits behave as in the vocoder (a +inf logit is
chosen; −inf is never chosen unless the whole row is −inf).  NaN or inf in components that were
not chosen do not influence the sample and are not reported (the vocoder returns NaN there,
through 0 · inf in its one-hot product).  The losses read every parameter and raise
``ValueError`` on any non-finite one.  One more corner: when the chosen log s is so small that
exp underflows to 0 (below -103 in float32), a sample of exactly zero may differ from the
vocoder's in the sign of the zero.

See the book chapters book/vocoder_sampler.md and book/training.md.
"""

from __future__ import annotations

import contextlib
import math
from collections import namedtuple

import numpy as np
import torch
import torch.nn.functional as F

from molviz._validate import check_num_classes

__all__ = [
    "MoLParams",
    "bits_per_sample",
    "discretized_mix_logistic_loss",
    "discretized_mix_logistic_loss_corrected",
    "pack_mol_params",
    "sample_from_discretized_mix_logistic",
    "unpack_mol_params",
]

# The vocoder draws every uniform from U(1e-5, 1 - 1e-5); both bounds are Python floats.
_U_LO = 1e-5
_U_HI = 1.0 - 1e-5
_DTYPES = (torch.float32, torch.float64)
# From this many Gumbel draws (B·T·K) on, the amax/equality/matmul argmax beats torch.max.
_BIG_ARGMAX = 1 << 15
_METHODS = ("gumbel", "inverse_cdf")

MoLParams = namedtuple("MoLParams", ["logit_probs", "means", "log_scales"])
MoLParams.__doc__ = """Mixture-of-logistics parameters, each a (B, T, K) tensor.

Fields:
    logit_probs: logits a (π = softmax(a) over K), (B, T, K).
    means: component means μ, (B, T, K).
    log_scales: component log-scales log s, (B, T, K).
"""


# ----------------------------------------------------------------------------------------------
# argument checks


def _shape_error(name, y):
    """The ValueError/TypeError for a y that is not a (B, 3K, T) float32/float64 tensor."""
    if not isinstance(y, torch.Tensor):
        return TypeError(
            f"{name} must be a torch.Tensor of shape (B, 3K, T) (logits | means | log-scales "
            f"along the channel axis), got {type(y).__name__}"
        )
    if y.dtype not in _DTYPES:
        return TypeError(
            f"{name} must have dtype torch.float32 or torch.float64 (the vocoder's float "
            f"formulas; convert with {name}.float()), got {y.dtype}"
        )
    if y.dim() != 3:
        return ValueError(
            f"{name} must have 3 dimensions, shape (B, 3K, T), got {y.dim()} dimensions with "
            f"shape {tuple(y.shape)}"
        )
    return ValueError(
        f"{name} must have shape (B, 3K, T) with a channel count divisible by 3 and >= 3 "
        f"(K logits, K means, K log-scales), got shape {tuple(y.shape)} with "
        f"{y.shape[1]} channels"
    )


def _check_mol_tensor(name, y):
    """Return (B, K, T) of a (B, 3K, T) float32/float64 tensor, else raise naming ``name``."""
    if (
        isinstance(y, torch.Tensor)
        and y.dtype in _DTYPES
        and y.dim() == 3
        and y.shape[1] % 3 == 0
        and y.shape[1] > 0
    ):
        B, C, T = y.shape
        return B, C // 3, T
    raise _shape_error(name, y)


def _check_log_scale_min(log_scale_min):
    """log_scale_min as a float: a real number, not NaN or +inf (−inf disables the clamp)."""
    if isinstance(log_scale_min, bool) or not isinstance(log_scale_min, int | float):
        raise TypeError(
            f"log_scale_min must be a real number (lower clamp of the log-scales), "
            f"got {type(log_scale_min).__name__} {log_scale_min!r}"
        )
    v = float(log_scale_min)
    if math.isnan(v) or v == math.inf:
        raise ValueError(f"log_scale_min must be a number < +inf, got {v!r}")
    return v


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
    return value


def _check_target(y_hat, y, B, T):
    """Check the loss target: a (B, T, 1) tensor like y_hat, with values in [-1, 1]."""
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor of shape (B, T, 1), got {type(y).__name__}")
    if y.dtype != y_hat.dtype:
        raise TypeError(
            f"y must have the same dtype as y_hat ({y_hat.dtype}), got {y.dtype}; "
            f"convert with y.to(y_hat.dtype)"
        )
    if tuple(y.shape) != (B, T, 1):
        raise ValueError(
            f"y must have shape (B, T, 1) = {(B, T, 1)} to match y_hat of shape "
            f"{tuple(y_hat.shape)}, got shape {tuple(y.shape)}"
        )
    if y.device != y_hat.device:
        raise ValueError(f"y must be on y_hat's device ({y_hat.device}), got {y.device}")
    if y.numel():
        lo, hi = torch.aminmax(y.detach())
        lo, hi = float(lo), float(hi)
        if not (-1.0 <= lo and hi <= 1.0):  # also catches NaN
            raise ValueError(
                f"y must lie in [-1, 1] (audio scaled to the vocoder's grid), got min(y) = {lo!r}, "
                f"max(y) = {hi!r}"
            )


def _raise_nonfinite_loss(y_hat, K):
    """Name the first non-finite parameter of y_hat (called when a loss came out non-finite)."""
    bad = ~torch.isfinite(y_hat.detach())
    if bool(bad.any()):
        b, ch, t = (int(i) for i in bad.nonzero()[0])
        block = ("logits", "means", "log-scales")[ch // K]
        raise ValueError(
            f"y_hat must be finite, got {float(y_hat[b, ch, t])} at (b={b}, channel={ch}, t={t}) "
            f"in the {block} block"
        )
    raise ValueError(
        "the loss overflowed to a non-finite value although y_hat is finite: some parameter is "
        f"too large for {y_hat.dtype} (|y_hat| up to {float(y_hat.detach().abs().max()):.3g})"
    )


# ----------------------------------------------------------------------------------------------
# parameter layout


def unpack_mol_params(y):
    """Split a (B, 3K, T) network output into its logits, means and log-scales, each (B, T, K).

    Args:
        y: Tensor (B, 3K, T): channels ``[0, K)`` logits a, ``[K, 2K)`` means μ,
            ``[2K, 3K)`` log-scales log s.

    Returns:
        MoLParams(logit_probs, means, log_scales), each a (B, T, K) *view* of ``y``
        (``y[:, i*K:(i+1)*K, :].transpose(1, 2)``; no copy, no clamping).

    Raises:
        TypeError: if y is not a float32/float64 tensor.
        ValueError: if y is not 3-D or its channel count is not a positive multiple of 3.

    See the book chapter book/vocoder_sampler.md.
    """
    _, K, _ = _check_mol_tensor("y", y)
    return MoLParams(
        y[:, :K].transpose(1, 2),  # (B, T, K)
        y[:, K : 2 * K].transpose(1, 2),  # (B, T, K)
        y[:, 2 * K :].transpose(1, 2),  # (B, T, K)
    )


def pack_mol_params(logit_probs, means, log_scales):
    """Pack (B, T, K) logits, means and log-scales into the vocoder's (B, 3K, T) layout.

    Args:
        logit_probs: logits a, Tensor (B, T, K).
        means: means μ, Tensor (B, T, K).
        log_scales: log-scales log s, Tensor (B, T, K).

    Returns:
        Contiguous Tensor (B, 3K, T) with ``[a | μ | log s]`` along the channel axis; the
        inverse of :func:`unpack_mol_params`.

    Raises:
        TypeError: if an argument is not a float32/float64 tensor, or the dtypes differ.
        ValueError: if an argument is not 3-D, the shapes differ, or K = 0.

    See the book chapter book/vocoder_sampler.md.
    """
    args = {"logit_probs": logit_probs, "means": means, "log_scales": log_scales}
    for name, v in args.items():
        if not isinstance(v, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor (B, T, K), got {type(v).__name__}")
        if v.dtype not in _DTYPES:
            raise TypeError(f"{name} must have dtype torch.float32 or torch.float64, got {v.dtype}")
        if v.dim() != 3:
            raise ValueError(f"{name} must have shape (B, T, K), got shape {tuple(v.shape)}")
    shape = tuple(logit_probs.shape)
    if shape[2] == 0:
        raise ValueError(f"logit_probs must have K >= 1 components (shape (B, T, K)), got {shape}")
    for name in ("means", "log_scales"):
        v = args[name]
        if tuple(v.shape) != shape:
            raise ValueError(
                f"{name} must have the shape of logit_probs {shape}, got {tuple(v.shape)}"
            )
        if v.dtype != logit_probs.dtype:
            raise TypeError(
                f"{name} must have logit_probs' dtype {logit_probs.dtype}, got {v.dtype}"
            )
    return torch.cat(list(args.values()), dim=2).transpose(1, 2).contiguous()  # (B, 3K, T)


# ----------------------------------------------------------------------------------------------
# sampler


_EXP_OF = {}


def _exp_scalar(value, dtype):
    """torch's exp of one float as a numpy scalar of dtype (cached: log_scale_min repeats)."""
    key = (value, dtype)
    if key not in _EXP_OF:
        if len(_EXP_OF) > 64:  # a handful of log_scale_min values in practice
            _EXP_OF.clear()
        _EXP_OF[key] = torch.exp(torch.tensor(value, dtype=dtype)).numpy()[()]
    return _EXP_OF[key]


def _sample_one_step(y, K, log_scale_min, clamp_log_scale, generator):
    """B = T = 1 on the CPU without autograd: the vocoder's arithmetic, with minimal overhead.

    log and exp run through torch's kernels (their last bits are library-specific); subtraction,
    argmax, multiplication and addition are IEEE-exact, so numpy float32/64 gives the same bits.
    """
    dtype = y.dtype
    u = torch.empty(K + 1, dtype=dtype).uniform_(_U_LO, _U_HI, generator=generator)
    w = torch.log(u)  # log u for the K Gumbel draws and the logistic draw: (K + 1,)
    un, wn = u.numpy(), w.numpy()  # views of the same memory
    log_u = wn[K]  # (a numpy scalar: a copy)
    wn[K] = 1.0 - un[K]  # float32 (or 64) 1 - u, rounded once, as the vocoder
    np.negative(wn[:K], out=wn[:K])  # -log u_k
    w.log_()  # [log(-log u_k) | log(1 - u)]
    yn = y.numpy().reshape(-1)  # (3K,) [logits | means | log-scales]
    temp = yn[:K] - wn[:K]  # logits - log(-log u), as the vocoder: (K,)
    k = int(temp.argmax())  # first maximum, as torch.max
    if temp[k] != temp[k]:
        raise ValueError("y must not contain NaN logits (channels [0, K)), got NaN at (b=0, t=0)")
    log_s = yn[2 * K + k]
    if clamp_log_scale and log_s < log_scale_min:  # (NaN stays NaN, as with torch.clamp)
        s = _exp_scalar(float(log_s.dtype.type(log_scale_min)), dtype)
    else:
        s = torch.exp(y).numpy().reshape(-1)[2 * K + k]  # exp is elementwise: same bits
    # x = μ + s * (log u - log(1 - u)) in the input's float type, one rounding per operation.
    x = yn[K + k] + s * (log_u - wn[K])
    if not math.isfinite(x):
        _raise_nonfinite_sample(x, yn[K + k], log_s, k, 0, 0)
    x = -1.0 if x < -1.0 else (1.0 if x > 1.0 else float(x))
    return torch.full((1, 1), x, dtype=dtype)


def _raise_nonfinite_sample(x, mu, log_s, k, b, t):
    raise ValueError(
        f"y must be finite: the sample at (b={b}, t={t}) is {float(x)} before clamping to [-1, 1] "
        f"(chosen component k={k} has mean μ = {float(mu)}, log-scale log s = {float(log_s)}; "
        f"a non-finite μ or log s, or exp(log s) overflowing, gives this)"
    )


_MATRICES = {}
_NULL_CONTEXT = contextlib.nullcontext()


def _no_autocast(x):
    """A context that switches autocast off for x's device if it is on (matmul in bfloat16 would
    round the index sums); a no-op otherwise."""
    if torch.is_autocast_enabled(x.device.type):
        return torch.autocast(x.device.type, enabled=False)
    return _NULL_CONTEXT


def _cached(key, make):
    if key not in _MATRICES:
        _MATRICES[key] = make()
    return _MATRICES[key]


def _first_argmax_dim1(x, idx, count):
    """Where the first maximum over dim 1 of x (B, K, T) is, as torch.max finds it; x is reused.

    The 0/1 mask of maxima times the (3, K) matrix [1 ... 1; K ... 2K-1; 2K ... 3K-1] gives, per
    (b, t), the number of maxima and - when it is 1 - the channels K + k and 2K + k of the
    chosen component's μ and log s (sums of small integers: exact in float).

    Writes the gather index into ``idx`` (B, 2, T) int64 and the number of maxima into
    ``count`` (B, T); rows with a count other than 1 (ties, or NaN: nothing equals a NaN
    maximum) must be resolved by the caller.
    """
    B, K, _ = x.shape
    m = x.amax(1, keepdim=True)  # (B, 1, T)
    mask = x.eq_(m)  # (B, K, T): 1.0 at the maxima
    w = _cached(
        ("count_index", K, x.dtype, x.device),
        lambda: (
            torch.stack([torch.ones(K), torch.arange(K, 2 * K), torch.arange(2 * K, 3 * K)])
            .to(x.dtype)
            .to(x.device)
        ),
    )  # (3, K)
    with _no_autocast(x):  # the integer sums must stay in x's float type
        ck = torch.mm(w, mask[0]).unsqueeze(0) if B == 1 else torch.matmul(w, mask)  # (B, 3, T)
    idx.copy_(ck[:, 1:])
    count.copy_(ck[:, 0])


def _gumbel_argmax(g, logits, idx, count):
    """log(-log u) in place on the uniforms g (B, T, K), then the vocoder's argmax of
    logits - log(-log u) (logits (B, K, T)) into idx (B, 2, T) and count (B, T)."""
    g.log_().neg_().log_()  # log(-log u)
    temp = torch.sub(logits, g.transpose(1, 2))  # logits - log(-log u): (B, K, T)
    _first_argmax_dim1(temp, idx, count)


def _first_argmax_last(x):
    """Max over the last dim of x (B, T, K) and the index of its first occurrence (torch.max).

    Returns (max (B, T, 1), index (B, T) int64, rows (B, T) bool with no single maximum (ties,
    NaN), where the index is not valid).
    """
    K = x.shape[-1]
    m = x.amax(-1, keepdim=True)  # (B, T, 1)
    mask = torch.eq(x, m).to(x.dtype)  # (B, T, K)
    w = _cached(
        ("count_k", K, x.dtype, x.device),
        lambda: torch.stack([torch.ones(K), torch.arange(K)], 1).to(x.dtype).to(x.device),
    )  # (K, 2)
    with _no_autocast(x):
        ck = torch.matmul(mask, w)  # (B, T, 2)
    return m, ck[..., 1].long(), ck[..., 0] != 1


def _param_index(k, K):
    """Gather index (B, 2, T) of the chosen component's μ and log s from its index k (B, T)."""
    offsets = _cached(
        ("offsets", K, k.device), lambda: torch.tensor([K, 2 * K], device=k.device).view(1, 2, 1)
    )
    return k.unsqueeze(1) + offsets


def _logistic_noise(u, B, T):
    """log u - log(1 - u) of the logistic draw, (B, T); u: (2·B·T,), first half drawn.

    The vocoder's float formula, kept on purpose (the one place molviz does not use the stable
    logit form): log(u) - log(1 - u) rounds differently from torch.logit(u) or log1p(-u).
    Both logs run as one call on [u | 1 - u] (the second half of u is overwritten).
    """
    n = B * T
    torch.mul(u[:n], -1.0, out=u[n:]).add_(1.0)  # 1 - u, rounded once
    u = u.log_()  # [log u | log(1 - u)]
    return torch.sub(u[:n], u[n:]).view(B, T)


def _sample_gumbel(y, B, K, T, log_scale_min, clamp_log_scale, generator):
    """The vocoder's algorithm on (B, 3K, T): Gumbel-max component, then logistic inversion."""
    n_g = B * T * K
    opts = {"dtype": y.dtype, "device": y.device}
    logits = y[:, :K].detach()  # (B, K, T)
    if not y.is_cpu:  # other devices' generators depend on the call shapes: draw as the vocoder
        g = torch.empty(B, T, K, **opts).uniform_(_U_LO, _U_HI, generator=generator)
        u = torch.empty(2 * B * T, **opts)
        u[: B * T].view(B, T).uniform_(_U_LO, _U_HI, generator=generator)
        d = _logistic_noise(u, B, T)
    else:
        # The CPU generator fills a tensor element by element in memory order, so one draw of
        # n_g + B·T floats gives exactly the vocoder's (B, T, K) draw followed by its (B, T)
        # draw.  The last B·T slots of the buffer will hold 1 - u.
        buf = torch.empty(n_g + 2 * B * T, **opts)
        g, u = buf[:n_g].view(B, T, K), buf[n_g:]
        buf[: n_g + B * T].uniform_(_U_LO, _U_HI, generator=generator)
        d = _logistic_noise(u, B, T)  # now, while u is still in the cache: (B, T)
    if n_g >= _BIG_ARGMAX:
        idx = torch.empty((B, 2, T), dtype=torch.int64, device=y.device)
        count = torch.empty((B, T), **opts)
        _gumbel_argmax(g, logits, idx, count)
        return _finish_gumbel(y, g, logits, idx, count, d, K, log_scale_min, clamp_log_scale)
    g.log_().neg_().log_()  # log(-log u), in place: (B, T, K)
    temp = g.neg_().add_(logits.transpose(1, 2))  # -w + logits == logits - w: (B, T, K)
    vals, k = temp.max(dim=-1)  # (B, T), first maximum
    if vals.isnan().any():
        bb, tt = vals.isnan().nonzero(as_tuple=True)
        _check_nan_logits(vals[bb, tt], bb, tt)
    return _logistic_step(y, _param_index(k, K), d, K, log_scale_min, clamp_log_scale)


def _finish_gumbel(y, g, logits, idx, count, d, K, log_scale_min, clamp_log_scale):
    """Resolve rows without a single maximum, then the logistic step."""
    lo, hi = torch.aminmax(count)
    if float(lo) != 1.0 or float(hi) != 1.0:  # ties or NaN: torch.max decides those rows
        bb, tt = (count != 1).nonzero(as_tuple=True)
        rows = logits[bb, :, tt] - g[bb, tt]  # (n, K), the same float operations
        vals, k_rows = rows.max(dim=-1)
        _check_nan_logits(vals, bb, tt)
        idx[bb, :, tt] = _param_index(k_rows.view(1, -1), K)[0].T
    return _logistic_step(y, idx, d, K, log_scale_min, clamp_log_scale)


def _check_nan_logits(vals, bb, tt):
    nan = vals.isnan()
    if bool(nan.any()):
        i = int(nan.nonzero()[0, 0])
        raise ValueError(
            f"y must not contain NaN logits (channels [0, K)), got NaN at "
            f"(b={int(bb[i])}, t={int(tt[i])})"
        )


def _logistic_step(y, idx, d, K, log_scale_min, clamp_log_scale):
    """x = μ_k + s_k · d, clamped to [-1, 1]; idx (B, 2, T) = [K + k, 2K + k], d (B, T)."""
    sel = y.gather(1, idx)  # (B, 2, T): μ_k, log s_k
    mu, log_s = sel[:, 0], sel[:, 1]  # (B, T)
    if y.requires_grad and torch.is_grad_enabled():  # keep the graph: μ, log s differentiable
        if clamp_log_scale:
            log_s = torch.clamp(log_s, min=log_scale_min)
        x = mu + torch.exp(log_s) * d
        _check_sample_finite(x.detach(), mu, log_s, idx, K)
        return torch.clamp(x, -1.0, 1.0)
    if clamp_log_scale:
        log_s = log_s.clamp_(min=log_scale_min)
    x = d.mul_(torch.exp(log_s)).add_(mu)  # s·d + μ == μ + s·d bit for bit
    _check_sample_finite(x, mu, log_s, idx, K)
    return x.clamp_(-1.0, 1.0)


def _check_sample_finite(x, mu, log_s, idx, K):
    if x.numel() and not math.isfinite(float(x.sum())):
        bad = ~torch.isfinite(x)
        if bool(bad.any()):
            b, t = (int(i) for i in bad.nonzero()[0])
            k = int(idx[b, 0, t]) - K
            _raise_nonfinite_sample(x[b, t], mu[b, t], log_s[b, t], k, b, t)


def _sample_inverse_cdf(y, B, K, T, log_scale_min, clamp_log_scale, generator):
    """Same law, 2 uniforms per step: component by inverting the categorical CDF, then logistic."""
    opts = {"dtype": y.dtype, "device": y.device}
    r = torch.empty(B, T, **opts).uniform_(0.0, 1.0, generator=generator)  # component choice
    u = torch.empty(2 * B * T, **opts)
    u[: B * T].uniform_(_U_LO, _U_HI, generator=generator)  # logistic
    d = _logistic_noise(u, B, T)
    logits = y[:, :K].detach()  # (B, K, T)
    m = logits.amax(1, keepdim=True)  # (B, 1, T)
    top = float(m.sum()) if m.numel() else 0.0
    if not math.isfinite(top):
        bad = ~torch.isfinite(m[:, 0])
        if bool(bad.any()):
            b, t = (int(i) for i in bad.nonzero()[0])
            raise ValueError(
                "y must have logits (channels [0, K)) without NaN or +inf and with at least one "
                f"finite logit per step for method='inverse_cdf', got row maximum "
                f"{float(m[b, 0, t])} at (b={b}, t={t})"
            )
    cum = torch.sub(logits, m).exp_().cumsum_(1)  # (B, K, T) unnormalized CDF, last = total
    total = cum[:, K - 1]  # (B, T), >= 1
    # r·total < total strictly, so trailing zero-weight components can never be chosen.
    thr = torch.minimum(r.mul_(total), torch.nextafter(total, torch.zeros_like(total)))
    below = torch.le(cum, thr.unsqueeze(1), out=torch.empty_like(cum))  # 1.0 where cum_k <= r·total
    k = below.sum(1).long()  # (B, T): first k with cum_k > r·total (a sum of 0/1 floats is exact)
    return _logistic_step(y, _param_index(k, K), d, K, log_scale_min, clamp_log_scale)


def sample_from_discretized_mix_logistic(
    y, log_scale_min=-7.0, clamp_log_scale=False, *, method="gumbel", generator=None
):
    """Draw one sample per time step from the vocoder's mixture of logistics.

    Bit-identical to r9y9/wavenet_vocoder's ``sample_from_discretized_mix_logistic`` under the
    same ``torch.manual_seed`` (same draws, same float formula).  For every (b, t)::

        u_k ~ U(1e-5, 1 - 1e-5), k = 1..K      (drawn as one (B, T, K) tensor)
        k*  = argmax_k [a_k - log(-log u_k)]     (Gumbel-max: k* ~ softmax(a), up to the clipping)
        u   ~ U(1e-5, 1 - 1e-5)                  (drawn as one (B, T) tensor)
        x   = μ_k* + exp(log s_k*) · (log u - log(1 - u))     (logistic inversion, float as written)
        x   ← clamp(x, -1, 1)

    log s is clamped at ``log_scale_min`` only if ``clamp_log_scale`` (the vocoder's default is
    not to clamp when sampling; its loss always clamps).

    Args:
        y: Tensor (B, 3K, T), float32 or float64: logits a (channels [0, K)), means μ
            ([K, 2K)), log-scales log s ([2K, 3K)).  (1, 3K, 1) is the per-step case of
            autoregressive generation.  Gradients flow to μ and log s of the chosen components.
        log_scale_min: lower clamp for log s, used only if ``clamp_log_scale``.
        clamp_log_scale: clamp log s at ``log_scale_min`` before exp.
        method: ``"gumbel"`` (default): the vocoder's algorithm and random stream, bit-identical.
            ``"inverse_cdf"`` (opt-in): the same law drawn from 2 uniforms per step instead of
            K + 1 — the component by inverting the categorical CDF of softmax(a) with
            r ~ U[0, 1), then the same logistic step.  Different stream, so never identical to the
            vocoder; its component law is exactly softmax(a) (to float resolution), while the
            vocoder's clipped Gumbel noise deviates from softmax by a total variation of at most
            1 - (1 - 2e-5)^K.  It pays off for large B·T (fewer random numbers); for a single
            step the default is faster.  Logits must have a finite maximum per step here.
        generator: optional ``torch.Generator`` for the draws (default: torch's global one).

    Returns:
        Tensor (B, T) in [-1, 1], dtype of y.

    Raises:
        TypeError: y not a float32/float64 tensor; bad type of another argument.
        ValueError: y not 3-D or channels not a positive multiple of 3; unknown method;
            NaN logits or a non-finite sample before clamping (see the module notes).

    See the book chapter book/vocoder_sampler.md.
    """
    # Fast validation first: the per-step call is dominated by Python overhead.
    if type(y) is not torch.Tensor or y.dtype not in _DTYPES or y.ndim != 3:
        raise _shape_error("y", y)
    B, C, T = y.shape
    if C % 3 or not C:
        raise _shape_error("y", y)
    K = C // 3
    if type(log_scale_min) is not float or not -math.inf <= log_scale_min < math.inf:
        log_scale_min = _check_log_scale_min(log_scale_min)
    if clamp_log_scale is not False and clamp_log_scale is not True:
        _check_bool("clamp_log_scale", clamp_log_scale)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    if method == "gumbel":
        if B * T == 1 and y.is_cpu and not (y.requires_grad and torch.is_grad_enabled()):
            y = y.detach() if y.requires_grad else y
            return _sample_one_step(y, K, log_scale_min, clamp_log_scale, generator)
        if B * T == 0:
            return y.new_empty((B, T))
        return _sample_gumbel(y, B, K, T, log_scale_min, clamp_log_scale, generator)
    if method == "inverse_cdf":
        if B * T == 0:
            return y.new_empty((B, T))
        return _sample_inverse_cdf(y, B, K, T, log_scale_min, clamp_log_scale, generator)
    raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


# ----------------------------------------------------------------------------------------------
# the vocoder's loss


# Where the CPU's subnormal arithmetic would make exp/softplus/sigmoid 20-200x slower, the loss
# computes the same bits another way.  Per dtype: exp(x) is exactly 0 below EXP_ZERO and is a
# normal number from EXP_NORMAL on; sigmoid(x) rounds to exactly 1 from SIGMOID_ONE on;
# softplus(x) < 1e-34 (float32) below SOFTPLUS_TINY.  tests/test_vocoder.py checks these facts
# of torch's kernels.
_RANGES = {  # EXP_ZERO, EXP_NORMAL, SIGMOID_ONE, SOFTPLUS_TINY
    torch.float32: (-104.0, -87.0, 20.0, -80.0),
    torch.float64: (-746.0, -708.0, 40.0, -700.0),
}


def _exp_nonpositive(z):
    """torch.exp(z) bit for bit (z <= 0), computing subnormal results only where they occur."""
    zero_below, normal_from = _RANGES[z.dtype][:2]
    e = torch.exp(z.clamp(min=normal_from))
    e = e.mul_(torch.ge(z, normal_from, out=torch.empty_like(z)))  # 0 below: x·0 is exact
    lo, hi = torch.aminmax(z)
    if float(lo) < normal_from and float(hi) >= zero_below:  # maybe subnormal results
        band = (z >= zero_below).logical_and_(z < normal_from)
        if bool(band.any()):
            e[band] = torch.exp(z[band])
    return e


def _sigmoid(x):
    """torch.sigmoid(x) bit for bit; from SIGMOID_ONE on the result is 1: clamp the argument."""
    return torch.sigmoid(x.clamp(max=_RANGES[x.dtype][2]))


def _softplus_backward(grad, x):
    """softplus' backward kernel (threshold 20), written into a contiguous tensor like x."""
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    return torch.ops.aten.softplus_backward.grad_input(grad, x, 1.0, 20.0, grad_input=out)


def _faithful_forward(y_hat, y, num_classes, log_scale_min, keep):
    """log-sum-exp over K of the vocoder's per-component log-probabilities, (B, T).

    Every float operation that decides a branch or enters the result is the vocoder's own, in
    its order and memory layout, so ``cdf_delta > 1e-5`` picks the same branch bit for bit and
    the value is the vocoder's.  Branches are merged with 0/1 float masks (x·1 + y·0 = x for
    finite x, y; branch-free, unlike ``torch.where`` on an irregular mask).  With ``keep`` it
    also returns what the backward pass needs.
    """
    B, C, T = y_hat.shape
    K = C // 3
    logits, means, raw_log_s = y_hat[:, :K], y_hat[:, K : 2 * K], y_hat[:, 2 * K :]  # (B, K, T)
    _, _, one_above, tiny_below = _RANGES[y_hat.dtype]
    log_s = torch.clamp(raw_log_s, min=log_scale_min)
    inv_s = torch.neg(log_s).exp_()  # exp(-log s)
    yv = y.reshape(B, 1, T)
    c = yv - means  # centred target y - μ: (B, K, T)
    half = 1.0 / (num_classes - 1)  # half bin width
    c_minus = c - half
    plus_in, min_in = inv_s * (c + half), inv_s * c_minus
    cdf_plus = torch.clamp(plus_in, max=one_above).sigmoid_()  # σ = 1 above: same bits
    cdf_min = torch.clamp(min_in, max=one_above).sigmoid_()
    cdf_delta = cdf_plus - cdf_min
    interior = torch.gt(cdf_delta, 1e-5, out=torch.empty_like(c))  # 1.0 / 0.0
    fallback_mask = torch.le(cdf_delta, 1e-5, out=torch.empty_like(c))
    cdf_delta = cdf_delta.clamp_(min=1e-5)  # unchanged where interior, the only place it is used
    mid_in = inv_s * c
    # Fallback: log pdf at the bin centre - log((num_classes - 1) / 2), as (mid - log s) - 2 sp.
    sp_masks = None
    if log_scale_min > tiny_below + 1.0:
        # softplus(mid) = mid above 20 (torch's threshold) and < 2e-35 below tiny_below, where
        # |mid - log s| > 1 (log s >= log_scale_min): dropping it there changes no bit.  Clamping
        # the argument keeps exp away from overflow and from subnormal results, both slow.
        mid_c = torch.clamp(mid_in, min=tiny_below, max=20.0)
        in_band = torch.gt(mid_c, tiny_below, out=torch.empty_like(c)).mul_(mid_in <= 20.0)
        above = torch.gt(mid_in, 20.0, out=torch.empty_like(c))
        sp_mid = torch.addcmul(F.softplus(mid_c).mul_(in_band), mid_in, above)
        sp_masks = (in_band, above)
    else:
        mid_c = mid_in
        sp_mid = F.softplus(mid_in)
    fallback = (mid_in - log_s).sub_(sp_mid.mul_(2.0)).sub_(math.log((num_classes - 1) / 2))
    log_p = torch.addcmul(fallback.mul_(fallback_mask), torch.log(cdf_delta), interior)
    # Edge bins, the vocoder's |y| > 0.999 tests: lowest bin log F(upper edge) = p - softplus(p),
    # highest log(1 - F(lower edge)) = -softplus(m).  One softplus over the full tensor (so each
    # element takes the kernel path it takes in the vocoder), with 0 where no edge bin needs it.
    upper, lower = yv > 0.999, yv < -0.999  # (B, 1, T)
    edges = None
    if bool(upper.any()) or bool(lower.any()):
        edge_arg = torch.where(lower, plus_in, torch.where(upper, min_in, 0.0))
        sp_edge = F.softplus(edge_arg)
        log_p = torch.where(lower, plus_in - sp_edge, torch.where(upper, -sp_edge, log_p))
        edges = (lower, upper, edge_arg)
    log_pi = F.log_softmax(logits.transpose(1, 2), -1)  # (B, T, K), as the vocoder computes it
    # The vocoder's float masks leave its log-probabilities in (B, T, K) memory order; its
    # reductions over K run there, and so do ours (a sum's rounding depends on the layout).
    log_p = torch.add(log_p.transpose(1, 2), log_pi, out=torch.empty_like(log_pi))  # (B, T, K)
    if not math.isfinite(float(log_p.sum())):
        _raise_nonfinite_loss(y_hat, K)
    m, k_max, odd = _first_argmax_last(log_p)  # (B, T, 1), (B, T)
    if bool(odd.any()):
        bb, tt = odd.nonzero(as_tuple=True)
        k_max[bb, tt] = log_p[bb, tt].max(dim=-1)[1]
    e = _exp_nonpositive(log_p.sub_(m))  # exp(log p - max): (B, T, K)
    S = e.sum(-1)  # (B, T)
    lse = m[..., 0] + torch.log(S)  # (B, T)
    if not keep:
        return lse, None
    saved = {
        "e": e, "S": S, "k_max": k_max, "log_pi": log_pi, "cdf_delta": cdf_delta,
        "cdf_plus": cdf_plus, "cdf_min": cdf_min, "interior": interior,
        "fallback": fallback_mask, "c": c, "c_minus": c_minus, "half": half, "inv_s": inv_s,
        "mid_c": mid_c, "sp_masks": sp_masks, "edges": edges,
        "unclamped": torch.ge(raw_log_s, log_scale_min, out=torch.empty_like(c)),
    }  # fmt: skip
    return lse, saved


class _VocoderLogSumExp(torch.autograd.Function):
    """log Σ_k π_k P_k(bin of y) with the vocoder's value and gradient, as one autograd node.

    The backward pass replays what autograd does on the vocoder's graph, operation for
    operation, but only along the branch each element takes: the vocoder's ``cond * a +
    (1 - cond) * b`` sends exact zeros down the other branches, and adding zeros changes no bit.
    Where a product is merged with a 0/1 mask (``addcmul``), it is exact, fused or not.
    """

    @staticmethod
    def forward(ctx, y_hat, y, num_classes, log_scale_min):
        lse, saved = _faithful_forward(y_hat, y, num_classes, log_scale_min, keep=True)
        ctx.saved = saved
        return lse

    @staticmethod
    def backward(ctx, g):  # g: (B, T), the gradient of the log-sum-exp
        s = ctx.saved
        del ctx.saved
        # log-sum-exp as the vocoder writes it, m + log Σ exp(x - m), differentiated as autograd
        # does: softmax part, then the two max terms added at the argmax, in autograd's order.
        dS = g / s["S"]  # (B, T)
        d_lp = dS.unsqueeze(-1) * s["e"]  # (B, T, K)
        d_m2 = -d_lp.sum(-1, keepdim=True)  # (B, T, 1)
        idx = s["k_max"].unsqueeze(-1)  # (B, T, 1)
        at_max = (d_lp.gather(-1, idx) + d_m2) + g.unsqueeze(-1)
        d_lp.scatter_(-1, idx, at_max)
        B, T, K = d_lp.shape
        grad_y_hat = d_lp.new_empty((B, 3 * K, T))
        d_logits = torch._log_softmax_backward_data(d_lp, s["log_pi"], -1, d_lp.dtype)
        grad_y_hat[:, :K].copy_(d_logits.transpose(1, 2))
        # Gradient of each component's log P_k(bin): a (B, K, T).  Softplus' backward kernel
        # takes a different code path (scalar or vector exp) depending on the operands' memory
        # layouts, so it gets the vocoder's layouts, (B, T, K)-ordered grad and (B, K, T) input;
        # the plain arithmetic below rounds the same either way and uses a contiguous copy.
        a_bt = d_lp.transpose(1, 2)  # (B, K, T) view of (B, T, K) memory
        a = a_bt.contiguous()
        interior, fallback = s["interior"], s["fallback"]
        sig_bw = torch.ops.aten.sigmoid_backward
        # Interior bins, log(cdf_plus - cdf_min): x_grad on plus_in, y_grad on min_in.
        q = a / s["cdf_delta"]
        x_grad = sig_bw(q, s["cdf_plus"])
        y_grad = sig_bw(q.neg_(), s["cdf_min"]).mul_(interior)
        # Fallback bins, (mid - log s) - 2 softplus(mid) - const: x_grad on mid_in, -a on log s.
        sp_grad = _softplus_backward(a_bt * -2.0, s["mid_c"])
        if s["sp_masks"] is not None:  # softplus' = 1 above 20, and ~0 below the tiny bound
            in_band, above = s["sp_masks"]
            sp_grad = torch.addcmul(sp_grad.mul_(in_band), a, above, value=-2.0)
        x_grad = torch.addcmul(sp_grad.add_(a).mul_(fallback), x_grad, interior)
        x_mult = torch.add(s["c"], interior, alpha=s["half"])  # c + h (interior) or c (fallback)
        if s["edges"] is not None:
            lower, upper, edge_arg = s["edges"]  # (B, 1, T) bool, (B, K, T)
            sp_edge = _softplus_backward(-a_bt, edge_arg)
            low, up = lower.to(a.dtype), upper.to(a.dtype)  # (B, 1, T) 0/1
            inner = 1.0 - low - up
            # lowest bin p - softplus(p): a + softplus'·(-a) on plus_in; highest: on min_in
            x_grad = x_grad.mul_(inner).addcmul_(sp_edge + a, low)
            y_grad = y_grad.mul_(inner).addcmul_(sp_edge, up)
            fallback = fallback * inner
            x_mult = torch.where(lower, s["c"] + s["half"], x_mult)
        inv_s = s["inv_s"]
        # plus_in = inv_s·(c + h), min_in = inv_s·(c - h), mid_in = inv_s·c; each element has at
        # most two non-zero terms, so the order of autograd's sums does not matter.
        d_inv = x_grad * x_mult + y_grad * s["c_minus"]
        d_c = x_grad.mul_(inv_s).add_(y_grad.mul_(inv_s))
        # d log s: -(d_inv · inv_s) from inv_s = exp(-log s), and -a on fallback bins
        d_log_s = d_inv.mul_(inv_s).neg_().addcmul_(a, fallback, value=-1.0)
        torch.neg(d_c, out=grad_y_hat[:, K : 2 * K])  # means: c = y - μ
        torch.mul(d_log_s, s["unclamped"], out=grad_y_hat[:, 2 * K :])  # clamp: 0 below the min
        grad_y = None
        if ctx.needs_input_grad[1]:  # summed over K in (B, T, K) memory order, as autograd does
            grad_y = d_c.transpose(1, 2).contiguous().sum(-1, keepdim=True)  # (B, T, 1)
        return grad_y_hat, grad_y, None, None


def discretized_mix_logistic_loss(y_hat, y, num_classes=256, log_scale_min=-7.0, reduce=True):
    """The vocoder's discretized mixture-of-logistics negative log-likelihood.

    The value and the gradients of r9y9/wavenet_vocoder's ``discretized_mix_logistic_loss``: bit
    for bit on torch 2.13 (molviz replays the vocoder's float operations; tests/test_vocoder.py
    checks it), and to float32 rounding in any case.  With h = 1/(num_classes - 1),
    s = exp(max(log s, log_scale_min)) and σ the sigmoid, each component k gives the
    log-probability of the bin around the target y::

        y < -0.999:             log σ((y + h - μ)/s)                          (lowest bin)
        y >  0.999:             log(1 - σ((y - h - μ)/s))                     (highest bin)
        else, if Δ > 1e-5:      log Δ,  Δ = σ((y + h - μ)/s) - σ((y - h - μ)/s)
        else (fallback):        log pdf(y) - log((num_classes - 1)/2)

    and the loss is ``-log Σ_k π_k P_k``, summed over B·T if ``reduce``.  The ±0.999 edge test
    and the 1e-5 switch are the vocoder's; at 65536 classes they misplace bins (33 grid points at
    each end take the edge branch) — see :func:`discretized_mix_logistic_loss_corrected`.

    Args:
        y_hat: Tensor (B, 3K, T), float32/float64: logits, means, log-scales (channel blocks).
        y: target Tensor (B, T, 1) in [-1, 1], same dtype and device as y_hat.
        num_classes: number of quantization levels (int >= 2): 256 (8 bit), 65536 (16 bit).
        log_scale_min: lower clamp of the log-scales (always applied here).
        reduce: return the sum over B·T (a scalar) if True, else the (B, T, 1) per-step losses.

    Returns:
        Scalar tensor (sum of negative log-likelihoods in nats), or (B, T, 1).

    Raises:
        TypeError: non-tensor or non-float input; dtype mismatch; bad type of an argument.
        ValueError: y_hat not (B, 3K, T) with channels divisible by 3; y not (B, T, 1); y
            outside [-1, 1]; num_classes < 2; non-finite y_hat.

    See the book chapter book/training.md.
    """
    B, _, T = _check_mol_tensor("y_hat", y_hat)
    _check_target(y_hat, y, B, T)
    num_classes = check_num_classes(num_classes)
    log_scale_min = _check_log_scale_min(log_scale_min)
    _check_bool("reduce", reduce)
    if torch.is_grad_enabled() and (y_hat.requires_grad or y.requires_grad):
        lse = _VocoderLogSumExp.apply(y_hat, y, num_classes, log_scale_min)
    else:
        lse, _ = _faithful_forward(y_hat, y, num_classes, log_scale_min, keep=False)
    return -torch.sum(lse) if reduce else -lse.unsqueeze(-1)


def discretized_mix_logistic_loss_corrected(
    y_hat, y, num_classes=256, log_scale_min=-7.0, reduce=True
):
    """Discretized MoL negative log-likelihood with exact bin probabilities at any bit depth.

    Differences from :func:`discretized_mix_logistic_loss` (same arguments and shapes):

    * the edge bins are chosen by grid index, k = round((y + 1)(num_classes - 1)/2): k = 0 is
      the lowest bin (mass of (-inf, y + h]), k = num_classes - 1 the highest ([y - h, inf)),
      instead of |y| > 0.999, which at 65536 classes puts 33 grid points at each end in the
      edge branch;
    * no switch between Δ = σ(b) - σ(a) and a density fallback.  With a = (y - h - μ)/s and
      b = (y + h - μ)/s, the bin probability factorizes exactly as

          σ(b) - σ(a) = σ(b) · σ(-a) · (1 - exp(-(b - a))),   b - a = 2h/s,

      so ``log P = log σ(b) + log σ(-a) + log(-expm1(-2h/s))`` is evaluated without
      cancellation (``F.logsigmoid``; unlike ``softplus`` it has no x > 20 cut-off).  It is
      right at 8 and 16 bit alike: float32
      ``σ(b) - σ(a)`` loses all digits once the bin is narrower than float32 resolves near the
      CDF value (at 16 bit, h = 1.5e-5), which is why the vocoder needs its fallback.  That
      fallback, log pdf(y) + log 2h, is this formula's limit for h/s → 0 (σ(b)σ(-a) → s·pdf(y),
      -expm1(-2h/s) → 2h/s); its relative error is O((h/s)²).  Over the whole grid the bin
      probabilities telescope to 1.

    Args:
        y_hat: Tensor (B, 3K, T), float32/float64: logits, means, log-scales.
        y: target Tensor (B, T, 1) in [-1, 1] (grid points -1 + 2k/(num_classes - 1); off-grid
            values get the bin of width 2h centred on them).
        num_classes: number of quantization levels (int >= 2).
        log_scale_min: lower clamp of the log-scales.
        reduce: sum over B·T if True, else (B, T, 1).

    Returns:
        Scalar tensor (nats) or (B, T, 1).

    Raises:
        Same as :func:`discretized_mix_logistic_loss`.

    See the book chapter book/training.md.
    """
    B, K, T = _check_mol_tensor("y_hat", y_hat)
    _check_target(y_hat, y, B, T)
    num_classes = check_num_classes(num_classes)
    log_scale_min = _check_log_scale_min(log_scale_min)
    _check_bool("reduce", reduce)
    logits, means = y_hat[:, :K], y_hat[:, K : 2 * K]  # (B, K, T)
    log_s = torch.clamp(y_hat[:, 2 * K :], min=log_scale_min)
    inv_s = torch.exp(-log_s)
    half = 1.0 / (num_classes - 1)
    yv = y.reshape(B, 1, T)
    # grid index in float64 so that rounding is exact for any practical num_classes
    k = torch.round((yv.detach().double() + 1.0) * ((num_classes - 1) / 2))  # (B, 1, T)
    lowest, highest = k <= 0, k >= num_classes - 1
    c = yv - means  # (B, K, T)
    log_cdf_b = F.logsigmoid((c + half) * inv_s)  # log σ(b) = log F(upper edge)
    log_sf_a = F.logsigmoid((c - half) * -inv_s)  # log σ(-a) = log(1 - F(lower edge))
    log_width = torch.log(-torch.expm1(-(2.0 * half) * inv_s))  # log(1 - exp(-(b - a)))
    log_p = torch.where(
        lowest, log_cdf_b, torch.where(highest, log_sf_a, log_cdf_b + log_sf_a + log_width)
    )  # (B, K, T)
    log_p = log_p + F.log_softmax(logits, dim=1)
    if not math.isfinite(float(log_p.detach().sum())):
        _raise_nonfinite_loss(y_hat, K)
    nll = -torch.logsumexp(log_p, dim=1)  # (B, T)
    return nll.sum() if reduce else nll.unsqueeze(-1)


def bits_per_sample(loss, num_samples):
    """Convert a summed negative log-likelihood in nats into bits per audio sample.

    bits = loss / (num_samples · ln 2).  A model that puts equal mass on all 2^n classes scores
    n bits; the vocoder's loss with ``reduce=True`` is a sum over B·T samples, so pass
    ``num_samples = B * T``.

    Args:
        loss: total NLL in nats: a Python number or a tensor (a (B, T, 1) tensor from
            ``reduce=False`` is summed first).
        num_samples: number of samples the loss is summed over (int >= 1).

    Returns:
        float if loss is a number, else a 0-dim tensor (differentiable).

    Raises:
        TypeError: if loss is not a number/tensor or num_samples not an int.
        ValueError: if num_samples < 1.

    See the book chapter book/training.md.
    """
    if isinstance(num_samples, bool) or not isinstance(num_samples, int | np.integer):
        raise TypeError(
            f"num_samples must be an int (samples the loss is summed over), "
            f"got {type(num_samples).__name__} {num_samples!r}"
        )
    if num_samples < 1:
        raise ValueError(f"num_samples must be >= 1, got {num_samples}")
    scale = 1.0 / (int(num_samples) * math.log(2.0))
    if isinstance(loss, torch.Tensor):
        return loss.sum() * scale
    if isinstance(loss, bool) or not isinstance(loss, int | float | np.floating | np.integer):
        raise TypeError(f"loss must be a number or a torch.Tensor, got {type(loss).__name__}")
    return float(loss) * scale
