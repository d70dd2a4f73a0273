"""Electronic signatures (21 CFR 11.50, 11.70, 11.200).

A :class:`Signature` records who signed (user ID and printed name), when (UTC, whole seconds),
what it means (:class:`Meaning`) and exactly what was signed: the record's type, ID and the
SHA-256 of its content. Its :attr:`Signature.signature_hash` is the SHA-256 of the canonical
JSON of all of that plus the audit-chain head at the moment of signing, so the signature cannot
be excised or moved to another record (§11.70): :func:`verify_signature` recomputes the hash and
compares the record it is shown with the one it was made for.

Credentials follow §11.200(a)(1): the first signing in a session needs the user ID and the
password; later signings in the same session need only the password, and only the session's
own user can sign (:func:`signing_user_id`).

>>> import datetime as dt
>>> sig = Signature.create(
...     signer_id="jroe", signer_name="Jane Roe", meaning=Meaning.APPROVED,
...     signed_at=dt.datetime(2026, 11, 25, 14, 3, 27, tzinfo=dt.UTC),
...     record_type="template", record_id="eu-fmd-carton v3", content_hash="ab" * 32,
...     audit_seq=41, audit_hash="cd" * 32)
>>> manifestation(sig)
'Approved by Jane Roe (jroe) on 2026-11-25 14:03 UTC — meaning: approved'
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelstation.errors import AuthenticationError, IntegrityError, NotFound, ValidationError
from labelstation.security.audit import AuditTrail
from labelstation.security.session import UserSession
from labelstation.store.models.users import SignatureRow
from labelstation.template.canonical import canonical_json


class Meaning(StrEnum):
    """What a signature means (§11.50(a)(3)), stated in words on every display and printout."""

    AUTHORED = "authored"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    RELEASED = "released"
    VOIDED = "voided"
    REJECTED = "rejected"
    RETIRED = "retired"


def _utc_seconds(moment: dt.datetime) -> dt.datetime:
    """Normalise to aware UTC with whole seconds (what every database keeps exactly)."""
    if moment.tzinfo is None:
        raise ValidationError(
            f"signature time {moment.isoformat()}: expected a timezone-aware UTC time"
        )
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _check_hex64(field: str, value: str) -> None:
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValidationError(f"{field} {value!r}: expected 64 lowercase hex digits (SHA-256)")


@dataclass(frozen=True)
class Signature:
    """One electronic signature, bound to one record's content and to the audit chain."""

    signer_id: str
    signer_name: str
    meaning: Meaning
    signed_at: dt.datetime
    record_type: str
    record_id: str
    content_hash: str
    audit_seq: int
    audit_hash: str
    signature_hash: str

    @classmethod
    def create(
        cls,
        *,
        signer_id: str,
        signer_name: str,
        meaning: Meaning,
        signed_at: dt.datetime,
        record_type: str,
        record_id: str,
        content_hash: str,
        audit_seq: int,
        audit_hash: str,
    ) -> Signature:
        """Build a signature and compute its hash over every other field.

        Raises:
            ValidationError: the time is naive, or a hash is not a SHA-256 hex digest.
        """
        _check_hex64("content hash", content_hash)
        unsigned = cls(
            signer_id=signer_id,
            signer_name=signer_name,
            meaning=meaning,
            signed_at=_utc_seconds(signed_at),
            record_type=record_type,
            record_id=record_id,
            content_hash=content_hash,
            audit_seq=audit_seq,
            audit_hash=audit_hash,
            signature_hash="",
        )
        return replace(unsigned, signature_hash=unsigned.fields_hash())

    def manifest(self) -> dict[str, Any]:
        """The exact document :attr:`signature_hash` is the SHA-256 of (canonical JSON)."""
        return {
            "signer_id": self.signer_id,
            "signer_name": self.signer_name,
            "meaning": self.meaning.value,
            "signed_at": _utc_seconds(self.signed_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "record_type": self.record_type,
            "record_id": self.record_id,
            "content_hash": self.content_hash,
            "audit_seq": self.audit_seq,
            "audit_hash": self.audit_hash,
        }

    def fields_hash(self) -> str:
        """SHA-256 of :meth:`manifest`: what :attr:`signature_hash` must equal while intact.

        One computation for signing and for every check, so they cannot drift apart.
        """
        return hashlib.sha256(canonical_json(self.manifest())).hexdigest()


def verify_signature(
    signature: Signature, *, record_type: str, record_id: str, content_hash: str
) -> None:
    """Check ``signature`` is intact and was made for exactly this record and content.

    Raises:
        IntegrityError: the stored signature fields no longer hash to its signature hash, or it
            was made for another record, or for other content than ``content_hash``.
    """
    recomputed = signature.fields_hash()
    if recomputed != signature.signature_hash:
        raise IntegrityError(
            f"signature {signature.signature_hash} by {signature.signer_id}: its fields hash to "
            f"{recomputed}: the signature record was altered"
        )
    if (signature.record_type, signature.record_id) != (record_type, record_id):
        raise IntegrityError(
            f"signature {signature.signature_hash} by {signature.signer_id}: made for "
            f"{signature.record_type} {signature.record_id}, not for {record_type} {record_id}"
        )
    if signature.content_hash != content_hash:
        raise IntegrityError(
            f"{record_type} {record_id}: content hash {content_hash} does not match the "
            f"{signature.meaning.value} signature's {signature.content_hash}"
        )


def manifestation(signature: Signature) -> str:
    """The human-readable line §11.50 requires on screens, proofs and reports."""
    return (
        f"{signature.meaning.value.capitalize()} by {signature.signer_name} "
        f"({signature.signer_id}) on {_utc_seconds(signature.signed_at):%Y-%m-%d %H:%M} UTC "
        f"— meaning: {signature.meaning.value}"
    )


def signing_user_id(session: UserSession, user_id: str | None) -> str:
    """Decide whose password a signing must check, under §11.200(a)(1).

    The first signing in a session needs the user ID as well as the password; later ones may
    omit it. Whatever is given must be the session's own user: nobody signs in another's session.

    Raises:
        AuthenticationError: the session is locked, the user ID is missing on a first signing,
            or it names someone other than the session's user.
    """
    session.check_active()
    if user_id is None:
        if not session.signed_once:
            raise AuthenticationError(
                f"signature in the session of {session.user_id}: the first signing in a "
                "session needs the user ID and the password"
            )
        return session.user_id
    if user_id != session.user_id:
        raise AuthenticationError(
            f"signature user ID {user_id!r}: expected {session.user_id!r}, the user signed in "
            "to this session"
        )
    return user_id


def apply_signature(
    session: Session,
    audit: AuditTrail,
    signer: UserSession,
    *,
    meaning: Meaning,
    record_type: str,
    record_id: str,
    content_hash: str,
    now: dt.datetime,
    reason: str | None = None,
) -> tuple[Signature, int]:
    """Create, store and audit a signature in the caller's transaction.

    Call it only after the signer's password was checked (``security.users.authenticate`` with
    ``purpose="signature"``). The signature binds to the audit-chain head as it stands before its
    own entry, read in this transaction (which holds the head until commit).

    Returns:
        The signature and its row ID (for the signed record to point at).
    """
    head = audit.head(session)
    signature = Signature.create(
        signer_id=signer.user_id,
        signer_name=signer.full_name,
        meaning=meaning,
        signed_at=now,
        record_type=record_type,
        record_id=record_id,
        content_hash=content_hash,
        audit_seq=head.seq,
        audit_hash=head.hash,
    )
    row = SignatureRow(
        signer_id=signature.signer_id,
        signer_name=signature.signer_name,
        meaning=signature.meaning.value,
        signed_at=signature.signed_at,
        record_type=signature.record_type,
        record_id=signature.record_id,
        content_hash=signature.content_hash,
        audit_seq=signature.audit_seq,
        audit_hash=signature.audit_hash,
        signature_hash=signature.signature_hash,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor_id=signer.user_id,
        actor_name=signer.full_name,
        action="esign.sign",
        object_type=record_type,
        object_id=record_id,
        old=None,
        new={
            "meaning": signature.meaning.value,
            "content_hash": signature.content_hash,
            "signature_hash": signature.signature_hash,
            "manifestation": manifestation(signature),
        },
        reason=reason,
    )
    return signature, row.id


def load_signature(session: Session, signature_id: int) -> Signature:
    """Read a stored signature back as a value (it is verified by :func:`verify_signature`).

    Raises:
        NotFound: no signature has this row ID.
        IntegrityError: the stored meaning is not one this program knows.
    """
    row = session.scalar(select(SignatureRow).where(SignatureRow.id == signature_id))
    if row is None:
        raise NotFound(f"signature #{signature_id}: no such signature")
    try:
        meaning = Meaning(row.meaning)
    except ValueError:
        raise IntegrityError(
            f"signature #{signature_id} meaning {row.meaning!r}: expected one of "
            f"{', '.join(m.value for m in Meaning)}"
        ) from None
    return Signature(
        signer_id=row.signer_id,
        signer_name=row.signer_name,
        meaning=meaning,
        signed_at=row.signed_at,
        record_type=row.record_type,
        record_id=row.record_id,
        content_hash=row.content_hash,
        audit_seq=row.audit_seq,
        audit_hash=row.audit_hash,
        signature_hash=row.signature_hash,
    )


def signature_anchors(session: Session) -> list[tuple[int, str]]:
    """The audit-chain heads recorded in every stored e-signature, oldest first.

    Each signature fixed the chain head at the moment of signing inside a record the signature
    hash protects, so :meth:`~labelstation.security.audit.AuditTrail.verify` can check the chain
    still passes through them (``anchors=``): someone who cuts off or rewrites history before a
    signature must also forge the signature. A signature whose own fields no longer hash to its
    signature hash is reported, not skipped — skipping it would let the forger out.

    Raises:
        IntegrityError: a stored signature was altered.
    """
    anchors: list[tuple[int, str]] = []
    for signature_id in session.scalars(select(SignatureRow.id).order_by(SignatureRow.id)):
        signature = load_signature(session, signature_id)
        recomputed = signature.fields_hash()
        if recomputed != signature.signature_hash:
            raise IntegrityError(
                f"signature #{signature_id} by {signature.signer_id}: its fields hash to "
                f"{recomputed}, not its signature hash {signature.signature_hash}: the "
                "signature record was altered"
            )
        anchors.append((signature.audit_seq, signature.audit_hash))
    return anchors
