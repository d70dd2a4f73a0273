"""The checkpoint key file: created 0600, read back, and refused when unsafe or malformed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from labelstation.security.keys import (
    ENV_KEY_FILE,
    KEY_FILE_NAME,
    CheckpointKeyError,
    FileKeyProvider,
    default_key_path,
    key_id,
)


def test_key_is_created_owner_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "audit.key"
    provider = FileKeyProvider(path)
    key = provider.key()
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="ascii") == key.hex() + "\n"
    assert provider.key() == key
    assert FileKeyProvider(path, create=False).key() == key
    assert FileKeyProvider(tmp_path / "other.key").key() != key


def test_missing_key_is_not_invented_when_create_is_false(tmp_path: Path) -> None:
    path = tmp_path / "absent.key"
    with pytest.raises(CheckpointKeyError) as exc:
        FileKeyProvider(path, create=False).key()
    assert str(exc.value) == (
        f"audit key file: '{path}' does not exist; expected the site's checkpoint key (copy it "
        f"from a station, or set {ENV_KEY_FILE})"
    )
    assert not path.exists()


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    FileKeyProvider(path).key()
    os.chmod(path, 0o644)
    with pytest.raises(CheckpointKeyError) as exc:
        FileKeyProvider(path).key()
    assert str(exc.value) == (
        f"audit key file: '{path}' has permissions 0644; expected 0600 (readable by its owner only)"
    )


@pytest.mark.parametrize(
    ("content", "length"),
    [("not hex at all", 14), ("ab" * 31, 62), ("ab" * 33, 66), ("zz" * 32, 64), ("", 0)],
)
def test_malformed_key_is_refused(tmp_path: Path, content: str, length: int) -> None:
    path = tmp_path / "audit.key"
    path.write_text(content, encoding="ascii")
    os.chmod(path, 0o600)
    with pytest.raises(CheckpointKeyError) as exc:
        FileKeyProvider(path).key()
    assert str(exc.value) == (
        f"audit key file: '{path}' holds {length} characters that are not a key; expected 64 "
        "hex digits"
    )


def test_key_file_created_meanwhile_by_another_station_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.key"
    theirs = FileKeyProvider(tmp_path / "theirs.key").key()
    provider = FileKeyProvider(path)
    real_read = FileKeyProvider._read
    calls = {"n": 0}

    def read_racing(self: FileKeyProvider) -> bytes:
        calls["n"] += 1
        if calls["n"] == 1:  # first look: absent; then another process writes it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(theirs.hex() + "\n")
            raise FileNotFoundError(path)
        return real_read(self)

    monkeypatch.setattr(FileKeyProvider, "_read", read_racing)
    assert provider.key() == theirs


def test_default_path_env_and_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "site.key"))
    assert default_key_path() == tmp_path / "site.key"
    assert FileKeyProvider.default(create=False).path == tmp_path / "site.key"
    monkeypatch.delenv(ENV_KEY_FILE)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_key_path() == tmp_path / "cfg" / "LabelStation" / KEY_FILE_NAME
    assert FileKeyProvider.default().create is True


def test_key_id_is_a_stable_fingerprint() -> None:
    assert key_id(b"\x00" * 32) == key_id(b"\x00" * 32)
    assert key_id(b"\x00" * 32) != key_id(b"\x01" * 32)
    assert len(key_id(b"k")) == 16
