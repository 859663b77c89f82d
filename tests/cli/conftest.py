"""The command-line tests of the workflow use its stores (SQLite and PostgreSQL)."""

from tests.workflow.conftest import engine, flow, local_flow  # noqa: F401
