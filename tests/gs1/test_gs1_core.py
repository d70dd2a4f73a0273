"""Examples from the GS1 General Specifications and exact refusals of the builder and parser."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
from decimal import Decimal

import pytest

from labelstation.errors import GS1Error
from labelstation.gs1 import (
    GS,
    BuildPolicy,
    ElementString,
    ai_info,
    build,
    check_digit,
    check_pairings,
    decode_pcenc,
    encode_pcenc,
    is_valid_check_digit,
    parse,
)
from labelstation.gs1.ai import table_source
from labelstation.gs1.element import clear_validation_cache
from labelstation.gs1.parse import split_bracketed

TODAY = dt.date(2026, 11, 25)
GTIN = "09506000134352"


def b(*pairs: tuple[str, str], policy: BuildPolicy | None = None) -> ElementString:
    return build(pairs, policy=policy or BuildPolicy(), today=TODAY)


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("0950600013435", "2"),  # GS1 example GTIN-14 without indicator
        ("10614141234567890", "8"),  # SSCC 106141412345678908
        ("950600013435", "2"),  # GTIN-13 9506000134352
        ("9501234", "6"),  # GS1 example GTIN-8 95012346
        ("950110102001", "6"),  # GS1 example GLN 9501101020016
        ("0", "0"),
    ],
)
def test_check_digit_examples(body: str, digit: str) -> None:
    assert check_digit(body) == digit
    assert is_valid_check_digit(body + digit)


def test_check_digit_refuses_non_digits() -> None:
    with pytest.raises(GS1Error) as exc:
        check_digit("12A4")
    assert str(exc.value) == "check digit: '12A4' must be one or more digits"


@pytest.mark.parametrize("key", ["", "1", "09506000134353", "0950600013435A"])
def test_is_valid_check_digit_false(key: str) -> None:
    assert not is_valid_check_digit(key)


def test_build_orders_predefined_first_and_spells_three_ways() -> None:
    es = b(("01", GTIN), ("10", "ABC123"), ("17", "271231"), ("21", "SN0001"))
    assert [e.ai for e in es] == ["01", "17", "10", "21"]
    assert es.data == "01" + GTIN + "17271231" + "10ABC123" + GS + "21SN0001"
    assert es.hri == "(01)09506000134352(17)271231(10)ABC123(21)SN0001"
    assert es.digital_link() == (
        "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=271231"
    )
    assert es.get("17") is not None
    assert es["10"] == "ABC123"


def test_sscc_with_net_weight_measure() -> None:
    es = b(("00", "106141412345678908"), ("02", "09506000134352"), ("37", "12"), ("3103", "000189"))
    assert es.hri == "(00)106141412345678908(02)09506000134352(3103)000189(37)12"
    element = es.get("3103")
    assert element is not None
    assert element.parsed == Decimal("0.189")


def test_day_00_is_last_day_of_month() -> None:
    es = b(("01", GTIN), ("17", "250200"))
    element = es.get("17")
    assert element is not None
    assert element.parsed == dt.date(2025, 2, 28)
    leap = b(("01", GTIN), ("17", "280200")).get("17")
    assert leap is not None
    assert leap.parsed == dt.date(2028, 2, 29)


def test_forbid_day_00_policy() -> None:
    with pytest.raises(GS1Error) as exc:
        b(("01", GTIN), ("17", "250200"), policy=BuildPolicy(forbid_day_00=True))
    assert str(exc.value) == (
        "GS1 (17) '250200': day 00 is refused by policy (forbid_day_00); "
        "give the last day of the month"
    )


def test_product_url_8200() -> None:
    es = b(("01", GTIN), ("8200", "http://www.gs1.org/demo/"))
    assert es.data == "01" + GTIN + "8200http://www.gs1.org/demo/"
    assert parse(es.data, today=TODAY).element_string == es


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            [("17", "230229"), ("01", GTIN)],
            "GS1 (17) '230229': day 29 does not exist in February 2023",
        ),
        (
            [("01", GTIN), ("10", "A" * 21)],
            "GS1 (10) 'AAAAAAAAAAAAAAAAAAAAA': at most 20 characters, got 21",
        ),
        (
            [("01", GTIN), ("10", "AB#1")],
            "GS1 (10) 'AB#1': character '#' at position 3 is not in GS1 CSET 82",
        ),
        ([("01", "09506000134353")], "GS1 (01) '09506000134353': check digit should be 2, got 3"),
        ([("21", "SN1")], "GS1 (21) requires (01), (03) or (8006)"),
        ([("01", GTIN), ("02", GTIN), ("37", "1")], "GS1 (01) must not be used together with (37)"),
        (
            [("01", GTIN), ("255", "9506000134352123")],
            "GS1 (01) must not be used together with (255)",
        ),
        ([("01", GTIN), ("7003", "2512310000")], None),
        (
            [("01", GTIN), ("7003", "2512000000")],
            (
                "GS1 (7003) '2512000000': day 00 is not allowed in"
                " this date (YYMMDD); give the real day"
            ),
        ),
        (
            [("01", GTIN), ("01", "09506000134369")],
            (
                "GS1 (01) '09506000134369': given twice with different"
                " values ('09506000134352' and '09506000134369')"
            ),
        ),
        ([("99", "x"), ("23", "1")], "GS1 (23): not a known Application Identifier"),
        ([("01", "0950600013435")], "GS1 (01) '0950600013435': exactly 14 characters, got 13"),
        (
            [("01", "0950600013435X")],
            "GS1 (01) '0950600013435X': character 'X' at position 14 is not a digit",
        ),
        ([("01", GTIN), ("10", "")], "GS1 (10) '': at least 1 character, got 0"),
        ([("01", GTIN), ("17", "271301")], "GS1 (17) '271301': month 13 does not exist"),
        ([], "GS1 element string: no elements given"),
    ],
)
def test_build_refusals(pairs: list[tuple[str, str]], message: str | None) -> None:
    if message is None:
        assert build(pairs, today=TODAY).pairs() == tuple(pairs)
        return
    with pytest.raises(GS1Error) as exc:
        build(pairs, today=TODAY)
    assert str(exc.value) == message


def test_ai_info() -> None:
    info = ai_info("17")
    assert info.title == "USE BY or EXPIRY"
    assert info.predefined_length
    assert ("01",) in info.requires
    assert ai_info("01").dl_qualifiers == (("22", "10", "21"), ("235",))
    with pytest.raises(GS1Error) as exc:
        ai_info("5")
    assert str(exc.value) == "GS1 (5): not a known Application Identifier"


@pytest.mark.parametrize(
    "text",
    [
        "]d20109506000134352172712311" + "0ABC123" + GS + "21SN0001",
        "]C10109506000134352172712311" + "0ABC123" + GS + "21SN0001",
        "]Q30109506000134352172712311" + "0ABC123" + GS + "21SN0001",
        "0109506000134352172712311" + "0ABC123" + GS + "21SN0001",
        GS + "0109506000134352172712311" + "0ABC123" + GS + "21SN0001",
        "(01)09506000134352(17)271231(10)ABC123(21)SN0001",
        "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN0001?17=271231",
        (
            "https://example.com/some/prefix/01/9506000134"
            "352/10/ABC123/21/SN0001?17=271231&linkType=all"
        ),
        "]Q1https://brand.example/01/09506000134352/10/ABC123/21/SN%30001?17=271231",
    ],
)
def test_parse_forms(text: str) -> None:
    es = parse(text, today=TODAY).element_string
    assert {e.ai: e.value for e in es} == {
        "01": GTIN,
        "17": "271231",
        "10": "ABC123",
        "21": "SN0001",
    }


def test_parse_symbology() -> None:
    assert parse("]d201" + GTIN, today=TODAY).symbology == "]d2"
    assert parse("01" + GTIN, today=TODAY).symbology is None
    ean = parse("]E09506000134352", today=TODAY)
    assert ean.element_string.hri == "(01)09506000134352"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "]A0ABC",
            (
                "GS1 data ']A0ABC': symbology identifier ]A0 does not carry GS1 data (expected ]C1,"
                " ]d2, ]Q3, ]e0, ]J1, ]E0, ]E4, ]I1, or a Digital Link in ]Q1/]d1)"
            ),
        ),
        (
            "]d1ABC",
            (
                "GS1 data ']d1ABC': symbology ]d1 is not a GS1 symbology"
                " and the data is not a GS1 Digital Link URI"
            ),
        ),
        ("]d", "GS1 data ']d': incomplete symbology identifier"),
        ("", "GS1 element string: empty"),
        (
            "0109506000134352" + GS,
            "GS1 element string '0109506000134352\\x1d': ends with a GS separator",
        ),
        ("5X", "GS1 element string '5X': no known AI at position 1 ('5X')"),
        ("A(01)", "GS1 element string 'A(01)': no known AI at position 1 ('A(01')"),
        ("(5)1", "GS1 bracketed data '(5)1': must start with (AI) of a known AI"),
        (
            "ftp://x/01/" + GTIN,
            "GS1 element string 'ftp://x/01/09506000134352': no known AI at position 1 ('ftp:')",
        ),
        (
            "https://x/10/ABC",
            (
                "GS1 Digital Link 'https://x/10/ABC': no primary key path such as"
                " /01/<GTIN> followed by its qualifiers in order"
            ),
        ),
        (
            "https://x/01/" + GTIN + "/21/A/10/B",
            (
                "GS1 Digital Link 'https://x/01/09506000134352/21/A/10/B': no primary key"
                " path such as /01/<GTIN> followed by its qualifiers in order"
            ),
        ),
        (
            "https://x/01/" + GTIN + "?8200=x",
            (
                "GS1 Digital Link 'https://x/01/09506000134352?8200=x':"
                " (8200) is not allowed as a query attribute"
            ),
        ),
        ("]E0123", "GS1 data ']E0123': symbology ]E0 carries a 13-digit GTIN, got 3 characters"),
    ],
)
def test_parse_refusals(text: str, message: str) -> None:
    with pytest.raises(GS1Error) as exc:
        parse(text, today=TODAY)
    assert str(exc.value) == message


def test_hri_parentheses_in_values() -> None:
    es = parse("(01)09506000134352(10)A(B)C", today=TODAY).element_string
    assert es["10"] == "A(B)C"
    assert parse("(01)09506000134352(10)A(BCDEFG", today=TODAY).element_string["10"] == "A(BCDEFG"
    tricky = b(("01", GTIN), ("10", "A(21)B"))
    assert tricky.bracketed == "(01)09506000134352(10)A\\(21)B"
    assert parse(tricky.bracketed, today=TODAY).element_string == tricky
    # The printed HRI is ambiguous for this value and reads as two elements.
    assert parse(tricky.hri, today=TODAY).element_string.pairs() == (
        ("01", GTIN),
        ("10", "A"),
        ("21", "B"),
    )


def test_element_string_access() -> None:
    es = b(("01", GTIN), ("10", "L1"))
    assert len(es) == 2
    assert [e.hri for e in es] == ["(01)09506000134352", "(10)L1"]
    assert es.get("21") is None
    with pytest.raises(KeyError):
        es["21"]


def test_same_ai_twice_with_same_value_is_kept_once() -> None:
    assert b(("01", GTIN), ("10", "L1"), ("10", "L1")).pairs() == (("01", GTIN), ("10", "L1"))


def test_check_pairings_off_allows_a_partial_message() -> None:
    es = b(("21", "SN1"), policy=BuildPolicy(check_pairings=False))
    assert es.data == "21SN1"
    with pytest.raises(GS1Error) as exc:
        es.digital_link()
    assert str(exc.value) == (
        "GS1 Digital Link: none of (21) is a primary key such as (01), (00) or (414)"
    )


def test_check_pairings_function() -> None:
    check_pairings(["01", "10", "21"])
    with pytest.raises(GS1Error) as exc:
        check_pairings(["10"])
    assert str(exc.value) == "GS1 (10) requires (01), (02), (03), (8006) or (8026)"
    with pytest.raises(GS1Error) as exc:
        check_pairings(["00", "02"])
    assert str(exc.value) == "GS1 (02) requires (37)"
    with pytest.raises(GS1Error) as exc:
        check_pairings(["01", "7004"])
    assert str(exc.value) == "GS1 (7004) requires (01)+(10) or (03)+(10)"
    with pytest.raises(GS1Error) as exc:
        check_pairings(["01", "3100", "3101"])
    assert str(exc.value) == "GS1 (3100) must not be used together with (3101)"


def test_table_source() -> None:
    assert table_source()["commit"] == "ff2eb4bf"


def test_parse_refuses_non_text() -> None:
    with pytest.raises(GS1Error) as exc:
        parse(b"0109506000134352")  # type: ignore[arg-type]
    assert str(exc.value) == "GS1 data: expected text, got bytes"


def test_parse_invalid_uri() -> None:
    with pytest.raises(GS1Error) as exc:
        parse("http://[::1/01/" + GTIN)
    assert str(exc.value) == (
        "GS1 Digital Link 'http://[::1/01/09506000134352': not a valid URI (Invalid IPv6 URL)"
    )


def test_parse_symbology_with_wrong_form() -> None:
    with pytest.raises(GS1Error) as exc:
        parse("]d2(01)" + GTIN)
    assert str(exc.value) == (
        "GS1 data ']d2(01)09506000134352': symbology ]d2 carries a plain element string"
    )


def test_digital_link_non_attribute_is_refused() -> None:
    es = b(("01", GTIN), ("8200", "http://x.example/"))
    with pytest.raises(GS1Error) as exc:
        es.digital_link()
    assert str(exc.value) == (
        "GS1 (8200) cannot go into a Digital Link URI: it is neither a key qualifier of (01) "
        "nor a Digital Link data attribute"
    )


def test_digital_link_gtin13_in_path_and_other_keys() -> None:
    es = parse("https://id.gs1.org/01/9506000134352/235/TPX1", today=TODAY).element_string
    assert es.pairs() == (("01", GTIN), ("235", "TPX1"))
    sscc = b(("00", "106141412345678908"), ("02", GTIN), ("37", "5"))
    assert sscc.digital_link() == "https://id.gs1.org/00/106141412345678908?02=09506000134352&37=5"
    assert parse(sscc.digital_link(), today=TODAY).element_string == sscc


def test_date_time_and_decimal_parsing() -> None:
    es = b(
        ("01", GTIN),
        ("30", "5"),
        ("7003", "2512312359"),
        ("3922", "12345"),
        ("7007", "250101250131"),
    )
    assert es.get("7003") is not None
    assert es.get("7003").parsed == dt.datetime(2025, 12, 31, 23, 59)  # type: ignore[union-attr]
    assert es.get("3922").parsed == Decimal("123.45")  # type: ignore[union-attr]
    assert es.get("7007").parsed == "250101250131"  # type: ignore[union-attr]
    prod = b(("01", GTIN), ("8008", "25123123"))
    assert prod.get("8008").parsed == dt.datetime(2025, 12, 31, 23)  # type: ignore[union-attr]


def test_bad_character_in_a_later_component() -> None:
    with pytest.raises(GS1Error) as exc:
        b(("01", GTIN), ("7230", "AB#C"))
    assert str(exc.value) == "GS1 (7230) 'AB#C': character '#' at position 3 is not in GS1 CSET 82"


def test_split_bracketed_needs_a_leading_ai() -> None:
    with pytest.raises(GS1Error) as exc:
        split_bracketed("X(01)" + GTIN)
    assert str(exc.value) == (
        "GS1 bracketed data 'X(01)09506000134352': must start with (AI) of a known AI"
    )


@pytest.mark.parametrize(
    "module",
    [
        "labelstation.gs1.ai",
        "labelstation.gs1.checkdigit",
        "labelstation.gs1.element",
    ],
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("text", ["Müller & Søn", "東京都 1-2-3", "100% ~`^{}|\\", "a" * 11])
def test_unicode_text_survives_percent_encoded_ais(text: str) -> None:
    es = b(("00", "106141412345678908"), ("4300", encode_pcenc(text)))
    for form in (es.data, es.hri, es.bracketed):
        element = parse(form, today=TODAY).element_string.get("4300")
        assert element is not None
        assert element.parsed == text
    assert decode_pcenc("%FF%FE") == "%FF%FE"


def test_digital_link_picks_the_qualifier_sequence_that_works() -> None:
    es = b(("01", GTIN), ("10", "L1"), ("235", "TPX1"))
    assert es.digital_link() == "https://id.gs1.org/01/09506000134352/235/TPX1?10=L1"
    # Same data; a Digital Link lists qualifiers before attributes, so the order may differ.
    back = parse(es.digital_link(), today=TODAY).element_string
    assert dict(back.pairs()) == dict(es.pairs())


def test_digital_link_trailing_slash() -> None:
    es = parse("https://id.gs1.org/01/09506000134352/21/SN1/", today=TODAY).element_string
    assert es.pairs() == (("01", GTIN), ("21", "SN1"))


def test_itip_8006_piece_of_total() -> None:
    es = b(("8006", GTIN + "0102"), ("21", "S1"))
    assert es.hri == "(8006)095060001343520102(21)S1"
    assert es.data == "8006095060001343520102" + GS + "21S1"
    assert parse(es.data, today=TODAY).element_string == es


def test_parse_refuses_uri_without_host() -> None:
    with pytest.raises(GS1Error) as exc:
        parse("https:///01/" + GTIN)
    assert str(exc.value) == (
        "GS1 Digital Link 'https:///01/09506000134352': expected an http:// or https:// URI"
    )


def test_parse_refuses_gs_inside_a_predefined_length_value() -> None:
    with pytest.raises(GS1Error) as exc:
        parse("01095060001343" + GS + "10A")
    assert str(exc.value) == "GS1 (01) '095060001343': exactly 14 characters, got 12"


def test_validation_cache_gives_identical_results_and_keeps_refusing() -> None:
    clear_validation_cache()
    first = b(("01", GTIN), ("10", "L1"))
    assert b(("01", GTIN), ("10", "L1")) == first
    for _ in range(2):
        with pytest.raises(GS1Error):
            b(("01", "09506000134353"))
    leap = build([("01", GTIN), ("17", "000229")], today=dt.date(2026, 1, 1))
    with pytest.raises(GS1Error) as exc:
        build([("01", GTIN), ("17", "000229")], today=dt.date(2060, 1, 1))
    assert leap["17"] == "000229"
    assert str(exc.value) == "GS1 (17) '000229': day 29 does not exist in February 2100"
