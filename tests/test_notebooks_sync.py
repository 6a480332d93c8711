"""The chapters' MyST sources and their committed .ipynb twins agree (scripts/sync_notebooks.py).

The first test is the real check of the repository; the others exercise the script on small
made-up books in a temporary folder, so that a broken check cannot pass silently.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "sync_notebooks.py"


def _load_sync():
    spec = importlib.util.spec_from_file_location("molviz_sync_notebooks_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync = _load_sync()

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def make_book(root: Path, url: str = "https://github.com/example/project") -> Path:
    """A tiny book: one chapter notebook (with the install cell for ``url``) and one plain page."""
    (root / "book").mkdir(parents=True)
    (root / "_config.yml").write_text(
        f"title: t\nrepository:\n  url: {url}\n  branch: main\n", encoding="utf-8"
    )
    cell = sync.INSTALL_CELL_TEMPLATE.format(repository_url=url)
    (root / "book" / "chapter.md").write_text(
        HEADER
        + "\n# A chapter\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
        + cell
        + "\n```\n\nText.\n\n```{code-cell} ipython3\nx = 1 + 1\nx\n```\n",
        encoding="utf-8",
    )
    (root / "book" / "plain.md").write_text("# A plain page\n\nNo code.\n", encoding="utf-8")
    return root


def test_repository_notebooks_are_in_sync():
    sources = sync.notebook_sources(REPO)
    assert sources, "no MyST notebook under book/"
    problems = sync.sync(REPO, check=True)
    assert not problems, "run `python scripts/sync_notebooks.py`:\n" + "\n".join(problems)


def test_check_reports_missing_stale_and_orphan_pairs(tmp_path):
    root = make_book(tmp_path)
    assert sync.notebook_sources(root) == [root / "book" / "chapter.md"]  # plain.md is no notebook

    problems = sync.sync(root, check=True)
    assert problems == ["book/chapter.ipynb: missing (run python scripts/sync_notebooks.py)"]
    assert not (root / "book" / "chapter.ipynb").exists()  # --check writes nothing

    assert sync.sync(root, check=False) == []
    assert sync.sync(root, check=True) == []

    md = root / "book" / "chapter.md"
    md.write_text(md.read_text(encoding="utf-8").replace("x = 1 + 1", "x = 2 + 2"), "utf-8")
    assert sync.sync(root, check=True) == [
        "book/chapter.ipynb: stale (run python scripts/sync_notebooks.py)"
    ]
    sync.sync(root, check=False)
    assert "x = 2 + 2" in (root / "book" / "chapter.ipynb").read_text(encoding="utf-8")

    (root / "book" / "orphan.ipynb").write_text("{}", encoding="utf-8")
    problems = sync.sync(root, check=True)
    assert len(problems) == 1 and problems[0].startswith("book/orphan.ipynb: no MyST notebook")


def test_paired_notebook_is_output_free_and_deterministic(tmp_path):
    root = make_book(tmp_path)
    md = root / "book" / "chapter.md"
    first = sync.paired_ipynb_text(md)
    assert first == sync.paired_ipynb_text(md)
    nb = json.loads(first)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 2
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i}" for i in range(len(nb["cells"]))]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert code[0]["metadata"]["tags"] == ["remove-cell"]


def test_install_cell_follows_the_configured_repository(tmp_path):
    root = make_book(tmp_path, url="https://github.com/example/project")
    sync.sync(root, check=False)
    assert sync.sync(root, check=True) == []

    # Move the repository: the check fails until the sync rewrites the cell (keeping its options).
    (root / "_config.yml").write_text(
        "title: t\nrepository:\n  url: https://github.com/other/place.git\n", encoding="utf-8"
    )
    problems = sync.sync(root, check=True)
    assert any("first code cell is not the Colab install cell" in p for p in problems)
    assert sync.sync(root, check=False) == []
    text = (root / "book" / "chapter.md").read_text(encoding="utf-8")
    assert '"molviz @ git+https://github.com/other/place"' in text
    assert ":tags: [remove-cell]" in text
    assert "x = 1 + 1" in text


def test_missing_install_cell_is_reported(tmp_path):
    root = make_book(tmp_path)
    md = root / "book" / "chapter.md"
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace('if "google.colab" in sys.modules:', "if True:"), "utf-8")
    problems = sync.sync(root, check=False)
    assert any("first code cell is not the Colab install cell" in p for p in problems)


def test_repository_install_cell_installs_from_the_configured_url():
    cell = sync.install_cell_source(REPO)
    url = sync.repository_url(REPO)
    assert url.startswith("https://github.com/")
    assert f'"molviz @ git+{url}"' in cell
    assert "torch" not in cell.split("\n", 1)[1]  # Colab's torch is never reinstalled


def test_install_cell_does_nothing_outside_colab(monkeypatch):
    """Run the cell as a notebook would: without google.colab it must not call pip."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(sync.install_cell_source(REPO), "<install cell>", "exec"), {})
    assert calls == []

    monkeypatch.setitem(sys.modules, "google.colab", object())
    exec(compile(sync.install_cell_source(REPO), "<install cell>", "exec"), {})
    assert len(calls) == 1
    assert calls[0][0][-1] == f"molviz @ git+{sync.repository_url(REPO)}"


def test_command_line_check_exit_status(tmp_path):
    root = make_book(tmp_path)
    cmd = [sys.executable, str(SCRIPT), "--root", str(root), "--check"]
    missing = subprocess.run(cmd, capture_output=True, text=True)
    assert missing.returncode == 1
    assert "book/chapter.ipynb: missing" in missing.stderr
    subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)], check=True)
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
