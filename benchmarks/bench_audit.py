"""Audit trail throughput: appends per second and verified entries per second, SQLite and PG.

An append is measured the way the services use it: one audited change per transaction, so every
append pays a commit (an fsync on SQLite). A batch of appends in one transaction shows the cost
of the chain itself. PostgreSQL uses ``LABELSTATION_TEST_PG_URL`` if set, else a throwaway
cluster started with ``scripts/pg-throwaway.sh`` (port ``LABELSTATION_BENCH_PG_PORT``, 54339).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from benchmarks.common import Result
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
GROUP = "Audit trail"
COMMITTED = 300  # appends, one transaction each
BATCHED = 3000  # appends in one transaction
WRITERS = 4
PER_WRITER = 100


def _append(trail: AuditTrail, db: Database, i: int) -> None:
    with db.session() as session:
        trail.append(
            session,
            actor_id="operator1",
            actor_name="Line Operator One",
            action="serial.print",
            object_type="serial",
            object_id=f"(01)09506000134352(21)SN{i:08d}",
            old={"state": "allocated"},
            new={"state": "printed", "printer": "ZT411-L3"},
            reason=None,
        )


def _measure(db: Database, key: FileKeyProvider, label: str, note: str) -> list[Result]:
    trail = AuditTrail(db, key, "BENCH-WS")
    start = time.perf_counter()
    for i in range(COMMITTED):
        _append(trail, db, i)
    committed = COMMITTED / (time.perf_counter() - start)

    start = time.perf_counter()
    with db.session() as session:
        for i in range(BATCHED):
            trail.append(
                session,
                actor_id="operator1",
                actor_name="Line Operator One",
                action="serial.print",
                object_type="serial",
                object_id=f"SN{i:08d}",
                old=None,
                new={"state": "printed"},
                reason=None,
            )
    batched = BATCHED / (time.perf_counter() - start)

    url = db.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(WRITERS)

    def station(n: int) -> None:
        own = Database.open(url)
        own_trail = AuditTrail(own, key, f"BENCH-WS{n}")
        barrier.wait()
        for i in range(PER_WRITER):
            _append(own_trail, own, i)
        own.dispose()

    threads = [threading.Thread(target=station, args=(n,)) for n in range(WRITERS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = WRITERS * PER_WRITER / (time.perf_counter() - start)

    start = time.perf_counter()
    result = trail.verify()
    verify_rate = result.entries / (time.perf_counter() - start)
    if not result.ok:
        raise RuntimeError(f"benchmark chain does not verify: {result.problem}")
    return [
        Result(
            GROUP,
            f"{label}: append, one transaction each",
            committed,
            "appends/s",
            "≥ 50/s",
            f"{COMMITTED} commits; {note}",
        ),
        Result(
            GROUP,
            f"{label}: append, {BATCHED} in one transaction",
            batched,
            "appends/s",
            "",
            "cost of the chain without commits",
        ),
        Result(
            GROUP,
            f"{label}: append, {WRITERS} concurrent stations",
            concurrent,
            "appends/s",
            "≥ 50/s",
            f"{WRITERS} engines × {PER_WRITER} commits, one chain",
        ),
        Result(
            GROUP,
            f"{label}: verify",
            verify_rate,
            "entries/s",
            "≥ 10,000/s",
            f"{result.entries} entries, {result.checkpoints} HMAC checkpoints",
        ),
    ]


@contextmanager
def _postgresql() -> Iterator[str | None]:
    url = os.environ.get("LABELSTATION_TEST_PG_URL")
    if url:
        yield url
        return
    port = os.environ.get("LABELSTATION_BENCH_PG_PORT", "54339")
    env = dict(os.environ, LABELSTATION_TEST_PG_PORT=port)
    script = ROOT / "scripts" / "pg-throwaway.sh"
    started = subprocess.run(
        ["bash", str(script), "start"], capture_output=True, text=True, env=env, check=False
    )
    if started.returncode != 0:
        print(f"bench_audit: no PostgreSQL ({started.stderr.strip()}); PostgreSQL not measured")
        yield None
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(["bash", str(script), "stop", started.stdout.strip()], env=env, check=False)


def run() -> list[Result]:
    """Measure SQLite (a temporary file) and PostgreSQL (a scratch database)."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        key = FileKeyProvider(Path(folder) / "audit.key")
        db = Database.open(str(Path(folder) / "bench.sqlite3"))
        db.upgrade()
        results += _measure(db, key, "SQLite", "WAL, synchronous=FULL, local disk")
        db.dispose()
        with _postgresql() as admin_url:
            if admin_url is not None:
                admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
                name = f"ls_bench_{uuid.uuid4().hex[:8]}"
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"CREATE DATABASE {name}")
                try:
                    url = make_url(admin_url).set(database=name)
                    pg = Database.open(url.render_as_string(hide_password=False))
                    pg.upgrade()
                    results += _measure(pg, key, "PostgreSQL", "127.0.0.1, same machine")
                    pg.dispose()
                finally:
                    with admin.connect() as connection:
                        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
                    admin.dispose()
    return results
