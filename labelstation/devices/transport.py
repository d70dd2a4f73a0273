"""Transports: every printer and scanner is a pyserial URL plus line settings (STYLE.md 6).

A device is configured as ``DeviceConfig(url, SerialSettings(...))`` and opened with
:func:`open_transport`, which calls :func:`serial.serial_for_url`, so the same driver talks to
``/dev/ttyUSB0``, ``COM3``, ``socket://host:9100``, ``rfc2217://host:port`` or ``loop://``.
Settings are validated up front so a technician sees a precise message naming the setting,
the value and what is allowed, rather than an OS error later on the line.

Link losses are normal on a packaging line (a cable pulled, a printer power-cycled).
:class:`Backoff` computes exponential reconnect delays and :func:`reconnect` retries with an
injectable sleep so tests run without waiting.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import serial
import serial.tools.list_ports

from labelstation.errors import DeviceError, ValidationError

Parity = Literal["N", "E", "O", "M", "S"]
FlowControl = Literal["none", "xonxoff", "rtscts"]

#: Baud rates a technician may choose (RS-232 printers and scanners on packaging lines).
BAUD_RATES: tuple[int, ...] = (1200, 2400, 4800, 9600, 14400, 19200, 28800, 38400, 57600, 115200)
_PARITIES: tuple[str, ...] = ("N", "E", "O", "M", "S")
_FLOWS: tuple[str, ...] = ("none", "xonxoff", "rtscts")
_URL_SCHEMES_NEEDING_HOST = ("socket://", "rfc2217://")


@dataclass(frozen=True)
class SerialSettings:
    """Line settings of a serial device; ignored by network URLs except the timeouts.

    Attributes:
        baud: 1200–115200, one of :data:`BAUD_RATES`.
        data_bits: 7 or 8.
        parity: ``N`` none, ``E`` even, ``O`` odd, ``M`` mark, ``S`` space.
        stop_bits: 1, 1.5 or 2.
        flow: ``none``, ``xonxoff`` (software) or ``rtscts`` (hardware) handshake.
        read_timeout: seconds a read waits for the first byte (> 0, ≤ 60).
        write_timeout: seconds a write may block (> 0, ≤ 60).
    """

    baud: int = 9600
    data_bits: int = 8
    parity: Parity = "N"
    stop_bits: float = 1
    flow: FlowControl = "none"
    read_timeout: float = 0.1
    write_timeout: float = 2.0

    def __post_init__(self) -> None:
        if self.baud not in BAUD_RATES:
            raise ValidationError(
                f"serial setting baud: {self.baud!r} is not supported; expected one of "
                + ", ".join(str(b) for b in BAUD_RATES)
            )
        if self.data_bits not in (7, 8):
            raise ValidationError(
                f"serial setting data_bits: {self.data_bits!r} is not supported; expected 7 or 8"
            )
        if self.parity not in _PARITIES:
            raise ValidationError(
                f"serial setting parity: {self.parity!r} is not supported; expected one of "
                "N, E, O, M, S"
            )
        if self.stop_bits not in (1, 1.5, 2):
            raise ValidationError(
                f"serial setting stop_bits: {self.stop_bits!r} is not supported; "
                "expected 1, 1.5 or 2"
            )
        if self.flow not in _FLOWS:
            raise ValidationError(
                f"serial setting flow: {self.flow!r} is not supported; "
                "expected none, xonxoff or rtscts"
            )
        for name in ("read_timeout", "write_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 60:
                raise ValidationError(
                    f"serial setting {name}: {value!r} is out of range; "
                    "expected seconds > 0 and ≤ 60"
                )

    @property
    def bits_per_byte(self) -> float:
        """Bits on the wire per byte (start + data + parity + stop), for line-speed models."""
        return 1 + self.data_bits + (0 if self.parity == "N" else 1) + self.stop_bits

    def seconds_for(self, nbytes: int) -> float:
        """Time the line needs to carry ``nbytes`` at this baud rate."""
        return nbytes * self.bits_per_byte / self.baud


@dataclass(frozen=True)
class DeviceConfig:
    """A device's address: a pyserial URL or port name, plus its line settings."""

    url: str
    settings: SerialSettings = field(default_factory=SerialSettings)

    def __post_init__(self) -> None:
        if not isinstance(self.url, str) or not self.url.strip():
            raise ValidationError(
                f"device url: {self.url!r} is empty; expected a port (/dev/ttyUSB0, COM3) "
                "or a URL (socket://host:port, rfc2217://host:port, loop://)"
            )
        if self.url != self.url.strip() or any(ord(c) < 0x20 for c in self.url):
            raise ValidationError(
                f"device url: {self.url!r} contains white space or control characters; "
                "expected a port or URL without them"
            )
        for scheme in _URL_SCHEMES_NEEDING_HOST:
            if self.url.startswith(scheme):
                rest = self.url[len(scheme) :].split("?", 1)[0]
                host, _, port = rest.rpartition(":")
                if not host or not port.isdigit() or not 0 < int(port) < 65536:
                    raise ValidationError(
                        f"device url: {self.url!r} has no valid host:port; "
                        f"expected {scheme}HOST:PORT with PORT 1–65535"
                    )


def open_transport(config: DeviceConfig) -> Any:
    """Open ``config`` with :func:`serial.serial_for_url` and return the pyserial port.

    Raises:
        DeviceError: the port does not exist, is busy, or the peer refuses the connection.
    """
    s = config.settings
    try:
        port = serial.serial_for_url(
            config.url,
            baudrate=s.baud,
            bytesize=s.data_bits,
            parity=s.parity,
            stopbits=s.stop_bits,
            xonxoff=s.flow == "xonxoff",
            rtscts=s.flow == "rtscts",
            timeout=s.read_timeout,
            write_timeout=s.write_timeout,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceError(f"device {config.url}: cannot open ({exc})") from exc
    # pyserial's socket:// leaves Nagle on: a 3-byte ~HS after a label then waits for the
    # peer's delayed ACK (tens of ms), which caps a paced job at a few labels a second.
    sock = getattr(port, "_socket", None)
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return port


@dataclass(frozen=True)
class PortInfo:
    """One serial port the operating system reports, for the technician's port picker."""

    device: str
    description: str
    vid_pid: str | None
    serial_number: str | None
    manufacturer: str | None

    def as_dict(self) -> dict[str, str | None]:
        """Plain dict for JSON output."""
        return {
            "device": self.device,
            "description": self.description,
            "vid_pid": self.vid_pid,
            "serial_number": self.serial_number,
            "manufacturer": self.manufacturer,
        }


def list_ports() -> list[PortInfo]:
    """Serial ports present on this machine, sorted by device name."""
    ports = []
    for p in serial.tools.list_ports.comports():
        vid_pid = f"{p.vid:04X}:{p.pid:04X}" if p.vid is not None and p.pid is not None else None
        ports.append(
            PortInfo(
                device=str(p.device),
                description=str(p.description or ""),
                vid_pid=vid_pid,
                serial_number=p.serial_number,
                manufacturer=p.manufacturer,
            )
        )
    return sorted(ports, key=lambda p: p.device)


@dataclass(frozen=True)
class Backoff:
    """Exponential reconnect delays: ``initial``, ×``factor`` each try, capped at ``maximum``.

    A power-cycled Zebra needs 10–30 s before it answers again; hammering it sooner only fills
    logs, so the delay grows, but it is capped so the line recovers soon after the printer does.
    """

    initial: float = 0.2
    factor: float = 2.0
    maximum: float = 10.0
    attempts: int = 8

    def __post_init__(self) -> None:
        if not self.initial > 0:
            raise ValidationError(f"backoff initial: {self.initial!r} must be > 0 seconds")
        if not self.factor >= 1:
            raise ValidationError(f"backoff factor: {self.factor!r} must be ≥ 1")
        if not self.maximum >= self.initial:
            raise ValidationError(
                f"backoff maximum: {self.maximum!r} must be ≥ initial {self.initial!r}"
            )
        if self.attempts < 1:
            raise ValidationError(f"backoff attempts: {self.attempts!r} must be ≥ 1")

    def delays(self) -> list[float]:
        """The wait before each attempt after the first (``attempts - 1`` values)."""
        out: list[float] = []
        delay = self.initial
        for _ in range(self.attempts - 1):
            out.append(min(delay, self.maximum))
            delay *= self.factor
        return out


def reconnect(
    opener: Callable[[], Any],
    backoff: Backoff,
    *,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, float, DeviceError], None] | None = None,
) -> Any:
    """Call ``opener`` until it succeeds, sleeping :meth:`Backoff.delays` between tries.

    Args:
        opener: opens the link; raises :class:`DeviceError` when it cannot.
        backoff: the delay schedule.
        what: names the device in the final error.
        sleep: injectable for tests.
        on_retry: told (attempt, delay, error) before each wait, e.g. to show "reconnecting".

    Raises:
        DeviceError: every attempt failed; the message gives the count and the last reason.
    """
    delays = backoff.delays()
    last: DeviceError | None = None
    for attempt in range(backoff.attempts):
        try:
            return opener()
        except DeviceError as exc:
            last = exc
            if attempt < len(delays):
                if on_retry is not None:
                    on_retry(attempt + 1, delays[attempt], exc)
                sleep(delays[attempt])
    raise DeviceError(
        f"{what}: link lost and {backoff.attempts} reconnect attempts failed; last error: {last}"
    )
