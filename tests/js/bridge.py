"""Run molviz/explorer.js under Node for the explorer tests (see tests/js/explorer_cli.js).

`node_calls(calls, mutations=None)` sends one batch of calls to a fresh `node` process and returns
the list of results, with the strings "Infinity", "-Infinity" and "NaN" turned back into floats.
Node is /usr/bin/node (v20) on the project's machines; `NODE` overrides the binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import molviz

CLI = Path(__file__).with_name("explorer_cli.js")
MODULE = Path(molviz.__file__).with_name("explorer.js")
_SPECIAL = {"Infinity": float("inf"), "-Infinity": float("-inf"), "NaN": float("nan")}


def node_binary() -> str:
    """Path of the node executable; raises RuntimeError (a test failure) if there is none."""
    path = os.environ.get("NODE") or shutil.which("node")
    if not path:
        raise RuntimeError("node is not installed: the JavaScript explorer tests need Node >= 18")
    return path


def _decode(value):
    if isinstance(value, str) and value in _SPECIAL:
        return _SPECIAL[value]
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _encode(value):
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def node_calls(
    calls: list[dict], mutations: list[tuple[str, str]] | None = None, module: Path = MODULE
) -> list:
    """Run `calls` (see explorer_cli.js) on `module` (explorer.js), optionally mutated."""
    request = {
        "module": str(module),
        "mutations": [list(m) for m in (mutations or [])],
        "calls": _encode(calls),
    }
    proc = subprocess.run(
        [node_binary(), str(CLI)],
        input=json.dumps(request, allow_nan=False),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node failed (exit {proc.returncode}):\n{proc.stderr}")
    return _decode(json.loads(proc.stdout)["results"])


def node_call(fn: str, *args):
    """One call fn(*args) (fn is a dotted name such as "mixture.quantile")."""
    return node_calls([{"op": "call", "fn": fn, "args": list(args)}])[0]


def node_map(fn: str, xs, *args) -> list:
    """[fn(x, *args) for x in xs] evaluated in JavaScript."""
    call = {"op": "map", "fn": fn, "xs": [float(x) for x in xs], "args": list(args)}
    return node_calls([call])[0]
