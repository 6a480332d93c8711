"""``python -m benchmarks [--quick] [--threads N] [--out DIR]``: see benchmarks/run.py."""

import sys

from benchmarks.run import main

sys.exit(main())
