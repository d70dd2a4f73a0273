"""The symbology registry: what each symbology id means and how it is encoded (STYLE.md 8).

A symbology is registered once with its facts (:class:`SymbologyInfo`) and an encoder function;
layout, renderers and the verifier all look it up by id, so adding a symbology is one
:func:`register` call, not an edit in every renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from labelstation.errors import RenderError

_DARK_RUN = re.compile(b"\x01+")  # bytes(row) of a bool tuple is 0/1 bytes


@dataclass(frozen=True)
class SymbologyInfo:
    """Facts about one symbology that layout, renderers and the verifier need.

    Attributes:
        kind: the registry id used in templates and display lists (``gs1-datamatrix``…).
        name: a human name for menus and messages.
        is_2d: True for matrix symbols (module grid), False for linear/stacked bar codes.
        is_gs1: True if ``data`` is a GS1 element string (FNC1 in first position).
        default_module: the X-dimension in mm a template gets when it does not set one.
        quiet_zone_modules: the minimum quiet zone, in modules, on each side that needs one
            (both sides for 1D, all four for 2D).
        symbology_id: the AIM symbology identifier a scanner reports (``]d2``, ``]C1``…).
        zxing_formats: names of the ``zxingcpp.BarcodeFormat`` members a decoder must search
            for to find it (the verifier restricts decoding to these).
        decode_prefix: characters a scanner adds in front of ``data`` (UPC-A is transmitted
            as 13 digits with a leading ``0`` under ``]E0``).
    """

    kind: str
    name: str
    is_2d: bool
    is_gs1: bool
    default_module: float
    quiet_zone_modules: int
    symbology_id: str
    zxing_formats: tuple[str, ...]
    decode_prefix: str = ""

    def expected_decode(self, data: str) -> str:
        """Return the content a scanner reports (after the symbology id) for ``data``."""
        return self.decode_prefix + data


@dataclass(frozen=True)
class Encoded:
    """One encoded symbol as modules, ready for any renderer to draw as vectors.

    Attributes:
        kind: the symbology id it was encoded with.
        data: the content it carries, as given to :func:`encode`.
        modules: rows of columns of dark (True) / light (False) modules, without quiet zone.
            A linear symbol has one row; a stacked one (DataBar Expanded Stacked) several.
        row_heights: the height of each row in modules; ``0.0`` marks a row whose height is
            the bar height the layout chose (the single row of a linear symbol).
        symbology_id: the AIM identifier a decode must show.
        hri: the human-readable interpretation (for GS1 the ``(01)…`` form); "" for 2D
            symbols that are not GS1.
        is_2d: True for matrix symbols.
        quiet_zone_modules: the minimum quiet zone in modules (see :class:`SymbologyInfo`).
    """

    kind: str
    data: str
    modules: tuple[tuple[bool, ...], ...]
    row_heights: tuple[float, ...]
    symbology_id: str
    hri: str
    is_2d: bool
    quiet_zone_modules: int

    @property
    def width_modules(self) -> int:
        """The symbol width in modules, without quiet zones."""
        return len(self.modules[0])

    @property
    def height_modules(self) -> float:
        """The height in modules: rows for 2D; for 1D the fixed rows, 0 if bar height applies."""
        if any(h == 0.0 for h in self.row_heights):
            return 0.0
        return float(sum(self.row_heights))

    @property
    def is_linear(self) -> bool:
        """True for 1D and stacked 1D symbols (bars whose height the layout may choose)."""
        return not self.is_2d

    @cached_property
    def runs(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Per row, the dark runs as ``(start, length)`` in modules.

        Renderers draw one rectangle per run instead of one per module, which keeps PDFs small
        and drawing fast; for a 1D symbol row 0's runs are its bars.
        """
        return tuple(
            tuple((m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row)))
            for row in self.modules
        )

    @property
    def bars(self) -> tuple[tuple[int, int], ...]:
        """The bars of a linear symbol's first row as ``(start, width)`` in modules."""
        return self.runs[0]


Encoder = Callable[[SymbologyInfo, str, Mapping[str, Any]], Encoded]

_REGISTRY: dict[str, tuple[SymbologyInfo, Encoder]] = {}


def register(info: SymbologyInfo, encoder: Encoder) -> None:
    """Register ``info`` and its ``encoder`` under ``info.kind`` (an id is registered once).

    Raises:
        RenderError: the id is already registered.
    """
    if info.kind in _REGISTRY:
        raise RenderError(f"symbology {info.kind!r}: already registered; expected a new id")
    _REGISTRY[info.kind] = (info, encoder)


def _entry(kind: str) -> tuple[SymbologyInfo, Encoder]:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise RenderError(
            f"symbology {kind!r}: not registered; expected one of {', '.join(sorted(_REGISTRY))}"
        ) from None


def symbology(kind: str) -> SymbologyInfo:
    """Return the facts about symbology ``kind``.

    Raises:
        RenderError: ``kind`` is not registered.
    """
    return _entry(kind)[0]


def kinds() -> tuple[str, ...]:
    """Every registered symbology id, in registration order."""
    return tuple(_REGISTRY)


def encoder(kind: str) -> Encoder:
    """Return the encoder function registered for ``kind``."""
    return _entry(kind)[1]
