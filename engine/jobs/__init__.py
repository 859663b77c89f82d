"""Background jobs: long work (publishing, every list for download) run off the request.

On a PostgreSQL store a job is queued on Procrastinate (its tables live in the same database)
and run by ``duty worker``; on a SQLite store it runs inline, in the process that asked, on the
same code path and with the same records (``engine.store.jobs``). Whoever asks is checked as
the step itself would check them before anything is queued, and a job carries no secret: only
its number and its county; the worker finds the store from its own environment (``place``).
"""
