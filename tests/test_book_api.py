"""The API reference page builds cleanly on its own: a quick check of every public docstring.

Builds only ``book/appendix/api.md`` with the book's own ``_config.yml`` (same extensions, napoleon
and nitpick settings, ``-W -n``), through the same code path as the full book build, in seconds.
Docstrings are reStructuredText there: a formula written as plain text can break it (``|x - μ|``
is a substitution reference, ``x*`` starts emphasis), so formulas go in double backticks or a
``:math:`` role; a Raises entry is ``ExceptionName: when``. The full build (test_book_build.py)
covers the same page again.
"""

from __future__ import annotations

import re

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def test_api_reference_builds_without_warnings(tmp_path, book_builder):
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: book/appendix/api\n", encoding="utf-8")
    result = book_builder.build_book(tmp_path / "out", toc=toc)
    log = ANSI_ESCAPE.sub("", result.log)
    problems = [
        line
        for line in log.splitlines()
        if re.search(r"(WARNING|ERROR|CRITICAL|SEVERE)(:| \[)", line) and "IPKernelApp" not in line
    ]
    assert result.ok and not problems, "API page build problems:\n" + "\n".join(
        problems or log.splitlines()[-30:]
    )
    page = (result.html_dir / "book" / "appendix" / "api.html").read_text(encoding="utf-8")
    assert 'id="molviz.logistic.logistic_pdf"' in page  # autodoc really documented the modules
