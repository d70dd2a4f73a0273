"""The GS1 Application Identifier table, loaded from package data generated from GS1's dictionary.

``ai_table.json`` is written by ``scripts/gen_gs1_table.py`` from the GS1 Barcode Syntax
Dictionary (Apache-2.0); that dictionary, not biip or hand-written constants, is the authority
on lengths, character sets, linters, pairing rules and Digital Link roles. Ranges such as
``3100-3105`` are expanded so every AI can be looked up by its own code.

>>> ai_info("17").title
'USE BY or EXPIRY'
>>> ai_info("17").predefined_length
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from labelstation.errors import GS1Error

CSET_NAMES = {"N": "digits", "X": "GS1 CSET 82", "Y": "GS1 CSET 39", "Z": "base64url"}


@dataclass(frozen=True)
class Component:
    """One part of an AI's value: character set, length range and linters.

    Attributes:
        cset: ``N`` digits, ``X`` CSET 82, ``Y`` CSET 39, ``Z`` base64url.
        min_length: Fewest characters (equal to ``max_length`` for a fixed-length part).
        max_length: Most characters.
        optional: The part may be left out when the data ends before it.
        linters: Names of the dictionary's content checks applied to this part.
    """

    cset: str
    min_length: int
    max_length: int
    optional: bool
    linters: tuple[str, ...]

    @property
    def fixed(self) -> bool:
        """Whether the part has exactly one allowed length."""
        return self.min_length == self.max_length


@dataclass(frozen=True)
class AI:
    """One Application Identifier as the GS1 Barcode Syntax Dictionary defines it.

    Attributes:
        code: The AI digits, e.g. ``"01"`` or ``"3103"``.
        title: GS1's short data title, e.g. ``"GTIN"``.
        components: The parts of the value in order.
        predefined_length: No FNC1/GS separator follows this AI (dictionary flag ``*``).
        dl_attribute: Allowed as a GS1 Digital Link query attribute (dictionary flag ``?``).
        requires: Alternatives; each alternative is a group of AIs (or patterns like ``31nn``)
            that must all be present. Empty when the AI needs no partner.
        excludes: AIs or patterns that must not appear together with this AI.
        dl_primary_key: The AI is a Digital Link primary key (``dlpkey``).
        dl_qualifiers: Alternative ordered qualifier sequences of a primary key.
    """

    code: str
    title: str
    components: tuple[Component, ...]
    predefined_length: bool
    dl_attribute: bool
    requires: tuple[tuple[str, ...], ...]
    excludes: tuple[str, ...]
    dl_primary_key: bool
    dl_qualifiers: tuple[tuple[str, ...], ...]

    @property
    def min_length(self) -> int:
        """Shortest valid value (optional parts left out)."""
        return sum(c.min_length for c in self.components if not c.optional)

    @property
    def max_length(self) -> int:
        """Longest valid value."""
        return sum(c.max_length for c in self.components)


def _component(raw: Mapping[str, Any]) -> Component:
    return Component(
        cset=raw["cset"],
        min_length=raw["min"],
        max_length=raw["max"],
        optional=raw["optional"],
        linters=tuple(raw["linters"]),
    )


def _ai(raw: Mapping[str, Any]) -> AI:
    dlpkey = raw["dlpkey"]
    return AI(
        code=raw["code"],
        title=raw["title"],
        components=tuple(_component(c) for c in raw["components"]),
        predefined_length=raw["predefined_length"],
        dl_attribute=raw["dl_attribute"],
        requires=tuple(tuple(group) for group in raw["requires"]),
        excludes=tuple(raw["excludes"]),
        dl_primary_key=dlpkey is not None,
        dl_qualifiers=tuple(tuple(seq) for seq in dlpkey) if dlpkey else (),
    )


@cache
def table_source() -> Mapping[str, Any]:
    """The provenance header of the packaged table (dictionary, commit, date, licence)."""
    return MappingProxyType(_load()["source"])


@cache
def _load() -> dict[str, Any]:
    text = resources.files("labelstation.gs1").joinpath("ai_table.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def ai_table() -> Mapping[str, AI]:
    """Every AI of the dictionary by code, ranges expanded (read-only)."""
    return MappingProxyType({code: _ai(raw) for code, raw in _load()["ais"].items()})


def ai_info(code: str) -> AI:
    """Look up one AI.

    Raises:
        GS1Error: ``code`` is not an AI of the GS1 Barcode Syntax Dictionary.
    """
    try:
        return ai_table()[code]
    except KeyError:
        raise GS1Error(f"GS1 ({code}): not a known Application Identifier") from None


@cache
def _pattern_re(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + pattern.replace("n", "[0-9]") + "$")


def matches(pattern: str, code: str) -> bool:
    """Whether AI ``code`` matches a dictionary pattern such as ``"01"`` or ``"31nn"``."""
    if "n" not in pattern:
        return pattern == code
    return _pattern_re(pattern).match(code) is not None
