"""``torch.distributions`` classes for the logistic and the mixture of logistics.

PyTorch ships no logistic distribution (pytorch/pytorch#7857; the usual workaround is a
``TransformedDistribution`` of a Uniform through ``SigmoidTransform().inv`` and an affine map).
:class:`Logistic` is a direct implementation with the closed forms::

    log f(x) = -|z| - 2 softplus(-|z|) - log s,   F(x) = σ(z),   F⁻¹(q) = μ + s logit(q),
    z = (x - μ)/s,   E X = mode = μ,   Var X = s² π² / 3,   entropy = log s + 2,

and :class:`MixtureOfLogistics` is a ``MixtureSameFamily`` of a ``Categorical(logits)`` and a
:class:`Logistic`, parametrized like a vocoder's output: logits, locations and log-scales, with
the K components on the last axis.  Both follow torch's conventions for ``batch_shape``,
``expand``, ``validate_args`` and the constraint error messages.

Unlike the samplers in :mod:`molviz.sampling`, these sample *exactly* (no ε = 1e-5 clipping):
the uniform is only kept off 0 and 1 by ``clamp_probs`` (machine ε of the dtype), as the torch
distributions do.

See the book chapters book/logistic.md and book/mixtures.md.
"""

from __future__ import annotations

import math
from numbers import Number
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Distribution, MixtureSameFamily, constraints
from torch.distributions.utils import broadcast_all, clamp_probs

from molviz._validate import check_logits, check_mixture_shapes

__all__ = ["Logistic", "MixtureOfLogistics"]

_PI2_OVER_3 = math.pi**2 / 3.0
_NO_SAMPLE_DIMS = torch.Size()


def _check_param(name, value):
    """TypeError unless ``value`` is a real number or a floating tensor."""
    if isinstance(value, bool) or not isinstance(value, Number | torch.Tensor):
        raise TypeError(
            f"{name} must be a float or a floating torch.Tensor, got {type(value).__name__}"
        )
    if isinstance(value, Number) and not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if isinstance(value, torch.Tensor) and not value.dtype.is_floating_point:
        raise TypeError(
            f"{name} must have a floating dtype (e.g. torch.float32), got {value.dtype}"
        )


class Logistic(Distribution):
    """Logistic distribution with location μ (``loc``) and scale s (``scale``).

    Args:
        loc: location μ, float or Tensor (...).
        scale: scale s > 0, float or Tensor broadcasting against ``loc``.
        validate_args: check the parameters (and values passed to log_prob/cdf/icdf) against
            their constraints; ``None`` uses torch's default.

    Formulas (``z = (x - μ)/s``): ``log_prob = -|z| - 2 softplus(-|z|) - log s``; ``cdf = σ(z)``;
    ``icdf(q) = μ + s logit(q)``; mean = mode = μ; variance = s² π²/3; entropy = log s + 2.
    ``rsample`` is the inversion x = μ + s logit(u), differentiable in μ and s.

    Raises:
        TypeError: if loc or scale is not a real number or floating tensor.
        ValueError: if validation is on and scale <= 0 or loc is NaN (torch's message names
            the parameter, its shape and the constraint), or the shapes do not broadcast.

    Example:
        >>> d = Logistic(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.5]))
        >>> d.sample((10,)).shape
        torch.Size([10, 2])

    See the book chapter book/logistic.md.
    """

    arg_constraints: ClassVar[dict[str, constraints.Constraint]] = {
        "loc": constraints.real,
        "scale": constraints.positive,
    }
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        _check_param("loc", loc)
        _check_param("scale", scale)
        try:
            self.loc, self.scale = broadcast_all(loc, scale)
        except RuntimeError as err:
            raise ValueError(
                f"loc and scale must broadcast, got shapes {tuple(torch.as_tensor(loc).shape)} "
                f"and {tuple(torch.as_tensor(scale).shape)}"
            ) from err
        if isinstance(loc, Number) and isinstance(scale, Number):
            batch_shape = torch.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """Return a view of this distribution with batch shape ``batch_shape``.

        Args:
            batch_shape: torch.Size the current ``batch_shape`` broadcasts to.

        Returns:
            Logistic whose ``loc`` and ``scale`` are ``expand``-ed (no copy) to batch_shape.
        """
        new = self._get_checked_instance(Logistic, _instance)
        batch_shape = torch.Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        super(Logistic, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        """Mean, E X = μ.

        Returns:
            Tensor of shape ``batch_shape`` (the ``loc`` tensor itself).
        """
        return self.loc

    @property
    def mode(self):
        """Mode, argmax_x f(x) = μ (the density is symmetric and unimodal).

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return self.loc

    @property
    def variance(self):
        """Variance, Var X = s² π² / 3.

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return self.scale.pow(2) * _PI2_OVER_3

    @property
    def stddev(self):
        """Standard deviation, sd X = s π / √3 ≈ 1.8138 s.

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return self.scale * math.sqrt(_PI2_OVER_3)

    def rsample(self, sample_shape=_NO_SAMPLE_DIMS):
        """Reparameterized sample by inversion, x = μ + s · logit(u), u ~ U(0, 1).

        u comes from ``torch.rand`` (the global generator) and is kept off 0 and 1 by
        ``clamp_probs`` (the dtype's machine ε), so the draws are exact up to that mass.

        Args:
            sample_shape: torch.Size of independent draws per distribution (default ()).

        Returns:
            Tensor of shape ``sample_shape + batch_shape`` (event_shape is ()), differentiable
            in ``loc`` and ``scale``: ∂x/∂μ = 1, ∂x/∂s = logit(u).
        """
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(torch.rand(shape, dtype=self.loc.dtype, device=self.loc.device))
        return self.loc + self.scale * torch.logit(u)  # (*sample_shape, *batch_shape)

    def sample(self, sample_shape=_NO_SAMPLE_DIMS):
        """Sample without gradient: :meth:`rsample` under ``torch.no_grad()``.

        Args:
            sample_shape: torch.Size of independent draws per distribution (default ()).

        Returns:
            Tensor of shape ``sample_shape + batch_shape``, x = μ + s · logit(u).
        """
        with torch.no_grad():
            return self.rsample(sample_shape)

    def log_prob(self, value):
        """Log-density, log f(x) = -abs(z) - 2 softplus(-abs(z)) - log s with z = (x - μ)/s.

        The stable form of log σ(z) + log σ(-z) - log s: finite for any finite z (the naive
        -z - 2 log(1 + e^{-z}) overflows for z < -88 in float32).

        Args:
            value: x, Tensor broadcasting against ``batch_shape``, e.g. of shape
                ``sample_shape + batch_shape``.

        Returns:
            Tensor of the broadcast shape.

        Raises:
            ValueError: with validation on, if x is outside the support (NaN).
        """
        if self._validate_args:
            self._validate_sample(value)
        a = -((value - self.loc) / self.scale).abs()
        # naive: -z - 2 log(1 + exp(-z)) - log s, which overflows for z < -88 in float32
        return a - 2.0 * F.softplus(a) - self.scale.log()

    def cdf(self, value):
        """Cumulative distribution function, F(x) = σ((x - μ)/s) = 1 / (1 + exp(-(x - μ)/s)).

        Args:
            value: x, Tensor broadcasting against ``batch_shape``.

        Returns:
            Tensor of the broadcast shape, in [0, 1].

        Raises:
            ValueError: with validation on, if x is outside the support (NaN).
        """
        if self._validate_args:
            self._validate_sample(value)
        return torch.sigmoid((value - self.loc) / self.scale)

    def icdf(self, value):
        """Quantile function, F⁻¹(q) = μ + s · logit(q) = μ + s · log(q / (1 - q)).

        Args:
            value: probabilities q in [0, 1] (q = 0 and 1 give -inf and +inf), Tensor
                broadcasting against ``batch_shape``.

        Returns:
            Tensor of the broadcast shape.

        Raises:
            ValueError: with validation on, if some q lies outside [0, 1] or is NaN.
        """
        if self._validate_args:
            value = torch.as_tensor(value, dtype=self.loc.dtype, device=self.loc.device)
            if not bool(((value >= 0) & (value <= 1)).all()):
                raise ValueError(
                    "icdf expects probabilities in [0, 1], got values in "
                    f"[{float(value.min())}, {float(value.max())}]"
                )
        return self.loc + self.scale * torch.logit(value)

    def entropy(self):
        """Differential entropy in nats, H = log s + 2.

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return self.scale.log() + 2.0


class MixtureOfLogistics(MixtureSameFamily):
    """Mixture of K logistics, parametrized by logits, locations and log-scales (K last).

    Args:
        logits: mixture logits a, Tensor (..., K); π = softmax(a).
        loc: component locations μ, Tensor (..., K).
        logits: mixture logits a, Tensor (..., K); π = softmax(a).  -inf marks a component
            of weight 0; NaN, +inf and rows of only -inf are refused (with validation).
        loc: component locations μ, Tensor (..., K).
        log_scale: component log-scales log s, Tensor (..., K); s = exp(log s) must neither
            underflow to 0 nor overflow to inf (about -103.3 < log s < 88.7 in float32,
            -744.4 < log s < 709.8 in float64; checked with validation).
        validate_args: check parameters and sample values; ``None`` uses torch's default.

    The three parameters broadcast against each other; ``batch_shape`` is their broadcast
    shape without the last axis and ``event_shape`` is ().  log_prob is the logsumexp over
    components of log π_k + log f_k(x); cdf = Σ π_k σ(z_k); mean = Σ π_k μ_k; variance by
    the law of total variance, Σ π_k s_k² π²/3 + Σ π_k (μ_k - mean)²; ``sample`` draws the
    component from the categorical and then the chosen logistic (no ε clipping).  There is
    no closed-form ``icdf``/``entropy`` (torch's ``NotImplementedError``); use
    :func:`molviz.mixture.mixture_ppf` for quantiles.

    Raises:
        TypeError: if a parameter is not a floating tensor.
        ValueError: if the last dims (K) differ or the shapes do not broadcast, or (with
            validation) a parameter is NaN, logits contain +inf or a row of only -inf
            (the message shows the offending entry as passed), or exp(log_scale) is 0 or inf.

    See the book chapter book/mixtures.md.
    """

    arg_constraints: ClassVar[dict[str, constraints.Constraint]] = {
        "logits": constraints.real_vector,
        "loc": constraints.real_vector,
        "log_scale": constraints.real_vector,
    }

    def __init__(self, logits, loc, log_scale, validate_args=None):
        for name, value in (("logits", logits), ("loc", loc), ("log_scale", log_scale)):
            if not isinstance(value, torch.Tensor):
                raise TypeError(
                    f"{name} must be a torch.Tensor of shape (..., K), got {type(value).__name__}"
                )
            _check_param(name, value)
        check_mixture_shapes(logits=logits, loc=loc, log_scale=log_scale)
        self.logits, self.loc, self.log_scale = torch.broadcast_tensors(logits, loc, log_scale)
        validate = Distribution._validate_args if validate_args is None else validate_args
        if validate:
            self._check_params()
        super().__init__(
            Categorical(logits=self.logits, validate_args=validate_args),
            Logistic(self.loc, self.log_scale.exp(), validate_args=validate_args),
            validate_args=validate_args,
        )

    def _check_params(self):
        """Check our own parameters first, so that errors name them (not the components').

        The logits are checked as passed: after ``Categorical`` normalizes them, +inf or a row
        of -inf would only show up as NaN in a message about the categorical's logits.
        """
        check_logits("logits", self.logits)
        for name, constraint in self.arg_constraints.items():
            value = getattr(self, name)
            if not bool(constraint.check(value).all()):
                raise ValueError(
                    f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of "
                    f"distribution MixtureOfLogistics to satisfy the constraint {constraint!r}, "
                    f"but found invalid values:\n{value}"
                )
        ls = self.log_scale.detach()
        s = ls.exp()
        if not bool(torch.isfinite(ls).all()) or bool((s == 0).any()) or bool(s.isinf().any()):
            fi = torch.finfo(ls.dtype)
            lo, hi = math.log(fi.smallest_normal * fi.eps), math.log(fi.max)  # subnormals count
            raise ValueError(
                f"log_scale must be finite, with exp(log_scale) neither 0 nor inf in {ls.dtype} "
                f"(about {lo:.1f} < log_scale < {hi:.1f}), got values in "
                f"[{float(ls.min())}, {float(ls.max())}]"
            )

    def expand(self, batch_shape, _instance=None):
        """Return a view of this mixture with batch shape ``batch_shape``.

        Args:
            batch_shape: torch.Size the current ``batch_shape`` broadcasts to (the component
                axis K is kept).

        Returns:
            MixtureOfLogistics whose parameters are ``expand``-ed (no copy) to
            ``batch_shape + (K,)``.
        """
        new = self._get_checked_instance(MixtureOfLogistics, _instance)
        shape_k = torch.Size((*batch_shape, self._num_component))
        new.logits = self.logits.expand(shape_k)
        new.loc = self.loc.expand(shape_k)
        new.log_scale = self.log_scale.expand(shape_k)
        return super().expand(batch_shape, _instance=new)

    @property
    def mixture_distribution(self):
        """The component choice, ``Categorical(logits)``, batch_shape ``batch_shape``, K classes."""
        return self._mixture_distribution

    @property
    def component_distribution(self):
        """The K components, :class:`Logistic` (loc, exp(log_scale)), batch_shape (..., K)."""
        return self._component_distribution

    @property
    def mean(self):
        """Mean, E X = Σ_k π_k μ_k with π = softmax(logits).

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return super().mean

    @property
    def variance(self):
        """Variance by the law of total variance, Var X = Σ_k π_k s_k² π²/3 + Σ_k π_k (μ_k - E X)².

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return super().variance

    @property
    def stddev(self):
        """Standard deviation, sd X = √(Var X) (see :attr:`variance`).

        Returns:
            Tensor of shape ``batch_shape``.
        """
        return self.variance.sqrt()

    def sample(self, sample_shape=_NO_SAMPLE_DIMS):
        """Draw from the mixture (no gradient): k ~ Categorical(π), then x ~ Logistic(μ_k, s_k).

        The component is drawn by ``Categorical.sample``; x by inversion, x = μ_k + s_k logit(u),
        for all K components, of which the chosen one is gathered (exact, no ε clipping).
        There is no ``rsample``: the discrete choice has no reparameterization.

        Args:
            sample_shape: torch.Size of independent draws per distribution (default ()).

        Returns:
            Tensor of shape ``sample_shape + batch_shape`` (event_shape is ()).
        """
        return super().sample(sample_shape)

    def log_prob(self, value):
        """Log-density, log p(x) = logsumexp_k [log π_k + log f_k(x)].

        log π = log_softmax(logits) and log f_k is :meth:`Logistic.log_prob`, so the result
        stays finite far in the tails and for logits spread over thousands.

        Args:
            value: x, Tensor broadcasting against ``batch_shape``, e.g. of shape
                ``sample_shape + batch_shape``.

        Returns:
            Tensor of the broadcast shape.

        Raises:
            ValueError: with validation on, if x is outside the support (NaN).
        """
        return super().log_prob(value)

    def cdf(self, value):
        """Cumulative distribution function, F(x) = Σ_k π_k σ((x - μ_k)/s_k).

        Args:
            value: x, Tensor broadcasting against ``batch_shape``.

        Returns:
            Tensor of the broadcast shape, in [0, 1].
        """
        if self._validate_args:
            self._validate_sample(value)
        return super().cdf(value)

    def __repr__(self):
        return (
            f"MixtureOfLogistics(batch_shape: {tuple(self.batch_shape)}, K: {self._num_component})"
        )
