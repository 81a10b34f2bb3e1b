"""Crosswire's pipeline stages: pure logic first, thin Beam composites beside it."""
