"""Beam wrappers of the pure stages in ``transforms``: DoFns and composites, thin by design.

Kept apart so that what runs without Beam (the replay, its worker processes) never imports it.
"""
