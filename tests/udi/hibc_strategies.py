"""Hypothesis strategies for HIBC values: every value the standard allows, edges included."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

from hypothesis import strategies as st

from labelstation.udi import ExpiryFormat, HibcPrimary, HibcSecondary, HibcSupplement, HibcUdi
from labelstation.udi.hibc import LOT_MAX, PRODUCT_MAX, SERIAL_MAX

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS = ALNUM[:26]

lics = st.builds(
    lambda a, b: a + b, st.sampled_from(LETTERS), st.text(ALNUM, min_size=3, max_size=3)
)
products = st.text(ALNUM, min_size=1, max_size=PRODUCT_MAX)
uoms = st.integers(0, 9)
primaries = st.builds(HibcPrimary, lics, products, uoms)
lots = st.text(ALNUM, min_size=1, max_size=LOT_MAX)
serials = st.text(ALNUM, min_size=1, max_size=SERIAL_MAX)
dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
DATED = [f for f in ExpiryFormat if f is not ExpiryFormat.NONE]


@st.composite
def expiries(draw: st.DrawFn, formats: list[ExpiryFormat]) -> dict[str, object]:
    """An expiry date, its format and hour, consistent with each other."""
    fmt = draw(st.sampled_from(formats))
    if fmt is ExpiryFormat.NONE:
        return {"expiry_format": fmt}
    date = draw(dates)
    if fmt is ExpiryFormat.MMYY:
        date = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    hour = draw(st.integers(0, 23)) if fmt.has_hour else None
    return {"expiry": date, "expiry_format": fmt, "expiry_hour": hour}


@st.composite
def secondaries(draw: st.DrawFn) -> HibcSecondary:
    """Any secondary data: every main form of §2.2, then supplementary fields of §2.4."""
    main = draw(main_secondaries())
    options = {
        "S": None if main.serial is not None else serials,
        "16D": ymd,
        "14D": None if main.expiry is not None else ymd,
        "Q": None if main.quantity is not None else st.integers(1, 99_999).map(str),
    }
    chosen = draw(st.permutations([di for di, strategy in options.items() if strategy is not None]))
    count = draw(st.integers(0, len(chosen)))
    supplements = tuple(
        HibcSupplement(di, draw(options[di]))
        for di in chosen[:count]  # type: ignore[arg-type]
    )
    return dataclasses.replace(main, supplements=supplements)


ymd = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(lambda d: f"{d.year:04d}{d:%m%d}")


@st.composite
def main_secondaries(draw: st.DrawFn) -> HibcSecondary:
    """Any secondary data structure of §2.2: each of the $, $+, $$, $$+ and default forms."""
    form = draw(st.sampled_from(["lot", "serial", "dollars", "dollars-serial", "julian"]))
    if form == "lot":
        return HibcSecondary(lot=draw(lots))
    if form == "serial":
        return HibcSecondary(serial=draw(serials))
    if form == "julian":
        date = draw(dates)
        return HibcSecondary(
            lot=draw(st.none() | lots), expiry=date, expiry_format=ExpiryFormat.DEFAULT_YYJJJ
        )
    dollar_formats = [f for f in ExpiryFormat if f is not ExpiryFormat.DEFAULT_YYJJJ]
    expiry = draw(expiries(dollar_formats))
    if form == "dollars-serial":
        return HibcSecondary(serial=draw(serials), **expiry)  # type: ignore[arg-type]
    digits = draw(st.sampled_from([None, 2, 5]))
    quantity = None if digits is None else draw(st.integers(1, 99 if digits == 2 else 99_999))
    lot = draw(st.none() | lots)
    if lot is None and quantity is None and "expiry" not in expiry:
        lot = draw(lots)
    return HibcSecondary(
        lot=lot,
        quantity=quantity,
        quantity_digits=digits,
        **expiry,  # type: ignore[arg-type]
    )


udis = st.builds(HibcUdi, primaries, st.none() | secondaries(), st.booleans())
