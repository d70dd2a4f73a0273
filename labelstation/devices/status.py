"""What a printer says about itself: typed status and identification, language-neutral.

A driver for any printer language fills :class:`PrinterStatus`; the job engine and the UI only
read its flags and counters, so adding EPL or TSPL later does not touch them. The fields follow
Zebra's ``~HS`` reply because it is the richest; drivers of languages that lack a field leave
the default.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Flags that stop printing, in the order an operator should fix them, with their words.
_FAULT_WORDS: tuple[tuple[str, str], ...] = (
    ("head_up", "head open"),
    ("paper_out", "paper out"),
    ("ribbon_out", "ribbon out"),
    ("over_temperature", "over temperature"),
    ("under_temperature", "under temperature"),
    ("corrupt_ram", "corrupt RAM"),
    ("buffer_full", "buffer full"),
)


@dataclass(frozen=True)
class PrinterStatus:
    """One status reply, decoded.

    Attributes:
        paper_out, paused, head_up, ribbon_out, buffer_full, corrupt_ram, under_temperature,
        over_temperature, partial_format, diagnostic_mode, thermal_transfer, label_waiting:
            the printer's flags.
        label_length_dots: the label length the printer measured or was set to.
        formats_in_buffer: complete formats received and not yet started.
        labels_remaining: labels still to print of the format being printed.
        print_mode: the print-mode character (``0`` rewind, ``1`` peel-off, ``2`` tear-off, …).
        graphics_stored: number of graphic images in memory.
        raw: the exact bytes of the reply, for the technician and the audit trail.
    """

    paper_out: bool = False
    paused: bool = False
    head_up: bool = False
    ribbon_out: bool = False
    buffer_full: bool = False
    corrupt_ram: bool = False
    under_temperature: bool = False
    over_temperature: bool = False
    partial_format: bool = False
    diagnostic_mode: bool = False
    thermal_transfer: bool = False
    label_waiting: bool = False
    comm_settings: int = 0
    function_settings: int = 0
    label_length_dots: int = 0
    formats_in_buffer: int = 0
    labels_remaining: int = 0
    print_mode: str = "2"
    print_width_mode: str = "0"
    graphics_stored: int = 0
    password: str = "0000"
    static_ram: bool = False
    raw: bytes = b""

    @property
    def faults(self) -> tuple[str, ...]:
        """Conditions that stop printing, as words (``"paper out"``, ``"head open"`` …)."""
        return tuple(word for name, word in _FAULT_WORDS if getattr(self, name))

    @property
    def ready(self) -> bool:
        """True when nothing stops the printer: no fault and not paused."""
        return not self.faults and not self.paused

    @property
    def words(self) -> tuple[str, ...]:
        """The state as an operator reads it: ``("ready",)`` or the faults, then ``paused``."""
        if self.ready:
            return ("ready",)
        return self.faults + (("paused",) if self.paused else ())

    @property
    def labels_in_printer(self) -> int:
        """Labels received and not yet printed (one label per format, as our jobs send)."""
        return self.formats_in_buffer + self.labels_remaining

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON (raw bytes as latin-1 text with control bytes escaped)."""
        flags = {
            name: getattr(self, name)
            for name in (
                "paper_out", "paused", "head_up", "ribbon_out", "buffer_full", "corrupt_ram",
                "under_temperature", "over_temperature", "partial_format", "diagnostic_mode",
                "thermal_transfer", "label_waiting", "static_ram",
            )
        }  # fmt: skip
        return {
            "ready": self.ready,
            "state": list(self.words),
            "flags": flags,
            "label_length_dots": self.label_length_dots,
            "formats_in_buffer": self.formats_in_buffer,
            "labels_remaining": self.labels_remaining,
            "print_mode": self.print_mode,
            "graphics_stored": self.graphics_stored,
            "comm_settings": self.comm_settings,
            "function_settings": self.function_settings,
            "raw": self.raw.decode("latin-1").encode("unicode_escape").decode("ascii"),
        }


@dataclass(frozen=True)
class PrinterIdentity:
    """Who the printer is: model, firmware, resolution, memory, options."""

    model: str
    firmware: str
    dpi: int
    memory_kb: int
    options: str
    raw: bytes = b""

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON."""
        return {
            "model": self.model,
            "firmware": self.firmware,
            "dpi": self.dpi,
            "memory_kb": self.memory_kb,
            "options": self.options,
        }
