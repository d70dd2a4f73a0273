"""Database fixtures shared by every area: the same test runs on SQLite and on PostgreSQL.

``db`` is a migrated database (schema at head), ``empty_db`` one with no schema yet; both are
parametrized over ``sqlite`` (a fresh file under ``tmp_path``) and ``postgresql`` (a fresh
database per test, copied with ``CREATE DATABASE … TEMPLATE`` from one migrated once per run,
on the cluster named by ``LABELSTATION_TEST_PG_URL``; ``make test`` starts one). Without that
variable the PostgreSQL cases skip, saying why, except under ``CI=true`` where they fail: CI
must never silently test only SQLite.

Registered from ``tests/conftest.py`` with ``pytest_plugins``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine, make_url

from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import Database

PG_URL_ENV = "LABELSTATION_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pg_admin_url() -> URL:
    """The PostgreSQL maintenance URL, or skip (fail under CI) when it is not configured."""
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        reason = f"{PG_URL_ENV} is not set; run `make test` or start scripts/pg-throwaway.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}")
        pytest.skip(reason)
    return make_url(raw)


def _admin_engine(url: URL) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)


class PgFactory:
    """Creates throwaway PostgreSQL databases on the test cluster and drops them afterwards."""

    def __init__(self, admin_url: URL) -> None:
        self.admin_url = admin_url
        self.engine = _admin_engine(admin_url)
        self.template: str | None = None
        self.created: list[str] = []

    def _create(self, template: str | None) -> URL:
        name = f"ls_test_{uuid.uuid4().hex[:16]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}{clause}")
        self.created.append(name)
        return self.admin_url.set(database=name)

    def empty(self) -> URL:
        """A new database with no tables."""
        return self._create(None)

    def migrated(self) -> URL:
        """A new database at the head revision (copied from a template migrated once)."""
        if self.template is None:
            url = self._create(None)
            database = Database.open(url.render_as_string(hide_password=False))
            database.upgrade()
            database.dispose()
            self.template = str(url.database)
        return self._create(self.template)

    def drop(self, url: URL) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")
        self.created.remove(str(url.database))

    def close(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_factory() -> Iterator[PgFactory]:
    """The session's PostgreSQL database factory (skips or fails like :func:`pg_admin_url`)."""
    factory = PgFactory(pg_admin_url())
    yield factory
    factory.close()


def _open(request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "labelstation.sqlite3"
        if migrated:
            template: Path = request.getfixturevalue("sqlite_template")
            shutil.copyfile(template, path)
        database = Database.open(str(path))
        yield database
        database.dispose()
        return
    factory: PgFactory = request.getfixturevalue("pg_factory")
    url = factory.migrated() if migrated else factory.empty()
    database = Database.open(url.render_as_string(hide_password=False))
    yield database
    database.dispose()
    factory.drop(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; each test gets a copy (cheaper than Alembic)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    database = Database.open(str(path))
    database.upgrade()
    database.dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database at the head revision, on SQLite and on PostgreSQL."""
    yield from _open(request, tmp_path, migrated=True)


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database without any schema, on SQLite and on PostgreSQL."""
    yield from _open(request, tmp_path, migrated=False)


@pytest.fixture
def audit_key(tmp_path: Path) -> FileKeyProvider:
    """A checkpoint key file of this test only (created 0600 on first use)."""
    return FileKeyProvider(tmp_path / "keys" / "audit-checkpoint.key")


@pytest.fixture
def audit_trail(db: Database, audit_key: FileKeyProvider) -> AuditTrail:
    """An audit trail on ``db`` for station ``TEST-WS``, checkpointing every 10 entries."""
    return AuditTrail(db, audit_key, "TEST-WS")
