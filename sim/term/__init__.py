"""The planning term: the track record (history), plan against actual (tracking), the next term (rebase)."""
