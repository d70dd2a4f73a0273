"""Every linter the dictionary names: GS1 reference vectors and exact refusal messages."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from labelstation.errors import GS1Error
from labelstation.gs1 import ai_table, build, check_pair, is_valid_check_pair
from labelstation.gs1.linters import LINTERS, LintContext, reference_codes, resolve_year

TODAY = dt.date(2026, 11, 25)
CTX = LintContext(TODAY)
GTIN = "09506000134352"
SSCC = "106141412345678908"
DICTIONARY = Path("/work/shared/gs1/gs1-syntax-dictionary.txt")


def test_every_linter_in_the_table_is_implemented() -> None:
    used = {name for info in ai_table().values() for c in info.components for name in c.linters}
    assert used == set(LINTERS)


@pytest.mark.skipif(not DICTIONARY.exists(), reason="shared dictionary not mounted")
def test_linters_named_by_the_dictionary_file() -> None:
    lines = [ln for ln in DICTIONARY.read_text().splitlines() if ln and not ln.startswith("#")]
    names = {m for ln in lines for m in re.findall(r",([a-z][a-z0-9]+)", ln.split("#")[0])}
    assert names == set(LINTERS)


def test_table_header_names_source_commit_and_licence() -> None:
    path = Path(__file__).parents[2] / "labelstation" / "gs1" / "ai_table.json"
    source = json.loads(path.read_text())["source"]
    assert source["commit"] == "ff2eb4bf"
    assert source["date"] == "2026-07-27"
    assert source["license"] == "Apache-2.0"


def test_table_is_prefix_free_and_ranges_expanded() -> None:
    codes = set(ai_table())
    assert {f"310{n}" for n in range(6)} <= codes
    assert {str(n) for n in range(91, 100)} <= codes
    for code in codes:
        for size in range(2, len(code)):
            assert code[:size] not in codes, code


@pytest.mark.parametrize(
    ("yy", "year"), [(26, 2026), (76, 2076), (77, 1977), (0, 2000), (99, 1999), (75, 2075)]
)
def test_century_rule(yy: int, year: int) -> None:
    assert resolve_year(yy, TODAY) == year


def test_century_rule_late_in_a_century() -> None:
    late = dt.date(2080, 6, 1)
    assert resolve_year(10, late) == 2110
    assert resolve_year(30, late) == 2130
    assert resolve_year(31, late) == 2031


@pytest.mark.parametrize(
    "data",
    [
        "22",
        "!22",
        "1987654Ad4X4bL5ttr2310c2K",
        "12345678901234567890123NT",
        "12345_!\"%&'()*+,-./LC",
        "12345_0123456789:;<=>?62",
        "7907665Bm8v2AB",
        "00000!HV",
        "99999zzzzzzzzzzzzzzzzzzT2",
    ],
)
def test_check_pair_reference_vectors(data: str) -> None:
    assert is_valid_check_pair(data)
    assert check_pair(data[:-2]) == data[-2:]


@pytest.mark.parametrize("data", ["", "2", "33", "1987654Ad4X4bL5ttr2310cXK", " 2NT", "A" * 100])
def test_check_pair_invalid(data: str) -> None:
    assert not is_valid_check_pair(data)


def test_check_pair_refusals() -> None:
    with pytest.raises(GS1Error) as exc:
        check_pair("A B")
    assert str(exc.value) == "check pair: character ' ' at position 2 is not in GS1 CSET 82"
    with pytest.raises(GS1Error) as exc:
        check_pair("A" * 98)
    assert str(exc.value) == f"check pair: {'A' * 98!r} is longer than 97 characters"


@pytest.mark.parametrize(
    ("linter", "good", "bad"),
    [
        ("iban", "GB98MIDL07009312345678", "BE71096123456760"),
        ("iban", "MT90MALT011000012345MTLCAST001SABC", "XX361234567890"),
        ("iban", "LC14BOSL123456789012345678901234", "BE7"),
        ("pieceoftotal", "0103", "0100"),
        ("pieceoftotal", "11", "123"),
        ("posinseqslash", "100/100", "101/100"),
        ("couponposoffer", "001234561234560123456", "0012345612345601234567"),
        ("couponcode", "012345612345611110123", "71234567890123"),
        ("importeridx", "_", "."),
        ("mediatype", "10", "11"),
        ("packagetype", "BME", "ZZZ"),
        ("iso3166", "276", "999"),
        ("iso3166999", "999", "000"),
        ("iso3166alpha2", "DE", "XX"),
        ("iso4217", "978", "000"),
        ("iso5218", "9", "3"),
        ("latitude", "1800000000", "1800000001"),
        ("longitude", "3600000000", "3600000001"),
        ("nonzero", "0001", "0000"),
        ("nozeroprefix", "10", "0"),
        ("hasnondigit", "12A", "123"),
        ("pcenc", "a%20b", "a%2"),
        ("hhmi", "2359", "2360"),
        ("hh", "23", "24"),
        ("mi", "59", "60"),
        ("ss", "59", "60"),
        ("yesno", "1", "2"),
        ("winding", "9", "2"),
        ("zero", "0", "1"),
        ("hyphen", "-", "+"),
        ("hyphen", "--", ""),
        ("yyyymmdd", "20000229", "19000229"),
        ("yymmdd", "280229", "270229"),
        ("yymmd0", "270200", "271232"),
        ("gcppos1", "0123X", "012X"),
        ("gcppos2", "00123", "0012X"),
        ("csum", GTIN, "09506000134353"),
        ("csumalpha", "1987654Ad4X4bL5ttr2310c2K", "1987654Ad4X4bL5ttr2310c2X"),
    ],
)
def test_linter_good_and_bad(linter: str, good: str, bad: str) -> None:
    assert LINTERS[linter](good, CTX) is None
    assert LINTERS[linter](bad, CTX) is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "coupon: primary GS1 Company Prefix length indicator is truncated"),
        ("7", "coupon: primary GS1 Company Prefix length indicator 7 is not in 0-6"),
        ("0123456", "coupon: offer code is truncated"),
        ("01234561234560", "coupon: save value length indicator 0 is not in 1-5"),
        ("012345612345611115123", "coupon: 1st purchase requirement code 5 is not 0-4 or 9"),
        ("0123456123456111101231", "coupon: additional purchase rules code is truncated"),
        ("01234561234561111012314", "coupon: additional purchase rules code 4 is not 0-3"),
        ("0123456123456111101231011234", "coupon: 2nd purchase family code is truncated"),
        ("012345612345611110123101123459", None),
        (
            "0123456123456111101232112345",
            "coupon: 3rd purchase GS1 Company Prefix length indicator is truncated",
        ),
        (
            "01234561234561111012321123457",
            "coupon: 3rd purchase GS1 Company Prefix length indicator 7 is not in 0-6",
        ),
        ("0123456123456111101233271231", None),
        ("0123456123456111101233271332", "coupon: expiration date 271332: month 13 does not exist"),
        ("01234561234561111012332712314271230", None),
        ("01234561234561111012332712304271231", "coupon: expiration date is before start date"),
        ("0123456123456111101234271231", None),
        ("01234561234561111012350123456", None),
        ("0123456123456111101235012345", "coupon: serial number is truncated"),
        ("01234561234561111012361123456", "coupon: retailer GCP/GLN is truncated"),
        ("012345612345611110123612345678", None),
        ("01234561234561111012360", "coupon: retailer GCP/GLN length indicator 0 is not in 1-7"),
        ("012345612345611110123900", "coupon: store coupon flag is truncated"),
        ("0123456123456111101239000", "coupon: don't multiply flag is truncated"),
        ("01234561234561111012390001", None),
        ("01234561234561111012390002", "coupon: don't multiply flag 2 is not 0 or 1"),
        ("0123456123456111101239300", "coupon: save value code 3 is not 0, 1, 2, 5 or 6"),
        ("0123456123456111101239030", "coupon: save value applies to item 3 is not 0-2"),
        ("0123456123456111101237", "coupon: unexpected data '7' at position 22"),
        ("a12345612345611110123", "coupon code must be digits only"),
    ],
)
def test_couponcode(text: str, reason: str | None) -> None:
    assert LINTERS["couponcode"](text, CTX) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "coupon: format code is truncated"),
        ("201234561234560123456", "coupon: format code 2 is not 0 or 1"),
        ("07", "coupon: funder ID length indicator 7 is not in 0-6"),
        ("00123456", "coupon: offer code is truncated"),
        ("001234561234560", "coupon: serial number is truncated"),
        ("0012345612345601234567", "coupon: unexpected data '7' at position 22"),
        ("0a", "coupon code must be digits only"),
        ("061234567890121234569123456789012345", None),
    ],
)
def test_couponposoffer(text: str, reason: str | None) -> None:
    assert LINTERS["couponposoffer"](text, CTX) == reason


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            [("8006", GTIN + "0201")],
            "GS1 (8006) '095060001343520201': piece 2 exceeds total 1",
        ),
        (
            [("8006", GTIN + "0001")],
            "GS1 (8006) '095060001343520001': piece number must not be zero",
        ),
        (
            [("8006", GTIN + "0100")],
            "GS1 (8006) '095060001343520100': total number of pieces must not be zero",
        ),
        (
            [("01", GTIN), ("422", "999")],
            "GS1 (422) '999': '999' is not an ISO 3166 numeric country code",
        ),
        (
            [("01", GTIN), ("423", "276040")],
            "GS1 (423) '276040': '040' is not an ISO 3166 numeric country code"
            if "040" not in reference_codes()["iso3166_numeric"]
            else None,
        ),
        (
            [("01", GTIN), ("423", "2760")],
            "GS1 (423) '2760': part 2 must be 3 characters, got 1",
        ),
        (
            [("255", "9506000134352"), ("3911", "000123")],
            "GS1 (3911) '000123': '000' is not an ISO 4217 numeric currency code",
        ),
        (
            [("415", "9501101020016"), ("8020", "R1"), ("8007", "XX361234567890")],
            "GS1 (8007) 'XX361234567890': must start with an ISO 3166 alpha-2 country code, "
            "got 'XX'",
        ),
        (
            [("415", "9501101020016"), ("8020", "R1"), ("8007", "BE71096123456760")],
            "GS1 (8007) 'BE71096123456760': IBAN check digits are wrong",
        ),
        (
            [("415", "9501101020016"), ("8020", "R1"), ("8007", "BE7109612")],
            "GS1 (8007) 'BE7109612': too short for an IBAN",
        ),
        (
            [("415", "9501101020016"), ("8020", "R1"), ("8007", "BE71096123456769:")],
            "GS1 (8007) 'BE71096123456769:': character ':' at position 17 "
            "is not allowed in an IBAN",
        ),
        ([("8013", "1987654Ad4X4bL5ttr2310c2K")], None),
        (
            [("8013", "1987654Ad4X4bL5ttr2310c1K")],
            "GS1 (8013) '1987654Ad4X4bL5ttr2310c1K': check character '1' at position 24 "
            "is not in GS1 CSET 32",
        ),
        (
            [("8013", "1987654Ad4X4bL5ttr2310c22")],
            "GS1 (8013) '1987654Ad4X4bL5ttr2310c22': check character pair should be 2K, got 22",
        ),
        (
            [("8013", "A")],
            "GS1 (8013) 'A': too short for a check character pair",
        ),
        (
            [("8004", "ABC123")],
            "GS1 (8004) 'ABC123': must hold a GS1 Company Prefix (at least 4 digits) from "
            "position 1, got 'ABC1'",
        ),
        (
            [("00", "106141412345678909")],
            "GS1 (00) '106141412345678909': check digit should be 8, got 9",
        ),
        (
            [("00", SSCC), ("4321", "2")],
            "GS1 (4321) '2': '2' is not 0 (no) or 1 (yes)",
        ),
        (
            [("00", SSCC), ("4309", "18000000013600000000")],
            "GS1 (4309) '18000000013600000000': latitude 1800000001 exceeds 1800000000",
        ),
        (
            [("00", SSCC), ("4309", "18000000003600000001")],
            "GS1 (4309) '18000000003600000001': longitude 3600000001 exceeds 3600000000",
        ),
        (
            [("00", SSCC), ("4330", "000123+")],
            "GS1 (4330) '000123+': '+' must consist of '-' only",
        ),
        (
            [("00", SSCC), ("4324", "2512312400")],
            "GS1 (4324) '2512312400': hour 24 does not exist",
        ),
        (
            [("00", SSCC), ("4300", "ABC%2")],
            "GS1 (4300) 'ABC%2': '%' at position 4 does not start a valid percent-escape",
        ),
        (
            [("00", SSCC), ("7041", "QQQ")],
            "GS1 (7041) 'QQQ': 'QQQ' is not a GS1 package type code",
        ),
        (
            [("7040", "1AB.")],
            "GS1 (7040) '1AB.': '.' is not an importer index character (-, 0-9, A-Z, _, a-z)",
        ),
        (
            [("8017", "106141412345678908"), ("8019", "1"), ("7241", "00")],
            "GS1 (7241) '00': '00' is not an AIDC media type (01-10, 80-99)",
        ),
        (
            [("8018", "106141412345678908"), ("7252", "3")],
            "GS1 (7252) '3': '3' is not an ISO 5218 sex code (0, 1, 2 or 9)",
        ),
        (
            [("8018", "106141412345678908"), ("7259", "B"), ("7258", "0/2")],
            "GS1 (7258) '0/2': position and end must not be zero or start with 0",
        ),
        (
            [("8018", "106141412345678908"), ("7259", "B"), ("7258", "3/2")],
            "GS1 (7258) '3/2': position 3 exceeds end 2",
        ),
        (
            [("8018", "106141412345678908"), ("7259", "B"), ("7258", "1-2")],
            "GS1 (7258) '1-2': must be <position>/<end>, e.g. 1/3",
        ),
        (
            [("8018", "106141412345678908"), ("7250", "19000229")],
            "GS1 (7250) '19000229': day 29 does not exist in February 1900",
        ),
        (
            [("8010", "0123ABC"), ("8011", "0123")],
            "GS1 (8011) '0123': must not start with 0",
        ),
        (
            [("01", GTIN), ("8001", "000010000000000")],
            "GS1 (8001) '000010000000000': exactly 14 characters, got 15",
        ),
        (
            [("01", GTIN), ("8001", "00001000000000")],
            "GS1 (8001) '00001000000000': must not be zero",
        ),
        (
            [("01", GTIN), ("8001", "00010000100120")],
            "GS1 (8001) '00010000100120': '2' is not a winding direction (0, 1 or 9)",
        ),
        (
            [("8003", "1" + "9501101020016" + "X")],
            "GS1 (8003) '19501101020016X': '1' is not 0",
        ),
        (
            [("00", SSCC), ("8030", "ab=c")],
            "GS1 (8030) 'ab=c': '=' is only allowed as base64url padding: at most two at the "
            "end, padded length a multiple of 3",
        ),
        (
            [("00", SSCC), ("8030", "123=")],
            "GS1 (8030) '123=': '=' is only allowed as base64url padding: at most two at the "
            "end, padded length a multiple of 3",
        ),
        (
            [("00", SSCC), ("8030", "12" + "===")],
            "GS1 (8030) '12===': '=' is only allowed as base64url padding: at most two at the "
            "end, padded length a multiple of 3",
        ),
        ([("00", SSCC), ("8030", "12=")], None),
        ([("00", SSCC), ("8030", "1==")], None),
        (
            [("00", SSCC), ("8030", "ab+c")],
            "GS1 (8030) 'ab+c': character '+' at position 3 is not in base64url",
        ),
        (
            [("8010", "0123a")],
            "GS1 (8010) '0123a': character 'a' at position 5 is not in GS1 CSET 39",
        ),
        (
            [("01", GTIN), ("7008", "AB\u00e9")],
            "GS1 (7008) 'ABé': character 'é' at position 3 is not in GS1 CSET 82",
        ),
    ],
)
def test_linter_messages(pairs: list[tuple[str, str]], message: str | None) -> None:
    if message is None:
        assert build(pairs, today=TODAY).pairs()
        return
    with pytest.raises(GS1Error) as exc:
        build(pairs, today=TODAY)
    assert str(exc.value) == message


def test_mudi_needs_a_non_digit() -> None:
    body = next(f"{n:013d}" for n in range(10**6) if check_pair(f"{n:013d}").isdigit())
    value = body + check_pair(body)
    with pytest.raises(GS1Error) as exc:
        build([("01", GTIN), ("21", "1"), ("8014", value)], today=TODAY)
    assert str(exc.value) == f"GS1 (8014) {value!r}: must contain at least one non-digit character"


@pytest.mark.skipif(not DICTIONARY.exists(), reason="shared dictionary not mounted")
def test_packaged_tables_are_what_the_generator_writes() -> None:
    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [sys.executable, str(root / "scripts" / "gen_gs1_table.py"), str(DICTIONARY), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_generator_refuses_malformed_lines(tmp_path: Path) -> None:
    root = Path(__file__).parents[2]
    bad = tmp_path / "dictionary.txt"
    bad.write_text("01 *? N14,csum req=02 req=03 # GTIN\n")
    proc = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "gen_gs1_table.py"),
            str(bad),
            "--out",
            str(tmp_path / "t.json"),
            "--codes-out",
            str(tmp_path / "c.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"gen_gs1_table: {bad}: line 1: repeated req= is not supported\n"
