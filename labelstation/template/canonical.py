"""Canonical JSON and the identity of a template version.

A template version is identified by the SHA-256 of its canonical JSON: keys sorted, no
insignificant white space, UTF-8 without escaping non-ASCII, integers and floats as Python's
``json`` writes them. Two files that differ only in key order or indentation are the same
version; any change to a value is a new version. Approval signatures bind to this hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(document: Any) -> bytes:
    """Serialise ``document`` to its canonical UTF-8 JSON bytes."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(document: Any) -> str:
    """Return the lowercase hex SHA-256 of ``document``'s canonical JSON."""
    return hashlib.sha256(canonical_json(document)).hexdigest()
