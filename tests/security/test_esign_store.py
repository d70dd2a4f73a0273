"""Storing and reading signatures in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from labelstation.errors import IntegrityError, NotFound
from labelstation.security.audit import AuditTrail
from labelstation.security.esign import (
    Meaning,
    apply_signature,
    load_signature,
    verify_signature,
)
from labelstation.security.roles import Role
from labelstation.security.session import UserSession
from labelstation.store.db import Database
from labelstation.store.models.users import SignatureRow

NOW = dt.datetime(2026, 11, 25, 14, 3, 27, tzinfo=dt.UTC)
CONTENT = "e" * 64


def _signer() -> UserSession:
    return UserSession.start("jroe", "Jane Roe 王", frozenset({Role.QA}), 600, lambda: NOW)


def test_stored_signature_reads_back_equal_and_verifies(
    db: Database, audit_trail: AuditTrail
) -> None:
    with db.session() as session:
        head_before = audit_trail.head(session)
        signature, row_id = apply_signature(
            session,
            audit_trail,
            _signer(),
            meaning=Meaning.RELEASED,
            record_type="batch",
            record_id="B-2026-0001",
            content_hash=CONTENT,
            now=NOW,
            reason="batch record reviewed",
        )
    assert (signature.audit_seq, signature.audit_hash) == head_before
    with db.session(write=False) as session:
        loaded = load_signature(session, row_id)
    assert loaded == signature
    verify_signature(loaded, record_type="batch", record_id="B-2026-0001", content_hash=CONTENT)
    entry = audit_trail.entries()[-1]
    assert (entry.action, entry.object_type, entry.object_id, entry.reason) == (
        "esign.sign",
        "batch",
        "B-2026-0001",
        "batch record reviewed",
    )
    assert entry.new == {
        "meaning": "released",
        "content_hash": CONTENT,
        "signature_hash": signature.signature_hash,
        "manifestation": "Released by Jane Roe 王 (jroe) on 2026-11-25 14:03 UTC — meaning: "
        "released",
    }


def test_missing_signature(db: Database) -> None:
    with db.session(write=False) as session, pytest.raises(NotFound) as exc:
        load_signature(session, 999)
    assert str(exc.value) == "signature #999: no such signature"


def test_unknown_stored_meaning(db: Database, audit_trail: AuditTrail) -> None:
    with db.session() as session:
        _, row_id = apply_signature(
            session,
            audit_trail,
            _signer(),
            meaning=Meaning.APPROVED,
            record_type="template",
            record_id="t v1",
            content_hash=CONTENT,
            now=NOW,
        )
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE e_signature SET meaning = 'blessed'"))
    with db.session(write=False) as session, pytest.raises(IntegrityError) as exc:
        load_signature(session, row_id)
    assert str(exc.value) == (
        f"signature #{row_id} meaning 'blessed': expected one of authored, reviewed, approved, "
        "released, voided, rejected, retired"
    )


def test_naive_times_never_reach_the_database(db: Database) -> None:
    row = SignatureRow(
        signer_id="jroe",
        signer_name="Jane Roe",
        meaning="approved",
        signed_at=dt.datetime(2026, 11, 25, 14, 3),  # no time zone
        record_type="template",
        record_id="t v1",
        content_hash=CONTENT,
        audit_seq=0,
        audit_hash="0" * 64,
        signature_hash="f" * 64,
    )
    with db.session(write=False) as session:
        session.add(row)
        with pytest.raises(StatementError) as exc:
            session.flush()
        session.rollback()
    assert str(exc.value.orig) == "time 2026-11-25T14:03:00: expected a timezone-aware time"
