"""The Zebra ZPL II driver: status framing, identification, stored formats, recalls.

Zebra printers answer host queries in ``STX … ETX CR LF`` strings. :class:`StxEtxFramer` is a
pure protocol object (fed bytes, returns frames) so partial reads, garbage before ``STX`` and
late replies are handled in one tested place. :func:`parse_host_status` turns the three ``~HS``
strings into a :class:`~labelstation.devices.status.PrinterStatus`; a reply that does not match
the Zebra field list is refused with the string, field and value named.

A silent printer is a fault, not a hang: newer firmware does not answer ``~HS`` at all while
media or ribbon is out or the head is open, so :meth:`ZplDriver.query_status` raises
:class:`~labelstation.errors.DeviceTimeout` after the configured time.

Stored formats are checked, not assumed: after ``^DF`` the driver lists the printer's memory
with ``^HW`` and refuses to recall a format the printer does not list (a driver cache that
believes a format is stored prints labels with missing parts).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import serial

from labelstation.devices.printer import LabelData, LinkLost, StoredFormat, register_language
from labelstation.devices.status import PrinterIdentity, PrinterStatus
from labelstation.errors import DeviceError, DeviceTimeout, ValidationError

STX = 0x02
ETX = 0x03
_MAX_FRAME = 8192
_DPM_TO_DPI = {6: 152, 8: 203, 12: 300, 24: 600}


def _framed(payload: bytes) -> bytes:
    """One host reply string as a Zebra sends it: ``STX payload ETX CR LF``."""
    return b"\x02" + payload + b"\x03\r\n"


class StxEtxFramer:
    """Split a byte stream into ``STX … ETX`` payloads.

    Bytes before an ``STX`` (line noise, the ``CR LF`` after each ``ETX``, a late reply's tail)
    are counted in :attr:`discarded` and dropped. A frame longer than 8 KiB is dropped too: no
    Zebra reply is that long, so it is noise.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._in_frame = False
        self.discarded = 0

    def feed(self, data: bytes) -> list[bytes]:
        """Add ``data``; return the payloads of every frame it completed, in order."""
        frames: list[bytes] = []
        for byte in data:
            if not self._in_frame:
                if byte == STX:
                    self._in_frame = True
                    self._buf.clear()
                else:
                    self.discarded += 1
                continue
            if byte == ETX:
                frames.append(bytes(self._buf))
                self._in_frame = False
                self._buf.clear()
            elif byte == STX:  # a new frame starts: the open one was truncated
                self.discarded += len(self._buf) + 1
                self._buf.clear()
            else:
                self._buf.append(byte)
                if len(self._buf) > _MAX_FRAME:
                    self.discarded += len(self._buf)
                    self._buf.clear()
                    self._in_frame = False
        return frames

    def reset(self) -> None:
        """Forget a partial frame (before a new query, so a stale reply cannot be taken)."""
        self.discarded += len(self._buf)
        self._buf.clear()
        self._in_frame = False


def _fields(frame: bytes, string_no: int, names: tuple[str, ...]) -> list[str]:
    text = frame.decode("latin-1")
    parts = text.split(",")
    if len(parts) != len(names):
        raise DeviceError(
            f"~HS string {string_no}: {text!r} has {len(parts)} fields; "
            f"expected {len(names)} ({', '.join(names)})"
        )
    return parts


def _flag(value: str, string_no: int, name: str) -> bool:
    if value not in ("0", "1"):
        raise DeviceError(
            f"~HS string {string_no} field {name}: {value!r} is not a flag; expected 0 or 1"
        )
    return value == "1"


def _number(value: str, string_no: int, name: str, digits: int) -> int:
    if len(value) != digits or not value.isdigit() or not value.isascii():
        raise DeviceError(
            f"~HS string {string_no} field {name}: {value!r} is not a number; "
            f"expected {digits} digits"
        )
    return int(value)


_S1 = (
    "comm settings", "paper out", "pause", "label length", "formats in buffer", "buffer full",
    "diagnostic mode", "partial format", "unused", "corrupt RAM", "under temperature",
    "over temperature",
)  # fmt: skip
_S2 = (
    "function settings", "unused", "head up", "ribbon out", "thermal transfer", "print mode",
    "print width mode", "label waiting", "labels remaining", "format while printing",
    "graphics stored",
)  # fmt: skip
_S3 = ("password", "static RAM")


def parse_host_status(frames: list[bytes], raw: bytes = b"") -> PrinterStatus:
    """Decode the three ``~HS`` strings (payloads between STX and ETX) into a status.

    Raises:
        DeviceError: a string has the wrong number of fields or a field is malformed; the
            message names the string, the field, the value and what was expected.
    """
    if len(frames) != 3:
        raise DeviceError(f"~HS reply: {len(frames)} strings; expected 3")
    s1 = _fields(frames[0], 1, _S1)
    s2 = _fields(frames[1], 2, _S2)
    s3 = _fields(frames[2], 3, _S3)
    if len(s2[5]) != 1:
        raise DeviceError(f"~HS string 2 field print mode: {s2[5]!r} is not one character")
    if len(s2[6]) != 1:
        raise DeviceError(f"~HS string 2 field print width mode: {s2[6]!r} is not one character")
    return PrinterStatus(
        comm_settings=_number(s1[0], 1, "comm settings", 3),
        paper_out=_flag(s1[1], 1, "paper out"),
        paused=_flag(s1[2], 1, "pause"),
        label_length_dots=_number(s1[3], 1, "label length", 4),
        formats_in_buffer=_number(s1[4], 1, "formats in buffer", 3),
        buffer_full=_flag(s1[5], 1, "buffer full"),
        diagnostic_mode=_flag(s1[6], 1, "diagnostic mode"),
        partial_format=_flag(s1[7], 1, "partial format"),
        corrupt_ram=_flag(s1[9], 1, "corrupt RAM"),
        under_temperature=_flag(s1[10], 1, "under temperature"),
        over_temperature=_flag(s1[11], 1, "over temperature"),
        function_settings=_number(s2[0], 2, "function settings", 3),
        head_up=_flag(s2[2], 2, "head up"),
        ribbon_out=_flag(s2[3], 2, "ribbon out"),
        thermal_transfer=_flag(s2[4], 2, "thermal transfer"),
        print_mode=s2[5],
        print_width_mode=s2[6],
        label_waiting=_flag(s2[7], 2, "label waiting"),
        labels_remaining=_number(s2[8], 2, "labels remaining", 8),
        graphics_stored=_number(s2[10], 2, "graphics stored", 3),
        password=s3[0],
        static_ram=_flag(s3[1], 3, "static RAM"),
        raw=raw,
    )


def format_host_status(status: PrinterStatus) -> bytes:
    """Encode ``status`` as the three ``~HS`` strings a Zebra sends (used by the simulator)."""

    def b(flag: bool) -> str:
        return "1" if flag else "0"

    s = status
    one = (
        f"{s.comm_settings:03d},{b(s.paper_out)},{b(s.paused)},{s.label_length_dots:04d},"
        f"{s.formats_in_buffer:03d},{b(s.buffer_full)},{b(s.diagnostic_mode)},"
        f"{b(s.partial_format)},000,{b(s.corrupt_ram)},{b(s.under_temperature)},"
        f"{b(s.over_temperature)}"
    )
    two = (
        f"{s.function_settings:03d},0,{b(s.head_up)},{b(s.ribbon_out)},{b(s.thermal_transfer)},"
        f"{s.print_mode},{s.print_width_mode},{b(s.label_waiting)},{s.labels_remaining:08d},1,"
        f"{s.graphics_stored:03d}"
    )
    three = f"{s.password},{b(s.static_ram)}"
    return b"".join(_framed(t.encode("latin-1")) for t in (one, two, three))


def format_host_identification(model: str, firmware: str, dpi: int, memory_kb: int) -> bytes:
    """Encode a ``~HI`` reply ``model,firmware,dots-per-mm,memoryKB,`` (used by the simulator).

    The dots-per-mm table is the one :func:`parse_host_identification` reads back, so the
    simulator can only announce a resolution the driver understands.
    """
    dpm = {dpi_: dpm_ for dpm_, dpi_ in _DPM_TO_DPI.items()}[dpi]
    return _framed(f"{model},{firmware},{dpm},{memory_kb}KB,".encode("latin-1"))


def parse_host_identification(frame: bytes) -> PrinterIdentity:
    """Decode a ``~HI`` reply ``model,firmware,dots-per-mm,memory,options``.

    Raises:
        DeviceError: wrong field count, unknown dots per mm or malformed memory size.
    """
    text = frame.decode("latin-1")
    parts = text.split(",")
    if len(parts) < 4:
        raise DeviceError(
            f"~HI reply: {text!r} has {len(parts)} fields; "
            "expected model,firmware,dots per mm,memory[,options]"
        )
    dpm = parts[2].strip()
    if not dpm.isdigit() or int(dpm) not in _DPM_TO_DPI:
        raise DeviceError(f"~HI field dots per mm: {dpm!r} is not known; expected 6, 8, 12 or 24")
    memory = parts[3].strip().upper()
    if not memory.endswith("KB") or not memory[:-2].isdigit():
        raise DeviceError(f"~HI field memory: {parts[3]!r} is malformed; expected digits + KB")
    return PrinterIdentity(
        model=parts[0].strip(),
        firmware=parts[1].strip(),
        dpi=_DPM_TO_DPI[int(dpm)],
        memory_kb=int(memory[:-2]),
        options=",".join(parts[4:]).strip(),
        raw=_framed(frame),
    )


def parse_directory(frame: bytes) -> tuple[str, ...]:
    """Object names in a ``^HW`` directory listing (lines ``*R:NAME.ZPL  size``)."""
    names = []
    for line in frame.decode("latin-1").splitlines():
        line = line.strip()
        if line.startswith("*"):
            entry = line[1:].strip().split()
            if entry:
                names.append(entry[0].upper())
    return tuple(names)


def format_directory(device: str, entries: list[tuple[str, int]], free: int) -> bytes:
    """Encode a ``^HW`` directory listing as a Zebra sends it (used by the simulator)."""
    lines = [f"- DIR {device}*.*"]
    lines += [f"*{name:<16} {size:>8}" for name, size in entries]
    lines += ["", f"- {free:>8} bytes free {device}RAM"]
    return b"\x02\r\n" + "\r\n".join(lines).encode("latin-1") + b"\r\n\x03"


class ZplDriver:
    """Talks ZPL II to one Zebra printer over an open pyserial port.

    Args:
        port: a pyserial port (from :func:`~labelstation.devices.transport.open_transport`).
        url: the device URL, named in every message.
        status_timeout: seconds to wait for a reply before :class:`DeviceTimeout`.
        clock: monotonic clock, injectable.
    """

    language = "zpl"

    def __init__(
        self,
        port: Any,
        url: str,
        *,
        status_timeout: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._port = port
        self.url = url
        self.status_timeout = float(status_timeout)
        self._clock = clock
        self._framer = StxEtxFramer()

    def _link_lost(self, exc: BaseException) -> LinkLost:
        return LinkLost(f"printer at {self.url}: link lost ({exc})")

    def send(self, data: bytes) -> None:
        """Write ``data`` and wait until it left the host.

        Raises:
            LinkLost: the port or socket broke.
        """
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise self._link_lost(exc) from exc

    def _query(self, command: bytes, count: int, what: str) -> tuple[list[bytes], bytes]:
        try:
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            raise self._link_lost(exc) from exc
        self._framer.reset()
        self.send(command)
        deadline = self._clock() + self.status_timeout
        frames: list[bytes] = []
        raw = bytearray()
        while len(frames) < count:
            if self._clock() >= deadline:
                raise DeviceTimeout(
                    f"printer at {self.url}: not answering {what} within "
                    f"{self.status_timeout} s; check media, ribbon, head"
                )
            try:
                chunk = self._port.read(max(1, self._port.in_waiting))
            except (serial.SerialException, OSError) as exc:
                raise self._link_lost(exc) from exc
            raw += chunk
            frames += self._framer.feed(chunk)
        try:  # the CR LF after the last ETX, if it is already here, belongs to the raw reply
            while self._port.in_waiting:
                tail = self._port.read(self._port.in_waiting)
                raw += tail
                frames += self._framer.feed(tail)
        except (serial.SerialException, OSError) as exc:
            raise self._link_lost(exc) from exc
        if len(frames) > count:
            raise DeviceError(
                f"printer at {self.url}: {len(frames)} strings in reply to {what}; expected {count}"
            )
        return frames, bytes(raw)

    def query_status(self) -> PrinterStatus:
        """Send ``~HS`` and decode the reply.

        Raises:
            DeviceTimeout: no complete reply within ``status_timeout`` (itself a fault).
            DeviceError: the reply is malformed.
            LinkLost: the link broke.
        """
        frames, raw = self._query(b"~HS", 3, "~HS")
        return parse_host_status(frames, raw)

    def identify(self) -> PrinterIdentity:
        """Send ``~HI`` and decode model, firmware, dpi and memory."""
        frames, _ = self._query(b"~HI", 1, "~HI")
        return parse_host_identification(frames[0])

    def list_formats(self, device: str = "R:") -> tuple[str, ...]:
        """List the formats stored on ``device`` (``R:``, ``E:``, ``B:``, ``A:``) with ``^HW``."""
        frames, _ = self._query(b"^XA^HW" + device.encode("ascii") + b"*.ZPL^XZ", 1, "^HW")
        return parse_directory(frames[0])

    def store_format(self, fmt: StoredFormat) -> None:
        """Download ``fmt`` with ``^DF`` (the caller checks it with :meth:`list_formats`)."""
        self.send(b"^XA^DF" + fmt.name.encode("ascii") + b"^FS" + fmt.body + b"^XZ")

    def label_bytes(self, fmt: StoredFormat, label: LabelData) -> bytes:
        """``^XF`` recall of ``fmt`` with ``^FNn^FD…^FS`` per field, values as UTF-8 (or the
        label's own ``recall``, checked to recall ``fmt``).

        Raises:
            ValidationError: the label's recall recalls another format.
        """
        if label.recall is not None:
            if label.recalled_format != fmt.name:
                raise ValidationError(
                    f"label {label.serial!r} recall: recalls {label.recalled_format}; "
                    f"expected {fmt.name}"
                )
            return label.recall
        parts = [b"^XA^XF", fmt.name.encode("ascii"), b"^FS"]
        for number in sorted(label.fields):
            parts += [b"^FN", str(number).encode("ascii"), b"^FD"]
            parts += [label.fields[number].encode("utf-8"), b"^FS"]
        parts.append(b"^XZ")
        return b"".join(parts)

    def resume(self) -> None:
        """``~PS``: leave pause."""
        self.send(b"~PS")

    def cancel_all(self) -> None:
        """``~JA``: cancel every format in the printer's buffer."""
        self.send(b"~JA")

    def close(self) -> None:
        """Close the port (errors on a dead link are ignored: it is closed either way)."""
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.close()


register_language("zpl", ZplDriver)
