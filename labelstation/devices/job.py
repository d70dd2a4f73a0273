"""A print job on one printer: stored format once, paced recalls, exact label accounting.

The job runs on its own thread (never the GUI thread) and reports through a plain callback, so
the CLI and tests use it headless and the UI wraps the callback in a Qt signal.

What the driver knows at every moment, per label (by index and serial):

* ``PRINTED`` — the printer's own counters say it left the printer;
* ``IN_PRINTER`` — sent, and the printer counts it in its buffer (``~HS`` formats in buffer +
  labels remaining);
* ``UNSENT`` — not yet sent;
* ``IN_DOUBT`` — the link broke or the printer restarted while it was in flight, so no counter
  can say whether it printed: production must verify or destroy it, never silently reprint;
* ``CANCELLED`` — removed from a stopped printer's buffer by ``~JA``.

Pacing comes from the printer's counters: at most ``window`` labels are in the printer at once,
so a fault never leaves hundreds of labels in an unknown state. Any fault (paper out, head
open, ribbon out, pause, temperature, a printer that stops answering, a lost link) pauses the
job; the operator decides :meth:`PrintJob.resume` (``~PS``) or :meth:`PrintJob.cancel`
(``~JA``).
"""

from __future__ import annotations

import enum
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from labelstation.devices.printer import LabelData, LinkLost, PrinterDriver, StoredFormat
from labelstation.devices.status import PrinterStatus
from labelstation.devices.transport import Backoff, reconnect
from labelstation.errors import DeviceError, DeviceTimeout, ValidationError


class LabelState(enum.Enum):
    """Where one label of a job is."""

    UNSENT = "unsent"
    IN_PRINTER = "in printer"
    PRINTED = "printed"
    IN_DOUBT = "in doubt"
    CANCELLED = "cancelled"


class JobState(enum.Enum):
    """Where the job is."""

    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class JobSnapshot:
    """The job at one moment: every label's state, the fault if paused, the last status."""

    state: JobState
    labels: tuple[LabelState, ...]
    serials: tuple[str, ...]
    fault: str | None
    status: PrinterStatus | None

    def indices(self, state: LabelState) -> tuple[int, ...]:
        """Indices (0-based, in job order) of the labels in ``state``."""
        return tuple(i for i, s in enumerate(self.labels) if s is state)

    def count(self, state: LabelState) -> int:
        """How many labels are in ``state``."""
        return sum(1 for s in self.labels if s is state)

    def serials_in(self, state: LabelState) -> tuple[str, ...]:
        """Serials of the labels in ``state``, in job order."""
        return tuple(self.serials[i] for i in self.indices(state))

    def summary(self) -> str:
        """One line for an operator: counts per state and the fault."""
        counts = ", ".join(f"{self.count(s)} {s.value}" for s in LabelState)
        fault = f"; {self.fault}" if self.fault else ""
        return f"job {self.state.value}: {counts}{fault}"


@dataclass(frozen=True)
class JobEvent:
    """What the job tells its listener: ``progress``, ``paused``, ``resumed``,
    ``reconnecting``, ``done`` or ``cancelled``, with the snapshot at that moment."""

    kind: str
    snapshot: JobSnapshot


class PrintJob:
    """Print ``labels`` from the stored ``fmt`` on the printer ``connect()`` opens.

    Args:
        connect: opens the printer (also used to reconnect after a link loss).
        fmt: the stored format, downloaded once per batch and checked with the memory listing.
        labels: the labels, in print order.
        on_event: called on the job thread with every :class:`JobEvent`.
        window: the most labels allowed in the printer at once (1–99).
        poll_interval: seconds between status polls while the window is full.
        backoff: reconnect schedule after a link loss.
        sleep: injectable for the reconnect back-off.
        status_retries: extra ``~HS`` attempts after a garbled reply.
        verify_every: check the stored format is still in memory after this many printed
            labels (and before the job is done). On a serial line a power-cycled printer does
            not drop the link; it only forgets its buffer and formats, and its counters then
            read "nothing held", which would otherwise pass for "all printed".
    """

    def __init__(
        self,
        connect: Callable[[], PrinterDriver],
        fmt: StoredFormat,
        labels: Sequence[LabelData],
        *,
        on_event: Callable[[JobEvent], None] | None = None,
        window: int = 8,
        poll_interval: float = 0.005,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        status_retries: int = 2,
        verify_every: int = 50,
    ) -> None:
        if verify_every < 1:
            raise ValidationError(
                f"print job verify_every: {verify_every!r} is out of range; expected ≥ 1"
            )
        if not 1 <= window <= 99:
            raise ValidationError(f"print job window: {window!r} is out of range; expected 1–99")
        if not labels:
            raise ValidationError("print job labels: 0 labels; expected at least 1")
        wanted = fmt.field_numbers
        for label in labels:
            if label.recall is not None and label.recalled_format != fmt.name:
                raise ValidationError(
                    f"print job label {label.serial!r} recall: recalls "
                    f"{label.recalled_format}; expected {fmt.name}, the job's stored format"
                )
            have = label.field_numbers
            if have != wanted:
                missing = sorted(wanted - have)
                extra = sorted(have - wanted)
                raise ValidationError(
                    f"print job label {label.serial!r} fields: missing {missing}, extra {extra}; "
                    f"expected exactly the ^FN fields of {fmt.name} {sorted(wanted)} (a field "
                    "left out prints the stored default)"
                )
        serials = [label.serial for label in labels]
        if len(set(serials)) != len(serials):
            dup = next(s for s in serials if serials.count(s) > 1)
            raise ValidationError(
                f"print job serials: {dup!r} occurs more than once; expected unique serials"
            )
        self._connect = connect
        self._fmt = fmt
        self._labels = list(labels)
        self._serials = tuple(serials)  # shared by every snapshot, built once
        self._on_event = on_event
        self._window = window
        self._poll = poll_interval
        self._backoff = backoff or Backoff()
        self._sleep = sleep
        self._retries = status_retries
        self._verify_every = verify_every
        self._printed_order: list[int] = []  # PRINTED labels in the order the printer said so
        self._checkpoint = 0  # printed labels confirmed by a later check of the printer memory
        self._lock = threading.Condition()
        self._states = [LabelState.UNSENT] * len(labels)
        self._pending: deque[int] = deque(range(len(labels)))
        self._in_printer: deque[int] = deque()
        self._state = JobState.RUNNING
        self._fault: str | None = None
        self._status: PrinterStatus | None = None
        self._decision: tuple[str, tuple[tuple[int, ...], tuple[int, ...]]] | None = None
        self._driver: PrinterDriver | None = None
        self._need_format = True
        self._thread = threading.Thread(target=self._run, name="print-job", daemon=True)
        self._finished = threading.Event()
        self.error: BaseException | None = None

    # -- operator side -------------------------------------------------------------------

    def start(self) -> None:
        """Start the job thread."""
        self._thread.start()

    def snapshot(self) -> JobSnapshot:
        """The job now (thread-safe)."""
        with self._lock:
            return self._snapshot()

    def resume(self, *, printed: Iterable[int] = (), reprint: Iterable[int] = ()) -> None:
        """Operator: the fault is fixed, go on (``~PS``).

        In-doubt labels stay in doubt unless production settled them (by scanning or
        inspecting the output):

        Args:
            printed: in-doubt indices found on the line: they become PRINTED.
            reprint: in-doubt indices found missing or destroyed: they are sent again, in job
                order, before the unsent labels.

        Raises:
            ValidationError: an index is not in doubt, or is in both sets.
        """
        done, again = sorted(set(printed)), sorted(set(reprint))
        with self._lock:
            for i in done + again:
                if not 0 <= i < len(self._states) or self._states[i] is not LabelState.IN_DOUBT:
                    state = self._states[i].value if 0 <= i < len(self._states) else "no label"
                    raise ValidationError(
                        f"print job resume: label {i} is {state}; expected a label in doubt"
                    )
            both = set(done) & set(again)
            if both:
                raise ValidationError(
                    f"print job resume: label {min(both)} is both printed and to reprint; "
                    "expected one or the other"
                )
            self._decision = ("resume", (tuple(done), tuple(again)))
            self._lock.notify_all()

    def cancel(self) -> None:
        """Operator: stop the job and clear the printer's buffer (``~JA``)."""
        with self._lock:
            self._decision = ("cancel", ((), ()))
            self._lock.notify_all()

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        """Block until the job is done or cancelled (or ``timeout``); return the snapshot."""
        self._finished.wait(timeout)
        return self.snapshot()

    def wait_for(self, predicate: Callable[[JobSnapshot], bool], timeout: float) -> JobSnapshot:
        """Block until ``predicate(snapshot)`` holds; raise DeviceTimeout after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self._snapshot()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DeviceTimeout(
                        f"print job: condition not reached within {timeout} s; "
                        f"now {self._snapshot().summary()}"
                    )
                self._lock.wait(left)
            return self._snapshot()

    # -- job thread ----------------------------------------------------------------------

    def _snapshot(self) -> JobSnapshot:
        return JobSnapshot(
            self._state,
            tuple(self._states),
            self._serials,
            self._fault,
            self._status,
        )

    def _emit(self, kind: str) -> None:
        snap = self._snapshot()
        self._lock.notify_all()
        if self._on_event is not None:
            self._on_event(JobEvent(kind, snap))

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # reported in the snapshot, never lost on a dead thread
            self.error = exc
            with self._lock:
                self._state = JobState.PAUSED
                self._fault = f"internal error: {type(exc).__name__}: {exc}"
                self._emit("paused")
        finally:
            if self._driver is not None:
                self._driver.close()
            self._finished.set()
            with self._lock:
                self._lock.notify_all()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._decision is not None and self._decision[0] == "cancel":
                    self._cancel()
                    return
                if self._decision is not None:  # a resume while running: settle in-doubt labels
                    self._settle(*self._decision[1])
                    self._decision = None
            try:
                if self._driver is None:
                    self._driver = self._connect()
                if self._need_format:
                    self._store_format(self._driver)
                status = self._query_status(self._driver)
            except LinkLost as exc:
                self._on_link_lost(exc)
                if self._pause(str(exc)):
                    return
                continue
            except DeviceError as exc:  # timeout, garbled reply, format missing
                if self._pause(str(exc)):
                    return
                continue
            try:
                with self._lock:
                    self._account(status)
            except DeviceError as exc:  # the printer holds labels this job never sent
                if self._pause(str(exc)):
                    return
                continue
            if not status.ready:
                what = ", ".join(status.words)
                if self._pause(f"printer at {self._driver.url}: {what}"):
                    return
                continue
            with self._lock:
                finished = not self._pending and not self._in_printer
                due = len(self._printed_order) - self._checkpoint >= self._verify_every
            if finished or due:
                try:
                    lost = self._verify_format(self._driver)
                except LinkLost as exc:
                    self._on_link_lost(exc)
                    if self._pause(str(exc)):
                        return
                    continue
                except DeviceError as exc:
                    if self._pause(str(exc)):
                        return
                    continue
                if lost is not None:
                    if self._pause(lost):
                        return
                    continue
            with self._lock:
                if finished:
                    self._state = JobState.DONE
                    self._emit("done")
                    return
                room = self._window - len(self._in_printer)
                batch = [self._pending.popleft() for _ in range(min(room, len(self._pending)))]
            if batch:
                data = b"".join(self._driver.label_bytes(self._fmt, self._labels[i]) for i in batch)
                with self._lock:
                    for i in batch:
                        self._states[i] = LabelState.IN_PRINTER
                        self._in_printer.append(i)
                try:
                    self._driver.send(data)
                except LinkLost as exc:
                    self._on_link_lost(exc)
                    if self._pause(str(exc)):
                        return
                    continue
                with self._lock:
                    self._emit("progress")
            else:
                with self._lock:
                    self._lock.wait_for(lambda: self._decision is not None, self._poll)

    def _store_format(self, driver: PrinterDriver) -> None:
        driver.store_format(self._fmt)
        names = driver.list_formats(self._fmt.name[:2])
        if self._fmt.name not in names:
            raise DeviceError(
                f"printer at {driver.url}: stored format {self._fmt.name} not in its memory "
                f"after download (lists {', '.join(names) or 'nothing'}); expected it there "
                "before any label recalls it"
            )
        self._need_format = False

    def _verify_format(self, driver: PrinterDriver) -> str | None:
        """Check the stored format is still there; if not, the printer restarted unseen.

        Returns:
            None when the format is there (the printed labels so far are confirmed), else the
            fault: every label counted printed since the last check, and every label held, is
            then IN_DOUBT (the counters read after the restart meant "forgotten", not "printed").
        """
        names = driver.list_formats(self._fmt.name[:2])
        with self._lock:
            if self._fmt.name in names:
                self._checkpoint = len(self._printed_order)
                return None
            suspect = self._printed_order[self._checkpoint :] + list(self._in_printer)
            del self._printed_order[self._checkpoint :]
            self._in_printer.clear()
            for i in suspect:
                self._states[i] = LabelState.IN_DOUBT
            self._need_format = True
        return (
            f"printer at {driver.url}: stored format {self._fmt.name} is gone from its memory "
            f"(restarted?); {len(suspect)} labels since the last check are in doubt"
        )

    def _query_status(self, driver: PrinterDriver) -> PrinterStatus:
        for attempt in range(self._retries + 1):
            try:
                return driver.query_status()
            except (DeviceTimeout, LinkLost):
                raise
            except DeviceError:
                if attempt == self._retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _account(self, status: PrinterStatus) -> None:
        """Move labels the printer no longer holds to PRINTED (they print in order)."""
        self._status = status
        held = status.labels_in_printer
        if held > len(self._in_printer):
            raise DeviceError(
                f"printer at {self._driver.url if self._driver else '?'}: reports {held} labels "
                f"in its buffer; expected at most the {len(self._in_printer)} this job sent"
            )
        changed = False
        while len(self._in_printer) > held:
            index = self._in_printer.popleft()
            self._states[index] = LabelState.PRINTED
            self._printed_order.append(index)
            changed = True
        if changed:
            self._emit("progress")

    def _on_link_lost(self, exc: LinkLost) -> None:
        """Reconnect; labels the printer no longer counts become IN_DOUBT."""
        if self._driver is not None:
            self._driver.close()
            self._driver = None
        with self._lock:
            self._fault = str(exc)
            self._emit("reconnecting")

        def opener() -> PrinterDriver:
            driver = self._connect()
            try:
                driver.query_status()
            except DeviceError:
                driver.close()
                raise
            return driver

        try:
            driver = reconnect(opener, self._backoff, what=str(exc), sleep=self._sleep)
        except DeviceError:
            with self._lock:
                for i in self._in_printer:
                    self._states[i] = LabelState.IN_DOUBT
                self._in_printer.clear()
            self._need_format = True
            return
        self._driver = driver
        try:
            status = driver.query_status()
            names = driver.list_formats(self._fmt.name[:2])
        except DeviceError:
            status, names = None, ()
        with self._lock:
            held = status.labels_in_printer if status is not None else 0
            while len(self._in_printer) > held:
                self._states[self._in_printer.popleft()] = LabelState.IN_DOUBT
            self._status = status
        if self._fmt.name not in names:
            self._need_format = True

    def _pause(self, fault: str) -> bool:
        """Pause until the operator decides; return True when the job ended (cancelled)."""
        with self._lock:
            self._state = JobState.PAUSED
            self._fault = fault
            if self._decision is not None and self._decision[0] == "resume":
                self._settle(*self._decision[1])  # made while running: settle, wait anew
                self._decision = None
            self._emit("paused")
            while self._decision is None:
                self._lock.wait()
            decision, (done, again) = self._decision
            self._decision = None
            if decision == "cancel":
                return self._cancel()
            self._settle(done, again)
            self._state = JobState.RUNNING
            self._fault = None
            self._emit("resumed")
        if self._driver is not None:
            try:
                self._driver.resume()
            except LinkLost:
                self._driver.close()
                self._driver = None
        return False

    def _settle(self, done: tuple[int, ...], again: tuple[int, ...]) -> None:
        """Apply production's findings on in-doubt labels (see :meth:`resume`)."""
        for i in done:
            if self._states[i] is LabelState.IN_DOUBT:
                self._states[i] = LabelState.PRINTED
        for i in reversed(again):
            if self._states[i] is LabelState.IN_DOUBT:
                self._states[i] = LabelState.UNSENT
                self._pending.appendleft(i)

    def _cancel(self) -> bool:
        """``~JA``; held labels of a stopped printer are CANCELLED, else IN_DOUBT."""
        stopped = self._status is not None and not self._status.ready
        sent = False
        if self._driver is not None:
            try:
                self._driver.cancel_all()
                sent = True
            except LinkLost:
                sent = False
        for i in self._in_printer:
            self._states[i] = LabelState.CANCELLED if stopped and sent else LabelState.IN_DOUBT
        self._in_printer.clear()
        self._state = JobState.CANCELLED
        self._emit("cancelled")
        return True
