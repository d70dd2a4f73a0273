"""Where the shipped resources (fonts, icons, sample templates, translations) live.

The ``resources/`` folder sits beside the ``labelstation`` package in a source checkout and at the
root of a PyInstaller bundle (``sys._MEIPASS``). Code never builds these paths itself, so the same
font file is found by the layout (which measures text with it) and by every renderer (which draws
with it): the metrics cannot disagree.

>>> font_path("sans", bold=False).name
'DejaVuSans.ttf'
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from labelstation.errors import NotFound

#: Environment variable that points at another ``resources/`` folder (installed packages, tests).
RESOURCES_ENV = "LABELSTATION_RESOURCES"

# Font id -> (regular file, bold file), relative to resources/fonts. DejaVu Sans covers Latin,
# Greek and Cyrillic, which the multilingual clinical and EU labels need.
_FONTS: dict[str, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
}


def resources_root() -> Path:
    """Return the ``resources/`` folder: env override, PyInstaller bundle, then source checkout."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(rel: str | Path) -> Path:
    """Return the absolute path of ``rel`` inside ``resources/``.

    Args:
        rel: A path relative to ``resources/`` (``"icons/lot.svg"``); an absolute path is
            returned unchanged so templates may point at a customer's own logo.

    Raises:
        NotFound: The file does not exist, naming the path that was looked up.
    """
    path = Path(rel)
    if not path.is_absolute():
        if ".." in path.parts:
            raise NotFound(f"resource {str(rel)!r}: expected a path inside resources/ without '..'")
        path = resources_root() / path
    if not path.is_file():
        raise NotFound(f"resource {str(rel)!r}: no such file at {path}")
    return path


def font_ids() -> tuple[str, ...]:
    """Return the ids of every shipped font family, for schema checks and pickers."""
    return tuple(sorted(_FONTS))


def font_path(font_id: str, bold: bool = False) -> Path:
    """Return the TrueType file for ``font_id`` in its regular or bold weight.

    Raises:
        NotFound: ``font_id`` is not a shipped font.
    """
    try:
        regular, bold_file = _FONTS[font_id]
    except KeyError:
        known = ", ".join(font_ids())
        raise NotFound(f"font {font_id!r}: expected one of {known}") from None
    return resource_path(Path("fonts") / (bold_file if bold else regular))
