"""Draw the shipped ISO 15223-1-style label symbols as SVG and PNG from one shape list.

These are LabelStation's own simplified redrawings, made to look like the ISO 15223-1 symbols
(5.1.1 manufacturer, 5.1.4 use-by date, 5.1.5 batch code, 5.1.6 catalogue number, 5.1.7 serial
number, 5.1.3 date of manufacture); they are approximations, not copies of the standard's
artwork. Check them against the standard before relying on them on a regulated label.

Run from the repository root: ``.venv/bin/python resources/icons/make_icons.py``. Each symbol is
described once on a 100 × 100 grid as SVG; the PNG is that SVG rasterised by the renderers' own
SVG path (resvg), so the two cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from labelstation.render._raster import fitted_rgba

HERE = Path(__file__).resolve().parent
PNG_PX = 400  # 100-unit grid drawn at 4 px per unit
STROKE = 6

Shape = tuple[str, object]

# A factory: saw-tooth roof with a chimney, filled (manufacturer) or outlined (manufacture date).
_FACTORY = [
    (8, 92), (8, 46), (30, 30), (30, 46), (52, 30), (52, 46), (70, 32), (70, 8), (84, 8),
    (84, 92),
]  # fmt: skip
# An hourglass (use-by date).
_HOURGLASS = [(22, 8), (78, 8), (78, 14), (54, 50), (78, 86), (78, 92), (22, 92), (22, 86),
              (46, 50), (22, 14)]  # fmt: skip


def _boxed_text(text: str) -> list[Shape]:
    return [("rect", (6, 22, 94, 78)), ("text", text)]


SYMBOLS: dict[str, list[Shape]] = {
    "manufacturer": [("polygon-filled", _FACTORY)],
    "manufacture-date": [("polygon", _FACTORY)],
    "use-by": [("polygon", _HOURGLASS), ("polygon-filled", [(34, 86), (66, 86), (50, 66)])],
    "lot": _boxed_text("LOT"),
    "ref": _boxed_text("REF"),
    "sn": _boxed_text("SN"),
}


def _svg(shapes: list[Shape]) -> str:
    body: list[str] = []
    for kind, arg in shapes:
        if kind.startswith("polygon"):
            points = " ".join(f"{x},{y}" for x, y in arg)  # type: ignore[attr-defined]
            fill = "#000" if kind == "polygon-filled" else "none"
            body.append(
                f'<polygon points="{points}" fill="{fill}" stroke="#000" '
                f'stroke-width="{STROKE}" stroke-linejoin="miter"/>'
            )
        elif kind == "rect":
            x0, y0, x1, y1 = arg  # type: ignore[misc]
            body.append(
                f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" '
                f'stroke="#000" stroke-width="{STROKE}"/>'
            )
        else:
            size = 30 if len(str(arg)) > 2 else 36
            body.append(
                f'<text x="50" y="{50 + size * 0.36:.1f}" font-family="DejaVu Sans" '
                f'font-weight="bold" font-size="{size}" text-anchor="middle">{arg}</text>'
            )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="10mm" '
        'height="10mm">\n  ' + "\n  ".join(body) + "\n</svg>\n"
    )


def _png(svg: Path) -> Image.Image:
    """Rasterise the SVG just written with the renderers' own SVG path, so PNG and SVG match."""
    return fitted_rgba(svg, (PNG_PX, PNG_PX), name=svg.name).convert("LA")


def main() -> None:
    for name, shapes in SYMBOLS.items():
        svg = HERE / f"{name}.svg"
        svg.write_text(_svg(shapes), encoding="utf-8")
        _png(svg).save(HERE / f"{name}.png", optimize=True)
        print(f"wrote {name}.svg and {name}.png")


if __name__ == "__main__":
    main()
