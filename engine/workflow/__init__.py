"""Workflow helpers: deadlines and time limits for the admission procedure."""
