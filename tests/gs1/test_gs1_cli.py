"""``labelstation gs1 parse|build``: the documented JSON, table and refusal contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from labelstation.cli import main

GTIN = "09506000134352"
DATA_VISIBLE = "01095060001343521727123110ABC123\\x1d21SN0001"
ELEMENTS = [
    {"ai": "01", "title": "GTIN", "value": GTIN},
    {"ai": "17", "title": "USE BY or EXPIRY", "value": "271231"},
    {"ai": "10", "title": "BATCH/LOT", "value": "ABC123"},
    {"ai": "21", "title": "SERIAL", "value": "SN0001"},
]
HRI = "(01)09506000134352(17)271231(10)ABC123(21)SN0001"


@pytest.mark.parametrize(
    "text",
    [
        "]d20109506000134352172712311" + "0ABC123\x1d21SN0001",
        "]d20109506000134352172712311" + "0ABC123\\x1d21SN0001",
        "]d20109506000134352172712311" + "0ABC123<GS>21SN0001",
    ],
)
def test_parse_json_accepts_every_gs_spelling(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gs1", "parse", text, "--json", "--today", "2026-11-25"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "valid": True,
        "symbology": "]d2",
        "elements": ELEMENTS,
        "hri": HRI,
        "data": DATA_VISIBLE,
    }


def test_parse_json_without_symbology(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "parse", HRI, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["symbology"] is None
    assert out["data"] == DATA_VISIBLE


def test_parse_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "parse", "]C1" + "0109506000134352" + "10ABC"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "symbology     ]C1",
        "(01)  GTIN       09506000134352",
        "(10)  BATCH/LOT  ABC",
        "HRI           (01)09506000134352(10)ABC",
        "data          0109506000134352" + "10ABC",
    ]


def test_parse_refusal_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "parse", "0109506000134353", "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "valid": False,
        "error": "GS1 (01) '09506000134353': check digit should be 2, got 3",
    }
    assert captured.err == ""


def test_parse_refusal_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "parse", "0109506000134353"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "labelstation: error: GS1 (01) '09506000134353': check digit should be 2, got 3\n"
    )


def test_build_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["gs1", "build", "01=" + GTIN, "17=271231", "10=ABC123", "21=SN0001", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == {
        "valid": True,
        "symbology": None,
        "elements": ELEMENTS,
        "hri": HRI,
        "data": DATA_VISIBLE,
        "digital_link": "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=271231",
    }


def test_build_table_with_base_and_no_digital_link(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "build", "01=" + GTIN, "10=A/B", "--base", "https://b.example/x"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "Digital Link  https://b.example/x/01/09506000134352/10/A%2FB"
    assert main(["gs1", "build", "01=" + GTIN, "8200=http://x.example/", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digital_link"] is None


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["01"], "gs1 build argument '01': expected AI=VALUE, e.g. 01=09506000134352"),
        (["21=SN1"], "GS1 (21) requires (01), (03) or (8006)"),
        (
            ["01=" + GTIN, "17=250200", "--forbid-day-00"],
            "GS1 (17) '250200': day 00 is refused by policy (forbid_day_00); "
            "give the last day of the month",
        ),
    ],
)
def test_build_refusals(argv: list[str], error: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1", "build", *argv]) == 2
    assert capsys.readouterr().err == f"labelstation: error: {error}\n"
    assert main(["gs1", "build", *argv, "--json"]) == 2
    assert json.loads(capsys.readouterr().out) == {"valid": False, "error": error}


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["gs1", "parse", HRI, "--today", "2026-13-01"])
    assert exc.value.code == 2
    assert "'2026-13-01' is not a date YYYY-MM-DD" in capsys.readouterr().err


def test_gs1_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gs1"]) == 2
    assert "parse" in capsys.readouterr().out


def test_subprocess_round_trip() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "labelstation",
            "gs1",
            "parse",
            "]Q3" + "01" + GTIN + "21A<GS>10B",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["data"] == "01" + GTIN + "21A\\x1d10B"
    refused = subprocess.run(
        [sys.executable, "-m", "labelstation", "gs1", "parse", "]Q3" + "01" + GTIN + "21A B"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "labelstation: error: GS1 (21) 'A B': character ' ' at position 2 is not in GS1 CSET 82\n"
    )
