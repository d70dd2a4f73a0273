"""Four stations append at once, each over its own connection pool: one chain, no gaps, no forks."""

from __future__ import annotations

import itertools
import threading
from collections import Counter

from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import Database

WRITERS = 4
PER_WRITER = 25


def test_four_concurrent_writers_leave_one_chain_that_verifies(
    db: Database, audit_key: FileKeyProvider
) -> None:
    url = db.url.render_as_string(hide_password=False)
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def station(number: int) -> None:
        own = Database.open(url)  # its own engine: its own connections, like another PC
        trail = AuditTrail(own, audit_key, f"WS-{number}", checkpoint_every=10)
        try:
            start.wait(timeout=30)
            for i in range(PER_WRITER):
                with own.session() as session:
                    trail.append(
                        session,
                        actor_id=f"op{number}",
                        actor_name=f"Operator {number}",
                        action="serial.print",
                        object_type="serial",
                        object_id=f"WS{number}-SN{i:03d}",
                        old=None,
                        new={"i": i},
                        reason=None,
                    )
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=station, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    trail = AuditTrail(db, audit_key, "QA", checkpoint_every=10)  # the site interval
    result = trail.verify()
    assert (result.ok, result.entries, result.problem) == (True, WRITERS * PER_WRITER, "")
    entries = trail.entries()
    assert [e.seq for e in entries] == list(range(1, WRITERS * PER_WRITER + 1))
    assert Counter(e.workstation for e in entries) == {f"WS-{n}": PER_WRITER for n in range(4)}
    # Each station's own entries keep their order inside the shared chain.
    for n in range(WRITERS):
        mine = [e.object_id for e in entries if e.workstation == f"WS-{n}"]
        assert mine == [f"WS{n}-SN{i:03d}" for i in range(PER_WRITER)]
    assert [c.seq for c in trail.checkpoints()] == list(range(10, 101, 10))
    switches = sum(a.workstation != b.workstation for a, b in itertools.pairwise(entries))
    # PostgreSQL queues waiters on the head row lock fairly, so stations alternate; SQLite's
    # busy handler lets one writer run several transactions in a row, but all still interleave.
    assert switches > (20 if db.dialect == "postgresql" else WRITERS - 2)
