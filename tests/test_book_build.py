"""The book build as a test, and static checks of the built site.

``built_book`` (tests/conftest.py) builds the whole book once per session from a clean ``_build``
with every notebook executed and Sphinx ``-W -n --keep-going``. These tests fail on any build
warning or cell error, on a toc entry without a page, on a notebook that was not executed, on a
missing or wrong launch button, on anything the site would load from outside (the browser tests
check the same at run time), and on an ipywidgets view rendered on the static site.
"""

from __future__ import annotations

import html.parser
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.book

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Sphinx's warning/error lines ("path:line: WARNING: ...", "WARNING: ...", "ERROR: ...").
PROBLEM_LINE = re.compile(r"(WARNING|ERROR|CRITICAL|SEVERE)(:| \[)")
PROGRESS_LINE = re.compile(r"(reading sources|writing output|copying images)\.\.\. |\s*$")


toc_documents = sys.modules["molviz_build_book"].toc_documents  # loaded by tests/conftest.py


def source_of(doc: str) -> Path:
    for suffix in (".md", ".ipynb"):
        path = REPO / f"{doc}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml lists {doc!r} but there is no {doc}.md")


def _sync_module():
    """scripts/sync_notebooks.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "molviz_sync_notebooks", REPO / "scripts" / "sync_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_documents() -> list[str]:
    """The toc documents that are MyST notebooks (they are executed and get launch buttons)."""
    sync = _sync_module()
    return [doc for doc in toc_documents() if sync.is_myst_notebook(source_of(doc))]


def test_book_builds_without_warnings(built_book):
    if built_book.log == "(reused, not built)":
        pytest.skip("MOLVIZ_BOOK_HTML is set: reusing a build, not building")
    log = ANSI.sub("", built_book.log)
    problems = [
        line
        for line in log.splitlines()
        if PROBLEM_LINE.search(line) and "[IPKernelApp] WARNING" not in line
    ]
    print(f"book build: {built_book.seconds:.1f} s, exit status {built_book.returncode}")
    assert built_book.returncode == 0 and not problems, (
        f"the book build failed (exit status {built_book.returncode}) with "
        f"{len(problems)} warning/error line(s):\n"
        + "\n".join(problems[:200])
        + "\n--- end of the build log (progress lines left out) ---\n"
        + "\n".join([line for line in log.splitlines() if not PROGRESS_LINE.match(line)][-25:])
    )
    assert (built_book.html_dir / "index.html").is_file()


def test_every_toc_document_has_a_page(book_html):
    missing = [doc for doc in toc_documents() if not (book_html / f"{doc}.html").is_file()]
    assert not missing, f"no html page for {missing}"


def test_every_notebook_was_executed(book_html):
    """Each chapter notebook ran in full during the build: every code cell has a count."""
    executed_dir = book_html.parent / "jupyter_execute"
    problems = []
    for doc in notebook_documents():
        path = executed_dir / f"{doc}.ipynb"
        if not path.is_file():
            problems.append(f"{doc}: no executed notebook {path}")
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            if not isinstance(cell.get("execution_count"), int):
                tags = cell.get("metadata", {}).get("tags", [])
                why = " (tagged skip-execution: its code is never tested)" * (
                    "skip-execution" in tags
                )
                problems.append(f"{doc}: code cell {i} was not executed{why}")
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    problems.append(f"{doc}: code cell {i} raised {out.get('ename')}")
    assert not problems, "\n".join(problems)


def _repository():
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    owner, name = urlsplit(repo["url"]).path.strip("/").removesuffix(".git").split("/")[:2]
    return owner, name, repo.get("branch", "main"), config["launch_buttons"]


def test_launch_buttons_open_the_paired_notebook(book_html):
    """Colab and Binder buttons on every chapter point at the committed book/<chapter>.ipynb."""
    owner, name, branch, launch = _repository()
    colab = launch["colab_url"].rstrip("/")
    binder = launch["binderhub_url"].rstrip("/")
    prefix = {"classic": "tree", "jupyterlab": "lab/tree"}[launch["notebook_interface"]]
    problems = []
    docs = notebook_documents()
    assert docs, "no MyST notebook in the toc"
    for doc in docs:
        page = (book_html / f"{doc}.html").read_text(encoding="utf-8")
        want = {
            "Colab": f"{colab}/github/{owner}/{name}/blob/{branch}/{doc}.ipynb",
            "Binder": f"{binder}/v2/gh/{owner}/{name}/{branch}?urlpath={prefix}/{doc}.ipynb",
        }
        for label, url in want.items():
            if f'href="{url}"' not in page:
                problems.append(f"{doc}: no {label} button to {url}")
        if not (REPO / f"{doc}.ipynb").is_file():
            problems.append(f"{doc}: the buttons open {doc}.ipynb, which is not in the repository")
    assert not problems, "\n".join(problems)


class _ExternalLoads(html.parser.HTMLParser):
    """Every URL a page would LOAD (scripts, styles, images, frames, media) from another host."""

    LOADING: ClassVar[dict[str, str]] = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "audio": "src",
        "video": "src",
        "source": "src",
        "embed": "src",
        "object": "data",
    }

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = None
        if tag in self.LOADING:
            url = attrs.get(self.LOADING[tag])
        elif tag == "link" and set((attrs.get("rel") or "").split()) & {
            "stylesheet",
            "preload",
            "modulepreload",
            "icon",
            "prefetch",
            "preconnect",
            "dns-prefetch",
            "manifest",
        }:
            url = attrs.get("href")
        if url and (urlsplit(url).scheme in ("http", "https") or url.startswith("//")):
            self.urls.append(f"<{tag}> {url}")


def test_site_loads_nothing_from_outside(book_html):
    problems = []
    for path in sorted(book_html.rglob("*.html")):
        parser = _ExternalLoads()
        parser.feed(path.read_text(encoding="utf-8"))
        problems += [f"{path.relative_to(book_html)}: {url}" for url in parser.urls]
    css_url = re.compile(r"url\(\s*['\"]?(https?:)?//", re.IGNORECASE)
    for path in sorted(book_html.rglob("*.css")):
        if css_url.search(path.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{path.relative_to(book_html)}: url(...) to another host")
    assert not problems, "\n".join(problems)


def test_mathjax_is_served_from_the_site(book_html):
    """sphinx-mathjax-offline copies MathJax 3 into _static; pages with math load it from there."""
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (book_html / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    with_math = [
        p
        for p in book_html.rglob("*.html")
        if 'class="math notranslate nohighlight"' in p.read_text(encoding="utf-8")
    ]
    assert with_math, "no page has math; the check below would prove nothing"
    for page in with_math:
        assert "_static/mathjax/tex-chtml.js" in page.read_text(encoding="utf-8"), page


def test_widget_views_are_not_rendered(book_html):
    """ipywidgets views never reach the static site (no widget JS, no CDN); their PNG does."""
    problems = []
    for path in sorted(book_html.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for marker in (
            'type="application/vnd.jupyter.widget-view+json"',
            "embed-amd.js",
            "require.min.js",
            "@jupyter-widgets/html-manager",
        ):
            if marker in text:
                problems.append(f"{path.relative_to(book_html)}: {marker}")
    assert not problems, "\n".join(problems)


def test_api_page_documents_every_public_module():
    """book/appendix/api.md has an automodule for each public molviz module (molviz/<name>.py)."""
    api = (REPO / "book" / "appendix" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: molviz\.(\w+)", api, re.MULTILINE))
    public = {p.stem for p in (REPO / "molviz").glob("*.py") if not p.stem.startswith("_")}
    assert public, "no public module in molviz/"
    assert documented == public, (
        f"modules without an API section: {sorted(public - documented)}; "
        f"API sections for missing modules: {sorted(documented - public)}"
    )
