#!/usr/bin/env python3
"""Run the scenarios in scenarios/ and write projections, scorecard and charts to results/.

Usage: python run_scenarios.py --help
"""

import os
import sys

try:
    from sim.cli import EXIT_INTERRUPTED, main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing written yet, no traceback
    print("interrupted; previous results unchanged", file=sys.stderr)
    sys.exit(130)

if __name__ == "__main__":
    code = main()
    if code >= EXIT_INTERRUPTED:
        # Interrupted, and cleaned up already: skip the interpreter's teardown of numpy, numba
        # and matplotlib (about a second), so that Ctrl-C or SIGTERM stops the run at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
