"""Economic projection and scenario simulation for a locality's five-year plan (its plan.toml).

Layers, imports flowing one way (ARCHITECTURE.md): `core` (pure numpy) <- `scenario` (files) <-
`run` (pipeline) <- `analysis`, `term` <- `output` (tables, files, charts, report) <- `cli`.
Importing `sim` or `sim.core.model` loads neither pandas nor matplotlib.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
