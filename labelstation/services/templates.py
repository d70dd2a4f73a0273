"""Template lifecycle use cases: import, submit, review, approve, reject, retire, print.

Each version's canonical JSON and content hash are stored; the state machine is
:mod:`labelstation.services.lifecycle`. Approval is four-eyes (the approver is not the author),
needs the supervisor or QA role and an e-signature meaning "approved" bound to the content hash,
and supersedes the previously approved version. :func:`get_printable` is the production gate: it
hands out only an approved version whose stored content still hashes to the signed value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelstation.errors import (
    IntegrityError,
    LabelStationError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from labelstation.render.png import render_png
from labelstation.security import esign
from labelstation.security import users as accounts
from labelstation.security.esign import Meaning, Signature
from labelstation.security.roles import Operation
from labelstation.security.session import UserSession
from labelstation.services.context import ServiceContext
from labelstation.services.diff import Change, ImageDiff, image_diff, json_diff
from labelstation.services.lifecycle import EditAction, Event, State, edit_action, transition
from labelstation.store.models.audit import AuditEntryRow
from labelstation.store.models.templates import TemplateVersionRow
from labelstation.template import Template, layout
from labelstation.template.canonical import canonical_json, content_hash

RECORD_TYPE = "template"


@dataclass(frozen=True)
class TemplateVersion:
    """One stored template version, as listings and screens show it."""

    template_id: str
    version: int
    state: State
    content_hash: str
    author_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    approval: Signature | None

    @property
    def label(self) -> str:
        """``"template eu-fmd-carton v3"``: how messages name the version."""
        return _label(self.template_id, self.version)

    def as_json(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output."""
        approval = None
        if self.approval is not None:
            approval = {
                "signer_id": self.approval.signer_id,
                "signer_name": self.approval.signer_name,
                "signed_at": self.approval.signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "signature_hash": self.approval.signature_hash,
                "manifestation": esign.manifestation(self.approval),
            }
        return {
            "template_id": self.template_id,
            "version": self.version,
            "state": self.state.value,
            "content_hash": self.content_hash,
            "author_id": self.author_id,
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": self.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "approval": approval,
        }


@dataclass(frozen=True)
class TemplateDiff:
    """What changed from one version to another: the JSON paths and, if rendered, the pixels."""

    template_id: str
    old_version: int | None
    new_version: int
    changes: tuple[Change, ...]
    image: ImageDiff | None

    def as_json(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output (the PNG itself is written to a file)."""
        return {
            "template_id": self.template_id,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "changes": [c.as_json() for c in self.changes],
            "changed_pixels": None if self.image is None else self.image.changed_pixels,
            "total_pixels": None if self.image is None else self.image.total_pixels,
        }


def _label(template_id: str, version: int) -> str:
    return f"template {template_id} v{version}"


def _versions(session: Session, template_id: str) -> list[TemplateVersionRow]:
    return list(
        session.scalars(
            select(TemplateVersionRow)
            .where(TemplateVersionRow.template_id == template_id)
            .order_by(TemplateVersionRow.version)
        ).all()
    )


def _row(session: Session, template_id: str, version: int | None) -> TemplateVersionRow:
    rows = _versions(session, template_id)
    if not rows:
        raise NotFound(f"template {template_id!r}: no such template")
    if version is None:
        return rows[-1]
    for row in rows:
        if row.version == version:
            return row
    raise NotFound(
        f"template {template_id!r} version {version}: no such version; "
        f"expected 1-{rows[-1].version}"
    )


def _value(session: Session, row: TemplateVersionRow) -> TemplateVersion:
    approval = None
    if row.approval_signature_id is not None:
        approval = esign.load_signature(session, row.approval_signature_id)
    return TemplateVersion(
        template_id=row.template_id,
        version=row.version,
        state=State(row.state),
        content_hash=row.content_hash,
        author_id=row.author_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        approval=approval,
    )


def _stored_document(row: TemplateVersionRow) -> Any:
    try:
        return json.loads(row.content_json)
    except json.JSONDecodeError as exc:
        raise IntegrityError(
            f"{_label(row.template_id, row.version)}: stored content is not JSON ({exc.msg} at "
            f"line {exc.lineno} column {exc.colno}): refusing to use it"
        ) from None


def _audit(
    ctx: ServiceContext,
    session: Session,
    actor: UserSession,
    action: str,
    row: TemplateVersionRow,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None,
) -> None:
    ctx.audit.append(
        session,
        actor_id=actor.user_id,
        actor_name=actor.full_name,
        action=action,
        object_type=RECORD_TYPE,
        object_id=f"{row.template_id} v{row.version}",
        old=old,
        new=new,
        reason=reason,
    )


def import_template(
    ctx: ServiceContext, session: UserSession, template: Template, *, reason: str | None = None
) -> TemplateVersion:
    """Store new content for a template: version 1, a replaced draft, or a new draft n+1.

    Editing an approved (or superseded, retired) version never changes it: the content lands
    as a new draft. Content identical to the latest version is refused as "no change".

    Raises:
        PermissionDenied, AuthenticationError; ValidationError: the latest version is in review
        or the content is unchanged.
    """
    session.require(Operation.TEMPLATE_IMPORT)
    document = template.to_json()
    text = canonical_json(document).decode("utf-8")
    digest = content_hash(document)
    now = ctx.clock()
    with ctx.write() as db:
        rows = _versions(db, template.id)
        latest = rows[-1] if rows else None
        action = edit_action(
            State(latest.state) if latest else None, label=f"template {template.id}"
        )
        if latest is not None and latest.content_hash == digest:
            raise ValidationError(
                f"{_label(latest.template_id, latest.version)}: content hash {digest} is "
                f"unchanged (state {latest.state}); expected different content"
            )
        if action is EditAction.REPLACE_DRAFT:
            assert latest is not None  # edit_action returns REPLACE_DRAFT only for a draft
            old = {"content_hash": latest.content_hash, "author_id": latest.author_id}
            latest.content_json = text
            latest.content_hash = digest
            latest.author_id = session.user_id
            latest.updated_at = now
            _audit(ctx, db, session, "template.edit", latest, old, _summary(latest), reason)
            return _value(db, latest)
        row = TemplateVersionRow(
            template_id=template.id,
            version=latest.version + 1 if latest else 1,
            state=State.DRAFT.value,
            content_json=text,
            content_hash=digest,
            author_id=session.user_id,
            created_at=now,
            updated_at=now,
        )
        db.add(row)
        db.flush()
        _audit(ctx, db, session, "template.create", row, None, _summary(row), reason)
        return _value(db, row)


def _summary(row: TemplateVersionRow) -> dict[str, Any]:
    return {
        "version": row.version,
        "state": row.state,
        "content_hash": row.content_hash,
        "author_id": row.author_id,
    }


def submit(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int | None = None,
    *,
    reason: str | None = None,
) -> TemplateVersion:
    """Send a draft for review (draft -> in_review)."""
    session.require(Operation.TEMPLATE_SUBMIT)
    with ctx.write() as db:
        row = _row(db, template_id, version)
        return _move(ctx, db, session, row, Event.SUBMIT, reason)


def _move(
    ctx: ServiceContext,
    db: Session,
    actor: UserSession,
    row: TemplateVersionRow,
    event: Event,
    reason: str | None,
    extra: dict[str, Any] | None = None,
) -> TemplateVersion:
    old_state = State(row.state)
    new_state = transition(old_state, event, label=_label(row.template_id, row.version))
    row.state = new_state.value
    row.updated_at = ctx.clock()
    _audit(
        ctx,
        db,
        actor,
        f"template.{event.value}",
        row,
        {"state": old_state.value},
        {"state": new_state.value, **(extra or {})},
        reason,
    )
    return _value(db, row)


def review(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int | None = None,
    *,
    data: Mapping[str, Any] | None = None,
    dpi: int = 300,
) -> TemplateDiff:
    """What an approver must see: the changes since the approved (or previous) version.

    The comparison base is the currently approved version, else the version before this one,
    else nothing (a first version: every path shows as added).
    """
    session.require(Operation.TEMPLATE_DIFF)
    with ctx.db.session(write=False) as db:
        row = _row(db, template_id, version)
        rows = _versions(db, template_id)
        approved = [r for r in rows if r.state == State.APPROVED.value and r.id != row.id]
        earlier = [r for r in rows if r.version < row.version]
        base = approved[-1] if approved else (earlier[-1] if earlier else None)
        return _diff(base, row, data, dpi)


def diff(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    old_version: int,
    new_version: int,
    *,
    data: Mapping[str, Any] | None = None,
    dpi: int = 300,
) -> TemplateDiff:
    """Field-by-field (and, given sample ``data``, pixel-by-pixel) diff of two versions."""
    session.require(Operation.TEMPLATE_DIFF)
    with ctx.db.session(write=False) as db:
        old = _row(db, template_id, old_version)
        new = _row(db, template_id, new_version)
        return _diff(old, new, data, dpi)


def _diff(
    old: TemplateVersionRow | None,
    new: TemplateVersionRow,
    data: Mapping[str, Any] | None,
    dpi: int,
) -> TemplateDiff:
    new_doc = _stored_document(new)
    old_doc = _stored_document(old) if old is not None else {}
    image = None
    if data is not None:
        new_png = render_png(layout(Template.from_json(new_doc), data, dpi=dpi), dpi)
        if old is None:
            old_png = Image.new(new_png.mode, new_png.size, "white")  # an empty label
        else:
            old_png = render_png(layout(Template.from_json(old_doc), data, dpi=dpi), dpi)
        image = image_diff(old_png, new_png)
    return TemplateDiff(
        template_id=new.template_id,
        old_version=old.version if old is not None else None,
        new_version=new.version,
        changes=json_diff(old_doc, new_doc),
        image=image,
    )


#: The signed lifecycle events: the permission each needs and the meaning its signature carries.
_SIGNED_EVENTS: dict[Event, tuple[Operation, Meaning]] = {
    Event.APPROVE: (Operation.TEMPLATE_APPROVE, Meaning.APPROVED),
    Event.REJECT: (Operation.TEMPLATE_REJECT, Meaning.REJECTED),
    Event.RETIRE: (Operation.TEMPLATE_RETIRE, Meaning.RETIRED),
}


def _signed_transition(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int,
    event: Event,
    *,
    user_id: str | None,
    password: str,
    reason: str | None,
) -> tuple[TemplateVersion, Signature]:
    operation, meaning = _SIGNED_EVENTS[event]
    session.require(operation)
    signer = esign.signing_user_id(session, user_id)
    with ctx.db.session(write=False) as db:  # refuse early, before asking for the password
        row = _row(db, template_id, version)
        _check_signable(db, row, session, event)
    accounts.authenticate(
        ctx.db, ctx.audit, ctx.policy, signer, password, clock=ctx.clock, purpose="signature"
    )
    with ctx.write() as db:
        row = _row(db, template_id, version)
        _check_signable(db, row, session, event)
        _check_stored_hash(row)
        signature, signature_id = esign.apply_signature(
            db,
            ctx.audit,
            session,
            meaning=meaning,
            record_type=RECORD_TYPE,
            record_id=f"{row.template_id} v{row.version}",
            content_hash=row.content_hash,
            now=ctx.clock(),
            reason=reason,
        )
        if event is Event.APPROVE:
            for other in _versions(db, template_id):
                if other.id != row.id and other.state == State.APPROVED.value:
                    _move(ctx, db, session, other, Event.SUPERSEDE, f"superseded by v{version}")
            row.approval_signature_id = signature_id
        value = _move(
            ctx,
            db,
            session,
            row,
            event,
            reason,
            {"signature_hash": signature.signature_hash},
        )
    session.signed_once = True
    return value, signature


def _authors(db: Session, row: TemplateVersionRow) -> set[str]:
    """Everyone who stored content for this version: its author and every earlier draft editor.

    A draft may be replaced by other users before review; all of them wrote part of what is
    signed, so none of them may approve it. The audit trail is the record of who did.
    """
    editors = db.scalars(
        select(AuditEntryRow.actor_id).where(
            AuditEntryRow.object_type == RECORD_TYPE,
            AuditEntryRow.object_id == f"{row.template_id} v{row.version}",
            AuditEntryRow.action.in_(("template.create", "template.edit")),
        )
    ).all()
    return {row.author_id, *editors}


def _check_signable(
    db: Session, row: TemplateVersionRow, session: UserSession, event: Event
) -> None:
    label = _label(row.template_id, row.version)
    transition(State(row.state), event, label=label)
    if event is Event.APPROVE and session.user_id in _authors(db, row):
        raise PermissionDenied(
            f"{label}: user {session.user_id} is its author and may not approve it "
            "(four-eyes rule); expected another supervisor or QA user"
        )


def _check_stored_hash(row: TemplateVersionRow) -> None:
    actual = content_hash(_stored_document(row))
    if actual != row.content_hash:
        raise IntegrityError(
            f"{_label(row.template_id, row.version)}: stored content hash {actual} does not "
            f"match the recorded {row.content_hash}: the stored template was altered"
        )


def approve(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int,
    *,
    password: str,
    user_id: str | None = None,
    reason: str | None = None,
) -> tuple[TemplateVersion, Signature]:
    """Approve a version in review with an e-signature meaning "approved" (four eyes).

    The previously approved version, if any, becomes superseded in the same transaction.

    Raises:
        PermissionDenied: wrong role, or the signer is the version's author.
        AuthenticationError: wrong credentials (counted towards lockout and audited), locked
            session or account.
        ValidationError: the version is not in review.
        IntegrityError: the stored content no longer matches its recorded hash.
    """
    return _signed_transition(
        ctx,
        session,
        template_id,
        version,
        Event.APPROVE,
        user_id=user_id,
        password=password,
        reason=reason,
    )


def reject(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int,
    *,
    password: str,
    reason: str,
    user_id: str | None = None,
) -> tuple[TemplateVersion, Signature]:
    """Send a version in review back to draft, signed "rejected" with a required reason."""
    _require_reason("reject", template_id, version, reason)
    return _signed_transition(
        ctx,
        session,
        template_id,
        version,
        Event.REJECT,
        user_id=user_id,
        password=password,
        reason=reason,
    )


def retire(
    ctx: ServiceContext,
    session: UserSession,
    template_id: str,
    version: int,
    *,
    password: str,
    reason: str,
    user_id: str | None = None,
) -> tuple[TemplateVersion, Signature]:
    """Withdraw a version from use, signed "retired" with a required reason."""
    _require_reason("retire", template_id, version, reason)
    return _signed_transition(
        ctx,
        session,
        template_id,
        version,
        Event.RETIRE,
        user_id=user_id,
        password=password,
        reason=reason,
    )


def _require_reason(action: str, template_id: str, version: int, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(
            f"{action} {_label(template_id, version)}: reason {reason!r}: expected a reason "
            "for the audit trail"
        )


def list_versions(
    ctx: ServiceContext, session: UserSession, template_id: str | None = None
) -> list[TemplateVersion]:
    """Every version (of one template, or of all), by template ID and version."""
    session.require(Operation.TEMPLATE_LIST)
    with ctx.db.session(write=False) as db:
        query = select(TemplateVersionRow).order_by(
            TemplateVersionRow.template_id, TemplateVersionRow.version
        )
        if template_id is not None:
            query = query.where(TemplateVersionRow.template_id == template_id)
        return [_value(db, r) for r in db.scalars(query).all()]


def export(
    ctx: ServiceContext, session: UserSession, template_id: str, version: int | None = None
) -> Any:
    """The stored JSON document of a version (the latest if ``version`` is None).

    Raises:
        IntegrityError: the stored content no longer hashes to its recorded value.
    """
    session.require(Operation.TEMPLATE_EXPORT)
    with ctx.db.session(write=False) as db:
        row = _row(db, template_id, version)
        _check_stored_hash(row)
        return _stored_document(row)


def get_printable(ctx: ServiceContext, session: UserSession, template_id: str) -> Template:
    """The approved version of ``template_id``, proven unchanged since its approval.

    Raises:
        NotFound: no such template.
        ValidationError: no version is approved.
        IntegrityError: the stored content does not hash to the approval signature's content
            hash, or the signature record was altered or made for another record.
    """
    session.require(Operation.TEMPLATE_PRINT)
    with ctx.db.session(write=False) as db:
        rows = _versions(db, template_id)
        if not rows:
            raise NotFound(f"template {template_id!r}: no such template")
        approved = [r for r in rows if r.state == State.APPROVED.value]
        if not approved:
            states = ", ".join(f"v{r.version} {r.state}" for r in rows)
            raise ValidationError(
                f"template {template_id}: no approved version ({states}); expected one "
                "approved version: refusing to print"
            )
        row = approved[-1]
        label = _label(row.template_id, row.version)
        if row.approval_signature_id is None:
            raise IntegrityError(
                f"{label}: approved but has no approval signature: refusing to print"
            )
        signature = esign.load_signature(db, row.approval_signature_id)
        document = _stored_document(row)
        actual = content_hash(document)
        if actual != signature.content_hash:
            raise IntegrityError(
                f"{label}: stored content hash {actual} does not match the approved "
                f"signature's {signature.content_hash}: refusing to print"
            )
        if signature.meaning is not Meaning.APPROVED:
            raise IntegrityError(
                f"{label}: approval signature means {signature.meaning.value!r}; expected "
                "'approved': refusing to print"
            )
        try:
            esign.verify_signature(
                signature,
                record_type=RECORD_TYPE,
                record_id=f"{row.template_id} v{row.version}",
                content_hash=actual,
            )
        except IntegrityError as exc:
            raise IntegrityError(f"{label}: {exc}: refusing to print") from None
    try:
        template = Template.from_json(document)
    except LabelStationError as exc:
        raise IntegrityError(f"{label}: approved content no longer loads ({exc})") from None
    return template
