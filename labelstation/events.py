"""Plain-Python change events for domain models (STYLE.md 2, the napari pattern).

A model owns :class:`Event` attributes and calls :meth:`Event.emit` after it changes; a Qt view
connects a callback and updates itself. The domain never imports Qt, and a headless caller (CLI,
tests) can subscribe just the same.

>>> changed = Event()
>>> seen = []
>>> changed.connect(seen.append)
>>> changed.emit(3)
>>> seen
[3]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Event(Generic[T]):
    """A list of callbacks called in order with one payload."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> None:
        """Call ``callback(payload)`` on every later :meth:`emit`."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[T], object]) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, payload: T) -> None:
        """Call every connected callback with ``payload``."""
        for callback in list(self._callbacks):
            callback(payload)
