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
    # default x range: symmetric, round, and holding the central 99.8 % of the start mixture
    lo, hi = fig.xlim
    pi = softmax_ref(logits)
    assert lo == -hi and hi <= 2.0
    assert mixture_cdf_ref(lo, pi, mu, np.exp(log_s)) < 1e-3
    assert 1 - mixture_cdf_ref(hi, pi, mu, np.exp(log_s)) < 1e-3
    assert W.mixture_explorer(K=2, xlim=(-1.0, 1.0)).figure.xlim == (-1.0, 1.0)
    for explorer in (ex, ex_s):
        explorer.close()
    assert plt.get_fignums() == []


def test_logistic_inversion_gumbel_discretized_callbacks():
    lo = W.logistic_explorer(mu=1.0, s=2.0, n=10_000, seed=3)
    assert lo.figure.params == {
        "mu": 1.0,
        "s": 2.0,
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
    with pytest.raises(ValueError, match=r"s must be in \[0.1, 5\]"):
        W.logistic_explorer(s=0.0)
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
