"""The command line's outer contract: help, version, refusals and internal errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from labelstation.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("labelstation ")


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: labelstation" in capsys.readouterr().out


def test_console_script_runs_as_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "labelstation", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert "COMMAND" in proc.stdout
    assert "Traceback" not in proc.stderr
