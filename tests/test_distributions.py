"""Tests of molviz.distributions (Logistic, MixtureOfLogistics) against scipy and formulas.

Statistical tests use fixed seeds and reject at α = 1e-3 (KS against the exact CDF; these
samplers only keep u off 0 and 1 by the dtype's machine ε, which removes mass 2ε ≈ 4e-16 in
float64, far below detection).  n = 200 000 so that a scale off by 5 % is rejected, which
``test_power_*`` demonstrates with the same check.  Measured p-values print with ``pytest -s``.
"""

import math

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st
import torch
from scipy.integrate import quad
from torch.distributions import constraints

from molviz.distributions import Logistic, MixtureOfLogistics

ALPHA = 1e-3
N = 200_000
RTOL = 1e-12


def ks_p(sample, cdf):
    return float(st.kstest(sample.detach().double().numpy().ravel(), cdf).pvalue)


# ----------------------------------------------------------------- Logistic


def test_logistic_matches_scipy():
    rng = np.random.default_rng(0)
    loc = torch.tensor(rng.uniform(-3, 3, 50))
    scale = torch.tensor(np.exp(rng.uniform(-20, 3, 50)))
    z = torch.tensor(rng.uniform(-40, 40, (7, 50)))
    x = loc + scale * z
    d = Logistic(loc, scale)
    ref = st.logistic(loc=loc.numpy(), scale=scale.numpy())
    np.testing.assert_allclose(d.log_prob(x).numpy(), ref.logpdf(x.numpy()), rtol=RTOL)
    np.testing.assert_allclose(d.cdf(x).numpy(), ref.cdf(x.numpy()), rtol=RTOL)
    q = torch.tensor(rng.uniform(0, 1, (7, 50)))
    np.testing.assert_allclose(d.icdf(q).numpy(), ref.ppf(q.numpy()), rtol=RTOL)
    np.testing.assert_allclose(d.entropy().numpy(), ref.entropy(), rtol=RTOL)
    np.testing.assert_allclose(d.variance.numpy(), ref.var(), rtol=RTOL)
    np.testing.assert_allclose(d.stddev.numpy(), ref.std(), rtol=RTOL)
    assert torch.equal(d.mean, loc) and torch.equal(d.mode, loc)


def test_logistic_log_prob_far_tails_float32():
    d = Logistic(torch.tensor(0.0), torch.tensor(1e-3))
    x = torch.tensor([-1e4, -10.0, 10.0, 1e4])  # |z| up to 1e7
    lp = d.log_prob(x)
    assert torch.isfinite(lp).all()
    np.testing.assert_allclose(
        lp.numpy(), st.logistic.logpdf(x.double().numpy(), scale=1e-3), rtol=1e-6
    )


def test_logistic_icdf_inverts_cdf_and_constraints():
    d = Logistic(torch.tensor([0.5, -2.0], dtype=torch.float64), torch.tensor([2.0, 0.1]))
    # z <= 3: cdf is accurate and logit's condition number 1/(1 - q) stays below 21
    x = d.loc + d.scale * torch.linspace(-30, 3, 34, dtype=torch.float64)[:, None]
    torch.testing.assert_close(d.icdf(d.cdf(x)), x, rtol=1e-12, atol=1e-13)
    assert d.support is constraints.real
    assert set(d.arg_constraints) == {"loc", "scale"}
    assert d.has_rsample


def test_logistic_shapes_and_expand():
    d = Logistic(torch.zeros(3), 1.0)
    assert d.batch_shape == (3,) and d.event_shape == ()
    assert d.sample((4, 2)).shape == (4, 2, 3)
    e = d.expand((5, 3))
    assert e.batch_shape == (5, 3) and e.sample().shape == (5, 3)
    assert e.log_prob(torch.zeros(5, 3)).shape == (5, 3)
    s = Logistic(0.0, 2.0)
    assert s.batch_shape == () and s.rsample((10,)).shape == (10,)
    assert Logistic(torch.zeros(2, 1), torch.ones(4)).batch_shape == (2, 4)


def test_logistic_rsample_gradients():
    loc = torch.tensor(0.3, requires_grad=True)
    scale = torch.tensor(2.0, requires_grad=True)
    torch.manual_seed(0)
    x = Logistic(loc, scale).rsample((1000,))
    x.sum().backward()
    assert loc.grad.item() == pytest.approx(1000.0)
    # d x / d s = logit(u) = (x - μ)/s
    assert scale.grad.item() == pytest.approx(((x.detach() - 0.3) / 2.0).sum().item(), rel=1e-4)


def test_logistic_samples_ks():
    torch.manual_seed(1)
    d = Logistic(torch.tensor(0.3, dtype=torch.float64), torch.tensor(0.5, dtype=torch.float64))
    x = d.sample((N,))
    p = ks_p(x, st.logistic(loc=0.3, scale=0.5).cdf)
    print(f"Logistic.sample KS p = {p:.4f}")
    assert p > ALPHA


def test_power_logistic_scale_off_by_5pct():
    torch.manual_seed(1)
    x = Logistic(torch.tensor(0.3, dtype=torch.float64), torch.tensor(0.5 * 1.05)).sample((N,))
    assert ks_p(x, st.logistic(loc=0.3, scale=0.5).cdf) < ALPHA


def test_logistic_validation():
    with pytest.raises(ValueError, match="scale"):
        Logistic(torch.tensor([0.0, 0.0]), torch.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="loc"):
        Logistic(torch.tensor(float("nan")), torch.tensor(1.0))
    with pytest.raises(TypeError, match="scale"):
        Logistic(0.0, "1")
    with pytest.raises(TypeError, match="loc"):
        Logistic(torch.tensor([0, 1]), 1.0)
    d = Logistic(0.0, 1.0, validate_args=True)
    with pytest.raises(ValueError):
        d.log_prob(torch.tensor(float("nan")))
    with pytest.raises(ValueError, match="icdf"):
        d.icdf(torch.tensor(1.5))
    # without validation a bad scale is accepted (torch convention)
    Logistic(0.0, -1.0, validate_args=False)


# ----------------------------------------------------------------- MixtureOfLogistics

LOGITS = torch.tensor([0.5, -0.3, 0.1], dtype=torch.float64)
LOC = torch.tensor([-0.5, 0.2, 0.6], dtype=torch.float64)
LOG_SCALE = torch.tensor([-2.5, -1.5, -3.0], dtype=torch.float64)
PI = sc.softmax(LOGITS.numpy())
S = np.exp(LOG_SCALE.numpy())


def ref_mix_logpdf(x):
    x = np.asarray(x)[..., None]
    return sc.logsumexp(st.logistic.logpdf(x, LOC.numpy(), S) + np.log(PI), axis=-1)


def ref_mix_cdf(x):
    return np.sum(PI * st.logistic.cdf(np.asarray(x)[..., None], LOC.numpy(), S), axis=-1)


def test_mixture_log_prob_cdf_match_reference():
    d = MixtureOfLogistics(LOGITS, LOC, LOG_SCALE)
    x = torch.linspace(-3, 3, 601, dtype=torch.float64)
    np.testing.assert_allclose(d.log_prob(x).numpy(), ref_mix_logpdf(x.numpy()), rtol=RTOL)
    np.testing.assert_allclose(d.cdf(x).numpy(), ref_mix_cdf(x.numpy()), rtol=1e-12, atol=1e-16)
    far = torch.tensor([-1e4, 1e4], dtype=torch.float64)
    np.testing.assert_allclose(d.log_prob(far).numpy(), ref_mix_logpdf(far.numpy()), rtol=RTOL)


def test_mixture_mean_variance_by_quadrature():
    d = MixtureOfLogistics(LOGITS, LOC, LOG_SCALE)

    def pdf(t):
        return float(np.exp(ref_mix_logpdf(t)))

    m, _ = quad(lambda t: t * pdf(t), -np.inf, np.inf, epsabs=1e-13)
    v, _ = quad(lambda t: (t - m) ** 2 * pdf(t), -np.inf, np.inf, epsabs=1e-13)
    assert d.mean.item() == pytest.approx(m, rel=1e-9)
    assert d.variance.item() == pytest.approx(v, rel=1e-8)
    assert d.support.check(torch.tensor(3.0))


def test_mixture_samples_ks():
    torch.manual_seed(2)
    d = MixtureOfLogistics(LOGITS, LOC, LOG_SCALE)
    x = d.sample((N,))
    assert x.shape == (N,)
    p = ks_p(x, ref_mix_cdf)
    print(f"MixtureOfLogistics.sample KS p = {p:.4f}")
    assert p > ALPHA


def test_power_mixture_weights_off_by_002():
    torch.manual_seed(2)
    wrong = torch.log(torch.tensor(PI) + torch.tensor([0.02, -0.02, 0.0]))
    x = MixtureOfLogistics(wrong, LOC, LOG_SCALE).sample((N,))
    assert ks_p(x, ref_mix_cdf) < ALPHA


def test_mixture_batch_shapes_and_expand():
    B, T, K = 2, 5, 4
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(B, T, K, generator=g)
    loc = torch.randn(B, T, K, generator=g)
    log_scale = torch.randn(B, T, K, generator=g) - 2
    d = MixtureOfLogistics(logits, loc, log_scale)
    assert d.batch_shape == (B, T) and d.event_shape == ()
    assert d.sample((3,)).shape == (3, B, T)
    assert d.log_prob(torch.zeros(B, T)).shape == (B, T)
    assert d.cdf(torch.zeros(B, T)).shape == (B, T)
    assert d.mean.shape == (B, T) and d.variance.shape == (B, T)
    e = d.expand((7, B, T))
    assert isinstance(e, MixtureOfLogistics)
    assert e.batch_shape == (7, B, T) and e.logits.shape == (7, B, T, K)
    torch.testing.assert_close(e.log_prob(torch.zeros(7, B, T))[3], d.log_prob(torch.zeros(B, T)))
    # shared (K,) logits broadcast against per-position components
    d2 = MixtureOfLogistics(torch.zeros(K), loc, log_scale)
    assert d2.batch_shape == (B, T)
    assert set(d.arg_constraints) == {"logits", "loc", "log_scale"}


def test_mixture_extreme_parameters_finite():
    logits = torch.tensor([-3000.0, 0.0, 2500.0])
    loc = torch.tensor([-5.0, 0.0, 5.0])
    log_scale = torch.tensor([-20.0, 3.0, -20.0])
    d = MixtureOfLogistics(logits, loc, log_scale)
    x = torch.tensor([-1e4, -1.0, 0.0, 5.0, 1e4])
    assert torch.isfinite(d.log_prob(x)).all()
    assert torch.isfinite(d.sample((100,))).all()


def test_mixture_validation():
    with pytest.raises(ValueError, match="loc"):
        MixtureOfLogistics(torch.zeros(3), torch.zeros(4), torch.zeros(3))
    with pytest.raises(TypeError, match="logits"):
        MixtureOfLogistics([0.0, 1.0], torch.zeros(2), torch.zeros(2))
    with pytest.raises(TypeError, match="log_scale"):
        MixtureOfLogistics(torch.zeros(2), torch.zeros(2), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="log_scale"):
        MixtureOfLogistics(torch.zeros(2), torch.zeros(2), torch.tensor([0.0, math.nan]))
    with pytest.raises(ValueError, match="log_scale"):
        MixtureOfLogistics(torch.zeros(2), torch.zeros(2), torch.tensor([0.0, -200.0]))
    with pytest.raises(ValueError, match="logits"):
        MixtureOfLogistics(torch.tensor([0.0, math.nan]), torch.zeros(2), torch.zeros(2))
    with pytest.raises(ValueError, match="scalar"):
        MixtureOfLogistics(torch.tensor(0.0), torch.tensor(0.0), torch.tensor(0.0))


def test_mixture_logits_are_checked_as_passed():
    # Categorical would report its *normalized* logits, tensor([nan, -inf]) for [0, +inf]
    z = torch.zeros(2)
    with pytest.raises(
        ValueError, match=r"logits must be < \+inf.*got \+inf: logits\[1\] = inf \(row logits\[:\]"
    ):
        MixtureOfLogistics(torch.tensor([0.0, math.inf]), z, z)
    with pytest.raises(
        ValueError,
        match=r"logits must have at least one finite entry.*logits\[1, :\] = \[-inf, -inf\]",
    ):
        MixtureOfLogistics(torch.tensor([[0.0, 1.0], [-math.inf, -math.inf]]), z, z)
    with pytest.raises(ValueError, match=r"logits must not contain NaN.*logits\[0, 1\] = nan"):
        MixtureOfLogistics(torch.tensor([[0.0, math.nan]]), z, z)
    # -inf is a component of weight 0: the mixture is the other component
    d = MixtureOfLogistics(
        torch.tensor([-math.inf, 0.3], dtype=torch.float64),
        torch.tensor([5.0, -1.0], dtype=torch.float64),
        torch.tensor([0.0, math.log(2.0)], dtype=torch.float64),
    )
    x = torch.linspace(-20, 20, 41, dtype=torch.float64)
    np.testing.assert_allclose(
        d.log_prob(x).numpy(), st.logistic.logpdf(x.numpy(), -1.0, 2.0), rtol=RTOL
    )
    torch.manual_seed(3)
    assert float(d.mean) == -1.0 and float(d.sample((1000,)).max()) < 5.0 + 40.0


def test_mixture_log_scale_must_not_overflow():
    # exp(100) is inf in float32: the components would have an infinite scale
    with pytest.raises(ValueError, match=r"log_scale .* neither 0 nor inf in torch.float32"):
        MixtureOfLogistics(torch.zeros(2), torch.zeros(2), torch.tensor([0.0, 100.0]))
    d = MixtureOfLogistics(torch.zeros(2), torch.zeros(2), torch.tensor([0.0, 100.0]).double())
    assert torch.isfinite(d.log_prob(torch.tensor(0.0, dtype=torch.float64)))


LOGISTIC_METHODS = [
    "sample",
    "rsample",
    "log_prob",
    "cdf",
    "icdf",
    "entropy",
    "expand",
    "mean",
    "mode",
    "variance",
    "stddev",
]
MIXTURE_METHODS = ["sample", "log_prob", "cdf", "expand", "mean", "variance", "stddev"]


@pytest.mark.parametrize(
    ("cls", "name"),
    [(Logistic, n) for n in LOGISTIC_METHODS] + [(MixtureOfLogistics, n) for n in MIXTURE_METHODS],
)
def test_public_methods_document_shapes_and_formula(cls, name):
    attr = cls.__dict__.get(name)  # defined here, not torch's inherited docstring
    assert attr is not None, f"{cls.__name__}.{name} is inherited from torch"
    fn = attr.fget if isinstance(attr, property) else attr
    doc = fn.__doc__ or ""
    assert "Returns:" in doc and "shape" in doc, doc
    assert "batch_shape" in doc, doc
    if name not in ("expand",):
        assert "=" in doc, f"{cls.__name__}.{name} docstring states no formula"
