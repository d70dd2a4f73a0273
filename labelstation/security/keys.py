"""The site key that signs audit checkpoints, kept outside the database.

The audit chain alone proves only that the rows are consistent with each other: anyone who can
write to the database can change an entry and recompute every later hash. Checkpoints add an
HMAC-SHA256 with a key that is not in the database, so a rewrite is caught unless the attacker
also holds this key. The key is 32 random bytes, stored as 64 hex digits in a file readable by
its owner only (0600): under ``platformdirs.user_config_dir("LabelStation")`` or at the path in
``LABELSTATION_AUDIT_KEY_FILE``. Every station writing to one database needs the same key file
(copied by the administrator); QA needs a copy to verify offline.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import platformdirs

from labelstation.errors import IntegrityError

ENV_KEY_FILE: Final = "LABELSTATION_AUDIT_KEY_FILE"
KEY_FILE_NAME: Final = "audit-checkpoint.key"
KEY_BYTES: Final = 32


class CheckpointKeyError(IntegrityError):
    """The checkpoint key file is missing, unreadable, malformed or readable by others."""


class KeyProvider(Protocol):
    """Anything that hands out the site's checkpoint key (a file, an OS keyring, an HSM)."""

    def key(self) -> bytes:
        """Return the key bytes; raise :class:`CheckpointKeyError` if they are unavailable."""
        ...


def key_id(key: bytes) -> str:
    """A 16-hex-digit fingerprint of ``key``, stored with each checkpoint.

    It tells "made with another key" apart from "changed" without revealing the key (it is a
    hash of the key with a fixed label, not a MAC of anything an attacker controls).
    """
    return hashlib.sha256(b"labelstation-audit-key-id\x00" + key).hexdigest()[:16]


def checkpoint_mac(key: bytes, seq: int, entry_hash: str) -> str:
    """HMAC-SHA256 (hex) over the chain position ``seq`` and the entry hash at that position."""
    message = f"labelstation-audit-checkpoint\x00{seq}\x00{entry_hash}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def default_key_path() -> Path:
    """``LABELSTATION_AUDIT_KEY_FILE`` if set, else the file in the per-user config folder."""
    override = os.environ.get(ENV_KEY_FILE)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("LabelStation")) / KEY_FILE_NAME


@dataclass(frozen=True)
class FileKeyProvider:
    """The key in a 0600 file; with ``create=True`` a missing file is made with a fresh key.

    Stations that append create the key on first use; ``audit verify`` passes ``create=False``
    so that a missing key is reported instead of silently replaced (a new key would make every
    existing checkpoint fail).
    """

    path: Path
    create: bool = True

    @classmethod
    def default(cls, *, create: bool = True) -> FileKeyProvider:
        """The provider for :func:`default_key_path`."""
        return cls(default_key_path(), create=create)

    def key(self) -> bytes:
        """Read (or create) the key.

        Raises:
            CheckpointKeyError: the file is missing (and ``create`` is false), can be read by
                group or others, or does not hold exactly 64 hex digits.
        """
        try:
            return self._read()
        except FileNotFoundError:
            if not self.create:
                raise CheckpointKeyError(
                    f"audit key file: {str(self.path)!r} does not exist; expected the site's "
                    f"checkpoint key (copy it from a station, or set {ENV_KEY_FILE})"
                ) from None
        return self._create()

    def _read(self) -> bytes:
        mode = self.path.stat().st_mode
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CheckpointKeyError(
                f"audit key file: {str(self.path)!r} has permissions {stat.S_IMODE(mode):04o}; "
                "expected 0600 (readable by its owner only)"
            )
        text = self.path.read_text(encoding="ascii", errors="replace").strip()
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES or len(text) != 2 * KEY_BYTES:
            raise CheckpointKeyError(
                f"audit key file: {str(self.path)!r} holds {len(text)} characters that are not "
                f"a key; expected {2 * KEY_BYTES} hex digits"
            )
        return key

    def _create(self) -> bytes:
        key = secrets.token_bytes(KEY_BYTES)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return self._read()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
