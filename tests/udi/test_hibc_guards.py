"""Direct construction of the HIBC value types refuses inconsistent fields, with exact messages.

The builders never produce these; the checks exist so that no instance can exist that encodes
to something its fields do not say.
"""

from __future__ import annotations

import datetime as dt

import pytest

from labelstation.errors import UDIError
from labelstation.udi import (
    ExpiryFormat,
    HibcPrimary,
    HibcSecondary,
    HibcSupplement,
    HibcUdi,
    build,
    build_primary,
    build_secondary,
    parse,
    parse_secondary,
)

D = dt.date(2027, 1, 31)
Y = ExpiryFormat.YYMMDD


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: HibcSecondary(lot="L", expiry_format="YYMMDD"),  # type: ignore[arg-type]
            "HIBC expiry format 'YYMMDD': expected one of MMYY, MMDDYY, YYMMDD, YYMMDDHH, "
            "YYJJJ, YYJJJHH, none, default-YYJJJ",
        ),
        (
            lambda: HibcSecondary(lot="L", expiry_format=ExpiryFormat.NONE, expiry_hour=3),
            "HIBC expiry hour 3: expected no hour without a date",
        ),
        (
            lambda: HibcSecondary(lot="L", expiry=dt.datetime(2027, 1, 31, 3), expiry_format=Y),
            "HIBC expiry datetime.datetime(2027, 1, 31, 3, 0): expected a date",
        ),
        (
            lambda: HibcSecondary(lot="L", expiry=D),
            "HIBC expiry 2027-01-31: expected an expiry format, one of MMYY, MMDDYY, YYMMDD, "
            "YYMMDDHH, YYJJJ, YYJJJHH, default-YYJJJ",
        ),
        (
            lambda: HibcSecondary(lot="L", quantity_digits=2),
            "HIBC quantity digits 2: expected no digits without a quantity",
        ),
        (
            lambda: HibcSecondary(
                lot="L", quantity=5, quantity_digits=3, expiry_format=ExpiryFormat.NONE
            ),
            "HIBC quantity digits 3: expected 2 ($$8) or 5 ($$9)",
        ),
        (
            lambda: HibcSecondary(lot="L", quantity=5, quantity_digits=2),
            "HIBC quantity 5: expected a $$ expiry format with it (none for no date)",
        ),
        (
            lambda: HibcSecondary(lot="L", supplements=[HibcSupplement("Q", "1")]),  # type: ignore[arg-type]
            "HIBC supplements [HibcSupplement(di='Q', value='1')]: expected a tuple of "
            "HibcSupplement",
        ),
        (
            lambda: build_secondary(lot="L", manufacture_date="2025-01-01"),  # type: ignore[arg-type]
            "HIBC date of manufacture '2025-01-01': expected a date",
        ),
        (
            lambda: HibcUdi("+A123BJC5D6E71G"),  # type: ignore[arg-type]
            "HIBC primary '+A123BJC5D6E71G': expected HibcPrimary",
        ),
        (
            lambda: HibcUdi(build_primary("A123", "1", 0), "$L1"),  # type: ignore[arg-type]
            "HIBC secondary '$L1': expected HibcSecondary",
        ),
        (
            lambda: parse(b"+A123BJC5D6E71G"),  # type: ignore[arg-type]
            "HIBC data b'+A123BJC5D6E71G': expected text",
        ),
        (
            lambda: parse("]A5aé23BJC5D6E71G"),
            "HIBC data ']A5aé23BJC5D6E71G': character 'é' cannot come from Code 39",
        ),
        (
            lambda: HibcPrimary("A123", "1", True),  # type: ignore[arg-type]
            "HIBC unit of measure True: expected one digit 0-9",
        ),
    ],
)
def test_inconsistent_fields_are_refused(call: object, message: str) -> None:
    with pytest.raises(UDIError) as exc:
        call()  # type: ignore[operator]
    assert str(exc.value) == message


def test_supplement_parsed_values() -> None:
    assert HibcSupplement("Q", "00500").parsed == 500
    assert HibcSupplement("16D", "20111231").parsed == dt.date(2011, 12, 31)
    assert HibcSupplement("S", "77DEFG45").parsed == "77DEFG45"


def test_caption_of_a_combined_udi_with_a_space_check_character() -> None:
    # Find a combined UDI whose check character is a space: its caption shows `_`.
    for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        udi = build(build_primary("A123", "P", 0), build_secondary(lot=f"L{char}"))
        if udi.data.endswith(" "):
            break
    assert udi.data.endswith(" ")
    assert udi.hri == "*" + udi.data[:-1] + "_*"
    assert parse(udi.hri) == udi


def test_parse_secondary_of_a_code39_reading_that_stripped_the_check() -> None:
    assert parse_secondary("]A3+$$52001510X3G") == parse_secondary("+$$52001510X3GD")


def test_primary_caption_and_a_non_code39_check_character() -> None:
    assert build_primary("A123", "BJC5D6E7", 1).hri == "*+A123BJC5D6E71G*"
    with pytest.raises(UDIError) as exc:
        parse("+A123BJC5D6E71é")
    assert str(exc.value) == "HIBC check character should be 'G', got 'é'"
