"""Background jobs as the store records them: what was asked, by whom, how far it has come and
how it ended. The queue itself (on PostgreSQL, Procrastinate's tables) only carries a job's
number; everything shown on the web and the command line is read from here, so a job run
inline on a SQLite store leaves the same records.
"""
