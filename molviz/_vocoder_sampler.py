"""Fast CPU kernels behind ``molviz.vocoder.sample_from_discretized_mix_logistic``.

The vocoder (r9y9/wavenet_vocoder ``mixture.py``) samples a (B, 3K, T) mixture of logistics as

    u_g ~ U(1e-5, 1 - 1e-5)  on a new (B, T, K) tensor,  k = argmax_k [a_k - log(-log u_g)]
    u   ~ U(1e-5, 1 - 1e-5)  on a new (B, T) tensor,     x = μ_k + exp(log s_k) (log u - log(1 - u))

and ``molviz.vocoder._sample_plain`` writes exactly that.  The kernels here give the same bits
with fewer passes over memory.  Each trick and why it changes no bit:

* **One buffer, same stream.**  torch's CPU generator fills a tensor serially in memory order, so
  one draw into the first B·T·K + B·T slots of a buffer ``[u_g | u | 1 - u]`` yields the
  vocoder's (B, T, K) draw followed by its (B, T) draw; the generator's state afterwards is the
  same too.  ``1 - u`` is written next to u so that *one* ``log_`` call computes log u_g, log u
  and log(1 - u).  torch's ``log`` and ``exp`` give the same bits for a value wherever it sits in
  a tensor (contiguous, strided, any offset or length: tests/test_vocoder.py checks it).
* **Integer draws.**  ``uniform_`` spends a third of its serial loop on float arithmetic.  For
  float32 the same random words are drawn as integers and scaled in vectorized passes on all
  threads (:func:`draw_uniform` explains why that is exact); a check at first use confirms that
  this torch build agrees, else ``uniform_`` is used.
* **Negate and transpose in one pass.**  The argmax over K wants the (B, K, T) layout, the draws
  come in (B, T, K).  ``-log u_g`` is moved there by a batched product with -I (K x K):
  every output is (-1)·w plus exact zeros 0·w' (w' finite), so it is -w exactly, in any
  summation order.  That holds only for an exact float32 matmul: under autocast or a reduced
  ``torch.set_float32_matmul_precision`` a strided ``torch.neg`` does the same move instead.
* **Subtract in place.**  ``logits - log(-log u_g)`` is written over the buffer it reads; an
  element-wise op reads each element before it writes it, and the rounding is the vocoder's
  single subtraction.
* **Argmax with max pooling.**  ``F.max_pool1d`` over K on the (block, T, K) view of the
  (block, K, T) scores is vectorized along T and keeps the *first* maximum (it replaces only on
  ``>``), as ``torch.max`` does.  A NaN logit makes its row's maximum NaN; the sampler raises then.
  For small inputs ``torch.max`` on the (B, T, K) scores is cheaper and is used instead.
* **Both threads busy.**  torch splits pooling over the batch dimension only, so for B = 1 the
  time axis is cut into as many blocks as torch has threads (when T divides), and the blocks
  become the batch of the transposition, the subtraction and the pooling.  Each thread then works
  on the data it wrote in the previous pass.
* **Gather, not a one-hot sum.**  The chosen μ_k and log s_k are read with ``gather``; the
  vocoder's ``sum(param * one_hot)`` is x·1 + 0 + ... + 0 = x for finite values.  Where a
  component that was *not* chosen holds inf or NaN the vocoder returns NaN (0·inf); molviz
  returns the sample of the chosen component.
* **The logistic step in place.**  ``d.mul_(s).add_(μ)`` rounds s·d, then μ + (s·d), as the
  vocoder's ``mean + exp(log_s) * d``.  (``torch.addcmul`` would fuse the two roundings into one.)
* **A single step** (B·T = 1) runs on numpy scalars: log and exp still come from torch's
  kernels (their last bits are the library's), subtraction, argmax, product and sum are IEEE
  operations that round identically in numpy.

One rule of the vocoder's formula is kept on purpose: ``log(u) - log(1 - u)``, not the stable
``torch.logit`` or ``log1p``, which round differently.

See book/appendix/performance.md for the measurements.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.nn.functional as F

# The vocoder draws every uniform from U(1e-5, 1 - 1e-5); both bounds are Python floats.
U_LO = 1e-5
U_HI = 1.0 - 1e-5
# From this many Gumbel draws (B·T·K) on, transposition + max pooling beats torch.max on (B, T, K).
_POOL_FROM = 1 << 12
# Cut the time axis into blocks (for the threads) only from this many steps per block on.
_MIN_BLOCK = 1 << 12
# Draw float32 uniforms as integers (see draw_uniform) from this many values on.
_INT_DRAW_FROM = 1 << 13
_LOW24 = (1 << 24) - 1  # float32 has a 24-bit significand: uniform_ keeps 24 random bits

_CONSTANTS = {}


def cached_constant(key, make):
    """A small cached tensor (the -I matrices, the scalar 1, the loss's index weights): built
    once per key by ``make()``.  The key names everything the tensor depends on."""
    if key not in _CONSTANTS:
        _CONSTANTS[key] = make()
    return _CONSTANTS[key]


# ----------------------------------------------------------------------------------------------
# errors


def _raise_nan_logits(top):
    """top: (B, T) row maxima of the scores; NaN exactly where a row has a NaN logit."""
    b, t = (int(i) for i in top.isnan().nonzero()[0])
    raise ValueError(f"y must not contain NaN logits (channels [0, K)), got NaN at (b={b}, t={t})")


def raise_nonfinite_sample(x, mu, log_s, k, b, t):
    raise ValueError(
        f"y must be finite: the sample at (b={b}, t={t}) is {float(x)} before clamping to [-1, 1] "
        f"(chosen component k={k} has mean μ = {float(mu)}, log-scale log s = {float(log_s)}; "
        f"a non-finite μ or log s, or exp(log s) overflowing, gives this)"
    )


def _check_sample(x, mu, log_s, k, top):
    """Raise if a row has a NaN logit (top is NaN) or a sample is not finite; x, mu, log_s, k,
    top: (B, T).  One sum each: they are finite in the common case."""
    if top is not None and math.isnan(float(top.sum())):
        _raise_nan_logits(top)
    if math.isfinite(float(x.sum())):
        return
    bad = ~torch.isfinite(x)
    if bool(bad.any()):  # (else the sum overflowed, but every sample is finite)
        b, t = (int(i) for i in bad.nonzero()[0])
        raise_nonfinite_sample(x[b, t], mu[b, t], log_s[b, t], int(k[b, t]), b, t)


# ----------------------------------------------------------------------------------------------
# the uniform draws


def _int_draw_constants():
    """U_LO as a float32 scalar tensor, and the step (U_HI - U_LO)·2^-24 of float32 (exact)."""
    lo, hi = torch.tensor(U_LO, dtype=torch.float32), torch.tensor(U_HI, dtype=torch.float32)
    return lo, float(hi - lo) * 2.0**-24


def _int_draw(out, generator):
    """out (float32, contiguous) <- uniform_(U_LO, U_HI) values via 32-bit integer draws.

    The words go into out's own memory (an int32 view of it) and are converted in place: every
    pass reads an element before it writes the same element.
    """
    lo, step = cached_constant("int_draw", _int_draw_constants)
    ints = out.view(torch.int32).random_(generator=generator)  # w mod 2^31
    ints.bitwise_and_(_LOW24)  # the 24 bits uniform_ uses
    out.copy_(ints)  # to float32, exact: integers below 2^24
    return torch.add(lo, out, alpha=step, out=out)  # U_LO + v·step, one rounding (fused)


def _check_int_draw():
    """True if :func:`_int_draw` reproduces ``uniform_`` here: values and generator state, for
    sizes that exercise the kernels' vector loops, their scalar tails and both threads."""
    for n in (1, 5, 31, 33, 100, 4099, 70001):
        ref_gen, gen = torch.Generator().manual_seed(n), torch.Generator().manual_seed(n)
        ref = torch.empty(n, dtype=torch.float32).uniform_(U_LO, U_HI, generator=ref_gen)
        got = _int_draw(torch.empty(n, dtype=torch.float32), gen)
        same_bits = torch.equal(ref.view(torch.int32), got.view(torch.int32))
        if not (same_bits and torch.equal(ref_gen.get_state(), gen.get_state())):
            return False
    return True


@functools.cache
def int_draw_matches():
    """Whether the integer route is bit-exact with this torch build (checked once per process:
    the answer depends only on the build)."""
    with torch.inference_mode(False), torch.no_grad():
        return _check_int_draw()


def draw_uniform(out, generator):
    """Fill the contiguous CPU tensor out with ``out.uniform_(U_LO, U_HI)``'s values, faster.

    torch's ``uniform_`` draws one 32-bit word w per element, serially, and for float32 returns
    U_LO + x·(U_HI - U_LO) rounded once, x = (w mod 2^24)·2^-24 (the float32 constants).
    ``random_()`` on int32 draws the same word per element and keeps w mod 2^31, so its low 24
    bits are the same; the scaling then runs as vectorized passes on all threads instead of in
    the serial loop.  (U_HI - U_LO)·2^-24 is exact, so v·step = x·(U_HI - U_LO); ``torch.add``
    with ``alpha`` rounds v·step + U_LO once, as ``uniform_`` does; rounding it in float64
    first would give the same float32 for every one of the 2^24 values of v.  Used for float32
    only, and only after a check that this torch build gives the same bits (else ``uniform_``).
    """
    if out.dtype == torch.float32 and out.numel() >= _INT_DRAW_FROM and int_draw_matches():
        return _int_draw(out, generator)
    return out.uniform_(U_LO, U_HI, generator=generator)


# ----------------------------------------------------------------------------------------------
# the logistic step, shared by both methods


def one_minus(u, out):
    """1 - u into out, rounded once as the vocoder's ``1.0 - u`` (-u is exact)."""
    one = cached_constant(("one", u.dtype), lambda: torch.ones((), dtype=u.dtype))
    return torch.sub(one, u, out=out)


def logistic_noise(log_u, log_one_minus_u):
    """d = log u - log(1 - u), the vocoder's logistic noise, from the two logs (a new tensor)."""
    return torch.sub(log_u, log_one_minus_u)


def logistic_step(y, k, d, log_scale_min, clamp_log_scale, top=None):
    """x = μ_k + exp(log s_k) · d, clamped to [-1, 1], in the vocoder's float operations.

    Args:
        y: (B, 3K, T) parameters; k: (B, T) int64 chosen components; d: (B, T) logistic noise
            log u - log(1 - u) (overwritten with the result when no gradient is needed);
            top: (B, T) row maxima of the Gumbel scores, for the NaN-logit check (or None).
    """
    B, C, T = y.shape
    K = C // 3
    sel = y.unflatten(1, (3, K))[:, 1:].gather(2, k.view(B, 1, 1, T).expand(B, 2, 1, T))
    mu, log_s = sel[:, 0, 0], sel[:, 1, 0]  # (B, T)
    if y.requires_grad and torch.is_grad_enabled():  # keep the graph: μ, log s differentiable
        if clamp_log_scale:
            log_s = torch.clamp(log_s, min=log_scale_min)
        x = mu + torch.exp(log_s) * d
        _check_sample(x.detach(), mu, log_s, k, top)
        return torch.clamp(x, -1.0, 1.0)
    if clamp_log_scale:
        log_s = log_s.clamp_(min=log_scale_min)
    x = d.mul_(torch.exp(log_s)).add_(mu)  # s·d, then μ + s·d: the vocoder's two roundings
    _check_sample(x, mu, log_s, k, top)
    return x.clamp_(-1.0, 1.0)


# ----------------------------------------------------------------------------------------------
# method="gumbel": the vocoder's algorithm on the CPU


def matmul_is_exact(dtype):
    """True if a float matmul of this dtype runs in full precision (no bf16/tf32 shortcut)."""
    if dtype == torch.float64:
        return True
    mkldnn = getattr(torch.backends.mkldnn, "matmul", None)
    return torch.get_float32_matmul_precision() == "highest" and getattr(
        mkldnn, "fp32_precision", "none"
    ) in ("none", "ieee")


def _neg_transpose(w, out):
    """out = -w transposed per block: w (N, L, K) -> out (N, K, L), exactly."""
    N, _, K = w.shape
    if matmul_is_exact(w.dtype) and not torch.is_autocast_enabled("cpu"):
        neg_eye = cached_constant(("neg_eye", K, w.dtype), lambda: -torch.eye(K, dtype=w.dtype))
        return torch.bmm(neg_eye.expand(N, K, K), w.transpose(1, 2), out=out)
    return torch.neg(w.transpose(1, 2), out=out)


def _time_blocks(B, T):
    """Number P of equal blocks to cut T into, so that pooling over B·P rows uses every thread."""
    wanted = -(-torch.get_num_threads() // B)  # ceil(threads / B)
    for P in range(min(wanted, T // _MIN_BLOCK), 1, -1):
        if T % P == 0:
            return P
    return 1


def _argmax_pooled(logits, log_ug):
    """First argmax over K of logits - log(-log u_g) via transposition and max pooling.

    logits: (B, K, T) view of y; log_ug: (B, T, K) holding log u_g.  Returns k and the row
    maxima, both (B, T).
    """
    B, T, K = log_ug.shape
    P = _time_blocks(B, T)
    N, L = B * P, T // P  # rows (b, p) of L time steps: t = p·L + l
    scores = torch.empty(N, K, L, dtype=log_ug.dtype)
    _neg_transpose(log_ug.view(N, L, K), out=scores)  # -log u_g: (N, K, L)
    scores.log_()  # log(-log u_g)
    s4 = scores.view(B, P, K, L)
    torch.sub(logits.unflatten(2, (P, L)).transpose(1, 2), s4, out=s4)  # a - log(-log u_g)
    top, k = F.max_pool1d(scores.transpose(1, 2), K, return_indices=True)  # (N, L, 1) each
    return k.view(B, T), top.view(B, T)


def _argmax_small(logits, log_ug):
    """Same as :func:`_argmax_pooled` in the vocoder's (B, T, K) layout with torch.max."""
    scores = log_ug.neg_().log_()  # log(-log u_g): (B, T, K)
    torch.sub(logits.transpose(1, 2), scores, out=scores)
    top, k = scores.max(dim=-1)  # (B, T), first maximum
    return k, top


def sample_gumbel(y, log_scale_min, clamp_log_scale, generator):
    """The vocoder's sampler on a CPU tensor y (B, 3K, T) with B·T >= 1: (B, T), bit-identical."""
    B, C, T = y.shape
    K = C // 3
    n, n_g = B * T, B * T * K
    buf = torch.empty(n_g + 2 * n, dtype=y.dtype)
    u_g, u, one_minus_u = buf[:n_g], buf[n_g : n_g + n], buf[n_g + n :]
    draw_uniform(buf[: n_g + n], generator)  # the vocoder's (B, T, K) draw, then its (B, T) draw
    one_minus(u, out=one_minus_u)
    buf.log_()  # [log u_g | log u | log(1 - u)]
    d = logistic_noise(u, one_minus_u).view(B, T)
    argmax = _argmax_pooled if n_g >= _POOL_FROM else _argmax_small
    k, top = argmax(y[:, :K].detach(), u_g.view(B, T, K))
    return logistic_step(y, k, d, log_scale_min, clamp_log_scale, top)


_EXP_OF = {}


def _exp_scalar(value, dtype):
    """torch's exp of one float as a numpy scalar of dtype (cached: log_scale_min repeats)."""
    key = (value, dtype)
    if key not in _EXP_OF:
        if len(_EXP_OF) > 64:  # a handful of log_scale_min values in practice
            _EXP_OF.clear()
        _EXP_OF[key] = torch.exp(torch.tensor(value, dtype=dtype)).numpy()[()]
    return _EXP_OF[key]


def sample_one_step(y, log_scale_min, clamp_log_scale, generator):
    """B = T = 1 on the CPU without autograd: the vocoder's arithmetic with minimal overhead.

    log and exp run through torch's kernels; subtraction, argmax, multiplication and addition
    are IEEE-exact, so numpy float32/64 gives the same bits.
    """
    dtype = y.dtype
    K = y.shape[1] // 3
    u = torch.empty(K + 1, dtype=dtype).uniform_(U_LO, U_HI, generator=generator)
    w = torch.log(u)  # log u for the K Gumbel draws and the logistic draw: (K + 1,)
    un, wn = u.numpy(), w.numpy()  # views of the same memory
    log_u = wn[K]  # (a numpy scalar: a copy)
    wn[K] = 1.0 - un[K]  # float32 (or 64) 1 - u, rounded once, as the vocoder
    np.negative(wn[:K], out=wn[:K])  # -log u_k
    w.log_()  # [log(-log u_k) | log(1 - u)]
    yn = y.numpy().reshape(-1)  # (3K,) [logits | means | log-scales]
    scores = yn[:K] - wn[:K]  # logits - log(-log u), as the vocoder: (K,)
    k = int(scores.argmax())  # first maximum, as torch.max
    if scores[k] != scores[k]:
        raise ValueError("y must not contain NaN logits (channels [0, K)), got NaN at (b=0, t=0)")
    log_s = yn[2 * K + k]
    if clamp_log_scale and log_s < log_scale_min:  # (NaN stays NaN, as with torch.clamp)
        s = _exp_scalar(float(log_s.dtype.type(log_scale_min)), dtype)
    else:
        s = torch.exp(y).numpy().reshape(-1)[2 * K + k]  # exp is element-wise: same bits
    # x = μ + s * (log u - log(1 - u)) in the input's float type, one rounding per operation.
    x = yn[K + k] + s * (log_u - wn[K])
    if not math.isfinite(x):
        raise_nonfinite_sample(x, yn[K + k], log_s, k, 0, 0)
    x = -1.0 if x < -1.0 else (1.0 if x > 1.0 else float(x))
    return torch.full((1, 1), x, dtype=dtype)


# ----------------------------------------------------------------------------------------------
# method="inverse_cdf": same law, 2 uniforms per step


def sample_inverse_cdf(y, log_scale_min, clamp_log_scale, generator):
    """Component by inverting the categorical CDF of softmax(a), then the logistic step."""
    B, C, T = y.shape
    K = C // 3
    n = B * T
    opts = {"dtype": y.dtype, "device": y.device}
    r = torch.empty(B, T, **opts).uniform_(0.0, 1.0, generator=generator)  # component choice
    buf = torch.empty(2 * n, **opts)
    u, one_minus_u = buf[:n], buf[n:]
    u.uniform_(U_LO, U_HI, generator=generator)  # logistic
    one_minus(u, out=one_minus_u)
    buf.log_()  # [log u | log(1 - u)]
    d = logistic_noise(u, one_minus_u).view(B, T)
    logits = y[:, :K].detach()  # (B, K, T)
    m = logits.amax(1, keepdim=True)  # (B, 1, T)
    top = float(m.sum())  # one sum, finite in the common case (B·T = 0 never gets here)
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
    return logistic_step(y, k, d, log_scale_min, clamp_log_scale)
