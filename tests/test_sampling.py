"""Tests of molviz.sampling: Gumbel-max, inversion and the vectorized MoL sampler.

Statistical tests and their false-failure rate
----------------------------------------------
Every statistical test uses a fixed seed and rejects at significance α = 1e-3: the sample is
compared with the *exact* distribution of the sampler (Kolmogorov–Smirnov against the analytic
CDF; Pearson chi-square of component counts against softmax).  With fixed seeds the outcome is
deterministic; α is the chance that a correct implementation fails with a new seed.

The samplers draw uniforms from U(ε, 1 - ε), ε = 1e-5.  For the inversion this truncates the
logistic to μ ± s·log((1-ε)/ε); the KS references below use that truncated CDF,
(σ(z) - ε)/(1 - 2ε) clipped to [0, 1], so they are exact.  For the Gumbel noise the effect on
component probabilities has no simple closed form, but U(ε, 1-ε)^K is within total variation
2Kε of U(0, 1)^K, so each selection probability (and the mixture CDF) is off by at most
2Kε = 6e-5 for K = 3.  At n = 200 000 the KS critical value is 1.95/√n = 4.4e-3, so this shifts
the effective false-failure rate of the mixture KS tests from 1e-3 to at most 1.3e-3
(2·exp(-2(λ - √n·δ)²) with λ = 1.95, √n·δ = 0.027); for the chi-square tests (noncentrality
n·Σδ²/p < 1e-3) the change is negligible.

Power: n = 200 000 is chosen so that the same checks reject plausible bugs — a scale off by 5 %
(max CDF difference ≈ 0.011, i.e. 4.9/√n), weights off by 0.02, and a missing minus sign in the
Gumbel noise.  The tests named ``test_power_*`` run exactly those perturbed samplers through the
same check and require p < α.

Measured p-values (seeds as in the file) are printed with ``pytest -s``.
"""

import inspect
import math

import numpy as np
import pytest
import scipy.stats as st
import torch
from scipy.special import expit
from scipy.special import softmax as np_softmax

from molviz.sampling import (
    gumbel_bounds,
    gumbel_max,
    gumbel_noise,
    inverse_cdf_choice,
    sample_logistic,
    sample_mol,
    truncation_bound,
)

ALPHA = 1e-3
N = 200_000
EPS = 1e-5

# A three-component mixture on the audio range with clearly separated components.
LOGITS = [0.5, -0.3, 0.1]
MEANS = [-0.5, 0.2, 0.6]
LOG_SCALES = [-2.5, -1.5, -3.0]


def gen(seed):
    return torch.Generator().manual_seed(seed)


def trunc_logistic_cdf(x, mu, s, eps=EPS):
    """Exact CDF of μ + s·logit(U), U ~ U(ε, 1 - ε)."""
    return np.clip((expit((x - mu) / s) - eps) / (1 - 2 * eps), 0.0, 1.0)


def trunc_mixture_cdf(x, pi, mu, s, eps=EPS):
    x = np.asarray(x, dtype=float)[..., None]
    return np.sum(np.asarray(pi) * trunc_logistic_cdf(x, np.asarray(mu), np.asarray(s), eps), -1)


def ks_p(sample, cdf):
    p = st.kstest(np.asarray(sample, dtype=np.float64).ravel(), cdf).pvalue
    return float(p)


def chi2_p(k, probs):
    counts = np.bincount(np.asarray(k).ravel(), minlength=len(probs))
    return float(st.chisquare(counts, np.asarray(probs) * counts.sum()).pvalue)


def mol_inputs(n=N, logits=LOGITS, dtype=torch.float32):
    """(n, K) tensors of the fixed mixture, as a vocoder would output per time step."""
    lp = torch.tensor(logits, dtype=dtype).expand(n, -1)
    m = torch.tensor(MEANS, dtype=dtype).expand(n, -1)
    ls = torch.tensor(LOG_SCALES, dtype=dtype).expand(n, -1)
    return lp, m, ls


PI = np_softmax(np.array(LOGITS))
MU = np.array(MEANS)
S = np.exp(LOG_SCALES)


# ----------------------------------------------------------------- helpers


def test_truncation_bound_and_gumbel_bounds_values():
    assert truncation_bound() == pytest.approx(math.log(0.99999 / 0.00001), rel=1e-14)
    assert truncation_bound() == pytest.approx(11.512915464920228, rel=1e-15)  # log(99999)
    lo, hi = gumbel_bounds()
    assert lo == pytest.approx(-math.log(math.log(1e5)), rel=1e-14)  # -log(-log ε)
    assert hi == pytest.approx(-math.log(-math.log(1 - 1e-5)), rel=1e-9)
    assert round(lo, 4) == -2.4435 and round(hi, 4) == 11.5129
    assert truncation_bound(0.25) == pytest.approx(math.log(3.0), rel=1e-15)


def test_gumbel_noise_within_bounds_and_dtype():
    for dtype in (torch.float32, torch.float64):
        g = gumbel_noise((100_000,), generator=gen(0), dtype=dtype)
        assert g.dtype == dtype and g.shape == (100_000,)
        lo, hi = gumbel_bounds(EPS)
        # float32 rounding of u (ulp 6e-8 near 1) moves the upper end by up to ~1e-2
        slack = 1e-2 if dtype == torch.float32 else 1e-9
        assert float(g.min()) >= lo - slack and float(g.max()) <= hi + slack
    wide = gumbel_noise((1000,), eps=0.4, generator=gen(1), dtype=torch.float64)
    lo, hi = gumbel_bounds(0.4)
    assert float(wide.min()) >= lo and float(wide.max()) <= hi


def test_gumbel_noise_is_standard_gumbel():
    """KS against the Gumbel CDF exp(-exp(-g)), truncated to the ε-clip: P(G <= g) =
    (exp(-exp(-g)) - ε)/(1 - 2ε)."""
    g = gumbel_noise((N,), generator=gen(2), dtype=torch.float64).numpy()

    def cdf(t):
        return np.clip((np.exp(-np.exp(-t)) - EPS) / (1 - 2 * EPS), 0, 1)

    p = ks_p(g, cdf)
    print(f"gumbel_noise KS p = {p:.4f}")
    assert p > ALPHA


def test_gumbel_noise_sign_matters():
    """Power: the reflected noise +log(-log u) (a missing minus sign) fails the same check."""
    g = -gumbel_noise((N,), generator=gen(2), dtype=torch.float64).numpy()

    def cdf(t):
        return np.clip((np.exp(-np.exp(-t)) - EPS) / (1 - 2 * EPS), 0, 1)

    assert ks_p(g, cdf) < ALPHA


# ----------------------------------------------------------------- Gumbel-max


def test_gumbel_max_frequencies_match_softmax():
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0]).expand(N, -1)
    k = gumbel_max(logits, generator=gen(3))
    assert k.dtype == torch.long and k.shape == (N,)
    p = chi2_p(k, np_softmax(logits[0].numpy().astype(float)))
    print(f"gumbel_max chi-square p = {p:.4f}")
    assert p > ALPHA


def test_gumbel_max_temperature():
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0], dtype=torch.float64).expand(N, -1)
    for tau in (0.5, 2.0):
        k = gumbel_max(logits, generator=gen(4), temperature=tau)
        p = chi2_p(k, np_softmax(logits[0].numpy() / tau))
        print(f"gumbel_max(τ={tau}) chi-square p = {p:.4f}")
        assert p > ALPHA
        # power: the temperature must matter (τ = 0.5 and 2 are far from softmax(a))
        assert chi2_p(k, np_softmax(logits[0].numpy())) < ALPHA


def test_power_gumbel_max_weights_off_by_002():
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0]).expand(N, -1)
    k = gumbel_max(logits, generator=gen(3))
    probs = np_softmax(logits[0].numpy().astype(float))
    wrong = probs + np.array([0.02, -0.02, 0.0, 0.0, 0.0])
    p = chi2_p(k, wrong)
    print(f"power: gumbel_max vs weights off by 0.02, chi-square p = {p:.3g}")
    assert p < ALPHA


def test_power_gumbel_max_missing_minus_sign():
    """argmax(a + log(-log u)) (the sign bug) draws from a different categorical."""
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0]).expand(N, -1)
    u = torch.empty(logits.shape).uniform_(EPS, 1 - EPS, generator=gen(3))
    k_bug = (logits + torch.log(-torch.log(u))).max(dim=-1).indices
    p = chi2_p(k_bug, np_softmax(logits[0].numpy().astype(float)))
    print(f"power: Gumbel-max with the minus sign missing, chi-square p = {p:.3g}")
    assert p < ALPHA


def test_gumbel_max_handles_extreme_logits():
    logits = torch.tensor([[-3000.0, 0.0, 2500.0], [0.0, -math.inf, -1.0], [5.0, 5.0, 5.0]])
    k = gumbel_max(logits.repeat(200, 1), generator=gen(5)).view(200, 3)
    assert torch.all(k[:, 0] == 2)  # a gap of 2500 is never bridged by noise <= 14
    assert torch.all(k[:, 1] != 1)  # -inf is never chosen


# ----------------------------------------------------------------- inverse-CDF choice


def test_inverse_cdf_choice_frequencies_match_softmax():
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0]).expand(N, -1)
    k = inverse_cdf_choice(logits, generator=gen(6))
    assert k.dtype == torch.long and k.shape == (N,)
    p = chi2_p(k, np_softmax(logits[0].numpy().astype(float)))
    print(f"inverse_cdf_choice chi-square p = {p:.4f}")
    assert p > ALPHA


def test_power_inverse_cdf_choice_weights_off_by_002():
    logits = torch.tensor([1.0, 0.0, -0.5, 0.3, -2.0]).expand(N, -1)
    k = inverse_cdf_choice(logits, generator=gen(6))
    wrong = np_softmax(logits[0].numpy().astype(float)) + np.array([0.0, 0.02, -0.02, 0.0, 0.0])
    assert chi2_p(k, wrong) < ALPHA


def test_inverse_cdf_choice_equals_a_direct_search_on_the_same_uniforms():
    """One uniform per row (in the logits' dtype), first k with cumulative weight / total > u."""
    rng = np.random.default_rng(0)
    logits = torch.tensor(rng.normal(0, 2, size=(2, 500, 6)), dtype=torch.float32)
    logits[0, :, 3] = -math.inf
    k = inverse_cdf_choice(logits, generator=gen(7))
    assert k.shape == (2, 500) and not bool((k[0] == 3).any())
    u = torch.rand((2, 500, 1), generator=gen(7), dtype=torch.float32).numpy()[..., 0]
    w = np_softmax(logits.numpy().astype(np.float64), axis=-1)
    cum = np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)
    # (float32 rounding of the cumulative weights could flip a draw within ~1e-7 of a
    # boundary; with 1000 draws the chance is ~1e-4, and the seed is fixed)
    expected = (cum <= u[..., None]).sum(axis=-1)  # number of cumulative values <= u
    np.testing.assert_array_equal(k.numpy(), expected)


def test_inverse_cdf_choice_edge_cases():
    # K = 1, a dominant component, zero-weight components at either end
    assert torch.equal(inverse_cdf_choice(torch.zeros(7, 1)), torch.zeros(7, dtype=torch.long))
    big = torch.tensor([[-3000.0, 0.0, 2500.0]]).expand(1000, -1)
    assert torch.all(inverse_cdf_choice(big, generator=gen(8)) == 2)
    edges = torch.tensor([[-math.inf, 0.0, 0.0, -math.inf]]).expand(20_000, -1)
    k = inverse_cdf_choice(edges, generator=gen(9))
    assert set(k.tolist()) == {1, 2}
    # same law as Gumbel-max, different stream: with one seed the two rarely agree more than
    # independent draws would (Σπ² = 1/2 here)
    k_gm = gumbel_max(edges, eps=1e-5, generator=gen(9))
    assert abs(float((k == k_gm).double().mean()) - 0.5) < 0.02
    assert inverse_cdf_choice(torch.zeros(0, 3)).shape == (0,)


# ----------------------------------------------------------------- inversion


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sample_logistic_ks(dtype):
    mu, log_s = torch.tensor(0.3, dtype=dtype), torch.tensor(-0.7, dtype=dtype)
    x = sample_logistic(mu.expand(N), log_s, generator=gen(6))
    assert x.dtype == dtype and x.shape == (N,)
    p = ks_p(x, lambda t: trunc_logistic_cdf(t, 0.3, math.exp(-0.7)))
    print(f"sample_logistic[{dtype}] KS p = {p:.4f}")
    assert p > ALPHA


def test_power_sample_logistic_scale_off_by_5pct():
    x = sample_logistic(torch.zeros(N), torch.full((N,), math.log(1.05)), generator=gen(6))
    p = ks_p(x, lambda t: trunc_logistic_cdf(t, 0.0, 1.0))
    print(f"power: sample_logistic with scale × 1.05, KS p = {p:.3g}")
    assert p < ALPHA


def test_sample_logistic_truncation_is_modelled():
    """With a large ε = 0.1 the clip is visible: the truncated CDF fits, the full one does not."""
    x = sample_logistic(torch.zeros(N, dtype=torch.float64), torch.zeros(1), 0.1, gen(7))
    bound = truncation_bound(0.1)
    assert float(x.abs().max()) <= bound * (1 + 1e-12)
    p = ks_p(x, lambda t: trunc_logistic_cdf(t, 0.0, 1.0, 0.1))
    print(f"sample_logistic(eps=0.1) KS p = {p:.4f}")
    assert p > ALPHA
    assert ks_p(x, lambda t: expit(t)) < ALPHA


def test_sample_logistic_within_truncation_bound_and_grad():
    mu = torch.linspace(-3, 3, 7, dtype=torch.float64).requires_grad_()
    log_s = torch.linspace(-20, 3, 7, dtype=torch.float64).requires_grad_()
    x = sample_logistic(mu[:, None].expand(7, 5000), log_s[:, None], generator=gen(8))
    assert x.shape == (7, 5000) and torch.isfinite(x).all()
    z = ((x - mu[:, None]) / log_s.exp()[:, None]).detach()
    assert float(z.abs().max()) <= truncation_bound() * (1 + 1e-9)
    x.sum().backward()
    torch.testing.assert_close(mu.grad, torch.full((7,), 5000.0, dtype=torch.float64))
    # d x / d log s = s · logit(u) = x - μ
    torch.testing.assert_close(log_s.grad, (x - mu[:, None]).sum(1).detach())


# ----------------------------------------------------------------- mixture sampler


def test_sample_mol_ks_and_component_frequencies():
    x, k = sample_mol(*mol_inputs(), generator=gen(9), return_index=True)
    assert x.shape == (N,) and k.shape == (N,) and x.dtype == torch.float32
    p_ks = ks_p(x, lambda t: trunc_mixture_cdf(t, PI, MU, S))
    p_chi = chi2_p(k, PI)
    print(f"sample_mol KS p = {p_ks:.4f}, component chi-square p = {p_chi:.4f}")
    assert p_ks > ALPHA and p_chi > ALPHA
    # each draw lies within the truncation of its own component
    z = (x.double().numpy() - MU[k]) / S[k]
    assert np.abs(z).max() <= truncation_bound() + 1e-2  # float32 rounding of u near 1


def test_sample_mol_temperature():
    """τ divides the logits and multiplies the scales."""
    tau = 0.7
    x, k = sample_mol(*mol_inputs(), generator=gen(10), temperature=tau, return_index=True)
    pi_t = np_softmax(np.array(LOGITS) / tau)
    p_ks = ks_p(x, lambda t: trunc_mixture_cdf(t, pi_t, MU, S * tau))
    p_chi = chi2_p(k, pi_t)
    print(f"sample_mol(τ=0.7) KS p = {p_ks:.4f}, chi-square p = {p_chi:.4f}")
    assert p_ks > ALPHA and p_chi > ALPHA
    # power: ignoring τ in the scales is detected
    assert ks_p(x, lambda t: trunc_mixture_cdf(t, pi_t, MU, S)) < ALPHA


def test_sample_mol_low_temperature_tends_to_the_top_mean():
    lp, m, ls = mol_inputs(1000)
    x, k = sample_mol(lp, m, ls, generator=gen(11), temperature=1e-3, return_index=True)
    assert torch.all(k == 0)  # logit gap 0.4/τ = 400 beats any Gumbel difference (< 14)
    assert float((x - MEANS[0]).abs().max()) <= 1e-3 * S[0] * 11.52


def test_power_sample_mol_weights_off_by_002():
    wrong_logits = np.log(PI + np.array([0.02, -0.02, 0.0])).tolist()
    x = sample_mol(*mol_inputs(logits=wrong_logits), generator=gen(9))
    p = ks_p(x, lambda t: trunc_mixture_cdf(t, PI, MU, S))
    print(f"power: sample_mol with weights off by 0.02, KS p = {p:.3g}")
    assert p < ALPHA


def test_power_sample_mol_scale_off_by_5pct():
    lp, m, ls = mol_inputs()
    x = sample_mol(lp, m, ls + math.log(1.05), generator=gen(9))
    p = ks_p(x, lambda t: trunc_mixture_cdf(t, PI, MU, S))
    print(f"power: sample_mol with scales × 1.05, KS p = {p:.3g}")
    assert p < ALPHA


def test_power_sample_mol_missing_minus_sign_in_gumbel():
    lp, m, ls = mol_inputs()
    g = gen(9)
    u = torch.empty(lp.shape).uniform_(EPS, 1 - EPS, generator=g)
    k = (lp + torch.log(-torch.log(u))).max(dim=-1).indices  # the bug
    mu, s = m.gather(-1, k[:, None])[:, 0], ls.gather(-1, k[:, None])[:, 0].exp()
    v = torch.empty(mu.shape).uniform_(EPS, 1 - EPS, generator=g)
    x = mu + s * torch.logit(v)
    p = ks_p(x, lambda t: trunc_mixture_cdf(t, PI, MU, S))
    print(f"power: sample_mol with the Gumbel minus sign missing, KS p = {p:.3g}")
    assert p < ALPHA


def _vocoder_reference(y, log_scale_min=-7.0):
    """The vocoder's sampler, written here from its description (issue 2): (B, 3K, T) input,
    Gumbel uniforms on (B, T, K), argmax of a - log(-log u), then uniforms on (B, T)."""
    nr_mix = y.size(1) // 3
    y = y.transpose(1, 2)  # (B, T, 3K)
    logit_probs = y[:, :, :nr_mix]
    temp = torch.empty(logit_probs.shape, dtype=y.dtype).uniform_(1e-5, 1.0 - 1e-5)
    argmax = (logit_probs - torch.log(-torch.log(temp))).max(dim=-1)[1]  # (B, T)
    one_hot = torch.nn.functional.one_hot(argmax, nr_mix).to(y.dtype)
    means = torch.sum(y[:, :, nr_mix : 2 * nr_mix] * one_hot, dim=-1)
    log_scales = torch.sum(y[:, :, 2 * nr_mix : 3 * nr_mix] * one_hot, dim=-1)
    u = torch.empty(means.shape, dtype=y.dtype).uniform_(1e-5, 1.0 - 1e-5)
    x = means + torch.exp(log_scales) * (torch.log(u) - torch.log(1.0 - u))
    return x, argmax


@pytest.mark.parametrize("K", [1, 3, 10])
def test_sample_mol_draws_in_the_vocoder_order(K):
    """Same seed → same components as the vocoder, values equal to float32 rounding of the
    logit, and the global random stream left in the same state."""
    torch.manual_seed(123)
    B, T = 2, 257
    y = torch.randn(B, 3 * K, T) * 2
    yt = y.transpose(1, 2)
    lp, m, ls = yt[..., :K], yt[..., K : 2 * K], yt[..., 2 * K :]

    torch.manual_seed(7)
    x_ref, k_ref = _vocoder_reference(y)
    after_ref = torch.rand(5)

    torch.manual_seed(7)
    x, k = sample_mol(lp, m, ls, return_index=True)
    after = torch.rand(5)

    assert x.shape == (B, T) and k.shape == (B, T)
    assert torch.equal(k, k_ref)
    assert torch.equal(after, after_ref)
    # log(u) - log(1-u) vs logit(u) in float32: |Δ| <= a few ulp of |log u| + |log(1-u)| <= 23
    s = ls.gather(-1, k[..., None])[..., 0].exp()
    assert float(((x - x_ref).abs() / s).max()) < 1e-5

    # an explicit generator seeded alike gives the identical result
    x2, k2 = sample_mol(lp, m, ls, generator=gen(7), return_index=True)
    assert torch.equal(x2, x) and torch.equal(k2, k)


def test_sample_mol_extreme_but_valid_inputs_stay_finite():
    g = gen(12)
    B, T, K = 4, 300, 10
    logits = torch.randn(B, T, K, generator=g, dtype=torch.float64) * 3000
    means = torch.randn(B, T, K, generator=g, dtype=torch.float64) * 5
    log_scales = torch.empty(B, T, K, dtype=torch.float64).uniform_(-20, 3, generator=g)
    x, k = sample_mol(logits, means, log_scales, generator=g, return_index=True)
    assert x.dtype == torch.float64 and torch.isfinite(x).all()
    assert torch.equal(k, logits.argmax(-1))  # spread in the thousands: the top one always wins
    for dtype in (torch.float32,):
        x32 = sample_mol(logits.to(dtype), means.to(dtype), log_scales.to(dtype), generator=g)
        assert torch.isfinite(x32).all()


def test_sample_mol_broadcasts_and_differentiates():
    logits = torch.tensor([0.0, 0.0])  # (K,) shared weights
    means = torch.tensor([[-1.0, 1.0]]).repeat(6, 1).requires_grad_()  # (6, K)
    log_scales = torch.full((6, 2), -3.0, requires_grad=True)
    x, k = sample_mol(logits, means, log_scales, generator=gen(13), return_index=True)
    assert x.shape == (6,)
    x.sum().backward()
    onehot = torch.nn.functional.one_hot(k, 2).float()
    torch.testing.assert_close(means.grad, onehot)
    z = (x - means.detach().gather(-1, k[:, None])[:, 0]).detach()
    torch.testing.assert_close(log_scales.grad, onehot * z[:, None])


# ----------------------------------------------------------------- signature and overflow limits


def test_sample_mol_signature_matches_the_issue():
    # sample_mol(logit_probs, means, log_scales, generator=None, *, eps, temperature, ...)
    params = inspect.signature(sample_mol).parameters
    assert list(params)[:4] == ["logit_probs", "means", "log_scales", "generator"]
    assert params["generator"].default is None
    for name in ("eps", "temperature", "return_index"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
    lp, m, ls = mol_inputs(n=1000)
    x_pos, k_pos = sample_mol(lp, m, ls, gen(21), return_index=True)
    x_kw, k_kw = sample_mol(lp, m, ls, generator=gen(21), return_index=True)
    assert torch.equal(x_pos, x_kw) and torch.equal(k_pos, k_kw)
    with pytest.raises(TypeError):
        sample_mol(lp, m, ls, gen(21), 1e-5)  # eps is keyword-only


def documented_log_scale_limit(dtype, eps=EPS, tau=1.0):
    """log(M / (2 log(2/ε))) - log τ, the limit stated in the docstrings (M = finfo.max)."""
    return math.log(torch.finfo(dtype).max) - math.log(2 * math.log(2 / eps)) - math.log(tau)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_huge_log_scales_raise_instead_of_returning_inf(dtype):
    limit = documented_log_scale_limit(dtype)
    huge = {torch.float32: 100.0, torch.float64: 800.0}[dtype]
    msg = rf"log_s \(log-scales log s\) must be <= {limit:.6g}.*{dtype}.*got max\(log_s\) = {huge}"
    with pytest.raises(ValueError, match=msg):
        sample_logistic(torch.zeros(4, dtype=dtype), torch.full((4,), huge, dtype=dtype))
    lp, m, ls = (torch.zeros(4, 3, dtype=dtype) for _ in range(3))
    ls[2, 1] = huge  # one bad component is enough, even if it is rarely chosen
    with pytest.raises(ValueError, match=rf"log_scales .* must be <= {limit:.6g}.*{dtype}"):
        sample_mol(lp, m, ls)
    # τ multiplies the scale, so the usable log-scales shrink by log τ
    ls[2, 1] = limit - 0.5
    assert torch.isfinite(sample_mol(lp, m, ls, generator=gen(1))).all()
    lim_tau = documented_log_scale_limit(dtype, tau=2.0)
    with pytest.raises(ValueError, match=rf"must be <= {lim_tau:.6g}.*temperature = 2"):
        sample_mol(lp, m, ls, temperature=2.0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_scales_just_below_the_limit_stay_finite(dtype):
    # Largest log-scale and |μ| the samplers accept, with the most extreme u of the dtype.
    limit = documented_log_scale_limit(dtype)
    big = torch.finfo(dtype).max
    log_s = torch.tensor(limit, dtype=dtype)
    log_s = torch.nextafter(log_s, torch.tensor(-math.inf, dtype=dtype))  # <= limit in dtype
    mu = torch.tensor([big / 2, -big / 2], dtype=dtype)
    x = sample_logistic(mu.repeat(50_000), log_s.expand(100_000), generator=gen(2))
    assert torch.isfinite(x).all()
    # worst case by hand: u at the ends of [ε, 1 - ε] as the dtype rounds them
    u = torch.tensor([EPS, 1 - EPS], dtype=dtype)
    worst = mu + torch.exp(log_s) * (torch.log(u) - torch.log1p(-u))
    assert torch.isfinite(worst).all()
    # a mean beyond half the dtype's range is refused, naming it
    with pytest.raises(ValueError, match=rf"mu \(locations μ\) must satisfy \|mu\| <= .*{dtype}"):
        sample_logistic(torch.tensor([0.0, big], dtype=dtype), torch.zeros(2, dtype=dtype))
    with pytest.raises(ValueError, match=r"means \(locations μ\) must satisfy \|means\|"):
        sample_mol(
            torch.zeros(3, dtype=dtype),
            torch.full((3,), -big, dtype=dtype),
            torch.zeros(3, dtype=dtype),
        )
