"""The logistic distribution in numpy: stable log-density, CDF, survival function, quantile.

A logistic random variable with location μ and scale s > 0 has::

    CDF       F(x) = σ(z) = 1 / (1 + exp(-z)),          z = (x - μ) / s
    density   f(x) = σ(z) σ(-z) / s = exp(-z) / (s (1 + exp(-z))²)
    quantile  F⁻¹(q) = μ + s · logit(q) = μ + s · log(q / (1 - q))
    std       s π / √3

Everything here is float64, broadcasts like numpy, and is written in the numerically stable
forms used by scipy's ``logistic_gen`` (``scipy/stats/_continuous_distns.py``): the log-density
``-|z| - 2 log1p(exp(-|z|)) - log s``, ``expit`` for the CDF, ``expit(-z)`` for the survival
function (never ``1 - cdf``), ``log_expit`` for their logarithms and ``logit`` for the quantile.
These stay finite and accurate to a few ulp for ``|x - μ| / s`` up to 1e4 and far beyond, where
the naive formulas overflow (``exp(-z)`` for z < -709) or cancel (``1 - cdf``).

See the book chapter book/logistic.md.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit, log_expit, logit

from molviz._validate import (
    as_float_array,
    check_broadcast,
    check_not_nan,
    check_open_unit,
    check_positive,
)

__all__ = [
    "logistic_cdf",
    "logistic_logcdf",
    "logistic_logpdf",
    "logistic_logsf",
    "logistic_pdf",
    "logistic_ppf",
    "logistic_sf",
    "logistic_std",
]


def _params(mu, s) -> tuple[np.ndarray, np.ndarray]:
    """Validate and convert (μ, s) to float64 arrays: μ finite, s finite and > 0."""
    mu = as_float_array("mu", mu)
    s = as_float_array("s", s)
    if not np.isfinite(mu).all():
        raise ValueError("mu (location μ of the logistic) must be finite, got a NaN or inf value")
    check_positive("s", s, "scale of the logistic")
    return mu, s


def _standardize(x, mu, s) -> tuple[np.ndarray, np.ndarray]:
    """Return (z, s) with z = (x - μ) / s, after validating all three (x may be ±inf).

    Shapes: x, μ and s broadcast against each other (a ValueError names them otherwise);
    z has the broadcast shape.
    """
    x = as_float_array("x", x)
    check_not_nan("x", x)
    mu, s = _params(mu, s)
    check_broadcast(x=x, mu=mu, s=s)
    return (x - mu) / s, s


def _std_logpdf(z: np.ndarray) -> np.ndarray:
    """Log-density of the standard logistic, log σ(z) + log σ(-z), in the stable form.

    The two forms::

        naive:  -z - 2 * log(1 + exp(-z))    (exp(-z) overflows for z < -709)
        stable: -|z| - 2 * log1p(exp(-|z|))  (the density is symmetric, and exp(-|z|) <= 1)
    """
    a = -np.abs(z)
    return a - 2.0 * np.log1p(np.exp(a))


def logistic_logpdf(x, mu=0.0, s=1.0):
    """Log-density of the logistic distribution, stable for any ``|x - μ| / s``.

    Args:
        x: points, any shape (±inf allowed, giving -inf).
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array of the broadcast shape:
        ``log f(x) = -|z| - 2 log1p(exp(-|z|)) - log s``, with ``z = (x - μ)/s``.

    Raises:
        TypeError: if an argument is not real-valued (e.g. a str).
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    z, s = _standardize(x, mu, s)
    return _std_logpdf(z) - np.log(s)


def logistic_pdf(x, mu=0.0, s=1.0):
    """Density of the logistic distribution, exp of the stable log-density.

    Args:
        x: points, any shape.
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array: ``f(x) = exp(-|z|) / (s (1 + exp(-|z|))²)``, ``z = (x - μ)/s``
        (underflows to 0 only where the density is below ~1e-308).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    return np.exp(logistic_logpdf(x, mu, s))


def logistic_cdf(x, mu=0.0, s=1.0):
    """Cumulative distribution function of the logistic, F(x) = σ((x - μ)/s).

    Args:
        x: points, any shape (±inf allowed).
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array: F(x) = expit(z) = 1 / (1 + exp(-z)), z = (x - μ)/s; accurate to a
        few ulp relative in the lower tail (use :func:`logistic_sf` for the upper tail).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    z, _ = _standardize(x, mu, s)
    return expit(z)


def logistic_logcdf(x, mu=0.0, s=1.0):
    """Log of the logistic CDF, log F(x) = log σ(z) = -softplus(-z), stable in both tails.

    Args:
        x: points, any shape.
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array: log F(x) = -log1p(exp(-z)) (≈ z for z → -∞, ≈ -exp(-z) for z → +∞).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    z, _ = _standardize(x, mu, s)
    return log_expit(z)


def logistic_sf(x, mu=0.0, s=1.0):
    """Survival function of the logistic, 1 - F(x) = σ(-(x - μ)/s), without cancellation.

    Args:
        x: points, any shape.
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array: S(x) = expit(-z), z = (x - μ)/s  (naive ``1 - cdf`` is 0 for z > 37).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    z, _ = _standardize(x, mu, s)
    return expit(-z)


def logistic_logsf(x, mu=0.0, s=1.0):
    """Log of the logistic survival function, log S(x) = log σ(-z), stable in both tails.

    Args:
        x: points, any shape.
        mu: location μ, broadcasting against x.
        s: scale s > 0, broadcasting against x.

    Returns:
        float64 array: log S(x) = -log1p(exp(z)), z = (x - μ)/s.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if s <= 0, μ or s is not finite, x contains NaN, or the shapes of x, μ
            and s do not broadcast (the message names them and their shapes).

    See the book chapter book/logistic.md.
    """
    z, _ = _standardize(x, mu, s)
    return log_expit(-z)


def logistic_ppf(q, mu=0.0, s=1.0):
    """Quantile function (inverse CDF) of the logistic, F⁻¹(q) = μ + s · logit(q).

    Args:
        q: probabilities in the open interval (0, 1), any shape.
        mu: location μ, broadcasting against q.
        s: scale s > 0, broadcasting against q.

    Returns:
        float64 array: x = μ + s · log(q / (1 - q)).

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if q is outside (0, 1), s <= 0, μ or s is not finite, or the shapes of
            q, μ and s do not broadcast.

    See the book chapter book/logistic.md (and book/inversion.md for sampling by inversion).
    """
    q = as_float_array("q", q)
    check_open_unit("q", q)
    mu, s = _params(mu, s)
    check_broadcast(q=q, mu=mu, s=s)
    return mu + s * logit(q)


def logistic_std(s):
    """Standard deviation of the logistic distribution, s π / √3 ≈ 1.8138 s.

    Args:
        s: scale s > 0, any shape.

    Returns:
        float64 array (or 0-d array for a scalar) s · π / √3.

    Raises:
        TypeError: if s is not real-valued.
        ValueError: if s <= 0 or not finite.

    See the book chapter book/logistic.md.
    """
    s = as_float_array("s", s)
    check_positive("s", s, "scale of the logistic")
    return s * (math.pi / math.sqrt(3.0))
