"""The technician's test print reaches a virtual printer and prints what the template says."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from devices_support import SimFactory, connect
from PIL import Image

from labelstation.devices.sim.printer import PrinterModel
from labelstation.devices.testprint import print_test_label
from labelstation.errors import GS1Error
from labelstation.resources import resource_path
from labelstation.template import layout, load_data, load_template


@pytest.mark.parametrize("dpi", [203, 300])
def test_test_print_is_laid_out_at_the_printers_dpi_and_decodes(
    make_sim: SimFactory, tmp_path: Path, dpi: int
) -> None:
    template = load_template(resource_path("templates/eu-fmd-carton.json"))
    data = load_data(resource_path("templates/eu-fmd-carton.data.json"))
    sim = make_sim(
        PrinterModel(dpi=dpi, speed_ips=5000.0, model=f"ZD621-{dpi}dpi"), out_dir=tmp_path
    )
    driver = connect(sim.url)()
    try:
        result = print_test_label(driver, template, data)
    finally:
        driver.close()
    assert result.identity.dpi == dpi
    assert sim.printer.wait_printed(1, timeout=10)
    assert result.bytes_sent > 100_000  # the TrueType fonts went with it
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 1
    decoded = zxingcpp.read_barcodes(Image.open(pngs[0]))
    expected = layout(template, data, dpi=dpi).symbols[0]
    assert [(d.symbology_identifier, bytes(d.bytes).decode()) for d in decoded] == [
        ("]d2", expected.data)
    ]


def test_invalid_data_sends_nothing(make_sim: SimFactory) -> None:
    template = load_template(resource_path("templates/eu-fmd-carton.json"))
    data = dict(load_data(resource_path("templates/eu-fmd-carton.data.json")), lot="AB#1")
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        with pytest.raises(GS1Error, match=r"'#' at position 3 is not in GS1 CSET 82"):
            print_test_label(driver, template, data)
    finally:
        driver.close()
    assert sim.printer.printed_count == 0
