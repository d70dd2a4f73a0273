"""``labelstation render``: lay out a template with data and write PDF, PNG or ZPL.

The output kind follows the extension of ``--out``. Every file is written to a temporary name
beside it and renamed only when the whole run succeeded, so a refused run (bad template, data
that breaks GS1 rules, a serial over 20 characters) leaves nothing behind that could be
mistaken for a good print file. Before anything is renamed, the first label is decoded back
from the PNG preview and, for ZPL, from the ZPL itself (imaged offline), and must carry exactly
the intended content; the JSON output reports that content.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from labelstation.cli._output import gs_visible, print_json
from labelstation.errors import RenderError, ValidationError
from labelstation.render.export import write_files_atomically
from labelstation.render.pdf import pdf_bytes
from labelstation.render.png import png_bytes, render_png
from labelstation.render.verify import verify_symbols
from labelstation.render.zpl import zpl_font_downloads, zpl_job
from labelstation.render.zplimage import render_zpl_image
from labelstation.template import layout, load_data, load_template
from labelstation.template.displaylist import DisplayList
from labelstation.units import SUPPORTED_DPI

#: GS1 AI (21) and EU FMD Art. 4: a serial number has at most 20 characters.
MAX_SERIAL = 20
_KINDS = (".pdf", ".png", ".zpl")


def register(subparsers: Any) -> None:
    """Add the ``render`` command to the ``labelstation`` parser."""
    parser = subparsers.add_parser(
        "render",
        help="lay out a template with data and write a PDF, PNG or ZPL file",
        description="Lay out TEMPLATE with the record in --data and write --out; the kind "
        "(PDF, PNG or ZPL) follows its extension. Exit 2 when the template or data is refused.",
    )
    parser.add_argument("template", metavar="TEMPLATE.json", help="label template (JSON)")
    parser.add_argument("--data", required=True, metavar="DATA.json", help="one data record")
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="output file: .pdf, .png or .zpl"
    )
    parser.add_argument(
        "--dpi",
        type=int,
        choices=SUPPORTED_DPI,
        help="printer resolution (default: the template's stock dpi)",
    )
    parser.add_argument(
        "--stored-format",
        action="store_true",
        help="ZPL: one ^DF stored format, then one ^XF recall per label",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=1,
        metavar="N",
        help="render N labels; the data's serial becomes a prefix with a zero-padded counter",
    )
    parser.add_argument("--proof", action="store_true", help="PDF: proof watermark and footer")
    parser.add_argument(
        "--template-version",
        default="",
        metavar="V",
        help="approved version label shown in the proof footer as vV (default: DRAFT)",
    )
    parser.add_argument(
        "--no-fonts",
        action="store_true",
        help="ZPL: omit the ~DY TrueType downloads (the printer already holds them)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    parser.set_defaults(handler=run)


def serials(prefix: str, count: int) -> list[str]:
    """``count`` serials: ``prefix`` + a counter from 1, zero-padded to the width of ``count``.

    Raises:
        ValidationError: ``count`` is below 1, or a serial would exceed 20 characters.
    """
    if count < 1:
        raise ValidationError(f"--count {count}: expected a positive number of labels")
    width = len(str(count))
    if len(prefix) + width > MAX_SERIAL:
        raise ValidationError(
            f"serial {prefix!r} + {width}-digit counter: {len(prefix) + width} characters; "
            f"expected at most {MAX_SERIAL} (GS1 AI 21)"
        )
    return [f"{prefix}{n:0{width}d}" for n in range(1, count + 1)]


def _records(data: dict[str, Any], count: int) -> list[dict[str, Any]]:
    if count == 1:
        return [data]
    prefix = data.get("serial")
    if not isinstance(prefix, str):
        raise ValidationError(
            f"--count {count}: the data has no text field 'serial' to number; expected a "
            "'serial' prefix in the data file"
        )
    return [{**data, "serial": s} for s in serials(prefix, count)]


def _kind(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in _KINDS:
        raise ValidationError(
            f"--out {str(out)!r}: unknown extension {suffix or '(none)'!r}; expected one of "
            f"{', '.join(_KINDS)}"
        )
    return suffix


def _check_decodes(display_list: DisplayList, image: Any, dpi: int, what: str) -> None:
    report = verify_symbols(display_list, image, dpi)
    if not report.ok:
        raise RenderError(f"{what}: {report.problems[0].message}")


def _png_names(out: Path, count: int) -> list[Path]:
    if count == 1:
        return [out]
    width = max(4, len(str(count)))
    return [out.with_name(f"{out.stem}-{n:0{width}d}{out.suffix}") for n in range(1, count + 1)]


def run(args: argparse.Namespace) -> int:
    """Render the labels and write them; return 0 (refusals raise and exit 2)."""
    out = Path(args.out)
    kind = _kind(out)
    if args.proof and kind != ".pdf":
        raise ValidationError(f"--proof with --out {str(out)!r}: expected a .pdf output")
    if args.stored_format and kind != ".zpl":
        raise ValidationError(f"--stored-format with --out {str(out)!r}: expected a .zpl output")
    template = load_template(args.template)
    data = load_data(args.data)
    dpi = args.dpi or template.stock.dpi
    records = _records(data, args.count)
    version = args.template_version
    display_lists = [layout(template, record, dpi=dpi, version=version) for record in records]
    first = display_lists[0]
    _check_decodes(first, render_png(first, dpi), dpi, "PNG preview of label 1")
    files: dict[Path, bytes] = {}
    if kind == ".pdf":
        files[out] = pdf_bytes(display_lists, proof=args.proof)
    elif kind == ".png":
        for name, dl in zip(_png_names(out, len(display_lists)), display_lists, strict=True):
            files[name] = png_bytes(dl, dpi)
    else:
        fonts = zpl_font_downloads(*display_lists)
        body = zpl_job(display_lists, dpi, stored=args.stored_format)
        # label 1 as sent: up to the end of the first recall (or of the first full format);
        # "^" never occurs raw in field data, so the markers cannot be data
        end = body.index("^XZ", body.index("^XF") if args.stored_format else 0) + 3
        first_label = body[:end]
        image = render_zpl_image(fonts + first_label.encode("utf-8"), dpi)
        _check_decodes(first, image, dpi, "ZPL of label 1")
        files[out] = (b"" if args.no_fonts else fonts) + body.encode("utf-8")
    for name in files:
        name.parent.mkdir(parents=True, exist_ok=True)
    written = write_files_atomically(files)
    if args.json:
        print_json(
            {
                "out": str(out),
                "files": [str(p) for p in files],
                "bytes": written,
                "labels": len(display_lists),
                "dpi": dpi,
                "symbols": [
                    {
                        "kind": s.kind,
                        "data": gs_visible(s.symbology_id + s.data),
                        "hri": s.hri,
                    }
                    for s in first.symbols
                ],
            }
        )
    return 0
