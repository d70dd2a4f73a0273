"""Template JSON: schema acceptance and rejection (exact messages), round trip, canonical hash."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.errors import TemplateError
from labelstation.resources import resource_path
from labelstation.template import (
    SCHEMA_ID,
    BarcodeElement,
    FieldElement,
    HriElement,
    Template,
    load_data,
    load_template,
    sample_templates,
    schema,
)
from labelstation.template.canonical import content_hash

TEMPLATES = resource_path("templates/eu-fmd-carton.json").parent
SAMPLES = sorted(p.stem for p in sample_templates())


def _base() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((TEMPLATES / "eu-fmd-carton.json").read_text("utf-8"))
    return doc


def _refusal(mutate: Callable[[dict[str, Any]], object]) -> str:
    doc = _base()
    mutate(doc)
    with pytest.raises(TemplateError) as info:
        Template.from_json(doc)
    return str(info.value)


def test_the_seven_samples_are_shipped() -> None:
    assert SAMPLES == [
        "clinical-kit",
        "eu-fmd-carton",
        "eu-fmd-carton-pt",
        "gs1-logistic",
        "hibc-device",
        "udi-device",
        "us-dscsa-carton",
    ]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_is_valid_against_the_shipped_schema(name: str) -> None:
    doc = json.loads((TEMPLATES / f"{name}.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(doc)
    template = load_template(TEMPLATES / f"{name}.json")
    assert template.id == name
    # to_json is itself valid and round-trips to an equal template with the same hash
    again = Template.from_json(template.to_json())
    jsonschema.Draft202012Validator(schema()).validate(template.to_json())
    assert again == template
    assert again.content_hash == template.content_hash


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["properties"]["schema"] == {"const": SCHEMA_ID}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d.update(schema="labelstation.template/2"),
            "template schema 'labelstation.template/2' is newer than this LabelStation "
            "supports (labelstation.template/1)",
        ),
        (
            lambda d: d.update(schema="labelstation.template/17"),
            "template schema 'labelstation.template/17' is newer than this LabelStation "
            "supports (labelstation.template/1)",
        ),
        (
            lambda d: d.update(schema="labelstation.template/0"),
            "template schema 'labelstation.template/0' is not supported "
            "(expected 'labelstation.template/1')",
        ),
        (
            lambda d: d.update(schema="bartender/10"),
            "template schema 'bartender/10' is not supported (expected 'labelstation.template/1')",
        ),
        (
            lambda d: d.pop("schema"),
            "template: field 'schema' is missing (expected 'labelstation.template/1')",
        ),
        (lambda d: d.update(extra=1), "template: unknown field 'extra'"),
        (lambda d: d.pop("name"), "template: field 'name' is missing"),
        (lambda d: d["stock"].pop("width"), "template stock: field 'width' is missing"),
        (
            lambda d: d["stock"].update(dpi=150),
            "template stock field 'dpi': 150 is not allowed (expected one of 203, 300, 600)",
        ),
        (
            lambda d: d["stock"].update(height=0),
            "template stock field 'height': 0 is too small (expected > 0)",
        ),
        (
            lambda d: d["stock"].update(media="rfid"),
            "template stock field 'media': \"rfid\" is not allowed "
            '(expected one of "gap", "black-mark", "continuous")',
        ),
        (
            lambda d: d["elements"][0].update(type="blink"),
            "element 'name' (blink) field 'type': unknown element type 'blink' "
            "(expected text, field, barcode, hri, box, ellipse, line, image)",
        ),
        (
            lambda d: d["elements"][0].update(size_pt=0),
            "element 'name' (field) field 'size_pt': 0 is too small (expected >= 2)",
        ),
        (
            lambda d: d["elements"][0].update(size_pt=201),
            "element 'name' (field) field 'size_pt': 201 is too large (expected <= 200)",
        ),
        (
            lambda d: d["elements"][0].update(colour="red"),
            "element 'name' (field): unknown field 'colour'",
        ),
        (lambda d: d["elements"][0].pop("w"), "element 'name' (field): field 'w' is missing"),
        (lambda d: d["elements"][0].pop("id"), "element #1 (field): field 'id' is missing"),
        (
            lambda d: d["elements"][0].update(bold="yes"),
            "element 'name' (field) field 'bold': \"yes\" has the wrong type (expected boolean)",
        ),
        (
            lambda d: d["elements"][0].update(rotation=45),
            "element 'name' (field) field 'rotation': 45 is not allowed "
            "(expected one of 0, 90, 180, 270)",
        ),
        (
            lambda d: d["elements"][0].update(align="justify"),
            "element 'name' (field) field 'align': \"justify\" is not allowed "
            '(expected one of "left", "center", "right")',
        ),
        (
            lambda d: d["elements"][0].update(id="bad id"),
            "element 'bad id' (field) field 'id': \"bad id\" does not match the pattern "
            "^[A-Za-z0-9_.-]{1,64}$",
        ),
        (
            lambda d: d["elements"][0].update(expr="{name|shout}"),
            "element 'name' (field) field 'expr': expression '{name|shout}': unknown filter "
            "'shout' (expected one of default, lower, pad, replace, rpad, substr, trim, upper)",
        ),
        (
            lambda d: d["elements"][0].update(font="comic"),
            "element 'name' (field) field 'font': 'comic' is not a shipped font "
            "(expected one of sans)",
        ),
        (
            lambda d: d["elements"][0].update(min_size_pt=20),
            "element 'name' (field) field 'min_size_pt': 20 is larger than size_pt 11 "
            "(expected min_size_pt <= size_pt)",
        ),
        (
            lambda d: d["elements"][1].update(id="name"),
            "element 'name': field 'id' is used by another element",
        ),
        (
            lambda d: d["elements"][3].update(kind="pdf417"),
            "element 'dm' (barcode) field 'kind': \"pdf417\" is not allowed (expected one of "
            '"gs1-datamatrix", "datamatrix", "gs1-128", "code128", "ean13", "upca", "itf14", '
            '"gs1-databar", "qr", "gs1-qr", "hibc-128", "hibc-datamatrix")',
        ),
        (
            lambda d: d["elements"][3].update(data="{lot}"),
            "element 'dm' (barcode): expected exactly one of the fields 'data', 'gs1' or 'hibc'",
        ),
        (
            lambda d: d["elements"][3].update(kind="qr"),
            "element 'dm' (barcode): kind 'qr' needs field 'data' (an expression)",
        ),
        (
            lambda d: d["elements"][3].update(kind="hibc-128"),
            "element 'dm' (barcode): kind 'hibc-128' needs field 'hibc' (the HIBCC UDI parts)",
        ),
        (
            lambda d: d["elements"][3]["gs1"].append(["1x", "{lot}"]),
            "element 'dm' (barcode) field 'gs1[4][0]': \"1x\" does not match the pattern "
            "^[0-9]{2,4}$",
        ),
        (
            lambda d: d["elements"][3]["gs1"].__setitem__(3, ["17", "{expiry:%Q}"]),
            "element 'dm' (barcode) field 'gs1[3]': expression '{expiry:%Q}': unknown date "
            "directive %Q (expected one of %d %m %y %Y %b %B %j %%)",
        ),
        (
            lambda d: d["elements"][3].update(module_dots=4),
            "element 'dm' (barcode): set 'module_mm' or 'module_dots', not both",
        ),
        (
            lambda d: d["elements"][3].update(module_mm=0),
            "element 'dm' (barcode) field 'module_mm': 0 is too small (expected >= 0.05)",
        ),
        (
            lambda d: d["elements"][4].update(source="rule"),
            "element 'hri' (hri) field 'source': 'rule' is not a barcode element",
        ),
        (
            lambda d: d["elements"][4].update(market="FR"),
            "element 'hri' (hri) field 'market': \"FR\" is not allowed "
            '(expected one of "EU", "US", "DE", "custom")',
        ),
        (
            lambda d: d["elements"][4].update(date_format="%d %Q"),
            "element 'hri' (hri) field 'date_format': expression '%d %Q': unknown date "
            "directive %Q (expected one of %d %m %y %Y %b %B %j %%)",
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "image",
                    "id": "logo",
                    "x": 1,
                    "y": 1,
                    "w": 3,
                    "h": 3,
                    "resource": "icons/none.png",
                }
            ),
            "element 'logo' (image) field 'resource': resource 'icons/none.png': no such file at "
            + str(resource_path("icons/lot.png").parent / "none.png"),
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "image",
                    "id": "logo",
                    "x": 1,
                    "y": 1,
                    "w": 3,
                    "h": 3,
                    "resource": "../pyproject.toml",
                }
            ),
            "element 'logo' (image) field 'resource': resource '../pyproject.toml': "
            "expected a path inside resources/ without '..'",
        ),
        (
            lambda d: d["elements"].append(
                {"type": "line", "id": "l", "x1": 1, "y1": 1, "x2": 3, "y2": 3, "stroke": 0}
            ),
            "element 'l' (line) field 'stroke': 0 is too small (expected > 0)",
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "barcode",
                    "id": "c",
                    "kind": "code128",
                    "x": 1,
                    "y": 1,
                    "data": "{lot}",
                    "partial": True,
                }
            ),
            "element 'c' (barcode) field 'partial': only GS1 content can be partial",
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "barcode",
                    "id": "h",
                    "kind": "hibc-128",
                    "x": 1,
                    "y": 1,
                    "hibc": {"lic": "A123", "product": "X", "expiry_format": "DDMMYY"},
                }
            ),
            "element 'h' (barcode) field 'hibc.expiry_format': HIBC expiry format 'DDMMYY': "
            "expected one of MMYY, MMDDYY, YYMMDD, YYMMDDHH, YYJJJ, YYJJJHH, none, default-YYJJJ",
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "barcode",
                    "id": "h",
                    "kind": "hibc-128",
                    "x": 1,
                    "y": 1,
                    "hibc": {"lic": "A123"},
                }
            ),
            "element 'h' (barcode): field 'hibc.product' is missing",
        ),
        (
            lambda d: d["elements"].append(
                {
                    "type": "barcode",
                    "id": "h",
                    "kind": "hibc-128",
                    "x": 1,
                    "y": 1,
                    "hibc": {"lic": "A123", "product": "X", "batch": "X"},
                }
            ),
            "element 'h' (barcode): unknown field 'hibc.batch'",
        ),
    ],
)
def test_refusals_name_the_element_and_the_field(
    mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    assert _refusal(mutate) == message


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(TemplateError) as info:
        Template.from_json([1, 2])
    assert str(info.value) == (
        'template: top level is list, expected a JSON object with "schema": '
        "'labelstation.template/1'"
    )


def test_load_template_refuses_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(TemplateError) as info:
        load_template(missing)
    assert str(info.value) == f"template file {str(missing)!r}: no such file"
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(bad)
    assert str(info.value) == (
        f"template file {str(bad)!r}: not valid JSON at line 1 column 12 (Expecting value)"
    )
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Prüfung"}'.encode("latin-1"))
    with pytest.raises(TemplateError) as info:
        load_template(latin)
    assert str(info.value) == f"template file {str(latin)!r}: not UTF-8 (invalid start byte)"


def test_load_data(tmp_path: Path) -> None:
    data = load_data(TEMPLATES / "clinical-kit.data.json")
    assert data["kit"] == 1207
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_data(listed)
    assert str(info.value) == (
        f"data file {str(listed)!r}: top level is list, expected a JSON object"
    )


def test_model_is_typed_and_frozen() -> None:
    template = load_template(TEMPLATES / "eu-fmd-carton.json")
    dm = template.element("dm")
    assert isinstance(dm, BarcodeElement)
    assert [ai for ai, _ in dm.gs1] == ["01", "21", "10", "17"]
    assert isinstance(template.element("hri"), HriElement)
    name = template.element("name")
    assert isinstance(name, FieldElement)
    with pytest.raises(AttributeError):
        name.x = 5  # type: ignore[misc]
    assert template.fields == frozenset(
        {"gtin", "serial", "lot", "expiry", "name", "strength", "manufacturer"}
    )
    with pytest.raises(TemplateError) as info:
        template.element("logo")
    assert str(info.value) == "template 'eu-fmd-carton': no element with id 'logo'"


def test_hash_ignores_defaults_written_or_not() -> None:
    doc = _base()
    explicit = copy.deepcopy(doc)
    explicit["elements"][2]["stroke"] = 0.3  # the value it already has
    explicit["elements"][0]["align"] = "left"  # the default
    explicit["stock"]["width"] = 70.0  # float for int
    assert Template.from_json(explicit).content_hash == Template.from_json(doc).content_hash


def test_hash_changes_with_any_value() -> None:
    doc = _base()
    base_hash = Template.from_json(doc).content_hash
    changed = copy.deepcopy(doc)
    changed["elements"][3]["gs1"][2][1] = "{lot|upper}"
    assert Template.from_json(changed).content_hash != base_hash
    moved = copy.deepcopy(doc)
    moved["elements"][3]["x"] = 3.1
    assert Template.from_json(moved).content_hash != base_hash


def test_hash_is_the_canonical_hash_of_to_json() -> None:
    template = load_template(TEMPLATES / "eu-fmd-carton.json")
    assert template.content_hash == content_hash(template.to_json())
    assert len(template.content_hash) == 64


def _shuffled(value: Any, rnd: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        return {k: _shuffled(v, rnd) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rnd) for v in value]
    return value


@pytest.mark.parametrize("name", SAMPLES)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), indent=st.sampled_from([None, 0, 2, 4, "\t"]))
def test_hash_is_stable_under_key_reordering_and_formatting(
    name: str, seed: int, indent: int | str | None
) -> None:
    doc = json.loads((TEMPLATES / f"{name}.json").read_text("utf-8"))
    reordered = _shuffled(doc, random.Random(seed))
    text = json.dumps(reordered, indent=indent, ensure_ascii=bool(seed % 2))
    assert Template.from_json(json.loads(text)).content_hash == (
        Template.from_json(doc).content_hash
    )


_ID = st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True)
_LEN = st.floats(0, 200, allow_nan=False).map(lambda v: round(v, 3))
_POS = st.floats(0.1, 200, allow_nan=False).map(lambda v: round(v, 3))
_SAFE_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
_EXPR = st.sampled_from(
    ["{lot}", "LOT {lot|upper}", "{expiry:%d %b %Y}", "{serial|pad:8:0}", "{{x}} {name|substr:0:5}"]
)


def _style() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"size_pt": st.sampled_from([6, 8.5, 12])},
        optional={
            "bold": st.booleans(),
            "align": st.sampled_from(["left", "center", "right"]),
            "shrink": st.booleans(),
            "min_size_pt": st.just(4),
            "line_spacing": st.sampled_from([1, 1.25]),
            "rotation": st.sampled_from([0, 90, 180, 270]),
        },
    )


def _element(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    box = {"x": _LEN, "y": _LEN, "w": _POS, "h": _POS}
    if kind == "text":
        return st.builds(
            lambda b, s, t, wrap: {"type": "text", **b, **s, "text": t, "wrap": wrap},
            st.fixed_dictionaries(box), _style(), _SAFE_TEXT, st.booleans(),
        )  # fmt: skip
    if kind == "field":
        return st.builds(
            lambda b, s, e: {"type": "field", **b, **s, "expr": e},
            st.fixed_dictionaries(box), _style(), _EXPR,
        )  # fmt: skip
    if kind == "box":
        return st.builds(
            lambda b, fill, r: {"type": "box", **b, "fill": fill, "radius": r},
            st.fixed_dictionaries(box), st.booleans(), st.sampled_from([0, 1.5]),
        )  # fmt: skip
    if kind == "line":
        return st.builds(
            lambda a, b, c, d: {"type": "line", "x1": a, "y1": b, "x2": c, "y2": d},
            _LEN, _LEN, _LEN, _LEN,
        )  # fmt: skip
    return st.builds(
        lambda x, y, module, hri: {
            "type": "barcode", "kind": "gs1-128", "x": x, "y": y, "module_mm": module,
            "show_hri": hri, "gs1": [["01", "{gtin}"], ["10", "{lot}"]],
        },
        _LEN, _LEN, st.sampled_from([0.25, 0.33]), st.booleans(),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    elements=st.lists(
        st.sampled_from(["text", "field", "box", "line", "barcode"]).flatmap(_element),
        max_size=8,
    ),
    ids=st.lists(_ID, min_size=8, max_size=8, unique=True),
    name=_SAFE_TEXT.filter(bool),
)
def test_any_valid_template_round_trips_through_json(
    elements: list[dict[str, Any]], ids: list[str], name: str
) -> None:
    doc = {
        "schema": SCHEMA_ID,
        "id": "generated",
        "name": name,
        "stock": {"width": 100, "height": 50},
        "elements": [{**e, "id": i} for e, i in zip(elements, ids, strict=False)],
    }
    template = Template.from_json(doc)
    written = template.to_json()
    jsonschema.Draft202012Validator(schema()).validate(written)
    again = Template.from_json(json.loads(json.dumps(written, ensure_ascii=False)))
    assert again == template
    assert again.to_json() == written
    assert again.content_hash == template.content_hash
