"""What changed between two template versions: field by field, and pixel by pixel.

The approver of a new version must see what they are signing (UX.md, "Designer and approval"):
:func:`json_diff` lists every added, removed and changed JSON path with old and new values, and
:func:`image_diff` compares the two rendered labels and paints changed pixels red over a faded
copy of the new label, with the count of changed pixels.

Paths are JSON Pointers (RFC 6901), so ``/elements/2/x`` is unambiguous even when a key holds
``/`` or ``~``.

>>> [c.path for c in json_diff({"a": 1, "b": [1, 2]}, {"a": 2, "b": [1], "c": None})]
['/a', '/b/1', '/c']
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PIL import Image, ImageChops

from labelstation.errors import ValidationError


class ChangeKind(StrEnum):
    """How one JSON path differs."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One difference: JSON Pointer, kind, old and new value (``None`` where absent)."""

    path: str
    kind: ChangeKind
    old: Any = None
    new: Any = None

    def as_json(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output and audit entries."""
        return {"path": self.path, "kind": self.kind.value, "old": self.old, "new": self.new}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _same(a: Any, b: Any) -> bool:
    # Compare as JSON text: 1, 1.0, true and -0.0 are different documents to the canonical hash
    # (and so to a signature), so the diff must show them as changes.
    return json.dumps(a) == json.dumps(b)


def json_diff(old: Any, new: Any) -> tuple[Change, ...]:
    """List every difference between two JSON documents, depth first, keys in sorted order.

    Objects are compared key by key and arrays index by index (an inserted element shows as
    changes at the following indices plus an addition at the end, which is what a reviewer of
    a positional layout needs to see).
    """
    changes: list[Change] = []
    _walk("", old, new, changes)
    return tuple(changes)


def _walk(path: str, old: Any, new: Any, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            child = f"{path}/{_escape(key)}"
            if key not in new:
                out.append(Change(child, ChangeKind.REMOVED, old=old[key]))
            elif key not in old:
                out.append(Change(child, ChangeKind.ADDED, new=new[key]))
            else:
                _walk(child, old[key], new[key], out)
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            child = f"{path}/{index}"
            if index >= len(new):
                out.append(Change(child, ChangeKind.REMOVED, old=old[index]))
            elif index >= len(old):
                out.append(Change(child, ChangeKind.ADDED, new=new[index]))
            else:
                _walk(child, old[index], new[index], out)
    elif not _same(old, new):
        out.append(Change(path, ChangeKind.CHANGED, old=old, new=new))


@dataclass(frozen=True)
class ImageDiff:
    """The result of comparing two rendered labels."""

    changed_pixels: int
    total_pixels: int
    width: int
    height: int
    png: bytes

    @property
    def changed_fraction(self) -> float:
        """Share of pixels that differ, 0.0–1.0."""
        return self.changed_pixels / self.total_pixels if self.total_pixels else 0.0


HIGHLIGHT = (220, 0, 0)


def image_diff(old: Image.Image, new: Image.Image) -> ImageDiff:
    """Compare two renderings pixel by pixel and draw the changes.

    Images of different sizes are compared on the larger canvas (white padding), so a stock-size
    change shows as changed pixels rather than an error.

    Raises:
        ValidationError: an image is empty.
    """
    for name, img in (("old", old), ("new", new)):
        if img.width == 0 or img.height == 0:
            raise ValidationError(
                f"{name} image size {img.width}x{img.height}: expected a non-empty image"
            )
    width, height = max(old.width, new.width), max(old.height, new.height)
    a = _on_canvas(old, width, height)
    b = _on_canvas(new, width, height)
    red, green, blue = ImageChops.difference(a, b).split()
    strongest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = strongest.point(lambda v: 255 if v else 0)
    changed = mask.histogram()[255]
    faded = Image.blend(b.convert("RGB"), Image.new("RGB", (width, height), "white"), 0.7)
    faded.paste(Image.new("RGB", (width, height), HIGHLIGHT), mask=mask)
    buffer = io.BytesIO()
    faded.save(buffer, format="PNG")
    return ImageDiff(changed, width * height, width, height, buffer.getvalue())


def _on_canvas(img: Image.Image, width: int, height: int) -> Image.Image:
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(img.convert("RGB"), (0, 0))
    return canvas
