#!/usr/bin/env bash
# README command 2: set up .venv if needed, then run every check: ruff (lint and format), the notebook
# pairing check, and pytest over everything (unit and statistical tests, the clean -W book build with all
# notebooks executed, and the browser tests of the built site in headless Chromium).
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -k logistic     # extra arguments go to pytest
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate

echo "== ruff check"
ruff check .
echo "== ruff format --check"
ruff format --check .
echo "== notebook pairs (book/*.md <-> book/*.ipynb)"
python scripts/sync_notebooks.py --check
echo "== pytest"
status=0
python -m pytest "$@" || status=$?
if [[ $status -eq 5 ]]; then
    echo "test.sh: pytest collected no tests; that is a failure" >&2
    exit 1
fi
exit $status
