"""Opening databases, sessions, migrations, backups and the PostgreSQL app role."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from store_helpers import filled_trail, full_url

from labelstation.errors import ValidationError
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import (
    DEFAULT_FILE_NAME,
    ENV_URL,
    Database,
    DatabaseError,
    default_sqlite_path,
    resolve_url,
)

AUDIT_TABLES = {"audit_entry", "audit_checkpoint", "audit_head"}
FIXED = dt.datetime(2026, 11, 25, 8, 0, 0, tzinfo=dt.UTC)


# -- URLs --------------------------------------------------------------------------------------


def test_url_argument_env_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(ENV_URL, raising=False)
    assert default_sqlite_path() == tmp_path / "data" / "LabelStation" / DEFAULT_FILE_NAME
    assert resolve_url(None).database == str(default_sqlite_path())
    monkeypatch.setenv(ENV_URL, "postgresql://app:secret@db.site:5433/labels")
    assert resolve_url(None).render_as_string(hide_password=False) == (
        "postgresql+psycopg://app:secret@db.site:5433/labels"
    )
    explicit = resolve_url(f"sqlite:///{tmp_path}/x.sqlite3")
    assert (explicit.drivername, explicit.database) == ("sqlite", f"{tmp_path}/x.sqlite3")
    assert resolve_url(str(tmp_path / "plain.db")).database == str(tmp_path / "plain.db")
    assert resolve_url("postgresql+psycopg://u@h/d").drivername == "postgresql+psycopg"


def test_empty_env_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_URL, "")
    assert resolve_url(None).database == str(default_sqlite_path())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            " ",
            "database URL: '' is empty; expected a URL such as sqlite:///path or "
            "postgresql+psycopg://user@host/db, or a file path",
        ),
        (
            "mysql://root:hunter2@db/labels",
            "database URL: scheme 'mysql' is not supported; expected sqlite:// or "
            "postgresql+psycopg://",
        ),
        (
            "sqlite+pysqlcipher:///x.db",
            "database URL: scheme 'sqlite+pysqlcipher' is not supported; expected sqlite:// or "
            "postgresql+psycopg://",
        ),
        (
            "postgresql://app:hunter2@db:notaport/labels",
            "database URL: 'postgresql://app:***@db:notaport/labels' cannot be parsed (invalid "
            "literal for int() with base 10: 'notaport'); expected a URL such as sqlite:///path "
            "or postgresql+psycopg://user@host/db",
        ),
    ],
)
def test_unusable_urls_are_refused(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        resolve_url(raw)
    assert str(exc.value) == message
    assert "hunter2" not in str(exc.value)


# -- SQLite connection settings and sessions ---------------------------------------------------


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_runs_wal_with_foreign_keys_and_busy_timeout(db: Database) -> None:
    with db.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 2,
    }


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_write_session_takes_the_write_lock_at_once(db: Database) -> None:
    path = db.sqlite_path
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.session(write=False) as session:
            session.execute(text("SELECT seq FROM audit_head")).one()
            other.execute("BEGIN IMMEDIATE")  # a reader does not block a writer (WAL)
            other.execute("ROLLBACK")
        with db.session() as session:
            # the first statement, even a read, starts the transaction with the write lock
            session.execute(text("SELECT seq FROM audit_head")).one()
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_session_commits_or_rolls_back_as_a_whole(db: Database) -> None:
    def bump_then_fail() -> None:
        with db.session() as session:
            session.execute(text("UPDATE audit_head SET seq = 5 WHERE id = 1"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        bump_then_fail()
    with db.session() as session:
        assert session.execute(text("SELECT seq FROM audit_head")).scalar() == 0
        session.execute(text("UPDATE audit_head SET seq = 5 WHERE id = 1"))
    with db.session(write=False) as session:
        assert session.execute(text("SELECT seq FROM audit_head")).scalar() == 5


def test_in_memory_sqlite_works_but_cannot_be_backed_up() -> None:
    db = Database.open("sqlite://")
    db.upgrade()
    assert db.sqlite_path is None
    assert db.info().audit_entries == 0
    with pytest.raises(DatabaseError) as exc:
        db.backup()
    assert str(exc.value) == (
        "backup: database is in-memory SQLite; expected a file that can be copied"
    )
    db.dispose()


# -- migrations --------------------------------------------------------------------------------


def _triggers(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        if db.dialect == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        else:
            rows = connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        return {row[0] for row in rows}


def test_upgrade_creates_the_schema_on_a_fresh_database(empty_db: Database) -> None:
    assert empty_db.current_revision() is None
    info = empty_db.info()
    assert (info.revision, info.audit_entries, info.up_to_date) == (None, None, False)
    empty_db.upgrade()
    assert empty_db.current_revision() == empty_db.head_revision()
    assert set(inspect(empty_db.engine).get_table_names()) >= AUDIT_TABLES
    expected = {
        "audit_entry_no_update",
        "audit_entry_no_delete",
        "audit_entry_extends_head",
        "audit_checkpoint_no_update",
        "audit_checkpoint_no_delete",
    }
    assert expected <= _triggers(empty_db)
    with empty_db.session(write=False) as session:
        assert session.execute(text("SELECT id, seq, hash FROM audit_head")).all() == [
            (1, 0, "0" * 64)
        ]
    empty_db.upgrade()  # at head: nothing to do, nothing breaks
    assert empty_db.current_revision() == empty_db.head_revision()


def test_migration_downgrade_removes_the_audit_tables(empty_db: Database) -> None:
    empty_db.upgrade("0001_audit")
    with empty_db.engine.begin() as connection:
        from alembic import command

        command.downgrade(empty_db._alembic_config(connection), "base")
    assert not AUDIT_TABLES & set(inspect(empty_db.engine).get_table_names())
    empty_db.upgrade()
    assert set(inspect(empty_db.engine).get_table_names()) >= AUDIT_TABLES


def test_info_describes_the_database(db: Database, audit_key: FileKeyProvider) -> None:
    filled_trail(db, audit_key, 3)
    info = db.info()
    assert info.dialect == db.dialect
    assert info.revision == info.head_revision
    assert info.up_to_date
    assert info.audit_entries == 3
    assert info.url == db.display_url()
    assert info.path == (str(db.sqlite_path) if db.dialect == "sqlite" else None)


def test_display_url_hides_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.open("postgresql+psycopg://app:hunter2@127.0.0.1:1/labels")
    assert db.display_url() == "postgresql+psycopg://app:***@127.0.0.1:1/labels"
    assert db.sqlite_path is None
    db.dispose()


# -- backups -----------------------------------------------------------------------------------


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_backup_is_a_consistent_copy_beside_the_file(
    db: Database, audit_key: FileKeyProvider
) -> None:
    filled_trail(db, audit_key, 12)
    path = db.sqlite_path
    assert path is not None
    first = db.backup(clock=lambda: FIXED)
    second = db.backup(clock=lambda: FIXED)
    assert first == path.with_name(f"{path.name}.20261125T080000Z.backup")
    assert second == path.with_name(f"{path.name}.20261125T080000Z.backup.1")
    copy = Database.open(str(first))
    trail = AuditTrail(copy, audit_key, "QA")
    assert trail.verify().entries == 12
    assert trail.verify().ok
    copy.dispose()


def test_sqlite_backup_of_a_missing_file_is_none(tmp_path: Path) -> None:
    db = Database.open(str(tmp_path / "new.sqlite3"))
    assert db.backup() is None
    assert db.backup(tmp_path / "elsewhere") is None
    db.dispose()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_backup_into_another_folder(db: Database, tmp_path: Path) -> None:
    target = db.backup(tmp_path / "backups" / "nested", clock=lambda: FIXED)
    assert (
        target == tmp_path / "backups" / "nested" / "labelstation.sqlite3.20261125T080000Z.backup"
    )
    assert target.is_file()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_backup_uses_pg_dump(
    db: Database, audit_key: FileKeyProvider, tmp_path: Path
) -> None:
    filled_trail(db, audit_key, 2)
    target = db.backup(tmp_path, clock=lambda: FIXED)
    assert target == tmp_path / f"{db.url.database}.20261125T080000Z.sql"
    dump = target.read_text(encoding="utf-8")
    assert "CREATE TABLE public.audit_entry" in dump
    assert "CREATE TRIGGER audit_entry_no_update" in dump
    assert "jdoe" in dump


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_backup_without_pg_dump_is_refused(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(DatabaseError) as exc:
        db.backup(tmp_path)
    assert str(exc.value) == (
        "backup: pg_dump is not on PATH; install the PostgreSQL client tools or pass "
        "--no-backup after making your own backup"
    )


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_backup_failure_is_reported_and_leaves_no_file(
    db: Database, tmp_path: Path
) -> None:
    missing = Database.open(full_url(db).replace(str(db.url.database), "no_such_database_h5a"))
    with pytest.raises(DatabaseError) as exc:
        missing.backup(tmp_path, clock=lambda: FIXED)
    assert str(exc.value).startswith("backup: pg_dump exited with 1 (")
    assert 'database "no_such_database_h5a" does not exist' in str(exc.value)
    assert str(exc.value).endswith("); expected exit 0")
    assert list(tmp_path.glob("*.sql")) == []


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_backup_passes_the_password_outside_the_command_line(
    db: Database, tmp_path: Path
) -> None:
    # trust authentication ignores the password; what matters is that pg_dump still works
    # when one is given (it travels in PGPASSWORD, never on the command line).
    with_password = Database.open(
        make_url(full_url(db)).set(password="not-needed").render_as_string(hide_password=False)
    )
    target = with_password.backup(tmp_path, clock=lambda: FIXED)
    assert target is not None
    assert target.is_file()
    with_password.dispose()


# -- PostgreSQL application role ---------------------------------------------------------------


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_app_role_cannot_update_or_delete_audit_rows(
    db: Database, audit_key: FileKeyProvider
) -> None:
    role = f"ls_app_{uuid.uuid4().hex[:8]}"
    db.grant_app_role(role)
    db.grant_app_role(role)  # idempotent: the role exists now
    # As the attacker-proof setup should be, even without the triggers the role is refused.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_update ON audit_entry")
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_delete ON audit_entry")
    app = Database.open(
        make_url(full_url(db)).set(username=role).render_as_string(hide_password=False)
    )
    try:
        trail = filled_trail(app, audit_key, 10)  # INSERT works, and the checkpoint at 10
        assert trail.verify().ok
        for statement in (
            "UPDATE audit_entry SET reason = 'x' WHERE seq = 1",
            "DELETE FROM audit_entry WHERE seq = 1",
            "UPDATE audit_checkpoint SET mac = 'x'",
            "DELETE FROM audit_checkpoint",
            "TRUNCATE audit_entry",
            "DELETE FROM audit_head",
        ):
            with pytest.raises(sqlalchemy.exc.ProgrammingError) as exc, app.engine.begin() as c:
                c.exec_driver_sql(statement)
            assert "permission denied for table" in str(exc.value.orig)
        assert trail.verify().ok
    finally:
        app.dispose()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {role}")
            connection.exec_driver_sql(f"DROP ROLE {role}")


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            "App-Role",
            "role name: 'App-Role' is not allowed; expected 1-63 characters a-z, 0-9 and _, not "
            "starting with a digit",
        ),
        (
            "x; DROP TABLE audit_entry",
            "role name: 'x; DROP TABLE audit_entry' is not allowed; expected 1-63 characters a-z, "
            "0-9 and _, not starting with a digit",
        ),
    ],
)
def test_app_role_name_must_be_a_plain_identifier(role: str, message: str) -> None:
    db = Database.open("sqlite://")
    with pytest.raises(ValidationError) as exc:
        db.grant_app_role(role)
    assert str(exc.value) == message


def test_app_role_needs_postgresql() -> None:
    db = Database.open("sqlite://")
    with pytest.raises(DatabaseError) as exc:
        db.grant_app_role("labelstation_app")
    assert str(exc.value) == (
        "grant-app-role: database is sqlite; expected PostgreSQL (SQLite has no roles; its "
        "triggers alone refuse UPDATE and DELETE on the audit tables)"
    )
