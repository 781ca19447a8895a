"""The Sobol estimator's edge cases."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from sim.analysis.sobol import _indices


def test_an_output_no_parameter_moves_has_no_indices_and_no_warning():
    k, q = 2, 1
    # weighted means of the terms for a constant output f = 3: E f = 3, E f^2 = 9, terms 0
    means = np.array([3.0, 3.0, 9.0, 9.0, 0.0, 0.0, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first, total, variance = _indices(means, q, k)
    assert variance.tolist() == [0.0]
    assert np.isnan(first).all() and np.isnan(total).all()


DESIGN = """
import json, sys
import numpy as np
if sys.argv[1] == "plain":
    import scipy.stats  # (imported as anyone imports it: the docstrings rewritten)
from sim.analysis.sobol import design
out = [design(k, n, np.random.default_rng(seed)) for k, n, seed in ((3, 64, 1), (11, 1024, 7))]
import scipy.stats
print(json.dumps({
    "design": [[a.tolist(), b.tolist()] for a, b in out],
    "noted": "Array API Standard Support" in (scipy.stats.describe.__doc__ or ""),
}))
"""


@pytest.mark.slow
def test_scipy_stats_imported_without_its_docstring_notes_gives_the_same_design():
    def run(how):
        out = subprocess.run(
            [sys.executable, "-c", DESIGN, how], capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    plain, quick = run("plain"), run("quick")
    assert plain["noted"] and not quick["noted"]  # the notes were skipped, and only they
    assert quick["design"] == plain["design"]  # bit for bit
