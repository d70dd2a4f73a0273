"""The database options and opening every database-backed command shares.

``db``/``audit`` and the signed-in command groups (``user``, ``template``, ``product``) take the
same ``--db`` option, record the same station name in the audit trail and refuse the same way
on a missing or unmigrated database; keeping that in one module keeps them from drifting apart.
"""

from __future__ import annotations

import argparse
import os
import socket

from labelstation.store.db import ENV_URL, Database, DatabaseError

#: Environment variable naming this station in audit entries (default: the host name).
ENV_WORKSTATION = "LABELSTATION_WORKSTATION"


def add_db(parser: argparse.ArgumentParser) -> None:
    """Add ``--db URL`` (default: ``$LABELSTATION_DB``, else the per-user SQLite file)."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help=f"database URL or SQLite file (default: ${ENV_URL}, else the per-user SQLite file)",
    )


def workstation() -> str:
    """The station name audit entries record: ``$LABELSTATION_WORKSTATION``, else the host."""
    return os.environ.get(ENV_WORKSTATION) or socket.gethostname() or "unknown"


def open_migrated(url: str | None) -> Database:
    """Open an existing, upgraded database; refuse rather than create or use an empty one.

    Raises:
        DatabaseError: the SQLite file does not exist, or the database has no schema.
    """
    database = Database.open(url)
    path = database.sqlite_path
    if path is not None and not path.exists():
        raise DatabaseError(
            f"database {str(path)!r}: does not exist; expected an existing LabelStation database"
        )
    if database.current_revision() is None:
        database.dispose()
        raise DatabaseError(
            f"database {database.display_url()}: has no schema; expected an upgraded database "
            "(run labelstation db upgrade)"
        )
    return database
