"""The store of the admission process, on Django's ORM.

SQLite is the embedded default (one file); PostgreSQL is used when ``DUTY_DATABASE_URL``
names it. The CLI opens one store per command; the web application uses the store its
settings name. This package holds the settings, the apps' models and migrations (the record
itself here; ``admission``, ``publication`` and ``accounts`` beside it), opening, migrating,
the keyed audit chain and its check. Outside it, only ``engine.workflow.repository`` (and the
accounts module, and the 0.1 upgrade) read and write the tables.
"""
