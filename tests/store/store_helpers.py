"""Helpers shared by the store tests (test_db.py, test_db_cmd.py): one way to fill a trail."""

from __future__ import annotations

from labelstation.security.audit import DEFAULT_CHECKPOINT_EVERY, AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import Database


def full_url(db: Database) -> str:
    """The database URL with its password, as a command line or a second engine needs it."""
    return db.url.render_as_string(hide_password=False)


def filled_trail(
    db: Database, key: FileKeyProvider, n: int, checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY
) -> AuditTrail:
    """An audit trail (site checkpoint interval unless given) with ``n`` entries in one session."""
    trail = AuditTrail(db, key, "WS", checkpoint_every=checkpoint_every)
    with db.session() as session:
        for i in range(n):
            trail.append(
                session,
                actor_id="jdoe",
                actor_name="Jane Doe",
                action="serial.print",
                object_type="serial",
                object_id=f"SN{i}",
                old=None,
                new={"i": i},
                reason=None,
            )
    return trail
