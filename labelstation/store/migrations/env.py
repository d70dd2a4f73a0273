"""Alembic environment: runs on the connection ``Database.upgrade`` passes in.

There is no ``alembic.ini``: the program builds the configuration itself and passes an open
connection in ``config.attributes["connection"]``, so migrations run inside the caller's
transaction on SQLite and PostgreSQL alike. Offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import labelstation.store.models  # noqa: F401  (registers every table on Base.metadata)
from labelstation.store.base import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):  # pragma: no cover - only Database.upgrade runs us
    raise RuntimeError("labelstation migrations run only through Database.upgrade()")
_run(_connection)
