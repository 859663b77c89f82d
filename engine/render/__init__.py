"""Renderers: decisions, graphs and lists as text, JSON and other formats."""
