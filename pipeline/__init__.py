"""Crosswire pipeline: options, configuration, graph wiring and the command line."""
