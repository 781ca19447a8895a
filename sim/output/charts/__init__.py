"""Charts: plot functions returning figures, and the one place that saves them (`pack`)."""
