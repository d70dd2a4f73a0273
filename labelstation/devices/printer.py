"""Printer drivers: the language-neutral interface, the values a job sends, the registry.

A printer language (``zpl`` now; EPL, TSPL, DPL later) is one module that implements
:class:`PrinterDriver` and calls :func:`register_language`. The job engine
(:mod:`labelstation.devices.job`), the CLI and the UI only use this interface, so a new language
is a new module, not an edit everywhere (STYLE.md 8).

Serials come from the host: a label is sent with its serial already in its field values, never
counted by the printer (``^SN`` can repeat a serial after a paper out).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from labelstation.devices.status import PrinterIdentity, PrinterStatus
from labelstation.errors import DeviceError, ValidationError
from labelstation.render.zplimage import stored_format_path, tokenize

_FORMAT_NAME = re.compile(r"^[REBA]:[A-Z0-9_]{1,16}\.ZPL$")


class LinkLost(DeviceError):
    """The connection to a device broke (cable pulled, socket closed, printer power-cycled)."""


@dataclass(frozen=True)
class StoredFormat:
    """A printer-resident label format: downloaded once per batch, recalled per label.

    Attributes:
        name: where the printer keeps it, ``R:NAME.ZPL`` (device R:, E:, B: or A:, 1–16 of
            A–Z, 0–9, ``_``).
        body: the format's commands between ``^DF…^FS`` and ``^XZ`` (fields ``^FNn`` are filled
            per label).
    """

    name: str
    body: bytes

    @property
    def field_numbers(self) -> frozenset[int]:
        """The ``^FNn`` field numbers the body declares (each label must fill every one)."""
        return _field_numbers(self.body)

    @classmethod
    def from_zpl(cls, zpl: bytes | str) -> StoredFormat:
        """Take apart ``^XA^DFR:NAME.ZPL^FS … ^XZ`` (as :func:`~labelstation.render.zpl.
        zpl_stored_format` makes it) into name and body.

        Raises:
            ValidationError: not exactly one ``^DF`` format.
        """
        data = zpl.encode("utf-8") if isinstance(zpl, str) else bytes(zpl)
        commands = tokenize(data)
        codes = [c.code for c in commands if c.prefix == "^"]
        if codes.count("DF") != 1 or codes[:1] != ["XA"] or codes[-1:] != ["XZ"]:
            raise ValidationError(
                f"stored format ZPL: {data[:60]!r} is not one ^XA^DF… ^XZ format; expected "
                "^XA^DFR:NAME.ZPL^FS, the body, ^XZ"
            )
        df = next(i for i, c in enumerate(commands) if c.prefix == "^" and c.code == "DF")
        rest = commands[df + 1 : -1]
        if rest and rest[0].prefix == "^" and rest[0].code == "FS":
            rest = rest[1:]
        while rest and rest[-1].prefix == "" and not rest[-1].raw.strip():
            rest = rest[:-1]
        return cls(stored_format_path(commands[df].params), b"".join(c.raw for c in rest))

    def __post_init__(self) -> None:
        if not _FORMAT_NAME.match(self.name):
            raise ValidationError(
                f"stored format name: {self.name!r} is not valid; expected R:NAME.ZPL with "
                "device R:, E:, B: or A: and 1–16 of A–Z, 0–9, _"
            )
        upper = self.body.upper()
        for command in (b"^SN", b"^SF"):
            if command in upper:
                raise ValidationError(
                    f"stored format {self.name} body: contains {command.decode()} at byte "
                    f"{upper.index(command)}; expected serials from the host (^FN fields), "
                    "never the printer's counter"
                )
        if b"^XZ" in upper or b"^XA" in upper:
            raise ValidationError(
                f"stored format {self.name} body: contains ^XA or ^XZ; expected only the "
                "commands between ^DF and ^XZ"
            )


@dataclass(frozen=True)
class LabelData:
    """One label of a job: its serial (for reporting) and what fills the format's fields.

    Either ``fields`` (the driver builds the recall) or ``recall`` (a complete recall format
    made by the ZPL emitter, :func:`labelstation.render.zpl.zpl_recall`, sent as it is).

    Attributes:
        serial: the host-allocated serial this label carries (named in fault reports).
        fields: field number (1–9999) → value, exactly as it must reach the printer.
        recall: ``^XA^XFR:NAME.ZPL^FS^FN1…^FS…^XZ`` bytes, or None.
    """

    serial: str
    fields: Mapping[int, str] = field(default_factory=dict)
    recall: bytes | None = None

    def __post_init__(self) -> None:
        for number, value in self.fields.items():
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 9999:
                raise ValidationError(
                    f"label {self.serial!r} field number: {number!r} is out of range; "
                    "expected 1–9999"
                )
            for pos, char in enumerate(value):
                if char in "^~" or ord(char) < 0x20 or ord(char) == 0x7F:
                    raise ValidationError(
                        f"label {self.serial!r} field {number}: {value!r} has {char!r} at "
                        f"position {pos}; expected no ^ or ~ (command prefixes) and no "
                        "control characters (encode them with ^FH hex in the format)"
                    )
        if self.recall is not None:
            if self.fields:
                raise ValidationError(
                    f"label {self.serial!r}: has both fields and a recall; expected one of them"
                )
            self._check_recall(self.recall)

    def _check_recall(self, recall: bytes) -> None:
        commands = tokenize(recall)
        codes = [c.code for c in commands if c.prefix == "^"]
        problem = None
        if any(c.prefix == "~" for c in commands):
            problem = "contains a ~ control command"
        elif codes[:1] != ["XA"] or codes[-1:] != ["XZ"] or codes.count("XA") != 1:
            problem = "is not one format ^XA … ^XZ"
        elif codes.count("XF") != 1:
            problem = "does not recall exactly one stored format (^XF)"
        elif any(code in codes for code in ("DF", "SN", "SF")):
            problem = "stores a format or counts serials (^DF, ^SN, ^SF)"
        if problem is not None:
            raise ValidationError(
                f"label {self.serial!r} recall: {recall[:60]!r} {problem}; expected "
                "^XA^XFR:NAME.ZPL^FS, ^FNn fields, ^XZ"
            )

    @property
    def field_numbers(self) -> frozenset[int]:
        """The field numbers this label fills."""
        if self.recall is None:
            return frozenset(self.fields)
        return _field_numbers(self.recall)

    @property
    def recalled_format(self) -> str | None:
        """The stored-format name a ``recall`` recalls (None without a recall)."""
        if self.recall is None:
            return None
        xf = next(c for c in tokenize(self.recall) if c.prefix == "^" and c.code == "XF")
        return stored_format_path(xf.params)


def _field_numbers(zpl: bytes) -> frozenset[int]:
    numbers = set()
    for command in tokenize(zpl):
        if command.prefix == "^" and command.code == "FN":
            digits = command.params.split(b'"', 1)[0].strip()
            if digits.isdigit():
                numbers.add(int(digits))
    return frozenset(numbers)


class PrinterDriver(Protocol):
    """What every printer language offers the job engine, the CLI and the UI."""

    language: str
    url: str

    def query_status(self) -> PrinterStatus:
        """Ask the printer for its status; raise DeviceTimeout if it does not answer."""
        ...

    def identify(self) -> PrinterIdentity:
        """Ask the printer who it is."""
        ...

    def list_formats(self, device: str = "R:") -> tuple[str, ...]:
        """Names of the formats stored on ``device`` of the printer's memory."""
        ...

    def store_format(self, fmt: StoredFormat) -> None:
        """Download ``fmt`` into the printer's memory."""
        ...

    def label_bytes(self, fmt: StoredFormat, label: LabelData) -> bytes:
        """The bytes that print ``label`` from the stored ``fmt``."""
        ...

    def send(self, data: bytes) -> None:
        """Write raw bytes to the printer."""
        ...

    def resume(self) -> None:
        """Leave pause (after the operator fixed a fault)."""
        ...

    def cancel_all(self) -> None:
        """Drop every format in the printer's buffer."""
        ...

    def close(self) -> None:
        """Close the link."""
        ...


DriverFactory = Callable[..., PrinterDriver]

_REGISTRY: dict[str, DriverFactory] = {}
#: Modules that register a language when imported, so callers need not import them.
_KNOWN_MODULES: dict[str, str] = {"zpl": "labelstation.devices.zpl"}


def register_language(language: str, factory: DriverFactory) -> None:
    """Register ``factory(port, url, **options)`` as the driver for ``language``."""
    _REGISTRY[language] = factory


def languages() -> tuple[str, ...]:
    """Every printer language a driver exists for."""
    return tuple(sorted(set(_REGISTRY) | set(_KNOWN_MODULES)))


def driver_factory(language: str) -> DriverFactory:
    """The driver factory for ``language``.

    Raises:
        ValidationError: no driver speaks ``language``.
    """
    if language not in _REGISTRY and language in _KNOWN_MODULES:
        importlib.import_module(_KNOWN_MODULES[language])
    if language not in _REGISTRY:
        raise ValidationError(
            f"printer language: {language!r} has no driver; expected one of "
            + ", ".join(languages())
        )
    return _REGISTRY[language]


def open_printer(
    config: Any, language: str = "zpl", *, status_timeout: float = 2.0
) -> PrinterDriver:
    """Open ``config`` (a :class:`~labelstation.devices.transport.DeviceConfig`) as a printer."""
    from labelstation.devices.transport import open_transport

    factory = driver_factory(language)
    port = open_transport(config)
    return factory(port, config.url, status_timeout=status_timeout)
