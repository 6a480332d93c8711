"""Draw the README figure with molviz's own plotting functions (no hand-made drawing).

Left: the layout of a vocoder's output tensor y of shape (B, 3K, T): logits, means, log-scales.
Right: the mixture those 3K numbers describe at one time step, with a histogram of samples drawn by
molviz's two-stage sampler (component by Gumbel-max, value by inversion), coloured by component.

    python scripts/make_readme_figure.py                   # writes book/_static/readme-figure.png
    python scripts/make_readme_figure.py --output out.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from molviz import plotting

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "book" / "_static" / "readme-figure.png"


def make_figure():
    """The two-panel figure (a matplotlib Figure)."""
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 3.8), gridspec_kw={"width_ratios": [1, 1.5]}, layout="constrained"
    )
    plotting.plot_channel_layout(left, K=3, T=8, B=2, t=4)
    left.set_title("vocoder output y: (B, 3K, T)")
    pi = np.array([0.5, 0.3, 0.2])
    mu = np.array([-0.45, 0.05, 0.5])
    s = np.array([0.08, 0.05, 0.12])
    plotting.plot_mixture(right, pi, mu, s, n=200_000, seed=0, xlim=(-1.0, 1.0))
    right.set_title("the mixture at one time step t, and 200 000 samples")
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    fig = make_figure()
    fig.savefig(args.output, dpi=110)
    plt.close(fig)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
