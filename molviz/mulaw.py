"""μ-law companding and quantization of audio, for numpy arrays and torch tensors alike.

WaveNet (van den Oord et al. 2016) compresses each sample x in [-1, 1] with the μ-law curve
of telephony (ITU-T G.711) and quantizes the result to 256 levels::

    encode      f(x) = sign(x) · log(1 + μ|x|) / log(1 + μ),        μ = 255
    decode      f⁻¹(y) = sign(y) · ((1 + μ)^|y| - 1) / μ
    quantize    c = round((f(x) + 1) / 2 · (N - 1)),                N = μ + 1 = 256 classes
    dequantize  x = f⁻¹(-1 + 2c / (N - 1))

The level of class c is the grid point ``-1 + 2c/(N - 1)`` of
:func:`molviz.mixture.bin_centers`, the grid the discretized mixture likelihood scores.  The
constant is called μ in the literature; the book writes μ_law to keep μ for the logistic's
location.

Conventions of other implementations: r9y9/nnmnkwii (``nnmnkwii.preprocessing.mulaw``,
``mulaw_quantize``), used by r9y9/wavenet_vocoder with ``mu = quantize_channels - 1``, has the
same curve, inverse and dequantization, but its quantization *truncates*,
``c = int((f(x) + 1) / 2 · μ)``, so its classes are the bins ``[level_c, level_{c+1})`` and the
top class is reached only at x = 1.  ``rounding="floor"`` reproduces that convention (for
float64 input the classes are identical to nnmnkwii's);
the default ``"nearest"`` (as in ibab/tensorflow-wavenet) makes every class the set of
values nearest to its level.  Decoding here uses ``expm1``, which stays accurate near 0 where
``(1 + μ)^|y| - 1`` cancels.

Every function takes numpy input (any array-like, computed in float64; classes as int64) or a
torch tensor (computed in the tensor's floating dtype; classes as int64), and returns the same
kind, like a ufunc.

See the book chapter book/training.md.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from molviz._validate import (
    as_float_array,
    check_num_classes,
    check_real_scalar,
)

__all__ = ["mu_law_decode", "mu_law_dequantize", "mu_law_encode", "mu_law_quantize"]

_ROUNDINGS = ("nearest", "floor")


def _torch():
    return sys.modules.get("torch")


def _is_tensor(x) -> bool:
    torch = _torch()
    return torch is not None and isinstance(x, torch.Tensor)


def _check_mu(mu) -> float:
    """μ: a finite real number > 0."""
    m = check_real_scalar("mu", mu)
    if not (m > 0 and math.isfinite(m)):
        raise ValueError(f"mu must be a finite number > 0 (compression parameter), got mu = {m!r}")
    return m


def _signal(name, x, what):
    """Validate a signal in [-1, 1]: a floating tensor, or array-like converted to float64."""
    if _is_tensor(x):
        if not x.dtype.is_floating_point:
            raise TypeError(
                f"{name} must be a floating tensor ({what}), got a tensor of dtype {x.dtype}"
            )
        xd = x.detach()
        lo_hi = (float(xd.min()), float(xd.max())) if xd.numel() else (0.0, 0.0)
        has_nan = bool(xd.isnan().any())
    else:
        x = as_float_array(name, x)
        lo_hi = (float(np.min(x)), float(np.max(x))) if x.size else (0.0, 0.0)
        has_nan = bool(np.isnan(x).any())
    if has_nan:
        raise ValueError(f"{name} ({what}) must not contain NaN, got a NaN value")
    lo, hi = lo_hi
    if lo < -1.0 or hi > 1.0:
        raise ValueError(
            f"{name} ({what}) must lie in [-1, 1], got min({name}) = {lo!r}, max({name}) = {hi!r}"
        )
    return x


def mu_law_encode(x, mu=255):
    """μ-law companding, f(x) = sign(x) · log(1 + μ|x|) / log(1 + μ).

    Args:
        x: signal in [-1, 1], any shape; numpy array-like or floating torch tensor.
        mu: compression parameter μ > 0 (255 for 8-bit WaveNet; need not be an integer).

    Returns:
        f(x) in [-1, 1], same shape: float64 numpy array, or a tensor of x's dtype.  f is odd,
        increasing, with f(±1) = ±1 and slope μ / log(1 + μ) at 0.

    Raises:
        TypeError: if x is not real-valued (or an integer tensor), or mu is not a real number.
        ValueError: if x has values outside [-1, 1] or NaN, or mu <= 0.

    See the book chapter book/training.md.
    """
    m = _check_mu(mu)
    x = _signal("x", x, "signal")
    # The denominator is log1p(μ) computed like the numerator (same dtype and function), so
    # that f(±1) = ±1 exactly and |f(x)| <= 1 after rounding.
    if _is_tensor(x):
        den = _torch().tensor(m, dtype=x.dtype, device=x.device).log1p()
        return x.sign() * x.abs().mul(m).log1p() / den
    return np.sign(x) * np.log1p(m * np.abs(x)) / np.log1p(m)


def mu_law_decode(y, mu=255):
    """Inverse μ-law companding, f⁻¹(y) = sign(y) · ((1 + μ)^|y| - 1) / μ.

    Computed as ``sign(y) · expm1(|y| · log(1 + μ)) / μ``, accurate near 0.

    Args:
        y: companded signal in [-1, 1], any shape; numpy array-like or floating torch tensor.
        mu: compression parameter μ > 0, the one used to encode.

    Returns:
        f⁻¹(y) in [-1, 1], same shape: float64 numpy array, or a tensor of y's dtype.

    Raises:
        TypeError: if y is not real-valued (or an integer tensor), or mu is not a real number.
        ValueError: if y has values outside [-1, 1] or NaN, or mu <= 0.

    See the book chapter book/training.md.
    """
    m = _check_mu(mu)
    y = _signal("y", y, "companded signal")
    log1p_mu = math.log1p(m)
    # f⁻¹(±1) = ±1 exactly (expm1(log1p(μ))/μ can be off in the last bit), so the ends of
    # the range map to the ends and the result stays in [-1, 1].
    if _is_tensor(y):
        x = y.sign() * y.abs().mul(log1p_mu).expm1() / m
        return _torch().where(y.abs() == 1, y, x.clamp(-1.0, 1.0))
    x = np.sign(y) * np.expm1(np.abs(y) * log1p_mu) / m
    return np.where(np.abs(y) == 1, y, np.clip(x, -1.0, 1.0))[()]  # [()]: 0-d → scalar


def _check_rounding(rounding) -> str:
    if rounding not in _ROUNDINGS:
        raise ValueError(f"rounding must be one of {_ROUNDINGS}, got {rounding!r}")
    return rounding


def mu_law_quantize(x, num_classes=256, rounding="nearest"):
    """μ-law encode and quantize to integer classes 0 .. N - 1, with μ = N - 1.

    Args:
        x: signal in [-1, 1], any shape; numpy array-like or floating torch tensor.
        num_classes: number of classes N >= 2 (256 for WaveNet's 8-bit μ-law).
        rounding: ``"nearest"`` (default): c = round((f(x) + 1)/2 · (N - 1)), the class whose
            level ``-1 + 2c/(N - 1)`` is nearest to f(x) (halves round to even);
            ``"floor"``: c = floor((f(x) + 1)/2 · (N - 1)), nnmnkwii's ``mulaw_quantize(x, N - 1)``
            as used by r9y9/wavenet_vocoder (class N - 1 only for x = 1).  With ``"floor"`` each
            level is the lower edge of its class, so requantizing a dequantized value can give
            c - 1 through rounding; round trips need ``"nearest"``.

    Returns:
        Integer classes of x's shape: int64 numpy array, or a LongTensor for tensor input.

    Raises:
        TypeError: if x is not real-valued (or an integer tensor), or num_classes is not an int.
        ValueError: if x has values outside [-1, 1] or NaN, num_classes < 2, or rounding is
            not one of the two options.

    See the book chapter book/training.md.
    """
    n = check_num_classes(num_classes)
    r = _check_rounding(rounding)
    y = mu_law_encode(x, n - 1)
    pos = (y + 1.0) * (0.5 * (n - 1))  # in [0, N - 1]
    if _is_tensor(pos):
        c = pos.round() if r == "nearest" else pos.floor()
        return c.clamp(0, n - 1).long()
    c = np.rint(pos) if r == "nearest" else np.floor(pos)
    return np.clip(c, 0, n - 1).astype(np.int64)[()]


def mu_law_dequantize(c, num_classes=256):
    """Map integer classes back to the signal: x = f⁻¹(-1 + 2c / (N - 1)), with μ = N - 1.

    Args:
        c: integer classes in 0 .. N - 1, any shape; numpy integer array-like (or Python ints)
            or an integer torch tensor.
        num_classes: number of classes N >= 2.

    Returns:
        Signal values in [-1, 1], same shape: float64 numpy array, or a tensor of torch's
        default floating dtype for tensor input.  ``mu_law_quantize`` (nearest) of the result
        gives c back.

    Raises:
        TypeError: if c is not of an integer type (floats such as 3.0 are refused), or
            num_classes is not an int.
        ValueError: if a class is outside 0 .. N - 1, or num_classes < 2.

    See the book chapter book/training.md.
    """
    n = check_num_classes(num_classes)
    if _is_tensor(c):
        torch = _torch()
        if c.dtype.is_floating_point or c.dtype.is_complex or c.dtype == torch.bool:
            raise TypeError(f"c must be an integer tensor of classes, got dtype {c.dtype}")
        lo_hi = (int(c.min()), int(c.max())) if c.numel() else (0, 0)
    else:
        if isinstance(c, bool | np.bool_):
            raise TypeError(f"c must be integer classes, got bool {c!r}")
        arr = np.asarray(c)
        if arr.dtype.kind not in "iu":
            raise TypeError(
                f"c must be integer classes (an integer dtype), got {type(c).__name__} "
                f"with dtype {arr.dtype}"
            )
        c = arr
        lo_hi = (int(np.min(c)), int(np.max(c))) if c.size else (0, 0)
    lo, hi = lo_hi
    if lo < 0 or hi > n - 1:
        raise ValueError(
            f"c must be classes in 0 .. {n - 1} (num_classes = {n}), "
            f"got min(c) = {lo}, max(c) = {hi}"
        )
    # level -1 + 2c/(N - 1) as (2c - (N - 1)) / (N - 1): an exact integer numerator and one
    # rounding, so levels are symmetric about 0 and exactly ±1 at the ends.
    if _is_tensor(c):
        y = (2 * c - (n - 1)).to(_torch().get_default_dtype()) / (n - 1)
    else:
        y = (2 * c.astype(np.int64) - (n - 1)).astype(np.float64) / (n - 1)
    return mu_law_decode(y, n - 1)
