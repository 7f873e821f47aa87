"""Migrating the test database back and forth in a migration's test, and always back to the
latest schema afterwards: going back to an app's early migration also unapplies every other
app's migrations that depend on it (banking's and payroll's claims depend on governance, billing
on payroll), and the next test on the same database reads the current models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ([(app, migration)]); the historical apps at those targets."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def latest_schema_after():
    """Whatever the test does, passing or failing, every app is at its latest migration after."""
    yield
    migrate_to_latest()
