"""Watch a printer's status off the GUI thread and report changes.

The line screen shows each printer's state across the room ("Printer 2: paper out"). The UI
must never block on a serial port, so :class:`PrinterMonitor` polls ``~HS`` on a worker thread
and calls a plain callback only when what the operator sees changes (the state words, or an
error such as a timeout); the UI wraps the callback in a Qt signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from labelstation.devices.printer import PrinterDriver
from labelstation.devices.status import PrinterStatus
from labelstation.errors import DeviceError


@dataclass(frozen=True)
class MonitorReport:
    """What changed: a status (with ``error`` None) or an error (with ``status`` None)."""

    status: PrinterStatus | None
    error: str | None


class PrinterMonitor:
    """Poll ``connect()``'s printer every ``interval`` seconds; report changes to ``on_report``.

    A failed poll (timeout, garbled reply, lost link) is reported as an error; the link is
    re-opened on the next poll, so a power-cycled printer comes back by itself.
    """

    def __init__(
        self,
        connect: Callable[[], PrinterDriver],
        on_report: Callable[[MonitorReport], None],
        *,
        interval: float = 1.0,
    ) -> None:
        self._connect = connect
        self._on_report = on_report
        self._interval = interval
        self._stop = threading.Event()
        self._driver: PrinterDriver | None = None
        self._last: tuple[object, ...] | None = None
        self._thread = threading.Thread(target=self._run, name="printer-monitor", daemon=True)

    def start(self) -> PrinterMonitor:
        """Start polling; return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling and close the link."""
        self._stop.set()
        self._thread.join(timeout=10)

    def poll_once(self) -> MonitorReport:
        """One poll (also used by the thread); reports only if it differs from the last."""
        try:
            if self._driver is None:
                self._driver = self._connect()
            status = self._driver.query_status()
            report = MonitorReport(status, None)
            key: tuple[object, ...] = (status.words, status.labels_in_printer)
        except DeviceError as exc:
            if self._driver is not None:
                self._driver.close()
                self._driver = None
            report = MonitorReport(None, str(exc))
            key = ("error", str(exc))
        if key != self._last:
            self._last = key
            self._on_report(report)
        return report

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.poll_once()
                self._stop.wait(self._interval)
        finally:
            if self._driver is not None:
                self._driver.close()
