"""The user, template and product command groups end to end, on SQLite and PostgreSQL.

Passwords go in through standard input (``--password-stdin``), never argv.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from svc_helpers import FAST_ARGON2

from labelstation.cli import main, user_cmd
from labelstation.resources import resource_path
from labelstation.security.keys import ENV_KEY_FILE
from labelstation.security.passwords import PasswordPolicy
from labelstation.store.db import Database
from labelstation.template import load_template
from labelstation.template.canonical import canonical_json

TEMPLATE = str(resource_path("templates/eu-fmd-carton.json"))
DATA = str(resource_path("templates/eu-fmd-carton.data.json"))
PW = {"admin": "Admin-pass-2026", "tech": "Tech-pass-2026x", "jroe": "Qa-pass-2026xx"}


class Cli:
    """Runs ``labelstation`` in-process with given stdin lines; keeps the last output."""

    def __init__(
        self, url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.url = url
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: Sequence[str] = ()) -> tuple[int, str, str]:
        self.capsys.readouterr()
        self.monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{s}\n" for s in stdin)))
        code = main([*argv, "--db", self.url])
        out, err = self.capsys.readouterr()
        return code, out, err

    def as_user(self, user: str, *argv: str, extra: Sequence[str] = ()) -> tuple[int, str, str]:
        return self(*argv, "--user", user, "--password-stdin", stdin=[PW[user], *extra])


@pytest.fixture
def cli(
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "audit.key"))
    # Site policy as shipped, but cheap argon2id parameters so the suite stays fast.
    monkeypatch.setattr(user_cmd, "POLICY", PasswordPolicy(argon2=FAST_ARGON2))
    run = Cli(db.url.render_as_string(hide_password=False), capsys, monkeypatch)
    assert run(
        "user",
        "init-admin",
        "--id",
        "admin",
        "--name",
        "Ada Admin",
        "--password-stdin",
        stdin=[PW["admin"]],
    ) == (0, "created administrator admin (Ada Admin)\n", "")
    for user, name, roles in (("tech", "Tom Tech", "technician"), ("jroe", "Jane Roe", "qa")):
        code, _, err = run.as_user(
            "admin", "user", "add", user, "--name", name, "--roles", roles, extra=[PW[user]]
        )
        assert (code, err) == (0, "")
    return run


def test_init_admin_only_once(cli: Cli) -> None:
    assert cli(
        "user",
        "init-admin",
        "--id",
        "eve",
        "--name",
        "Eve",
        "--password-stdin",
        stdin=["Eve-pass-2026x"],
    ) == (
        2,
        "",
        "labelstation: error: init-admin: the database has 3 user(s) already; expected none "
        "(the first administrator is created only once; ask an administrator to add you)\n",
    )


def test_user_list_json_and_roles(cli: Cli) -> None:
    code, out, _ = cli.as_user("admin", "user", "list", "--json")
    assert code == 0
    listed = {u["user_id"]: u for u in json.loads(out)}
    assert listed["jroe"]["roles"] == ["qa"]
    assert listed["jroe"]["full_name"] == "Jane Roe"
    assert cli.as_user("admin", "user", "roles", "jroe") == (0, "qa\n", "")
    assert cli.as_user(
        "admin", "user", "roles", "jroe", "--set", "qa,supervisor", "--reason", "promotion"
    ) == (0, "jroe: qa, supervisor\n", "")


def test_passwords_are_never_options(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("user", "list", "--user", "admin", "--password", PW["admin"])
    assert exc.value.code == 2


def test_stdin_running_out_is_a_clear_refusal(cli: Cli) -> None:
    assert cli(
        "user",
        "add",
        "x1",
        "--name",
        "X",
        "--roles",
        "qa",
        "--user",
        "admin",
        "--password-stdin",
        stdin=[PW["admin"]],
    ) == (
        2,
        "",
        "labelstation: error: --password-stdin: standard input ended before the line for "
        "'Password for x1:'; expected one line per password\n",
    )


def test_lock_unlock_and_passwords(cli: Cli) -> None:
    assert cli.as_user("admin", "user", "lock", "tech", "--reason", "on leave") == (
        0,
        "locked tech\n",
        "",
    )
    code, _, err = cli.as_user("tech", "template", "list")
    assert (code, err) == (
        2,
        "labelstation: error: sign-in as 'tech': the account is locked (on leave); an "
        "administrator must unlock it\n",
    )
    assert cli.as_user("admin", "user", "unlock", "tech", "--reason", "back") == (
        0,
        "unlocked tech\n",
        "",
    )
    assert cli.as_user("tech", "user", "passwd", extra=["Tech-new-pass-1"]) == (
        0,
        "password changed for tech\n",
        "",
    )
    tech_new = "Tech-new-pass-1"
    assert cli("template", "list", "--user", "tech", "--password-stdin", stdin=[tech_new])[0] == 0
    assert cli.as_user(
        "admin", "user", "passwd", "tech", "--reason", "forgotten", extra=["Tech-reset-pass-2"]
    ) == (
        0,
        "password set for tech\n",
        "",
    )
    code, _, err = cli.as_user("admin", "user", "passwd", "tech", extra=["Tech-reset-pass-3"])
    assert (code, err) == (
        2,
        "labelstation: error: reset password tech: reason '': expected a reason for the "
        "audit trail\n",
    )


def test_template_validate(cli: Cli, tmp_path: Path) -> None:
    content_hash = load_template(TEMPLATE).content_hash
    assert main(["template", "validate", TEMPLATE]) == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "labelstation.template/9"}', encoding="utf-8")
    assert main(["template", "validate", str(broken)]) == 2
    out, err = cli.capsys.readouterr()
    assert out == f"valid: template eu-fmd-carton ({content_hash})\n"
    assert err.startswith("labelstation: error: ")
    assert err.count("\n") == 1


def test_template_lifecycle(cli: Cli, tmp_path: Path) -> None:
    content_hash = load_template(TEMPLATE).content_hash
    assert cli.as_user("tech", "template", "import", TEMPLATE) == (
        0,
        f"template eu-fmd-carton v1: draft ({content_hash})\n",
        "",
    )
    assert cli.as_user("tech", "template", "submit", "eu-fmd-carton") == (
        0,
        "template eu-fmd-carton v1: in_review\n",
        "",
    )
    png = tmp_path / "diff.png"
    code, out, err = cli.as_user(
        "jroe",
        "template",
        "approve",
        "eu-fmd-carton",
        "--version",
        "1",
        "--data",
        DATA,
        "--dpi",
        "203",
        "--diff-png",
        str(png),
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "changes from nothing to v1: 6"
    assert lines[-4] == "signing: template eu-fmd-carton v1 — meaning: approved"
    assert lines[-3] == "template eu-fmd-carton v1: approved"
    assert lines[-2].startswith("Approved by Jane Roe (jroe) on ")
    assert lines[-2].endswith(" UTC — meaning: approved")
    # The image diff against an empty label shows the whole new label, and it still decodes.
    decoded = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    assert [d.symbology_identifier for d in decoded] == ["]d2"]
    code, out, _ = cli.as_user("tech", "template", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["state"], listed["approval"]["signer_id"]) == ("approved", "jroe")
    exported = tmp_path / "export.json"
    assert cli.as_user("tech", "template", "export", "eu-fmd-carton", "-o", str(exported))[0] == 0
    assert exported.read_bytes() == canonical_json(load_template(TEMPLATE).to_json()) + b"\n"


def test_author_cannot_approve_via_cli(cli: Cli) -> None:
    cli.as_user("admin", "user", "roles", "tech", "--set", "technician,supervisor", "--reason", "r")
    cli.as_user("tech", "template", "import", TEMPLATE)
    cli.as_user("tech", "template", "submit", "eu-fmd-carton")
    code, _, err = cli.as_user("tech", "template", "approve", "eu-fmd-carton", "--version", "1")
    assert (code, err) == (
        2,
        "labelstation: error: template eu-fmd-carton v1: user tech is its author and may not "
        "approve it (four-eyes rule); expected another supervisor or QA user\n",
    )


def test_template_diff_reject_retire(cli: Cli, tmp_path: Path) -> None:
    doc = load_template(TEMPLATE).to_json()
    cli.as_user("tech", "template", "import", TEMPLATE)
    cli.as_user("tech", "template", "submit", "eu-fmd-carton")
    code, out, _ = cli.as_user(
        "jroe", "template", "reject", "eu-fmd-carton", "--version", "1", "--reason", "move logo"
    )
    assert code == 0
    assert out.splitlines()[0] == "template eu-fmd-carton v1: draft"
    assert out.splitlines()[1].startswith("Rejected by Jane Roe (jroe) on ")
    doc["name"] = "EU FMD carton — v2 «test»"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    cli.as_user("tech", "template", "import", str(edited))  # replaces the rejected draft
    cli.as_user("tech", "template", "submit", "eu-fmd-carton")
    cli.as_user("jroe", "template", "approve", "eu-fmd-carton", "--version", "1")
    doc["elements"][0]["x"] = 4
    edited.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert cli.as_user("tech", "template", "import", str(edited))[1].startswith(
        "template eu-fmd-carton v2: draft"
    )
    code, out, _ = cli.as_user(
        "tech",
        "template",
        "diff",
        "eu-fmd-carton",
        "1",
        "2",
        "--json",
        "--data",
        DATA,
        "--dpi",
        "203",
    )
    result = json.loads(out)
    assert result["changes"] == [
        {"path": "/elements/0/x", "kind": "changed", "old": 3.0, "new": 4.0}
    ]
    assert result["changed_pixels"] > 0
    code, out, err = cli.as_user(
        "jroe", "template", "retire", "eu-fmd-carton", "--version", "1", "--reason", "replaced"
    )
    assert (code, out.splitlines()[0], err) == (0, "template eu-fmd-carton v1: retired", "")


def test_products(cli: Cli) -> None:
    cli.as_user("admin", "user", "roles", "jroe", "--set", "qa,supervisor", "--reason", "r")
    args = [
        "--name",
        "Examplomab 100 mg",
        "--strength",
        "100 mg",
        "--dosage-form",
        "tablet",
        "--market",
        "EU",
        "--label-profile",
        "eu-fmd",
        "--ndc",
        "12345-678-90",
    ]
    assert cli.as_user("jroe", "product", "add", "--gtin", "9506000134352", *args) == (
        0,
        "added product 09506000134352 (Examplomab 100 mg)\n",
        "",
    )
    code, _, err = cli.as_user("jroe", "product", "add", "--gtin", "09506000134353", *args)
    assert (code, err) == (
        2,
        "labelstation: error: GTIN '09506000134353': check digit 3 is wrong\n",
    )
    code, out, _ = cli.as_user("tech", "product", "show", "09506000134352", "--json")
    assert json.loads(out)["ndc"] == "12345-678-90"
    code, out, _ = cli.as_user("tech", "product", "list", "--json")
    assert [p["gtin"] for p in json.loads(out)] == ["09506000134352"]
    code, _, err = cli.as_user("tech", "product", "add", "--gtin", "4006381333931", *args)
    assert (code, err) == (
        2,
        "labelstation: error: user tech (technician) may not perform product.create: it "
        "needs one of the roles supervisor\n",
    )


def test_proof_pdf_carries_state_and_signature_manifestation(cli: Cli, tmp_path: Path) -> None:
    """21 CFR 11.50: the printed proof names signer, date and time, and meaning."""
    import subprocess

    assert cli.as_user("tech", "template", "import", TEMPLATE)[0] == 0
    draft = tmp_path / "draft.pdf"
    code, out, err = cli.as_user(
        "tech", "template", "proof", "eu-fmd-carton", "--data", DATA, "--out", str(draft)
    )
    assert (code, err) == (0, "")
    assert out.endswith(
        ": template eu-fmd-carton v1 — state: draft — NOT APPROVED, NOT FOR PRODUCTION\n"
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(draft), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "No approval signature" in text
    assert "DRAFT" in text
    assert cli.as_user("tech", "template", "submit", "eu-fmd-carton")[0] == 0
    assert cli.as_user("jroe", "template", "approve", "eu-fmd-carton", "--version", "1")[0] == 0
    signed = tmp_path / "signed.pdf"
    code, _, err = cli.as_user(
        "tech",
        "template",
        "proof",
        "eu-fmd-carton",
        "--version",
        "1",
        "--data",
        DATA,
        "--out",
        str(signed),
    )
    assert (code, err) == (0, "")
    text = subprocess.run(
        ["pdftotext", "-layout", str(signed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "template eu-fmd-carton v1 — state: approved" in text
    assert "Approved by Jane Roe (jroe) on " in text
    assert "meaning: approved" in text
    assert " v1 " in text  # the footer names the approved version, not DRAFT
    page = subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(signed), str(tmp_path / "page")],
        check=True,
    )
    assert page.returncode == 0
    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png").convert("L"))
    assert [d.symbology_identifier for d in decoded] == ["]d2"]


def test_the_site_config_file_sets_the_password_policy(
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "labelstation.toml"
    config.write_text("[password]\nmin_length = 20\n", encoding="utf-8")
    monkeypatch.setenv("LABELSTATION_CONFIG", str(config))
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "audit.key"))
    monkeypatch.setattr(user_cmd, "POLICY", None)  # read the site file, as in production
    run = Cli(db.url.render_as_string(hide_password=False), capsys, monkeypatch)
    argv = ("user", "init-admin", "--id", "admin", "--name", "Ada Admin", "--password-stdin")
    assert run(*argv, stdin=["Fifteen-chars-1"]) == (
        2,
        "",
        "labelstation: error: password: expected at least 20 characters, got 15\n",
    )
    assert run(*argv, stdin=["Twenty-characters-ok1"])[0] == 0
