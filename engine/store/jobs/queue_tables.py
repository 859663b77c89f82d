"""Procrastinate's tables in a store, without its app."""

from procrastinate.contrib.django.apps import ProcrastinateConfig


class QueueTables(ProcrastinateConfig):
    """Procrastinate's Django app for its tables and migrations alone: the queue is run by
    ``engine.jobs.queue``'s own app, so nothing is made when Django is ready (Procrastinate's
    own ``ready`` could not run twice, as Django runs it when the apps are set again)."""

    def ready(self) -> None:
        return None
