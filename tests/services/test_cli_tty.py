"""Passwords typed at a real terminal: the CLI runs on a pty and reads them with getpass."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import termios
import time
from pathlib import Path

import pytest

from labelstation.security.keys import ENV_KEY_FILE
from labelstation.store.db import Database


def _echo_off(fd: int, deadline: float) -> bool:
    """Wait until the terminal stops echoing (getpass has taken it over); False on timeout.

    Typing before that would echo the password or be flushed by getpass's TCSAFLUSH.
    """
    while time.monotonic() < deadline:
        if not termios.tcgetattr(fd)[3] & termios.ECHO:
            return True
        time.sleep(0.01)
    return False


def _run_on_pty(argv: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``python -m labelstation argv`` on a new pty; answer each prompt; return rc, screen."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-m", "labelstation", *argv], env)
    screen = b""
    pending = list(answers)
    status: int | None = None
    deadline = time.monotonic() + 30
    try:
        while status is None and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed the pty
                    chunk = b""
                screen += chunk
                if pending and screen.rstrip().endswith(b":") and _echo_off(fd, deadline):
                    os.write(fd, pending.pop(0).encode() + b"\n")
                if chunk:
                    continue
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = raw
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), screen.decode("utf-8", "replace")


def _env(db: Database, tmp_path: Path) -> dict[str, str]:
    """The child's environment: this test's SQLite database and a key file of its own."""
    return {
        **os.environ,
        ENV_KEY_FILE: str(tmp_path / "key"),
        "LABELSTATION_DB": str(db.sqlite_path),
    }


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_init_admin_asks_twice_without_echo(db: Database, tmp_path: Path) -> None:
    env = _env(db, tmp_path)
    code, screen = _run_on_pty(
        ["user", "init-admin", "--id", "admin", "--name", "Ada Admin"],
        ["Admin-pass-2026", "Admin-pass-2026"],
        env,
    )
    assert code == 0, screen
    assert "New password for admin:" in screen
    assert "Repeat it:" in screen
    assert "Admin-pass-2026" not in screen  # never echoed
    assert "created administrator admin (Ada Admin)" in screen
    code, screen = _run_on_pty(["user", "list", "--user", "admin"], ["Admin-pass-2026"], env)
    assert code == 0, screen
    assert "admin\tAda Admin\tadministrator\tactive" in screen


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_mismatched_repeat_is_refused(db: Database, tmp_path: Path) -> None:
    env = _env(db, tmp_path)
    code, screen = _run_on_pty(
        ["user", "init-admin", "--id", "admin", "--name", "Ada Admin"],
        ["Admin-pass-2026", "Admin-pass-2027"],
        env,
    )
    assert code == 2
    assert "labelstation: error: new password: the two entries differ; expected the same" in screen
