"""``labelstation layout``: template check and display-list output, refusals on one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from labelstation.cli import main
from labelstation.errors import GS1Error
from labelstation.gs1 import BuildPolicy, build
from labelstation.resources import resource_path
from labelstation.template import load_template

EU = str(resource_path("templates/eu-fmd-carton.json"))
EU_DATA = str(resource_path("templates/eu-fmd-carton.data.json"))


def test_check_prints_the_identity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layout", EU]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True
    assert out["id"] == "eu-fmd-carton"
    assert out["content_hash"] == load_template(EU).content_hash
    assert out["fields"] == ["expiry", "gtin", "lot", "manufacturer", "name", "serial", "strength"]


def test_layout_prints_the_display_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layout", EU, "--data", EU_DATA, "--dpi", "203", "--today", "2026-01-15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dpi"] == 203
    assert out["template_id"] == "eu-fmd-carton"
    assert out["template_version"] == ""  # a file is a draft
    assert out["template_hash"] == load_template(EU).content_hash
    assert out["inverted"] is False
    (symbol,) = [p for p in out["primitives"] if p["type"] == "Symbol"]
    assert symbol["options"] == []
    assert symbol["data"] == "010950600013435217271231217HJ3K9QWX2P4RT8M\\x1d10ABC123"
    assert symbol["symbology_id"] == "]d2"
    texts = [p["text"] for p in out["primitives"] if p["type"] == "TextRun"]
    assert "EXP 31 Dec 2027" in texts


def test_refusals_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(resource_path("templates/eu-fmd-carton.data.json").read_text("utf-8"))
    data["expiry"] = "2028-02-00"
    path = f"{tmp_path}/data.json"
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    assert main(["layout", EU, "--data", path, "--forbid-day-00", "--today", "2026-01-15"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    with pytest.raises(GS1Error) as info:
        build(
            [("17", "280200")], policy=BuildPolicy(forbid_day_00=True), today=dt.date(2026, 1, 15)
        )
    assert captured.err == f"labelstation: error: element 'dm' (barcode): {info.value}\n"
    newer = json.loads(resource_path("templates/eu-fmd-carton.json").read_text("utf-8"))
    newer["schema"] = "labelstation.template/2"
    template = f"{tmp_path}/newer.json"
    with open(template, "w", encoding="utf-8") as handle:
        json.dump(newer, handle)
    assert main(["layout", template]) == 2
    assert capsys.readouterr().err == (
        "labelstation: error: template schema 'labelstation.template/2' is newer than this "
        "LabelStation supports (labelstation.template/1)\n"
    )


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["layout", EU, "--data", EU_DATA, "--today", "2026-02-30"])
    assert exc.value.code == 2
    assert "argument --today: '2026-02-30' is not a date YYYY-MM-DD" in capsys.readouterr().err
