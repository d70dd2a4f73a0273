"""The ``labelstation`` command: thin argparse front-ends over the domain services.

Each command group lives in its own module that exposes ``register(subparsers)`` and sets a
``handler(args) -> int`` default on its parsers. The contract (see ``docs/cli.md``):

* exit 0: success; exit 2: the input was refused (a :class:`LabelStationError`), with one clear
  line on stderr, or ``{"valid": false, "error": ...}``-style JSON where the command has ``--json``;
  exit 1: an internal error. No traceback ever reaches the user (set ``LABELSTATION_DEBUG=1`` to
  see one).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from labelstation import __version__
from labelstation.errors import LabelStationError

# Command-group modules, in the order their help is listed. Each defines register(subparsers).
_COMMAND_MODULES: tuple[str, ...] = (
    "labelstation.cli.gs1_cmd",
    "labelstation.cli.udi_cmd",
    "labelstation.cli.db_cmd",
    "labelstation.cli.devices_cmd",
    "labelstation.cli.render_cmd",
    "labelstation.cli.layout_cmd",
    "labelstation.cli.user_cmd",
    "labelstation.cli.template_cmd",
    "labelstation.cli.product_cmd",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser from every command-group module."""
    parser = argparse.ArgumentParser(
        prog="labelstation",
        description="LabelStation: GS1/UDI label design, printing and verification for "
        "regulated packaging lines.",
    )
    parser.add_argument("--version", action="version", version=f"labelstation {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (0 ok, 2 refused, 1 internal error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except LabelStationError as exc:
        print(f"labelstation: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labelstation: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: never show a traceback
        if os.environ.get("LABELSTATION_DEBUG"):
            traceback.print_exc()
        print(
            f"labelstation: internal error: {type(exc).__name__}: {exc} "
            "(set LABELSTATION_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
