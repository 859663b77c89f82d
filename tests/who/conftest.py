"""`duty who` on a published version uses its stores (SQLite and PostgreSQL)."""

from tests.workflow.conftest import engine, flow, local_flow  # noqa: F401
