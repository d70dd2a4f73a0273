"""The one atomic writer behind ``labelstation render`` and the designer's Export menu."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from labelstation.render.export import write_atomically, write_files_atomically


def _plain_open_mode(tmp_path: Path) -> int:
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    mode = stat.S_IMODE(probe.stat().st_mode)
    probe.unlink()
    return mode


def test_files_are_written_whole_with_the_mode_a_plain_open_gives(tmp_path: Path) -> None:
    files = {tmp_path / "a.zpl": b"^XA^XZ", tmp_path / "b.png": bytes(range(256))}
    assert write_files_atomically(files) == 6 + 256
    for path, payload in files.items():
        assert path.read_bytes() == payload
        assert stat.S_IMODE(path.stat().st_mode) == _plain_open_mode(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zpl", "b.png"]


def test_a_single_file_replaces_a_stale_one(tmp_path: Path) -> None:
    target = tmp_path / "label.zpl"
    target.write_bytes(b"stale label from an earlier run")
    assert write_atomically(target, b"^XA^FDnew^FS^XZ") == 15
    assert target.read_bytes() == b"^XA^FDnew^FS^XZ"
    assert os.listdir(tmp_path) == ["label.zpl"]


def test_one_failure_renames_nothing_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    first = tmp_path / "label-0001.png"
    first.write_bytes(b"old")
    missing = tmp_path / "no-such-folder" / "label-0002.png"
    with pytest.raises(FileNotFoundError):
        write_files_atomically({first: b"new", missing: b"new"})
    assert first.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["label-0001.png"]
