"""The store's tests use the workflow's stores (SQLite and PostgreSQL)."""

from tests.workflow.conftest import engine, flow, local_flow  # noqa: F401
