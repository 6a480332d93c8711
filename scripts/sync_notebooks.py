"""Pair every MyST notebook in book/ with an output-stripped .ipynb; keep its Colab cell current.

The chapters are MyST markdown notebooks (``book/X.md``, jupytext ``format_name: myst``). Colab
and Binder open ``.ipynb`` files, so each chapter has a committed twin ``book/X.ipynb`` generated
from the ``.md`` (no outputs, deterministic cell ids): edit only the ``.md`` and run this script.

The first code cell of every chapter is the Colab install cell, rendered from ``repository.url`` in
``_config.yml`` (the one place the repository is configured). In write mode an outdated install cell
(one that mentions ``google.colab`` but differs from the template) is rewritten in the ``.md``; a
chapter with no install cell is reported.

Usage::

    python scripts/sync_notebooks.py           # regenerate the .ipynb twins, update install cells
    python scripts/sync_notebooks.py --check   # change nothing; exit 1 listing every problem
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

REPO = Path(__file__).resolve().parent.parent

INSTALL_CELL_TEMPLATE = """\
# On Colab, install molviz (Colab's own torch is kept). Elsewhere this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "molviz @ git+{repository_url}"], check=True)"""

# A MyST code cell: the fence line, optional option lines (":tags: [...]" or a "---" YAML block),
# the body, the closing fence. Used to find and rewrite the first code cell of a chapter in place.
_CODE_CELL = re.compile(
    r"^(?P<fence>`{3,})\{code-cell\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def repository_url(root: Path = REPO) -> str:
    """``repository.url`` from ``_config.yml``, without a trailing slash or ``.git``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str(config["repository"]["url"]).rstrip("/")
    return url.removesuffix(".git")


def install_cell_source(root: Path = REPO) -> str:
    """The exact source of the Colab install cell (first code cell of every chapter)."""
    return INSTALL_CELL_TEMPLATE.format(repository_url=repository_url(root))


def is_myst_notebook(path: Path) -> bool:
    """True for a MyST notebook (a jupytext header with a kernelspec), false for a plain page."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    if end < 0:
        return False
    try:
        header = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError:
        return False
    return isinstance(header, dict) and "kernelspec" in header


def notebook_sources(root: Path = REPO) -> list[Path]:
    """Every MyST notebook under ``root/book``, sorted."""
    book = root / "book"
    return sorted(
        p
        for p in book.rglob("*.md")
        if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts and is_myst_notebook(p)
    )


def paired_ipynb_text(md_path: Path) -> str:
    """The .ipynb twin of a MyST notebook: no outputs, no execution counts, ids ``cell-<index>``."""
    nb = jupytext.read(md_path, fmt="md:myst")
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.metadata.get("jupytext", {}).pop("text_representation", None)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def first_code_cell(md_text: str) -> re.Match[str] | None:
    """The first ``{code-cell}`` block of a MyST notebook's text."""
    return _CODE_CELL.search(md_text)


def _split_cell(body: str) -> tuple[str, str]:
    """Split a MyST code-cell body into its option lines (kept verbatim) and its code."""
    lines = body.splitlines(keepends=True)
    n_options = 0
    if lines and lines[0].strip() == "---":  # a YAML options block
        close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        n_options = close + 1 if close is not None else 0
    else:
        while n_options < len(lines) and lines[n_options].startswith(":"):  # ":key: value" options
            n_options += 1
    return "".join(lines[:n_options]), "".join(lines[n_options:]).strip("\n")


def check_install_cell(md_path: Path, expected: str) -> str | None:
    """Return a problem description if the first code cell is not the Colab install cell."""
    nb = jupytext.read(md_path, fmt="md:myst")
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    if not code_cells:
        return "has no code cell; its first code cell must be the Colab install cell"
    if code_cells[0].source.strip("\n") != expected:
        return (
            "first code cell is not the Colab install cell rendered from _config.yml "
            "(see INSTALL_CELL_TEMPLATE in scripts/sync_notebooks.py)"
        )
    return None


def rewrite_install_cell(md_path: Path, expected: str) -> bool:
    """Rewrite an outdated install cell (a first code cell that mentions google.colab).

    Returns:
        True if the file was changed.
    """
    text = md_path.read_text(encoding="utf-8")
    match = first_code_cell(text)
    if match is None or "google.colab" not in match["body"]:
        return False
    options, code = _split_cell(match["body"])
    if code == expected:
        return False
    new_body = options + expected + "\n"
    start, end = match.span("body")
    md_path.write_text(text[:start] + new_body + text[end:], encoding="utf-8")
    return True


def sync(root: Path = REPO, *, check: bool) -> list[str]:
    """Check (``check=True``) or bring up to date every pair; return the problems left."""
    problems: list[str] = []
    expected_cell = install_cell_source(root)
    sources = notebook_sources(root)
    for md in sources:
        rel = md.relative_to(root)
        if not check and rewrite_install_cell(md, expected_cell):
            print(f"updated the Colab install cell of {rel}")
        try:
            cell_problem = check_install_cell(md, expected_cell)
            want = paired_ipynb_text(md)
        except Exception as exc:  # report an unreadable notebook and go on with the others
            problems.append(f"{rel}: cannot be read as a MyST notebook ({exc})")
            continue
        if cell_problem:
            problems.append(f"{rel}: {cell_problem}")
        ipynb = md.with_suffix(".ipynb")
        have = ipynb.read_text(encoding="utf-8") if ipynb.is_file() else None
        if have == want:
            continue
        if check:
            state = "missing" if have is None else "stale"
            problems.append(
                f"{ipynb.relative_to(root)}: {state} (run python scripts/sync_notebooks.py)"
            )
        else:
            ipynb.write_text(want, encoding="utf-8")
            print(f"wrote {ipynb.relative_to(root)}")
    paired = {md.with_suffix(".ipynb") for md in sources}
    for ipynb in sorted((root / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in ipynb.parts or "_build" in ipynb.parts or ipynb in paired:
            continue
        problems.append(
            f"{ipynb.relative_to(root)}: no MyST notebook {ipynb.with_suffix('.md').name} "
            "beside it "
            "(the .md is the source; delete the orphan or restore its .md)"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on problems")
    parser.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    problems = sync(args.root.resolve(), check=args.check)
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} notebook problem(s)", file=sys.stderr)
        return 1
    count = len(notebook_sources(args.root.resolve()))
    print(f"notebooks: {count} MyST notebook(s) in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
