"""Tests of molviz.gaussian: discretized Gaussian bins, and the vocoder's Gaussian-mixture option.

Bins.  Reference: the bin probability written directly with mpmath at 50 significant digits,
P_j = Φ(b_j) - Φ(a_j) with Φ = mpmath.ncdf (the subtraction is harmless at that precision),
for 8-bit and 16-bit grids, narrow and wide standard deviations, bins in the centre and
hundreds of standard deviations out.  log P_j must agree to 1e-13 relative (absolute for
|log P_j| < 1).  Deterministic.

Gaussian-mixture sampler and loss.  References: a line-by-line transcription, written here, of
r9y9/wavenet_vocoder's ``sample_from_mix_gaussian`` and ``mix_gaussian_loss`` (one-hot product,
``torch.distributions.Normal``), and scipy.stats.norm.  The sampler must equal the
transcription bit for bit under the same seed; the loss to float rounding.  Statistical tests
(fixed seeds) use a significance level of α = 1e-3 each: a correct sampler fails one of them
with probability at most 1e-3 (for the seed drawn at random); their power is checked on
samples from a slightly wrong law (see test_sampler_ks_has_power).
"""

import math

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as st
import torch
import torch.distributions as D
import torch.nn.functional as F
from scipy.special import softmax

import molviz
from molviz.gaussian import (
    discretized_gaussian_log_probs,
    discretized_gaussian_probs,
    mix_gaussian_loss,
    sample_from_mix_gaussian,
)
from molviz.vocoder import sample_from_discretized_mix_logistic


def log_bin_prob_mpmath(mu, sd, n, j, dps=50):
    """log P(bin j) of N(mu, sd²) on the n-class grid, edge bins open, with mpmath."""
    with mp.workdps(dps):
        mu, sd = mp.mpf(float(mu)), mp.mpf(float(sd))
        h = mp.mpf(1) / (n - 1)
        c = -1 + 2 * mp.mpf(int(j)) / (n - 1)
        lower = mp.ncdf((c - h - mu) / sd) if j > 0 else mp.mpf(0)
        upper = mp.ncdf((c + h - mu) / sd) if j < n - 1 else mp.mpf(1)
        if j > 0 and (c - h - mu) > 0:  # upper tail: difference of survival functions
            lower_sf = mp.ncdf(-(c - h - mu) / sd)
            upper_sf = mp.ncdf(-(c + h - mu) / sd) if j < n - 1 else mp.mpf(0)
            return float(mp.log(lower_sf - upper_sf))
        return float(mp.log(upper - lower))


CASES = [
    # (mu, sd, num_classes): the why_logistic example, wide, narrow, off-grid, 16 bit, tiny
    (0.0, 0.02 * math.pi / math.sqrt(3), 256),
    (0.3, 0.1, 256),
    (-2.0, 0.5, 256),
    (0.9, 1e-3, 256),
    (0.2, 1e-6, 256),
    (0.0, 1.0, 65536),
    (0.5, 0.01, 65536),
    (0.999, 1e-4, 65536),
    (1.5, 2.0, 65536),
    (0.0, 3.0, 8),
    (0.0, 0.6, 4),
    (0.1, 0.35, 5),
    (5.0, 100.0, 2),
    (0.1, 1e-9, 3),
]


@pytest.mark.parametrize(("mu", "sd", "n"), CASES)
def test_log_probs_match_mpmath(mu, sd, n):
    logp = discretized_gaussian_log_probs(mu, sd, n)
    assert logp.shape == (n,) and logp.dtype == np.float64
    rng = np.random.default_rng(n)
    # all bins of small grids; edges, neighbours of the mean and a random sample of big ones
    if n <= 256:
        js = np.arange(n)
    else:
        near = round((mu + 1) / 2 * (n - 1))
        js = np.unique(
            np.clip(
                np.concatenate(
                    [[0, 1, n - 2, n - 1], near + np.arange(-3, 4), rng.integers(0, n, 60)]
                ),
                0,
                n - 1,
            )
        )
    ref = np.array([log_bin_prob_mpmath(mu, sd, n, j) for j in js])
    err = np.abs(logp[js] - ref) / np.maximum(1.0, np.abs(ref))
    assert err.max() < 1e-13, (js[np.argmax(err)], logp[js][np.argmax(err)], ref[np.argmax(err)])


@pytest.mark.parametrize(("mu", "sd", "n"), CASES)
def test_probabilities_sum_to_one(mu, sd, n):
    p = discretized_gaussian_probs(mu, sd, n)
    assert (p >= 0).all()
    assert abs(p.sum() - 1.0) < 1e-12


def test_moderate_case_matches_scipy_norm_directly():
    # where nothing cancels, the plain CDF difference is a second, independent reference
    n, mu, sd = 16, 0.1, 0.4
    h = 1 / (n - 1)
    c = -1 + 2 * np.arange(n) / (n - 1)
    cdf_hi = st.norm.cdf(c + h, mu, sd)
    cdf_lo = st.norm.cdf(c - h, mu, sd)
    cdf_hi[-1], cdf_lo[0] = 1.0, 0.0
    np.testing.assert_allclose(
        discretized_gaussian_probs(mu, sd, n), cdf_hi - cdf_lo, rtol=1e-12, atol=0
    )


def test_far_tail_where_a_direct_difference_gives_log_zero():
    # s = 0.02 logistic vs the Gaussian of equal sd: the top bin is ~27 sd out
    sd = 0.02 * math.pi / math.sqrt(3)
    logp = discretized_gaussian_log_probs(0.0, sd, 256)
    with np.errstate(divide="ignore"):
        naive = np.log(
            np.diff(
                st.norm.cdf(np.r_[-np.inf, molviz.bin_centers(256)[1:] - 1 / 255, np.inf], 0, sd)
            )
        )
    assert np.isneginf(naive).any()  # the naive form fails out there ...
    assert np.isfinite(logp).all()  # ... this one does not
    assert 100 < -logp[-1] < 1000 and logp[-1] == pytest.approx(logp[0], rel=1e-14)
    # symmetric in μ ↔ -μ with bins reversed
    np.testing.assert_allclose(
        discretized_gaussian_log_probs(0.37, 0.05, 256),
        discretized_gaussian_log_probs(-0.37, 0.05, 256)[::-1],
        rtol=1e-13,
    )


def test_broadcasting_and_shapes():
    mu = np.array([[-0.5], [0.0], [0.4]])  # (3, 1)
    sd = np.array([0.05, 0.2, 1.0, 7.0])  # (4,)
    logp = discretized_gaussian_log_probs(mu, sd, 32)
    assert logp.shape == (3, 4, 32)
    np.testing.assert_array_equal(logp[2, 1], discretized_gaussian_log_probs(0.4, 0.2, 32))
    assert discretized_gaussian_log_probs(np.zeros((0, 2)), 1.0, 5).shape == (0, 2, 5)


def test_extreme_but_valid_parameters_stay_finite_or_minus_inf_never_nan():
    for mu, sd in [(0.3, 1e-300), (0.3, 5e-324), (0.3, 1e300), (1e300, 1.0), (0.0, 1.7e308)]:
        with np.errstate(invalid="raise"):
            logp = discretized_gaussian_log_probs(mu, sd, 256)
        assert not np.isnan(logp).any()
        assert (logp <= 0).all()
        assert abs(np.exp(logp).sum() - 1.0) < 1e-12
    # a point mass: all probability in the bin that contains μ
    logp = discretized_gaussian_log_probs(0.3, 1e-300, 256)
    j = int(np.argmin(np.abs(molviz.bin_centers(256) - 0.3)))
    assert logp[j] == 0.0 and np.isneginf(np.delete(logp, j)).all()


def test_bad_input():
    with pytest.raises(ValueError, match=r"sd must be > 0 \(standard deviation of the Gaussian\)"):
        discretized_gaussian_log_probs(0.0, [1.0, -1.0], 256)
    with pytest.raises(ValueError, match="sd must be finite"):
        discretized_gaussian_log_probs(0.0, math.inf, 256)
    with pytest.raises(ValueError, match=r"mu .* must be finite"):
        discretized_gaussian_log_probs(math.nan, 1.0, 256)
    with pytest.raises(ValueError, match="mu and sd must broadcast"):
        discretized_gaussian_log_probs(np.zeros(3), np.ones(4), 256)
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        discretized_gaussian_probs(0.0, 1.0, 1)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        discretized_gaussian_probs(0.0, 1.0, 256.0)
    with pytest.raises(TypeError, match="sd must be a real number"):
        discretized_gaussian_probs(0.0, "1", 256)


# ----------------------------------------------------------------------------------------------
# The vocoder's Gaussian-mixture option: transcriptions of r9y9/wavenet_vocoder's code


def r9y9_sample_from_mix_gaussian(y):
    """The vocoder's sampler as written there: one-hot product, Normal(...).sample(), clamp."""
    C = y.size(1)
    nr_mix = 1 if C == 2 else C // 3
    y = y.transpose(1, 2)
    if nr_mix > 1:
        logit_probs = y[:, :, :nr_mix]
        temp = logit_probs.data.new(logit_probs.size()).uniform_(1e-5, 1.0 - 1e-5)
        temp = logit_probs.data - torch.log(-torch.log(temp))
        _, argmax = temp.max(dim=-1)
        one_hot = torch.zeros((*argmax.size(), nr_mix), dtype=torch.float32)
        one_hot.scatter_(2, argmax.unsqueeze(-1), 1.0)
        means = torch.sum(y[:, :, nr_mix : 2 * nr_mix] * one_hot, dim=-1)
        log_scales = torch.sum(y[:, :, 2 * nr_mix : 3 * nr_mix] * one_hot, dim=-1)
    elif C == 2:
        means, log_scales = y[:, :, 0], y[:, :, 1]
    else:
        means, log_scales = y[:, :, 1], y[:, :, 2]
    x = D.Normal(loc=means, scale=torch.exp(log_scales)).sample()
    return torch.clamp(x, min=-1.0, max=1.0)


def r9y9_mix_gaussian_loss(y_hat, y, log_scale_min=-7.0, reduce=True):
    """The vocoder's continuous Gaussian-mixture loss as written there."""
    C = y_hat.size(1)
    nr_mix = 1 if C == 2 else C // 3
    y_hat = y_hat.transpose(1, 2)
    if C == 2:
        logit_probs = None
        means = y_hat[:, :, 0:1]
        log_scales = torch.clamp(y_hat[:, :, 1:2], min=log_scale_min)
    else:
        logit_probs = y_hat[:, :, :nr_mix]
        means = y_hat[:, :, nr_mix : 2 * nr_mix]
        log_scales = torch.clamp(y_hat[:, :, 2 * nr_mix : 3 * nr_mix], min=log_scale_min)
    y = y.expand_as(means)
    log_probs = D.Normal(loc=0.0, scale=torch.exp(log_scales)).log_prob(y - means)
    if nr_mix > 1:
        log_probs = log_probs + F.log_softmax(logit_probs, -1)
        m, _ = torch.max(log_probs, dim=-1)
        m2, _ = torch.max(log_probs, dim=-1, keepdim=True)
        lse = m + torch.log(torch.sum(torch.exp(log_probs - m2), dim=-1))
        return -torch.sum(lse) if reduce else -lse.unsqueeze(-1)
    return -torch.sum(log_probs) if reduce else -log_probs


def random_mog(B, C, T, dtype, seed):
    """Random vocoder-scale parameters: means in [-0.6, 0.6], log-scales around -3."""
    g = torch.Generator().manual_seed(seed)
    y = torch.empty(B, C, T, dtype=dtype)
    K = 1 if C == 2 else C // 3
    off = 0 if C == 2 else K
    if C != 2:
        y[:, :K] = torch.randn(B, K, T, generator=g, dtype=dtype)
    y[:, off : off + K] = torch.empty(B, K, T, dtype=dtype).uniform_(-0.6, 0.6, generator=g)
    y[:, off + K :] = -3.0 + torch.randn(B, K, T, generator=g, dtype=dtype)
    return y


LAYOUTS = [(1, 30, 1), (2, 30, 77), (4, 6, 300), (1, 3, 40), (3, 2, 50), (1, 2, 1), (2, 9, 0)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("B", "C", "T"), LAYOUTS)
def test_sampler_bit_identical_to_vocoder_under_the_same_seed(B, C, T, dtype):
    y = random_mog(B, C, T, dtype, seed=C * 100 + T)
    torch.manual_seed(1234)
    ref = r9y9_sample_from_mix_gaussian(y)
    after_ref = torch.rand(4)
    torch.manual_seed(1234)
    out = sample_from_mix_gaussian(y)
    after_out = torch.rand(4)
    assert out.shape == (B, T) and out.dtype == dtype
    assert torch.equal(out, ref)
    assert torch.equal(after_out, after_ref)  # same number of draws: same generator state
    # an explicit generator with the same seed gives the same stream as the global one
    torch.manual_seed(1234)
    ref = r9y9_sample_from_mix_gaussian(y)
    out = sample_from_mix_gaussian(y, generator=torch.Generator().manual_seed(1234))
    assert torch.equal(out, ref)


def test_sampler_bit_identical_with_ties_clamping_and_tiny_scales():
    # equal logits (ties go to the first maximum), samples beyond ±1 (clamped), s = e^-12
    y = torch.zeros(1, 9, 500)
    y[:, 3:6] = torch.tensor([-0.99, 0.0, 0.99])[:, None]
    y[:, 6:] = torch.tensor([-1.0, -12.0, -1.0])[:, None]
    torch.manual_seed(7)
    ref = r9y9_sample_from_mix_gaussian(y)
    torch.manual_seed(7)
    out = sample_from_mix_gaussian(y)
    assert torch.equal(out, ref)
    assert (out == 1.0).any() and (out == -1.0).any()


def test_same_seed_same_component_as_the_logistic_sampler():
    # Both samplers spend the same (B, T, K) uniforms on Gumbel-max first.  With components
    # far apart and narrow, the component is read off the sample.
    mu = torch.tensor([-0.6, 0.0, 0.6])
    B, T = 2, 4000
    y = torch.empty(B, 9, T)
    y[:, :3] = torch.randn(B, 3, T, generator=torch.Generator().manual_seed(3))
    y[:, 3:6] = mu[:, None]
    y[:, 6:] = -9.0
    torch.manual_seed(11)
    x_gauss = sample_from_mix_gaussian(y)
    torch.manual_seed(11)
    x_logistic = sample_from_discretized_mix_logistic(y)
    k_gauss = (x_gauss[..., None] - mu).abs().argmin(-1)
    k_logistic = (x_logistic[..., None] - mu).abs().argmin(-1)
    assert torch.equal(k_gauss, k_logistic)
    assert set(k_gauss.unique().tolist()) == {0, 1, 2}
    assert not torch.equal(x_gauss, x_logistic)  # ... but the within-component draws differ


KS_ALPHA = 1e-3
KS_LOGITS = np.array([0.3, -0.5, 1.0])
KS_MU = np.array([-0.5, 0.1, 0.45])
KS_S = np.array([0.05, 0.1, 0.03])  # all mass within 10 sd of μ: P(|x| > 1) < 1e-18


def mog_cdf(x, logits, mu, s):
    """CDF of Σ_k softmax(a)_k N(μ_k, s_k²), with scipy."""
    return (softmax(logits) * st.norm.cdf((np.asarray(x)[..., None] - mu) / s)).sum(-1)


def ks_pack(logits, mu, s, T):
    col = np.concatenate([logits, mu, np.log(s)])[None, :, None]  # (1, 3K, 1)
    return torch.tensor(np.broadcast_to(col, (1, col.shape[1], T)).copy())


def test_sampler_law_ks():
    # The clipped Gumbel noise moves the component law from softmax(a) by a total variation
    # of at most 1 - (1 - 2e-5)^3 = 6e-5, hence the CDF by at most that: 1.4 % of the
    # critical value below.  n = 200 000, α = 1e-3: critical D = 0.00436.
    n = 200_000
    torch.manual_seed(2024)
    x = sample_from_mix_gaussian(ks_pack(KS_LOGITS, KS_MU, KS_S, n))[0].numpy()
    res = st.kstest(x, lambda v: mog_cdf(v, KS_LOGITS, KS_MU, KS_S))
    assert res.pvalue > KS_ALPHA, res


def test_sampler_ks_has_power():
    # Power: if the sampler's law were the same mixture with every scale 10 % too large, the
    # CDFs would differ by D_true below.  With probability >= 1 - α the empirical CDF of n
    # draws is within the critical value c of its own law, so D_n >= D_true - c > c whenever
    # D_true > 2c: the test above would reject.  Checked analytically and on actual draws.
    n = 200_000
    crit = st.kstwo.ppf(1 - KS_ALPHA, n)
    grid = np.linspace(-1, 1, 400_001)
    truth = mog_cdf(grid, KS_LOGITS, KS_MU, KS_S)
    wrong_laws = {
        "scales x 1.10": (KS_LOGITS, KS_MU, KS_S * 1.10),
        "weights permuted": (KS_LOGITS[[1, 0, 2]], KS_MU, KS_S),
        "sd = s·π/√3 (logistic sd)": (KS_LOGITS, KS_MU, KS_S * math.pi / math.sqrt(3)),
    }
    for name, (a, mu, s) in wrong_laws.items():
        d_true = np.abs(truth - mog_cdf(grid, a, mu, s)).max()
        assert d_true > 2 * crit, name
        torch.manual_seed(2024)
        x = sample_from_mix_gaussian(ks_pack(a, mu, s, n))[0].numpy()
        res = st.kstest(x, lambda v: mog_cdf(v, KS_LOGITS, KS_MU, KS_S))
        assert res.pvalue < KS_ALPHA, (name, res)
    # and the logistic sampler with the same parameters is not this law either
    torch.manual_seed(2024)
    x = sample_from_discretized_mix_logistic(ks_pack(KS_LOGITS, KS_MU, KS_S, n).float())
    res = st.kstest(x[0].double().numpy(), lambda v: mog_cdf(v, KS_LOGITS, KS_MU, KS_S))
    assert res.pvalue < KS_ALPHA, res


def test_sampler_single_gaussian_two_channel_layout_ks_and_clamp_mass():
    # (B, 2, T): μ = 0.2, s = 0.1: KS against N(0.2, 0.1²) at α = 1e-3
    n = 100_000
    y = torch.tensor([[0.2], [math.log(0.1)]], dtype=torch.float64).expand(1, 2, n)
    torch.manual_seed(99)
    x = sample_from_mix_gaussian(y)[0].numpy()
    res = st.kstest(x, st.norm(0.2, 0.1).cdf)
    assert res.pvalue > KS_ALPHA, res
    # μ = 0.95, s = 0.1: the clamp puts P(x = 1) = Φ(-0.5) = 0.3085 on the end point.
    # Exact two-sided binomial test at α = 1e-3; a clamp at the 16-bit grid's last bin
    # centre or none at all would give ~0 ones, a wrong s (0.2) 0.4013: both far outside.
    y = torch.tensor([[0.95], [math.log(0.1)]], dtype=torch.float64).expand(1, 2, n)
    x = sample_from_mix_gaussian(y, generator=torch.Generator().manual_seed(5))[0]
    assert float(x.max()) == 1.0 and float(x.min()) > -1.0
    ones = int((x == 1.0).sum())
    p_end = st.norm.sf(0.5)
    assert st.binomtest(ones, n, p_end).pvalue > KS_ALPHA, (ones, n * p_end)


def test_sampler_gradient_is_the_reparameterization():
    # x = μ + s z: dx/dμ = 1 and dx/d log s = s z = x - μ for the chosen component
    y = random_mog(1, 6, 200, torch.float64, seed=8)
    y[:, 2:4] = 0.0  # means 0 and s = e^-4 (|x| < 1 needs |z| > 54): no sample is clamped
    y[:, 4:] = -4.0
    y.requires_grad_(True)
    x = sample_from_mix_gaussian(y, generator=torch.Generator().manual_seed(4))
    assert (x.abs() < 1).all()
    x.sum().backward()
    g_mu, g_ls = y.grad[0, 2:4], y.grad[0, 4:6]  # (K, T)
    chosen = g_mu == 1.0
    assert torch.equal(chosen.sum(0), torch.ones(200, dtype=torch.long))  # one per step
    assert (g_mu[~chosen] == 0).all() and (g_ls[~chosen] == 0).all()
    x_kt = x[0].detach().expand(2, 200)  # (K, T): the sample, once per component row
    torch.testing.assert_close(g_ls[chosen], x_kt[chosen] - y[0, 2:4].detach()[chosen])


def test_sampler_clamp_log_scale_and_zero_scale():
    y = torch.tensor([[[0.3], [-50.0]]], dtype=torch.float64)  # (1, 2, 1): s = e^-50
    g = torch.Generator().manual_seed(0)
    x_free = sample_from_mix_gaussian(y, generator=g)
    g = torch.Generator().manual_seed(0)
    z = torch.empty(1, 1, dtype=torch.float64).normal_(generator=g)
    g = torch.Generator().manual_seed(0)
    x_clamped = sample_from_mix_gaussian(y, -7.0, True, generator=g)
    assert float(x_clamped) == pytest.approx(0.3 + math.exp(-7.0) * float(z), abs=1e-15)
    assert abs(float(x_free) - 0.3) < 1e-20
    y0 = torch.tensor([[[0.3], [-math.inf]]])  # s = 0: x = μ exactly
    assert float(sample_from_mix_gaussian(y0)) == pytest.approx(0.3, abs=0, rel=1e-7)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("B", "C", "T"), [(2, 30, 60), (1, 3, 40), (3, 2, 50), (1, 6, 1)])
@pytest.mark.parametrize("reduce", [True, False])
def test_loss_matches_vocoder_value_and_gradients(B, C, T, dtype, reduce):
    # Targets anywhere in [-1, 1] can lie thousands of s from every component, where log N is
    # ~ -1e6 and the mixture responsibilities are ill-conditioned (a relative rounding of u in
    # log N is an absolute error of 1e6·u): float64 has the digits for that, float32 does not.
    # So float64 takes targets anywhere and a tolerance of 1e-10; float32 takes targets within
    # 4 s of a component (a trained model's regime) and a tolerance of a few float32 ulps.
    y_hat = random_mog(B, C, T, dtype, seed=C + T)
    K = 1 if C == 2 else C // 3
    y_hat[:, -K:, ::7] = -9.0  # some log-scales below the clamp at -7
    g = torch.Generator().manual_seed(T)
    if dtype == torch.float64:
        target = torch.empty(B, T, 1, dtype=dtype).uniform_(-1, 1, generator=g)
        tol = {"rtol": 1e-10, "atol": 1e-200}
    else:
        off = 0 if C == 2 else K
        k = torch.randint(K, (B, 1, T), generator=g)
        mu = y_hat[:, off : off + K].gather(1, k)  # (B, 1, T)
        s = y_hat[:, off + K :].clamp(min=-7.0).exp().gather(1, k)  # (B, 1, T)
        z = torch.randn(B, 1, T, generator=g).clamp(-4, 4)
        target = (mu + s * z).clamp(-1, 1).transpose(1, 2)  # (B, T, 1)
        tol = {"rtol": 1e-5, "atol": 1e-5}
    a = y_hat.clone().requires_grad_(True)
    b = y_hat.clone().requires_grad_(True)
    ours = mix_gaussian_loss(a, target, reduce=reduce)
    ref = r9y9_mix_gaussian_loss(b, target, reduce=reduce)
    assert ours.shape == ref.shape == (() if reduce else (B, T, 1))
    torch.testing.assert_close(ours, ref, **tol)
    ours.sum().backward()
    ref.sum().backward()
    torch.testing.assert_close(a.grad, b.grad, **tol)
    assert (a.grad[:, -K:, ::7] == 0).all()  # clamped log-scales get no gradient


def test_loss_matches_scipy_and_is_a_density():
    # float64 reference: -log Σ_k π_k N(y; μ_k, s_k²) with scipy, s clamped at e^-7
    y_hat = random_mog(2, 12, 30, torch.float64, seed=1)
    target = torch.empty(2, 30, 1, dtype=torch.float64).uniform_(
        -1, 1, generator=torch.Generator().manual_seed(2)
    )
    a = y_hat[:, :4].numpy()
    mu = y_hat[:, 4:8].numpy()
    s = np.exp(np.maximum(y_hat[:, 8:].numpy(), -7.0))
    pi = softmax(a, axis=1)
    f = (pi * st.norm.pdf(target.numpy().transpose(0, 2, 1), mu, s)).sum(1)  # (B, T)
    per_step = mix_gaussian_loss(y_hat, target, reduce=False)[..., 0].numpy()
    np.testing.assert_allclose(per_step, -np.log(f), rtol=1e-12)
    assert float(mix_gaussian_loss(y_hat, target)) == pytest.approx(-np.log(f).sum(), rel=1e-12)
    # a density, not a probability: a narrow component at the target scores below zero
    y1 = torch.tensor([[[0.25], [-5.0]]], dtype=torch.float64)
    loss1 = float(mix_gaussian_loss(y1, torch.full((1, 1, 1), 0.25, dtype=torch.float64)))
    assert loss1 == pytest.approx(-5.0 + 0.5 * math.log(2 * math.pi), rel=1e-14)
    assert loss1 < 0


def test_loss_minus_log_bin_width_approximates_the_bin_probability():
    # For s >> h, P(bin) = f(c)·2h·(1 + O((h/s)^2)), so -log P(bin) = loss - log(2h) + O((h/s)^2):
    # checked with the exact bins.
    for n, s in ((256, 0.2), (65536, 0.01)):
        h = 1 / (n - 1)
        j = n // 2 + 37
        c = -1 + 2 * j / (n - 1)
        y_hat = torch.tensor([[[0.03], [math.log(s)]]], dtype=torch.float64)
        loss = float(mix_gaussian_loss(y_hat, torch.full((1, 1, 1), c, dtype=torch.float64)))
        exact = -discretized_gaussian_log_probs(0.03, s, n)[j]
        # the leading correction is log(1 + (h/s)²(z² - 1)/6): allow twice its bound
        z = (c - 0.03) / s
        assert loss - math.log(2 * h) == pytest.approx(exact, abs=(h / s) ** 2 * (1 + z * z) / 3)
        assert exact - loss > 4  # the two losses differ by log(1/2h) nats: 4.85 at 8 bit


def test_loss_k1_ignores_the_logit_channel_and_matches_two_channels():
    y2 = random_mog(2, 2, 25, torch.float64, seed=3)
    y3 = torch.cat([torch.full((2, 1, 25), 5.0, dtype=torch.float64), y2], dim=1)
    t = torch.zeros(2, 25, 1, dtype=torch.float64)
    torch.testing.assert_close(mix_gaussian_loss(y3, t), mix_gaussian_loss(y2, t), rtol=0, atol=0)


def test_loss_overflow_is_an_error_not_inf():
    y_hat = torch.tensor([[[0.0], [-200.0]]])  # float32: exp(200) overflows
    target = torch.full((1, 1, 1), 0.5)
    assert math.isfinite(float(mix_gaussian_loss(y_hat, target)))  # clamped at -7: fine
    with pytest.raises(ValueError, match="raise log_scale_min"):
        mix_gaussian_loss(y_hat, target, log_scale_min=-math.inf)


def test_gaussian_mixture_bad_input():
    y = torch.zeros(1, 6, 4)
    with pytest.raises(TypeError, match=r"y must be a torch\.Tensor"):
        sample_from_mix_gaussian(np.zeros((1, 6, 4)))
    with pytest.raises(TypeError, match="y must have dtype"):
        sample_from_mix_gaussian(torch.zeros(1, 6, 4, dtype=torch.float16))
    with pytest.raises(ValueError, match=r"y must have 3 dimensions.*\(6, 4\)"):
        sample_from_mix_gaussian(torch.zeros(6, 4))
    with pytest.raises(ValueError, match=r"2 channels .* or a positive multiple of 3.* 4 channels"):
        sample_from_mix_gaussian(torch.zeros(1, 4, 4))
    with pytest.raises(TypeError, match="clamp_log_scale must be a bool"):
        sample_from_mix_gaussian(y, -7.0, 1)
    with pytest.raises(TypeError, match="log_scale_min must be a real number"):
        sample_from_mix_gaussian(y, "-7")
    with pytest.raises(ValueError, match="log_scale_min must be a number < \\+inf"):
        sample_from_mix_gaussian(y, math.nan)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        sample_from_mix_gaussian(y, generator=0)
    bad = y.clone()
    bad[0, 1, 2] = math.nan
    with pytest.raises(ValueError, match="NaN logits"):
        sample_from_mix_gaussian(bad)
    bad = torch.zeros(1, 2, 3)
    bad[0, 1, 1] = math.inf  # s = inf at t = 1
    with pytest.raises(ValueError, match=r"non-finite sample at \(b, t\) = \(0, 1\)"):
        sample_from_mix_gaussian(bad)
    t = torch.zeros(1, 4, 1)
    with pytest.raises(TypeError, match="y must have the same dtype as y_hat"):
        mix_gaussian_loss(y, t.double())
    with pytest.raises(ValueError, match=r"y must have shape \(B, T, 1\) = \(1, 4, 1\)"):
        mix_gaussian_loss(y, torch.zeros(1, 4))
    with pytest.raises(ValueError, match=r"y must lie in \[-1, 1\].*max\(y\) = 2.0"):
        mix_gaussian_loss(y, torch.full((1, 4, 1), 2.0))
    with pytest.raises(ValueError, match="y_hat must be finite"):
        mix_gaussian_loss(torch.full((1, 6, 4), math.nan), t)
    with pytest.raises(ValueError, match="y_hat must have 2 channels"):
        mix_gaussian_loss(torch.zeros(1, 5, 4), t)
    with pytest.raises(TypeError, match="reduce must be a bool"):
        mix_gaussian_loss(y, t, reduce=None)
