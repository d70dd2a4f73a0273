"""A virtual Zebra ZPL printer, faithful where our drivers depend on it.

It parses the ZPL we send (``^DF`` stored formats, ``^XF`` recalls with ``^FN`` values,
``^HW`` memory listing, ``~HS``, ``~HI``, ``~PS``, ``~JA``, ``^PQ``), keeps a receive buffer of
formats and prints them one by one at a modeled speed (inches per second), so printing takes
real time and the ``~HS`` counters (formats in buffer, labels remaining) move as on a printer.
Each printed label is kept as ZPL (the stored format merged with the recalled values, by
:func:`labelstation.render.zplimage.merge_stored_formats`) and written to ``out_dir`` as
``label-NNNNNN.zpl`` and, imaged by :func:`~labelstation.render.zplimage.render_zpl_png`,
``label-NNNNNN.png``.

Faults come from a plan (``paper_out@50,head_open@120,drop@300``: the fault happens just before
the printer would print label N, counted from power-on, so labels 1…N-1 are printed) or at run
time (:meth:`VirtualPrinter.inject`, or the control channel :meth:`VirtualPrinter.control`).
Media faults (paper out, head open, ribbon out, over temperature) also pause the printer, as a
Zebra does: the operator clears the fault (``clear``) and the host resumes with ``~PS``.
``power_cycle`` loses the buffer and the stored formats (and resets a TCP connection; a pty,
like a serial line, stays open); ``drop`` breaks the link only;
``garble`` corrupts the next ``~HS`` reply. With ``silent_when_faulted`` the printer does not
answer ``~HS`` while a media fault is active (newer firmware).

The in-process class is :class:`VirtualPrinter`; :class:`PrinterSimulator` puts it behind a
``socket://`` listener or a pty (:mod:`labelstation.devices.sim.link`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from labelstation.devices.sim.link import LinkServer
from labelstation.devices.status import PrinterStatus
from labelstation.devices.zpl import (
    format_directory,
    format_host_identification,
    format_host_status,
)
from labelstation.errors import RenderError, ValidationError
from labelstation.render.zplimage import (
    merge_stored_formats,
    render_zpl_png,
    stored_format_path,
    tokenize,
)

#: Faults the simulator can inject, by name.
FAULTS: tuple[str, ...] = (
    "paper_out",
    "head_open",
    "ribbon_out",
    "over_temperature",
    "pause",
    "drop",
    "garble",
    "power_cycle",
)
_MEDIA_FAULTS = ("paper_out", "head_open", "ribbon_out", "over_temperature")


@dataclass(frozen=True)
class FaultAt:
    """A planned fault: ``fault`` happens just before label number ``label`` (1-based)."""

    fault: str
    label: int


def parse_fault_plan(text: str) -> tuple[FaultAt, ...]:
    """Parse ``paper_out@50,head_open@120,drop@300`` (empty text: no faults).

    Raises:
        ValidationError: an item is not ``FAULT@N`` with a known fault and N ≥ 1.
    """
    plan = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, _, number = item.partition("@")
        if name not in FAULTS:
            raise ValidationError(
                f"fault plan item {item!r}: fault {name!r} is unknown; expected one of "
                + ", ".join(FAULTS)
            )
        if not number.isdigit() or int(number) < 1:
            raise ValidationError(
                f"fault plan item {item!r}: label {number!r} is not valid; expected FAULT@N "
                "with N ≥ 1"
            )
        plan.append(FaultAt(name, int(number)))
    return tuple(plan)


@dataclass(frozen=True)
class PrinterModel:
    """What the virtual printer is: resolution, speed, label, memory, firmware behaviour."""

    dpi: int = 203
    speed_ips: float = 6.0
    label_length_dots: int = 406
    buffer_bytes: int = 65536
    silent_when_faulted: bool = False
    model: str = "ZD621-203dpi"
    firmware: str = "V93.21.26Z"
    memory_kb: int = 8192

    def __post_init__(self) -> None:
        if self.dpi not in (152, 203, 300, 600):
            raise ValidationError(f"printer dpi: {self.dpi!r}; expected 152, 203, 300 or 600")
        if not 0 < self.speed_ips <= 100000:
            raise ValidationError(
                f"printer speed: {self.speed_ips!r} inches/s; expected > 0 and ≤ 100000"
            )
        if self.memory_kb < 0:
            raise ValidationError(f"printer memory: {self.memory_kb!r} KB; expected ≥ 0")
        if not 1 <= self.label_length_dots <= 9999:
            raise ValidationError(
                f"printer label length: {self.label_length_dots!r} dots; expected 1–9999"
            )

    @property
    def seconds_per_label(self) -> float:
        """How long the print engine takes for one label."""
        return self.label_length_dots / self.dpi / self.speed_ips


@dataclass(frozen=True)
class PrintedLabel:
    """One label that left the virtual printer."""

    number: int
    zpl: bytes
    stored_format_missing: bool = False


@dataclass
class _Queued:
    zpl: bytes
    remaining: int
    missing_format: bool
    size: int


@dataclass
class _State:
    paper_out: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    over_temperature: bool = False
    paused: bool = False
    garble: bool = False
    printed_total: int = 0
    stored: dict[str, bytes] = field(default_factory=dict)


class VirtualPrinter:
    """The in-process virtual printer: feed it bytes, get reply bytes; it prints on a thread.

    Args:
        model: resolution, speed, label length, firmware behaviour.
        out_dir: where to write ``label-NNNNNN.zpl`` / ``.png`` (None: keep in memory only).
        faults: the fault plan.
        write_png: image each label with ``render_zpl_png`` (needs ``out_dir``).
    """

    def __init__(
        self,
        model: PrinterModel | None = None,
        *,
        out_dir: Path | None = None,
        faults: tuple[FaultAt, ...] = (),
        write_png: bool = True,
    ) -> None:
        self.model = model or PrinterModel()
        self.out_dir = out_dir
        self.write_png = write_png
        self._plan = list(faults)
        self._lock = threading.Condition()
        self._state = _State()
        self._rx = bytearray()
        self._queue: deque[_Queued] = deque()
        self._generation = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._engine, name="sim-printer", daemon=True)
        self._objects: dict[str, bytes] = {}  # ~DY downloads (fonts) by name, in flash
        self.printed: list[PrintedLabel] = []
        self.log: list[str] = []
        self.on_drop: Callable[[], None] | None = None
        #: what a power cycle does to the link: a TCP connection resets, a serial line does not
        self.on_power_cycle: Callable[[], None] | None = None
        self.on_printed: list[Callable[[PrintedLabel, Path | None], None]] = []
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the print engine."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the print engine."""
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        self._thread.join(timeout=2)

    # -- faults and control ----------------------------------------------------------------

    def inject(self, fault: str) -> None:
        """Make ``fault`` happen now (see :data:`FAULTS`).

        Raises:
            ValidationError: unknown fault.
        """
        if fault not in FAULTS:
            raise ValidationError(
                f"simulator fault: {fault!r} is unknown; expected one of " + ", ".join(FAULTS)
            )
        drop = False
        with self._lock:
            s = self._state
            if fault in _MEDIA_FAULTS:
                setattr(s, fault, True)
                s.paused = True
            elif fault == "pause":
                s.paused = True
            elif fault == "garble":
                s.garble = True
            elif fault == "power_cycle":
                self._queue.clear()
                self._rx.clear()
                self._generation += 1
                self._state = _State(printed_total=s.printed_total)
            else:
                drop = True
            self.log.append(f"fault {fault} before label {s.printed_total + 1}")
            self._lock.notify_all()
        if drop and self.on_drop is not None:
            self.on_drop()
        if fault == "power_cycle" and self.on_power_cycle is not None:
            self.on_power_cycle()

    def clear_faults(self) -> None:
        """The operator fixed the printer: media faults cleared (the pause stays until ~PS)."""
        with self._lock:
            for name in _MEDIA_FAULTS:
                setattr(self._state, name, False)
            self._lock.notify_all()

    def control(self, line: str) -> str:
        """One control-channel command → one reply line.

        Commands: a fault name (``paper_out``, ``head_open``, ``ribbon_out``,
        ``over_temperature``, ``pause``, ``drop``, ``garble``, ``power_cycle``), ``clear``
        (media faults fixed), ``feed`` (the operator leaves pause at the printer),
        ``silent on|off``, ``status`` (JSON), ``printed`` (count).
        """
        words = line.strip().split()
        if not words:
            return "error: empty command"
        cmd = words[0]
        try:
            if cmd in FAULTS:
                self.inject(cmd)
            elif cmd == "clear":
                self.clear_faults()
            elif cmd == "feed":  # the operator presses the pause/feed key: leave pause
                with self._lock:
                    self._state.paused = False
                    self._lock.notify_all()
            elif cmd == "silent" and len(words) == 2 and words[1] in ("on", "off"):
                self.model = replace(self.model, silent_when_faulted=words[1] == "on")
            elif cmd == "status":
                return json.dumps(self.state())
            elif cmd == "printed":
                return str(self.printed_count)
            else:
                return (
                    f"error: command {line.strip()!r} is unknown; expected a fault ("
                    + ", ".join(FAULTS)
                    + "), clear, feed, silent on|off, status or printed"
                )
        except ValidationError as exc:
            return f"error: {exc}"
        return "ok"

    @property
    def printed_count(self) -> int:
        """Labels printed since start (not reset by a power cycle)."""
        with self._lock:
            return self._state.printed_total

    def state(self) -> dict[str, object]:
        """The simulator's state for the control channel and tests."""
        with self._lock:
            status = self._status()
            return {
                "state": list(status.words),
                "printed": self._state.printed_total,
                "labels_in_buffer": status.labels_in_printer,
                "stored_formats": sorted(self._state.stored),
                "objects": sorted(self._objects),
            }

    def wait_printed(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` labels are printed in total; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._state.printed_total >= count, timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the buffer is empty or printing is stopped by a fault or pause."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._queue or not self._can_print(), timeout)

    # -- receiving -------------------------------------------------------------------------

    def receive(self, data: bytes) -> bytes:
        """Take bytes from the host; return what the printer answers (thread-safe)."""
        replies: list[bytes] = []
        with self._lock:
            self._rx += data
            while True:
                tilde = self._rx.find(b"~")
                end = self._rx.find(b"^XZ")
                if tilde != -1 and (end == -1 or tilde < end):
                    if len(self._rx) < tilde + 3:
                        break
                    code = bytes(self._rx[tilde + 1 : tilde + 3]).upper()
                    if code == b"DY":
                        taken = self._download(tilde)
                        if taken is None:
                            break  # the rest of the download has not arrived yet
                        continue
                    del self._rx[tilde : tilde + 3]
                    replies.append(self._control_command(code))
                elif end != -1:
                    fmt = bytes(self._rx[: end + 3])
                    del self._rx[: end + 3]
                    start = fmt.find(b"^XA")
                    if start != -1:
                        replies.append(self._format(fmt[start:]))
                else:
                    break
            self._lock.notify_all()
        return b"".join(replies)

    def _download(self, tilde: int) -> int | None:
        """Take a ``~DYd:f,b,x,t,w,data`` object download (fonts) whole; None until it is.

        Objects go to flash (``E:``) and survive a power cycle; labels are imaged with them.
        """
        rx = self._rx
        pos = tilde + 3
        for _ in range(5):
            comma = rx.find(b",", pos)
            if comma == -1:
                return None
            pos = comma + 1
        params = bytes(rx[tilde + 3 : pos]).decode("latin-1").split(",")
        name, kind, ext, total = params[0].upper(), params[1].upper(), params[2].upper(), params[3]
        if not total.isdigit():
            self.log.append(f"~DY with total bytes {total!r} ignored")
            del rx[tilde : tilde + 3]
            return 0
        size = int(total) * (2 if kind == "A" else 1)
        if len(rx) < pos + size:
            return None
        if ":" not in name:
            name = "R:" + name
        suffix = {"T": ".TTF", "E": ".TTE", "B": ".FNT", "G": ".GRF", "P": ".PNG"}.get(ext, "")
        self._objects[name + suffix] = bytes(rx[tilde : pos + size])
        del rx[tilde : pos + size]
        return size

    def _control_command(self, code: bytes) -> bytes:
        s = self._state
        if code == b"HS":
            faulted = any(getattr(s, name) for name in _MEDIA_FAULTS)
            if faulted and self.model.silent_when_faulted:
                return b""
            reply = format_host_status(self._status())
            if s.garble:
                s.garble = False
                return reply.replace(b",", b";", 3).replace(b"0", b"\xff", 2)
            return reply
        if code == b"HI":
            m = self.model
            return format_host_identification(m.model, m.firmware, m.dpi, m.memory_kb)
        if code == b"PS":
            s.paused = False
        elif code == b"JA":
            self._queue.clear()
            self._generation += 1
        else:
            self.log.append(f"ignored control command ~{code.decode('latin-1')}")
        return b""

    def _status(self) -> PrinterStatus:
        s = self._state
        queued = sum(q.size for q in self._queue) + len(self._rx)
        return PrinterStatus(
            paper_out=s.paper_out,
            paused=s.paused,
            head_up=s.head_open,
            ribbon_out=s.ribbon_out,
            over_temperature=s.over_temperature,
            buffer_full=queued >= self.model.buffer_bytes,
            partial_format=b"^XA" in self._rx,
            comm_settings=30,  # 9600 baud, 8 data bits, 1 stop bit, no parity (Zebra bits)
            label_length_dots=self.model.label_length_dots,
            formats_in_buffer=max(0, len(self._queue) - 1),
            labels_remaining=self._queue[0].remaining if self._queue else 0,
            thermal_transfer=True,
            graphics_stored=0,
        )

    def _format(self, fmt: bytes) -> bytes:
        try:
            commands = tokenize(fmt)
        except RenderError as exc:
            self.log.append(f"unframeable format ignored: {exc}")
            return b""
        codes = [c.code for c in commands if c.prefix == "^"]
        if "DF" in codes:
            params = next(c.params for c in commands if c.prefix == "^" and c.code == "DF")
            name = stored_format_path(params)
            used = sum(len(v) for k, v in self._state.stored.items() if k != name)
            if used + len(fmt) > self.model.memory_kb * 1024:
                self.log.append(f"out of memory: ^DF{name} ({len(fmt)} bytes) not stored")
            else:
                self._state.stored[name] = fmt
            return b""
        if "HW" in codes:
            params = next(c.params for c in commands if c.prefix == "^" and c.code == "HW")
            pattern = stored_format_path(params) if params else "R:*.*"
            device = pattern.split(":", 1)[0] + ":"
            entries = [
                (name, len(body))
                for name, body in sorted(self._state.stored.items())
                if fnmatch.fnmatchcase(name, pattern)
            ]
            used = sum(size for _, size in entries)
            return format_directory(device, entries, self.model.memory_kb * 1024 - used)
        if not any(code in codes for code in ("FD", "XF", "GB", "FO")):
            return b""  # a setup-only format prints nothing
        quantity = 1
        for c in commands:
            if c.prefix == "^" and c.code == "PQ":
                digits = c.params.split(b",", 1)[0].strip()
                quantity = int(digits) if digits.isdigit() and int(digits) > 0 else 1
        missing = False
        zpl = fmt
        if "XF" in codes:
            params = next(c.params for c in commands if c.prefix == "^" and c.code == "XF")
            stored = self._state.stored.get(stored_format_path(params))
            if stored is None:
                missing = True  # a real printer prints the recall's fields only
            else:
                zpl = merge_stored_formats(stored + fmt)
        self._queue.append(_Queued(zpl, quantity, missing, len(fmt)))
        return b""

    # -- printing --------------------------------------------------------------------------

    def _can_print(self) -> bool:
        s = self._state
        return not s.paused and not any(getattr(s, name) for name in _MEDIA_FAULTS)

    def _engine(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self._lock.wait_for(
                    lambda: self._stop.is_set() or (bool(self._queue) and self._can_print())
                )
                if self._stop.is_set():
                    return
                due = [f for f in self._plan if f.label == self._state.printed_total + 1]
            if due:
                for planned in due:
                    self._plan.remove(planned)
                    self.inject(planned.fault)
                continue
            with self._lock:
                generation = self._generation
                deadline = time.monotonic() + self.model.seconds_per_label
                while not self._stop.is_set() and generation == self._generation:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._lock.wait(left)
                if generation != self._generation or not self._queue or self._stop.is_set():
                    continue  # cancelled (~JA) or power-cycled mid-label: nothing came out
                head = self._queue[0]
                head.remaining -= 1
                if head.remaining == 0:
                    self._queue.popleft()
                self._state.printed_total += 1
                label = PrintedLabel(self._state.printed_total, head.zpl, head.missing_format)
                self.printed.append(label)
                self._lock.notify_all()
            self._write(label)

    def _write(self, label: PrintedLabel) -> None:
        png_path: Path | None = None
        if self.out_dir is not None:
            stem = self.out_dir / f"label-{label.number:06d}"
            stem.with_suffix(".zpl").write_bytes(label.zpl)
            if self.write_png and not label.stored_format_missing:
                try:
                    fonts = b"".join(self._objects.values())
                    png = render_zpl_png(fonts + label.zpl, self.model.dpi)
                except RenderError as exc:
                    stem.with_suffix(".error.txt").write_text(str(exc), encoding="utf-8")
                else:
                    tmp = stem.with_suffix(".png.tmp")
                    tmp.write_bytes(png)
                    png_path = stem.with_suffix(".png")
                    tmp.replace(png_path)
        for callback in self.on_printed:
            callback(label, png_path)


class PrinterSimulator:
    """A :class:`VirtualPrinter` behind a ``socket://`` listener or a pty, with a control port.

    Args:
        printer: the virtual printer.
        listen: ``socket://HOST:PORT`` (PORT 0 picks one) or None.
        pty_path: path for the pty symlink, or None.
        baud: modeled line speed, or None.
        control: ``socket://HOST:PORT`` for the line-based control channel, or None.
    """

    def __init__(
        self,
        printer: VirtualPrinter,
        *,
        listen: str | None = None,
        pty_path: str | None = None,
        baud: int | None = None,
        control: str | None = None,
    ) -> None:
        self.printer = printer
        self.link = LinkServer(printer.receive, listen=listen, pty_path=pty_path, baud=baud)
        printer.on_drop = self.link.drop
        if listen is not None:
            printer.on_power_cycle = self.link.drop
        self.url = self.link.url
        self._control: LinkServer | None = None
        self._control_buf = bytearray()
        if control is not None:
            self._control = LinkServer(self._control_bytes, listen=control)
        self.control_url = self._control.url if self._control else None

    def _control_bytes(self, data: bytes) -> bytes:
        self._control_buf += data
        out = []
        while b"\n" in self._control_buf:
            line, _, rest = bytes(self._control_buf).partition(b"\n")
            self._control_buf = bytearray(rest)
            out.append(self.printer.control(line.decode("utf-8", "replace")) + "\n")
        return "".join(out).encode("utf-8")

    def start(self) -> PrinterSimulator:
        """Start the printer and the links; return self (for ``with``)."""
        self.printer.start()
        self.link.start()
        if self._control is not None:
            self._control.start()
        return self

    def stop(self) -> None:
        """Stop everything."""
        if self._control is not None:
            self._control.stop()
        self.link.stop()
        self.printer.stop()

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()
