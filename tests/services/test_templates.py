"""Template lifecycle through the services, on SQLite and PostgreSQL: four eyes, e-signatures,
supersession, diffs and the production gate against a row altered behind the application."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import text
from svc_helpers import UserFactory, password_of

from labelstation.errors import (
    AuthenticationError,
    IntegrityError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from labelstation.render.png import render_png
from labelstation.resources import resource_path
from labelstation.security.esign import Meaning, manifestation, verify_signature
from labelstation.security.roles import Role
from labelstation.security.session import UserSession
from labelstation.services import templates
from labelstation.services.context import ServiceContext
from labelstation.services.diff import ChangeKind
from labelstation.services.lifecycle import State
from labelstation.template import Template, layout, load_data
from labelstation.template.canonical import content_hash


def _variant(template: Template, **changes: Any) -> Template:
    """The template with top-level fields or element ``x`` positions changed."""
    doc = copy.deepcopy(template.to_json())
    for key, value in changes.items():
        if key.startswith("x_of_"):
            element = next(e for e in doc["elements"] if e["id"] == key[5:])
            element["x"] = value
        else:
            doc[key] = value
    return Template.from_json(doc)


@pytest.fixture
def tech(make_user: UserFactory) -> UserSession:
    return make_user("tech", Role.TECHNICIAN, full_name="Tom Technician")


@pytest.fixture
def qa(make_user: UserFactory) -> UserSession:
    return make_user("jroe", Role.QA, full_name="Jane Roe")


@pytest.fixture
def in_review(ctx: ServiceContext, tech: UserSession, carton: Template) -> Template:
    templates.import_template(ctx, tech, carton)
    templates.submit(ctx, tech, carton.id)
    return carton


def test_lifecycle_to_printable(
    ctx: ServiceContext,
    tech: UserSession,
    qa: UserSession,
    carton: Template,
    make_user: UserFactory,
) -> None:
    created = templates.import_template(ctx, tech, carton)
    assert (created.version, created.state, created.content_hash) == (
        1,
        State.DRAFT,
        carton.content_hash,
    )
    assert templates.submit(ctx, tech, carton.id).state is State.IN_REVIEW
    approved, signature = templates.approve(
        ctx, qa, carton.id, 1, user_id="jroe", password=password_of("jroe")
    )
    assert approved.state is State.APPROVED
    assert approved.approval == signature
    assert manifestation(signature) == (
        "Approved by Jane Roe (jroe) on 2026-11-25 14:03 UTC — meaning: approved"
    )
    assert (signature.record_type, signature.record_id, signature.content_hash) == (
        "template",
        "eu-fmd-carton v1",
        carton.content_hash,
    )
    operator = make_user("op1", Role.OPERATOR)
    printable = templates.get_printable(ctx, operator, carton.id)
    assert printable == carton
    assert printable.content_hash == signature.content_hash
    actions = [e.action for e in ctx.audit.entries() if e.object_type == "template"]
    assert actions == ["template.create", "template.submit", "esign.sign", "template.approve"]
    assert ctx.audit.verify().ok


def test_author_cannot_approve_their_own_version(
    ctx: ServiceContext, make_user: UserFactory, carton: Template
) -> None:
    sup = make_user("sup", Role.SUPERVISOR)
    templates.import_template(ctx, sup, carton)
    templates.submit(ctx, sup, carton.id)
    with pytest.raises(PermissionDenied) as exc:
        templates.approve(ctx, sup, carton.id, 1, user_id="sup", password=password_of("sup"))
    assert str(exc.value) == (
        "template eu-fmd-carton v1: user sup is its author and may not approve it "
        "(four-eyes rule); expected another supervisor or QA user"
    )
    assert templates.list_versions(ctx, sup, carton.id)[0].state is State.IN_REVIEW


def test_operator_cannot_approve_at_all(
    ctx: ServiceContext, make_user: UserFactory, in_review: Template
) -> None:
    op = make_user("op1", Role.OPERATOR)
    with pytest.raises(PermissionDenied) as exc:
        templates.approve(ctx, op, in_review.id, 1, user_id="op1", password=password_of("op1"))
    assert str(exc.value) == (
        "user op1 (operator) may not perform template.approve: it needs one of the roles "
        "qa, supervisor"
    )


def test_altered_row_is_refused_for_printing(
    ctx: ServiceContext, in_review: Template, qa: UserSession, make_user: UserFactory
) -> None:
    _, signature = templates.approve(
        ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe")
    )
    op = make_user("op1", Role.OPERATOR)
    assert templates.get_printable(ctx, op, in_review.id) == in_review
    tampered = copy.deepcopy(in_review.to_json())
    tampered["elements"][3]["gs1"][1] = ["21", "FIXED-SERIAL"]
    with ctx.db.engine.begin() as connection:  # behind the application's back
        connection.execute(
            text("UPDATE template_version SET content_json = :j WHERE template_id = :t"),
            {"j": json.dumps(tampered), "t": in_review.id},
        )
    with pytest.raises(IntegrityError) as exc:
        templates.get_printable(ctx, op, in_review.id)
    assert str(exc.value) == (
        f"template eu-fmd-carton v1: stored content hash {content_hash(tampered)} does not "
        f"match the approved signature's {signature.content_hash}: refusing to print"
    )


def test_altered_signature_is_refused_for_printing(
    ctx: ServiceContext, in_review: Template, qa: UserSession, make_user: UserFactory
) -> None:
    _, signature = templates.approve(
        ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe")
    )
    op = make_user("op1", Role.OPERATOR)
    with ctx.db.engine.begin() as connection:
        connection.execute(text("UPDATE e_signature SET signer_name = 'Mallory'"))
    with pytest.raises(IntegrityError) as exc:
        templates.get_printable(ctx, op, in_review.id)
    assert str(exc.value).startswith(
        f"template eu-fmd-carton v1: signature {signature.signature_hash} by jroe: its fields "
        "hash to "
    )
    assert str(exc.value).endswith(": the signature record was altered: refusing to print")


def test_signature_cannot_be_moved_to_another_record(
    ctx: ServiceContext, in_review: Template, qa: UserSession
) -> None:
    _, signature = templates.approve(
        ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe")
    )
    verify_signature(
        signature,
        record_type="template",
        record_id="eu-fmd-carton v1",
        content_hash=in_review.content_hash,
    )
    other = _variant(in_review, name="Another label")
    with pytest.raises(IntegrityError) as exc:
        verify_signature(
            signature,
            record_type="template",
            record_id="eu-fmd-carton v1",
            content_hash=other.content_hash,
        )
    assert str(exc.value) == (
        f"template eu-fmd-carton v1: content hash {other.content_hash} does not match the "
        f"approved signature's {in_review.content_hash}"
    )
    with pytest.raises(IntegrityError):
        verify_signature(
            signature,
            record_type="template",
            record_id="eu-fmd-carton v2",
            content_hash=in_review.content_hash,
        )


def test_new_version_from_approved_and_supersession(
    ctx: ServiceContext,
    in_review: Template,
    tech: UserSession,
    qa: UserSession,
    make_user: UserFactory,
) -> None:
    templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    edited = _variant(in_review, x_of_name=4)
    draft = templates.import_template(ctx, tech, edited, reason="move the name 1 mm")
    assert (draft.version, draft.state) == (2, State.DRAFT)
    op = make_user("op1", Role.OPERATOR)
    assert templates.get_printable(ctx, op, in_review.id) == in_review  # v1 still in force
    templates.submit(ctx, tech, in_review.id, 2)
    # A later signing in the same session: the password alone is enough (§11.200(a)(1)).
    _, sig2 = templates.approve(ctx, qa, in_review.id, 2, password=password_of("jroe"))
    states = [(v.version, v.state) for v in templates.list_versions(ctx, qa, in_review.id)]
    assert states == [(1, State.SUPERSEDED), (2, State.APPROVED)]
    assert sig2.record_id == "eu-fmd-carton v2"
    assert templates.get_printable(ctx, op, in_review.id) == edited
    supersede = [e for e in ctx.audit.entries() if e.action == "template.supersede"]
    assert [(e.object_id, e.reason) for e in supersede] == [
        ("eu-fmd-carton v1", "superseded by v2")
    ]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_first_signing_needs_the_user_id(
    ctx: ServiceContext, in_review: Template, qa: UserSession
) -> None:
    with pytest.raises(AuthenticationError) as exc:
        templates.approve(ctx, qa, in_review.id, 1, password=password_of("jroe"))
    assert str(exc.value) == (
        "signature in the session of jroe: the first signing in a session needs the user ID "
        "and the password"
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_nobody_signs_in_another_users_session(
    ctx: ServiceContext, in_review: Template, qa: UserSession, make_user: UserFactory
) -> None:
    make_user("qa2", Role.QA)
    with pytest.raises(AuthenticationError) as exc:
        templates.approve(ctx, qa, in_review.id, 1, user_id="qa2", password=password_of("qa2"))
    assert str(exc.value) == (
        "signature user ID 'qa2': expected 'jroe', the user signed in to this session"
    )


def test_failed_signature_counts_towards_lockout_and_is_audited(
    ctx: ServiceContext, in_review: Template, qa: UserSession
) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password="Wrong-pass-1")
    with pytest.raises(AuthenticationError) as exc:
        templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    assert str(exc.value) == (
        "signature as 'jroe': the account is locked (5 failed attempts); an administrator "
        "must unlock it"
    )
    failed = [e.new for e in ctx.audit.entries() if e.action == "auth.failed"]
    assert failed[0] == {"purpose": "signature", "cause": "wrong password", "failed_attempts": 1}
    assert failed[-1] == {"purpose": "signature", "cause": "account locked", "failed_attempts": 5}
    assert not [e for e in ctx.audit.entries() if e.action == "esign.sign"]
    assert templates.list_versions(ctx, qa, in_review.id)[0].state is State.IN_REVIEW


def test_reject_returns_to_draft_signed(
    ctx: ServiceContext, in_review: Template, qa: UserSession, tech: UserSession
) -> None:
    with pytest.raises(ValidationError) as exc:
        templates.reject(
            ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"), reason=" "
        )
    assert str(exc.value) == (
        "reject template eu-fmd-carton v1: reason ' ': expected a reason for the audit trail"
    )
    version, signature = templates.reject(
        ctx,
        qa,
        in_review.id,
        1,
        user_id="jroe",
        password=password_of("jroe"),
        reason="expiry must read EXP",
    )
    assert version.state is State.DRAFT
    assert signature.meaning is Meaning.REJECTED
    # the draft can be edited in place and submitted again
    edited = _variant(in_review, x_of_mah=3.5)
    replaced = templates.import_template(ctx, tech, edited)
    assert (replaced.version, replaced.state, replaced.content_hash) == (
        1,
        State.DRAFT,
        edited.content_hash,
    )
    assert templates.submit(ctx, tech, in_review.id).state is State.IN_REVIEW


def test_editing_while_in_review_and_unchanged_content_are_refused(
    ctx: ServiceContext, in_review: Template, tech: UserSession, qa: UserSession
) -> None:
    with pytest.raises(ValidationError) as exc:
        templates.import_template(ctx, tech, _variant(in_review, name="Changed"))
    assert str(exc.value) == (
        "template eu-fmd-carton: the latest version is in_review; expected draft, approved, "
        "superseded or retired (reject it before editing)"
    )
    templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    with pytest.raises(ValidationError) as exc:
        templates.import_template(ctx, tech, in_review)
    assert str(exc.value) == (
        f"template eu-fmd-carton v1: content hash {in_review.content_hash} is unchanged "
        "(state approved); expected different content"
    )


def test_wrong_state_transitions_are_refused(
    ctx: ServiceContext, tech: UserSession, qa: UserSession, carton: Template
) -> None:
    templates.import_template(ctx, tech, carton)
    with pytest.raises(ValidationError) as exc:
        templates.approve(ctx, qa, carton.id, 1, user_id="jroe", password=password_of("jroe"))
    assert str(exc.value) == (
        "template eu-fmd-carton v1: cannot approve a version in state draft; "
        "expected state in_review"
    )
    with pytest.raises(NotFound) as nf:
        templates.submit(ctx, tech, carton.id, 7)
    assert str(nf.value) == "template 'eu-fmd-carton' version 7: no such version; expected 1-1"
    with pytest.raises(NotFound) as nf:
        templates.submit(ctx, tech, "no-such")
    assert str(nf.value) == "template 'no-such': no such template"


def test_retired_and_unapproved_templates_do_not_print(
    ctx: ServiceContext, in_review: Template, qa: UserSession, make_user: UserFactory
) -> None:
    op = make_user("op1", Role.OPERATOR)
    with pytest.raises(ValidationError) as exc:
        templates.get_printable(ctx, op, in_review.id)
    assert str(exc.value) == (
        "template eu-fmd-carton: no approved version (v1 in_review); expected one approved "
        "version: refusing to print"
    )
    templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    version, signature = templates.retire(
        ctx, qa, in_review.id, 1, password=password_of("jroe"), reason="product withdrawn"
    )
    assert (version.state, signature.meaning) == (State.RETIRED, Meaning.RETIRED)
    with pytest.raises(ValidationError) as exc:
        templates.get_printable(ctx, op, in_review.id)
    assert str(exc.value) == (
        "template eu-fmd-carton: no approved version (v1 retired); expected one approved "
        "version: refusing to print"
    )


def test_longest_id_and_unicode_survive_import_approval_and_printing(
    ctx: ServiceContext,
    tech: UserSession,
    qa: UserSession,
    make_user: UserFactory,
    carton: Template,
) -> None:
    longest_id = "Aa0_.-" * 10 + "Zz9-"  # 64 characters, every class the schema allows
    name = "Étiquette « carton » — 王 ∑ 🙂 " + "!\"%&'()*+,-./:;<=>?_" + "N" * 150
    doc = _variant(carton, id=longest_id, name=name[:200], description="x" * 2000)
    templates.import_template(ctx, tech, doc)
    exported = templates.export(ctx, tech, longest_id)
    assert exported == doc.to_json()
    assert Template.from_json(exported).content_hash == doc.content_hash
    templates.submit(ctx, tech, longest_id)
    _, signature = templates.approve(
        ctx, qa, longest_id, 1, user_id="jroe", password=password_of("jroe")
    )
    assert signature.record_id == f"{longest_id} v1"
    assert templates.get_printable(ctx, make_user("op1", Role.OPERATOR), longest_id) == doc


def test_review_shows_field_and_image_differences(
    ctx: ServiceContext, in_review: Template, qa: UserSession, tech: UserSession
) -> None:
    templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    edited = _variant(in_review, x_of_dm=10)
    templates.import_template(ctx, tech, edited)
    templates.submit(ctx, tech, in_review.id, 2)
    data = load_data(resource_path("templates/eu-fmd-carton.data.json"))
    shown = templates.review(ctx, qa, in_review.id, 2, data=data, dpi=203)
    assert (shown.old_version, shown.new_version) == (1, 2)
    assert [c.as_json() for c in shown.changes] == [
        {"path": "/elements/3/x", "kind": "changed", "old": 3.0, "new": 10.0}
    ]
    assert shown.image is not None
    # Independently: render both, count differing pixels, and compare with the service.
    before = render_png(layout(in_review, data, dpi=203), 203).convert("L")
    after = render_png(layout(edited, data, dpi=203), 203).convert("L")
    expected = sum(a != b for a, b in zip(before.tobytes(), after.tobytes(), strict=True))
    assert shown.image.changed_pixels == expected > 0
    highlight = Image.open(io.BytesIO(shown.image.png)).convert("RGB")
    assert highlight.size == after.size
    rgb = highlight.tobytes()
    red = sum(1 for i in range(0, len(rgb), 3) if rgb[i : i + 3] == bytes((220, 0, 0)))
    assert red == expected
    # The moved DataMatrix still decodes to the same data on the new rendering.
    decoded = zxingcpp.read_barcodes(after)
    assert [d.symbology_identifier for d in decoded] == ["]d2"]


def test_diff_between_any_two_versions_without_image(
    ctx: ServiceContext, tech: UserSession, carton: Template, qa: UserSession
) -> None:
    templates.import_template(ctx, tech, carton)
    templates.submit(ctx, tech, carton.id)
    templates.approve(ctx, qa, carton.id, 1, user_id="jroe", password=password_of("jroe"))
    templates.import_template(ctx, tech, _variant(carton, name="Renamed", x_of_hri=21))
    result = templates.diff(ctx, tech, carton.id, 1, 2)
    assert result.image is None
    assert [(c.path, c.kind) for c in result.changes] == [
        ("/elements/4/x", ChangeKind.CHANGED),
        ("/name", ChangeKind.CHANGED),
    ]
    assert result.as_json()["changed_pixels"] is None


def test_an_earlier_editor_of_the_draft_cannot_approve_it(
    ctx: ServiceContext, make_user: UserFactory, carton: Template
) -> None:
    first = make_user("sup1", Role.SUPERVISOR)
    second = make_user("tech", Role.TECHNICIAN)
    templates.import_template(ctx, first, carton)
    templates.import_template(ctx, second, _variant(carton, name="Edited by tech"))
    templates.submit(ctx, second, carton.id)
    (version,) = templates.list_versions(ctx, first, carton.id)
    assert version.author_id == "tech"
    with pytest.raises(PermissionDenied) as exc:
        templates.approve(ctx, first, carton.id, 1, user_id="sup1", password=password_of("sup1"))
    assert str(exc.value) == (
        "template eu-fmd-carton v1: user sup1 is its author and may not approve it "
        "(four-eyes rule); expected another supervisor or QA user"
    )


def _sql(ctx: ServiceContext, statement: str) -> None:
    """Change the database behind the application's back."""
    with ctx.db.engine.begin() as connection:
        connection.execute(text(statement))


@pytest.fixture
def approved(ctx: ServiceContext, in_review: Template, qa: UserSession) -> Template:
    templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    return in_review


@pytest.fixture
def operator(make_user: UserFactory) -> UserSession:
    return make_user("op1", Role.OPERATOR)


def test_content_altered_while_in_review_is_not_signed(
    ctx: ServiceContext, in_review: Template, qa: UserSession
) -> None:
    altered = _variant(in_review, name="Slipped in")
    _sql(ctx, f"UPDATE template_version SET content_json = '{json.dumps(altered.to_json())}'")
    with pytest.raises(IntegrityError) as exc:
        templates.approve(ctx, qa, in_review.id, 1, user_id="jroe", password=password_of("jroe"))
    assert str(exc.value) == (
        f"template eu-fmd-carton v1: stored content hash {altered.content_hash} does not match "
        f"the recorded {in_review.content_hash}: the stored template was altered"
    )
    assert not [e for e in ctx.audit.entries() if e.action == "esign.sign"]
    with pytest.raises(IntegrityError):
        templates.export(ctx, qa, in_review.id)


def test_printing_an_unknown_template(ctx: ServiceContext, operator: UserSession) -> None:
    with pytest.raises(NotFound) as exc:
        templates.get_printable(ctx, operator, "no-such-template")
    assert str(exc.value) == "template 'no-such-template': no such template"


@pytest.mark.parametrize(
    ("start", "tampering", "message"),
    [
        pytest.param(
            "approved",
            "UPDATE template_version SET approval_signature_id = NULL",
            "template eu-fmd-carton v1: approved but has no approval signature: refusing to print",
            id="approved-row-without-signature",
        ),
        pytest.param(
            "approved",
            "UPDATE e_signature SET meaning = 'reviewed'",
            "template eu-fmd-carton v1: approval signature means 'reviewed'; expected "
            "'approved': refusing to print",
            id="approval-signature-of-another-meaning",
        ),
        pytest.param(
            "in_review",
            "UPDATE template_version SET state = 'approved'",
            "template eu-fmd-carton v1: approved but has no approval signature: refusing to print",
            id="state-set-to-approved-in-the-database",
        ),
        pytest.param(
            "approved",
            "UPDATE template_version SET content_json = '{\"schema\": '",
            "template eu-fmd-carton v1: stored content is not JSON (Expecting value at line 1 "
            "column 12): refusing to use it",
            id="stored-content-that-is-not-json",
        ),
    ],
)
def test_database_tampering_does_not_print(
    request: pytest.FixtureRequest,
    ctx: ServiceContext,
    operator: UserSession,
    start: str,
    tampering: str,
    message: str,
) -> None:
    template: Template = request.getfixturevalue(start)
    _sql(ctx, tampering)
    with pytest.raises(IntegrityError) as exc:
        templates.get_printable(ctx, operator, template.id)
    assert str(exc.value) == message
