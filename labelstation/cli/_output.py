"""Output helpers shared by the command-group modules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from typing import Any

from labelstation.errors import LabelStationError
from labelstation.gs1 import GS

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


def json_refusal(exc: LabelStationError, as_json: bool, head: Mapping[str, Any]) -> int:
    """Report a refusal the way the CLI contract wants it; return exit code 2.

    With ``--json`` the refusal is the JSON document itself (``head`` then ``"error"``), so a
    script reading stdout always gets one object; without it the error is raised again for
    :func:`labelstation.cli.main` to print as one line on stderr.

    Raises:
        LabelStationError: ``exc`` again, when ``as_json`` is false.
    """
    if not as_json:
        raise exc
    print_json({**head, "error": str(exc)})
    return 2


def show_help(parser: argparse.ArgumentParser) -> int:
    """Print ``parser``'s help for a command group called without a subcommand; return 2.

    A group alone is an incomplete command, so it exits 2 like any refused input.
    """
    parser.print_help()
    return 2


def iso_date(text: str) -> dt.date:
    """Argparse type for ``--today``-style options: an ISO date ``YYYY-MM-DD``.

    Raises:
        argparse.ArgumentTypeError: ``text`` is not such a date (argparse exits 2 with usage).
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None
