"""Tests of molviz.plotting (static figures and explorer figures), with the Agg backend.

Every figure function must run, return the artists it documents and label its axes; what it
draws is compared with an independent computation written here: curves with scipy.stats or
the closed-form formulas, histogram heights with ``numpy.histogram`` of the same samples,
samples with a direct call of molviz's sampler under the same seed (so the figures use
molviz's sampler, not a copy). Explorer figures must update their artists in place (the same
objects before and after) without creating figures, and a redraw that reuses the cached frame
(axes, ticks, labels) must give exactly the pixels of a figure drawn from scratch.

No test here is statistical: all comparisons are exact or to floating-point tolerance, so the
false-failure rate is 0. Timings are never asserted.
"""

import math
from itertools import pairwise

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.collections import QuadMesh
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from scipy import optimize, stats
from scipy.special import expit

from molviz import plotting as P
from molviz import sampling

pytestmark = pytest.mark.filterwarnings("error")

PI = np.array([0.5, 0.3, 0.2])
MU = np.array([-2.0, 0.5, 3.0])
S = np.array([0.6, 0.4, 1.0])
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def mixture_pdf_ref(x, pi, mu, s):
    """Independent mixture density: Σ_k π_k scipy.stats.logistic.pdf(x; μ_k, s_k)."""
    return sum(p * stats.logistic.pdf(x, m, sc) for p, m, sc in zip(pi, mu, s, strict=True))


def mixture_cdf_ref(x, pi, mu, s):
    return sum(p * expit((x - m) / sc) for p, m, sc in zip(pi, mu, s, strict=True))


def np_density(samples, edges, n=None):
    """np.histogram counts on ``edges`` divided by (n · bin width), n = all samples drawn."""
    counts, _ = np.histogram(samples, bins=edges)
    return counts / ((np.size(samples) if n is None else n) * np.diff(edges))


def drawn_heights(patch):
    """Bar heights of a (possibly stacked) StepPatch: values - baseline."""
    data = patch.get_data()
    base = 0.0 if data.baseline is None else data.baseline
    return np.asarray(data.values) - base


def labelled(ax):
    return bool(ax.get_xlabel()) and bool(ax.get_ylabel())


def direct_mixture_samples(pi, mu, s, n, seed, eps=1e-5):
    """Call molviz.sampling.sample_mol directly, as documented for sample_mixture."""
    K = len(pi)
    g = torch.Generator().manual_seed(seed)
    with np.errstate(divide="ignore"):
        logits = torch.tensor(np.log(pi), dtype=torch.float32).expand(n, K)
    means = torch.tensor(mu, dtype=torch.float32).expand(n, K)
    log_s = torch.tensor(np.log(s), dtype=torch.float32).expand(n, K)
    x, k = sampling.sample_mol(logits, means, log_s, eps=eps, generator=g, return_index=True)
    return x.double().numpy(), k.numpy()


# --------------------------------------------------------------------------------------
# style and histogram
# --------------------------------------------------------------------------------------


def test_use_book_style_sets_rcparams_and_tab10_cycle():
    with matplotlib.rc_context():
        assert P.use_book_style() is None
        assert matplotlib.rcParams["figure.dpi"] >= 100
        assert matplotlib.rcParams["font.size"] >= 10
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert cycle == list(P.COMPONENT_COLORS)
    tab10 = [matplotlib.colors.to_hex(c) for c in plt.get_cmap("tab10").colors]
    assert list(P.COMPONENT_COLORS) == tab10
    assert P.component_color(0) == tab10[0] and P.component_color(12) == tab10[2]
    with pytest.raises(ValueError, match="k must be an integer >= 0"):
        P.component_color(-1)


def test_histogram_matches_numpy_including_edge_values():
    rng = np.random.default_rng(0)
    # values on a 0.1 grid hit bin edges exactly; some fall outside the range
    x = np.concatenate([rng.normal(0, 2, 5000), np.round(rng.uniform(-4, 4, 3000), 1), [3.0]])
    for bins, rng_ in [(30, (-3.0, 3.0)), (7, (-1.3, 2.9)), (1, (0.0, 1.0))]:
        h, edges = P.histogram(x, bins, rng_, density=False)
        counts, e_np = np.histogram(x, bins=bins, range=rng_)
        np.testing.assert_array_equal(edges, e_np)
        np.testing.assert_array_equal(h, counts)
        d, _ = P.histogram(x, bins, rng_)
        np.testing.assert_allclose(d, counts / (x.size * (rng_[1] - rng_[0]) / bins), rtol=1e-14)


def test_histogram_groups_match_numpy_per_group_and_sum_to_total():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1.5, 20000)
    g = rng.integers(0, 4, x.size)
    h, _ = P.histogram(x, 40, (-4, 4), groups=g, num_groups=5, density=False)
    assert h.shape == (5, 40)
    for k in range(5):
        np.testing.assert_array_equal(h[k], np.histogram(x[g == k], bins=40, range=(-4, 4))[0])
    np.testing.assert_array_equal(h.sum(0), np.histogram(x, bins=40, range=(-4, 4))[0])


def test_histogram_bad_input():
    with pytest.raises(ValueError, match="bins must be an integer >= 1"):
        P.histogram([1.0, 2.0], 0)
    with pytest.raises(ValueError, match="lo < hi"):
        P.histogram([1.0, 2.0], 5, (1.0, 1.0))
    with pytest.raises(ValueError, match="finite"):
        P.histogram([1.0, np.nan], 5, (0, 2))
    with pytest.raises(ValueError, match="non-empty"):
        P.histogram([], 5, (0, 2))
    with pytest.raises(ValueError, match="groups must have the size of samples"):
        P.histogram([1.0, 2.0], 5, (0, 2), groups=[0])
    with pytest.raises(ValueError, match=r"groups must lie in \[0, num_groups=2\)"):
        P.histogram([1.0, 2.0], 5, (0, 2), groups=[0, 2], num_groups=2)


def test_sample_mixture_is_molviz_sampler_and_zero_weight_never_chosen():
    x, k = P.sample_mixture(PI, MU, S, 5000, seed=3)
    xr, kr = direct_mixture_samples(PI, MU, S, 5000, 3)
    np.testing.assert_array_equal(x, xr)
    np.testing.assert_array_equal(k, kr)
    _, k0 = P.sample_mixture([0.0, 0.5, 0.5], MU, S, 20000, seed=0)
    assert 0 not in set(k0.tolist()) and {1, 2} <= set(k0.tolist())
    with pytest.raises(ValueError, match="n must be an integer in"):
        P.sample_mixture(PI, MU, S, 0)
    with pytest.raises(TypeError, match="seed must be an int"):
        P.sample_mixture(PI, MU, S, 10, seed=1.5)


# --------------------------------------------------------------------------------------
# static figures
# --------------------------------------------------------------------------------------


def test_plot_histogram_stacked_heights_equal_numpy_per_group():
    rng = np.random.default_rng(2)
    x = rng.normal(size=4000)
    g = rng.integers(0, 3, x.size)
    out = P.plot_histogram(None, x, 25, (-3, 3), groups=g)
    assert len(out["hist"]) == 3 and all(isinstance(p, StepPatch) for p in out["hist"])
    for k, patch in enumerate(out["hist"]):
        np.testing.assert_allclose(
            drawn_heights(patch), np_density(x[g == k], out["edges"], x.size)
        )
    single = P.plot_histogram(None, x, 25, (-3, 3))
    np.testing.assert_allclose(drawn_heights(single["hist"][0]), np_density(x, single["edges"]))
    assert labelled(single["ax"])


@pytest.mark.parametrize("logy", [False, True])
def test_plot_logistic_pdf_curves_equal_scipy(logy):
    out = P.plot_logistic_pdf(mu=0.5, s=2.0, gaussian=True, logy=logy)
    x = out["x"]
    assert isinstance(out["pdf"], Line2D) and isinstance(out["gaussian"], Line2D)
    np.testing.assert_allclose(out["pdf"].get_ydata(), stats.logistic.pdf(x, 0.5, 2.0), rtol=1e-12)
    sigma = 2.0 * math.pi / math.sqrt(3.0)
    np.testing.assert_allclose(out["gaussian"].get_ydata(), stats.norm.pdf(x, 0.5, sigma))
    assert out["ax"].get_yscale() == ("log" if logy else "linear")
    assert labelled(out["ax"]) and out["ax"].get_title()
    assert out["ax"].get_legend() is not None


def test_plot_logistic_cdf_and_bad_scale():
    _, ax = plt.subplots()
    out = P.plot_logistic_cdf(ax, mu=-1.0, s=0.5, gaussian=True)
    assert out["ax"] is ax
    x = out["x"]
    np.testing.assert_allclose(out["cdf"].get_ydata(), expit((x + 1.0) / 0.5), rtol=1e-12)
    sigma = 0.5 * math.pi / math.sqrt(3.0)
    np.testing.assert_allclose(out["gaussian"].get_ydata(), stats.norm.cdf(x, -1.0, sigma))
    assert labelled(ax)
    with pytest.raises(ValueError, match=r"s .*must be finite and > 0"):
        P.plot_logistic_pdf(s=0.0)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        P.plot_logistic_pdf("not an axes")


def test_plot_sigmoid_logit_are_inverse_functions():
    out = P.plot_sigmoid_logit(zlim=5.0, z0=1.0)
    z, sig = out["sigmoid"].get_data()
    np.testing.assert_allclose(sig, 1.0 / (1.0 + np.exp(-z)), rtol=1e-12)
    q, lg = out["logit"].get_data()
    np.testing.assert_allclose(lg, np.log(q / (1.0 - q)), rtol=1e-10, atol=1e-12)
    assert all(labelled(a) for a in out["axes"])
    with pytest.raises(ValueError, match="zlim must be finite and > 0"):
        P.plot_sigmoid_logit(zlim=-1.0)


def test_plot_mixture_curves_histogram_and_samples():
    out = P.plot_mixture(None, PI, MU, S, n=20000, seed=5, bins=60)
    x = out["mixture"].get_xdata()
    np.testing.assert_allclose(out["mixture"].get_ydata(), mixture_pdf_ref(x, PI, MU, S))
    for k, line in enumerate(out["components"]):
        np.testing.assert_allclose(line.get_ydata(), PI[k] * stats.logistic.pdf(x, MU[k], S[k]))
    xs, ks = direct_mixture_samples(PI, MU, S, 20000, 5)
    np.testing.assert_array_equal(out["samples"], xs)
    np.testing.assert_array_equal(out["index"], ks)
    assert len(out["hist"]) == 3
    for k, patch in enumerate(out["hist"]):
        np.testing.assert_allclose(
            drawn_heights(patch), np_density(xs[ks == k], out["edges"], xs.size)
        )
    assert labelled(out["ax"]) and out["ax"].get_legend() is not None


def test_plot_mixture_with_given_samples_and_errors():
    samples = np.random.default_rng(0).normal(size=3000)
    out = P.plot_mixture(None, PI, MU, S, samples=samples, components=False, xlim=(-4, 4))
    assert out["components"] == [] and len(out["hist"]) == 1
    np.testing.assert_allclose(drawn_heights(out["hist"][0]), np_density(samples, out["edges"]))
    with pytest.raises(ValueError, match=r"pi .*must sum to 1"):
        P.plot_mixture(None, [0.5, 0.6, 0.2], MU, S)
    with pytest.raises(ValueError, match="s must be > 0"):
        P.plot_mixture(None, PI, MU, [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="same number of components"):
        P.plot_mixture(None, PI, MU[:2], S)
    with pytest.raises(ValueError, match=r"index .*needs samples"):
        P.plot_mixture(None, PI, MU, S, index=[0, 1])
    with pytest.raises(ValueError, match="must be 1-D"):
        P.plot_mixture(None, PI[None], MU[None], S[None])


def test_plot_mixture_cdf_equals_weighted_sigmoids():
    out = P.plot_mixture_cdf(None, PI, MU, S)
    x, y = out["cdf"].get_data()
    np.testing.assert_allclose(y, mixture_cdf_ref(x, PI, MU, S), rtol=1e-12)
    comp_sum = sum(line.get_ydata() for line in out["components"])
    np.testing.assert_allclose(comp_sum, y, rtol=1e-12)
    assert labelled(out["ax"])


def test_plot_softmax_weights_bar_heights():
    logits = np.array([1.0, 0.2, -0.5, 2.0])
    for tau in (1.0, 0.5):
        out = P.plot_softmax_weights(None, logits, temperature=tau)
        e = np.exp(logits / tau)
        heights = [b.get_height() for b in out["bars"]]
        np.testing.assert_allclose(heights, e / e.sum(), rtol=1e-12)
        assert labelled(out["ax"])
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        P.plot_softmax_weights(None, logits, temperature=0.0)
    with pytest.raises(ValueError, match="NaN"):
        P.plot_softmax_weights(None, [0.0, np.nan])


def test_plot_clamped_mixture_point_masses():
    pi, mu, s = [0.5, 0.5], [-0.9, 0.7], [0.1, 0.2]
    out = P.plot_clamped_mixture(None, pi, mu, s, n=30000, seed=1, bins=50)
    lo_mass = mixture_cdf_ref(-1.0, pi, mu, s)
    hi_mass = 1.0 - mixture_cdf_ref(1.0, pi, mu, s)
    np.testing.assert_allclose(out["mass_expected"], [lo_mass, hi_mass], rtol=1e-10)
    xs = np.clip(direct_mixture_samples(pi, mu, s, 30000, 1)[0], -1, 1)
    np.testing.assert_allclose(out["mass_observed"], [np.mean(xs == -1), np.mean(xs == 1)])
    inside = xs[(xs > -1) & (xs < 1)]
    counts, _ = np.histogram(inside, bins=50, range=(-1, 1))
    np.testing.assert_allclose(drawn_heights(out["hist"][0]), counts / (xs.size * 2 / 50))
    assert labelled(out["ax"]) and out["ax_mass"].get_ylabel()
    with pytest.raises(ValueError, match=r"lie in \[lo, hi\]"):
        P.plot_clamped_mixture(None, pi, mu, s, samples=[0.0, 2.0])


def test_plot_gumbel_convergence_frequencies_and_draws():
    logits = np.array([1.0, 0.2, -0.5])
    out = P.plot_gumbel_convergence(None, logits, n_max=5000, seed=4, num_points=20)
    g = torch.Generator().manual_seed(4)
    direct = sampling.gumbel_max(
        torch.tensor(logits, dtype=torch.float32).expand(5000, 3), eps=1e-5, generator=g
    ).numpy()
    np.testing.assert_array_equal(out["index"], direct)
    ns = out["n"]
    pi = np.exp(logits) / np.exp(logits).sum()
    for k in range(3):
        n_x, f = out["freq"][k].get_data()
        np.testing.assert_array_equal(n_x, ns)
        expected = np.array([np.count_nonzero(direct[:n] == k) / n for n in ns])
        np.testing.assert_allclose(f, expected)
        np.testing.assert_allclose(out["target"][k].get_ydata(), [pi[k], pi[k]], rtol=1e-12)
    assert ns[0] == 1 and ns[-1] == 5000 and np.all(np.diff(ns) > 0)
    assert out["ax"].get_xscale() == "log" and labelled(out["ax"])


def test_plot_gumbel_pdf_bounds():
    out = P.plot_gumbel_pdf(eps=1e-5)
    g, y = out["pdf"].get_data()
    np.testing.assert_allclose(y, np.exp(-(g + np.exp(-g))), rtol=1e-12)
    lo, hi = -math.log(-math.log(1e-5)), -math.log(-math.log(1 - 1e-5))
    assert out["lo"] == pytest.approx(lo, rel=1e-12) and out["hi"] == pytest.approx(hi, rel=1e-9)
    assert (round(lo, 2), round(hi, 2)) == (-2.44, 11.51)
    assert [line.get_xdata()[0] for line in out["bounds"]] == pytest.approx([lo, hi])
    left, right = out["clip"]
    assert left.get_x() + left.get_width() == pytest.approx(lo) and right.get_x() == pytest.approx(
        hi
    )
    assert labelled(out["ax"])
    with pytest.raises(ValueError, match="eps must be in the open interval"):
        P.plot_gumbel_pdf(eps=0.7)


@pytest.mark.parametrize("yscale", ["linear", "logit"])
def test_plot_inversion_mapping_and_clip(yscale):
    u = np.array([0.1, 0.5, 0.9])
    out = P.plot_inversion(None, mu=1.0, s=2.0, u=u, eps=1e-5, yscale=yscale)
    np.testing.assert_allclose(out["x"], 1.0 + 2.0 * np.log(u / (1 - u)), rtol=1e-12)
    assert len(out["arrows"]) == 2 * u.size
    for i, x_u in enumerate(out["x"]):  # horizontal arrow ends on the curve at (x(u), u)
        assert out["arrows"][2 * i].xy == pytest.approx((x_u, u[i]))
    bound = 2.0 * math.log((1 - 1e-5) / 1e-5)
    assert out["bound"] == pytest.approx(bound, rel=1e-12)
    clip = out["clip"]
    assert clip[2].get_x() + clip[2].get_width() == pytest.approx(1.0 - bound)
    assert clip[3].get_x() == pytest.approx(1.0 + bound)
    assert clip[1].get_y() == pytest.approx(1 - 1e-5)
    assert out["ax"].get_yscale() == yscale and labelled(out["ax"])
    # the legend sits below the x label (inside the axes it covered arrows) and lists the
    # bands that show: the x bands (in view: default range μ ± 14 s), the u bands only where
    # they are wider than a pixel (logit scale)
    ax = out["ax"]
    ax.figure.canvas.draw()
    legend = ax.get_legend()
    below = legend.get_window_extent()
    assert below.y1 < ax.xaxis.label.get_window_extent().y0 < ax.get_window_extent().y0
    labels = [text.get_text() for text in legend.get_texts()]
    assert any("never drawn" in lab for lab in labels)
    assert any("u outside" in lab for lab in labels) == (yscale == "logit")
    narrow = P.plot_inversion(None, mu=1.0, s=2.0, u=u, xlim=(-5.0, 7.0))  # bands out of view
    assert [text.get_text() for text in narrow["ax"].get_legend().get_texts()] == [
        "CDF F(x), μ = 1, s = 2"
    ]
    with pytest.raises(ValueError, match="open interval"):
        P.plot_inversion(u=[0.5, 1.0])
    with pytest.raises(ValueError, match="yscale must be"):
        P.plot_inversion(yscale="log")


def test_plot_channel_layout_blocks_and_labels():
    out = P.plot_channel_layout(None, K=3, T=8, B=4, t=2)
    assert isinstance(out["mesh"], QuadMesh)
    blocks = np.asarray(out["mesh"].get_array()).reshape(9, 8)
    expected = np.repeat([0, 1, 2], 3)[:, None] * np.ones((1, 8))
    np.testing.assert_array_equal(blocks, expected)
    texts = [t.get_text() for t in out["block_labels"]]
    for name, sl in zip(("logit_probs", "means", "log_scales"), ("0:3", "3:6", "6:9"), strict=True):
        assert any(name in t and sl in t for t in texts)
    assert out["highlight"].get_x() == 2 and out["highlight"].get_height() == 9
    assert len(out["sheets"]) == 2 and "(4, 9, 8)" in out["ax"].get_title()
    assert labelled(out["ax"])
    with pytest.raises(ValueError, match=r"K must be an integer in \[1, 16\], got K = 0"):
        P.plot_channel_layout(K=0)
    with pytest.raises(ValueError, match=r"K must be an integer in \[1, 16\], got K = 17"):
        P.plot_channel_layout(K=17)
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 7\]"):
        P.plot_channel_layout(K=2, T=8, t=8)
    with pytest.raises(TypeError, match="K must be an int"):
        P.plot_channel_layout(K=2.5)


def discretized_ref(pi, mu, s, N):
    """Independent bin masses: differences of the mixture CDF at c_j ± 1/(N-1), tails to ±inf."""
    c = -1.0 + 2.0 * np.arange(N) / (N - 1)
    h = 1.0 / (N - 1)
    upper = np.where(np.arange(N) == N - 1, np.inf, c + h)
    lower = np.where(np.arange(N) == 0, -np.inf, c - h)
    return mixture_cdf_ref(upper, pi, mu, s) - mixture_cdf_ref(lower, pi, mu, s)


def test_plot_discretized_bins_masses_and_edge_bins():
    pi, mu, s = [0.6, 0.4], [-0.3, 0.95], [0.1, 0.05]
    out = P.plot_discretized_bins(None, pi, mu, s, 256, threshold=0.999)
    ref = discretized_ref(pi, mu, s, 256)
    np.testing.assert_allclose(out["probs"], ref, rtol=1e-9, atol=1e-15)
    width = 2.0 / 255
    np.testing.assert_allclose(drawn_heights(out["bins"]), ref[1:-1] / width, rtol=1e-9)
    np.testing.assert_allclose(
        out["bins"].get_data().edges[[0, -1]], [-1 + width / 2, 1 - width / 2]
    )
    assert len(out["edge_bins"]) == 2
    np.testing.assert_allclose(drawn_heights(out["edge_bins"][1]), [ref[-1] / width], rtol=1e-9)
    assert out["beyond_threshold"] == 1
    # the right edge bin holds the tail mass of the component at 0.95: far above the body
    assert len(out["off_scale"]) == 1 and "edge bin" in out["off_scale"][0].get_text()
    np.testing.assert_allclose(
        out["pdf"].get_ydata(), mixture_pdf_ref(out["pdf"].get_xdata(), pi, mu, s), rtol=1e-12
    )
    assert labelled(out["ax"])
    masses = P.plot_discretized_bins(None, pi, mu, s, 256, density=False, highlight_edges=False)
    np.testing.assert_allclose(drawn_heights(masses["bins"]), ref, rtol=1e-9, atol=1e-15)
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        P.plot_discretized_bins(None, pi, mu, s, 1)


def group_density_ref(masses, edges, max_bins=2000):
    """Masses merged in consecutive groups of ceil(len / max_bins), drawn at mass / group width."""
    step = math.ceil(len(masses) / max_bins)
    heights = [
        masses[i : i + step].sum() / (edges[min(i + step, len(masses))] - edges[i])
        for i in range(0, len(masses), step)
    ]
    return np.array(heights)


def test_plot_discretized_comparison_zoom_shows_every_bin_beyond_threshold():
    pi, mu, s = [0.6, 0.4], [-0.3, 0.95], [0.1, 0.05]
    out = P.plot_discretized_comparison(pi, mu, s, num_classes=(256, 65536))
    assert out["axes"].shape == (2, 2)
    for row, N in enumerate((256, 65536)):
        full, zoom = out["panels"][row]
        ref = discretized_ref(pi, mu, s, N)
        width = 2.0 / (N - 1)
        centres = -1 + 2 * np.arange(N) / (N - 1)
        expected = int(np.sum(centres > 0.999))  # independent count of bin centres
        assert zoom["beyond_threshold"] == expected == [1, 33][row]
        assert f"{expected} bin(s) beyond 0.999" in zoom["ax"].get_title()
        # the zoom draws the interior bins one by one, from before the threshold to the edge bin
        edges = zoom["bins"].get_data().edges
        np.testing.assert_allclose(edges[-1], 1 - width / 2, rtol=1e-12)
        assert edges[0] < 0.999 and len(edges) - 1 >= expected - 1
        j = np.arange(N - len(edges), N - 1)  # interior bins in view
        np.testing.assert_allclose(drawn_heights(zoom["bins"]), ref[j] / width, rtol=1e-7)
        assert len(zoom["separators"].get_segments()) == len(edges) - 2
        np.testing.assert_allclose(drawn_heights(zoom["edge_bins"][0]), [ref[-1] / width])
        assert zoom["ax"].get_yscale() == "linear"
        # the right edge bin is far taller than the body: cut at the top and labelled
        assert zoom["ax"].get_ylim()[1] < ref[-1] / width
        assert f"P = {ref[-1]:.3g}" in zoom["off_scale"][0].get_text()
        texts = [t.get_text() for t in full["off_scale"]]
        assert any(f"P = {ref[-1]:.3g}" in t for t in texts)
    # 65536 bins on a panel: drawn merged into <= 2000 groups at their mean density
    full = out["panels"][1][0]
    ref = discretized_ref(pi, mu, s, 65536)
    masses, edges = ref[1:-1], -1 + (2 * np.arange(65535) + 1) / 65535  # interior bin edges
    heights = drawn_heights(full["bins"])
    assert heights.size <= 2000
    np.testing.assert_allclose(heights, group_density_ref(masses, edges), rtol=1e-6)
    assert len(out["fig"].legends) == 1
    with pytest.raises(ValueError, match="threshold must be in"):
        P.plot_discretized_comparison(pi, mu, s, threshold=1.5)


def test_plot_fit_frames_and_loss_curve():
    rng = np.random.default_rng(0)
    target = rng.dirichlet(np.ones(32))
    model = np.full(32, 1 / 32)
    out = P.plot_fit(None, target, model, step=10, loss=4.5)
    np.testing.assert_array_equal(out["target"].get_data().values, target)
    np.testing.assert_array_equal(out["model"].get_data().values, model)
    np.testing.assert_allclose(out["target"].get_data().edges[[0, -1]], [-1 - 1 / 31, 1 + 1 / 31])
    assert "step 10" in out["ax"].get_title() and labelled(out["ax"])
    with pytest.raises(ValueError, match="model_probs must have the shape of target_probs"):
        P.plot_fit(None, target, model[:10])
    with pytest.raises(ValueError, match=r"must be finite and >= 0"):
        P.plot_fit(None, target, -model)
    frames = [(i * 10, rng.dirichlet(np.ones(32)), 5.0 - i) for i in range(4)]
    grid = P.plot_fit_frames(target, frames, ncols=3)
    assert len(grid["panels"]) == 4 and len(grid["fig"].axes) == 6
    for (step, mp, _), panel in zip(frames, grid["panels"], strict=True):
        np.testing.assert_array_equal(panel["model"].get_data().values, mp)
        assert f"step {step}" in panel["ax"].get_title()
    with pytest.raises(ValueError, match="at least one"):
        P.plot_fit_frames(target, [])
    losses = 5 * np.exp(-np.arange(50) / 10) + 4
    curve = P.plot_loss_curve(None, losses, reference=4.0)
    np.testing.assert_array_equal(curve["loss"].get_ydata(), losses)
    assert curve["reference"].get_ydata()[0] == 4.0 and labelled(curve["ax"])
    with pytest.raises(ValueError, match="steps must have the shape of losses"):
        P.plot_loss_curve(None, losses, steps=np.arange(3))


# --------------------------------------------------------------------------------------
# legibility on the book's pages: text size, labels clear of curves, bars and axes
# --------------------------------------------------------------------------------------

#: width (px) of the text column in which the book site shows a figure (measured at a 1280 px
#: wide window); a wider figure is scaled down to it.
COLUMN_PX = 670


@pytest.fixture
def book_style():
    with matplotlib.rc_context():
        P.use_book_style()
        yield


def rendered_px(fig, text):
    """Height (px) of a text's font once the site scales the figure to the column width."""
    return text.get_fontsize() / 72 * COLUMN_PX / max(fig.get_figwidth(), COLUMN_PX / 120)


def visible_texts(fig):
    """Every visible, non-empty Text of a figure: titles, labels, ticks, legends, annotations."""
    found = fig.findobj(lambda a: isinstance(a, matplotlib.text.Text))
    return [t for t in found if t.get_visible() and t.get_text().strip()]


def pixel_box(artist):
    return artist.get_window_extent()


def box_hits_line(box, line, pad=0.0):
    """True if any vertex of ``line`` (or a point on a segment) lies inside ``box``."""
    xy = line.get_transform().transform(np.column_stack(line.get_data()))
    # densify the path so that a segment crossing the box is caught even between vertices
    fine = np.concatenate([np.linspace(a, b, 20, endpoint=False) for a, b in pairwise(xy)])
    inside = (
        (fine[:, 0] > box.x0 - pad)
        & (fine[:, 0] < box.x1 + pad)
        & (fine[:, 1] > box.y0 - pad)
        & (fine[:, 1] < box.y1 + pad)
    )
    return bool(inside.any())


def inside(inner, outer, tol=0.5):
    return (
        inner.x0 >= outer.x0 - tol
        and inner.x1 <= outer.x1 + tol
        and inner.y0 >= outer.y0 - tol
        and inner.y1 <= outer.y1 + tol
    )


def test_book_style_text_is_legible_in_the_column(book_style):
    # every figure a function makes by itself: no text below 10 px once the site has scaled
    # the figure into its ~670 px column (the old 9.5-inch figures with 8.5 pt notes: 8.3 px)
    pi, mu, s = [0.55, 0.45], [-0.45, 0.8], [0.12, 0.08]
    figures = [
        P.plot_channel_layout(K=3, T=8)["ax"].figure,
        P.plot_channel_layout(K=3, T=64)["ax"].figure,
        P.plot_discretized_comparison(pi, mu, s)["fig"],
        P.plot_fit_frames(np.full(16, 1 / 16), [(i, np.full(16, 1 / 16), 4.0) for i in range(6)])[
            "fig"
        ],
        P.plot_inversion(None, 0.0, 1.0)["ax"].figure,
        P.plot_sigmoid_logit()["axes"][0].figure,
        P.plot_gumbel_pdf()["ax"].figure,
        P.plot_gumbel_convergence(None, [1.0, 0.0, -1.0, 0.5, 0.2], n_max=1000)["ax"].figure,
        P.plot_mixture(None, PI, MU, S, n=2000)["ax"].figure,
        P.plot_softmax_weights(None, [1.0, 0.3, -0.4])["ax"].figure,
    ]
    for fig in figures:
        fig.canvas.draw()
        assert fig.get_figwidth() <= P.MAX_FIGURE_WIDTH
        smallest = min(rendered_px(fig, t) for t in visible_texts(fig))
        assert smallest >= 10.0, (fig.axes[0].get_title(), smallest)


def test_channel_layout_names_every_cell_of_the_outlined_column(book_style):
    out = P.plot_channel_layout(K=3, T=6, t=2)
    fig = out["ax"].figure
    fig.canvas.draw()
    names = [t.get_text() for t in out["cell_labels"]]
    assert names[:3] == ["$a_{0}$", "$a_{1}$", "$a_{2}$"]
    assert names[3] == "$\\mu_{0}$" and names[8] == "$\\log s_{2}$"
    column = pixel_box(out["highlight"])
    rows = out["ax"].transData.transform([[2, c] for c in range(10)])[:, 1]  # row borders
    for c, label in enumerate(out["cell_labels"]):
        box = pixel_box(label)
        assert inside(box, column)  # in the outlined column ...
        lo, hi = sorted(rows[c : c + 2])
        assert lo <= box.y0 and box.y1 <= hi  # ... and in its own row
        assert rendered_px(fig, label) >= 11.0
    # the block labels sit right of the grid, inside the figure
    grid_right = pixel_box(out["mesh"]).x1
    for label in out["block_labels"]:
        assert pixel_box(label).x0 > grid_right and pixel_box(label).x1 <= fig.bbox.x1
    assert P.plot_channel_layout(K=12, T=4)["cell_labels"] == []  # too many rows to name


def test_discretized_edge_bin_labels_stay_inside_and_clear_of_the_bars(book_style):
    pi, mu, s = [0.55, 0.45], [-0.45, 0.8], [0.12, 0.08]
    out = P.plot_discretized_comparison(pi, mu, s)
    out["fig"].canvas.draw()
    for row in out["panels"]:
        for panel in row:
            ax_box = pixel_box(panel["ax"])
            assert panel["off_scale"], "the edge bins are cut at the top: they must be labelled"
            for label in panel["off_scale"]:
                box = pixel_box(label)
                assert inside(box, ax_box)  # not clipped by the axes
                for bar in panel["edge_bins"]:  # not on the red bar
                    bar_box = bar.get_window_extent()
                    assert box.x1 < bar_box.x0 or box.x0 > bar_box.x1
                if panel["pdf"] is not None:
                    assert not box_hits_line(box, panel["pdf"])
    # the zoom titles fit above their narrow panels: two lines
    assert out["panels"][1][1]["ax"].get_title().count("\n") == 1


def test_gumbel_bound_labels_in_the_shaded_regions_and_legend_below(book_style):
    for logy in (True, False):
        out = P.plot_gumbel_pdf(logy=logy)
        ax = out["ax"]
        ax.figure.canvas.draw()
        ax_box = pixel_box(ax)
        lo_px, hi_px = ax.transData.transform([[out["lo"], 1], [out["hi"], 1]])[:, 0]
        left, right = (pixel_box(t) for t in out["bound_labels"])
        assert inside(left, ax_box) and inside(right, ax_box)
        assert left.x1 <= lo_px and right.x0 >= hi_px  # never over the allowed noise range
        for box in (left, right):
            assert not box_hits_line(box, out["pdf"])
        assert out["bound_labels"][0].get_text() == "−2.44"
        assert pixel_box(ax.get_legend()).y1 < ax.xaxis.label.get_window_extent().y0


def test_inversion_labels_never_run_into_the_cdf(book_style):
    # u = 0.1 in a narrow window: the arrow is too short for the label in one line
    for xlim, u in (((-0.4, 0.8), (0.1, 0.3, 0.5, 0.8, 0.95)), ((-3.0, 3.0), (0.06, 0.5))):
        fig, ax = plt.subplots(figsize=(4.5, 4.0))
        out = P.plot_inversion(ax, 0.2, 0.1 if xlim[0] > -1 else 1.0, u=u, xlim=xlim)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        places = [label.place(renderer) for label in out["labels"]]
        fig.canvas.draw()
        for label, where, x_u, u_i in zip(out["labels"], places, out["x"], u, strict=True):
            box = pixel_box(label)
            hit_x, hit_y = ax.transData.transform([x_u, u_i])
            if where == "tip":  # right of the tip, below the arrow's level
                assert box.x0 > hit_x and box.y1 < hit_y
            else:  # on the arrow, ending before the curve
                assert box.x1 < hit_x and box.y0 > hit_y
            assert not box_hits_line(box, out["cdf"])
        assert "line" in places and places != ["line"] * len(u)


def test_sigmoid_logit_marks_labelled_off_the_curves(book_style):
    for z0 in (1.5, -2.0):
        out = P.plot_sigmoid_logit(z0=z0)
        out["axes"][0].figure.canvas.draw()
        for label, curve in zip(out["labels"], (out["sigmoid"], out["logit"]), strict=True):
            assert not box_hits_line(pixel_box(label), curve)
            assert inside(pixel_box(label), pixel_box(curve.axes))
        assert out["axes"][0].get_legend() is None


def test_mixture_and_gumbel_legends_stay_short_for_any_K(book_style):
    for K in (2, 5):
        pi = np.full(K, 1 / K)
        out = P.plot_mixture(None, pi, np.linspace(-1, 1, K), np.full(K, 0.1), n=1000)
        texts = [t.get_text() for t in out["ax"].get_legend().get_texts()]
        assert len(texts) == 3 and "\\pi_k" in texts[1]
        conv = P.plot_gumbel_convergence(None, np.zeros(K), n_max=100)
        assert len(conv["ax"].get_legend().get_texts()) == K
    weights = P.plot_softmax_weights(None, [1.0, 0.3, -0.4])
    assert "\\pi_k" in weights["ax"].get_title()  # weights always carry their subscript
    fig = weights["ax"].figure
    fig.set_size_inches(2.4, 3.0)  # the narrow panel of the mixtures chapter
    fig.canvas.draw()
    ticks = [pixel_box(t) for t in weights["ax"].get_xticklabels()]
    assert all(a.x1 < b.x0 for a, b in pairwise(ticks))


# --------------------------------------------------------------------------------------
# explorer figures
# --------------------------------------------------------------------------------------


def same_artists(before, after):
    """True if both dicts hold the very same artist objects (lists compared element-wise)."""
    assert before.keys() == after.keys()
    for key, a in before.items():
        b = after[key]
        if isinstance(a, list):
            assert len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True)), key
        else:
            assert a is b, key
    return True


def check_in_place(explorer, first, second):
    """update(first), draw, update(second), draw: same artists, same axes, no new figures."""
    figs = plt.get_fignums()
    explorer.update(**first).draw()
    before, axes = explorer.artists, list(explorer.fig.axes)
    children = [len(ax.get_children()) for ax in axes]
    explorer.update(**second).draw()
    assert same_artists(before, explorer.artists)
    assert list(explorer.fig.axes) == axes
    assert [len(ax.get_children()) for ax in axes] == children
    assert plt.get_fignums() == figs == []
    assert explorer.to_png().startswith(PNG_MAGIC)
    return before


def test_logistic_explorer_updates_in_place_and_draws_its_samples():
    e = P.LogisticExplorerFigure(bins=50)
    a = check_in_place(e, {"mu": 0.0, "s": 1.0, "n": 2000}, {"mu": 1.5, "s": 0.5, "seed": 3})
    x = e.x
    np.testing.assert_allclose(a["pdf"].get_ydata(), stats.logistic.pdf(x, 1.5, 0.5), rtol=1e-12)
    sigma = 0.5 * math.pi / math.sqrt(3)
    np.testing.assert_allclose(a["gaussian"].get_ydata(), stats.norm.pdf(x, 1.5, sigma))
    np.testing.assert_allclose(
        drawn_heights(a["hist"]), np_density(e.samples, a["hist"].get_data().edges)
    )
    g = torch.Generator().manual_seed(3)
    direct = sampling.sample_logistic(
        torch.full((100_000,), 1.5), torch.full((100_000,), math.log(0.5)), generator=g
    )
    np.testing.assert_array_equal(e.samples, direct.double().numpy())
    e.update(mu=0.0, s=1.0, n=1000, logy=True, gaussian=False)
    assert e.ax.get_yscale() == "log" and not a["gaussian"].get_visible()
    e.draw()
    e.update(mu=0.0, s=1.0, n=1000, logy=False).draw()  # back to linear, no warning
    assert e.ax.get_yscale() == "linear" and e.ax.get_ylim()[0] == 0.0
    with pytest.raises(ValueError, match="must be finite and > 0"):
        e.update(s=-1.0)
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, 10000000\]"):
        e.update(n=0)


def test_explorer_update_restores_torch_thread_setting():
    old = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        e = P.MixtureExplorerFigure()
        e.update(PI, MU, S, n=2000, seed=1)
        assert torch.get_num_threads() == 2
        xs, _ = direct_mixture_samples(PI, MU, S, 2000, 1)  # same draws with 2 threads
        np.testing.assert_array_equal(e.samples, xs)
        with pytest.raises(ValueError):
            e.update(PI, MU, S, n=0)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(old)


def test_logistic_explorer_log_scale_on_a_fresh_figure():
    e = P.LogisticExplorerFigure()
    e.update(1.0, 0.7, n=1000, logy=True).draw()
    assert e.ax.get_yscale() == "log" and e.ax.get_ylim()[0] > 0


def test_mixture_explorer_updates_in_place_stacks_by_component():
    e = P.MixtureExplorerFigure(K_max=4, bins=80)
    first = {"pi": PI, "mu": MU, "s": S, "n": 5000, "seed": 1}
    second = {"pi": [0.7, 0.3], "mu": [-1.0, 2.0], "s": [0.5, 1.5], "n": 8000, "seed": 2}
    a = check_in_place(e, first, second)
    xs, ks = direct_mixture_samples([0.7, 0.3], [-1.0, 2.0], [0.5, 1.5], 8000, 2)
    np.testing.assert_array_equal(e.samples, xs)
    np.testing.assert_array_equal(e.index, ks)
    edges = a["hist"][0].get_data().edges
    for k in range(2):
        assert a["hist"][k].get_visible()
        np.testing.assert_allclose(
            drawn_heights(a["hist"][k]), np_density(xs[ks == k], edges, xs.size)
        )
        assert a["weights"][k].get_height() == pytest.approx([0.7, 0.3][k])
    assert not any(a["hist"][k].get_visible() for k in (2, 3))
    assert not any(a["components"][k].get_visible() for k in (2, 3))
    np.testing.assert_allclose(
        a["mixture"].get_ydata(), mixture_pdf_ref(e.x, [0.7, 0.3], [-1.0, 2.0], [0.5, 1.5])
    )
    with pytest.raises(ValueError, match=r"K .*must be in \[1, 4\].*got K = 5"):
        e.update(np.full(5, 0.2), np.zeros(5), np.ones(5))
    with pytest.raises(ValueError, match=r"pi .*must be >= 0"):
        e.update([1.2, -0.2], [0, 1], [1, 1])


def test_gumbel_explorer_frequencies_bounds_and_never_chosen():
    e = P.GumbelExplorerFigure(K_max=5)
    second = {"logits": [2.0, 0.0, -20.0], "n": 20000, "seed": 7, "eps": 1e-5}
    a = check_in_place(e, {"logits": [0.0, 0.0, 0.0, 1.0], "n": 1000}, second)
    g = torch.Generator().manual_seed(7)
    lt = torch.tensor([2.0, 0.0, -20.0]).expand(20000, 3)
    direct = sampling.gumbel_max(lt, eps=1e-5, generator=g).numpy()
    np.testing.assert_array_equal(e.index, direct)
    freq = np.bincount(direct, minlength=3) / 20000
    np.testing.assert_allclose([a["bars"][k].get_height() for k in range(3)], freq)
    assert not any(a["bars"][k].get_visible() for k in (3, 4))
    lg = np.array([2.0, 0.0, -20.0])
    np.testing.assert_allclose(a["target"].get_ydata(), np.exp(lg) / np.exp(lg).sum(), rtol=1e-12)
    lo, hi = -math.log(-math.log(1e-5)), -math.log(-math.log(1 - 1e-5))
    assert a["bounds"][0].get_xdata()[0] == pytest.approx(lo)
    assert a["bounds"][1].get_xdata()[0] == pytest.approx(hi)
    assert e.noise.min() >= lo - 1e-4 and e.noise.max() <= hi + 1e-4
    assert "never chosen: k = 2" in a["title"].get_text()
    keys = [text.get_text() for text in e.ax_bars.texts]
    assert any("softmax(a / τ)" in key for key in keys)  # logits are a_k, as in the book
    ticks = e.ax_bars.get_xticks()
    assert np.all(ticks == np.round(ticks))  # component indices, not 0.8, 1.6, ...
    edges = a["noise_hist"].get_data().edges
    np.testing.assert_allclose(
        np.asarray(a["noise_hist"].get_data().values), np.maximum(np_density(e.noise, edges), 1e-9)
    )
    with pytest.raises(ValueError, match="temperature must be"):
        e.update([0.0, 1.0], temperature=-1.0)
    with pytest.raises(ValueError, match=r"\[1, 5\]"):
        e.update(np.zeros(6))


def test_inversion_explorer_traces_u_and_shades_truncation():
    e = P.InversionExplorerFigure(bins=60)
    second = {"mu": 1.0, "s": 0.5, "u": 0.9, "n": 4000, "seed": 2, "eps": 1e-3}
    a = check_in_place(e, {"u": 0.2, "n": 1000}, second)
    xu = 1.0 + 0.5 * math.log(0.9 / 0.1)
    px, py = a["path"].get_data()
    np.testing.assert_allclose(px[1:], [xu, xu])
    np.testing.assert_allclose(py, [0.9, 0.9, 0.0])
    np.testing.assert_allclose(a["cdf"].get_ydata(), expit((e.x - 1.0) / 0.5), rtol=1e-12)
    edges = a["hist"].get_data().edges
    np.testing.assert_allclose(drawn_heights(a["hist"]), np_density(e.samples, edges))
    bound = 0.5 * math.log((1 - 1e-3) / 1e-3)
    assert a["clip"][1].get_x() == pytest.approx(1.0 + bound)
    assert np.max(np.abs(e.samples - 1.0)) <= bound * (1 + 1e-5)
    with pytest.raises(ValueError, match="u must be in the open interval"):
        e.update(u=1.0)


def test_discretized_explorer_bins_and_bit_depth():
    e = P.DiscretizedExplorerFigure(K_max=3)
    pi, mu, s = [0.6, 0.4], [-0.3, 0.95], [0.1, 0.05]
    a = check_in_place(
        e,
        {"pi": [1.0], "mu": [0.0], "s": [0.2], "bits": 8},
        {"pi": pi, "mu": mu, "s": s, "bits": 16},
    )
    ref = discretized_ref(pi, mu, s, 65536)
    width = 2.0 / 65535
    np.testing.assert_allclose(e.probs, ref, rtol=1e-7, atol=1e-15)
    edges = -1 + (2 * np.arange(65535) + 1) / 65535  # interior bin edges
    heights = drawn_heights(a["bins"])  # merged for the panel's few hundred pixels
    np.testing.assert_allclose(heights, group_density_ref(ref[1:-1], edges), rtol=1e-6)
    np.testing.assert_allclose(drawn_heights(a["edge_bins"][1]), [ref[-1] / width], rtol=1e-9)
    # zoom: bin by bin, 33 centres beyond 0.999, the edge bin cut at the top and labelled
    zedges = a["zoom_bins"].get_data().edges
    j = np.arange(65536 - len(zedges), 65535)
    np.testing.assert_allclose(drawn_heights(a["zoom_bins"]), ref[j] / width, rtol=1e-7)
    assert len(a["zoom_separators"].get_segments()) == len(zedges) - 2
    assert "33 bin(s)" in a["zoom_title"].get_text()
    assert e.ax_zoom.get_ylim()[1] < ref[-1] / width and a["zoom_note"].get_visible()
    assert f"{ref[-1]:.3g}" in a["zoom_note"].get_text() and f"{ref[0]:.3g}" in a["key"].get_text()
    e.update(pi, mu, s, bits=8)
    assert ": 1 bin(s)" in a["zoom_title"].get_text()
    with pytest.raises(ValueError, match=r"bits must be an integer in \[1, 16\]"):
        e.update(pi, mu, s, bits=17)
    with pytest.raises(ValueError, match=r"\[1, 3\]"):
        e.update([0.25] * 4, [0.0] * 4, [0.1] * 4)


FRAME_CASES = {
    "logistic": (P.LogisticExplorerFigure, {"mu": 0.0}, {"mu": 0.4, "seed": 2}),
    "mixture": (
        P.MixtureExplorerFigure,
        {"pi": PI, "mu": MU, "s": S},
        {"pi": PI, "mu": MU + 0.2, "s": S, "seed": 1},
    ),
    "gumbel": (
        P.GumbelExplorerFigure,
        {"logits": [2.0, 1.0, 0.0]},
        {"logits": [1.0, 1.5, 0.0], "eps": 1e-3},
    ),
    "inversion": (P.InversionExplorerFigure, {"u": 0.8}, {"mu": 0.3, "u": 0.3, "seed": 5}),
    "discretized": (
        P.DiscretizedExplorerFigure,
        {"pi": [0.6, 0.4], "mu": [-0.3, 0.9], "s": [0.1, 0.05], "bits": 16},
        {"pi": [0.6, 0.4], "mu": [-0.28, 0.9], "s": [0.1, 0.05], "bits": 16},
    ),
}


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("kind", sorted(FRAME_CASES))
def test_explorer_redraw_reuses_frame_and_equals_a_fresh_drawing(kind):
    """A redraw that keeps the axes pastes the cached frame: same pixels as drawing anew."""
    cls, first, second = FRAME_CASES[kind]
    e = cls()
    e.update(**first).draw()
    renders = e.fig.canvas.frame_renders
    assert renders == 1
    e.update(**second).draw()
    assert e.fig.canvas.frame_renders == renders  # the frame was reused, not rendered again
    fresh = cls()
    fresh.update(**second).draw()
    np.testing.assert_array_equal(pixels(e), pixels(fresh))
    png = e.to_png()  # the widgets' PNG is the same drawing
    assert png.startswith(PNG_MAGIC)


def test_explorer_frame_is_rendered_again_when_axes_change():
    e = P.MixtureExplorerFigure()
    e.update(PI, MU, S).draw()
    e.update([0.5, 0.5], [-1.0, 1.0], [0.5, 0.5]).draw()  # K = 2: the weights inset narrows
    assert e.fig.canvas.frame_renders == 2
    e.update(PI, MU, 0.1 * S).draw()  # narrow peaks: the y range grows
    assert e.fig.canvas.frame_renders == 3
    fresh = P.MixtureExplorerFigure()
    fresh.update(PI, MU, 0.1 * S).draw()
    np.testing.assert_array_equal(pixels(e), pixels(fresh))
    lo = P.LogisticExplorerFigure()
    lo.update(logy=False).draw()
    lo.update(logy=True).draw()
    assert lo.fig.canvas.frame_renders == 2 and lo.ax.get_yscale() == "log"
    # a label changed by hand is part of the frame: invalidate() renders it
    lo.ax.set_xlabel("a new label")
    lo.fig.canvas.invalidate()
    lo.draw()
    fresh = P.LogisticExplorerFigure()
    fresh.ax.set_xlabel("a new label")
    fresh.update(logy=False).draw()
    fresh.update(logy=True).draw()
    assert lo.fig.canvas.frame_renders == 3
    np.testing.assert_array_equal(pixels(lo), pixels(fresh))


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        (0.0119, 0.012),
        (0.012, 0.012),
        (0.0123, 0.015),
        (1.0, 1.0),
        (7.9, 8.0),
        (8.01, 10.0),
        (237.0, 250.0),
    ],
)
def test_nice_ceiling_rounds_up_to_round_numbers(v, expected):
    from molviz._style import nice_ceiling

    assert nice_ceiling(v) == pytest.approx(expected) and nice_ceiling(v) >= v


# --------------------------------------------------------------------------------------
# explorer figures at vocoder scale: x range, refined grid, log y axis
# --------------------------------------------------------------------------------------

# a mixture with the book's locations and log s = -3, -2, -7 (the floor of the vocoder's loss)
PI_V = np.array([0.5, 0.3, 0.2])
MU_V = np.array([-0.45, 0.05, 0.5])
S_V = np.exp([-3.0, -2.0, -7.0])


def mixture_peak_ref(pi, mu, s):
    """Largest value of the mixture density: bounded scalar search (scipy) around each μ_k."""
    best = 0.0
    for m, sc in zip(mu, s, strict=True):
        res = optimize.minimize_scalar(
            lambda x: -mixture_pdf_ref(x, pi, mu, s),
            bounds=(m - 3 * sc, m + 3 * sc),
            method="bounded",
            options={"xatol": 1e-4 * sc},
        )
        best = max(best, -float(res.fun))
    return best


def mixture_quantile_ref(q, pi, mu, s):
    return optimize.brentq(lambda x: mixture_cdf_ref(x, pi, mu, s) - q, -50.0, 50.0, xtol=1e-13)


@pytest.mark.parametrize("xlim", [None, (-1.0, 1.0), "auto"])
def test_mixture_explorer_draws_a_vocoder_scale_peak_at_its_true_height(xlim):
    """At log s = -7 a 600-point grid on [-6, 6] misses the peak (drawn ~1 % of it); the
    refined grid draws the analytic maximum, whatever the x range."""
    e = P.MixtureExplorerFigure()
    e.update(PI_V, MU_V, S_V, n=2000, xlim=xlim).draw()
    a = e.artists
    x, y = a["mixture"].get_data()
    np.testing.assert_allclose(y, mixture_pdf_ref(x, PI_V, MU_V, S_V), rtol=1e-10)
    peak = mixture_peak_ref(PI_V, MU_V, S_V)
    assert peak == pytest.approx(0.2 / (4 * math.exp(-7.0)), rel=0.01)  # ≈ 54.8
    assert float(np.max(y)) == pytest.approx(peak, rel=0.01)
    for k in range(3):  # each weighted component at its own peak π_k / (4 s_k)
        xk, yk = a["components"][k].get_data()
        ref = PI_V[k] * stats.logistic.pdf(xk, MU_V[k], S_V[k])
        np.testing.assert_allclose(yk, ref, rtol=1e-9, atol=1e-300)
        assert float(np.max(yk)) == pytest.approx(PI_V[k] / (4 * S_V[k]), rel=0.01)
    assert e.ax.get_ylim()[1] >= float(np.max(y))  # the peak is inside the plot, not cut
    assert np.all(np.diff(x) > 0) and np.all(np.isin(x, e.x))


def test_mixture_explorer_x_range_auto_component_and_fixed():
    e = P.MixtureExplorerFigure(bins=80)
    xs, ks = direct_mixture_samples(PI_V, MU_V, S_V, 20_000, 4)
    q_lo, q_hi = (mixture_quantile_ref(q, PI_V, MU_V, S_V) for q in (1e-3, 1 - 1e-3))
    z = math.log(999.0)  # a logistic's central 99.8 %: μ ± 6.91 s
    checks = {
        "auto": (q_lo, q_hi),
        "component 2": (MU_V[2] - z * S_V[2], MU_V[2] + z * S_V[2]),
        (-0.3, 0.7): None,
    }
    for xlim, need in checks.items():
        e.update(PI_V, MU_V, S_V, n=20_000, seed=4, xlim=xlim).draw()
        lo, hi = e.xlim
        assert e.ax.get_xlim() == (lo, hi) and e.params["xlim"] == (lo, hi)
        if need is None:
            assert (lo, hi) == (-0.3, 0.7)
        else:  # holds what it must, with a margin, and is not much wider
            assert lo < need[0] and hi > need[1] and hi - lo < 1.5 * (need[1] - need[0])
        np.testing.assert_array_equal(e.samples, xs)
        edges = np.linspace(lo, hi, 81)
        for k in range(3):
            np.testing.assert_allclose(e.artists["hist"][k].get_data().edges, edges)
            np.testing.assert_allclose(
                drawn_heights(e.artists["hist"][k]),
                np_density(xs[ks == k], edges, xs.size),
                rtol=1e-12,
                atol=1e-12,
            )
        x = e.artists["mixture"].get_data()[0]
        assert x[0] == lo and x[-1] == hi
    # component 2 (s = 0.0009) is narrower than a bar on "auto", and resolved on its own range
    e.update(PI_V, MU_V, S_V, n=20_000, xlim="auto")
    assert e.artists["narrow"].get_text() == "k = 2: narrower than a bar"
    e.update(PI_V, MU_V, S_V, n=20_000, xlim="component 2")
    assert e.artists["narrow"].get_text() == ""
    with pytest.raises(ValueError, match=r"component k.*\[0, 2\].*'component 3'"):
        e.update(PI_V, MU_V, S_V, xlim="component 3")
    with pytest.raises(ValueError, match='xlim must be None, "auto", "component k"'):
        e.update(PI_V, MU_V, S_V, xlim="everything")
    with pytest.raises(ValueError, match="xlim must be finite"):
        e.update(PI_V, MU_V, S_V, xlim=(1.0, 1.0))


def test_auto_x_range_stays_put_for_small_moves_and_refits_for_large_ones():
    e = P.MixtureExplorerFigure()
    e.update(PI_V, MU_V, S_V, n=5000, xlim="auto").draw()
    lim, renders = e.xlim, e.fig.canvas.frame_renders
    e.update(PI_V, MU_V + 0.02, S_V, n=5000, seed=1, xlim="auto").draw()
    assert e.xlim == lim and e.fig.canvas.frame_renders == renders  # cached axes reused
    e.update(PI_V, MU_V + 0.02, S_V, n=5000, seed=2).draw()  # xlim=None: keep
    assert e.xlim == lim
    e.update(PI_V, MU_V + 1.5, S_V, n=5000, xlim="auto").draw()
    q_hi = mixture_quantile_ref(1 - 1e-3, PI_V, MU_V + 1.5, S_V)
    assert e.xlim != lim and e.xlim[1] > q_hi and e.fig.canvas.frame_renders == renders + 1
    e.update([1.0], [0.0], [0.01], n=5000, xlim="auto")  # much narrower: refit
    assert e.xlim[1] - e.xlim[0] < 0.2


def test_mixture_explorer_log_y_axis_floors_empty_bars():
    e = P.MixtureExplorerFigure(bins=60)
    e.update(PI_V, MU_V, S_V, n=5000, seed=3, xlim=(-1.0, 1.0), logy=True).draw()
    assert e.ax.get_yscale() == "log" and e.params["logy"]
    ylo, yhi = e.ax.get_ylim()
    peak = float(np.max(e.artists["mixture"].get_ydata()))
    assert 0 < ylo < 3e-6 * peak and yhi >= 3 * peak  # >= 5.5 decades below, room above
    xs, ks = direct_mixture_samples(PI_V, MU_V, S_V, 5000, 3)
    edges = np.linspace(-1.0, 1.0, 61)
    cum = np.cumsum([np_density(xs[ks == k], edges, xs.size) for k in range(3)], axis=0)
    floor = 0.1 * ylo  # empty bars sit just below the axis instead of at log 0
    for k in range(3):
        data = e.artists["hist"][k].get_data()
        np.testing.assert_allclose(data.values, np.maximum(cum[k], floor), rtol=1e-12)
        base = np.maximum(cum[k - 1], floor) if k else floor
        np.testing.assert_allclose(data.baseline, base, rtol=1e-12)
    e.update(PI_V, MU_V, S_V, n=5000, seed=3, logy=False).draw()
    assert e.ax.get_yscale() == "linear" and e.ax.get_ylim()[0] == 0.0
    assert e.xlim == (-1.0, 1.0)


def test_logistic_explorer_auto_range_follows_vocoder_scale_and_shows_clip_bounds():
    e = P.LogisticExplorerFigure(bins=80)
    mu, s = 0.1, math.exp(-7.0)
    e.update(mu, s, n=20_000, seed=1, xlim="auto").draw()
    lo, hi = e.xlim
    z = math.log(999.0)
    assert lo < mu - z * s and hi > mu + z * s and hi - lo < 1.5 * 2 * z * s
    a = e.artists
    x, y = a["pdf"].get_data()
    np.testing.assert_allclose(y, stats.logistic.pdf(x, mu, s), rtol=1e-9)
    assert float(np.max(y)) == pytest.approx(1 / (4 * s), rel=3e-3)  # grid step <= s / 5
    sd = s * math.pi / math.sqrt(3)
    np.testing.assert_allclose(a["gaussian"].get_ydata(), stats.norm.pdf(x, mu, sd), rtol=1e-9)
    edges = np.linspace(lo, hi, 81)
    np.testing.assert_allclose(a["hist"].get_data().edges, edges)
    np.testing.assert_allclose(drawn_heights(a["hist"]), np_density(e.samples, edges), rtol=1e-12)
    bound = math.log((1 - 1e-5) / 1e-5) * s  # μ ± 11.51 s: outside this range
    assert not any(line.get_visible() for line in a["bounds"])
    assert "clip" not in a["key"].get_text() and "(log s = -7.00)" in a["title"].get_text()
    # log y: the fit widens to μ ± 14 s, which shows the tails and both clip bounds
    e.update(mu, s, n=20_000, seed=1, xlim="auto", logy=True).draw()
    lo, hi = e.xlim
    assert lo < mu - 14 * s and hi > mu + 14 * s and e.ax.get_yscale() == "log"
    for line, v in zip(a["bounds"], (mu - bound, mu + bound), strict=True):
        assert line.get_visible() and line.get_xdata()[0] == pytest.approx(v, rel=1e-12)
    assert "red: clip bounds μ ± 11.51 s" in a["key"].get_text()
    e.update(mu, s, n=20_000, xlim="auto").draw()  # back to linear: fitted anew, narrow again
    assert e.xlim[1] - e.xlim[0] < 1.5 * 2 * z * s
    with pytest.raises(ValueError, match='xlim must be None, "auto", or a pair'):
        e.update(mu, s, xlim="component 0")


def test_inversion_explorer_logit_scale_axis_and_auto_range_at_vocoder_scale():
    e = P.InversionExplorerFigure(bins=50)
    mu, s, eps = 0.1, math.exp(-5.0), 1e-5
    e.update(mu, s, u=0.9, n=5000, eps=eps, xlim="auto", logit_scale=True).draw()
    a = e.artists
    assert e.ax_cdf.get_yscale() == "logit" and e.params["logit_scale"]
    ylo, yhi = e.ax_cdf.get_ylim()
    assert ylo == pytest.approx(1e-7) and yhi == pytest.approx(1 - 1e-7)
    lo, hi = e.xlim
    b = math.log((1 - eps) / eps) * s
    assert lo < mu - b and hi > mu + b  # both clip bounds in view
    x, F = a["cdf"].get_data()
    np.testing.assert_allclose(F, np.clip(expit((x - mu) / s), ylo, yhi), rtol=1e-12)
    assert a["clip"][0].get_x() == lo
    assert a["clip"][0].get_width() == pytest.approx(mu - b - lo)
    assert a["clip"][1].get_x() == pytest.approx(mu + b)
    assert a["u_clip"][0].get_y() == ylo and a["u_clip"][0].get_height() == pytest.approx(eps - ylo)
    assert a["u_clip"][1].get_y() == pytest.approx(1 - eps)
    assert a["cdf_key"].get_text().startswith("red: never drawn")
    edges = np.linspace(lo, hi, 51)
    np.testing.assert_allclose(drawn_heights(a["hist"]), np_density(e.samples, edges), rtol=1e-12)
    # a linear u axis: the fit narrows to μ ± 6.91 s and the bounds leave the view
    e.update(mu, s, u=0.9, n=5000, eps=eps, xlim="auto").draw()
    assert e.ax_cdf.get_yscale() == "linear" and e.ax_cdf.get_ylim() == (0.0, 1.0)
    assert e.xlim[1] - e.xlim[0] < 1.5 * 2 * math.log(999.0) * s
    assert "beyond the view" in a["cdf_key"].get_text()
    assert a["path"].get_ydata()[-1] == 0.0
    fresh = P.InversionExplorerFigure(bins=50)
    fresh.update(mu, s, u=0.9, n=5000, eps=eps, xlim=e.xlim).draw()
    np.testing.assert_array_equal(pixels(e), pixels(fresh))  # switching scales leaves no trace


def test_discretized_explorer_zooms_at_either_edge_and_draws_narrow_peaks():
    pi, mu, s = [0.6, 0.4], [-0.9995, 0.3], [0.0004, 0.2]  # a narrow component on the edge
    e = P.DiscretizedExplorerFigure()
    e.update(pi, mu, s, bits=16, edge=1).draw()
    e.update(pi, mu, s, bits=16, edge=-1).draw()
    a = e.artists
    N, width = 65536, 2.0 / 65535
    ref = discretized_ref(pi, mu, s, N)
    m = len(drawn_heights(a["zoom_bins"]))
    np.testing.assert_allclose(drawn_heights(a["zoom_bins"]), ref[1 : m + 1] / width, rtol=1e-7)
    np.testing.assert_allclose(a["zoom_bins"].get_data().edges[0], -1 + 1 / 65535, rtol=1e-12)
    np.testing.assert_allclose(drawn_heights(a["zoom_edge"]), [ref[0] / width], rtol=1e-7)
    assert (
        "x < -0.999" in a["zoom_title"].get_text() and ": 33 bin(s)" in a["zoom_title"].get_text()
    )
    assert a["threshold"].get_xdata()[0] == -0.999 and e.ax_zoom.get_xlabel() == "x (next to -1)"
    assert a["beyond"].get_x() + a["beyond"].get_width() == pytest.approx(-0.999)
    # the mirror image of the +1 zoom of the mirrored mixture
    mirror = P.DiscretizedExplorerFigure()
    mirror.update(pi, [-v for v in mu], s, bits=16, edge=1)
    lo, hi = mirror.ax_zoom.get_xlim()
    assert e.ax_zoom.get_xlim() == pytest.approx((-hi, -lo), abs=1e-12)
    np.testing.assert_allclose(
        drawn_heights(a["zoom_bins"]), drawn_heights(mirror.artists["zoom_bins"])[::-1], rtol=1e-9
    )
    # p(x) on a grid refined around μ_0: drawn at its true peak on both panels
    peak = mixture_peak_ref(pi, mu, s)
    for line in (a["pdf"], a["zoom_pdf"]):
        x, y = line.get_data()
        np.testing.assert_allclose(y, mixture_pdf_ref(x, pi, mu, s), rtol=1e-9)
        assert float(np.max(y)) == pytest.approx(peak, rel=0.01)
    # switching the edge back and forth draws what a fresh figure draws
    e.update(pi, mu, s, bits=16, edge=1).draw()
    e.update(pi, mu, s, bits=16, edge=-1).draw()
    fresh = P.DiscretizedExplorerFigure()
    fresh.update(pi, mu, s, bits=16, edge=-1).draw()
    np.testing.assert_array_equal(pixels(e), pixels(fresh))
    with pytest.raises(ValueError, match=r"edge must be 1 .* or -1"):
        e.update(pi, mu, s, edge=0)


def test_style_helpers_nice_step_fit_view_density_grid():
    from molviz._style import density_grid, fit_view, nice_step

    assert [nice_step(v, 10) for v in (1.0, 2.2, 4.0, 8.0)] == [0.1, 0.2, 0.5, 1.0]
    lo, hi = fit_view(None, -0.0063, 0.0063)  # ends on multiples of the step, with a margin
    step = nice_step(hi - lo, 12)
    assert lo < -0.0063 and hi > 0.0063 and hi - lo < 1.5 * 0.0126
    assert fit_view((lo, hi), -0.005, 0.006) == (lo, hi)  # still fits: kept
    assert fit_view((lo, hi), -0.002, 0.002) != (lo, hi)  # more than twice as wide: refit
    assert fit_view((-1.0, 1.0), -0.5, 1.5)[1] >= 1.5
    assert step > 0
    g = density_grid((-6.0, 6.0), [0.5, 0.0], [math.exp(-7.0), 1.0])
    assert np.all(np.diff(g) >= 0) and g[0] == -6.0 and g[-1] == 6.0
    near = g[np.abs(g - 0.5) <= 3 * math.exp(-7.0)]
    assert 0.5 in g and np.max(np.diff(near)) <= 0.25 * math.exp(-7.0) * (1 + 1e-9)
    assert density_grid((-6.0, 6.0), [0.0], [1.0]).size == 600  # wide: no extra points
