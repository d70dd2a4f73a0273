"""HIBCC UDI: primary and secondary data, build and parse (ANSI/HIBC 2.6).

The public API lives in :mod:`labelstation.udi.hibc`; it is re-exported here.
"""

from labelstation.udi.hibc import (
    AIM_IDENTIFIERS,
    CODE39_CHARSET,
    SUPPLEMENT_IDS,
    ExpiryFormat,
    HibcPrimary,
    HibcSecondary,
    HibcSupplement,
    HibcUdi,
    build,
    build_primary,
    build_secondary,
    check_character,
    expiry_format_from_name,
    parse,
    parse_secondary,
    parse_secondary_body,
)

__all__ = [
    "AIM_IDENTIFIERS",
    "CODE39_CHARSET",
    "SUPPLEMENT_IDS",
    "ExpiryFormat",
    "HibcPrimary",
    "HibcSecondary",
    "HibcSupplement",
    "HibcUdi",
    "build",
    "build_primary",
    "build_secondary",
    "check_character",
    "expiry_format_from_name",
    "parse",
    "parse_secondary",
    "parse_secondary_body",
]
