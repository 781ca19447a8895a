"""The Monte Carlo: chunked, streaming percentiles, compiled counting loops."""
