"""Opening the database, sessions, schema upgrades and backups, on SQLite and PostgreSQL.

A workstation uses a local SQLite file by default (in ``platformdirs.user_data_dir``); a line
with several stations points every station at one PostgreSQL database. The URL comes from, in
order: the ``url`` argument (the CLI's ``--db URL``), the ``LABELSTATION_DB`` environment variable,
the default SQLite file. A plain file path is taken as a SQLite file.

SQLite connections run in WAL mode (readers never block the writer), with foreign keys on and a
busy timeout, and SQLAlchemy emits ``BEGIN`` itself: write sessions start with
``BEGIN IMMEDIATE`` so that two stations never both read the audit chain head and then race to
extend it (a deferred transaction that later writes can fail with "database is locked" without
waiting). PostgreSQL runs at READ COMMITTED; the audit trail serializes appends on its head row.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from labelstation.errors import LabelStationError, ValidationError

ENV_URL: Final = "LABELSTATION_DB"
APP_NAME: Final = "LabelStation"
DEFAULT_FILE_NAME: Final = "labelstation.sqlite3"
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"

_WRITE_OPTION: Final = "labelstation_write"
_ROLE_RE: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")

Clock = Callable[[], dt.datetime]


class DatabaseError(LabelStationError):
    """The database cannot be opened, upgraded or backed up as asked."""


def default_sqlite_path() -> Path:
    """Return the per-user default database file (the folder is created on first open)."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / DEFAULT_FILE_NAME


def resolve_url(url: str | None = None) -> URL:
    """Turn the ``--db`` value, ``LABELSTATION_DB`` or the default into a SQLAlchemy URL.

    Args:
        url: a SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://…``), a plain file path
            (taken as SQLite), or ``None`` for the environment variable or the default file.

    Raises:
        ValidationError: the URL cannot be parsed or names a database we do not support.
    """
    raw = url if url is not None else os.environ.get(ENV_URL) or None
    if raw is None:
        return URL.create("sqlite", database=str(default_sqlite_path()))
    if "://" not in raw:
        if not raw.strip():
            raise ValidationError(
                "database URL: '' is empty; expected a URL such as sqlite:///path or "
                "postgresql+psycopg://user@host/db, or a file path"
            )
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        parsed = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise ValidationError(
            f"database URL: {_masked(raw)!r} cannot be parsed ({exc}); expected a URL such as "
            "sqlite:///path or postgresql+psycopg://user@host/db"
        ) from exc
    backend = parsed.get_backend_name()
    driver = parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        return parsed
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValidationError(
        f"database URL: scheme {parsed.drivername!r} is not supported; expected sqlite:// or "
        "postgresql+psycopg://"
    )


def _masked(raw: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)


@dataclass(frozen=True)
class DatabaseInfo:
    """What ``labelstation db info`` shows: where the data is and which schema it has."""

    url: str
    dialect: str
    path: str | None
    revision: str | None
    head_revision: str
    audit_entries: int | None

    @property
    def up_to_date(self) -> bool:
        """True when the schema is at the newest migration this program knows."""
        return self.revision == self.head_revision


class Database:
    """One database (an engine and its session factory); open it with :meth:`open`.

    Attributes:
        url: the resolved SQLAlchemy URL.
        engine: the SQLAlchemy engine (connections are pooled).
    """

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._write_factory = sessionmaker(
            bind=engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )
        self._read_factory = sessionmaker(bind=engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, echo: bool = False) -> Database:
        """Open (and for SQLite create the folder of) the database named by ``url``.

        The schema is not touched: call :meth:`upgrade` (``labelstation db upgrade``) to create
        or migrate it.

        Raises:
            ValidationError: the URL is not usable (see :func:`resolve_url`).
        """
        resolved = resolve_url(url)
        if resolved.get_backend_name() == "sqlite":
            return cls(resolved, _sqlite_engine(resolved, echo))
        engine = create_engine(resolved, echo=echo, pool_pre_ping=True)
        return cls(resolved, engine)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or ``None`` for PostgreSQL and in-memory SQLite."""
        if self.dialect != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        return Path(str(self.url.database))

    def display_url(self) -> str:
        """The URL with any password replaced by ``***`` (safe to print and log)."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session in one transaction: commit on success, roll back on any exception.

        Args:
            write: on SQLite, start with ``BEGIN IMMEDIATE`` (take the write lock at once) so that
                read-then-write sequences such as an audit append cannot be overtaken. Pass
                ``False`` for read-only work, which then never waits for a writer (WAL).
        """
        factory = self._write_factory if write else self._read_factory
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (call before dropping or copying the database)."""
        self.engine.dispose()

    # -- schema -------------------------------------------------------------------------------

    def _alembic_config(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        return config

    def head_revision(self) -> str:
        """The newest migration revision this program ships."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        head = ScriptDirectory.from_config(config).get_current_head()
        if head is None:  # pragma: no cover - the package always ships migrations
            raise DatabaseError("migrations: no head revision found in the package")
        return str(head)

    def current_revision(self) -> str | None:
        """The schema revision the database is at, or ``None`` if it has never been upgraded."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def upgrade(self, revision: str = "head") -> None:
        """Run Alembic migrations up to ``revision`` in one transaction (creates a fresh schema)."""
        with self.engine.begin() as connection:
            command.upgrade(self._alembic_config(connection), revision)

    def info(self) -> DatabaseInfo:
        """Describe the database: URL (password hidden), dialect, file, schema revision."""
        revision = self.current_revision()
        entries: int | None = None
        if revision is not None:
            from labelstation.store.models.audit import AuditEntryRow

            with self.session(write=False) as session:
                entries = session.scalar(select(func.count()).select_from(AuditEntryRow))
        path = self.sqlite_path
        return DatabaseInfo(
            url=self.display_url(),
            dialect=self.dialect,
            path=str(path) if path is not None else None,
            revision=revision,
            head_revision=self.head_revision(),
            audit_entries=entries,
        )

    # -- backups ------------------------------------------------------------------------------

    def backup(self, directory: Path | None = None, *, clock: Clock | None = None) -> Path | None:
        """Copy the whole database to a timestamped file; return its path.

        SQLite uses the online backup API (consistent even while other stations write), to a
        file beside the database unless ``directory`` is given. PostgreSQL uses ``pg_dump``
        (plain SQL) into ``directory`` or the per-user data folder's ``backups``.

        Returns:
            The backup file, or ``None`` when there is nothing to back up (a SQLite file that
            does not exist yet or has no tables).

        Raises:
            DatabaseError: in-memory SQLite, ``pg_dump`` missing or failing.
        """
        stamp = (clock or _utc_now)().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        if self.dialect == "sqlite":
            return self._backup_sqlite(directory, stamp)
        return self._backup_postgresql(directory, stamp)

    def _backup_sqlite(self, directory: Path | None, stamp: str) -> Path | None:
        source_path = self.sqlite_path
        if source_path is None:
            raise DatabaseError(
                "backup: database is in-memory SQLite; expected a file that can be copied"
            )
        if not source_path.exists():
            return None
        target = _unique((directory or source_path.parent) / f"{source_path.name}.{stamp}.backup")
        source = sqlite3.connect(source_path)
        try:
            if source.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                return None  # a file without a single table holds nothing to lose
            target.parent.mkdir(parents=True, exist_ok=True)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        return target

    def _backup_postgresql(self, directory: Path | None, stamp: str) -> Path:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise DatabaseError(
                "backup: pg_dump is not on PATH; install the PostgreSQL client tools or pass "
                "--no-backup after making your own backup"
            )
        folder = directory or Path(platformdirs.user_data_dir(APP_NAME)) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        target = _unique(folder / f"{self.url.database or 'postgres'}.{stamp}.sql")
        libpq_url = self.url.set(drivername="postgresql", password=None)
        env = dict(os.environ)
        if self.url.password is not None:
            env["PGPASSWORD"] = str(self.url.password)
        result = subprocess.run(
            [pg_dump, "--no-owner", f"--file={target}", libpq_url.render_as_string()],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            detail = result.stderr.strip().splitlines()
            raise DatabaseError(
                f"backup: pg_dump exited with {result.returncode}"
                f" ({detail[-1] if detail else 'no message'}); expected exit 0"
            )
        return target

    # -- PostgreSQL roles ---------------------------------------------------------------------

    def grant_app_role(self, role: str) -> None:
        """Create (if needed) the application's PostgreSQL role with no UPDATE/DELETE on audit.

        The role may read and write every table, but on ``audit_entry`` and
        ``audit_checkpoint`` only SELECT and INSERT: even a bug or an attacker with the
        application's credentials cannot rewrite history. Run it again after each upgrade
        (new tables need their grants). The role is created with LOGIN and no password; set
        one with ``ALTER ROLE … PASSWORD`` as the DBA.

        Raises:
            ValidationError: ``role`` is not a plain lowercase identifier.
            DatabaseError: the database is not PostgreSQL.
        """
        if _ROLE_RE.fullmatch(role) is None:
            raise ValidationError(
                f"role name: {role!r} is not allowed; expected 1-63 characters a-z, 0-9 and _, "
                "not starting with a digit"
            )
        if self.dialect != "postgresql":
            raise DatabaseError(
                f"grant-app-role: database is {self.dialect}; expected PostgreSQL (SQLite has no "
                "roles; its triggers alone refuse UPDATE and DELETE on the audit tables)"
            )
        quoted = self.engine.dialect.identifier_preparer.quote_identifier(role)
        with self.engine.begin() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            )
            if not exists:
                connection.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
            schema = connection.scalar(text("SELECT current_schema()"))
            schema_q = self.engine.dialect.identifier_preparer.quote_identifier(str(schema))
            database = self.engine.dialect.identifier_preparer.quote_identifier(
                str(connection.scalar(text("SELECT current_database()")))
            )
            for statement in (
                f"GRANT CONNECT ON DATABASE {database} TO {quoted}",
                f"GRANT USAGE ON SCHEMA {schema_q} TO {quoted}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} "
                f"TO {quoted}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {quoted}",
                f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry, audit_checkpoint FROM {quoted}",
                f"REVOKE INSERT, DELETE, TRUNCATE ON audit_head FROM {quoted}",
                f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {quoted}",
            ):
                connection.exec_driver_sql(statement)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _unique(path: Path) -> Path:
    candidate = path
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{n}")
        n += 1
    return candidate


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    database = url.database
    kwargs: dict[str, Any] = {}
    if database in (None, "", ":memory:"):
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when a transaction begins (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
