"""Argument checks shared by every molviz module (numpy and torch).

Every public function validates its arguments here, so that bad input fails early with an
error that names the argument, the expected shape or range and what was actually received, in
the spirit of ``torch.distributions.Distribution`` ("Expected parameter scale ... to satisfy the
constraint ...").  Wrong *types* (a string, a complex or boolean array, a numpy array where a
tensor is needed) raise ``TypeError``; wrong *values or shapes* raise ``ValueError``.

The checks are cheap: each is at most one reduction over its argument (``min``, ``max`` or an
``isfinite`` pass) and none copies data except the conversion to float64 that the numpy
functions need anyway.  Functions take the argument's *name* first so the message can say it.
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

__all__ = [
    "as_float_array",
    "check_broadcast",
    "check_eps",
    "check_finite",
    "check_finite_range",
    "check_floating_tensor",
    "check_logits",
    "check_mixture_shapes",
    "check_not_nan",
    "check_num_classes",
    "check_open_unit",
    "check_positive",
    "check_real_scalar",
    "check_temperature",
    "check_weights",
    "weights_sum_tolerance",
]


def _is_tensor(x) -> bool:
    """True if ``x`` is a torch tensor (without importing torch when it is not loaded)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _torch():
    """The torch module (only called once a tensor or torch dtype has been seen)."""
    return sys.modules["torch"]


def _fmt(v) -> str:
    """Short repr of a number for error messages (``-1.0``, ``nan``, ``3``)."""
    return repr(float(v)) if not isinstance(v, int | np.integer) else repr(int(v))


def as_float_array(name: str, x) -> np.ndarray:
    """Convert a real number, sequence, numpy array or CPU tensor to a float64 numpy array.

    Args:
        name: argument name used in error messages.
        x: real-valued array-like of any shape.

    Returns:
        ``np.ndarray`` of dtype float64 (a view when ``x`` already is one).

    Raises:
        TypeError: if ``x`` is a string/bytes, or its dtype is not integer or floating
            (bool, complex, object and string arrays are refused).
    """
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be a real number or array of real numbers, got str {x!r}")
    if _is_tensor(x):
        x = x.detach().cpu()
        torch = _torch()
        if x.dtype.is_floating_point and x.dtype not in (
            torch.float16,
            torch.float32,
            torch.float64,
        ):
            x = x.float()  # bfloat16 and float8 have no numpy dtype; float32 holds them exactly
        x = x.numpy()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise TypeError(
            f"{name} must be a real number or array of real numbers, got {type(x).__name__}"
        ) from err
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or array of real numbers (integer or float dtype), "
            f"got {type(x).__name__} with dtype {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def check_real_scalar(name: str, x) -> float:
    """Return ``x`` as a Python float, refusing non-numbers (str, bool, arrays of size > 1).

    Raises:
        TypeError: if ``x`` is not a real scalar (a 0-dim or size-1 array/tensor is accepted).
    """
    if isinstance(x, bool | np.bool_) or isinstance(x, str | bytes):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    if isinstance(x, numbers.Real):
        return float(x)
    if _is_tensor(x) or isinstance(x, np.ndarray):
        if x.dtype.is_floating_point if _is_tensor(x) else x.dtype.kind in "iuf":
            if x.numel() == 1 if _is_tensor(x) else x.size == 1:
                return float(x.reshape(()).item())
        raise TypeError(
            f"{name} must be a real scalar, got {type(x).__name__} of shape {tuple(x.shape)} "
            f"and dtype {x.dtype}"
        )
    raise TypeError(f"{name} must be a real number, got {type(x).__name__}")


def check_finite(name: str, x, what: str = "") -> None:
    """Raise ``ValueError`` if ``x`` (numpy array or tensor) contains NaN or ±inf.

    Args:
        name: argument name for the message.
        x: numpy array or torch tensor.
        what: optional description of the argument, e.g. ``"means μ"``.
    """
    ok = bool(x.isfinite().all()) if _is_tensor(x) else bool(np.isfinite(x).all())
    if not ok:
        desc = f" ({what})" if what else ""
        bad = "nan" if (x.isnan().any() if _is_tensor(x) else np.isnan(x).any()) else "inf"
        raise ValueError(f"{name}{desc} must be finite, got a value {bad}")


def check_finite_range(name: str, x, what: str = "", lo=-math.inf, hi=math.inf, why="") -> None:
    """Raise ``ValueError`` unless every entry of ``x`` is finite and lies in [lo, hi].

    One ``aminmax`` pass for a tensor (NaN propagates into it), so this costs no more than
    :func:`check_finite`.  Used for arguments whose finite values can still overflow a
    computation, e.g. log-scales log s whose s = exp(log s) times logit(u) exceeds the dtype.

    Args:
        name: argument name for the message.
        x: numpy array or torch tensor (empty is accepted).
        what: optional description, e.g. ``"log-scales log s"``.
        lo, hi: inclusive bounds (``lo == -hi`` is reported as a bound on ``|x|``).
        why: explanation appended to a bound violation, e.g. ``" for torch.float32 (...)"``.

    Raises:
        ValueError: ``"log_s (log-scales log s) must be finite, got a value inf"`` or
            ``"log_s (log-scales log s) must be <= 85.5278, the largest usable value for
            torch.float32 ..., got max(log_s) = 100.0"``.
    """
    if _is_tensor(x):
        if x.numel() == 0:
            return
        mn, mx = (float(v) for v in _torch().aminmax(x.detach()))
    else:
        if np.size(x) == 0:
            return
        mn, mx = float(np.min(x)), float(np.max(x))
    desc = f" ({what})" if what else ""
    if math.isnan(mn) or math.isnan(mx):
        raise ValueError(f"{name}{desc} must be finite, got a value nan")
    if math.isinf(mn) or math.isinf(mx):
        raise ValueError(f"{name}{desc} must be finite, got a value inf")
    if lo == -hi and (mx > hi or mn < lo):
        worst = max(abs(mn), abs(mx))
        raise ValueError(
            f"{name}{desc} must satisfy |{name}| <= {hi:.6g}{why}, got max |{name}| = {worst!r}"
        )
    if mx > hi:
        raise ValueError(f"{name}{desc} must be <= {hi:.6g}{why}, got max({name}) = {mx!r}")
    if mn < lo:
        raise ValueError(f"{name}{desc} must be >= {lo:.6g}{why}, got min({name}) = {mn!r}")


def check_not_nan(name: str, x) -> None:
    """Raise ``ValueError`` if ``x`` (numpy array or tensor) contains NaN (±inf is allowed)."""
    bad = bool(x.isnan().any()) if _is_tensor(x) else bool(np.isnan(x).any())
    if bad:
        raise ValueError(f"{name} must not contain NaN, got a NaN value")


def check_positive(name: str, x, what: str = "") -> None:
    """Raise ``ValueError`` unless every entry of ``x`` is finite and > 0.

    Args:
        name: argument name, e.g. ``"s"``.
        x: numpy array or torch tensor.
        what: what the argument is, e.g. ``"scale of the logistic"``.

    Raises:
        ValueError: ``"s must be > 0 (scale of the logistic), got min(s) = -1.0"``.
    """
    if _is_tensor(x):
        if x.numel() == 0:
            return
        x = x.detach()
        lo, hi = float(x.min()), float(x.max())
    else:
        if x.size == 0:
            return
        lo, hi = float(np.min(x)), float(np.max(x))
    desc = f" ({what})" if what else ""
    if math.isnan(lo) or math.isnan(hi):
        raise ValueError(f"{name} must be > 0 and finite{desc}, got a NaN value")
    if not lo > 0:
        raise ValueError(f"{name} must be > 0{desc}, got min({name}) = {_fmt(lo)}")
    if math.isinf(hi):
        raise ValueError(f"{name} must be finite{desc}, got max({name}) = inf")


def check_open_unit(name: str, q) -> None:
    """Raise ``ValueError`` unless every entry of ``q`` (array or tensor) lies in (0, 1).

    Quantile functions are only defined on (0, 1); ``q = 0`` or ``1`` would give ∓inf.
    """
    if _is_tensor(q):
        if q.numel() == 0:
            return
        q = q.detach()
        lo, hi = float(q.min()), float(q.max())
    else:
        if q.size == 0:
            return
        lo, hi = float(np.min(q)), float(np.max(q))
    if math.isnan(lo) or math.isnan(hi):
        raise ValueError(f"{name} must lie in the open interval (0, 1), got a NaN value")
    if not (lo > 0 and hi < 1):
        raise ValueError(
            f"{name} must lie in the open interval (0, 1) (a probability), "
            f"got min({name}) = {_fmt(lo)}, max({name}) = {_fmt(hi)}"
        )


def weights_sum_tolerance(dtype, k: int) -> float:
    """Allowed ``|Σ_k π_k - 1|`` for K weights that were computed in ``dtype``.

    Weights computed in floating point, e.g. by a softmax, sum to 1 only up to rounding: each
    π_k carries a relative error of a few ulp and the normalizing sum up to (K - 1) ulp, so
    the total is off by at most about (1.2 K + 2) ε, with ε the machine epsilon of the dtype
    the weights were *computed* in (measured: up to 4 ε for float32 softmax with K <= 4096).
    The tolerance is ``max(1e-8, 2 (K + 2) ε)``: 1e-8 for float64 (and integer or Python
    number input) as long as K < 2·10⁷, 2.1e-6 for float32 with K = 7; a sum of 0.99 is
    still refused in float32 for any K < 41 000.

    Args:
        dtype: numpy or torch dtype of the weights as passed (``None`` means float64).
        k: number of components K.

    Returns:
        float tolerance.
    """
    eps = float(np.finfo(np.float64).eps)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(dtype, torch.dtype):
        if dtype.is_floating_point:
            eps = float(torch.finfo(dtype).eps)
    elif dtype is not None and np.dtype(dtype).kind == "f":
        eps = float(np.finfo(dtype).eps)
    return max(1e-8, 2.0 * (k + 2) * eps)


def check_weights(name: str, pi, atol=None, dtype=None) -> np.ndarray:
    """Check mixture weights π: non-negative, finite, summing to 1 along the last axis.

    Args:
        name: argument name, usually ``"pi"``.
        pi: float64 array of shape (..., K), K >= 1.
        atol: allowed absolute deviation of each sum from 1, ``|Σ_k π_k - 1| <= atol``;
            ``None`` (default) takes :func:`weights_sum_tolerance` (dtype, K): 1e-8 for
            float64 weights (accepts float64 softmax output and hand-written weights such as
            ``[0.3, 0.7]``), ``2 (K + 2) ε`` of the dtype for lower precision, so float32
            softmax output is accepted while a sum of 0.99 is not.
        dtype: the dtype the weights had *before* conversion to float64 (numpy or torch
            dtype; ``None`` for Python numbers and lists, treated as float64).

    Returns:
        float64 π divided by its sum along the last axis, so that the weights used
        downstream sum to 1 up to float64 rounding (a change of at most ``atol`` relative).

    Raises:
        ValueError: if a weight is negative or not finite, or a sum is off by more than the
            tolerance, or π has no component axis.
    """
    if pi.ndim == 0 or pi.shape[-1] == 0:
        raise ValueError(
            f"{name} must have shape (..., K) with K >= 1 components, got shape {pi.shape}"
        )
    lo = float(np.min(pi))
    if math.isnan(lo) or not np.isfinite(pi).all():
        raise ValueError(f"{name} (mixture weights π) must be finite, got a NaN or inf value")
    if lo < 0:
        raise ValueError(f"{name} (mixture weights π) must be >= 0, got min({name}) = {_fmt(lo)}")
    k = pi.shape[-1]
    tol = weights_sum_tolerance(dtype, k) if atol is None else float(atol)
    total = np.sum(pi, axis=-1, keepdims=True)
    err = float(np.max(np.abs(total - 1.0)))
    if err > tol:
        src = "" if atol is not None or tol == 1e-8 else f" for {dtype} weights with K = {k}"
        raise ValueError(
            f"{name} (mixture weights π) must sum to 1 along the last axis "
            f"(tolerance {tol:.3g}{src}), got max |sum({name}) - 1| = {err:.3g}"
        )
    return pi / total


def check_broadcast(**arrays) -> tuple[int, ...]:
    """Check that arguments broadcast against each other, naming them and their shapes.

    Args:
        **arrays: e.g. ``x=x, mu=mu, s=s``; numpy arrays or tensors (anything with ``.shape``).

    Returns:
        The broadcast shape.

    Raises:
        ValueError: ``"x, mu and s must broadcast against each other, got shapes x: (3,),
            mu: (2,), s: ()"``.
    """
    shapes = {n: tuple(a.shape) for n, a in arrays.items()}
    try:
        return tuple(np.broadcast_shapes(*shapes.values()))
    except ValueError as err:
        names = list(shapes)
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        desc = ", ".join(f"{n}: {shapes[n]}" for n in names)
        raise ValueError(f"{who} must broadcast against each other, got shapes {desc}") from err


def check_mixture_shapes(**arrays) -> int:
    """Check that mixture parameters share the component axis K (their last axis).

    Args:
        **arrays: e.g. ``pi=pi, mu=mu, s=s``; numpy arrays or tensors of shape (..., K).
            Leading dimensions only need to broadcast against each other.

    Returns:
        K.

    Raises:
        ValueError: if one has no last axis, or the last axes differ, or the leading
            dimensions do not broadcast.
    """
    names = list(arrays)
    shapes = {n: tuple(arrays[n].shape) for n in names}
    for n in names:
        if len(shapes[n]) == 0:
            raise ValueError(
                f"{n} must have shape (..., K) with the K components on the last axis, "
                f"got a scalar (shape ())"
            )
    first = names[0]
    k = shapes[first][-1]
    for n in names[1:]:
        if shapes[n][-1] != k:
            raise ValueError(
                f"{n} must have the same number of components K on its last axis as {first} "
                f"(expected shape (..., {k})), got shape {shapes[n]}"
            )
    check_broadcast(**arrays)
    if k < 1:
        raise ValueError(f"{first} must have at least one component (K >= 1), got K = {k}")
    return k


def check_eps(eps, dtype=None) -> float:
    """Check the uniform clipping ε of the samplers: a real number in the open interval (0, 0.5).

    Uniforms are drawn from U(ε, 1 - ε) so that ``log(u)``, ``log(1 - u)`` and ``log(-log u)``
    stay finite.  With a torch ``dtype`` the check also requires ``1 - ε < 1`` in that dtype
    (otherwise ``u`` could round to exactly 1 and give inf).

    Returns:
        ε as a Python float.

    Raises:
        TypeError: if ε is not a real number.
        ValueError: if ε is not in (0, 0.5), or too small for ``dtype``.
    """
    e = check_real_scalar("eps", eps)
    if not 0.0 < e < 0.5:
        raise ValueError(
            f"eps must be in the open interval (0, 0.5) (uniforms are drawn from "
            f"U(eps, 1 - eps)), got eps = {e!r}"
        )
    if dtype is not None:
        torch = sys.modules["torch"]
        one_minus = torch.tensor(1.0 - e, dtype=dtype)
        if float(one_minus) >= 1.0:
            tiny = torch.finfo(dtype).eps / 2
            raise ValueError(
                f"eps = {e!r} is below the resolution of {dtype}: 1 - eps rounds to 1, so a "
                f"uniform could equal 1 and give inf; use eps >= {tiny:.3g} or float64"
            )
    return e


def check_temperature(temperature) -> float:
    """Check the sampling temperature τ: a finite real number > 0.

    Raises:
        TypeError: if τ is not a real number.
        ValueError: if τ <= 0 or not finite.
    """
    t = check_real_scalar("temperature", temperature)
    if not (t > 0 and math.isfinite(t)):
        raise ValueError(
            f"temperature must be a finite number > 0 (τ divides the logits and multiplies "
            f"the scales), got temperature = {t!r}"
        )
    return t


def check_num_classes(num_classes) -> int:
    """Check the number of quantization classes: an integer >= 2.

    Raises:
        TypeError: if not an integer (floats such as ``256.0`` and bools are refused).
        ValueError: if < 2 (a grid needs two end points).
    """
    if isinstance(num_classes, bool | np.bool_) or not isinstance(num_classes, int | np.integer):
        raise TypeError(
            f"num_classes must be an int (number of quantization bins), "
            f"got {type(num_classes).__name__} {num_classes!r}"
        )
    n = int(num_classes)
    if n < 2:
        raise ValueError(f"num_classes must be >= 2, got num_classes = {n}")
    return n


def check_floating_tensor(name: str, x) -> None:
    """Raise ``TypeError`` unless ``x`` is a torch tensor with a floating dtype."""
    if not _is_tensor(x):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.dtype.is_floating_point:
        raise TypeError(f"{name} must have a floating dtype (e.g. torch.float32), got {x.dtype}")


def _first_bad(name: str, logits, mask, row: bool) -> str:
    """Describe the first entry (or row) flagged by ``mask``, as the user passed it.

    ``mask`` has the shape of ``logits`` (``row=False``) or of its leading dims (``row=True``).
    Only called on the error path, so its cost does not matter.
    """
    m = mask.cpu().numpy() if _is_tensor(mask) else np.asarray(mask)
    where = tuple(int(i) for i in np.argwhere(m)[0])
    vals = logits.detach().cpu() if _is_tensor(logits) else np.asarray(logits)
    lead = where if row else where[:-1]
    vals = vals[lead] if lead else vals
    values = [float(v) for v in vals.reshape(-1)]
    shown = ", ".join(repr(v) for v in values[:8]) + (", ..." if len(values) > 8 else "")
    idx = ", ".join(str(i) for i in lead)
    at = f"{name}[{idx}{', ' if idx else ''}:] = [{shown}]"
    if row:
        return at
    return f"{name}[{', '.join(str(i) for i in where)}] = {values[where[-1]]!r} (row {at})"


def check_logits(name: str, logits) -> None:
    """Check logits (numpy array or tensor, components on the last axis).

    −inf marks a component of probability zero and is allowed; NaN and +inf are not, and every
    row must keep at least one finite logit (otherwise no component can be chosen).  The
    message shows the first offending entry and its row, as passed.

    Raises:
        ValueError: on NaN, +inf, an empty last axis or a row of only −inf, e.g.
            ``"logits must be < +inf (...), got logits[1] = inf (row logits[:] = [0.0, inf])"``.
    """
    shape = tuple(logits.shape)
    if len(shape) == 0 or shape[-1] == 0:
        raise ValueError(
            f"{name} must have shape (..., K) with K >= 1 components, got shape {shape}"
        )
    if _is_tensor(logits):
        if logits.numel() == 0:
            return
        row_max = logits.detach().amax(dim=-1)
        bad_nan = bool(logits.isnan().any())
        hi, lo = float(row_max.max()), float(row_max.min())
    else:
        if logits.size == 0:
            return
        row_max = np.max(logits, axis=-1)
        bad_nan = bool(np.isnan(logits).any())
        hi, lo = float(np.max(row_max)), float(np.min(row_max))
    if bad_nan:
        where = _first_bad(name, logits, logits != logits, row=False)
        raise ValueError(f"{name} must not contain NaN, got a NaN value: {where}")
    if hi == math.inf:
        where = _first_bad(name, logits, logits == math.inf, row=False)
        raise ValueError(
            f"{name} must be < +inf (−inf marks an impossible component), got +inf: {where}"
        )
    if lo == -math.inf:
        where = _first_bad(name, logits, row_max == -math.inf, row=True)
        raise ValueError(
            f"{name} must have at least one finite entry per row (all −inf leaves no "
            f"component to choose), got a row whose max is -inf: {where}"
        )
