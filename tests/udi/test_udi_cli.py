"""``labelstation udi``: exit codes, JSON shape and one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from labelstation.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["udi", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_of_a_combined_udi(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["parse", "]C0+E203PB414109/$$8243280112R00089525J", "--json"], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "valid": True,
        "data": "+E203PB414109/$$8243280112R00089525J",
        "hri": "*+E203PB414109/$$8243280112R00089525J*",
        "combined": True,
        "secondary_data": None,
        "secondary_hri": None,
        "symbols": ["+E203PB414109/$$8243280112R00089525J"],
        "encoder_payloads": ["E203PB414109/$$8243280112R00089525"],
        "primary": {"lic": "E203", "product": "PB41410", "uom": 9, "check": "T"},
        "secondary": {
            "lot": "R00089525",
            "serial": None,
            "expiry": "2028-01-12",
            "expiry_hour": None,
            "expiry_format": "YYMMDD",
            "quantity": 24,
            "quantity_digits": 2,
            "manufacture_date": None,
            "supplements": [],
        },
    }


def test_build_separate_with_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        [
            "build",
            "--lic",
            "A123",
            "--product",
            "45678",
            "--uom",
            "0",
            "--lot",
            "L0T",
            "--expiry",
            "2027-12-31",
            "--expiry-format",
            "YYJJJHH",
            "--expiry-hour",
            "23",
            "--quantity",
            "7",
            "--quantity-digits",
            "5",
            "--separate",
            "--json",
        ],
        capsys,
    )
    document = json.loads(out)
    assert code == 0
    assert document["symbols"] == ["+A1234567801", "+$$90000762736523L0T15"]
    assert document["secondary_hri"] == "*+$$90000762736523L0T15*"
    assert document["secondary"]["expiry_format"] == "YYJJJHH"
    # What was built parses back to the same document.
    assert main(["udi", "parse", "".join(document["symbols"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == document


def test_build_lot_serial_and_manufacture_date(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["build", "--lic", "A999", "--product", "1234", "--uom", "5", "--lot", "10X3"]
    argv += ["--serial", "77DEFG45", "--manufacture-date", "2011-12-12", "--json"]
    code, out, _ = _run(argv, capsys)
    document = json.loads(out)
    assert code == 0
    assert document["data"] == "+A99912345/$10X3/S77DEFG45/16D20111212+"
    assert document["secondary"]["serial"] == "77DEFG45"
    assert document["secondary"]["manufacture_date"] == "2011-12-12"
    assert document["secondary"]["supplements"] == [
        {"di": "S", "value": "77DEFG45"},
        {"di": "16D", "value": "20111212"},
    ]


def test_build_primary_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        ["build", "--lic", "A123", "--product", "BJC5D6E7", "--uom", "1", "--json"], capsys
    )
    document = json.loads(out)
    assert code == 0
    assert (document["data"], document["secondary"], document["symbols"]) == (
        "+A123BJC5D6E71G",
        None,
        ["+A123BJC5D6E71G"],
    )


def test_udi_alone_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([], capsys)
    assert code == 2
    assert out.startswith("usage: labelstation udi")


def test_parse_text_output_of_separate_symbols(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["parse", "+A123BJCMD6E79++$$52001510X3+ "], capsys)
    assert code == 0
    assert out.splitlines() == [
        "data: '+A123BJCMD6E79+'",
        "hri: *+A123BJCMD6E79+*",
        "secondary data: '+$$52001510X3+ '",
        "secondary hri: *+$$52001510X3+_*",
        "LIC: A123",
        "product: BJCMD6E7",
        "unit of measure: 9",
        "lot: 10X3",
        "expiry: 2020-01-15",
        "expiry format: YYJJJ",
    ]
    code, out, _ = _run(["parse", "+A99912349/$10X3/16D20111231/14D20200131/Q500Z"], capsys)
    assert out.splitlines()[-1] == "supplements: /16D20111231 /14D20200131 /Q500"


def test_build_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        ["build", "--lic", "A123", "--product", "BJC5D6E7", "--uom", "1", "--serial", "SN1"],
        capsys,
    )
    assert code == 0
    assert out.splitlines() == [
        "data: '+A123BJC5D6E71/$+SN1G'",
        "hri: *+A123BJC5D6E71/$+SN1G*",
        "LIC: A123",
        "product: BJC5D6E7",
        "unit of measure: 1",
        "serial: SN1",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["parse", "+A123BJC5D6E71X"], "HIBC check character should be 'G', got 'X'"),
        (
            ["build", "--lic", "A12", "--product", "1", "--uom", "0"],
            "HIBC LIC 'A12': expected 4 characters A-Z or 0-9, first a letter",
        ),
        (
            ["build", "--lic", "A123", "--product", "1", "--uom", "0", "--expiry", "2027-02-30"],
            "HIBC expiry '2027-02-30': expected a date YYYY-MM-DD",
        ),
        (
            ["build", "--lic", "A123", "--product", "1", "--uom", "0", "--quantity", "1x"],
            "HIBC quantity '1x': expected a whole number",
        ),
        (
            ["build", "--lic", "A123", "--product", "1", "--uom", "0", "--expiry-hour", "3"],
            "HIBC secondary: --expiry-hour and --quantity-digits need an --expiry or a --quantity",
        ),
    ],
)
def test_refusals(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert (code, out, err) == (2, "", f"labelstation: error: {message}\n")
    code, out, err = _run([*argv, "--json"], capsys)
    assert (code, err) == (2, "")
    assert json.loads(out) == {"valid": False, "error": message}


def test_console_refusal_has_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "labelstation", "udi", "parse", "+$$52001510X3GD"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "labelstation: error: HIBC data '+$$52001510X3GD': a secondary data structure alone; "
        "expected the primary (+ and a 4-character LIC) first"
    ]
