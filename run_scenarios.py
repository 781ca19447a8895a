#!/usr/bin/env python3
"""Run the scenarios in scenarios/ and write projections, scorecard and charts to results/.

Usage: python run_scenarios.py --help
"""

import os
import sys

try:
    from sim.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing written yet, no traceback
    print("interrupted; previous results unchanged", file=sys.stderr)
    sys.exit(130)

if __name__ == "__main__":
    code = main()
    # Everything is written and closed by now: skip the interpreter's teardown of numpy, pandas
    # and matplotlib (0.3 s after a finished run, about a second after Ctrl-C or SIGTERM, which
    # should stop the run at once).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
