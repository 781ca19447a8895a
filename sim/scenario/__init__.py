"""Input files: the schema, scenario loading and rules, uncertainty specs, actuals, scenario -> model arrays."""
