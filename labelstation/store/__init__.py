"""Persistence: SQLAlchemy models, Alembic migrations, sessions on SQLite and PostgreSQL."""
