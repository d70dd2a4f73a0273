"""Write one laid-out label to a file, the format chosen by the file's suffix.

Used by the designer's Export menu. Files are written to a temporary name beside the target and
renamed at the end, so a failure never leaves a half-written or stale file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from labelstation.errors import RenderError
from labelstation.render.pdf import pdf_bytes
from labelstation.render.png import png_bytes
from labelstation.render.zpl import render_zpl
from labelstation.template.displaylist import DisplayList

EXPORT_SUFFIXES = (".pdf", ".png", ".zpl")


def label_bytes(display_list: DisplayList, suffix: str, *, dpi: int, proof: bool = True) -> bytes:
    """The label as a PDF (a proof unless ``proof`` is false), a PNG at ``dpi`` or ZPL at ``dpi``.

    Raises:
        RenderError: the suffix is not one of :data:`EXPORT_SUFFIXES`, or rendering failed.
    """
    suffix = suffix.lower()
    if suffix == ".pdf":
        return pdf_bytes([display_list], proof=proof)
    if suffix == ".png":
        return png_bytes(display_list, dpi)
    if suffix == ".zpl":
        return render_zpl(display_list, dpi).encode("utf-8")
    raise RenderError(
        f"export file suffix {suffix!r}: expected one of {', '.join(EXPORT_SUFFIXES)}"
    )


def write_atomically(path: Path, payload: bytes) -> int:
    """Write ``payload`` to ``path`` through a temporary file and a rename; return its size."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(payload)


def export_label(display_list: DisplayList, path: Path, *, dpi: int, proof: bool = True) -> int:
    """Render ``display_list`` to ``path`` by its suffix; return the number of bytes written."""
    return write_atomically(path, label_bytes(display_list, path.suffix, dpi=dpi, proof=proof))
