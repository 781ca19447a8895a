"""The model core: pure numpy functions and the congress targets. Imports numpy only."""
