"""duty: a rule engine for county-to-street duty access and responsibility lists."""

__version__ = "0.1.0"
