"""The vocoder's discretized MoL loss as one autograd node: same value and gradients, faster.

``molviz.vocoder.discretized_mix_logistic_loss`` validates its arguments and calls
:func:`faithful_log_sum_exp` here.  r9y9/wavenet_vocoder builds the loss from float masks,
``cond * a + (1 - cond) * b``, so autograd differentiates every branch for every element and
multiplies most of the results by zero.  This module computes the same forward values and replays
autograd's backward formulas (the same ``aten`` kernels, in the same order and memory layouts) for
the branch each element takes.  Why that changes no bit:

* **Same forward operations.**  Every float operation that decides a branch or enters the result
  is the vocoder's own, in its order and layout, so ``cdf_delta > 1e-5`` picks the same branch.
* **Branches merged with 0/1 masks.**  x·1 + y·0 = x for finite x and y, and a product with a 0/1
  mask is exact whether or not it is fused (``addcmul``).  The vocoder's unused branches send
  exact zeros into the gradient, and adding zeros changes no bit (up to the sign of a zero).
* **No subnormal arithmetic where it cannot matter.**  Components far from the target give
  standardized distances in the hundreds; ``exp``, ``softplus`` and ``sigmoid`` of those are
  exactly 0, exactly the argument, exactly 1 or subnormal, and subnormal results cost the CPU
  20-200x more.  The kernels skip that work only where the result is provably unchanged
  (``_RANGES`` below; tests/test_vocoder.py checks each fact of torch's kernels).
* **The log-sum-exp's argmax** comes from an equality mask and a tiny matrix product (count and
  index of the maxima, small integers: exact in a full-precision matmul); rows with ties fall
  back to ``torch.max``, as does everything when the matmul is not full precision.

How far the identity goes, as measured on torch 2.13 (tests/test_vocoder.py):

* the loss values are bit-identical;
* the first-order gradients (of y_hat and y) are bit-identical up to the sign of zeros (the
  vocoder's 0·x terms may give -0.0 where this module gives +0.0) for a contiguous y_hat in the
  vocoder's (B, 3K, T) layout.  For another memory layout, e.g. channels-last
  ``y_hat.transpose(1, 2).contiguous().transpose(1, 2)``, under 1% of the gradient elements
  differ by float32 rounding (below 1e-8 of the largest gradient where measured), as the
  vocoder's own gradients differ between the two layouts;
* gradients of gradients are not: with ``create_graph=True`` (a gradient penalty, say) the
  backward pass differentiates :func:`_plain_log_sum_exp`, the same formula in plain autograd,
  so that gradient is right to float rounding, differentiable again, and slower.
"""

from __future__ import annotations

import contextlib
import math

import torch
import torch.nn.functional as F

from molviz._vocoder_sampler import cached_constant, matmul_is_exact

_NULL_CONTEXT = contextlib.nullcontext()


def _no_autocast(x):
    """A context that switches autocast off for x's device if it is on (matmul in bfloat16 would
    round the index sums); a no-op otherwise."""
    if torch.is_autocast_enabled(x.device.type):
        return torch.autocast(x.device.type, enabled=False)
    return _NULL_CONTEXT


def raise_nonfinite_loss(y_hat, K):
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


def _first_argmax_last(x):
    """Max over the last dim of x (B, T, K) and the index of its first occurrence (torch.max).

    Returns (max (B, T, 1), index (B, T) int64, rows (B, T) bool with no single maximum (ties,
    NaN), where the index is not valid).
    """
    K = x.shape[-1]
    if not (matmul_is_exact(x.dtype) and x.device.type == "cpu"):
        m, k = x.max(dim=-1, keepdim=True)
        return m, k[..., 0], torch.zeros(k.shape[:-1], dtype=torch.bool, device=x.device)
    m = x.amax(-1, keepdim=True)  # (B, T, 1)
    mask = torch.eq(x, m).to(x.dtype)  # (B, T, K)
    w = cached_constant(
        ("count_k", K, x.dtype, x.device),
        lambda: torch.stack([torch.ones(K), torch.arange(K)], 1).to(x.dtype).to(x.device),
    )  # (K, 2)
    with _no_autocast(x):
        ck = torch.matmul(mask, w)  # (B, T, 2): number of maxima, sum of their indices
    return m, ck[..., 1].long(), ck[..., 0] != 1


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
    if not z.numel():  # (aminmax has no value for an empty tensor)
        return e
    lo, hi = torch.aminmax(z)
    if float(lo) < normal_from and float(hi) >= zero_below:  # maybe subnormal results
        band = (z >= zero_below).logical_and_(z < normal_from)
        if bool(band.any()):
            e[band] = torch.exp(z[band])
    return e


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
    also returns what the backward pass needs, a dict of tensors (the softplus masks and the
    edge-bin tensors only when they exist), else None.
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
        raise_nonfinite_loss(y_hat, K)
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
        "fallback": fallback_mask, "c": c, "c_minus": c_minus, "inv_s": inv_s, "mid_c": mid_c,
        "unclamped": torch.ge(raw_log_s, log_scale_min, out=torch.empty_like(c)),
    }  # fmt: skip
    if sp_masks is not None:
        saved["in_band"], saved["above"] = sp_masks
    if edges is not None:
        saved["lower"], saved["upper"], saved["edge_arg"] = edges
    return lse, saved


def _plain_log_sum_exp(y_hat, y, num_classes, log_scale_min):
    """log Σ_k π_k P_k(bin of y), (B, T): the vocoder's formula in plain, twice-differentiable
    torch, for gradients of gradients (``create_graph=True``).

    The statement of ``discretized_mix_logistic_loss``'s docstring, branch for branch.
    ``torch.where`` passes exact zeros to the branches an element does not take, and every
    branch is finite wherever it is evaluated (Δ is clamped before its log), so no 0·inf = NaN
    reaches the gradient.  Its own Δ decides the branch; it can differ from the fast path's only
    where Δ rounds across 1e-5, a jump of the vocoder's loss where no derivative exists anyway.
    """
    B, C, T = y_hat.shape
    K = C // 3
    logits, means = y_hat[:, :K], y_hat[:, K : 2 * K]  # (B, K, T)
    log_s = torch.clamp(y_hat[:, 2 * K :], min=log_scale_min)
    inv_s = torch.exp(-log_s)  # 1/s
    yv = y.reshape(B, 1, T)
    c = yv - means  # (B, K, T)
    h = 1.0 / (num_classes - 1)  # half bin width
    plus_in, min_in, mid_in = inv_s * (c + h), inv_s * (c - h), inv_s * c
    delta = torch.sigmoid(plus_in) - torch.sigmoid(min_in)  # Δ
    # log pdf(y) = mid - log s - 2 softplus(mid), less log((num_classes - 1)/2): log of 2h·pdf
    fallback = mid_in - log_s - 2.0 * F.softplus(mid_in) - math.log((num_classes - 1) / 2)
    interior = torch.where(delta > 1e-5, torch.log(delta.clamp(min=1e-5)), fallback)
    log_p = torch.where(
        yv < -0.999,
        plus_in - F.softplus(plus_in),  # log σ(plus): lowest bin
        torch.where(yv > 0.999, -F.softplus(min_in), interior),  # log(1 - σ(min)): highest bin
    )
    x = log_p + F.log_softmax(logits, dim=1)  # log π_k P_k: (B, K, T)
    m = x.amax(1, keepdim=True).detach()  # the shift cancels in m + log Σ exp(x - m)
    return (m + torch.log(torch.exp(x - m).sum(1, keepdim=True)))[:, 0]


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
        # Through save_for_backward, so that autograd checks the versions (an in-place change of
        # y_hat before backward raises) and keeps them for retain_graph; the inputs themselves
        # for the create_graph path.  ctx.names says which optional tensors there are.
        ctx.num_classes, ctx.log_scale_min, ctx.names = num_classes, log_scale_min, tuple(saved)
        ctx.save_for_backward(y_hat, y, *saved.values())
        return lse

    @staticmethod
    def backward(ctx, g):  # g: (B, T), the gradient of the log-sum-exp
        y_hat, y, *tensors = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: the gradient must be differentiable
            return _plain_backward(ctx, y_hat, y, g)
        s = dict(zip(ctx.names, tensors, strict=True))
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
        if "in_band" in s:  # softplus' = 1 above 20, and ~0 below the tiny bound
            sp_grad = torch.addcmul(sp_grad.mul_(s["in_band"]), a, s["above"], value=-2.0)
        x_grad = torch.addcmul(sp_grad.add_(a).mul_(fallback), x_grad, interior)
        half = 1.0 / (ctx.num_classes - 1)
        x_mult = torch.add(s["c"], interior, alpha=half)  # c + h (interior) or c (fallback)
        if "edge_arg" in s:
            lower, upper, edge_arg = s["lower"], s["upper"], s["edge_arg"]  # (B, 1, T) bool
            sp_edge = _softplus_backward(-a_bt, edge_arg)
            low, up = lower.to(a.dtype), upper.to(a.dtype)  # (B, 1, T) 0/1
            inner = 1.0 - low - up
            # lowest bin p - softplus(p): a + softplus'·(-a) on plus_in; highest: on min_in
            x_grad = x_grad.mul_(inner).addcmul_(sp_edge + a, low)
            y_grad = y_grad.mul_(inner).addcmul_(sp_edge, up)
            fallback = fallback * inner
            x_mult = torch.where(lower, s["c"] + half, x_mult)
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


def _plain_backward(ctx, y_hat, y, g):
    """The gradient of the log-sum-exp as a differentiable function of y_hat, y and g: autograd
    through :func:`_plain_log_sum_exp` (the fast backward's kernels cannot be differentiated)."""
    needs = ctx.needs_input_grad[:2]
    wrt = [t for t, need in zip((y_hat, y), needs, strict=True) if need]
    lse = _plain_log_sum_exp(y_hat, y, ctx.num_classes, ctx.log_scale_min)  # (grad mode is on)
    grads = iter(torch.autograd.grad(lse, wrt, g, create_graph=True))
    return (*(next(grads) if need else None for need in needs), None, None)


def faithful_log_sum_exp(y_hat, y, num_classes, log_scale_min):
    """log Σ_k π_k P_k(bin of y) per step, (B, T): the vocoder's value, and its gradient when
    y_hat or y requires one (arguments already validated)."""
    if torch.is_grad_enabled() and (y_hat.requires_grad or y.requires_grad):
        return _VocoderLogSumExp.apply(y_hat, y, num_classes, log_scale_min)
    lse, _ = _faithful_forward(y_hat, y, num_classes, log_scale_min, keep=False)
    return lse
