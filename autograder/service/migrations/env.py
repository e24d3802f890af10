"""Alembic's entry point: migrate the connection ``store.open_database`` hands over."""

from alembic import context

from autograder.service.store import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
