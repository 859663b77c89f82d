"""Strict pydantic models carrying the vocabulary of DESIGN.md (unknown keys are errors)."""
