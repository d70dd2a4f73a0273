"""Offline imaging of ZPL II: what a Zebra printer would print, as a bitmap, without a printer.

The ZPL we send is the print record, so we check *it*, not our intent: the sample tests, the
printer simulator and the proof view image the exact bytes with zplkit (a Rust ZPL renderer)
and decode the barcodes back. zplkit differs from a printer in three ways we correct here,
before it sees the stream:

* It refuses commands that draw nothing (host queries such as ``~HS``, job control such as
  ``~JA``/``^PQ``, media setup such as ``^MD ^MM ^MN ^MT ^PR``). :func:`strip_for_imaging`
  removes exactly those, found by a real tokenizer (:func:`tokenize`), so a ``^``/``~`` hidden
  in ``^FH`` hex data is never taken for a command. Any other refusal is an error: a drawing
  command we cannot image is a label we cannot check.
* It prints a ``^FN`` field's default ``^FD`` from the ``^DF`` stored format instead of the
  value sent with ``^XF``. :func:`merge_stored_formats` turns every recall into the standalone
  format a printer would build (stored body with the recalled values substituted).
* A resident font has no glyph outside ASCII; :mod:`labelstation.render.zpl` therefore sends
  non-ASCII text as a graphic, which zplkit images like a printer does.

The imaging profile is zplkit's ``zd621`` (a 203-dpi desktop Zebra, captured behaviour) with the
resolution overridden by ``dpi``; ``^PW``/``^LL`` in the stream set the bitmap size.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import zplkit
from PIL import Image
from zplkit.parse import ParseError, parse
from zplkit.rendering import Limits
from zplkit.rendering import RenderError as ZplkitRenderError

from labelstation.errors import RenderError
from labelstation.units import SUPPORTED_DPI

__all__ = [
    "NON_DRAWING_COMMANDS",
    "ZplCommand",
    "merge_stored_formats",
    "render_zpl_image",
    "render_zpl_images",
    "render_zpl_png",
    "stored_format_path",
    "strip_for_imaging",
    "tokenize",
]

#: Format (``^``) commands that set up media, job or memory and draw nothing; zplkit refuses
#: them, a printer obeys them. Stripping them cannot change the bitmap of a label.
NON_DRAWING_COMMANDS: frozenset[str] = frozenset(
    {
        "PQ", "PR", "MD", "MM", "MN", "MT", "MU", "MF", "MP", "JU", "JZ", "JM", "JJ", "JS",
        "JB", "ID", "SZ", "XB", "PF", "KD", "SS", "NI", "TO", "HH", "HW", "HG", "HT", "HF",
        "CO", "SE", "FL", "EG", "KL", "KN", "KP", "SC", "SL", "SX", "WD", "HV", "HZ", "JI",
        "JW", "MW", "NC", "NS", "NT", "PP", "JT", "DN",
    }
)  # fmt: skip

# zplkit's defaults (1 MiB input, 64 labels, 25 kB per graphic) are below one TrueType font
# download, a 1,000-label run or a 600-dpi logo; these bounds still stop a runaway stream.
_LIMITS = Limits(
    input_bytes=256 << 20, labels=100_000, graphic_bytes=16 << 20, recall_calls=100_000
)

# Control (``~``) commands zplkit understands: syntax changes and object downloads. Every
# other control command is a host query or job/media control and is stripped for imaging.
_KEPT_CONTROL_COMMANDS = frozenset({"CC", "CT", "CD", "DG", "DY", "DU", "DB", "DE"})


@dataclass(frozen=True)
class ZplCommand:
    """One framed element of a ZPL stream.

    ``prefix`` is ``"^"`` for a format command and ``"~"`` for a control command whatever
    characters ``^CC``/``~CT`` selected, ``""`` for bytes outside any command (leading junk,
    control characters). ``code`` is the upper-cased command name (``"FO"``, ``"A"`` for the
    font command ``^A0N,…``), ``params`` the bytes after it, ``raw`` the exact original bytes
    and ``offset`` their position in the stream.
    """

    prefix: str
    code: str
    params: bytes
    raw: bytes
    offset: int


def _as_bytes(zpl: bytes | str) -> bytes:
    return zpl.encode("utf-8") if isinstance(zpl, str) else bytes(zpl)


def tokenize(zpl: bytes | str) -> tuple[ZplCommand, ...]:
    """Split a ZPL stream into commands, losslessly.

    Framing is zplkit's parser, which follows ``^CC``/``~CC``/``~CT`` prefix changes and
    binary downloads, so joining ``raw`` of every element gives back the input byte for byte.

    Raises:
        RenderError: the stream cannot be framed (names the byte offset and the reason).
    """
    data = _as_bytes(zpl)
    try:
        elements = parse(data).elements
    except ParseError as exc:
        raise RenderError(
            f"ZPL stream: cannot frame byte {exc.offset} ({exc.kind}); expected ^ or ~ commands"
        ) from exc
    commands: list[ZplCommand] = []
    for element in elements:
        raw = bytes(element)
        if element.kind in ("format_command", "control_command"):
            prefix = "^" if element.kind == "format_command" else "~"
            body = raw[1:]
            width = 1 if body[:1] in (b"A", b"a") and body[1:2] not in (b"",) else 2
            code = body[:width].decode("latin-1").upper()
            commands.append(ZplCommand(prefix, code, body[width:], raw, element.offset))
        else:
            commands.append(ZplCommand("", "", raw, raw, element.offset))
    return tuple(commands)


def _is_non_drawing(command: ZplCommand) -> bool:
    if command.prefix == "~":
        return command.code not in _KEPT_CONTROL_COMMANDS
    return command.prefix == "^" and command.code in NON_DRAWING_COMMANDS


def strip_for_imaging(zpl: bytes | str) -> bytes:
    """Remove the commands that draw nothing and that zplkit refuses (see the module doc)."""
    return b"".join(c.raw for c in tokenize(zpl) if not _is_non_drawing(c))


def _prepare(zpl: bytes | str) -> tuple[bytes, int]:
    """Merge stored formats, strip non-drawing commands; return the stream and its label count."""
    commands = tokenize(merge_stored_formats(zpl))
    kept = [c for c in commands if not _is_non_drawing(c)]
    labels = sum(1 for c in kept if c.prefix == "^" and c.code == "XA")
    return b"".join(c.raw for c in kept), labels


def stored_format_path(params: bytes) -> str:
    """The full name a printer stores a ``^DF``/``^XF`` format under: ``R:`` and ``.ZPL`` by
    default, upper case (``^DFlsfmt1`` and ``^DFR:LSFMT1.ZPL`` are the same format)."""
    return _format_name(params)


def _format_name(params: bytes) -> str:
    """Normalise a stored-format name as the printer does: device ``R:`` and ``.ZPL`` default."""
    name = params.split(b",", 1)[0].strip().decode("latin-1").upper()
    if ":" not in name:
        name = "R:" + name
    if "." not in name.split(":", 1)[1]:
        name += ".ZPL"
    return name


def _groups(
    commands: Sequence[ZplCommand], end: str, start: str | None = None
) -> list[list[ZplCommand]]:
    """Cut ``commands`` into groups, each ending with its ``^end`` (the tail may lack one).

    Formats are ``^XA … ^XZ`` (``start="XA"`` also closes a format left open, and commands
    outside formats form their own group); fields end with ``^FS``.
    """
    groups: list[list[ZplCommand]] = []
    current: list[ZplCommand] = []
    for command in commands:
        if start is not None and command.prefix == "^" and command.code == start and current:
            groups.append(current)
            current = []
        current.append(command)
        if command.prefix == "^" and command.code == end:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _field_number(field: list[ZplCommand]) -> int | None:
    for command in field:
        if command.prefix == "^" and command.code == "FN":
            digits = command.params.split(b'"', 1)[0].strip()
            return int(digits) if digits.isdigit() else None
    return None


def _merge_recall(recall: list[ZplCommand], stored: dict[str, list[ZplCommand]]) -> bytes:
    """Build the standalone format a printer prints for one ``^XF`` recall format."""
    xf_index = next((i for i, c in enumerate(recall) if c.prefix == "^" and c.code == "XF"), None)
    if xf_index is None:
        return b"".join(c.raw for c in recall)
    name = _format_name(recall[xf_index].params)
    body = stored.get(name)
    if body is None:
        raise RenderError(
            f"ZPL recall ^XF{name}: no ^DF{name} earlier in the stream; expected the stored "
            "format to be defined before it is recalled"
        )
    # Values sent with the recall: field number -> the commands that carry the value.
    values: dict[int, list[ZplCommand]] = {}
    others: list[ZplCommand] = []
    after_xf = recall[xf_index + 1 :]
    if after_xf and after_xf[0].prefix == "^" and after_xf[0].code == "FS":
        after_xf = after_xf[1:]
    for field in _groups(after_xf, "FS"):
        number = _field_number(field)
        if number is None:
            others.extend(field)
        else:
            values[number] = [c for c in field if c.prefix == "^" and c.code in ("FH", "FD")]
            others.extend(
                c for c in field if not (c.prefix == "^" and c.code in ("FN", "FH", "FD", "FS"))
            )
    merged: list[bytes] = [c.raw for c in recall[:xf_index]]
    for field in _groups(body, "FS"):
        number = _field_number(field)
        if number is None or number not in values:
            merged.extend(c.raw for c in field)
            continue
        for command in field:
            if command.prefix == "^" and command.code in ("FD", "FH"):
                continue  # the stored default and its escape flag give way to the recall
            if command.prefix == "^" and command.code == "FN":
                merged.extend(c.raw for c in values[number])
            else:
                merged.append(command.raw)
    xz = [c for c in others if c.prefix == "^" and c.code == "XZ"]
    merged.extend(c.raw for c in others if c not in xz)
    merged.extend(c.raw for c in xz)
    return b"".join(merged)


def merge_stored_formats(zpl: bytes | str) -> bytes:
    """Resolve ``^DF`` stored formats and ``^XF`` recalls into standalone formats.

    A ``^DF`` format is removed from the output (a printer stores it and prints nothing); each
    ``^XF`` format becomes the stored body with every ``^FNn`` field's default ``^FD`` replaced by
    the value (and ``^FH`` flag) sent for field ``n``. Fields the recall does not fill keep the
    stored default, as on a printer. Formats without ``^XF`` pass unchanged.

    Raises:
        RenderError: a format is recalled that the stream never defined.
    """
    stored: dict[str, list[ZplCommand]] = {}
    out: list[bytes] = []
    for fmt in _groups(tokenize(zpl), "XZ", start="XA"):
        df_index = next((i for i, c in enumerate(fmt) if c.prefix == "^" and c.code == "DF"), None)
        if df_index is not None:
            body = fmt[df_index + 1 :]
            if body and body[0].prefix == "^" and body[0].code == "FS":
                body = body[1:]
            stored[_format_name(fmt[df_index].params)] = [
                c for c in body if not (c.prefix == "^" and c.code == "XZ")
            ]
            continue
        out.append(_merge_recall(fmt, stored))
    return b"".join(out)


def _document(zpl: bytes | str, dpi: int) -> zplkit.rendering.Document | None:
    if dpi not in SUPPORTED_DPI:
        raise RenderError(f"ZPL imaging dpi {dpi!r}: expected one of {SUPPORTED_DPI}")
    prepared, labels = _prepare(zpl)
    if labels == 0:
        return None
    try:
        return zplkit.render(prepared, zplkit.Options(profile="zd621", dpi=dpi), limits=_LIMITS)
    except ZplkitRenderError as exc:
        context = prepared[exc.offset : exc.offset + 20].decode("latin-1")
        raise RenderError(
            f"ZPL imaging refused byte {exc.offset} ({context!r}…): {exc.message}; "
            "expected only commands zplkit can draw"
        ) from exc


def render_zpl_images(zpl: bytes | str, dpi: int = 203) -> list[Image.Image]:
    """Image every label of a ZPL stream, in order, as 8-bit grayscale (0 black, 255 white).

    Raises:
        RenderError: the stream cannot be framed or imaged, or ``dpi`` is not supported.
    """
    images: list[Image.Image] = []
    document = _document(zpl, dpi)
    if document is None:
        return images
    for scene in document.labels:
        raster = scene.rasterize()
        images.append(Image.frombytes("L", (raster.width, raster.height), raster.pixels))
    return images


def render_zpl_image(zpl: bytes | str, dpi: int = 203) -> Image.Image:
    """Image the first label of a ZPL stream (stored formats merged, setup commands stripped).

    Raises:
        RenderError: the stream holds no printable label, or cannot be imaged.
    """
    images = render_zpl_images(zpl, dpi)
    if not images:
        raise RenderError("ZPL stream: no printable label; expected at least one ^XA … ^XZ")
    return images[0]


def render_zpl_png(zpl: bytes | str, dpi: int = 203) -> bytes:
    """The first label of a ZPL stream as PNG bytes (see :func:`render_zpl_image`)."""
    buffer = io.BytesIO()
    render_zpl_image(zpl, dpi).save(buffer, format="PNG")
    return buffer.getvalue()
