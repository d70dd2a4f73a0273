"""The label template model: stock and elements as frozen dataclasses, stored as JSON.

A template is stored as UTF-8 JSON tagged ``"schema": "labelstation.template/1"`` and checked
against ``schema-1.json`` (shipped as package data) before it is turned into these objects, so a
malformed file is refused with a message naming the element id and the field instead of
failing somewhere in layout. :meth:`Template.to_json` writes every field explicitly (defaults
included, lengths as floats), so :attr:`Template.content_hash` identifies what the template
*means*: two files that differ only in key order, indentation or omitted defaults are the same
version.

Lengths are millimetres, origin top-left, y down, like the display list. A text box's ``x, y,
w, h`` is its bounding box on the label *after* rotation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import jsonschema

from labelstation.errors import LabelStationError, TemplateError
from labelstation.resources import font_ids, resource_path, resources_root
from labelstation.symbols import kinds as symbol_kinds
from labelstation.symbols import symbology
from labelstation.template.canonical import content_hash
from labelstation.template.displaylist import Align, Rotation, SymbolOptions
from labelstation.template.expr import Expression, check_date_format, parse
from labelstation.udi import expiry_format_from_name

SCHEMA_ID = "labelstation.template/1"
SCHEMA_VERSION = 1
_SCHEMA_PREFIX = "labelstation.template/"

Media = Literal["gap", "black-mark", "continuous"]
Market = Literal["EU", "US", "DE", "custom"]
HibcPart = Literal["combined", "primary", "secondary"]
Orientation = Literal[0, 180]

#: The encoder options a template may set, and the symbologies each one applies to.
#: ``bar_height`` is not among them: a template gives linear symbols ``height`` in mm.
SYMBOL_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "rectangular": ("gs1-datamatrix", "datamatrix", "hibc-datamatrix"),
    "ecc": ("qr", "gs1-qr"),
    "stacked": ("gs1-databar",),
    "columns": ("gs1-databar",),
}


@dataclass(frozen=True)
class Stock:
    """The label stock: size, corner radius, media sensing, feed orientation, printer resolution.

    Attributes:
        width: Label width across the print head, mm.
        height: Label length in the feed direction, mm.
        corner_radius: Die-cut corner radius, mm (drawn as a guide on proofs).
        media: ``gap`` (die-cut with gaps), ``black-mark`` or ``continuous``.
        gap: Gap or black-mark length in mm (0 for continuous).
        orientation: How the printed label leaves the printer: ``0`` as designed (its top edge
            first, ZPL ``^PON``) or ``180`` inverted (the printer turns the whole format by
            180°, ``^POI``: the bottom edge leaves first, as an applicator or a rewinder
            threaded the other way needs). Elements are always placed as a person reads the
            label, so the preview and the PDF proof stay upright whatever the orientation; only
            the printer turns the label. 90 and 270 are refused by the schema: a Zebra turns a
            whole format only by 180°, and a landscape design is the template's own layout
            (turn its elements with their ``rotation``), not a property of the stock.
        dpi: The printer resolution the template was designed for (layout may use another).
    """

    width: float
    height: float
    corner_radius: float = 0.0
    media: Media = "gap"
    gap: float = 3.0
    orientation: Orientation = 0
    dpi: int = 300


@dataclass(frozen=True)
class TextStyle:
    """Typography shared by text, variable fields and the GS1 human-readable block.

    Attributes:
        size_pt: The design font size; shrink-to-fit may go down to ``min_size_pt``.
        shrink: Lower the size in 0.25 pt steps until the text fits its box.
        line_spacing: Line pitch as a multiple of the font's line box.
    """

    font: str = "sans"
    size_pt: float = 8.0
    bold: bool = False
    align: Align = "left"
    shrink: bool = False
    min_size_pt: float = 4.0
    line_spacing: float = 1.0
    rotation: Rotation = 0


@dataclass(frozen=True)
class TextElement:
    """Fixed text (no placeholders: braces are printed as they are)."""

    id: str
    x: float
    y: float
    w: float
    h: float
    text: str
    style: TextStyle = field(default_factory=TextStyle)
    wrap: bool = False
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class FieldElement:
    """Text computed per label from the batch data by an expression (``LOT {lot|upper}``)."""

    id: str
    x: float
    y: float
    w: float
    h: float
    expr: Expression
    style: TextStyle = field(default_factory=TextStyle)
    wrap: bool = False
    type: Literal["field"] = "field"


@dataclass(frozen=True)
class HibcContent:
    """The parts of a HIBCC UDI, each an expression over the batch data.

    ``part`` chooses the primary data only, the secondary data only, or both in one symbol
    (``combined``, the usual choice for a single DataMatrix).
    """

    lic: Expression
    product: Expression
    unit: Expression | None = None
    lot: Expression | None = None
    expiry: Expression | None = None
    serial: Expression | None = None
    quantity: Expression | None = None
    expiry_format: str | None = None
    part: HibcPart = "combined"


@dataclass(frozen=True)
class BarcodeElement:
    """A barcode whose content is built from the batch data.

    Exactly one of ``data`` (plain symbologies), ``gs1`` (``(AI, expression)`` pairs built with
    the GS1 core) or ``hibc`` (HIBCC parts) is set, matching ``kind``.

    Attributes:
        module_mm / module_dots: The X-dimension, in mm or in printer dots (at most one; neither
            means the symbology's default). Layout snaps it to whole dots at the target dpi.
        quiet_zone: In modules on each side; ``None`` means the symbology's minimum.
        height: Bar height of linear symbols in mm (ignored by 2D symbols).
        partial: The GS1 content is part of a message spread over several barcodes of the
            label (a logistic label's (02)+(37) beside the (00) symbol): GS1 pairing rules are
            then checked over the AIs of all GS1 barcodes of the label, not this one alone.
        options: Encoder options as sorted ``(name, value)`` pairs (see
            :data:`SYMBOL_OPTIONS`): ``rectangular`` for Data Matrix kinds (a narrow flap),
            ``ecc`` L/M/Q/H for QR kinds, ``stacked`` and ``columns`` for GS1 DataBar
            Expanded. Layout sizes the symbol with them and every renderer draws with them.
    """

    id: str
    x: float
    y: float
    kind: str
    data: Expression | None = None
    gs1: tuple[tuple[str, Expression], ...] = ()
    hibc: HibcContent | None = None
    module_mm: float | None = None
    module_dots: int | None = None
    quiet_zone: float | None = None
    height: float = 15.0
    show_hri: bool = False
    rotation: Rotation = 0
    partial: bool = False
    options: SymbolOptions = ()
    type: Literal["barcode"] = "barcode"

    @property
    def expressions(self) -> tuple[Expression, ...]:
        """Every expression the content is built from."""
        found: list[Expression] = []
        if self.data is not None:
            found.append(self.data)
        found.extend(expr for _, expr in self.gs1)
        if self.hibc is not None:
            h = self.hibc
            parts = (h.lic, h.product, h.unit, h.lot, h.expiry, h.serial, h.quantity)
            found.extend(p for p in parts if p is not None)
        return tuple(found)


@dataclass(frozen=True)
class HriElement:
    """The GS1 human-readable block next to a code (EU FMD Art. 7, DSCSA).

    One line per AI of the ``source`` barcode that has a caption: ``PC 09506000134352``,
    ``SN …``, ``LOT …``, ``EXP …``. ``market`` picks captions and date format; ``captions``
    and ``date_format`` override them; ``ais`` picks and orders the lines (default: the
    barcode's AIs in order).
    """

    id: str
    x: float
    y: float
    w: float
    h: float
    source: str
    market: Market = "EU"
    captions: tuple[tuple[str, str], ...] = ()
    date_format: str | None = None
    ais: tuple[str, ...] | None = None
    separator: str = " "
    style: TextStyle = field(default_factory=TextStyle)
    type: Literal["hri"] = "hri"


@dataclass(frozen=True)
class BoxElement:
    """A rectangle outline or filled area."""

    id: str
    x: float
    y: float
    w: float
    h: float
    stroke: float = 0.25
    fill: bool = False
    radius: float = 0.0
    type: Literal["box"] = "box"


@dataclass(frozen=True)
class EllipseElement:
    """An ellipse inscribed in its box."""

    id: str
    x: float
    y: float
    w: float
    h: float
    stroke: float = 0.25
    fill: bool = False
    type: Literal["ellipse"] = "ellipse"


@dataclass(frozen=True)
class LineElement:
    """A straight line between two points."""

    id: str
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: float = 0.25
    type: Literal["line"] = "line"


@dataclass(frozen=True)
class ImageElement:
    """A logo or symbol image (``resources/``-relative or absolute path) scaled into its box."""

    id: str
    x: float
    y: float
    w: float
    h: float
    resource: str
    type: Literal["image"] = "image"


Element = (
    TextElement
    | FieldElement
    | BarcodeElement
    | HriElement
    | BoxElement
    | EllipseElement
    | LineElement
    | ImageElement
)


@dataclass(frozen=True)
class Template:
    """One label template version: identity, stock and elements in drawing order."""

    id: str
    name: str
    stock: Stock
    elements: tuple[Element, ...]
    description: str = ""

    @classmethod
    def from_json(cls, obj: Any) -> Template:
        """Check ``obj`` (a decoded JSON document) and build the template.

        Raises:
            TemplateError: Unknown or newer schema version, a schema violation (naming the
                element id and field), an expression that does not parse, duplicate ids, an
                HRI block pointing at a missing or non-GS1 barcode, an unknown font or image.
        """
        _check_schema_tag(obj)
        _validate(obj)
        return _build_template(obj)

    def to_json(self) -> dict[str, Any]:
        """Return the template as a JSON document with every field written out."""
        doc: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "stock": {
                "width": float(self.stock.width),
                "height": float(self.stock.height),
                "corner_radius": float(self.stock.corner_radius),
                "media": self.stock.media,
                "gap": float(self.stock.gap),
                "orientation": self.stock.orientation,
                "dpi": self.stock.dpi,
            },
            "elements": [_element_to_json(e) for e in self.elements],
        }
        return doc

    @cached_property
    def content_hash(self) -> str:
        """The SHA-256 of the canonical JSON of :meth:`to_json`: this version's identity."""
        return content_hash(self.to_json())

    def element(self, element_id: str) -> Element:
        """Return the element with ``element_id``.

        Raises:
            TemplateError: There is no such element.
        """
        for element in self.elements:
            if element.id == element_id:
                return element
        raise TemplateError(f"template {self.id!r}: no element with id {element_id!r}")

    @property
    def fields(self) -> frozenset[str]:
        """Every batch-data field some expression of the template reads."""
        names: set[str] = set()
        for element in self.elements:
            if isinstance(element, FieldElement):
                names |= element.expr.fields
            elif isinstance(element, BarcodeElement):
                for expr in element.expressions:
                    names |= expr.fields
        return frozenset(names)


def load_template(path: str | Path) -> Template:
    """Read a UTF-8 JSON template file and build the :class:`Template`.

    Raises:
        TemplateError: The file cannot be read, is not UTF-8 JSON, or is not a valid template.
    """
    return Template.from_json(_read_json(path, "template"))


def sample_templates() -> list[Path]:
    """The sample templates shipped in ``resources/templates``, sorted by path.

    Each ``NAME.json`` has its sample record beside it as ``NAME.data.json``; those data files
    are not templates and are left out. The designer, the tests and the benchmarks all walk the
    same list, so a new sample is checked everywhere as soon as it is added.
    """
    folder = resources_root() / "templates"
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".data.json"))


def load_data(path: str | Path) -> dict[str, Any]:
    """Read one record of batch data (a UTF-8 JSON object; dates as ISO ``YYYY-MM-DD``).

    Raises:
        TemplateError: The file cannot be read, is not JSON, or is not an object.
    """
    doc = _read_json(path, "data")
    if not isinstance(doc, dict):
        raise TemplateError(
            f"data file {str(path)!r}: top level is {type(doc).__name__}, expected a JSON object"
        )
    return doc


def _read_json(path: str | Path, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{what} file {str(path)!r}: no such file") from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{what} file {str(path)!r}: not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise TemplateError(f"{what} file {str(path)!r}: cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"{what} file {str(path)!r}: not valid JSON at line {exc.lineno} column {exc.colno} "
            f"({exc.msg})"
        ) from None


# --- validation -------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """Return the JSON Schema of ``labelstation.template/1`` (package data ``schema-1.json``)."""
    text = resources.files("labelstation.template").joinpath("schema-1.json").read_text("utf-8")
    return cast(dict[str, Any], json.loads(text))


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def _check_schema_tag(obj: Any) -> None:
    if not isinstance(obj, dict):
        raise TemplateError(
            f"template: top level is {type(obj).__name__}, expected a JSON object "
            f'with "schema": {SCHEMA_ID!r}'
        )
    tag = obj.get("schema")
    if tag is None:
        raise TemplateError(f"template: field 'schema' is missing (expected {SCHEMA_ID!r})")
    if tag == SCHEMA_ID:
        return
    if isinstance(tag, str) and tag.startswith(_SCHEMA_PREFIX):
        version = tag[len(_SCHEMA_PREFIX) :]
        if version.isdigit() and version.isascii() and int(version) > SCHEMA_VERSION:
            raise TemplateError(
                f"template schema {tag!r} is newer than this LabelStation supports ({SCHEMA_ID})"
            )
    raise TemplateError(f"template schema {tag!r} is not supported (expected {SCHEMA_ID!r})")


def _validate(obj: dict[str, Any]) -> None:
    errors = sorted(
        _validator().iter_errors(obj), key=lambda e: (_path_key(e), e.validator or "", e.message)
    )
    if not errors:
        return
    # Report the deepest error of the first place that is wrong: it names the real field.
    first = errors[0]
    same_place = [e for e in errors if list(e.absolute_path)[:2] == list(first.absolute_path)[:2]]
    error = max(same_place, key=lambda e: len(e.absolute_path))
    raise TemplateError(_describe(obj, error))


def _path_key(error: jsonschema.ValidationError) -> tuple[str, ...]:
    return tuple(f"{p:08d}" if isinstance(p, int) else str(p) for p in error.absolute_path)


def _describe(obj: dict[str, Any], error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "elements" and isinstance(path[1], int):
        element = obj["elements"][path[1]]
        eid = element.get("id") if isinstance(element, dict) else None
        where = f"element {eid!r}" if isinstance(eid, str) else f"element #{path[1] + 1}"
        if isinstance(element, dict) and isinstance(element.get("type"), str):
            where += f" ({element['type']})"
        rest = path[2:]
    elif path and path[0] == "stock":
        where, rest = "template stock", path[1:]
    else:
        where, rest = "template", path
    field_name = _dotted(rest)
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        target = f"{field_name}.{missing}" if field_name else missing
        return f"{where}: field {target!r} is missing"
    if validator == "additionalProperties":
        instance = error.instance if isinstance(error.instance, dict) else {}
        allowed = (
            set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        )
        extra = sorted(k for k in instance if k not in allowed)
        target = _dotted([*rest, extra[0]]) if extra else field_name
        return f"{where}: unknown field {target!r}"
    if validator == "oneOf" and where.startswith("element"):
        return f"{where}: expected exactly one of the fields 'data', 'gs1' or 'hibc'"
    if validator == "enum" and rest == ["type"] and where.startswith("element"):
        kinds = ", ".join(error.validator_value)
        return f"{where} field 'type': unknown element type {error.instance!r} (expected {kinds})"
    value = json.dumps(error.instance, ensure_ascii=False)
    return f"{where} field {field_name!r}: {value} {_expectation(error)}"


def _dotted(path: list[str | int]) -> str:
    """``['gs1', 4, 0]`` -> ``gs1[4][0]``; ``['hibc', 'lot']`` -> ``hibc.lot``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _expectation(error: jsonschema.ValidationError) -> str:
    v, want = error.validator, error.validator_value
    if v == "minimum":
        return f"is too small (expected >= {want})"
    if v == "maximum":
        return f"is too large (expected <= {want})"
    if v == "exclusiveMinimum":
        return f"is too small (expected > {want})"
    if v == "enum":
        return "is not allowed (expected one of " + ", ".join(json.dumps(w) for w in want) + ")"
    if v == "type":
        return f"has the wrong type (expected {want})"
    if v == "pattern":
        return f"does not match the pattern {want}"
    if v in ("maxLength", "maxItems"):
        return f"is too long (expected at most {want})"
    if v in ("minLength", "minItems"):
        return f"is too short (expected at least {want})"
    return f"is invalid ({error.message})"


# --- building ---------------------------------------------------------------------------------


def _expr(where: str, field_name: str, source: str) -> Expression:
    try:
        return parse(source)
    except TemplateError as exc:
        raise TemplateError(f"{where} field {field_name!r}: {exc}") from None


def _style(obj: Mapping[str, Any], where: str) -> TextStyle:
    font = obj.get("font", "sans")
    if font not in font_ids():
        raise TemplateError(
            f"{where} field 'font': {font!r} is not a shipped font "
            f"(expected one of {', '.join(font_ids())})"
        )
    style = TextStyle(
        font=font,
        size_pt=float(obj["size_pt"]),
        bold=obj.get("bold", False),
        align=obj.get("align", "left"),
        shrink=obj.get("shrink", False),
        min_size_pt=float(obj.get("min_size_pt", min(4.0, obj["size_pt"]))),
        line_spacing=float(obj.get("line_spacing", 1.0)),
        rotation=obj.get("rotation", 0),
    )
    if style.min_size_pt > style.size_pt:
        raise TemplateError(
            f"{where} field 'min_size_pt': {style.min_size_pt:g} is larger than "
            f"size_pt {style.size_pt:g} (expected min_size_pt <= size_pt)"
        )
    return style


def _build_element(obj: Mapping[str, Any]) -> Element:
    kind = obj["type"]
    eid = obj["id"]
    where = f"element {eid!r} ({kind})"
    box = (float(obj.get("x", 0)), float(obj.get("y", 0)))
    if kind == "text":
        return TextElement(
            eid, *box, float(obj["w"]), float(obj["h"]), obj["text"], _style(obj, where),
            obj.get("wrap", False),
        )  # fmt: skip
    if kind == "field":
        return FieldElement(
            eid, *box, float(obj["w"]), float(obj["h"]), _expr(where, "expr", obj["expr"]),
            _style(obj, where), obj.get("wrap", False),
        )  # fmt: skip
    if kind == "barcode":
        return _build_barcode(obj, where)
    if kind == "hri":
        return HriElement(
            eid, *box, float(obj["w"]), float(obj["h"]), obj["source"],
            market=obj.get("market", "EU"),
            captions=tuple(sorted(obj.get("captions", {}).items())),
            date_format=_date_format(where, obj.get("date_format")),
            ais=tuple(obj["ais"]) if "ais" in obj else None,
            separator=obj.get("separator", " "),
            style=_style(obj, where),
        )  # fmt: skip
    if kind == "box":
        return BoxElement(
            eid, *box, float(obj["w"]), float(obj["h"]), float(obj.get("stroke", 0.25)),
            obj.get("fill", False), float(obj.get("radius", 0.0)),
        )  # fmt: skip
    if kind == "ellipse":
        return EllipseElement(
            eid, *box, float(obj["w"]), float(obj["h"]), float(obj.get("stroke", 0.25)),
            obj.get("fill", False),
        )  # fmt: skip
    if kind == "line":
        return LineElement(
            eid, float(obj["x1"]), float(obj["y1"]), float(obj["x2"]), float(obj["y2"]),
            float(obj.get("stroke", 0.25)),
        )  # fmt: skip
    # image: the schema admits no other type
    resource = obj["resource"]
    try:
        resource_path(resource)
    except LabelStationError as exc:
        raise TemplateError(f"{where} field 'resource': {exc}") from None
    return ImageElement(eid, *box, float(obj["w"]), float(obj["h"]), resource)


def _date_format(where: str, fmt: str | None) -> str | None:
    if fmt is not None:
        try:
            check_date_format(fmt, fmt)
        except TemplateError as exc:
            raise TemplateError(f"{where} field 'date_format': {exc}") from None
    return fmt


def _build_barcode(obj: Mapping[str, Any], where: str) -> BarcodeElement:
    kind = obj["kind"]
    if "module_mm" in obj and "module_dots" in obj:
        raise TemplateError(f"{where}: set 'module_mm' or 'module_dots', not both")
    data = _expr(where, "data", obj["data"]) if "data" in obj else None
    gs1 = tuple(
        (ai, _expr(where, f"gs1[{i}]", source)) for i, (ai, source) in enumerate(obj.get("gs1", []))
    )
    hibc = None
    if "hibc" in obj:
        h = obj["hibc"]

        def opt(name: str) -> Expression | None:
            return _expr(where, f"hibc.{name}", h[name]) if name in h else None

        hibc = HibcContent(
            lic=_expr(where, "hibc.lic", h["lic"]),
            product=_expr(where, "hibc.product", h["product"]),
            unit=opt("unit"),
            lot=opt("lot"),
            expiry=opt("expiry"),
            serial=opt("serial"),
            quantity=opt("quantity"),
            expiry_format=h.get("expiry_format"),
            part=h.get("part", "combined"),
        )
        if hibc.expiry_format is not None:
            try:
                expiry_format_from_name(hibc.expiry_format)
            except LabelStationError as exc:
                raise TemplateError(f"{where} field 'hibc.expiry_format': {exc}") from None
    if kind not in symbol_kinds():
        raise TemplateError(
            f"{where} field 'kind': {kind!r} is not a known symbology "
            f"(expected one of {', '.join(symbol_kinds())})"
        )
    if obj.get("partial", False) and not gs1:
        raise TemplateError(f"{where} field 'partial': only GS1 content can be partial")
    options = _symbol_options(where, kind, obj.get("options", {}))
    if kind.startswith("hibc-"):
        if hibc is None:
            raise TemplateError(f"{where}: kind {kind!r} needs field 'hibc' (the HIBCC UDI parts)")
    elif symbology(kind).is_gs1:
        if not gs1:
            raise TemplateError(
                f"{where}: kind {kind!r} needs field 'gs1' ([AI, expression] pairs)"
            )
    elif data is None:
        raise TemplateError(f"{where}: kind {kind!r} needs field 'data' (an expression)")
    return BarcodeElement(
        obj["id"],
        float(obj["x"]),
        float(obj["y"]),
        kind,
        data=data,
        gs1=gs1,
        hibc=hibc,
        module_mm=float(obj["module_mm"]) if "module_mm" in obj else None,
        module_dots=obj.get("module_dots"),
        quiet_zone=float(obj["quiet_zone"]) if "quiet_zone" in obj else None,
        height=float(obj.get("height", 15.0)),
        show_hri=obj.get("show_hri", False),
        rotation=obj.get("rotation", 0),
        partial=obj.get("partial", False),
        options=options,
    )


def _symbol_options(where: str, kind: str, raw: Mapping[str, Any]) -> SymbolOptions:
    """Check ``raw`` (the schema checked names and value types) against ``kind``.

    Raises:
        TemplateError: An option does not apply to ``kind``, or ``columns`` is set without
            ``stacked``.
    """
    for name in sorted(raw):
        if kind not in SYMBOL_OPTIONS[name]:
            valid = sorted(n for n, ks in SYMBOL_OPTIONS.items() if kind in ks)
            expected = ", ".join(valid) if valid else "no options"
            raise TemplateError(
                f"{where} field 'options.{name}': not an option of kind {kind!r} "
                f"(expected {expected})"
            )
    if "columns" in raw and raw.get("stacked") is not True:
        raise TemplateError(
            f"{where} field 'options.columns': {raw['columns']} needs 'stacked': true "
            "(columns apply to GS1 DataBar Expanded Stacked only)"
        )
    return tuple(sorted(raw.items()))


def _build_template(obj: Mapping[str, Any]) -> Template:
    elements: list[Element] = []
    seen: set[str] = set()
    for raw in obj["elements"]:
        if raw["id"] in seen:
            raise TemplateError(f"element {raw['id']!r}: field 'id' is used by another element")
        seen.add(raw["id"])
        elements.append(_build_element(raw))
    by_id = {e.id: e for e in elements}
    for element in elements:
        if isinstance(element, HriElement):
            source = by_id.get(element.source)
            where = f"element {element.id!r} (hri) field 'source'"
            if not isinstance(source, BarcodeElement):
                raise TemplateError(f"{where}: {element.source!r} is not a barcode element")
            if not source.gs1:
                raise TemplateError(
                    f"{where}: barcode {element.source!r} is {source.kind!r}, expected a GS1 kind"
                )
    s = obj["stock"]
    stock = Stock(
        width=float(s["width"]),
        height=float(s["height"]),
        corner_radius=float(s.get("corner_radius", 0.0)),
        media=s.get("media", "gap"),
        gap=float(s.get("gap", 0.0 if s.get("media") == "continuous" else 3.0)),
        orientation=s.get("orientation", 0),
        dpi=s.get("dpi", 300),
    )
    return Template(obj["id"], obj["name"], stock, tuple(elements), obj.get("description", ""))


# --- writing ----------------------------------------------------------------------------------


def _style_json(style: TextStyle) -> dict[str, Any]:
    return {
        "font": style.font,
        "size_pt": float(style.size_pt),
        "bold": style.bold,
        "align": style.align,
        "shrink": style.shrink,
        "min_size_pt": float(style.min_size_pt),
        "line_spacing": float(style.line_spacing),
        "rotation": style.rotation,
    }


def _box_json(e: Any) -> dict[str, Any]:
    return {"x": float(e.x), "y": float(e.y), "w": float(e.w), "h": float(e.h)}


def _element_to_json(e: Element) -> dict[str, Any]:
    head: dict[str, Any] = {"type": e.type, "id": e.id}
    if isinstance(e, TextElement):
        return {**head, **_box_json(e), "text": e.text, "wrap": e.wrap, **_style_json(e.style)}
    if isinstance(e, FieldElement):
        return {
            **head, **_box_json(e), "expr": e.expr.source, "wrap": e.wrap, **_style_json(e.style),
        }  # fmt: skip
    if isinstance(e, BarcodeElement):
        out = {
            **head,
            "x": float(e.x),
            "y": float(e.y),
            "kind": e.kind,
            "height": float(e.height),
            "show_hri": e.show_hri,
            "rotation": e.rotation,
            "partial": e.partial,
        }
        if e.module_mm is not None:
            out["module_mm"] = float(e.module_mm)
        if e.module_dots is not None:
            out["module_dots"] = e.module_dots
        if e.quiet_zone is not None:
            out["quiet_zone"] = float(e.quiet_zone)
        if e.options:  # written only when set, so older templates keep their content hash
            out["options"] = dict(e.options)
        if e.data is not None:
            out["data"] = e.data.source
        if e.gs1:
            out["gs1"] = [[ai, expr.source] for ai, expr in e.gs1]
        if e.hibc is not None:
            h = e.hibc
            hibc: dict[str, Any] = {
                "lic": h.lic.source,
                "product": h.product.source,
                "part": h.part,
            }
            if h.expiry_format is not None:
                hibc["expiry_format"] = h.expiry_format
            for name in ("unit", "lot", "expiry", "serial", "quantity"):
                value = getattr(h, name)
                if value is not None:
                    hibc[name] = value.source
            out["hibc"] = hibc
        return out
    if isinstance(e, HriElement):
        out = {
            **head,
            **_box_json(e),
            "source": e.source,
            "market": e.market,
            "captions": dict(e.captions),
            "separator": e.separator,
            **_style_json(e.style),
        }
        if e.date_format is not None:
            out["date_format"] = e.date_format
        if e.ais is not None:
            out["ais"] = list(e.ais)
        return out
    if isinstance(e, BoxElement):
        return {**head, **_box_json(e), "stroke": float(e.stroke), "fill": e.fill,
                "radius": float(e.radius)}  # fmt: skip
    if isinstance(e, EllipseElement):
        return {**head, **_box_json(e), "stroke": float(e.stroke), "fill": e.fill}
    if isinstance(e, LineElement):
        return {**head, "x1": float(e.x1), "y1": float(e.y1), "x2": float(e.x2),
                "y2": float(e.y2), "stroke": float(e.stroke)}  # fmt: skip
    return {**head, **_box_json(e), "resource": e.resource}
