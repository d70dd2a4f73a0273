"""Label templates: model, schema, expressions, canonical hash, layout to a display list.

>>> from labelstation.resources import resource_path
>>> template = load_template(resource_path("templates/eu-fmd-carton.json"))
>>> data = load_data(resource_path("templates/eu-fmd-carton.data.json"))
>>> layout(template, data, dpi=300).symbols[0].symbology_id
']d2'
"""

from labelstation.template.displaylist import DisplayList
from labelstation.template.layout import check_display_list, layout
from labelstation.template.model import (
    SCHEMA_ID,
    BarcodeElement,
    BoxElement,
    Element,
    EllipseElement,
    FieldElement,
    HibcContent,
    HriElement,
    ImageElement,
    LineElement,
    Stock,
    Template,
    TextElement,
    TextStyle,
    load_data,
    load_template,
    sample_templates,
    schema,
)

__all__ = [
    "SCHEMA_ID",
    "BarcodeElement",
    "BoxElement",
    "DisplayList",
    "Element",
    "EllipseElement",
    "FieldElement",
    "HibcContent",
    "HriElement",
    "ImageElement",
    "LineElement",
    "Stock",
    "Template",
    "TextElement",
    "TextStyle",
    "check_display_list",
    "layout",
    "load_data",
    "load_template",
    "sample_templates",
    "schema",
]
