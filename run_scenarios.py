#!/usr/bin/env python3
"""Run the scenarios in scenarios/ and write projections, scorecard and charts to results/.

Usage: python run_scenarios.py --help
"""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
