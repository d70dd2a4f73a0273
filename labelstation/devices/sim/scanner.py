"""A virtual scanner: decodes printed labels with zxing-cpp and sends the reads over a URL.

It reads what the virtual printer printed (the PNG of each label, decoded with zxing-cpp, so a
symbol that does not decode is a no-read, as on the line) and sends each read over its own
``socket://`` listener or pty, framed as a configured scanner would frame it: optional prefix,
AIM symbology identifier, data with GS or a GS substitute, optional suffix, terminator. No-reads
and misreads happen at configured rates from a seeded random generator, so a test or a demo is
reproducible.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

from labelstation.devices.sim.link import LinkServer
from labelstation.devices.sim.printer import PrintedLabel, VirtualPrinter
from labelstation.errors import ValidationError

_MISREAD_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class ScannerModel:
    """How the virtual scanner frames reads and how often it fails.

    Attributes:
        terminator, prefix, suffix: framing bytes around each read.
        gs_substitute: bytes sent instead of GS, or None to send GS (0x1D).
        symbology_ids: send the AIM symbology identifier (``]d2``…) before the data.
        no_read: the message sent when nothing decodes (or a no-read is simulated).
        no_read_rate, misread_rate: probabilities 0–1 per label.
        seed: seeds the random generator.
    """

    terminator: bytes = b"\r"
    prefix: bytes = b""
    suffix: bytes = b""
    gs_substitute: bytes | None = None
    symbology_ids: bool = True
    no_read: bytes = b"NOREAD"
    no_read_rate: float = 0.0
    misread_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("no_read_rate", "misread_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValidationError(
                    f"virtual scanner {name}: {value!r} is out of range; expected 0–1"
                )
        if not self.terminator:
            raise ValidationError("virtual scanner terminator: empty; expected 1–8 bytes")


class VirtualScanner:
    """Sends decoded reads over a link; feed it images, PNG files or a printer.

    Args:
        model: framing and error rates.
        listen: ``socket://HOST:PORT`` or None.
        pty_path: pty symlink path or None.
        baud: modeled line speed or None.
    """

    def __init__(
        self,
        model: ScannerModel | None = None,
        *,
        listen: str | None = None,
        pty_path: str | None = None,
        baud: int | None = None,
    ) -> None:
        self.model = model or ScannerModel()
        self._rng = random.Random(self.model.seed)
        self._lock = threading.Lock()
        self.link = LinkServer(lambda _data: b"", listen=listen, pty_path=pty_path, baud=baud)
        self.url = self.link.url
        self.sent: list[bytes] = []
        self.on_sent: Callable[[bytes], None] | None = None
        #: seconds a read waits for a host to connect before it is sent into the void
        self.wait_for_client = 2.0
        self._stop = threading.Event()

    def start(self) -> VirtualScanner:
        """Start the link; return self."""
        self.link.start()
        return self

    def stop(self) -> None:
        """Stop the link and any directory watcher."""
        self._stop.set()
        self.link.stop()

    def __enter__(self) -> VirtualScanner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def frame(self, symbology_id: str | None, content: bytes) -> bytes:
        """The bytes this scanner sends for one read of ``content``."""
        m = self.model
        data = content
        if m.gs_substitute is not None:
            data = data.replace(b"\x1d", m.gs_substitute)
        aim = symbology_id.encode("ascii") if (m.symbology_ids and symbology_id) else b""
        return m.prefix + aim + data + m.suffix + m.terminator

    def send_read(self, symbology_id: str | None, content: bytes | None) -> bytes:
        """Send one read (``content`` None: nothing decoded), applying the error rates."""
        m = self.model
        with self._lock:
            roll = self._rng.random()
            if content is None or roll < m.no_read_rate:
                wire = m.prefix + m.no_read + m.suffix + m.terminator
            else:
                if self._rng.random() < m.misread_rate and content:
                    content = self._misread(content)
                wire = self.frame(symbology_id, content)
            self.sent.append(wire)
        self.link.connected.wait(self.wait_for_client)
        self.link.write(wire)
        if self.on_sent is not None:
            self.on_sent(wire)
        return wire

    def _misread(self, content: bytes) -> bytes:
        positions = [i for i, b in enumerate(content) if b != 0x1D]
        if not positions:
            return content
        pos = self._rng.choice(positions)
        old = chr(content[pos])
        new = self._rng.choice([c for c in _MISREAD_ALPHABET if c != old])
        return content[:pos] + new.encode("ascii") + content[pos + 1 :]

    def scan_image(self, image: Image.Image) -> list[bytes]:
        """Decode every symbol in ``image`` and send each (a no-read if none decodes)."""
        results = zxingcpp.read_barcodes(image)
        if not results:
            return [self.send_read(None, None)]
        return [self.send_read(r.symbology_identifier or None, bytes(r.bytes)) for r in results]

    def scan_png(self, path: Path) -> list[bytes]:
        """Decode the PNG at ``path`` and send the reads."""
        with Image.open(path) as image:
            return self.scan_image(image.convert("L"))

    def attach(self, printer: VirtualPrinter) -> None:
        """Scan every label ``printer`` prints (it must write PNGs to an ``out_dir``)."""

        def on_printed(label: PrintedLabel, png: Path | None) -> None:
            if png is None:
                self.send_read(None, None)
            else:
                self.scan_png(png)

        printer.on_printed.append(on_printed)

    def watch(self, directory: Path, poll: float = 0.05) -> threading.Thread:
        """Scan each new ``label-*.png`` in ``directory`` in name order (another process's
        printer output), until :meth:`stop`."""

        def run() -> None:
            seen: set[str] = set()
            while not self._stop.wait(poll):
                for path in sorted(directory.glob("label-*.png")):
                    if path.name not in seen:
                        seen.add(path.name)
                        self.scan_png(path)

        thread = threading.Thread(target=run, name="sim-scanner-watch", daemon=True)
        thread.start()
        return thread
