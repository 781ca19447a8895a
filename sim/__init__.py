"""Economic projection and scenario simulation for the 2020-2025 targets of Hương Trà town.

Modules, imports flowing one way: `model` (pure numpy) <- `schema`, `scenario` (files) <-
`params` (scenario -> arrays) <- `run` (pipeline) <- `tables`, `export`, `charts` <- `cli`.
Importing `sim` or `sim.core.model` loads neither pandas nor matplotlib.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
