"""Write one laid-out label to a file, the format chosen by the file's suffix.

Used by the designer's Export menu. Files are written to a temporary name beside the target and
renamed at the end, so a failure never leaves a half-written or stale file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
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


def write_files_atomically(files: Mapping[Path, bytes]) -> int:
    """Write every file under a temporary name beside it, then rename them all; return the bytes.

    A print file must be either whole and current or absent: a half-written ZPL file, or one
    left over from an earlier run, could be sent to a printer as if it were good. So nothing is
    renamed until every payload is on disk, and on any failure every temporary file is removed.
    Files get the mode a plain ``open()`` would give them (``0o666`` less the umask), not
    ``mkstemp``'s private ``0o600``. Parent folders must exist.
    """
    temps: list[tuple[Path, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for final, payload in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
            temps.append((Path(name), final))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(name, 0o666 & ~umask)
        for temp, final in temps:
            os.replace(temp, final)
    finally:
        for temp, _ in temps:
            if temp.exists():
                temp.unlink()
    return sum(len(payload) for payload in files.values())


def write_atomically(path: Path, payload: bytes) -> int:
    """Write ``payload`` to ``path`` through a temporary file and a rename; return its size."""
    return write_files_atomically({path: payload})


def export_label(display_list: DisplayList, path: Path, *, dpi: int, proof: bool = True) -> int:
    """Render ``display_list`` to ``path`` by its suffix; return the number of bytes written."""
    return write_atomically(path, label_bytes(display_list, path.suffix, dpi=dpi, proof=proof))
