"""Clean build of the molviz book (Jupyter Book 1), shared by scripts/book.sh and the tests.

The build always starts from an empty ``<output>/_build`` (no stale pages, no execution cache),
executes every notebook (``execute_notebooks: force`` in ``_config.yml``) and runs Sphinx with
``-W -n --keep-going``: every warning, including nitpicky unresolved references and anything a
cell writes to stderr, fails the build, and all of them are reported in one run.

Usage::

    python scripts/build_book.py                  # build into _build/html
    python scripts/build_book.py --serve [PORT]   # build, then serve on http://127.0.0.1:PORT
    python scripts/build_book.py --output DIR     # build into DIR/_build/html instead
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import http.server
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class BuildResult:
    """Outcome of one book build: exit status, html folder, combined log and wall time."""

    returncode: int
    html_dir: Path
    log: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and (self.html_dir / "index.html").is_file()


def toc_documents(root: Path = REPO) -> list[str]:
    """Every document of ``_toc.yml`` (root first, then in reading order), without extension."""
    import yaml  # a dependency of jupyter-book; imported here so ``--help`` works without it

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return docs


def jupyter_book_command() -> list[str]:
    """The ``jupyter-book`` executable of the running interpreter's environment."""
    exe = Path(sys.executable).parent / "jupyter-book"
    if not exe.is_file():
        raise FileNotFoundError(
            f"jupyter-book not found next to {sys.executable}; run `bash scripts/setup.sh` first"
        )
    return [str(exe)]


def build_book(output: Path = REPO, *, toc: Path | None = None, echo: bool = False) -> BuildResult:
    """Build the book from clean into ``output/_build/html``.

    Args:
        output: folder that receives ``_build`` (the repository itself by default).
        toc: another table of contents (a subset of the pages; default ``_toc.yml``).
        echo: also stream the build log to stdout while it runs.

    Returns:
        A :class:`BuildResult`; ``ok`` is true only for a warning-free build.
    """
    output = Path(output).resolve()
    build_dir = output / "_build"
    shutil.rmtree(build_dir, ignore_errors=True)
    output.mkdir(parents=True, exist_ok=True)
    cmd = [
        *jupyter_book_command(),
        "build",
        str(REPO),
        "--path-output",
        str(output),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
        *(["--toc", str(Path(toc).resolve())] if toc is not None else []),
    ]
    # The notebooks run in this environment's "python3" kernel (ipykernel in .venv), even if the
    # user's Jupyter folders hold another kernel of that name.
    env = {**os.environ, "JUPYTER_PREFER_ENV_PATH": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    returncode = proc.wait()
    seconds = time.perf_counter() - start
    return BuildResult(returncode, build_dir / "html", "".join(lines), seconds)


def serve(html_dir: Path, port: int) -> None:
    """Serve ``html_dir`` on http://127.0.0.1:port until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving the book on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nstopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO, help="folder that receives _build/")
    parser.add_argument(
        "--serve",
        nargs="?",
        const=8000,
        type=int,
        metavar="PORT",
        help="after a successful build, serve it on 127.0.0.1:PORT (default 8000)",
    )
    args = parser.parse_args(argv)

    result = build_book(args.output, echo=True)
    index = result.html_dir / "index.html"
    if not index.is_file():
        print(
            f"\nThe book build FAILED (exit status {result.returncode}, {result.seconds:.0f} s) "
            "and wrote no site; see the log above.",
            file=sys.stderr,
        )
        return result.returncode or 1
    if result.ok:
        print(f"\nBuilt the book in {result.seconds:.0f} s.")
    else:
        print(
            f"\nThe book build reported problems (exit status {result.returncode}, "
            f"{result.seconds:.0f} s): every warning counts as an error, see the log above. "
            "The pages were written anyway.",
            file=sys.stderr,
        )
    print(f"Open it in a browser: file://{index}")
    if args.serve is not None:
        serve(result.html_dir, args.serve)
    else:
        print("Or serve it: bash scripts/book.sh --serve   (http://127.0.0.1:8000/)")
    return 0 if result.ok else (result.returncode or 1)


if __name__ == "__main__":
    sys.exit(main())
