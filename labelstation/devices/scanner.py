"""Scanner input: framing of a serial byte stream into typed scan events.

A fixed-mount or hand scanner on a serial line (or a serial-over-TCP adapter) sends each read as
``[prefix] [AIM symbology identifier] data [suffix] terminator``. :class:`ScannerFraming` is a
pure protocol object fed bytes with the time they arrived; it returns :class:`ScanEvent` for each
read and :class:`ScanError` for everything else (noise between reads, a read that never ended,
an over-long read, bytes that are not text, the scanner's no-read message), so nothing a scanner
sends can crash the line or be lost silently.

GS1 separators arrive as GS (0x1D) or, on scanners that cannot send control characters, as a
substitute (``~``, ``|``, ``<GS>``…); :class:`ScannerSettings` maps the substitute back to GS.
The substitute must not be a character the data may carry: ``~`` and ``|`` are outside GS1
CSET 82, whereas ``<GS>`` is made of CSET 82 characters and could in theory occur in data.

:class:`ScannerReader` runs the framing on a worker thread over a pyserial URL and hands events
to a plain callback (the UI wraps it in a Qt signal); a lost link is reported and re-opened with
back-off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from labelstation.devices.transport import Backoff, DeviceConfig, open_transport, reconnect
from labelstation.errors import DeviceError, ValidationError
from labelstation.gs1 import GS as GS  # re-exported: the separator readers restore

#: Terminator names a technician picks from; any other non-empty bytes are a custom terminator.
TERMINATORS: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "ETX": b"\x03"}
# Bytes that are noise at the edges of a read: NUL and stray line ends.
_EDGE_NOISE = b"\x00\r\n"
# Control characters that belong to data (GS1 GS, ISO/IEC 15434 RS and EOT).
_DATA_CONTROLS = frozenset(b"\x1d\x1e\x04")


@dataclass(frozen=True)
class ScannerSettings:
    """How a scanner frames its reads.

    Attributes:
        terminator: ends each read (``TERMINATORS`` or custom bytes, 1–8 bytes).
        prefix: bytes the scanner puts before each read (stripped), or empty.
        suffix: bytes the scanner puts after each read, before the terminator (stripped).
        gs_substitute: what the scanner sends for GS (e.g. ``b"~"``), or None.
        max_length: longest read accepted, in bytes (16–65536).
        partial_timeout: seconds a read may stay unterminated before it is reported.
        encoding: text encoding of the data (``utf-8`` by default).
        no_read: the scanner's no-read message (reported as an error), or None.
    """

    terminator: bytes = b"\r"
    prefix: bytes = b""
    suffix: bytes = b""
    gs_substitute: bytes | None = None
    max_length: int = 4096
    partial_timeout: float = 0.5
    encoding: str = "utf-8"
    no_read: bytes | None = b"NOREAD"

    def __post_init__(self) -> None:
        if not 1 <= len(self.terminator) <= 8:
            raise ValidationError(
                f"scanner terminator: {self.terminator!r} has {len(self.terminator)} bytes; "
                "expected 1–8 bytes (CR, LF, CRLF, ETX or custom)"
            )
        if self.gs_substitute is not None and (
            not self.gs_substitute or self.terminator in self.gs_substitute
        ):
            raise ValidationError(
                f"scanner gs_substitute: {self.gs_substitute!r} is empty or contains the "
                f"terminator {self.terminator!r}; expected other bytes such as b'~'"
            )
        if not 16 <= self.max_length <= 65536:
            raise ValidationError(
                f"scanner max_length: {self.max_length!r} is out of range; expected 16–65536"
            )
        if not 0 < self.partial_timeout <= 60:
            raise ValidationError(
                f"scanner partial_timeout: {self.partial_timeout!r} is out of range; "
                "expected seconds > 0 and ≤ 60"
            )
        try:
            "".encode(self.encoding)
        except LookupError as exc:
            raise ValidationError(
                f"scanner encoding: {self.encoding!r} is unknown; expected e.g. utf-8"
            ) from exc

    @classmethod
    def named(cls, terminator: str, **options: Any) -> ScannerSettings:
        """Settings with a terminator by name (``CR``, ``LF``, ``CRLF``, ``ETX``).

        Raises:
            ValidationError: unknown name.
        """
        if terminator.upper() not in TERMINATORS:
            raise ValidationError(
                f"scanner terminator: {terminator!r} is unknown; expected CR, LF, CRLF or ETX"
            )
        return cls(terminator=TERMINATORS[terminator.upper()], **options)


@dataclass(frozen=True)
class ScanEvent:
    """One read: the data (GS restored), the AIM symbology identifier, the raw bytes, when.

    Attributes:
        text: the data without prefix, identifier, suffix and terminator; GS as ``"\\x1d"``.
        symbology_id: ``"]d2"``, ``"]C1"``… or None when the scanner sends none.
        raw: the bytes of the read as received (without the terminator).
        timestamp: ``time.monotonic()`` when the terminator arrived.
    """

    text: str
    symbology_id: str | None
    raw: bytes
    timestamp: float

    def gs1(self) -> Any:
        """Parse as GS1 (:func:`labelstation.gs1.parse`), identifier included.

        Raises:
            GS1Error: the read is not valid GS1 data.
        """
        from labelstation.gs1 import parse

        return parse((self.symbology_id or "") + self.text)


@dataclass(frozen=True)
class ScanError:
    """Something the scanner sent that is not a read.

    Attributes:
        kind: ``noise``, ``partial``, ``overlong``, ``undecodable``, ``no_read``, ``framing``
            or ``link``.
        message: for the operator; names the bytes and what was expected.
        raw: the bytes concerned.
        timestamp: ``time.monotonic()`` when it was detected.
    """

    kind: str
    message: str
    raw: bytes
    timestamp: float


ScannerEvent = ScanEvent | ScanError


def _is_aim(data: bytes, pos: int) -> bool:
    return (
        len(data) >= pos + 3
        and data[pos : pos + 1] == b"]"
        and chr(data[pos + 1]).isalpha()
        and data[pos + 1] < 0x80
        and chr(data[pos + 2]).isalnum()
        and data[pos + 2] < 0x80
    )


class ScannerFraming:
    """Turn scanner bytes into events; pure, fed bytes with their arrival time."""

    def __init__(self, settings: ScannerSettings | None = None) -> None:
        self.settings = settings or ScannerSettings()
        self._buf = bytearray()
        self._since: float | None = None
        self._discarding = False

    def feed(self, data: bytes, now: float) -> list[ScannerEvent]:
        """Add ``data`` received at ``now``; return the events it completed, in order."""
        s = self.settings
        term = s.terminator
        events: list[ScannerEvent] = []
        if data and not self._buf:
            self._since = now
        self._buf += data
        while True:
            idx = self._buf.find(term)
            if self._discarding:
                if idx == -1:
                    keep = len(term) - 1
                    del self._buf[: len(self._buf) - keep if keep else len(self._buf)]
                    break
                del self._buf[: idx + len(term)]
                self._discarding = False
                self._since = now if self._buf else None
                continue
            if idx == -1:
                if len(self._buf) > s.max_length:
                    events.append(
                        ScanError(
                            "overlong",
                            f"scanner: read of more than {s.max_length} bytes without "
                            f"terminator {term!r}; discarded up to the next terminator",
                            bytes(self._buf[:64]),
                            now,
                        )
                    )
                    self._discarding = True
                    continue
                break
            frame = bytes(self._buf[:idx])
            del self._buf[: idx + len(term)]
            self._since = now if self._buf else None
            if len(frame) > s.max_length:
                events.append(
                    ScanError(
                        "overlong",
                        f"scanner: read of {len(frame)} bytes is longer than {s.max_length}; "
                        "discarded",
                        frame[:64],
                        now,
                    )
                )
                continue
            events += self._frame(frame, now)
        return events

    def flush(self, now: float) -> list[ScannerEvent]:
        """Report a read left unterminated for longer than ``partial_timeout``."""
        s = self.settings
        if self._buf and self._since is not None and now - self._since >= s.partial_timeout:
            raw = bytes(self._buf)
            self._buf.clear()
            self._since = None
            if self._discarding:
                self._discarding = False
                return []
            if not raw.strip(_EDGE_NOISE):
                return [self._noise(raw, now)]
            return [
                ScanError(
                    "partial",
                    f"scanner: partial read {raw!r} without terminator {s.terminator!r} for "
                    f"{s.partial_timeout} s; discarded",
                    raw,
                    now,
                )
            ]
        return []

    def _noise(self, raw: bytes, now: float) -> ScanError:
        return ScanError(
            "noise", f"scanner: {len(raw)} noise bytes {raw!r} between reads; ignored", raw, now
        )

    def _frame(self, frame: bytes, now: float) -> list[ScannerEvent]:
        s = self.settings
        events: list[ScannerEvent] = []
        start = 0
        if s.prefix:
            pos = frame.find(s.prefix)
            if pos >= 0:
                start = pos  # whatever precedes the prefix is noise
            else:
                while start < len(frame) and frame[start] in _EDGE_NOISE:
                    start += 1
        else:
            while start < len(frame) and (
                frame[start] in _EDGE_NOISE
                or (
                    (frame[start] < 0x20 or frame[start] == 0x7F)
                    and frame[start] not in _DATA_CONTROLS
                )
            ):
                start += 1
            if not _is_aim(frame, start):
                aim = frame.find(b"]", start)
                while aim != -1 and not _is_aim(frame, aim):
                    aim = frame.find(b"]", aim + 1)
                if aim > start and any(not 0x20 <= b < 0x7F for b in frame[start:aim]):
                    start = aim  # line noise glued to the front of a read
        end = len(frame)
        while end > start and frame[end - 1] in _EDGE_NOISE:
            end -= 1
        if start or end < len(frame):
            noise = frame[:start] + frame[end:]
            events.append(self._noise(noise, now))
        body = frame[start:end]
        if not body:
            return events
        if s.prefix:
            if not body.startswith(s.prefix):
                events.append(
                    ScanError(
                        "framing",
                        f"scanner: read {body!r} lacks prefix {s.prefix!r}; discarded",
                        body,
                        now,
                    )
                )
                return events
            body = body[len(s.prefix) :]
        if s.suffix:
            if not body.endswith(s.suffix):
                events.append(
                    ScanError(
                        "framing",
                        f"scanner: read {frame[start:end]!r} lacks suffix {s.suffix!r}; discarded",
                        frame[start:end],
                        now,
                    )
                )
                return events
            body = body[: -len(s.suffix)]
        if s.no_read is not None and body == s.no_read:
            events.append(
                ScanError("no_read", f"scanner: no read (the scanner sent {body!r})", body, now)
            )
            return events
        symbology: str | None = None
        if _is_aim(body, 0):
            symbology = body[:3].decode("ascii")
            body = body[3:]
        if s.gs_substitute is not None:
            body = body.replace(s.gs_substitute, b"\x1d")
        try:
            text = body.decode(s.encoding)
        except UnicodeDecodeError as exc:
            events.append(
                ScanError(
                    "undecodable",
                    f"scanner: read {frame[start:end]!r} is not valid {s.encoding} "
                    f"(byte {exc.start}); discarded",
                    frame[start:end],
                    now,
                )
            )
            return events
        events.append(ScanEvent(text, symbology, frame[start:end], now))
        return events


class ScannerReader:
    """Read a scanner on a worker thread and hand each event to ``on_event``.

    Args:
        config: the scanner's URL and line settings.
        on_event: called on the worker thread with each :class:`ScanEvent` / :class:`ScanError`.
        settings: framing.
        backoff: reconnect schedule after a link loss.
        clock: monotonic clock (event timestamps), injectable.
    """

    def __init__(
        self,
        config: DeviceConfig,
        on_event: Callable[[ScannerEvent], None],
        settings: ScannerSettings | None = None,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._on_event = on_event
        self._framing = ScannerFraming(settings)
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._sleep = sleep
        self._stop = threading.Event()
        self._port: Any = None
        self._thread = threading.Thread(target=self._run, name="scanner", daemon=True)
        self.opened = threading.Event()

    def start(self) -> ScannerReader:
        """Start the worker, which opens the port (with back-off) and reads; return self.

        Opening happens on the worker too (a TCP connect can take seconds); a port that never
        opens is reported as a ``link`` :class:`ScanError`. :attr:`opened` is set once open.
        """
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        self._thread.join(timeout=2)
        if self._port is not None:
            self._port.close()

    def _connect(self) -> bool:
        """Open the port, retrying with back-off; False (a link error reported) on giving up.

        The first open and every re-open after a lost link follow the same rules, so they are
        one method: the same retries, the same ``opened`` flag, the same final ScanError.
        """
        try:
            self._port = reconnect(
                lambda: open_transport(self.config),
                self._backoff,
                what=f"scanner at {self.config.url}",
                sleep=self._sleep,
            )
        except DeviceError as exc:
            self._on_event(ScanError("link", str(exc), b"", self._clock()))
            return False
        self.opened.set()
        return True

    def _run(self) -> None:
        if not self._connect():
            return
        while not self._stop.is_set():
            try:
                chunk = self._port.read(max(1, self._port.in_waiting))
            except (serial.SerialException, OSError) as exc:
                if self._stop.is_set():
                    return
                self.opened.clear()
                now = self._clock()
                self._on_event(
                    ScanError("link", f"scanner at {self.config.url}: link lost ({exc})", b"", now)
                )
                self._port.close()
                if not self._connect():
                    return
                continue
            now = self._clock()
            events = self._framing.feed(chunk, now) if chunk else []
            events += self._framing.flush(now)
            for event in events:
                self._on_event(event)
