"""NDC ⇄ NDC-based GTIN-14 (DSCSA) and the NHRN AIs 710-717."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelstation.errors import GS1Error
from labelstation.gs1 import build, check_digit
from labelstation.gs1.pharma import (
    NDC_FORMATS,
    NDC_STYLES,
    NHRN,
    Ndc,
    gtin_to_ndc,
    is_ndc_gtin,
    ndc_from_gtin,
    ndc_to_gtin,
    nhrn_for_country,
    parse_ndc,
    pzn_check_digit,
    validate_nhrn,
    validate_pzn,
)

# ------------------------------------------------------------------ NDC → GTIN


@pytest.mark.parametrize(
    ("ndc", "gtin"),
    [
        ("0777-3105-02", "00307773105025"),  # 4-4-2
        ("50090-347-00", "00350090347005"),  # 5-3-2
        ("12345-6789-1", "00312345678913"),  # 5-4-1
        ("0777310502", "00307773105025"),  # 10 bare digits: the GTIN needs no segments
    ],
)
def test_ndc_to_gtin(ndc: str, gtin: str) -> None:
    assert ndc_to_gtin(ndc) == gtin
    assert gtin[1:3] == "03"
    assert check_digit(gtin[:-1]) == gtin[-1]
    assert build([("01", gtin)]).data == "01" + gtin
    assert is_ndc_gtin(gtin)


def test_indicator_digit_changes_the_check_digit() -> None:
    assert ndc_to_gtin("0777-3105-02", indicator=1) == "10307773105022"
    assert ndc_to_gtin("0777-3105-02", indicator=8) == "80307773105021"


@pytest.mark.parametrize(
    ("text", "fmt", "digits"),
    [
        ("01234-5678-91", "4-4-2", "1234567891"),  # 5-4-2 written, labeler padded
        ("12345-0678-91", "5-3-2", "1234567891"),  # product padded
        ("12345-6789-01", "5-4-1", "1234567891"),  # package padded
        ("12345678901", "5-4-1", "1234567891"),  # only position 10 holds a zero
        ("01234567891", "4-4-2", "1234567891"),  # only position 1 holds a zero
    ],
)
def test_eleven_digit_billing_form_unpads_the_padded_segment(
    text: str, fmt: str, digits: str
) -> None:
    ndc = parse_ndc(text)
    assert ndc == Ndc(digits, fmt)  # type: ignore[arg-type]
    assert ndc.hipaa11 == text.replace("-", "")


def test_ambiguous_eleven_digits_need_the_source_format() -> None:
    with pytest.raises(GS1Error) as exc:
        parse_ndc("00777310502")
    assert str(exc.value) == (
        "NDC '00777310502': 11-digit form is ambiguous, it could come from 4-4-2 or 5-4-1; "
        "expected the source format"
    )
    assert parse_ndc("00777310502", source_format="4-4-2").dashed == "0777-3105-02"
    assert parse_ndc("00777310502", source_format="5-4-1").dashed == "00777-3105-2"
    assert ndc_to_gtin("00777310502", source_format="4-4-2") == "00307773105025"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: parse_ndc("0777-31050-2"),
            "NDC '0777-31050-2': expected 4-4-2, 5-3-2 or 5-4-1 digits with dashes, 10 digits, "
            "or the 11-digit 5-4-2 billing form",
        ),
        (
            lambda: parse_ndc("077731050"),
            "NDC '077731050': expected 4-4-2, 5-3-2 or 5-4-1 digits with dashes, 10 digits, "
            "or the 11-digit 5-4-2 billing form",
        ),
        (
            lambda: parse_ndc("12345678911"),
            "NDC '12345678911': 11 digits but no padding zero at position 1, 6 or 10; expected "
            "a 5-4-2 billing NDC",
        ),
        (
            lambda: parse_ndc("12345678901", source_format="4-4-2"),
            "NDC '12345678901': 11-digit form has no padding zero for source format 4-4-2",
        ),
        (
            lambda: parse_ndc("0777-3105-02", source_format="5-3-2"),
            "NDC '0777-3105-02': written 4-4-2, but source format 5-3-2 given",
        ),
        (
            lambda: parse_ndc("٠٧٧٧٣١٠٥٠٢"),
            "NDC '٠٧٧٧٣١٠٥٠٢': expected 4-4-2, 5-3-2 or 5-4-1 digits with dashes, 10 digits, "
            "or the 11-digit 5-4-2 billing form",
        ),
        (
            lambda: parse_ndc("0777310502").dashed,
            "NDC '0777310502': segment format unknown (10 digits without dashes); expected one "
            "of 4-4-2, 5-3-2, 5-4-1",
        ),
        (
            lambda: ndc_to_gtin("0777-3105-02", indicator=9),
            "GTIN indicator digit 9: expected 0 to 8 for an NDC pack",
        ),
        (
            lambda: ndc_from_gtin("09506000134352"),
            "GTIN '09506000134352': not NDC-based; expected an indicator digit 0-8 and '03' "
            "after it",
        ),
        (
            lambda: ndc_from_gtin("00307773105022"),
            "GTIN '00307773105022': check digit should be 5, got 2",
        ),
        (lambda: ndc_from_gtin("0307773105025"), "GTIN '0307773105025': expected 14 digits"),
        (
            lambda: gtin_to_ndc("00307773105025", "4-3-3"),  # type: ignore[arg-type]
            "NDC format '4-3-3': expected one of 4-4-2, 5-3-2, 5-4-1",
        ),
        (
            lambda: gtin_to_ndc("00307773105025", "4-4-2", "12"),  # type: ignore[arg-type]
            "NDC style '12': expected one of dashed, 10, 11, 11-dashed",
        ),
        (lambda: Ndc("123"), "NDC '123': expected 10 digits"),
        (
            lambda: Ndc("0777310502", "4-3-3"),  # type: ignore[arg-type]
            "NDC format '4-3-3': expected one of 4-4-2, 5-3-2, 5-4-1",
        ),
        (
            lambda: parse_ndc("00777310502", source_format="9-9-9"),  # type: ignore[arg-type]
            "NDC format '9-9-9': expected one of 4-4-2, 5-3-2, 5-4-1",
        ),
        (lambda: parse_ndc(777310502), "NDC 777310502: expected text"),  # type: ignore[arg-type]
        (lambda: pzn_check_digit("12"), "PZN '12': expected 7 digits before the check digit"),
    ],
)
def test_ndc_refusals(call: object, message: str) -> None:
    with pytest.raises(GS1Error) as exc:
        call()  # type: ignore[operator]
    assert str(exc.value) == message


def test_gtin_to_ndc_in_every_style() -> None:
    gtin = "00350090347005"
    assert gtin_to_ndc(gtin, "5-3-2") == "50090-347-00"
    assert gtin_to_ndc(gtin, "5-3-2", "10") == "5009034700"
    assert gtin_to_ndc(gtin, "5-3-2", "11") == "50090034700"
    assert gtin_to_ndc(gtin, "5-3-2", "11-dashed") == "50090-0347-00"


@given(
    st.text("0123456789", min_size=10, max_size=10),
    st.sampled_from(NDC_FORMATS),
    st.integers(0, 8),
)
def test_ndc_gtin_round_trip_in_every_format_and_style(
    digits: str, fmt: str, indicator: int
) -> None:
    ndc = Ndc(digits, fmt)  # type: ignore[arg-type]
    gtin = ndc_to_gtin(ndc, indicator=indicator)
    assert gtin == f"{indicator}03{digits}{check_digit(f'{indicator}03{digits}')}"
    for style in NDC_STYLES:
        written = gtin_to_ndc(gtin, fmt, style)  # type: ignore[arg-type]
        source = None if style in ("dashed",) else fmt
        assert parse_ndc(written, source_format=source) == ndc  # type: ignore[arg-type]
        assert ndc_to_gtin(written, indicator=indicator, source_format=source) == gtin  # type: ignore[arg-type]
    assert ndc_from_gtin(gtin, fmt) == ndc  # type: ignore[arg-type]


@given(st.text(min_size=0, max_size=16))
def test_parse_ndc_of_arbitrary_text_raises_only_gs1error(text: str) -> None:
    outcome: Ndc | GS1Error
    try:
        outcome = parse_ndc(text)
    except GS1Error as exc:
        outcome = exc
    if isinstance(outcome, Ndc):
        assert ndc_from_gtin(ndc_to_gtin(outcome)).digits == outcome.digits
    else:
        assert str(outcome).startswith("NDC ")


# ------------------------------------------------------------------ NHRN


def test_nhrn_table_names_each_market() -> None:
    assert {ai: (n.country, n.scheme) for ai, n in NHRN.items()} == {
        "710": ("DE", "PZN"),
        "711": ("FR", "CIP"),
        "712": ("ES", "CN"),
        "713": ("BR", "DRN"),
        "714": ("PT", "AIM"),
        "715": ("US", "NDC"),
        "716": ("IT", "AIC"),
        "717": (None, "SRN"),
    }
    assert nhrn_for_country("PT") == NHRN["714"]
    assert nhrn_for_country("NL") is None


def test_pzn_check_digit() -> None:
    # PZN-8 27580899: 2·1 + 7·2 + 5·3 + 8·4 + 0·5 + 8·6 + 9·7 = 174 ≡ 9 (mod 11).
    assert pzn_check_digit("2758089") == "9"
    validate_pzn("27580899")
    assert validate_nhrn("710", "27580899") == NHRN["710"]


@pytest.mark.parametrize(
    ("ai", "value", "message"),
    [
        ("710", "27580898", "GS1 (710) '27580898': PZN check digit should be 9, got 8"),
        ("710", "2758089", "GS1 (710) '2758089': a PZN is 8 digits"),
        ("710", "0000001X", "GS1 (710) '0000001X': a PZN is 8 digits"),
        (
            "710",
            "00000030",
            "GS1 (710) '00000030': PZN check sum leaves 10; IFA issues no such PZN",
        ),
        (
            "715",
            "0777-31050-2",
            "GS1 (715) '0777-31050-2': not an NDC (NDC '0777-31050-2': "
            "expected 4-4-2, 5-3-2 or 5-4-1 digits with dashes, 10 digits, or the 11-digit 5-4-2 "
            "billing form)",
        ),
        ("718", "1", "NHRN AI '718': expected one of 710, 711, 712, 713, 714, 715, 716, 717"),
    ],
)
def test_nhrn_refusals(ai: str, value: str, message: str) -> None:
    with pytest.raises(GS1Error) as exc:
        validate_nhrn(ai, value)
    assert str(exc.value) == message


def test_nhrn_values_follow_the_dictionary_x20_rule() -> None:
    cset82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    for ai in ("711", "712", "713", "714", "716", "717"):
        for start in range(0, len(cset82), 20):
            validate_nhrn(ai, cset82[start : start + 20])
        with pytest.raises(GS1Error) as exc:
            validate_nhrn(ai, "1" * 21)
        assert str(exc.value).startswith(f"GS1 ({ai}) '{'1' * 21}': ")
    validate_nhrn("715", "0777-3105-02")
