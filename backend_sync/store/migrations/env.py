"""Alembic's environment for the store: runs on the connection database.upgrade passes in."""

from alembic import context

from backend_sync.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
