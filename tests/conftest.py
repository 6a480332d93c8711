"""Shared pytest fixtures: the book is built once per session, for the book and the browser tests.

``built_book`` runs the same clean build as ``scripts/book.sh`` (``scripts/build_book.py``: empty
``_build``, every notebook executed, Sphinx ``-W -n --keep-going``) into a temporary folder, so a
test run never touches the ``_build`` a reader opened. The log is kept in
``artifacts/book-build.log``.

Set ``MOLVIZ_BOOK_HTML=/path/to/_build/html`` to reuse an existing build while working on the
browser tests; the build test is then skipped (it is never set in CI).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"


def _load_build_module():
    """Import scripts/build_book.py (scripts/ is not a package)."""
    path = REPO / "scripts" / "build_book.py"
    spec = importlib.util.spec_from_file_location("molviz_build_book", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build_book_module = _load_build_module()


@pytest.fixture(scope="session")
def book_builder():
    """The scripts/build_book.py module (``build_book(output, toc=...)``, ``BuildResult``)."""
    return build_book_module


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A clean build of the whole book: a ``BuildResult`` (returncode, html_dir, log, seconds)."""
    reuse = os.environ.get("MOLVIZ_BOOK_HTML")
    if reuse:
        html_dir = Path(reuse).resolve()
        if not (html_dir / "index.html").is_file():
            pytest.fail(f"MOLVIZ_BOOK_HTML={reuse} has no index.html")
        return build_book_module.BuildResult(0, html_dir, "(reused, not built)", 0.0)
    out = tmp_path_factory.mktemp("book")
    result = build_book_module.build_book(out)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "book-build.log").write_text(result.log, encoding="utf-8")
    return result


@pytest.fixture(scope="session")
def book_html(built_book) -> Path:
    """The html folder of the build.

    A build that only warned still wrote every page, so the site tests run on it (and report their
    own findings in the same run); test_book_build.py fails on the warnings. A build that stopped
    (a cell error aborts it) has no site, and the tests that need one fail here.
    """
    if not (built_book.html_dir / "index.html").is_file():
        pytest.fail(
            f"the book build stopped (exit status {built_book.returncode}) without writing the "
            "site; see test_book_build.py's report or artifacts/book-build.log"
        )
    return built_book.html_dir
