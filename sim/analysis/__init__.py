"""Analyses over the model: one-at-a-time, goal seek, Sobol, sampling, the Monte Carlo."""
