"""The README stays true: its Python example runs, its figure exists, its commands exist.

Also checks the set-up contract of the brief: requirements.txt (Binder) has every runtime
dependency of the package as a range, the package itself, and no torch pin; scripts/setup.sh pins
the local CPU torch.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert blocks, "the README has no python example"
    code = "import matplotlib\nmatplotlib.use('Agg')\n" + "\n".join(blocks)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_readme_figure_exists_and_its_script_runs(tmp_path):
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", README)
    assert images, "the README shows no figure"
    for image in images:
        assert (REPO / image).is_file(), image
    out = tmp_path / "figure.png"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_readme_figure.py"), "--output", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readme_commands_exist():
    commands = re.findall(r"^bash (scripts/\S+\.sh)", README, re.MULTILINE)
    assert commands[:2] == ["scripts/book.sh", "scripts/test.sh"], commands
    for command in commands:
        assert (REPO / command).is_file(), command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^bash scripts/test\.sh$", ci, re.MULTILINE), "CI must run the README command"


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;@]", requirement.strip(), maxsplit=1)[0].lower()


def test_requirements_for_binder_cover_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [
        line.split("#", 1)[0].strip()
        for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    ]
    lines = [line for line in lines if line]
    assert "." in lines, "requirements.txt must install the package itself ('.')"
    names = {_name(line) for line in lines if line != "."}
    runtime = {_name(dep) for dep in project["dependencies"]}
    assert runtime <= names, f"runtime dependencies missing: {sorted(runtime - names)}"
    torch = [line for line in lines if _name(line) == "torch"]
    assert torch and "==" not in torch[0], "no torch pin in requirements.txt (Colab keeps its own)"


def test_setup_pins_the_local_cpu_torch():
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert re.search(r'^TORCH_VERSION="2\.13\.0"$', setup, re.MULTILINE)
    assert '"torch==$TORCH_VERSION"' in setup
