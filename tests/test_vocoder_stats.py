"""Statistical tests of molviz.vocoder's samplers: the law of the output, for both methods.

What is tested.  ``sample_from_discretized_mix_logistic`` with ``method="gumbel"`` (the vocoder's
algorithm, bit-identical to it by tests/test_vocoder.py) and with the opt-in
``method="inverse_cdf"`` (2 uniforms per step instead of K + 1, a different random stream) must
both produce, for fixed parameters, the clamped mixture law: X = clamp(Y, -1, 1) with Y a
mixture of logistics whose component is chosen with probability softmax(a).

References are independent of molviz: the mixture CDF is written here with
``scipy.special.expit`` (and checked against ``molviz.mixture_cdf``), component probabilities with
``scipy.special.softmax``.
Each inversion draw u ~ U(ε, 1 - ε), ε = 1e-5, truncates a component to its quantiles ε and 1 - ε;
the reference CDF includes that: (σ(z) - ε)/(1 - 2ε) clipped to [0, 1].

Significance and false-failure rate.  Every test rejects at α = 1e-3 (two-sided KS, Pearson
chi-square, exact binomial).  Seeds are fixed, so results are deterministic; α is the chance that
a correct sampler fails with another seed.  The Gumbel-max sampler's clipped noise changes its
component probabilities from softmax by a total variation of at most 1 - (1 - 2ε)^K <= 6e-5
(K = 3); at n = 100 000 that moves the KS statistic by at most √n·6e-5 = 0.019 against a critical
value of 1.95, and the chi-square noncentrality by less than 1e-3, which raises the false-failure
rate from 1e-3 to at most 1.1e-3.  ``method="inverse_cdf"`` has no such clipping.

Power.  n = 100 000 makes the KS critical distance 1.95/√n = 6.2e-3.  The ``test_power_*`` tests
feed deliberately wrong parameters (scales 10 % too large, a component mean shifted by 0.01, a
logit off by 0.1: largest CDF differences 0.011, 0.012 and 0.022, i.e. √n·D = 3.6, 3.8 and 7.0
against the critical 1.95) to the same checks and require rejection (p < α), and the chi-square
check rejects a Gumbel-max with the sign of the noise flipped.

Measured p-values are printed with ``pytest -s``.
"""

import math

import numpy as np
import pytest
import scipy.stats as st
import torch
from scipy.special import expit, softmax

from molviz.mixture import mixture_cdf
from molviz.vocoder import sample_from_discretized_mix_logistic

ALPHA = 1e-3
EPS = 1e-5
N = 100_000
METHODS = ["gumbel", "inverse_cdf"]

# K = 3 mixture inside (-1, 1): each component's ε-truncated support μ ± 11.52·s lies within
# [-0.97, 0.95], so clamping never acts and the plain (truncated) mixture CDF is exact.
LOGITS = np.array([0.5, -0.3, 1.0])
MEANS = np.array([-0.5, 0.1, 0.4])
LOG_S = np.array([-3.2, -3.5, -3.05])


def draw(logits, means, log_s, n=N, seed=0, method="gumbel", **kw):
    """n samples of one (K-component) parameter set, drawn in a single (1, 3K, n) call."""
    params = np.concatenate([logits, means, log_s]).astype(np.float32)
    y = torch.from_numpy(params).view(1, -1, 1).expand(1, params.size, n).contiguous()
    torch.manual_seed(seed)
    return sample_from_discretized_mix_logistic(y, method=method, **kw)[0].double().numpy()


def truncated_mixture_cdf(x, logits, means, log_s):
    """CDF of the unclamped sampler output: components truncated at their ε-quantiles."""
    pi = softmax(logits)
    z = (np.asarray(x)[..., None] - means) / np.exp(log_s)
    comp = np.clip((expit(z) - EPS) / (1.0 - 2.0 * EPS), 0.0, 1.0)
    return comp @ pi


def ks(samples, logits, means, log_s):
    return st.kstest(samples, lambda x: truncated_mixture_cdf(x, logits, means, log_s))


def test_reference_cdf_matches_molviz_mixture_cdf():
    """The test's CDF and CORE's molviz.mixture_cdf differ only by the ε-truncation (<= 2ε)."""
    x = np.linspace(-1, 1, 2001)
    ours = truncated_mixture_cdf(x, LOGITS, MEANS, LOG_S)
    core = mixture_cdf(x, softmax(LOGITS), MEANS, np.exp(LOG_S))
    assert np.max(np.abs(ours - core)) <= 2 * EPS


@pytest.mark.parametrize("method", METHODS)
def test_sampler_follows_mixture_law(method):
    """KS of n = 100 000 samples against the mixture CDF."""
    x = draw(LOGITS, MEANS, LOG_S, seed=1, method=method)
    assert np.all(np.abs(x) < 1.0)
    res = ks(x, LOGITS, MEANS, LOG_S)
    print(f"KS mixture ({method}): D = {res.statistic:.4g}, p = {res.pvalue:.3g}")
    assert res.pvalue >= ALPHA


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("logits", [[1.0, -0.5, 0.3, 0.0, -2.0], [6.0, 0.0, -1.0, 2.0, -40.0]])
def test_component_frequencies(method, logits):
    """Chi-square of component counts against softmax.  The means are 0.4 apart and s = e^-7,
    so a sample lies within 11.6·s < 0.011 of its component's mean and identifies it."""
    logits = np.array(logits)
    K = logits.size
    means = np.linspace(-0.8, 0.8, K)
    x = draw(logits, means, np.full(K, -7.0), seed=2, method=method)
    k = np.argmin(np.abs(x[:, None] - means), axis=1)
    assert np.max(np.abs(x - means[k])) < 0.011
    counts = np.bincount(k, minlength=K)
    p = softmax(logits)
    keep = N * p >= 5  # pool categories with tiny expectation into the last kept one
    expected = np.where(keep, N * p, 0.0)
    observed = np.where(keep, counts, 0)
    expected[np.flatnonzero(keep)[-1]] += N * p[~keep].sum()
    observed[np.flatnonzero(keep)[-1]] += counts[~keep].sum()
    res = st.chisquare(observed[keep], expected[keep])
    print(f"chi-square components ({method}, {logits.tolist()}): p = {res.pvalue:.3g}")
    assert res.pvalue >= ALPHA


@pytest.mark.parametrize("method", METHODS)
def test_clamped_mass_at_the_ends(method):
    """With mass beyond ±1 the sampler returns exactly ±1 with the tail probabilities
    (exact binomial test each), and below the atom follows the conditional law (KS)."""
    logits, means, log_s = np.array([0.0, 0.7]), np.array([0.85, -0.9]), np.array([-2.0, -2.3])
    x = draw(logits, means, log_s, seed=3, method=method)
    p_hi = 1.0 - truncated_mixture_cdf(1.0, logits, means, log_s)
    p_lo = truncated_mixture_cdf(-1.0, logits, means, log_s)
    n_hi, n_lo = int(np.sum(x == 1.0)), int(np.sum(x == -1.0))
    r_hi = st.binomtest(n_hi, N, p_hi)
    r_lo = st.binomtest(n_lo, N, p_lo)
    inside = x[np.abs(x) < 1.0]
    res = st.kstest(
        inside,
        lambda v: (truncated_mixture_cdf(v, logits, means, log_s) - p_lo) / (1.0 - p_hi - p_lo),
    )
    print(
        f"atoms ({method}): P(x=1) {n_hi / N:.4f} vs {p_hi:.4f} (p = {r_hi.pvalue:.3g}), "
        f"P(x=-1) {n_lo / N:.4f} vs {p_lo:.4f} (p = {r_lo.pvalue:.3g}); "
        f"KS inside p = {res.pvalue:.3g}"
    )
    assert min(r_hi.pvalue, r_lo.pvalue, res.pvalue) >= ALPHA


@pytest.mark.parametrize(
    "name,logits,means,log_s",
    [
        ("scale 10 % too large", LOGITS, MEANS, LOG_S + math.log(1.1)),
        ("mean shifted by 0.01", LOGITS, MEANS + np.array([0.0, 0.01, 0.0]), LOG_S),
        ("logit off by 0.1", LOGITS + np.array([0.1, 0.0, 0.0]), MEANS, LOG_S),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_power_ks_rejects_wrong_constants(name, logits, means, log_s, method):
    """The KS check of test_sampler_follows_mixture_law rejects a sampler with a wrong constant."""
    x = draw(logits, means, log_s, seed=1, method=method)
    res = ks(x, LOGITS, MEANS, LOG_S)
    print(f"power ({method}, {name}): p = {res.pvalue:.3g}")
    assert res.pvalue < ALPHA


def test_power_chi_square_rejects_gumbel_sign_error():
    """argmax(a + log(-log u)) (the Gumbel sign flipped) gives the wrong component law, and the
    chi-square check rejects it.  Drawn here with the same uniforms the sampler uses."""
    logits = np.array([1.0, -0.5, 0.3, 0.0, -2.0])
    torch.manual_seed(2)
    u = torch.empty(N, logits.size).uniform_(EPS, 1 - EPS).double().numpy()
    k = np.argmax(logits + np.log(-np.log(u)), axis=1)
    counts = np.bincount(k, minlength=logits.size)
    res = st.chisquare(counts, N * softmax(logits))
    print(f"power (Gumbel sign flipped): p = {res.pvalue:.3g}")
    assert res.pvalue < ALPHA


def test_inverse_cdf_uses_two_uniforms_and_the_vocoders_formula():
    """method='inverse_cdf' draws r ~ U[0, 1) then u ~ U(ε, 1-ε), both (B, T), and computes
    x = μ + s (log u - log(1 - u)) exactly as the vocoder (checked bit for bit with K = 1)."""
    B, T = 2, 500
    g = torch.Generator().manual_seed(0)
    mu = torch.rand(B, 1, T, generator=g) - 0.5
    log_s = torch.rand(B, 1, T, generator=g) * 3 - 5
    y = torch.cat([torch.zeros(B, 1, T), mu, log_s], dim=1)
    torch.manual_seed(4)
    got = sample_from_discretized_mix_logistic(y, method="inverse_cdf")
    after = torch.rand(3)
    torch.manual_seed(4)
    torch.empty(B, T).uniform_(0.0, 1.0)
    u = torch.empty(B, T).uniform_(EPS, 1.0 - EPS)
    x = mu[:, 0] + torch.exp(log_s[:, 0]) * (torch.log(u) - torch.log(1.0 - u))
    assert torch.equal(got, x.clamp(-1.0, 1.0))
    assert torch.equal(after, torch.rand(3))  # exactly 2·B·T uniforms consumed


def test_inverse_cdf_never_picks_zero_weight_components():
    """-inf logits (first, middle, last) are never chosen, also when r·total rounds up."""
    K, T = 4, 20000
    logits = torch.tensor([-math.inf, 0.0, -math.inf, -math.inf]).view(1, K, 1)
    means = torch.tensor([-0.9, 0.3, 0.6, 0.9]).view(1, K, 1)
    y = torch.cat([logits, means, torch.full((1, K, 1), -7.0)], 1).expand(1, 3 * K, T)
    x = sample_from_discretized_mix_logistic(y.contiguous(), method="inverse_cdf")
    assert float((x - 0.3).abs().max()) < 0.011
    two = torch.tensor([0.0, 0.0, -math.inf, -math.inf]).view(1, K, 1)
    y2 = torch.cat([two, means, torch.full((1, K, 1), -7.0)], 1).expand(1, 3 * K, T)
    x2 = sample_from_discretized_mix_logistic(y2.contiguous(), method="inverse_cdf")
    near = torch.minimum((x2 + 0.9).abs(), (x2 - 0.3).abs())
    assert float(near.max()) < 0.011
    frac = float((x2 < 0).double().mean())
    assert st.binomtest(round(frac * T), T, 0.5).pvalue >= ALPHA
