"""The Sobol estimator's edge cases."""

import warnings

import numpy as np

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
