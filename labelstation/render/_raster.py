"""Fit a raster image resource into a box of dots: shared by the PNG preview and the ZPL ``^GF``.

The preview must show exactly the dots the printer will print, so both renderers must scale an
image the same way: aspect ratio kept, alpha composited over white paper (transparent areas are
paper, not black), LANCZOS resampling to whole dots, centred in the box. Each renderer then
thresholds the grey image (dark, < 128, is ink) in the bit order its output needs.

Images: PNG (and any raster Pillow reads) only. No SVG rasteriser is available without Qt, so an
SVG resource is refused with a :class:`~labelstation.errors.RenderError`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage

from labelstation.errors import RenderError

#: Grey levels below this are ink.
INK_BELOW = 128


def fitted_grey(
    path: Path, size: tuple[int, int], *, name: str, svg_refusal: str
) -> tuple[PILImage.Image, tuple[int, int]]:
    """Load ``path`` and fit it into ``size`` dots as an 8-bit grey image.

    Args:
        path: The image file.
        size: The box in dots, ``(width, height)``.
        name: How refusals name the image (the resource name or the path as given).
        svg_refusal: Why this renderer refuses SVG, e.g. ``"SVG cannot be rasterised for ZPL"``.

    Returns:
        The grey image (mode ``"L"``, at least 1 × 1) and its offset inside the box (centred).

    Raises:
        RenderError: The file is an SVG, or Pillow cannot read it.
    """
    if path.suffix.lower() == ".svg":
        raise RenderError(
            f"image {name!r}: {svg_refusal} (no SVG rasteriser without Qt); expected a PNG"
        )
    try:
        with PILImage.open(path) as source:
            source.load()
            rgba = source.convert("RGBA")
    except OSError as exc:
        raise RenderError(f"image {name!r}: cannot be read ({exc}); expected a PNG") from exc
    flat = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)  # transparent areas are paper, not black
    scale = min(size[0] / rgba.width, size[1] / rgba.height)
    fitted = (max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale)))
    grey = flat.convert("L").resize(fitted, PILImage.Resampling.LANCZOS)
    return grey, ((size[0] - fitted[0]) // 2, (size[1] - fitted[1]) // 2)
