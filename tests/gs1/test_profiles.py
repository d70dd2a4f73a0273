"""Label profiles: each passes a complete example and names each missing or forbidden piece."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelstation.errors import GS1Error, UDIError
from labelstation.gs1 import build
from labelstation.gs1.pharma import ndc_to_gtin
from labelstation.gs1.profiles import PROFILES, check_profile, evaluate
from labelstation.udi import build as build_hibc
from labelstation.udi import build_primary, build_secondary, check_character
from labelstation.udi import parse as parse_hibc

TODAY = dt.date(2026, 1, 1)
GTIN = "09506000134352"
NDC_GTIN = ndc_to_gtin("0777-3105-02")  # 00307773105025
NTIN_DE = "04150275808996"  # 04150 + PZN 27580899 + check digit
FMD = [("01", GTIN), ("21", "SN0001"), ("10", "ABC123"), ("17", "271231")]
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def _problems(profile: str, data: object, **options: object) -> tuple[str, ...]:
    return evaluate(profile, data, today=TODAY, **options).problems  # type: ignore[arg-type]


# ------------------------------------------------------------------ EU FMD pack


def test_eu_fmd_pack_complete_in_every_input_form() -> None:
    element_string = build(FMD, today=TODAY)
    for data in (FMD, element_string, element_string.hri, "]d2" + element_string.data):
        result = evaluate("eu-fmd-pack", data, today=TODAY)
        assert result.ok
        assert result.problems == ()
    assert check_profile("eu-fmd-pack", FMD, today=TODAY).ok


@pytest.mark.parametrize("ai", ["01", "21", "10", "17"])
def test_eu_fmd_pack_names_each_missing_piece(ai: str) -> None:
    label = {"01": "GTIN", "21": "serial number", "10": "batch/lot number", "17": "expiry date"}
    data = [p for p in FMD if p[0] != ai]
    problems = _problems("eu-fmd-pack", data)
    if ai == "01":  # (21), (10), (17) without a trade item key also break the pairing rules
        assert problems[1:] == ("EU FMD pack: missing (01) GTIN",)
        assert problems[0].startswith("EU FMD pack: GS1 (")
    else:
        assert problems == (f"EU FMD pack: missing ({ai}) {label[ai]}",)


def test_eu_fmd_pack_empty_lists_everything() -> None:
    assert _problems("eu-fmd-pack", [], market="PT") == (
        "EU FMD pack: missing (01) GTIN",
        "EU FMD pack: missing (21) serial number",
        "EU FMD pack: missing (10) batch/lot number",
        "EU FMD pack: missing (17) expiry date",
        "EU FMD pack: missing (714) NHRN AIM required in market PT",
    )


def test_eu_fmd_serial_of_21_characters_is_refused() -> None:
    data = [*FMD[:1], ("21", "A" * 21), *FMD[2:]]
    assert _problems("eu-fmd-pack", data) == (
        f"EU FMD pack: GS1 (21) '{'A' * 21}': at most 20 characters, got 21",
    )


@given(st.text(CSET82, min_size=1, max_size=20))
def test_eu_fmd_serial_any_cset82_up_to_20_passes(serial: str) -> None:
    data = [FMD[0], ("21", serial), *FMD[2:]]
    assert _problems("eu-fmd-pack", data) == ()


@pytest.mark.parametrize(
    ("market", "extra", "gtin", "problems"),
    [
        ("PT", [("714", "5440987")], GTIN, ()),
        ("PT", [], GTIN, ("EU FMD pack: missing (714) NHRN AIM required in market PT",)),
        ("DE", [("710", "27580899")], GTIN, ()),
        ("DE", [], NTIN_DE, ()),
        (
            "DE",
            [],
            GTIN,
            (
                "EU FMD pack: missing (710) NHRN PZN required in market DE (or a national NTIN "
                "04150… in (01))",
            ),
        ),
        (
            "DE",
            [("710", "27580898")],
            GTIN,
            ("EU FMD pack: GS1 (710) '27580898': PZN check digit should be 9, got 8",),
        ),
        ("FR", [("711", "3400930000000")], GTIN, ()),
        (
            "FR",
            [],
            GTIN,
            (
                "EU FMD pack: missing (711) NHRN CIP required in market FR (or a national NTIN "
                "03400… in (01))",
            ),
        ),
        ("ES", [("712", "6543217")], GTIN, ()),
        ("IT", [], GTIN, ("EU FMD pack: missing (716) NHRN AIC required in market IT",)),
        ("NL", [], GTIN, ()),  # no national NHRN
    ],
)
def test_eu_fmd_market_nhrn(
    market: str, extra: list[tuple[str, str]], gtin: str, problems: tuple[str, ...]
) -> None:
    data = [("01", gtin), *FMD[1:], *extra]
    assert _problems("eu-fmd-pack", data, market=market) == problems


def test_forbid_day_00_and_sscc() -> None:
    data = [*FMD[:3], ("17", "271200"), ("00", "095060001343520000")]
    assert _problems("eu-fmd-pack", data) == (
        "EU FMD pack: (00) SSCC is not allowed; it identifies a logistic unit, not a trade item",
    )
    assert _problems("eu-fmd-pack", data, forbid_day_00=True) == (
        "EU FMD pack: (00) SSCC is not allowed; it identifies a logistic unit, not a trade item",
        "EU FMD pack: (17) expiry date '271200' has day 00; expected a real day (forbid_day_00)",
    )


def test_check_profile_raises_with_all_problems_joined() -> None:
    with pytest.raises(GS1Error) as exc:
        check_profile("eu-fmd-pack", FMD[:2], today=TODAY)
    assert str(exc.value) == (
        "EU FMD pack: missing (10) batch/lot number; EU FMD pack: missing (17) expiry date"
    )


def test_unreadable_gs1_text_is_one_problem() -> None:
    assert _problems("eu-fmd-pack", "(01)09506000134353") == (
        "EU FMD pack: GS1 (01) '09506000134353': check digit should be 2, got 3",
    )


# ------------------------------------------------------------------ US DSCSA


def test_us_dscsa_unit() -> None:
    complete = [("01", NDC_GTIN), ("21", "12345678901234567890"), ("10", "L1"), ("17", "270630")]
    assert _problems("us-dscsa-unit", complete) == ()
    assert _problems("us-dscsa-unit", [("01", GTIN), *complete[1:]]) == (
        "US DSCSA unit: (01) GTIN '09506000134352' is not NDC-based; expected '03' after the "
        "indicator digit",
    )
    assert _problems("us-dscsa-unit", [complete[0]]) == (
        "US DSCSA unit: missing (21) serial number",
        "US DSCSA unit: missing (10) batch/lot number",
        "US DSCSA unit: missing (17) expiry date",
    )


# ------------------------------------------------------------------ UDI


def test_udi_gs1() -> None:
    assert _problems("udi-gs1", [("01", GTIN), ("11", "250101")]) == ()
    for ai, value in (("10", "L"), ("17", "271231"), ("21", "S")):
        assert _problems("udi-gs1", [("01", GTIN), (ai, value)]) == ()
    assert _problems("udi-gs1", [("01", GTIN)]) == (
        "UDI device GS1: missing a production identifier; expected at least one of (10) "
        "batch/lot number, (11) production date, (17) expiry date or (21) serial number",
    )
    assert _problems("udi-gs1", [("11", "250101")])[-1] == "UDI device GS1: missing (01) GTIN"


def test_udi_hibcc() -> None:
    primary = build_primary("A123", "BJC5D6E7", 1)
    for secondary in (
        build_secondary(lot="L1"),
        build_secondary(serial="S1"),
        build_secondary(expiry=dt.date(2027, 12, 31)),
    ):
        assert evaluate("udi-hibcc", build_hibc(primary, secondary)).ok
    assert check_profile("udi-hibcc", parse_hibc("+A123BJC5D6E71G+$$52001510X3GD")).ok
    missing = "UDI device HIBCC: missing secondary data; expected at least a lot, a serial or an "
    missing += "expiry date"
    assert evaluate("udi-hibcc", build_hibc(primary)).problems == (missing,)
    quantity_only = build_hibc(primary, build_secondary(quantity=5))
    assert evaluate("udi-hibcc", quantity_only).problems == (missing,)
    made_only = build_hibc(
        primary, build_secondary(quantity=5, manufacture_date=dt.date(2025, 1, 2))
    )
    assert evaluate("udi-hibcc", made_only).problems == (missing,)
    for supplement in ("/S77DEFG45", "/14D20270131"):
        data = "+A123BJC5D6E71/$$8057" + supplement
        assert evaluate("udi-hibcc", parse_hibc(data + check_character(data))).ok
    with pytest.raises(UDIError) as exc:
        check_profile("udi-hibcc", build_hibc(primary))
    assert str(exc.value) == missing


# ------------------------------------------------------------------ logistic unit, misuse


def test_gs1_logistic_unit() -> None:
    assert _problems("gs1-logistic-unit", [("00", "095060001343520000")]) == ()
    assert _problems("gs1-logistic-unit", [("01", GTIN)]) == (
        "GS1 logistic unit: missing (00) SSCC",
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: evaluate("eu-fmd", FMD),
            GS1Error,
            "label profile 'eu-fmd': expected one of eu-fmd-pack, us-dscsa-unit, udi-gs1, "
            "udi-hibcc, gs1-logistic-unit",
        ),
        (
            lambda: evaluate("us-dscsa-unit", FMD, market="US"),
            GS1Error,
            "US DSCSA unit: market 'US' given; only EU FMD pack has markets",
        ),
        (
            lambda: evaluate("eu-fmd-pack", FMD, market="pt"),
            GS1Error,
            "EU FMD pack: market 'pt': expected an ISO 3166-1 alpha-2 code such as PT",
        ),
        (
            lambda: evaluate("udi-gs1", parse_hibc("+A123BJC5D6E71G")),
            GS1Error,
            "UDI device GS1: got HIBC data; expected GS1 data",
        ),
        (
            lambda: evaluate("udi-hibcc", FMD),
            UDIError,
            f"UDI device HIBCC: data {FMD!r}: expected parsed HIBC data (labelstation.udi.HibcUdi)",
        ),
        (
            lambda: evaluate("udi-gs1", [("01",)]),
            GS1Error,
            "UDI device GS1: data [('01',)]: expected an ElementString, GS1 text or (ai, value) "
            "pairs",
        ),
    ],
)
def test_misuse_is_refused(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as exc:
        call()  # type: ignore[operator]
    assert str(exc.value) == message


def test_profile_object_and_repeated_ai() -> None:
    profile = PROFILES["udi-gs1"]
    data = [("01", GTIN), ("10", "A"), ("10", "B")]
    assert evaluate(profile, data, today=TODAY).problems == (
        "UDI device GS1: (10) given twice with different values ('A' and 'B')",
    )
    assert evaluate(profile, [("01", GTIN), ("10", "A"), ("10", "A")], today=TODAY).ok


def test_every_profile_is_listed() -> None:
    assert list(PROFILES) == [
        "eu-fmd-pack",
        "us-dscsa-unit",
        "udi-gs1",
        "udi-hibcc",
        "gs1-logistic-unit",
    ]
