"""Tests of molviz.widgets: the ipywidgets explorers, with the Agg backend and no kernel.

Each explorer must build without warnings or pyplot figures, pass its sliders' values to the
explorer figure's ``update`` (checked by moving sliders and by calling the callback directly),
and render as a MIME bundle with the widget view, a PNG of the initial state and text/plain.
Bad start values must raise ValueError/TypeError naming the argument. Nothing here is
statistical (false-failure rate 0); timings are never asserted.
"""

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from molviz import plotting as P
from molviz import widgets as W

pytestmark = pytest.mark.filterwarnings("error")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXPLORERS = {
    "logistic": (W.logistic_explorer, P.LogisticExplorerFigure),
    "mixture": (W.mixture_explorer, P.MixtureExplorerFigure),
    "gumbel": (W.gumbel_explorer, P.GumbelExplorerFigure),
    "inversion": (W.inversion_explorer, P.InversionExplorerFigure),
    "discretized": (W.discretized_explorer, P.DiscretizedExplorerFigure),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def softmax_ref(logits):
    e = np.exp(np.asarray(logits, dtype=float) - np.max(logits))
    return e / e.sum()


@pytest.mark.parametrize("kind", sorted(EXPLORERS))
def test_explorer_builds_renders_mime_bundle_and_leaks_no_figure(kind):
    make, fig_cls = EXPLORERS[kind]
    explorer = make()
    assert isinstance(explorer, W.Explorer) and isinstance(explorer.figure, fig_cls)
    assert plt.get_fignums() == []
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"}
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id and view["version_major"] == 2
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(PNG_MAGIC) and png == explorer.image.value
    assert kind.lower() in bundle["text/plain"].lower()
    assert set(explorer._repr_mimebundle_(include={"image/png"})) == {"image/png"}
    # every control is a keyword of the callback; all controls are laid out in the widget
    shown = set()
    stack = [explorer.widget]
    while stack:
        w = stack.pop()
        shown.add(w.model_id)
        stack.extend(getattr(w, "children", ()))
    assert all(c.model_id in shown for c in explorer.controls.values())
    explorer.close()


def test_mixture_sliders_flow_into_update():
    ex = W.mixture_explorer(K=3, logits=[1.0, 0.0, -1.0], mu=[-2.0, 0.0, 2.0], s=[0.5, 0.6, 0.7])
    fig = ex.figure
    np.testing.assert_allclose(fig.params["pi"], softmax_ref([1.0, 0.0, -1.0]), rtol=1e-12)
    np.testing.assert_allclose(fig.params["mu"], [-2.0, 0.0, 2.0])
    png0 = ex.image.value
    ex.controls["mu1"].value = 1.25
    assert fig.params["mu"][1] == pytest.approx(1.25)
    assert ex.image.value != png0
    ex.controls["logit2"].value = 3.0
    np.testing.assert_allclose(fig.params["pi"], softmax_ref([1.0, 0.0, 3.0]), rtol=1e-12)
    ex.controls["K"].value = 5
    assert len(fig.params["pi"]) == 5 and fig.artists["hist"][4].get_visible()
    rows = [c for c in ex.widget.children if hasattr(c, "children") and len(c.children) == 4]
    assert [r.layout.display for r in rows] == [None] * 5 + ["none"]
    ex.controls["n"].value = 10_000
    ex.controls["seed"].value = 7
    assert fig.params["n"] == 10_000 and fig.params["seed"] == 7
    # calling the callback directly with changed values goes straight to update
    values = ex.values()
    values.update(K=2, mu0=-3.0, log_s0=np.log(0.2), logit0=0.0, logit1=0.0)
    ex.callback(**values)
    np.testing.assert_allclose(fig.params["pi"], [0.5, 0.5])
    assert fig.params["mu"][0] == pytest.approx(-3.0) and fig.params["s"][0] == pytest.approx(0.2)
    assert plt.get_fignums() == []


def mixture_cdf_ref(x, pi, mu, s):
    """Independent reference: Σ_k π_k σ((x - μ_k)/s_k)."""
    z = (x - np.asarray(mu)) / np.asarray(s)
    return float(np.sum(np.asarray(pi) / (1 + np.exp(-z))))


def test_mixture_log_scale_sliders_reach_vocoder_scale():
    # the book's running example (book/mixtures.md), as a network emits it
    logits, mu, log_s = [1.0, 0.3, -0.4], [-0.45, 0.05, 0.5], np.log([0.06, 0.15, 0.04])
    ex = W.mixture_explorer(K=3, logits=logits, mu=mu, log_s=log_s, n=10_000)
    fig = ex.figure
    np.testing.assert_allclose(fig.params["s"], [0.06, 0.15, 0.04], rtol=1e-12)
    # one linear log s slider per component, on [-7, 1]; no s sliders
    for k in range(6):
        w = ex.controls[f"log_s{k}"]
        assert (w.min, w.max) == (-7.0, 1.0) and w.description == f"log s{chr(0x2080 + k)}"
        assert f"s{k}" not in ex.controls
    np.testing.assert_allclose([ex.controls[f"log_s{k}"].value for k in range(3)], log_s, atol=0.01)
    # the floor of the vocoder's loss, log s = -7, is on the slider and reaches the figure
    png0 = ex.image.value
    ex.controls["log_s2"].value = -7.0
    assert fig.params["s"][2] == pytest.approx(np.exp(-7.0))
    assert ex.image.value != png0
    # s= is still accepted and converted to log s
    ex_s = W.mixture_explorer(K=3, logits=logits, mu=mu, s=[0.06, 0.15, 0.04], n=10_000)
    np.testing.assert_allclose(ex_s.figure.params["s"], [0.06, 0.15, 0.04], rtol=1e-12)
    assert ex_s.values() == ex.values() | {"log_s2": ex_s.controls["log_s2"].value}
    # default x range "auto": holds the central 99.8 % of the start mixture (|x| < 0.9), and
    # not much more
    assert ex_s.controls["xlim"].value == "auto"
    ex_s.callback(**ex_s.values())
    lo, hi = ex_s.figure.xlim
    pi = softmax_ref(logits)
    assert mixture_cdf_ref(lo, pi, mu, np.exp(log_s)) < 1e-3
    assert 1 - mixture_cdf_ref(hi, pi, mu, np.exp(log_s)) < 1e-3
    assert -1.5 < lo and hi < 1.5
    fixed = W.mixture_explorer(K=2, xlim=(-1.0, 1.0))
    assert fixed.figure.xlim == (-1.0, 1.0) and fixed.controls["xlim"].label == "±1 (audio)"
    for explorer in (ex, ex_s, fixed):
        explorer.close()
    assert plt.get_fignums() == []


def test_logistic_inversion_gumbel_discretized_callbacks():
    lo = W.logistic_explorer(mu=1.0, s=2.0, n=10_000, seed=3)
    params = dict(lo.figure.params)
    assert params.pop("s") == pytest.approx(2.0, rel=1e-12)
    assert params.pop("xlim") == lo.figure.xlim
    assert params == {
        "mu": 1.0,
        "n": 10_000,
        "seed": 3,
        "gaussian": True,
        "logy": False,
        "eps": 1e-5,
    }
    lo.controls["logy"].value = True
    assert lo.figure.params["logy"] and lo.figure.ax.get_yscale() == "log"

    inv = W.inversion_explorer(u=0.3)
    inv.callback(**{**inv.values(), "u": 0.95, "mu": -1.0, "eps": 1e-3})
    assert inv.figure.params["u"] == 0.95 and inv.figure.params["eps"] == 1e-3
    assert inv.figure.params["mu"] == -1.0

    gu = W.gumbel_explorer(logits=[2.0, 0.0, -1.0])
    gu.controls["temperature"].value = 2.0
    assert gu.figure.params["temperature"] == pytest.approx(2.0)
    gu.controls["logit0"].value = -4.0
    np.testing.assert_allclose(gu.figure.params["logits"], [-4.0, 0.0, -1.0])

    # default start values: equal weights, μ spread over the documented ranges
    mi = W.mixture_explorer(K=3)
    np.testing.assert_allclose(mi.figure.params["pi"], [1 / 3] * 3, rtol=1e-12)
    np.testing.assert_allclose(mi.figure.params["mu"], [-3.0, 0.0, 3.0])
    np.testing.assert_allclose(W.mixture_explorer(K=1).figure.params["mu"], [0.0])
    np.testing.assert_allclose(W.discretized_explorer(K=2).figure.params["mu"], [-0.5, 0.9])
    np.testing.assert_allclose(W.discretized_explorer(K=1).figure.params["mu"], [0.9])

    di = W.discretized_explorer(K=1, mu=[0.9], s=[0.05], bits=8)
    di.controls["bits"].value = 16
    assert di.figure.params["bits"] == 16 and di.figure.probs.size == 65536
    np.testing.assert_allclose(di.figure.params["mu"], [0.9])


def test_bad_start_values_raise_clear_errors():
    with pytest.raises(ValueError, match=r"K must be an integer in \[1, 6\], got K = 0"):
        W.mixture_explorer(K=0)
    with pytest.raises(ValueError, match=r"K must be an integer in \[1, 6\], got K = 7"):
        W.mixture_explorer(K=7)
    with pytest.raises(ValueError, match=r"K_max must be an integer in \[1, 10\]"):
        W.mixture_explorer(K=3, K_max=11)
    with pytest.raises(TypeError, match="K must be an int"):
        W.mixture_explorer(K=2.0)
    with pytest.raises(ValueError, match=r"mu must have shape \(K,\) = \(3,\), got shape \(2,\)"):
        W.mixture_explorer(K=3, mu=[0.0, 1.0])
    with pytest.raises(ValueError, match=r"mu\[0\] must be in \[-5, 5\]"):
        W.mixture_explorer(K=2, mu=[9.0, 0.0])
    with pytest.raises(ValueError, match=r"log_s\[1\] must be in \[-7, 1\]"):
        W.mixture_explorer(K=2, log_s=[-3.0, -8.0])
    with pytest.raises(ValueError, match=r"log_s\[0\] must be in \[-7, 1\]"):
        W.mixture_explorer(K=2, s=[1e-4, 0.1])
    with pytest.raises(ValueError, match=r"s must be > 0 .*got min\(s\) = -0.1"):
        W.mixture_explorer(K=2, s=[-0.1, 0.1])
    with pytest.raises(ValueError, match="give log_s or s"):
        W.mixture_explorer(K=2, s=[0.1, 0.1], log_s=[-2.0, -2.0])
    with pytest.raises(ValueError, match=r"log_s must have shape \(K,\) = \(2,\)"):
        W.mixture_explorer(K=2, log_s=[-2.0])
    with pytest.raises(ValueError, match="xlim must be finite"):
        W.mixture_explorer(K=2, xlim=(1.0, -1.0))
    with pytest.raises(ValueError, match="n must be one of"):
        W.logistic_explorer(n=12345)
    with pytest.raises(ValueError, match=r"s must be > 0 .*got s = 0.0"):
        W.logistic_explorer(s=0.0)
    with pytest.raises(ValueError, match=r"s must be in \[e\^-7, e\^1\].*got s = 5.0"):
        W.inversion_explorer(s=5.0)
    with pytest.raises(ValueError, match=r"log_s must be in \[-7, 1\]"):
        W.logistic_explorer(log_s=-8.0)
    with pytest.raises(ValueError, match="give log_s or s"):
        W.inversion_explorer(s=1.0, log_s=0.0)
    with pytest.raises(ValueError, match="xlim must be a pair"):
        W.logistic_explorer(xlim="wide")
    with pytest.raises(ValueError, match=r"log_s\[0\] must be in \[-9, 1\]"):
        W.discretized_explorer(K=1, log_s=[-9.5])
    with pytest.raises(ValueError, match="edge must be 1"):
        W.discretized_explorer(edge=2)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 99\]"):
        W.inversion_explorer(seed=100)
    with pytest.raises(ValueError, match=r"u must be in \[0.001, 0.999\]"):
        W.inversion_explorer(u=1.0)
    with pytest.raises(ValueError, match="logits must be 1-D"):
        W.gumbel_explorer(logits=[[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"K must be an integer in \[1, 6\], got K = 7"):
        W.gumbel_explorer(logits=np.zeros(7))
    with pytest.raises(ValueError, match=r"bits must be an integer in \[2, 16\]"):
        W.discretized_explorer(bits=17)
    assert plt.get_fignums() == []


def count_updates(explorer):
    """Wrap the figure's update to count calls (each is one redraw of the widget)."""
    calls = []
    update = explorer.figure.update

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return update(*args, **kwargs)

    explorer.figure.update = counted
    return calls


@pytest.mark.parametrize("kind", ["logistic", "inversion"])
def test_log_scale_slider_and_fitted_x_range_reach_vocoder_scale(kind):
    make = W.logistic_explorer if kind == "logistic" else W.inversion_explorer
    ex = make(mu=0.1, log_s=-7.0, n=10_000)
    w = ex.controls["log_s"]
    assert (w.min, w.max, w.step) == (-7.0, 1.0, 0.01) and "s" not in ex.controls
    fig = ex.figure
    s = np.exp(-7.0)
    assert fig.params["s"] == pytest.approx(s, rel=1e-12)
    # "auto" (the default) fits μ ± 6.91 s: 0.0126 wide here, where the old view was [-10, 10]
    assert ex.controls["xlim"].value == "auto"
    lo, hi = fig.xlim
    assert lo < 0.1 - 6.9 * s and hi > 0.1 + 6.9 * s and hi - lo < 0.03
    assert (
        fig.samples.min() >= lo - 12 * s and np.mean((fig.samples > lo) & (fig.samples < hi)) > 0.99
    )
    # moving log s re-fits the range
    ex.controls["log_s"].value = 0.0
    assert fig.params["s"] == pytest.approx(1.0) and fig.xlim[1] - fig.xlim[0] > 10
    # a fixed range from the control
    ex.controls["xlim"].value = (-3.0, 3.0)
    assert fig.xlim == (-3.0, 3.0) and fig.params["xlim"] == (-3.0, 3.0)
    labels = [label for label, _ in ex.controls["xlim"].options]
    assert labels == ["auto (fit)", "±0.01", "±0.1", "±1 (audio)", "±3", "±10", "±30"]
    # s= is still accepted and converted
    ex_s = make(s=0.5)
    assert ex_s.controls["log_s"].value == pytest.approx(np.log(0.5))
    assert ex_s.figure.params["s"] == pytest.approx(0.5, rel=1e-12)
    if kind == "inversion":
        ex.controls["logit_scale"].value = True
        assert fig.ax_cdf.get_yscale() == "logit" and fig.params["logit_scale"]
    for e in (ex, ex_s):
        e.close()


def test_mixture_x_range_control_lists_components_and_redraws_once():
    ex = W.mixture_explorer(K=3, mu=[-0.45, 0.05, 0.5], log_s=[-3.0, -2.0, -7.0], n=10_000)
    xr = ex.controls["xlim"]
    labels = [label for label, _ in xr.options]
    assert labels[:4] == ["auto (fit)", "component 0", "component 1", "component 2"]
    assert "±1 (audio)" in labels
    xr.value = "component 2"
    lo, hi = ex.figure.xlim
    assert lo < 0.5 < hi and hi - lo < 0.02  # s₂ = 0.0009
    assert ex.figure.artists["narrow"].get_text() == ""
    ex.controls["logy"].value = True
    assert ex.figure.ax.get_yscale() == "log" and ex.figure.params["logy"]
    calls = count_updates(ex)
    ex.controls["K"].value = 2  # component 2 is gone: back to "auto", in one redraw
    assert len(calls) == 1 and calls[0]["xlim"] == "auto" and xr.value == "auto"
    assert [label for label, _ in xr.options][:3] == ["auto (fit)", "component 0", "component 1"]
    xr.value = "component 1"
    ex.controls["K"].value = 4  # the choice is kept
    assert len(calls) == 3 and calls[-1]["xlim"] == "component 1" and xr.value == "component 1"
    assert ex.figure.params["pi"].shape == (4,)
    ex.controls["K"].value = 1  # K = 1: no component entries
    assert [label for label, _ in xr.options][1] == "±0.01" and xr.value == "auto"
    # a range that is not on the list gets its own entry
    odd = W.mixture_explorer(K=2, xlim=(-0.5, 2.0))
    assert odd.controls["xlim"].label == "[-0.5, 2]" and odd.figure.xlim == (-0.5, 2.0)
    for e in (ex, odd):
        e.close()


def test_discretized_log_scales_reach_below_the_loss_clamp_and_edge_toggle():
    ex = W.discretized_explorer(
        K=2, logits=[0.4, 0.0], mu=[-0.9995, 0.3], log_s=[-7.8, -1.6], bits=16, edge=-1
    )
    fig = ex.figure
    for k in range(3):
        w = ex.controls[f"log_s{k}"]
        assert (w.min, w.max, w.step) == (-9.0, 1.0, 0.01)
    np.testing.assert_allclose(fig.params["s"], np.exp([-7.8, -1.6]), rtol=1e-12)
    assert fig.params["mu"][0] == -0.9995 and fig.params["edge"] == -1
    assert "x < -0.999" in fig.artists["zoom_title"].get_text()
    ex.controls["edge"].value = 1
    assert fig.params["edge"] == 1 and "x > 0.999" in fig.artists["zoom_title"].get_text()
    ex.controls["log_s0"].value = -9.0
    assert fig.params["s"][0] == pytest.approx(np.exp(-9.0))
    old = W.discretized_explorer(K=1, s=[0.05])  # s= still accepted
    assert old.controls["log_s0"].value == pytest.approx(np.log(0.05))
    for e in (ex, old):
        e.close()
