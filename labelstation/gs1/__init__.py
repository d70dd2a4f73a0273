"""GS1 data core: AI table, check digits, element strings, parsing, Digital Link, pharma rules.

The public API others build on::

    from labelstation.gs1 import (AI, Element, ElementString, ParseResult, ai_info, ai_table,
                                  build, parse, check_digit, is_valid_check_digit, GS,
                                  BuildPolicy)

The AI table is generated from the GS1 Barcode Syntax Dictionary (``scripts/gen_gs1_table.py``)
and is the authority for every rule applied here.
"""

from labelstation.gs1.ai import AI, Component, ai_info, ai_table
from labelstation.gs1.checkdigit import (
    check_digit,
    check_pair,
    is_valid_check_digit,
    is_valid_check_pair,
)
from labelstation.gs1.element import (
    GS,
    BuildPolicy,
    Element,
    ElementString,
    build,
    check_pairings,
    decode_pcenc,
    encode_pcenc,
)
from labelstation.gs1.parse import ParseResult, parse

__all__ = [
    "AI",
    "GS",
    "BuildPolicy",
    "Component",
    "Element",
    "ElementString",
    "ParseResult",
    "ai_info",
    "ai_table",
    "build",
    "check_digit",
    "check_pair",
    "check_pairings",
    "decode_pcenc",
    "encode_pcenc",
    "is_valid_check_digit",
    "is_valid_check_pair",
    "parse",
]
