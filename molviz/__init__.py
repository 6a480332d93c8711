"""molviz: sampling from a mixture of logistics (MoL), as WaveNet and PixelCNN++ do, made visible.

Layout (one idea per module):

- :mod:`molviz.logistic`      the logistic distribution, numpy/scipy, float64 (pdf, cdf, ppf, ...)
- :mod:`molviz.mixture`       mixtures of logistics, softmax, discretized bin probabilities
- :mod:`molviz.gumbel`        the Gumbel distribution, clipped Gumbel-max choice probabilities
- :mod:`molviz.sampling`      PyTorch Gumbel-max and inversion sampling, ``sample_mol``
- :mod:`molviz.distributions` ``Logistic`` and ``MixtureOfLogistics`` in torch.distributions style
- :mod:`molviz.vocoder`       the vocoder's sampler (bit-identical) and loss (same values), faster
- :mod:`molviz.mulaw`         μ-law companding and quantization, as in WaveNet
- :mod:`molviz.gaussian`      discretized Gaussian, Gaussian-mixture sampler and loss (chapter 7)
- :mod:`molviz.book`          ``glue`` for the chapters, with a fallback where myst-nb is absent
- :mod:`molviz.explorer`      in-browser (JavaScript) explorers for the static site
- :mod:`molviz.plotting`      matplotlib figures used by the book (imported on first use)
- :mod:`molviz.widgets`       ipywidgets explorers for Jupyter and Colab (imported on first use)

The book that explains all of it lives in ``book/``; start with ``book/intro.md``.
"""

import importlib

from molviz import (
    distributions,
    explorer,
    gaussian,
    gumbel,
    logistic,
    mixture,
    mulaw,
    sampling,
    vocoder,
)
from molviz.distributions import *  # noqa: F403
from molviz.explorer import *  # noqa: F403
from molviz.gaussian import *  # noqa: F403
from molviz.gumbel import *  # noqa: F403
from molviz.logistic import *  # noqa: F403
from molviz.mixture import *  # noqa: F403
from molviz.mulaw import *  # noqa: F403
from molviz.sampling import *  # noqa: F403
from molviz.vocoder import *  # noqa: F403

__version__ = "0.1.0"

_LAZY_SUBMODULES = ("plotting", "widgets")

__all__ = [
    *distributions.__all__,
    *explorer.__all__,
    *gaussian.__all__,
    *gumbel.__all__,
    *logistic.__all__,
    *mixture.__all__,
    *mulaw.__all__,
    *sampling.__all__,
    *vocoder.__all__,
    *_LAZY_SUBMODULES,
]


def __getattr__(name):
    # matplotlib and ipywidgets are only imported when a figure or a widget is asked for, so
    # `import molviz` stays light for people who only want the sampler.
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"molviz.{name}")
    raise AttributeError(f"module 'molviz' has no attribute {name!r}")
