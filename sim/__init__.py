"""Economic projection and scenario simulation for the 2020-2025 targets of Hương Trà town.

Layers, imports flowing one way (ARCHITECTURE.md): `core` (pure numpy) <- `scenario` (files) <-
`run` (pipeline) <- `analysis`, `term` <- `output` (tables, files, charts, report) <- `cli`.
Importing `sim` or `sim.core.model` loads neither pandas nor matplotlib.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
