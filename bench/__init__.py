"""Benchmarks (make bench): reproducible figures, never asserted by tests."""
