#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv (idempotent; fast when nothing changed).
#
#   bash scripts/setup.sh            # create/refresh .venv
#   MOLVIZ_PYTHON=python3.12 bash scripts/setup.sh   # use another interpreter for a NEW .venv
#
# torch is pinned HERE (not in requirements.txt or pyproject.toml): torch==2.13.0 is the CPU wheel that pip
# finds locally on the project's machines, while an unpinned torch would pull a multi-GB CUDA build.
# Everything else comes from pyproject.toml (extras test, book, dev; the package itself is installed
# editable) and requirements.txt (the runtime set Binder installs). A stamp keyed on a hash of these inputs
# makes a second run a no-op.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TORCH_VERSION="2.13.0"
PYTHON="${MOLVIZ_PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.molviz-setup-stamp"

inputs_hash() {
    {
        echo "torch==$TORCH_VERSION"
        cat pyproject.toml requirements.txt scripts/setup.sh
    } | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] \
    && "$VENV/bin/python" -c "import molviz, torch" 2>/dev/null; then
    echo "setup: .venv is up to date"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c "import sys" 2>/dev/null; then
    echo "setup: creating $VENV with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

pip=("$VENV/bin/python" -m pip --disable-pip-version-check)

echo "setup: installing torch==$TORCH_VERSION (CPU wheel)"
"${pip[@]}" install "torch==$TORCH_VERSION"

# The package (editable, with the test/book/dev extras) and requirements.txt minus its line that installs
# the package itself ("." for Binder), with torch held at the pinned version.
echo "setup: installing molviz[test,book,dev] and requirements.txt"
"${pip[@]}" install "torch==$TORCH_VERSION" -e ".[test,book,dev]" \
    -r <(grep -v -E '^[[:space:]]*(-e[[:space:]]+)?\.[[:space:]]*(#.*)?$' requirements.txt)

"$VENV/bin/python" -c "import molviz, torch; print('setup: torch', torch.__version__)"
echo "$want" > "$STAMP"
echo "setup: done"
