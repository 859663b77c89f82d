"""Scenarios: a county, proposals in sequence and the expectations they must meet."""
