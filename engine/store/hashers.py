"""The password hasher: Argon2id at a stated cost, 19 MiB of memory, two passes, one lane (the
first of the Argon2id settings OWASP's Password Storage Cheat Sheet gives). Django's default
(100 MiB, two passes, eight lanes) takes about ten times the CPU per log-in, so fifty people
logging in at once on a two-core server would wait seconds; ``bench/web.py`` measures both.
Hashes made at Django's default cost (the same ``argon2`` algorithm name) still verify, and
are rewritten at this cost at the next successful log-in."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class DutyArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
