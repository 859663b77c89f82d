"""Responsibility lists (履行职责事项清单): building, checking and comparing them."""
