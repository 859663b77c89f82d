"""The store of the admission process, on Django's ORM.

SQLite is the embedded default (one file); PostgreSQL is used when ``DUTY_DATABASE_URL``
names it. The CLI opens one store per command; the web application uses the store its
settings name. Only this package talks to the database.
"""
