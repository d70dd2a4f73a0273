"""Output helpers shared by the command-group modules."""

from __future__ import annotations

import json
import sys
from typing import Any

GS = "\x1d"
GS_TEXT = "\\x1d"


def gs_visible(text: str) -> str:
    """Write each GS (0x1D) byte as the four characters ``\\x1d`` (the CLI's JSON contract)."""
    return text.replace(GS, GS_TEXT)


def gs_from_cli(text: str) -> str:
    """Turn the CLI spellings of GS (``\\x1d`` as four characters, ``<GS>``) into 0x1D."""
    return text.replace(GS_TEXT, GS).replace("<GS>", GS)


def print_json(document: Any) -> None:
    """Print ``document`` as JSON on stdout, UTF-8, one object."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
