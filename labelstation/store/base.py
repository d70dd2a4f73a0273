"""The declarative base every LabelStation table derives from.

All models share one :class:`~sqlalchemy.MetaData` with a naming convention, so constraints and
indexes get the same deterministic names on SQLite and PostgreSQL. Alembic migrations refer to
constraints by name (drop, alter); without a convention PostgreSQL invents names that SQLite does
not have, and a migration written on one database breaks on the other.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of every ORM model; its metadata is what Alembic's ``env.py`` compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
