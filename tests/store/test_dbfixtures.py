"""The shared ``db`` fixture: PostgreSQL cases skip locally without a cluster, fail under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent

_PROBE = """
def test_probe(db):
    assert db.current_revision() == db.head_revision()
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(_PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("LABELSTATION_TEST_PG_URL", "CI")}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only dbfixtures: no Qt, no hypothesis
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "dbfixtures",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path / "test_probe.py"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )


def test_postgresql_case_skips_with_a_reason_outside_ci(tmp_path: Path) -> None:
    proc = _run(tmp_path, ci=None)
    assert proc.returncode == 0, proc.stdout
    assert "1 passed, 1 skipped" in proc.stdout
    assert "LABELSTATION_TEST_PG_URL is not set; run `make test`" in proc.stdout


def test_postgresql_case_fails_under_ci(tmp_path: Path) -> None:
    proc = _run(tmp_path, ci="true")
    assert proc.returncode == 1, proc.stdout
    assert (
        "PostgreSQL tests cannot run under CI: LABELSTATION_TEST_PG_URL is not set" in proc.stdout
    )
    assert "1 passed" in proc.stdout
    assert "1 error" in proc.stdout
