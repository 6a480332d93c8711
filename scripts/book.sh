#!/usr/bin/env bash
# README command 1: set up .venv if needed, build the book from clean into _build/html (every notebook
# executed, warnings are errors) and print where to open it.
#
#   bash scripts/book.sh                 # build, then open _build/html/index.html in a browser
#   bash scripts/book.sh --serve [PORT]  # build, then serve it on http://127.0.0.1:PORT (default 8000)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/build_book.py "$@"
