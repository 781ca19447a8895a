#!/usr/bin/env python3
"""Run the scenarios in scenarios/ and write projections, scorecard and charts to results/.

Usage: python run_scenarios.py --help
"""

import os
import sys

if __name__ == "__main__":
    try:
        # The chart process first, before most of the tool loads: it loads matplotlib on the
        # other core meanwhile (sim/output/charts/process.py).
        from sim.output.charts.process import ChartProcess

        charts = ChartProcess.start() if ChartProcess.wanted(sys.argv[1:]) else None
        from sim.cli import main
    except KeyboardInterrupt:  # Ctrl-C while starting up: nothing written yet, no traceback
        print("interrupted; previous results unchanged", file=sys.stderr)
        os._exit(130)  # (the chart process, if forked, dies with this one)
    code = main(charts=charts)
    # Everything is written and closed by now: skip the interpreter's teardown of numpy, pandas
    # and matplotlib (0.3 s after a finished run, about a second after Ctrl-C or SIGTERM, which
    # should stop the run at once).
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # closed, or a reader gone: nothing more can be said there
    os._exit(code)
