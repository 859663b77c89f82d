"""Importing this module makes Django ready (configured for the command line, unless the web
application's settings did it first) and gives the store's models as ``m``."""

from engine.store.config import ensure_django

ensure_django()

from engine.store import records as m  # noqa: E402

__all__ = ["m"]
