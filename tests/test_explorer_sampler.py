"""The in-browser sampler (molviz/explorer.js under Node) is molviz's two-stage sampler.

* The PRNG is xoshiro128** seeded by splitmix64: known-answer tests for both, and the JavaScript
  stream equals an independent Python transcription bit for bit (so it is reproducible by seed).
* The sampler is exactly the stated algorithm (Gumbel-max choice with u ~ U(ε, 1 - ε), then
  x = μ + s (log u - log(1 - u))): compared draw by draw with a Python transcription.
* Statistically: samples pass a KS test against molviz.mixture.mixture_cdf and component labels a
  chi-square test against molviz.mixture.softmax, each at α = 0.001 with fixed seeds. Every
  statistical assertion has a false-failure rate of 0.1% for a correct sampler (about 1% for the
  whole file); with the seeds fixed the outcome is deterministic.
* Power: deliberately broken copies of explorer.js (scale × 1.1; Gumbel noise of the wrong sign)
  are rejected by the same tests at the same sizes in (nearly) every one of 10 seeds.

At n = 100,000 the 1e-5 clip changes the mixture CDF by at most 1e-5, 0.2% of the KS critical
distance 1.95/√n ≈ 0.0062, so it does not matter there; with ε = 0.05 it does, and the samples
then follow the truncated CDF and fail against the untruncated one.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from molviz import logistic as L
from molviz import mixture as M
from molviz import sampling as S

_spec = importlib.util.spec_from_file_location(
    "explorer_bridge", Path(__file__).parent / "js" / "bridge.py"
)
bridge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bridge)

ALPHA = 1e-3
N_KS = 100_000
N_CHI = 100_000

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


# --- independent Python transcription of the generator ------------------------------------------


def splitmix64(seed):
    """splitmix64 (Steele, Lea and Flood 2014): the generator Vigna recommends for seeding."""
    z = seed & M64
    while True:
        z = (z + 0x9E3779B97F4A7C15) & M64
        r = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        r = ((r ^ (r >> 27)) * 0x94D049BB133111EB) & M64
        yield r ^ (r >> 31)


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128ss:
    """xoshiro128** 1.1 (Blackman and Vigna), transcribed from the reference C code."""

    def __init__(self, state):
        self.s = [w & M32 for w in state]

    @classmethod
    def from_seed(cls, seed):
        g = splitmix64(seed)
        a, b = next(g), next(g)
        return cls([a & M32, a >> 32, b & M32, b >> 32])

    def next_uint32(self):
        s = self.s
        result = (rotl32((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl32(s[3], 11)
        return result

    def next_double(self):
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) / 9007199254740992.0


def reference_sample_mixture(seed, logits, mu, s, n, eps=1e-5):
    """Two-stage sampler, one draw at a time: K uniforms for Gumbel-max, then one for inversion."""
    rng = Xoshiro128ss.from_seed(seed)
    xs, ks = [], []
    for _ in range(n):
        scores = [a - math.log(-math.log(eps + (1 - 2 * eps) * rng.next_double())) for a in logits]
        k = max(range(len(logits)), key=lambda j: (scores[j], -j))  # first maximum
        u = eps + (1 - 2 * eps) * rng.next_double()
        xs.append(mu[k] + s[k] * (math.log(u) - math.log1p(-u)))
        ks.append(k)
    return np.array(xs), np.array(ks)


# --- the generator ------------------------------------------------------------------------------


def test_python_splitmix64_known_answer():
    """The transcription gives splitmix64's well-known first outputs from seed 0."""
    g = splitmix64(0)
    assert [next(g) for _ in range(3)] == [
        0xE220A8397B1DCDAF,
        0x6E789E6AA1B965F4,
        0x06C45D188009454F,
    ]


def test_xoshiro128ss_known_answer():
    """From state {1, 2, 3, 4}: the reference values of xoshiro128starstar.c (v1.1)."""
    expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]
    expected += [3729100597, 4258142804]
    (js,) = bridge.node_calls([{"op": "uint32_state", "state": [1, 2, 3, 4], "count": 10}])
    assert js == expected
    py = Xoshiro128ss([1, 2, 3, 4])
    assert [py.next_uint32() for _ in range(10)] == expected


SEEDS = [0, 1, 42, 2**32 + 5, 2**53 - 1]


def test_js_generator_equals_reference_bit_for_bit():
    calls = [{"op": "uint32", "seed": sd, "count": 1000} for sd in SEEDS]
    calls += [{"op": "double", "seed": sd, "count": 1000} for sd in SEEDS]
    out = bridge.node_calls(calls)
    for i, sd in enumerate(SEEDS):
        py = Xoshiro128ss.from_seed(sd)
        assert out[i] == [py.next_uint32() for _ in range(1000)], f"uint32 stream, seed {sd}"
        py = Xoshiro128ss.from_seed(sd)
        assert out[len(SEEDS) + i] == [py.next_double() for _ in range(1000)], f"doubles, {sd}"


def test_generator_reproducible_by_seed_and_seed_dependent():
    a, b, c = bridge.node_calls(
        [
            {"op": "double", "seed": 7, "count": 50},
            {"op": "double", "seed": 7, "count": 50},
            {"op": "double", "seed": 8, "count": 50},
        ]
    )
    assert a == b
    assert sum(x == y for x, y in zip(a, c, strict=True)) == 0


def test_uniform_doubles_are_uniform():
    (u,) = bridge.node_calls([{"op": "double", "seed": 2024, "count": 200_000}])
    u = np.asarray(u)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > ALPHA
    # 53-bit resolution: u * 2^53 is an integer
    assert np.all(np.mod(u * 2.0**53, 1.0) == 0)


def test_mutated_generator_is_caught():
    """A one-character change in the generator (rotation 7 -> 8) breaks the bit-exact match."""
    mut = [
        (
            "const result = Math.imul((t << 7) | (t >>> 25), 9);",
            "const result = Math.imul((t << 8) | (t >>> 24), 9);",
        )
    ]
    (js,) = bridge.node_calls([{"op": "uint32", "seed": 0, "count": 100}], mutations=mut)
    py = Xoshiro128ss.from_seed(0)
    assert js != [py.next_uint32() for _ in range(100)]


# --- the sampler is the stated algorithm ---------------------------------------------------------

PARAMS = {
    "three": ([0.0, 0.5, -0.3], [-2.0, 0.5, 2.5], [0.5, 0.3, 0.8]),
    "five": ([1.0, -1.0, 0.0, 2.0, -3.0], [-4.0, -1.0, 0.0, 3.0, 6.0], [0.4, 1.5, 0.2, 0.7, 1.0]),
}


@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_sampler_equals_reference_draw_by_draw(eps):
    logits, mu, s = PARAMS["three"]
    (js,) = bridge.node_calls(
        [
            {
                "op": "sampleMixture",
                "seed": 3,
                "logits": logits,
                "mu": mu,
                "s": s,
                "n": 3000,
                "eps": eps,
            }
        ]
    )
    x_ref, k_ref = reference_sample_mixture(3, logits, mu, s, 3000, eps)
    np.testing.assert_array_equal(js["k"], k_ref)
    np.testing.assert_allclose(js["x"], x_ref, rtol=1e-12, atol=0)


def test_components_and_logistic_samplers_equal_reference():
    logits = [0.3, -1.0, 2.0, 0.0]
    comp, logi = bridge.node_calls(
        [
            {"op": "sampleComponents", "seed": 11, "logits": logits, "n": 2000},
            {"op": "sampleLogistic", "seed": 12, "mu": 0.5, "s": 2.0, "n": 2000, "eps": 1e-3},
        ]
    )
    rng = Xoshiro128ss.from_seed(11)
    ref = []
    for _ in range(2000):
        g = [a - math.log(-math.log(1e-5 + (1 - 2e-5) * rng.next_double())) for a in logits]
        ref.append(int(np.argmax(g)))
    assert comp == ref
    rng = Xoshiro128ss.from_seed(12)
    u = np.array([1e-3 + (1 - 2e-3) * rng.next_double() for _ in range(2000)])
    np.testing.assert_array_equal(logi["u"], u)
    np.testing.assert_allclose(logi["x"], 0.5 + 2.0 * (np.log(u) - np.log1p(-u)), rtol=1e-12)


def test_samples_reproducible_and_prefix_stable():
    logits, mu, s = PARAMS["five"]
    a, b, c = bridge.node_calls(
        [
            {"op": "sampleMixture", "seed": 5, "logits": logits, "mu": mu, "s": s, "n": 1000},
            {"op": "sampleMixture", "seed": 5, "logits": logits, "mu": mu, "s": s, "n": 5000},
            {"op": "sampleMixture", "seed": 6, "logits": logits, "mu": mu, "s": s, "n": 1000},
        ]
    )
    assert a["x"] == b["x"][:1000] and a["k"] == b["k"][:1000]
    assert sum(x == y for x, y in zip(a["x"], c["x"], strict=True)) == 0


def test_explorers_cached_draws_equal_the_sampler():
    """The explorers keep their draws between redraws (molviz._Bank): extended when n grows,
    restarted when the seed, K or ε changes. What they show equals sampleMixture / sampleLogistic
    from scratch, bit for bit, and equals the Python transcription of the algorithm."""
    logits, mu, s = PARAMS["three"]
    eps = 1e-5
    grow = [[7, 3, 500, eps, True], [7, 3, 1700, eps, True], [7, 3, 2500, eps, True]]
    detour = [[7, 3, 900, eps, True], [8, 3, 2500, eps, True], [7, 2, 100, eps, True]]
    detour += [[7, 3, 2500, eps, True]]
    calls = [
        {"op": "bank", "steps": grow, "logits": logits, "mu": mu, "s": s, "n": 2500},
        {"op": "bank", "steps": detour, "logits": logits, "mu": mu, "s": s, "n": 2500},
        # a capacity below n: the arrays grow and keep what was drawn
        {
            "op": "bank",
            "steps": grow,
            "logits": logits,
            "mu": mu,
            "s": s,
            "n": 2500,
            "capacity": 600,
        },
        {"op": "sampleMixture", "seed": 7, "logits": logits, "mu": mu, "s": s, "n": 2500},
        {
            "op": "bank",
            "steps": [[9, 0, 300, 1e-3, True], [9, 0, 800, 1e-3, True]],
            "mu": [0.5],
            "s": [2.0],
            "n": 800,
        },
        {"op": "sampleLogistic", "seed": 9, "mu": 0.5, "s": 2.0, "n": 800, "eps": 1e-3},
    ]
    grown, detoured, small, fresh, bank_logistic, logistic_fresh = bridge.node_calls(calls)
    assert grown == detoured == small == fresh
    x_ref, k_ref = reference_sample_mixture(7, logits, mu, s, 2500)
    np.testing.assert_array_equal(grown["k"], k_ref)
    np.testing.assert_allclose(grown["x"], x_ref, rtol=1e-12, atol=0)
    assert bank_logistic["x"] == logistic_fresh["x"]


def test_clip_bounds_every_sample():
    """|x - μ_k| <= s_k log((1 - ε)/ε) for the chosen k; with a large ε the bound is reached."""
    logits, mu, s = PARAMS["three"]
    out = bridge.node_calls(
        [
            {
                "op": "sampleMixture",
                "seed": 9,
                "logits": logits,
                "mu": mu,
                "s": s,
                "n": 50_000,
                "eps": eps,
            }
            for eps in (1e-5, 0.2)
        ]
    )
    for eps, r in zip((1e-5, 0.2), out, strict=True):
        k = np.asarray(r["k"])
        z = np.abs((np.asarray(r["x"]) - np.take(mu, k)) / np.take(s, k))
        bound = float(S.truncation_bound(eps))
        assert z.max() <= bound * (1 + 1e-12)
        if eps == 0.2:
            assert z.max() > 0.999 * bound  # P(all 50,000 below) = (1 - 1e-3 ...)^n, negligible


# --- statistics --------------------------------------------------------------------------------


def _ks_p(x, pi, mu, s):
    return stats.kstest(x, lambda t: M.mixture_cdf(t, pi, mu, s)).pvalue


@pytest.mark.parametrize("name", list(PARAMS))
def test_mixture_samples_pass_ks_against_molviz_cdf(name):
    logits, mu, s = PARAMS[name]
    (r,) = bridge.node_calls(
        [{"op": "sampleMixture", "seed": 20240, "logits": logits, "mu": mu, "s": s, "n": N_KS}]
    )
    pi = M.softmax(logits)
    p = _ks_p(np.asarray(r["x"]), pi, mu, s)
    print(f"KS {name}: n = {N_KS}, p = {p:.4f}")
    assert p > ALPHA


@pytest.mark.parametrize("name", list(PARAMS))
def test_within_component_samples_are_logistic(name):
    logits, mu, s = PARAMS[name]
    (r,) = bridge.node_calls(
        [{"op": "sampleMixture", "seed": 31, "logits": logits, "mu": mu, "s": s, "n": N_KS}]
    )
    x, k = np.asarray(r["x"]), np.asarray(r["k"])
    ps = [
        stats.kstest(x[k == j], L.logistic_cdf, args=(mu[j], s[j])).pvalue for j in range(len(mu))
    ]
    print(f"KS per component {name}: p = {np.round(ps, 4).tolist()}")
    # K tests at once: Bonferroni keeps the family's false-failure rate at ALPHA
    assert min(ps) > ALPHA / len(mu)


@pytest.mark.parametrize(
    "logits", [[0.0, 0.5, -0.3], [1.5, 0.5, 0.0, -1.0, -0.5], [4.0, 0.0, -2.0], [0.0, 0.0]]
)
def test_gumbel_max_frequencies_pass_chi_square_against_softmax(logits):
    (k,) = bridge.node_calls([{"op": "sampleComponents", "seed": 77, "logits": logits, "n": N_CHI}])
    counts = np.bincount(k, minlength=len(logits))
    p = stats.chisquare(counts, N_CHI * M.softmax(logits)).pvalue
    print(f"chi-square {logits}: counts = {counts.tolist()}, p = {p:.4f}")
    assert p > ALPHA


def test_mixture_component_labels_pass_chi_square():
    logits, mu, s = PARAMS["five"]
    (r,) = bridge.node_calls(
        [{"op": "sampleMixture", "seed": 78, "logits": logits, "mu": mu, "s": s, "n": N_CHI}]
    )
    counts = np.bincount(r["k"], minlength=len(logits))
    assert stats.chisquare(counts, N_CHI * M.softmax(logits)).pvalue > ALPHA


def clipped_gumbel_max_probs(logits, eps):
    """P(k) for argmax_k(a_k + g_k) with g = -log(-log u), u ~ U(ε, 1 - ε): by quadrature of
    P(k) = E_{g_k}[Π_{j≠k} G(a_k - a_j + g_k)], G the CDF of the clipped Gumbel noise."""
    from scipy import integrate

    a = np.asarray(logits, dtype=np.float64)

    def G(t):  # P(g <= t) for u ~ U(ε, 1 - ε)
        return np.clip((np.exp(-np.exp(-t)) - eps) / (1 - 2 * eps), 0.0, 1.0)

    probs = []
    for k in range(len(a)):
        others = np.delete(a, k)

        def integrand(u, k=k, others=others):
            g = -math.log(-math.log(u))
            return float(np.prod(G(a[k] - others + g))) / (1 - 2 * eps)

        probs.append(integrate.quad(integrand, eps, 1 - eps, epsabs=1e-13, epsrel=1e-12)[0])
    return np.array(probs)


def test_large_clip_follows_truncated_distribution():
    """With ε = 0.05 the clip matters: each component is truncated to |z| <= log(19) and the
    Gumbel noise to [-1.10, 2.97], which also moves the component probabilities away from the
    softmax. The samples follow F_ε(x) = Σ_k P_ε(k) clip((F_k(x) - ε)/(1 - 2ε), 0, 1) and are
    rejected against the untruncated mixture CDF (and their labels against the softmax)."""
    logits, mu, s = PARAMS["three"]
    eps = 0.05
    n = 20_000
    (r,) = bridge.node_calls(
        [{"op": "sampleMixture", "seed": 4, "logits": logits, "mu": mu, "s": s, "n": n, "eps": eps}]
    )
    x, k = np.asarray(r["x"]), np.asarray(r["k"])
    p_eps = clipped_gumbel_max_probs(logits, eps)
    assert abs(p_eps.sum() - 1) < 1e-9

    def truncated_cdf(t):
        comp = L.logistic_cdf(np.asarray(t)[..., None], mu, s)  # (n, K)
        return np.sum(p_eps * np.clip((comp - eps) / (1 - 2 * eps), 0.0, 1.0), axis=-1)  # (n,)

    counts = np.bincount(k, minlength=3)
    assert stats.chisquare(counts, n * p_eps).pvalue > ALPHA
    assert stats.kstest(x, truncated_cdf).pvalue > ALPHA
    pi = M.softmax(logits)
    assert _ks_p(x, pi, mu, s) < ALPHA
    assert stats.chisquare(counts, n * pi).pvalue < ALPHA


# --- power: broken copies of the sampler are rejected -------------------------------------------

# The explorers draw with the same three steps (fillNoise, chooseComponents, placeSamples), so
# these mutations break the explorers' samples too.
SCALE_BUG = [("xs[i] = mu[k] + s[k] * z[i];", "xs[i] = mu[k] + 1.1 * s[k] * z[i];")]
SIGN_BUG = [
    (
        "g[i * K + k] = -Math.log(-Math.log(eps + width * rng.nextDouble()));",
        "g[i * K + k] = +Math.log(-Math.log(eps + width * rng.nextDouble()));",
    )
]
POWER_SEEDS = range(1000, 1010)


def test_power_ks_rejects_scale_off_by_ten_percent():
    logits, mu, s = PARAMS["three"]
    pi = M.softmax(logits)
    calls = [
        {"op": "sampleMixture", "seed": sd, "logits": logits, "mu": mu, "s": s, "n": N_KS}
        for sd in POWER_SEEDS
    ]
    ps = [_ks_p(np.asarray(r["x"]), pi, mu, s) for r in bridge.node_calls(calls, SCALE_BUG)]
    rejected = sum(p < ALPHA for p in ps)
    print(f"power, s x 1.1: {rejected}/{len(ps)} rejected at alpha {ALPHA}; max p {max(ps):.2g}")
    assert rejected >= 9


def test_power_chi_square_rejects_wrong_gumbel_sign():
    logits, mu, s = PARAMS["three"]
    pi = M.softmax(logits)
    calls = [
        {"op": "sampleMixture", "seed": sd, "logits": logits, "mu": mu, "s": s, "n": N_CHI}
        for sd in POWER_SEEDS
    ]
    ps = [
        stats.chisquare(np.bincount(r["k"], minlength=3), N_CHI * pi).pvalue
        for r in bridge.node_calls(calls, SIGN_BUG)
    ]
    rejected = sum(p < ALPHA for p in ps)
    print(f"power, Gumbel sign: {rejected}/{len(ps)} rejected; max p = {max(ps):.2g}")
    assert rejected >= 9
