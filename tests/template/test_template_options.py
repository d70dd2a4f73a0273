"""Barcode options, stock orientation and template version: model, layout, proof and print.

* ``options`` on a barcode element are checked per kind with messages naming the element, the
  field, the value and what was expected; they round-trip through JSON, and a template that
  sets none keeps the content hash it had before options existed.
* ``stock.orientation`` is 0 or 180: 180 prints inverted (``^POI``) while the preview and the
  PDF stay upright (they show the label as a person reads it).
* ``layout(version=…)`` puts the version in the display list; the PDF proof footer says
  ``v3`` for it and ``DRAFT`` without it (read back with pdftotext).
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from labelstation.errors import TemplateError
from labelstation.render.pdf import render_pdf
from labelstation.render.png import render_png
from labelstation.render.zpl import render_zpl, zpl_job, zpl_stored_format
from labelstation.resources import resource_path
from labelstation.template import Template, layout, load_data, load_template
from labelstation.template.model import SCHEMA_ID, schema

EU = "templates/eu-fmd-carton"


def _doc(**barcode: Any) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "id": "opt",
        "name": "Options",
        "stock": {"width": 60, "height": 40},
        "elements": [{"type": "barcode", "id": "b", "x": 2, "y": 2, **barcode}],
    }


def _refusal(doc: dict[str, Any]) -> str:
    with pytest.raises(TemplateError) as caught:
        Template.from_json(doc)
    return str(caught.value)


# --------------------------------------------------------------------------- model


@pytest.mark.parametrize(
    ("barcode", "message"),
    [
        ({"kind": "qr", "data": "x", "options": {"size": 3}},
         "element 'b' (barcode): unknown field 'options.size'"),
        ({"kind": "qr", "data": "x", "options": {"ecc": "X"}},
         "element 'b' (barcode) field 'options.ecc': \"X\" is not allowed (expected one of "
         "\"L\", \"M\", \"Q\", \"H\")"),
        ({"kind": "qr", "data": "x", "options": {"ecc": "q"}},
         "element 'b' (barcode) field 'options.ecc': \"q\" is not allowed (expected one of "
         "\"L\", \"M\", \"Q\", \"H\")"),
        ({"kind": "datamatrix", "data": "x", "options": {"rectangular": "yes"}},
         "element 'b' (barcode) field 'options.rectangular': \"yes\" has the wrong type "
         "(expected boolean)"),
        ({"kind": "gs1-databar", "gs1": [["01", "09506000134352"]],
          "options": {"stacked": True, "columns": 12}},
         "element 'b' (barcode) field 'options.columns': 12 is too large (expected <= 11)"),
        ({"kind": "gs1-databar", "gs1": [["01", "09506000134352"]],
          "options": {"stacked": True, "columns": 0}},
         "element 'b' (barcode) field 'options.columns': 0 is too small (expected >= 1)"),
        ({"kind": "gs1-databar", "gs1": [["01", "09506000134352"]],
          "options": {"stacked": True, "columns": 2.5}},
         "element 'b' (barcode) field 'options.columns': 2.5 has the wrong type "
         "(expected integer)"),
        ({"kind": "code128", "data": "x", "options": {"ecc": "H"}},
         "element 'b' (barcode) field 'options.ecc': not an option of kind 'code128' "
         "(expected no options)"),
        ({"kind": "datamatrix", "data": "x", "options": {"ecc": "H"}},
         "element 'b' (barcode) field 'options.ecc': not an option of kind 'datamatrix' "
         "(expected rectangular)"),
        ({"kind": "gs1-qr", "gs1": [["01", "09506000134352"]], "options": {"rectangular": True}},
         "element 'b' (barcode) field 'options.rectangular': not an option of kind 'gs1-qr' "
         "(expected ecc)"),
        ({"kind": "qr", "data": "x", "options": {"stacked": True}},
         "element 'b' (barcode) field 'options.stacked': not an option of kind 'qr' "
         "(expected ecc)"),
        ({"kind": "gs1-databar", "gs1": [["01", "09506000134352"]], "options": {"columns": 2}},
         "element 'b' (barcode) field 'options.columns': 2 needs 'stacked': true (columns "
         "apply to GS1 DataBar Expanded Stacked only)"),
        ({"kind": "gs1-databar", "gs1": [["01", "09506000134352"]],
          "options": {"stacked": False, "columns": 2}},
         "element 'b' (barcode) field 'options.columns': 2 needs 'stacked': true (columns "
         "apply to GS1 DataBar Expanded Stacked only)"),
        ({"kind": "datamatrix", "data": "x", "options": ["rectangular"]},
         "element 'b' (barcode) field 'options': [\"rectangular\"] has the wrong type "
         "(expected object)"),
    ],
)  # fmt: skip
def test_option_refusals_name_element_field_value_and_expectation(
    barcode: dict[str, Any], message: str
) -> None:
    assert _refusal(_doc(**barcode)) == message


@pytest.mark.parametrize(
    ("kind", "content", "options"),
    [
        ("datamatrix", {"data": "x"}, {"rectangular": True}),
        ("gs1-datamatrix", {"gs1": [["01", "09506000134352"]]}, {"rectangular": False}),
        ("hibc-datamatrix", {"hibc": {"lic": "A123", "product": "B1"}}, {"rectangular": True}),
        ("qr", {"data": "x"}, {"ecc": "H"}),
        ("gs1-qr", {"gs1": [["01", "09506000134352"]]}, {"ecc": "L"}),
        ("gs1-databar", {"gs1": [["01", "09506000134352"]]}, {"stacked": True, "columns": 3}),
        ("gs1-databar", {"gs1": [["01", "09506000134352"]]}, {"stacked": True}),
    ],
)
def test_options_round_trip_and_change_the_hash(
    kind: str, content: dict[str, Any], options: dict[str, Any]
) -> None:
    with_options = Template.from_json(_doc(kind=kind, **content, options=options))
    element = with_options.elements[0]
    assert element.options == tuple(sorted(options.items()))  # type: ignore[union-attr]
    written = with_options.to_json()
    assert written["elements"][0]["options"] == options
    jsonschema.Draft202012Validator(schema()).validate(written)
    again = Template.from_json(json.loads(json.dumps(written)))
    assert again == with_options
    assert again.content_hash == with_options.content_hash
    plain = Template.from_json(_doc(kind=kind, **content))
    assert plain.content_hash != with_options.content_hash


def test_no_options_writes_no_options_key_so_old_hashes_stand() -> None:
    doc = _doc(kind="qr", data="x")
    plain = Template.from_json(doc)
    assert "options" not in plain.to_json()["elements"][0]
    assert Template.from_json(_doc(kind="qr", data="x", options={})) == plain
    # the sample templates set no options: their JSON is what it was before options existed
    for element in load_template(resource_path(f"{EU}.json")).to_json()["elements"]:
        assert "options" not in element


# --------------------------------------------------------------------------- orientation


def test_orientation_90_and_270_are_refused() -> None:
    for value in (90, 270):
        doc = _doc(kind="qr", data="x")
        doc["stock"]["orientation"] = value
        assert _refusal(doc) == (
            f"template stock field 'orientation': {value} is not allowed (expected one of 0, 180)"
        )


def _eu(orientation: int, version: str = "") -> Any:
    doc = json.loads(Path(resource_path(f"{EU}.json")).read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    doc["stock"]["orientation"] = orientation
    data = load_data(resource_path(f"{EU}.data.json"))
    return layout(Template.from_json(doc), data, dpi=203, version=version)


def test_inverted_stock_prints_with_poi_and_previews_upright() -> None:
    upright, inverted = _eu(0), _eu(180)
    assert (upright.inverted, inverted.inverted) == (False, True)
    assert upright.primitives == inverted.primitives  # the label as a person reads it
    assert render_png(inverted).tobytes() == render_png(upright).tobytes()
    normal_zpl, inverted_zpl = render_zpl(upright, 203), render_zpl(inverted, 203)
    assert normal_zpl.startswith("^XA^CI28^PW559^LL320^LH0,0^PON^FO")
    assert inverted_zpl == normal_zpl.replace("^PON", "^POI", 1)
    assert inverted_zpl.count("^PO") == 1
    stored = zpl_stored_format(inverted, 203)
    assert stored.startswith("^XA^DFR:LSFMT1.ZPL^FS^CI28^PW559^LL320^LH0,0^POI^FO")
    job = zpl_job([inverted, inverted], 203)
    assert job.count("^POI") == 1  # once in the stored format, which every recall prints
    assert "^PON" not in job


# --------------------------------------------------------------------------- version


def test_layout_sets_identity_and_version() -> None:
    template = load_template(resource_path(f"{EU}.json"))
    data = load_data(resource_path(f"{EU}.data.json"))
    draft = layout(template, data, dpi=300)
    approved = layout(template, data, dpi=300, version="3")
    assert (draft.template_id, draft.template_version) == ("eu-fmd-carton", "")
    assert (approved.template_id, approved.template_version) == ("eu-fmd-carton", "3")
    assert draft.template_hash == approved.template_hash == template.content_hash
    assert draft.primitives == approved.primitives


def _footer(dl: Any, tmp_path: Path) -> str:
    pdf = tmp_path / "proof.pdf"
    render_pdf([dl], pdf, proof=True)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.mark.parametrize(("version", "shown"), [("", "DRAFT"), ("3", "v3"), ("12", "v12")])
def test_proof_footer_names_the_version_or_draft(version: str, shown: str, tmp_path: Path) -> None:
    dl = _eu(0, version)
    text = _footer(dl, tmp_path)
    assert f"PROOF · template eu-fmd-carton {shown} · sha256 {dl.template_hash}" in text
    assert "v?" not in text
    assert ("DRAFT" in text) == (version == "")
