"""The tamper-evident audit trail (21 CFR 11.10(e), EU Annex 11 §9): the one place that writes it.

Every audited change calls :meth:`AuditTrail.append` inside the caller's own transaction, so the
change and its entry commit together or not at all. An entry records who (user ID and printed
name), when (UTC, from an injectable clock), what (action, object type and ID, old and new values
as canonical JSON), why (reason) and where (workstation).

Entries form a hash chain: entry *n* stores ``prev_hash`` (the hash of entry *n-1*, 64 zeros for
entry 1) and ``hash`` = SHA-256 over the canonical JSON of all its fields including ``seq`` and
``prev_hash``. Changing, deleting, inserting or renumbering a row breaks the chain at that row,
and :meth:`AuditTrail.verify` names it. Someone with write access can still recompute every later
hash; keyed checkpoints catch that: every ``checkpoint_every`` entries (and on demand) an
HMAC-SHA256 over ``(seq, hash)`` with a site key kept outside the database is stored. Without the
key a rewritten chain cannot produce matching checkpoints. See ``docs/audit-trail.md``.

Appends are serialized on the single ``audit_head`` row (``UPDATE`` first, held until the
caller commits; on SQLite the write session's ``BEGIN IMMEDIATE`` already serializes), so several
stations on one PostgreSQL database extend one chain.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from labelstation.errors import IntegrityError, ValidationError
from labelstation.security.keys import CheckpointKeyError, KeyProvider, checkpoint_mac, key_id
from labelstation.store.db import Database
from labelstation.store.models.audit import (
    ACTION_MAX,
    ACTOR_ID_MAX,
    ACTOR_NAME_MAX,
    GENESIS_HASH,
    OBJECT_ID_MAX,
    OBJECT_TYPE_MAX,
    WORKSTATION_MAX,
    AuditCheckpointRow,
    AuditEntryRow,
    AuditHeadRow,
)
from labelstation.template.canonical import canonical_json

Clock = Callable[[], dt.datetime]
#: One ``audit_entry`` row as read (columns by attribute, as on ``AuditEntryRow``).
_StoredRow = Row[Any]

#: Version of the hashed entry layout; part of every hash so a future layout cannot collide.
HASH_VERSION: Final = 1
#: A keyed checkpoint after every entry: a rewrite with recomputed hashes is then named at the
#: exact entry it starts at, and there is no unsigned tail for a forger to work in. An HMAC
#: costs microseconds; the extra row per append is the price (docs/benchmarks.md).
DEFAULT_CHECKPOINT_EVERY: Final = 1
_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"
_STREAM_CHUNK: Final = 2000
_NO_HEAD: Final = (
    "audit chain head: the row in audit_head is missing (deleted); expected exactly one row"
)

CSV_COLUMNS: Final = (
    "seq",
    "recorded_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "old",
    "new",
    "reason",
    "workstation",
    "prev_hash",
    "hash",
)

__all__ = [
    "CSV_COLUMNS",
    "GENESIS_HASH",
    "AuditEntry",
    "AuditTrail",
    "ChainHead",
    "Checkpoint",
    "VerifyResult",
    "entry_hash",
]


class ChainHead(NamedTuple):
    """The last entry's ``(seq, hash)``; ``(0, GENESIS_HASH)`` for an empty trail.

    E-signatures and batch records store it, which anchors the chain outside the audit tables.
    """

    seq: int
    hash: str


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry as written and as read back.

    ``old`` and ``new`` are the JSON values the caller passed (``None`` for "no value", e.g. the
    old side of a creation); ``old_json``/``new_json`` are their canonical JSON text, which is
    what the hash covers.
    """

    seq: int
    recorded_at: dt.datetime
    actor_id: str
    actor_name: str
    action: str
    object_type: str
    object_id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    workstation: str
    prev_hash: str
    hash: str
    old_json: str | None
    new_json: str | None

    def as_row(self) -> dict[str, str]:
        """The entry as text columns (:data:`CSV_COLUMNS`), as exported to CSV."""
        return {
            "seq": str(self.seq),
            "recorded_at": self.recorded_at.strftime(_TIME_FORMAT),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "old": self.old_json or "",
            "new": self.new_json or "",
            "reason": self.reason or "",
            "workstation": self.workstation,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class Checkpoint:
    """A keyed anchor of the chain at entry ``seq``."""

    seq: int
    entry_hash: str
    key_id: str
    mac: str
    created_at: str


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :meth:`AuditTrail.verify`.

    Attributes:
        ok: the chain, head row, checkpoints and anchors are all consistent.
        entries: entries read.
        first_bad: the first entry that is wrong or missing (for a failed checkpoint, the first
            entry after the last good checkpoint: the rewrite happened at or after it).
        problem: one line naming the entry and what is wrong; ``""`` when ``ok``.
        checkpoints: checkpoints checked (hash compared, and HMAC when the key was used).
        hmac_checked: the checkpoints' HMACs were checked with the key.
        head: the chain head as found in the entries.
    """

    ok: bool
    entries: int
    first_bad: int | None
    problem: str
    checkpoints: int
    hmac_checked: bool
    head: ChainHead

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad": self.first_bad,
            "problem": self.problem,
            "checkpoints": self.checkpoints,
            "hmac_checked": self.hmac_checked,
            "head": {"seq": self.head.seq, "hash": self.head.hash},
        }


def entry_hash(
    *,
    seq: int,
    recorded_at: str,
    actor_id: str,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    old_json: str | None,
    new_json: str | None,
    reason: str | None,
    workstation: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over the canonical JSON of every field of an entry, its position included.

    ``seq`` is inside the hash so that renumbering rows (to insert, delete or reorder) changes
    them; ``prev_hash`` links the entry to its predecessor.
    """
    document = {
        "v": HASH_VERSION,
        "seq": seq,
        "recorded_at": recorded_at,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "old": old_json,
        "new": new_json,
        "reason": reason,
        "workstation": workstation,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _row_hash(row: _StoredRow, seq: int | None = None) -> str:
    return entry_hash(
        seq=row.seq if seq is None else seq,
        recorded_at=row.recorded_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        old_json=row.old_json,
        new_json=row.new_json,
        reason=row.reason,
        workstation=row.workstation,
        prev_hash=row.prev_hash,
    )


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_text(field: str, value: object, limit: int | None, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"audit {field}: {value!r} is a {type(value).__name__}; expected text"
        )
    if not empty_ok and not value.strip():
        raise ValidationError(f"audit {field}: {value!r} is empty; expected text")
    if limit is not None and len(value) > limit:
        raise ValidationError(f"audit {field}: {len(value)} characters; expected at most {limit}")
    if "\x00" in value:
        raise ValidationError(
            f"audit {field}: {value!r} contains NUL (U+0000); expected text without NUL, "
            "which PostgreSQL cannot store"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"audit {field}: {value!r} is not valid Unicode ({exc.reason}); expected UTF-8 text"
        ) from None
    return value


def _value_json(field: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(
            f"audit {field}: {value!r} is a {type(value).__name__}; expected a dict or None"
        )
    try:
        text = canonical_json(value).decode("utf-8")
    except ValueError:
        raise ValidationError(
            f"audit {field}: {value!r} holds NaN or infinity; expected finite numbers (JSON "
            "has neither)"
        ) from None
    except TypeError as exc:
        raise ValidationError(
            f"audit {field}: {value!r} cannot be written as JSON ({exc}); expected JSON values"
        ) from None
    if json.loads(text) != value:  # int keys become strings, tuples lists: refuse both
        raise ValidationError(
            f"audit {field}: {value!r} does not survive JSON unchanged; expected string keys "
            "and JSON values (str, int, float, bool, None, list, dict)"
        )
    return text


def _entry(row: _StoredRow) -> AuditEntry:
    recorded = dt.datetime.strptime(row.recorded_at, _TIME_FORMAT).replace(tzinfo=dt.UTC)
    return AuditEntry(
        seq=row.seq,
        recorded_at=recorded,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        old=json.loads(row.old_json) if row.old_json is not None else None,
        new=json.loads(row.new_json) if row.new_json is not None else None,
        reason=row.reason,
        workstation=row.workstation,
        prev_hash=row.prev_hash,
        hash=row.hash,
        old_json=row.old_json,
        new_json=row.new_json,
    )


class _Failure(Exception):
    """Internal: stops the verification walk at the first problem."""

    def __init__(self, first_bad: int, problem: str) -> None:
        super().__init__(problem)
        self.first_bad = first_bad
        self.problem = problem


class AuditTrail:
    """Writes, verifies and exports the audit trail of one database.

    Args:
        db: the database (schema at ``0001_audit`` or later).
        key_provider: the site's checkpoint key (see :mod:`labelstation.security.keys`).
        workstation: this station's name, recorded in every entry.
        clock: returns the current time (timezone-aware); tests pass a fixed clock.
        checkpoint_every: write a keyed checkpoint whenever ``seq`` is a multiple of this.
        reason_actions: actions that always need a reason (changes to approved or production
            data); callers can also pass ``reason_required=True`` to :meth:`append`.
    """

    def __init__(
        self,
        db: Database,
        key_provider: KeyProvider,
        workstation: str,
        *,
        clock: Clock | None = None,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
        reason_actions: Collection[str] = (),
    ) -> None:
        self._db = db
        self._keys = key_provider
        self.workstation = _check_text("workstation", workstation, WORKSTATION_MAX)
        self._clock = clock or _utc_now
        if checkpoint_every < 1:
            raise ValidationError(
                f"audit checkpoint_every: {checkpoint_every} is below 1; expected a positive "
                "number of entries"
            )
        self.checkpoint_every = checkpoint_every
        self.reason_actions = frozenset(reason_actions)

    # -- writing ------------------------------------------------------------------------------

    def _now_text(self) -> str:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValidationError(
                f"audit clock: {now.isoformat()} has no time zone; expected an aware datetime"
            )
        return now.astimezone(dt.UTC).strftime(_TIME_FORMAT)

    def append(
        self,
        session: Session,
        *,
        actor_id: str,
        actor_name: str,
        action: str,
        object_type: str,
        object_id: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        reason: str | None,
        reason_required: bool = False,
    ) -> AuditEntry:
        """Append one entry in ``session``'s transaction (it commits with the audited change).

        Use a write session (``db.session()``): it holds the chain head until commit, so
        concurrent stations queue behind each other instead of forking the chain.

        Raises:
            ValidationError: a field is empty, too long, not text, contains NUL; ``old``/``new``
                are not JSON dicts that survive a round trip; or a required reason is missing.
            IntegrityError: the chain head row is missing (the database was tampered with).
            CheckpointKeyError: this append needs a checkpoint and the site key is unavailable
                or differs from the key of the existing checkpoints. In every case nothing is
                written; the caller's transaction should roll back with its change.
        """
        _check_text("actor_id", actor_id, ACTOR_ID_MAX)
        _check_text("actor_name", actor_name, ACTOR_NAME_MAX)
        _check_text("action", action, ACTION_MAX)
        _check_text("object_type", object_type, OBJECT_TYPE_MAX)
        _check_text("object_id", object_id, OBJECT_ID_MAX, empty_ok=True)
        old_json = _value_json("old", old)
        new_json = _value_json("new", new)
        if reason == "":
            # None means "no reason"; refusing "" keeps that one spelling (CSV cannot tell them
            # apart), so an export can be re-hashed without guessing.
            raise ValidationError("audit reason: '' is empty; expected a reason or None")
        if reason is not None:
            _check_text("reason", reason, None, empty_ok=True)
        if (reason_required or action in self.reason_actions) and not (reason or "").strip():
            raise ValidationError(
                f"audit reason: {reason!r} for action {action!r} on {object_type} "
                f"{object_id!r}; expected a reason (changes to approved or production data "
                "need one)"
            )
        recorded_at = self._now_text()
        # Take the chain head first: the row lock (PostgreSQL) or the write lock (SQLite) is
        # held until the caller commits, so nobody else can extend the chain in between.
        connection = session.connection()
        head = connection.execute(
            update(AuditHeadRow)
            .where(AuditHeadRow.id == 1)
            .values(seq=AuditHeadRow.seq + 1)
            .returning(AuditHeadRow.seq, AuditHeadRow.hash)
        ).one_or_none()
        if head is None:
            raise IntegrityError(_NO_HEAD)
        seq, prev_hash = int(head.seq), str(head.hash)
        fields: dict[str, Any] = {
            "seq": seq,
            "recorded_at": recorded_at,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "old_json": old_json,
            "new_json": new_json,
            "reason": reason,
            "workstation": self.workstation,
            "prev_hash": prev_hash,
        }
        digest = entry_hash(**fields)
        connection.execute(insert(AuditEntryRow).values(**fields, hash=digest))
        connection.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(hash=digest))
        if seq % self.checkpoint_every == 0:
            self._write_checkpoint(session, seq, digest)
        return AuditEntry(
            seq=seq,
            recorded_at=dt.datetime.strptime(recorded_at, _TIME_FORMAT).replace(tzinfo=dt.UTC),
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            old=json.loads(old_json) if old_json is not None else None,
            new=json.loads(new_json) if new_json is not None else None,
            reason=reason,
            workstation=self.workstation,
            prev_hash=prev_hash,
            hash=digest,
            old_json=old_json,
            new_json=new_json,
        )

    def _write_checkpoint(self, session: Session, seq: int, digest: str) -> Checkpoint:
        key = self._keys.key()
        previous = session.execute(
            select(AuditCheckpointRow.key_id).order_by(AuditCheckpointRow.id.desc()).limit(1)
        ).scalar()
        if previous is not None and previous != key_id(key):
            # A station with a freshly generated key would sign with a key nobody else holds:
            # refuse (and roll back the audited change) rather than fork the site's key.
            raise CheckpointKeyError(
                f"audit key: this station's key {key_id(key)} is not the key {previous} of the "
                "existing checkpoints; expected the site key (copy the key file from a station)"
            )
        existing = session.scalars(
            select(AuditCheckpointRow)
            .where(AuditCheckpointRow.seq == seq, AuditCheckpointRow.entry_hash == digest)
            .limit(1)
        ).one_or_none()
        if existing is not None:  # on demand at a head that already has one: no second row
            return Checkpoint(
                existing.seq,
                existing.entry_hash,
                existing.key_id,
                existing.mac,
                existing.created_at,
            )
        checkpoint = Checkpoint(
            seq=seq,
            entry_hash=digest,
            key_id=key_id(key),
            mac=checkpoint_mac(key, seq, digest),
            created_at=self._now_text(),
        )
        session.execute(
            insert(AuditCheckpointRow).values(
                seq=checkpoint.seq,
                entry_hash=checkpoint.entry_hash,
                key_id=checkpoint.key_id,
                mac=checkpoint.mac,
                created_at=checkpoint.created_at,
            )
        )
        return checkpoint

    def checkpoint(self, session: Session | None = None) -> Checkpoint | None:
        """Write a keyed checkpoint at the current head now (e.g. at batch end, before export).

        Returns:
            The checkpoint, or ``None`` when the trail is still empty. When the head already has
            one (with the default interval every entry has), that one is returned, not repeated.
        """
        if session is None:
            with self._db.session() as own:
                return self.checkpoint(own)
        head = self._head(session)
        if head.seq == 0:
            return None
        # The head row is read as stored; verify() checks it against the entries.
        return self._write_checkpoint(session, head.seq, head.hash)

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _head(session: Session) -> ChainHead:
        row = session.execute(
            select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1)
        ).one_or_none()
        if row is None:
            raise IntegrityError(_NO_HEAD)
        return ChainHead(int(row.seq), str(row.hash))

    def head(self, session: Session | None = None) -> ChainHead:
        """The chain head ``(seq, hash)``; pass the caller's session to see its own appends.

        Raises:
            IntegrityError: the head row is missing (the database was tampered with).
        """
        if session is None:
            with self._db.session(write=False) as own:
                return self._head(own)
        return self._head(session)

    def entries(self, *, start: int = 1, stop: int | None = None) -> list[AuditEntry]:
        """Entries with ``start <= seq <= stop`` (all from ``start`` when ``stop`` is None)."""
        with self._db.session(write=False) as session:
            return [_entry(row) for row in self._stream(session, start, stop)]

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint, in chain order."""
        with self._db.session(write=False) as session:
            return self._checkpoints(session)

    @staticmethod
    def _checkpoints(session: Session) -> list[Checkpoint]:
        rows = session.scalars(
            select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq, AuditCheckpointRow.id)
        ).all()
        return [Checkpoint(r.seq, r.entry_hash, r.key_id, r.mac, r.created_at) for r in rows]

    @staticmethod
    def _stream(
        session: Session, start: int | None = None, stop: int | None = None
    ) -> Iterator[_StoredRow]:
        # Plain rows, not ORM objects: verify reads every entry and ORM identity tracking
        # would cost more than the hashing.
        statement = select(*AuditEntryRow.__table__.columns)
        if start is not None:
            statement = statement.where(AuditEntryRow.seq >= start)
        if stop is not None:
            statement = statement.where(AuditEntryRow.seq <= stop)
        statement = statement.order_by(AuditEntryRow.seq).execution_options(yield_per=_STREAM_CHUNK)
        yield from session.connection().execute(statement)

    # -- verification -------------------------------------------------------------------------

    def verify(
        self,
        *,
        anchors: Iterable[tuple[int, str]] = (),
        check_hmac: bool = True,
    ) -> VerifyResult:
        """Walk the whole chain and report the first entry that was changed, deleted, inserted
        or reordered.

        A checkpoint must exist at every multiple of ``checkpoint_every`` (so every station and
        the verifier must use the same interval, a site constant: default 100); a missing one
        is reported as deleted.

        Args:
            anchors: ``(seq, hash)`` heads recorded elsewhere (e-signatures, batch records); each
                must still match the entry at that position.
            check_hmac: check the checkpoints' HMACs with the site key. ``False`` (no key at
                hand) still compares each checkpoint's hash with the chain.

        Raises:
            CheckpointKeyError: ``check_hmac`` and the key is unavailable while checkpoints exist.
        """
        anchor_map: dict[int, list[str]] = {}
        for seq, digest in anchors:
            anchor_map.setdefault(seq, []).append(digest)
        with self._db.session(write=False) as session:
            try:
                stored_head: ChainHead | None = self._head(session)
            except IntegrityError:
                stored_head = None  # reported after the walk, which still names earlier damage
            checkpoints = self._checkpoints(session)
            key: bytes | None = None
            if check_hmac and checkpoints:
                key = self._keys.key()
            walker = _Walker(checkpoints, anchor_map, key, self.checkpoint_every)
            try:
                for row in self._stream(session):
                    walker.step(row, stored_head.seq if stored_head else 0)
                walker.finish(stored_head)
            except _Failure as failure:
                return VerifyResult(
                    ok=False,
                    entries=walker.count,
                    first_bad=failure.first_bad,
                    problem=failure.problem,
                    checkpoints=walker.checked,
                    hmac_checked=key is not None,
                    head=ChainHead(walker.last_seq, walker.prev),
                )
        return VerifyResult(
            ok=True,
            entries=walker.count,
            first_bad=None,
            problem="",
            checkpoints=walker.checked,
            hmac_checked=key is not None,
            head=ChainHead(walker.last_seq, walker.prev),
        )

    # -- export -------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        """Write every entry to a UTF-8 CSV file (:data:`CSV_COLUMNS`); return the count.

        Values are written exactly as stored (old/new as canonical JSON), so a reader can
        recompute every hash from the file alone with :func:`entry_hash`.
        """
        count = 0
        with (
            Path(path).open("w", encoding="utf-8", newline="") as handle,
            self._db.session(write=False) as session,
        ):
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            for row in self._stream(session):
                writer.writerow(_entry(row).as_row())
                count += 1
        return count

    def export_pdf(self, path: Path, *, title: str = "Audit trail") -> int:
        """Write a readable PDF table of every entry (ReportLab); return the count.

        The PDF is for people (reviews, inspections); the CSV is the machine-checkable copy.
        """
        result = self.verify(check_hmac=False)
        with self._db.session(write=False) as session:
            return _write_pdf(
                Path(path),
                (_entry(row) for row in self._stream(session)),
                title=title,
                workstation=self.workstation,
                exported_at=self._now_text(),
                verify=result,
            )


class _Walker:
    """The state of one verification walk over the entries in ``seq`` order."""

    def __init__(
        self,
        checkpoints: list[Checkpoint],
        anchors: dict[int, list[str]],
        key: bytes | None,
        every: int,
    ) -> None:
        self.every = every
        self.checkpoints: dict[int, list[Checkpoint]] = {}
        for checkpoint in checkpoints:
            self.checkpoints.setdefault(checkpoint.seq, []).append(checkpoint)
        self.anchors = anchors
        self.key = key
        self.key_id = key_id(key) if key is not None else None
        self.count = 0
        self.checked = 0
        self.last_seq = 0
        self.prev = GENESIS_HASH
        self.prev_prev = GENESIS_HASH
        self.last_good_checkpoint = 0

    def step(self, row: _StoredRow, head_seq: int) -> None:
        expected = self.last_seq + 1
        if row.seq < expected:
            raise _Failure(row.seq, f"audit entry {row.seq}: sequence number below 1 (inserted)")
        if row.seq > expected:
            raise _Failure(expected, f"audit entry {expected} missing (deleted)")
        if _row_hash(row) != row.hash:
            self._changed(row, head_seq)
        if row.prev_hash != self.prev and row.seq == 1:
            raise _Failure(1, "audit entry 1: does not start from the genesis hash (inserted)")
        if row.prev_hash != self.prev:
            # Both rows hash correctly, so one was rewritten with a recomputed hash: the
            # earlier one (changed) or this one (inserted). Name the earlier, the first suspect.
            raise _Failure(
                row.seq - 1,
                f"audit entry {row.seq - 1}: entry {row.seq} does not chain to it (entry "
                f"{row.seq - 1} rewritten, or entry {row.seq} inserted)",
            )
        self.count += 1
        self.last_seq = row.seq
        self.prev_prev, self.prev = self.prev, row.hash
        self._check_anchors(row.seq, row.hash)

    def _changed(self, row: _StoredRow, head_seq: int) -> None:
        # Was the row moved? Its content may hash correctly at another position.
        for candidate in range(1, max(head_seq, row.seq) + 2):
            if candidate != row.seq and _row_hash(row, candidate) == row.hash:
                if candidate < row.seq:
                    raise _Failure(
                        candidate,
                        f"audit entry {candidate} was inserted (the entry now numbered "
                        f"{row.seq} was recorded as {candidate})",
                    )
                raise _Failure(
                    row.seq,
                    f"audit entry {row.seq}: content was recorded as entry {candidate} "
                    "(reordered, or entries before it deleted)",
                )
        raise _Failure(row.seq, f"audit entry {row.seq}: hash does not match its content (changed)")

    def _check_anchors(self, seq: int, digest: str) -> None:
        for checkpoint in self.checkpoints.get(seq, ()):
            self._check_checkpoint(checkpoint, digest)
        if seq % self.every == 0 and seq not in self.checkpoints:
            # Written in the same transaction as entry seq, so it cannot be missing unless it
            # was deleted -- the way to hide a rewritten chain from the HMAC check.
            since = self.last_good_checkpoint + 1
            raise _Failure(
                since,
                f"checkpoint at entry {seq} missing (deleted; the chain may have been rewritten "
                f"between entries {since} and {seq})",
            )
        for anchor in self.anchors.get(seq, ()):
            if anchor != digest:
                raise _Failure(
                    seq,
                    f"anchor at entry {seq}: recorded head hash does not match the entry "
                    "(chain rewritten)",
                )

    def _check_checkpoint(self, checkpoint: Checkpoint, digest: str) -> None:
        seq = checkpoint.seq
        since = self.last_good_checkpoint + 1
        if checkpoint.entry_hash != digest:
            raise _Failure(
                since,
                f"checkpoint at entry {seq}: entry hash does not match the checkpoint (chain "
                f"rewritten between entries {since} and {seq})",
            )
        if self.key is not None:
            if checkpoint.key_id != self.key_id:
                raise _Failure(
                    since,
                    f"checkpoint at entry {seq}: made with key {checkpoint.key_id}, not the site "
                    f"key {self.key_id}; expected the key file of this site",
                )
            if checkpoint.mac != checkpoint_mac(self.key, seq, digest):
                raise _Failure(
                    since,
                    f"checkpoint at entry {seq}: HMAC does not match (chain rewritten between "
                    f"entries {since} and {seq})",
                )
        self.checked += 1
        self.last_good_checkpoint = seq

    def finish(self, stored_head: ChainHead | None) -> None:
        if stored_head is None:
            raise _Failure(self.last_seq + 1, _NO_HEAD)
        beyond = [s for s in (*self.checkpoints, *self.anchors) if s > self.last_seq]
        if stored_head.seq > self.last_seq or beyond:
            missing = self.last_seq + 1
            raise _Failure(missing, f"audit entry {missing} missing (deleted)")
        if stored_head.seq < self.last_seq:
            raise _Failure(
                stored_head.seq + 1,
                f"audit entry {stored_head.seq + 1}: beyond the chain head at entry "
                f"{stored_head.seq} (inserted)",
            )
        if stored_head.hash != self.prev:
            raise _Failure(
                self.last_seq,
                f"audit entry {self.last_seq}: hash differs from the chain head (changed)",
            )


def require_ok(result: VerifyResult) -> None:
    """Raise :class:`IntegrityError` with ``result.problem`` unless the chain verified."""
    if not result.ok:
        raise IntegrityError(result.problem)


# -- PDF ---------------------------------------------------------------------------------------

_PDF_FONT: Final = "LabelStationSans"
_PDF_FONT_BOLD: Final = "LabelStationSans-Bold"


#: Longest cell text (after control characters are spelled out); a table row taller than a
#: page cannot be laid out, and the CSV export holds every value in full anyway.
_PDF_CELL_MAX: Final = 1200


def _pdf_text(value: str, limit: int = _PDF_CELL_MAX) -> str:
    """Make control characters visible (GS as <GS>), shorten to ``limit``, escape for ReportLab."""
    out: list[str] = []
    for char in value:
        code = ord(char)
        if char == "\x1d":
            out.append("<GS>")
        elif (code < 0x20 and char not in "\n\t") or code == 0x7F:
            out.append(f"<U+{code:04X}>")
        else:
            out.append(char)
    text = "".join(out)
    if len(text) > limit:
        text = f"{text[:limit]} … [{len(text) - limit} more characters: see the CSV export]"
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def _write_pdf(
    path: Path,
    entries: Iterable[AuditEntry],
    *,
    title: str,
    workstation: str,
    exported_at: str,
    verify: VerifyResult,
) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from labelstation.resources import font_path

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_PDF_FONT, str(font_path("sans"))))
        pdfmetrics.registerFont(TTFont(_PDF_FONT_BOLD, str(font_path("sans", bold=True))))
    # CJK word wrap breaks anywhere: canonical JSON and hashes have no spaces to break at.
    body = ParagraphStyle("cell", fontName=_PDF_FONT, fontSize=6.5, leading=8, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=_PDF_FONT_BOLD, fontSize=7, leading=9)
    heading = ParagraphStyle("title", fontName=_PDF_FONT_BOLD, fontSize=13, leading=16)
    note = ParagraphStyle("note", fontName=_PDF_FONT, fontSize=8, leading=10)

    columns = ("#", "UTC time", "who", "action / object", "old → new", "reason", "station", "hash")
    widths = [12 * mm, 28 * mm, 32 * mm, 40 * mm, 70 * mm, 40 * mm, 22 * mm, 33 * mm]
    data: list[list[Any]] = [[Paragraph(c, head) for c in columns]]
    count = 0
    for entry in entries:
        count += 1
        change = f"{entry.old_json or '—'}\n→ {entry.new_json or '—'}"
        data.append(
            [
                Paragraph(str(entry.seq), body),
                Paragraph(entry.recorded_at.strftime("%Y-%m-%d %H:%M:%S.%f"), body),
                Paragraph(_pdf_text(f"{entry.actor_name}\n({entry.actor_id})"), body),
                Paragraph(
                    _pdf_text(f"{entry.action}\n{entry.object_type} {entry.object_id}"), body
                ),
                Paragraph(_pdf_text(change), body),
                Paragraph(_pdf_text(entry.reason or "", _PDF_CELL_MAX // 2), body),
                Paragraph(_pdf_text(entry.workstation), body),
                Paragraph("<br/>".join(entry.hash[i : i + 16] for i in range(0, 64, 16)), body),
            ]
        )
    status = (
        f"chain verified: {verify.entries} entries, {verify.checkpoints} checkpoints "
        "(hashes only; HMACs need the site key: run labelstation audit verify)"
        if verify.ok
        else f"CHAIN VERIFICATION FAILED: {verify.problem}"
    )
    story: list[Any] = [
        Paragraph(_pdf_text(title), heading),
        Paragraph(
            _pdf_text(
                f"Exported {exported_at} by station {workstation}; {count} entries; head "
                f"{verify.head.seq} {verify.head.hash}"
            ),
            note,
        ),
        Paragraph(_pdf_text(status), note),
        Spacer(1, 4 * mm),
    ]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)

    def _footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(_PDF_FONT, 7)
        canvas.drawRightString(
            document.pagesize[0] - 10 * mm, 6 * mm, f"{title} — page {document.page}"
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=8 * mm,
        rightMargin=8 * mm,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return count
