"""Helpers for running the book's notebooks anywhere: the Jupyter Book build, local Jupyter, Colab.

The chapters "glue" computed numbers into their prose (``{glue:text}`name:.4f```) with myst-nb's
``glue``, so that no number in the text can go stale. myst-nb is part of the book build but not
of a Colab or plain Jupyter session, where the chapters must still run: :func:`glue` uses myst-nb
when it is installed and otherwise just shows the value (or nothing, for ``display=False``).
"""

from __future__ import annotations

__all__ = ["glue"]


def glue(name, variable, display=True):
    """Store ``variable`` under ``name`` for the book's ``{glue}`` roles; show it if ``display``.

    Args:
        name: key used in the text, e.g. ``{glue:text}`name:.3f```.
        variable: the value (a Python number, string, figure, ...).
        display: also show the value in the cell's output.

    See myst-nb's ``glue`` documentation; this only adds the fallback for sessions without it.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(variable)
        return
    myst_glue(name, variable, display=display)
