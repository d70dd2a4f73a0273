"""Fit an image resource into a box of dots: shared by the PNG preview, the ZPL ``^GF`` and PDF.

The preview must show exactly the dots the printer will print, so both renderers must scale an
image the same way: aspect ratio kept, alpha composited over white paper (transparent areas are
paper, not black), scaled to whole dots, centred in the box. Each renderer then thresholds the
grey image (dark, < 128, is ink) in the bit order its output needs.

Images: PNG (and any raster Pillow reads) and SVG (logos, ISO 15223-1 symbols; issue #3).

SVG is rasterised with ``resvg-py`` (resvg, Rust, via PyO3): a self-contained abi3 wheel that
needs no system library beyond Debian bookworm base and no Qt, is typed (``py.typed``) and
actively maintained. The alternatives were worse here: ``cairosvg`` needs libcairo2 as a system
package, and ``svglib`` rasterises only through rlPyCairo/_renderPM and maps SVG fonts onto
ReportLab's standard fonts. resvg gets only our bundled fonts (``skip_system_fonts``), so an
SVG's text renders the same on every workstation. An SVG is rendered directly at the fitted size
(no second resampling), which is sharper than resampling a fixed raster.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import resvg_py
from PIL import Image as PILImage

from labelstation.errors import RenderError
from labelstation.resources import font_ids, font_path

#: Grey levels below this are ink.
INK_BELOW = 128

#: The family name inside the bundled ``sans`` font files (DejaVuSans*.ttf).
_FAMILY = "DejaVu Sans"


def is_svg(path: Path) -> bool:
    """Whether ``path`` names an SVG (by suffix, as templates name their resources)."""
    return path.suffix.lower() == ".svg"


@cache
def _font_files() -> list[str]:
    """The bundled fonts, the only ones an SVG may use (same glyphs on every workstation)."""
    return sorted({str(font_path(f, bold)) for f in font_ids() for bold in (False, True)})


def _svg(path: Path, name: str, size: tuple[int, int] | None) -> PILImage.Image:
    """Render the SVG at ``path`` to RGBA, at ``size`` pixels or (``None``) its intrinsic size."""
    try:
        data = resvg_py.svg_to_bytes(
            svg_path=str(path),
            width=None if size is None else size[0],
            height=None if size is None else size[1],
            dpi=96.0,  # CSS px: resvg-py's default 0 turns "10mm" into a zero size
            skip_system_fonts=True,
            font_files=_font_files(),
            # Every family falls back to the bundled font: without a default, resvg silently
            # drops text whose font-family it lacks, and a label would lose a word unnoticed.
            font_family=_FAMILY,
            serif_family=_FAMILY,
            sans_serif_family=_FAMILY,
            monospace_family=_FAMILY,
            cursive_family=_FAMILY,
            fantasy_family=_FAMILY,
        )
        with PILImage.open(io.BytesIO(data)) as rendered:
            rendered.load()
            return rendered.convert("RGBA")
    except (ValueError, OSError) as exc:
        raise RenderError(
            f"image {name!r}: cannot be read as SVG ({exc}); expected a well-formed SVG file"
        ) from exc


def _raster(path: Path, name: str) -> PILImage.Image:
    """Read a raster image (anything Pillow reads) as RGBA at its own size."""
    try:
        with PILImage.open(path) as source:
            source.load()
            return source.convert("RGBA")
    except OSError as exc:
        raise RenderError(f"image {name!r}: cannot be read ({exc}); expected a PNG or SVG") from exc


def _fit(source: tuple[int, int], size: tuple[int, int]) -> tuple[int, int]:
    """Scale ``source`` into ``size`` keeping its aspect ratio, in whole dots (at least 1)."""
    scale = min(size[0] / source[0], size[1] / source[1])
    return max(1, round(source[0] * scale)), max(1, round(source[1] * scale))


def fitted_rgba(path: Path, size: tuple[int, int], *, name: str) -> PILImage.Image:
    """Load ``path`` and fit it into ``size`` pixels as RGBA (transparency kept).

    PDF draws this for an SVG (ReportLab has no SVG reader), so its image keeps what lies
    beneath visible, like a PNG drawn with ``mask="auto"``.

    Args:
        path: The image file (PNG, any raster Pillow reads, or SVG).
        size: The box in pixels, ``(width, height)``.
        name: How refusals name the image (the resource name or the path as given).

    Returns:
        The fitted RGBA image (aspect ratio kept, at least 1 × 1; not padded to ``size``).

    Raises:
        RenderError: The file cannot be read, or is a malformed SVG.
    """
    if is_svg(path):
        intrinsic = _svg(path, name, None)
        fitted = _fit(intrinsic.size, size)
        rgba = _svg(path, name, fitted)
        if rgba.size != fitted:  # resvg keeps the SVG's own aspect; force the shared rule
            rgba = rgba.resize(fitted, PILImage.Resampling.LANCZOS)
        return rgba
    rgba = _raster(path, name)
    return rgba.resize(_fit(rgba.size, size), PILImage.Resampling.LANCZOS)


def fitted_grey(
    path: Path, size: tuple[int, int], *, name: str
) -> tuple[PILImage.Image, tuple[int, int]]:
    """Load ``path`` and fit it into ``size`` dots as an 8-bit grey image.

    Args:
        path: The image file (PNG, any raster Pillow reads, or SVG).
        size: The box in dots, ``(width, height)``.
        name: How refusals name the image (the resource name or the path as given).

    Returns:
        The grey image (mode ``"L"``, at least 1 × 1) and its offset inside the box (centred).

    Raises:
        RenderError: The file cannot be read, or is a malformed SVG.
    """
    if is_svg(path):
        rgba = fitted_rgba(path, size, name=name)
        flat = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)  # transparent areas are paper, not black
        grey = flat.convert("L")
    else:
        rgba = _raster(path, name)
        flat = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)  # transparent areas are paper, not black
        # Composite first, then resample: resampling RGBA would blend paper into edges twice.
        grey = flat.convert("L").resize(_fit(rgba.size, size), PILImage.Resampling.LANCZOS)
    return grey, ((size[0] - grey.width) // 2, (size[1] - grey.height) // 2)
