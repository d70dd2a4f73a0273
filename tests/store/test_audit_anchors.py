"""`audit verify` checks the chain against the heads recorded in e-signatures (anchors).

A tail cut with checkpoints deleted and the head rolled back leaves a shorter chain that is
consistent in itself; only a record outside the audit tables can tell. Signatures are such
records, and an altered signature is named rather than ignored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from store_helpers import filled_trail, full_url

from labelstation.cli import main
from labelstation.security.esign import Meaning, Signature
from labelstation.security.keys import FileKeyProvider
from labelstation.store.db import Database
from labelstation.store.models.users import SignatureRow

_TRIGGERS = {
    "audit_entry": ("no_update", "no_delete", "extends_head"),
    "audit_checkpoint": ("no_update", "no_delete"),
    "audit_head": ("forward", "no_delete"),
}


def _sign_at(db: Database, seq: int, digest: str) -> None:
    signature = Signature.create(
        signer_id="qa1",
        signer_name="Quinn QA",
        meaning=Meaning.APPROVED,
        signed_at=dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC),
        record_type="template",
        record_id="eu-fmd-carton v1",
        content_hash="a" * 64,
        audit_seq=seq,
        audit_hash=digest,
    )
    with db.session() as session:
        session.execute(
            insert(SignatureRow).values(
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
        )


def _cut_tail(db: Database, keep: int) -> None:
    """What a superuser does to hide the newest entries: drop triggers, delete, roll back."""
    with db.engine.begin() as connection:
        for table, names in _TRIGGERS.items():
            for name in names:
                suffix = f" ON {table}" if db.dialect == "postgresql" else ""
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_{name}{suffix}")
        connection.execute(text("DELETE FROM audit_checkpoint WHERE seq > :k"), {"k": keep})
        connection.execute(text("DELETE FROM audit_entry WHERE seq > :k"), {"k": keep})
        digest = connection.execute(
            text("SELECT hash FROM audit_entry WHERE seq = :k"), {"k": keep}
        ).scalar_one()
        connection.execute(
            text("UPDATE audit_head SET seq = :k, hash = :h WHERE id = 1"), {"k": keep, "h": digest}
        )


def test_a_cut_tail_is_caught_by_a_signatures_anchor(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k"
    trail = filled_trail(db, FileKeyProvider(key), 10)
    sixth = trail.entries(start=6, stop=6)[0]
    _sign_at(db, 6, sixth.hash)
    assert main(["audit", "verify", "--db", full_url(db), "--key-file", str(key)]) == 0
    capsys.readouterr()
    _cut_tail(db, keep=4)
    assert main(["audit", "verify", "--db", full_url(db), "--key-file", str(key)]) == 2
    assert capsys.readouterr().err == "labelstation: error: audit entry 5 missing (deleted)\n"


def test_an_altered_signature_fails_verify(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k"
    trail = filled_trail(db, FileKeyProvider(key), 3)
    _sign_at(db, 2, trail.entries(start=2, stop=2)[0].hash)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE e_signature SET audit_seq = 1"))
    args = ["audit", "verify", "--db", full_url(db), "--key-file", str(key)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("labelstation: error: signature #1 by qa1: its fields hash to ")
    assert err.endswith("the signature record was altered\n")
    assert main([*args, "--json"]) == 2
    report = capsys.readouterr().out
    assert '"valid": false' in report
    assert "the signature record was altered" in report
