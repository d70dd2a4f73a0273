"""``labelstation db …`` and ``labelstation audit …`` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from store_helpers import filled_trail, full_url

from labelstation.cli import main
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import ENV_KEY_FILE, FileKeyProvider
from labelstation.store.db import Database


@pytest.fixture(autouse=True)
def key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "site" / "audit-checkpoint.key"
    monkeypatch.setenv(ENV_KEY_FILE, str(path))
    return path


def test_upgrade_creates_a_new_sqlite_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "ls.sqlite3"
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    head = Database.open(str(path)).head_revision()
    assert out == (
        f"backup: none (new database)\ndatabase sqlite:///{path}: upgraded from empty to {head}\n"
    )
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"database sqlite:///{path}: already at {head}; nothing to do\n"
    )
    db = Database.open(str(path))
    (entry,) = AuditTrail(db, FileKeyProvider(tmp_path / "k"), "QA").entries()
    user = getpass.getuser()
    assert (entry.actor_id, entry.actor_name) == (
        f"os:{user}",
        f"{user} (operating-system account)",
    )
    assert (entry.action, entry.object_type, entry.object_id) == (
        "db.upgrade",
        "database",
        f"sqlite:///{path}",
    )
    assert (entry.old, entry.new) == ({"revision": None}, {"revision": head, "backup": None})
    assert entry.reason == "labelstation command line"
    db.dispose()


def test_upgrade_without_a_known_os_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_account() -> str:
        raise KeyError("getpwuid(): uid not found: 12345")

    monkeypatch.setattr(getpass, "getuser", no_account)
    path = tmp_path / "ls.sqlite3"
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    db = Database.open(str(path))
    (entry,) = AuditTrail(db, FileKeyProvider(tmp_path / "k"), "QA").entries()
    assert entry.actor_id == "os:unknown"
    db.dispose()


def test_upgrade_backs_up_an_existing_sqlite_file_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ls.sqlite3"
    legacy = sqlite3.connect(path)
    legacy.execute("CREATE TABLE legacy_labels (id INTEGER PRIMARY KEY, gtin TEXT)")
    legacy.execute("INSERT INTO legacy_labels (gtin) VALUES ('09506000134352')")
    legacy.commit()
    legacy.close()
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"backup: {path}.")
    backup = Path(lines[0].removeprefix("backup: "))
    assert backup.name.endswith("Z.backup")
    copy = sqlite3.connect(backup)
    tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert copy.execute("SELECT gtin FROM legacy_labels").fetchall() == [("09506000134352",)]
    copy.close()
    assert tables == {"legacy_labels"}  # taken before the migration ran
    upgraded = Database.open(str(path))
    assert upgraded.current_revision() == upgraded.head_revision()
    upgraded.dispose()


def test_upgrade_from_an_older_revision_backs_up_that_revision(
    empty_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_db.upgrade("0001_audit")
    assert empty_db.head_revision() != "0001_audit"  # later migrations exist to run
    args = ["db", "upgrade", "--db", full_url(empty_db), "--backup-dir", str(tmp_path)]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    backup = Path(first.removeprefix("backup: "))
    if empty_db.dialect == "sqlite":
        with sqlite3.connect(backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [
                ("0001_audit",)
            ]
        copy.close()
    else:
        assert "0001_audit" in backup.read_text(encoding="utf-8")
    assert empty_db.current_revision() == empty_db.head_revision()


def test_upgrade_with_no_backup_and_backup_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ls.sqlite3"
    sqlite3.connect(path).close()
    assert main(["db", "upgrade", "--db", str(path), "--no-backup"]) == 0
    assert capsys.readouterr().out.startswith("backup: skipped (--no-backup)\n")
    other = tmp_path / "two.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    assert main(["db", "upgrade", "--db", str(other), "--backup-dir", str(tmp_path / "bk")]) == 0
    assert capsys.readouterr().out.startswith(f"backup: {tmp_path / 'bk'}/two.sqlite3.")


@pytest.mark.parametrize("empty_db", ["postgresql"], indirect=True)
def test_postgresql_upgrade_dumps_first_or_refuses_without_pg_dump(
    empty_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = full_url(empty_db)
    with monkeypatch.context() as patch:
        patch.setenv("PATH", str(tmp_path / "no-bin"))
        assert main(["db", "upgrade", "--db", url]) == 2
    assert capsys.readouterr().err == (
        "labelstation: error: backup: pg_dump is not on PATH; install the PostgreSQL client "
        "tools or pass --no-backup after making your own backup\n"
    )
    assert empty_db.current_revision() is None  # refused before touching the schema
    assert main(["db", "upgrade", "--db", url, "--backup-dir", str(tmp_path)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"backup: {tmp_path}/{empty_db.url.database}.")
    assert Path(first.removeprefix("backup: ")).is_file()
    assert empty_db.current_revision() == empty_db.head_revision()


def test_info_text_and_json(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "info", "--db", full_url(db), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    head = db.head_revision()
    assert info == {
        "url": db.display_url(),
        "dialect": db.dialect,
        "path": str(db.sqlite_path) if db.sqlite_path else None,
        "revision": head,
        "head_revision": head,
        "up_to_date": True,
        "audit_entries": 0,
    }
    assert main(["db", "info", "--db", full_url(db)]) == 0
    out = capsys.readouterr().out
    assert f"schema:    {head} (up to date)\n" in out
    assert "audit:     0 entries\n" in out


def test_info_of_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.sqlite3"
    assert main(["db", "info", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    head = Database.open(str(path)).head_revision()
    assert out == (
        f"url:       sqlite:///{path}\ndialect:   sqlite\nfile:      {path}\n"
        f"schema:    none (upgrade available to {head})\n"
    )


def test_backup_command(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "backup", "--db", full_url(db), "--backup-dir", str(tmp_path / "bk")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"backup: {tmp_path / 'bk'}/")
    assert Path(out.removeprefix("backup: ").strip()).stat().st_size > 0
    missing = tmp_path / "missing.sqlite3"
    assert main(["db", "backup", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"labelstation: error: backup: sqlite:///{missing} does not exist yet; expected an "
        "existing database\n"
    )


def test_verify_ok_then_changed_entry_is_named(
    db: Database, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = filled_trail(db, FileKeyProvider(key_file), 20)
    head = trail.head()
    assert main(["audit", "verify", "--db", full_url(db)]) == 0
    assert capsys.readouterr().out == (
        f"audit trail ok: 20 entries, 20 checkpoints (HMACs checked), head 20 {head.hash}\n"
    )
    with db.engine.begin() as connection:
        suffix = " ON audit_entry" if db.dialect == "postgresql" else ""
        connection.exec_driver_sql(f"DROP TRIGGER audit_entry_no_update{suffix}")
        connection.execute(
            text("UPDATE audit_entry SET actor_name = 'Someone Else' WHERE seq = 17")
        )
    assert main(["audit", "verify", "--db", full_url(db)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "labelstation: error: audit entry 17: hash does not match its content (changed)\n"
    )
    assert captured.out == ""
    assert main(["audit", "verify", "--db", full_url(db), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "valid": False,
        "error": "audit entry 17: hash does not match its content (changed)",
        "ok": False,
        "entries": 16,
        "first_bad": 17,
        "problem": "audit entry 17: hash does not match its content (changed)",
        "checkpoints": 16,
        "hmac_checked": True,
        "head": {"seq": 16, "hash": trail.entries(start=16, stop=16)[0].hash},
    }


def test_verify_json_ok_and_without_key(
    db: Database, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_trail(db, FileKeyProvider(key_file), 10)
    assert main(["audit", "verify", "--db", full_url(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["valid"], report["error"], report["entries"]) == (True, None, 10)
    missing = tmp_path / "nowhere.key"
    assert main(["audit", "verify", "--db", full_url(db), "--key-file", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"labelstation: error: audit key file: '{missing}' does not exist; expected the site's "
        f"checkpoint key (copy it from a station, or set {ENV_KEY_FILE})\n"
    )
    assert not missing.exists()  # verify never invents a key
    assert (
        main(["audit", "verify", "--db", full_url(db), "--key-file", str(missing), "--no-hmac"])
        == 0
    )
    assert "(HMACs NOT checked)" in capsys.readouterr().out


def test_export_csv_and_pdf(
    db: Database, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_trail(db, FileKeyProvider(key_file), 3)
    csv_path = tmp_path / "a.csv"
    pdf_path = tmp_path / "a.pdf"
    assert main(["audit", "export", "--db", full_url(db), "--csv", str(csv_path)]) == 0
    assert capsys.readouterr().out == f"exported 3 audit entries to {csv_path}\n"
    assert csv_path.read_bytes().count(b"\r\n") == 4
    assert main(["audit", "export", "--db", full_url(db), "--pdf", str(pdf_path)]) == 0
    assert capsys.readouterr().out == f"exported 3 audit entries to {pdf_path}\n"
    assert pdf_path.read_bytes().startswith(b"%PDF-")


def test_export_needs_exactly_one_target(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["audit", "export", "--db", full_url(db)])
    assert exc.value.code == 2
    assert "one of the arguments --csv --pdf is required" in capsys.readouterr().err


def test_checkpoint_on_demand(
    db: Database, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "checkpoint", "--db", full_url(db)]) == 0
    assert capsys.readouterr().err == "audit trail is empty; no checkpoint written\n"
    trail = filled_trail(db, FileKeyProvider(key_file), 3)
    assert main(["audit", "checkpoint", "--db", full_url(db)]) == 0
    assert capsys.readouterr().out == f"checkpoint at entry 3: {trail.head().hash}\n"
    # Every entry already has its checkpoint; an on-demand one at the same head adds no row.
    assert [c.seq for c in trail.checkpoints()] == [1, 2, 3]


def test_audit_commands_refuse_missing_or_unupgraded_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert main(["audit", "verify", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"labelstation: error: database '{missing}': does not exist; expected an existing "
        "LabelStation database\n"
    )
    assert not missing.exists()
    bare = tmp_path / "bare.sqlite3"
    sqlite3.connect(bare).close()
    assert main(["audit", "export", "--db", str(bare), "--csv", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err == (
        f"labelstation: error: database sqlite:///{bare}: has no schema; expected an upgraded "
        "database (run labelstation db upgrade)\n"
    )


def test_grant_app_role_on_sqlite_is_refused(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    if db.dialect == "postgresql":
        role = "ls_cli_role_test"
        assert main(["db", "grant-app-role", role, "--db", full_url(db)]) == 0
        assert capsys.readouterr().out == (
            f"role {role}: SELECT, INSERT only on audit_entry and audit_checkpoint\n"
        )
        (entry,) = AuditTrail(db, FileKeyProvider(Path(os.devnull)), "QA").entries()
        assert (entry.action, entry.object_id) == ("db.grant_app_role", role)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {role}")
            connection.exec_driver_sql(f"DROP ROLE {role}")
        return
    assert main(["db", "grant-app-role", "labelstation_app", "--db", full_url(db)]) == 2
    assert capsys.readouterr().err.startswith(
        "labelstation: error: grant-app-role: database is sqlite; expected PostgreSQL"
    )


@pytest.mark.parametrize("group", ["db", "audit"])
def test_group_without_subcommand_prints_help(
    group: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([group]) == 2
    assert f"usage: labelstation {group}" in capsys.readouterr().out


def test_environment_chooses_the_database(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LABELSTATION_DB", full_url(db))
    assert main(["db", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["url"] == db.display_url()


def test_refusal_from_a_real_process_is_one_line_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "labelstation", "audit", "verify", "--db", "mysql://x/y"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "labelstation: error: database URL: scheme 'mysql' is not supported; expected "
        "sqlite:// or postgresql+psycopg://\n"
    )


def test_verify_uses_the_site_checkpoint_interval(
    db: Database, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_trail(db, FileKeyProvider(key_file), 20, checkpoint_every=10)  # a site that chose 10
    assert main(["audit", "verify", "--db", full_url(db), "--checkpoint-every", "10"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--db", full_url(db), "--checkpoint-every", "7"]) == 2
    assert capsys.readouterr().err == (
        "labelstation: error: checkpoint at entry 7 missing (deleted; the chain may have been "
        "rewritten between entries 1 and 7)\n"
    )
    for bad in ("0", "ten"):
        with pytest.raises(SystemExit) as exc:
            main(["audit", "verify", "--db", full_url(db), "--checkpoint-every", bad])
        assert exc.value.code == 2
        assert f"{bad!r} is not a whole number of entries >= 1" in capsys.readouterr().err


@pytest.mark.parametrize(("group", "subcommand"), [("db", "upgrade"), ("audit", "verify")])
def test_group_without_subcommand_prints_help_and_exits_2(
    group: str, subcommand: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([group]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"usage: labelstation {group} [-h]")
    assert subcommand in out
