"""Print jobs against the virtual printer over socket://: pacing, exact accounting, faults."""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path

import pytest
from devices_support import FAST, FORMAT, SimFactory, connect, labels

from labelstation.devices.job import JobEvent, JobSnapshot, JobState, LabelState, PrintJob
from labelstation.devices.printer import LabelData, StoredFormat, open_printer
from labelstation.devices.sim.printer import (
    PrintedLabel,
    PrinterModel,
    PrinterSimulator,
    VirtualPrinter,
    parse_fault_plan,
)
from labelstation.devices.transport import Backoff, DeviceConfig, SerialSettings
from labelstation.errors import ValidationError
from labelstation.render.zplimage import tokenize


def _serial_printed(label: PrintedLabel) -> str:
    """The serial in field 1 of a printed label, read back from its merged ZPL."""
    data = [c.params for c in tokenize(label.zpl) if c.prefix == "^" and c.code == "FD"]
    return data[0].decode("utf-8")


def _paused(s: JobSnapshot) -> bool:
    return s.state is JobState.PAUSED


def _assert_counts(snap: JobSnapshot, printed: int, in_printer: int, unsent: int) -> None:
    assert (
        snap.count(LabelState.PRINTED),
        snap.count(LabelState.IN_PRINTER),
        snap.count(LabelState.UNSENT),
    ) == (printed, in_printer, unsent)


def test_1000_labels_arrive_exactly_once_and_in_order(make_sim: SimFactory) -> None:
    sim = make_sim()
    items = labels(1000)
    events: queue.Queue[JobEvent] = queue.Queue()
    job = PrintJob(connect(sim.url), FORMAT, items, on_event=events.put, window=8)
    job.start()
    snap = job.wait(timeout=60)
    assert snap.state is JobState.DONE
    assert snap.count(LabelState.PRINTED) == 1000
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]
    assert not any(p.stored_format_missing for p in sim.printer.printed)
    # the stored format was downloaded once for the batch
    assert sim.printer.state()["stored_formats"] == ["R:CARTON.ZPL"]
    kinds = []
    while not events.empty():
        event = events.get()
        kinds.append(event.kind)
        # pacing: never more labels in the printer than the window
        assert event.snapshot.count(LabelState.IN_PRINTER) <= 8
    assert kinds[-1] == "done"


def test_paper_out_at_label_500_names_exactly_the_printed_labels(make_sim: SimFactory) -> None:
    sim = make_sim(faults=parse_fault_plan("paper_out@500"))
    items = labels(1000)
    job = PrintJob(connect(sim.url), FORMAT, items, window=8)
    job.start()
    snap = job.wait_for(_paused, timeout=60)
    assert snap.fault == f"printer at {sim.url}: paper out, paused"
    assert snap.indices(LabelState.PRINTED) == tuple(range(499))
    assert snap.serials_in(LabelState.PRINTED) == tuple(x.serial for x in items[:499])
    held = sim.printer.state()["labels_in_buffer"]
    assert isinstance(held, int)
    assert held >= 1
    _assert_counts(snap, 499, held, 1000 - 499 - held)
    assert snap.indices(LabelState.IN_PRINTER) == tuple(range(499, 499 + held))
    assert sim.printer.printed_count == 499
    # operator loads paper, then resumes: everything prints once, in order
    sim.printer.clear_faults()
    job.resume()
    snap = job.wait(timeout=60)
    assert snap.state is JobState.DONE
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]


@pytest.mark.parametrize(
    ("fault", "fault_text"),
    [
        ("head_open", "head open, paused"),
        ("ribbon_out", "ribbon out, paused"),
        ("over_temperature", "over temperature, paused"),
        ("pause", "paused"),
    ],
)
def test_each_fault_pauses_with_exact_counts_then_cancel(
    make_sim: SimFactory, fault: str, fault_text: str
) -> None:
    sim = make_sim(faults=parse_fault_plan(f"{fault}@10"))
    items = labels(40)
    job = PrintJob(connect(sim.url), FORMAT, items, window=4)
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault == f"printer at {sim.url}: {fault_text}"
    held = sim.printer.state()["labels_in_buffer"]
    assert isinstance(held, int)
    _assert_counts(snap, 9, held, 40 - 9 - held)
    job.cancel()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.CANCELLED
    # the printer was stopped, so ~JA removed exactly the held labels: none of them printed
    assert snap.indices(LabelState.CANCELLED) == tuple(range(9, 9 + held))
    assert snap.count(LabelState.PRINTED) == 9
    assert sim.printer.state()["labels_in_buffer"] == 0
    assert sim.printer.printed_count == 9


def test_silent_printer_pauses_the_job_with_a_timeout(make_sim: SimFactory) -> None:
    sim = make_sim(
        PrinterModel(speed_ips=5000.0, silent_when_faulted=True),
        faults=parse_fault_plan("paper_out@10"),
    )
    items = labels(30)
    job = PrintJob(connect(sim.url, timeout=0.3), FORMAT, items, window=4)
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault == (
        f"printer at {sim.url}: not answering ~HS within 0.3 s; check media, ribbon, head"
    )
    # without an answer the driver claims nothing new: at most the 9 really printed
    assert snap.count(LabelState.PRINTED) <= 9
    assert sim.printer.printed_count == 9
    sim.printer.clear_faults()
    job.resume()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.DONE
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]


def test_link_drop_reconnects_and_marks_unknown_labels_in_doubt(make_sim: SimFactory) -> None:
    sim = make_sim(faults=parse_fault_plan("drop@10"))
    items = labels(30)
    slept: list[float] = []
    job = PrintJob(
        connect(sim.url),
        FORMAT,
        items,
        window=4,
        backoff=Backoff(initial=0.01, attempts=5),
        sleep=slept.append,
    )
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault is not None
    assert snap.fault.startswith(f"printer at {sim.url}: link lost (")
    job.resume()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.DONE
    printed_serials = [_serial_printed(p) for p in sim.printer.printed]
    # never a duplicate; every label the driver calls printed really is; in-doubt labels are
    # the only ones whose fate the driver does not claim
    assert len(printed_serials) == len(set(printed_serials))
    assert set(snap.serials_in(LabelState.PRINTED)) <= set(printed_serials)
    assert snap.count(LabelState.PRINTED) + snap.count(LabelState.IN_DOUBT) == 30


def test_power_cycle_loses_the_format_and_the_job_downloads_it_again(
    make_sim: SimFactory,
) -> None:
    sim = make_sim(faults=parse_fault_plan("power_cycle@10"))
    items = labels(30)
    job = PrintJob(
        connect(sim.url),
        FORMAT,
        items,
        window=4,
        backoff=Backoff(initial=0.01),
        sleep=lambda s: None,
    )
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert sim.printer.printed_count == 9
    printed = snap.indices(LabelState.PRINTED)
    in_doubt = snap.indices(LabelState.IN_DOUBT)
    # what the driver saw printed, then what was in the printer when it restarted: together
    # they cover the 9 labels that really printed, and nothing is claimed that did not print
    assert printed + in_doubt == tuple(range(len(printed) + len(in_doubt)))
    assert len(printed) <= 9 <= len(printed) + len(in_doubt)
    # production checks the in-doubt labels on the line (here: the printer's real output)
    seen = {_serial_printed(p) for p in sim.printer.printed}
    found = [i for i in in_doubt if items[i].serial in seen]
    missing = [i for i in in_doubt if items[i].serial not in seen]
    with pytest.raises(ValidationError) as exc:
        job.resume(printed=[0])
    assert str(exc.value) == "print job resume: label 0 is printed; expected a label in doubt"
    job.resume(printed=found, reprint=missing)
    snap = job.wait(timeout=30)
    assert snap.state is JobState.DONE
    assert snap.count(LabelState.PRINTED) == 30
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]
    assert not any(p.stored_format_missing for p in sim.printer.printed)


def test_format_that_does_not_arrive_is_never_recalled(make_sim: SimFactory) -> None:
    sim = make_sim(PrinterModel(speed_ips=5000.0, memory_kb=0))
    job = PrintJob(connect(sim.url), FORMAT, labels(3))
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault == (
        f"printer at {sim.url}: stored format R:CARTON.ZPL not in its memory after download "
        "(lists nothing); expected it there before any label recalls it"
    )
    assert snap.count(LabelState.UNSENT) == 3
    job.cancel()
    assert job.wait(timeout=30).state is JobState.CANCELLED
    assert sim.printer.printed_count == 0


def test_job_refusals() -> None:
    with pytest.raises(ValidationError) as exc:
        PrintJob(connect("loop://"), FORMAT, labels(2), window=0)
    assert str(exc.value) == "print job window: 0 is out of range; expected 1–99"
    with pytest.raises(ValidationError) as exc:
        PrintJob(connect("loop://"), FORMAT, [labels(1)[0], labels(1)[0]])
    assert str(exc.value) == (
        "print job serials: 'SN00000' occurs more than once; expected unique serials"
    )
    with pytest.raises(ValidationError) as exc:
        PrintJob(connect("loop://"), FORMAT, [LabelData("A", {1: "A", 3: "x"})])
    assert str(exc.value) == (
        "print job label 'A' fields: missing [2], extra [3]; expected exactly the ^FN fields "
        "of R:CARTON.ZPL [1, 2] (a field left out prints the stored default)"
    )
    with pytest.raises(ValidationError) as exc:
        PrintJob(connect("loop://"), FORMAT, [])
    assert str(exc.value) == "print job labels: 0 labels; expected at least 1"


def test_fast_model_is_fast() -> None:
    assert FAST.seconds_per_label == pytest.approx(406 / 203 / 5000)


def test_labels_from_another_host_pause_the_job(make_sim: SimFactory) -> None:
    sim = make_sim(PrinterModel(speed_ips=1.0))  # 2 s a label: the counts stand still
    sim.printer.inject("pause")
    job = PrintJob(connect(sim.url), FORMAT, labels(5))
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault == f"printer at {sim.url}: paused"
    other = connect(sim.url)()
    try:
        other.send(b"".join(other.label_bytes(FORMAT, x) for x in labels(20)))
        assert other.query_status().labels_in_printer == 20
    finally:
        other.close()
    job.resume()
    snap = job.wait_for(
        lambda s: _paused(s) and s.fault is not None and "reports" in s.fault, timeout=30
    )
    assert snap.fault == (
        f"printer at {sim.url}: reports 20 labels in its buffer; expected at most the 0 this "
        "job sent"
    )
    job.cancel()
    assert job.wait(timeout=30).count(LabelState.UNSENT) == 5


def test_one_garbled_reply_is_retried_and_the_job_goes_on(make_sim: SimFactory) -> None:
    sim = make_sim(faults=parse_fault_plan("garble@5"))
    items = labels(20)
    events: list[JobEvent] = []
    job = PrintJob(connect(sim.url), FORMAT, items, on_event=events.append, window=4)
    job.start()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.DONE
    assert "paused" not in [e.kind for e in events]
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]


def test_job_over_a_pty_at_modeled_115200_baud(tmp_path: Path) -> None:
    path = tmp_path / "zebra"
    items = labels(25)
    with PrinterSimulator(VirtualPrinter(FAST), pty_path=str(path), baud=115200) as sim:
        config = DeviceConfig(str(path), SerialSettings(baud=115200, read_timeout=0.02))
        job = PrintJob(lambda: open_printer(config), FORMAT, items, window=4)
        job.start()
        snap = job.wait(timeout=60)
        assert snap.state is JobState.DONE
        assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]


def test_unseen_restart_on_a_serial_line_is_caught_by_the_memory_check(tmp_path: Path) -> None:
    path = tmp_path / "zebra"
    items = labels(60)
    plan = parse_fault_plan("power_cycle@30")
    with PrinterSimulator(VirtualPrinter(FAST, faults=plan), pty_path=str(path)) as sim:
        config = DeviceConfig(str(path), SerialSettings(read_timeout=0.02))
        job = PrintJob(lambda: open_printer(config), FORMAT, items, window=4, verify_every=10)
        job.start()
        snap = job.wait_for(_paused, timeout=60)
        assert snap.fault is not None
        assert snap.fault.startswith(
            f"printer at {path}: stored format R:CARTON.ZPL is gone from its memory (restarted?); "
        )
        good = [_serial_printed(p) for p in sim.printer.printed if not p.stored_format_missing]
        # the restart came before label 30 and lost what was held; until the next memory
        # check (at most verify_every + window labels) recalls print without their format
        assert good == [x.serial for x in items[:29]]
        bad = [_serial_printed(p) for p in sim.printer.printed if p.stored_format_missing]
        assert len(bad) <= 10 + 4
        printed = snap.indices(LabelState.PRINTED)
        in_doubt = snap.indices(LabelState.IN_DOUBT)
        # nothing is called printed that did not print whole; every print is accounted for
        assert {items[i].serial for i in printed} <= set(good)
        assert set(good + bad) <= {items[i].serial for i in printed + in_doubt}
        assert snap.fault.endswith(f"; {len(in_doubt)} labels since the last check are in doubt")
        # production keeps the good in-doubt labels and destroys the format-less ones
        job.resume(
            printed=[i for i in in_doubt if items[i].serial in good],
            reprint=[i for i in in_doubt if items[i].serial not in good],
        )
        snap = job.wait(timeout=60)
        assert snap.state is JobState.DONE
        assert snap.count(LabelState.PRINTED) == 60
        whole = [_serial_printed(p) for p in sim.printer.printed if not p.stored_format_missing]
        assert whole == [x.serial for x in items]


def _emitted_labels(count: int) -> tuple[StoredFormat, list[LabelData]]:
    """A stored format and recalls made by the ZPL emitter from display lists."""
    from labelstation.render.zpl import zpl_recall, zpl_stored_format
    from labelstation.symbols import encode, symbology
    from labelstation.symbols.geometry import content_size
    from labelstation.template.displaylist import DisplayList, Symbol

    def display_list(serial: str) -> DisplayList:
        data = "010950600013435217271231" + "10" + LOT + GS + "21" + serial
        info = symbology("gs1-datamatrix")
        enc = encode("gs1-datamatrix", data)
        module = 4 * 25.4 / 203
        cw, ch = content_size(enc, module, 12.0)
        qz = info.quiet_zone_modules * module
        symbol = Symbol(
            x=2.0, y=2.0, w=cw + 2 * qz, h=ch + 2 * qz, kind="gs1-datamatrix", data=data,
            symbology_id=info.symbology_id, hri=enc.hri, module=module, height=12.0,
            quiet_zone=qz, show_hri=False, rotation=0, key="dm", variable=True,
        )  # fmt: skip
        return DisplayList(60.0, 40.0, (symbol,), dpi=203)

    first = display_list("SN00000")
    fmt = StoredFormat.from_zpl(zpl_stored_format(first, 203, name="carton1"))
    items = [
        LabelData(
            f"SN{i:05d}", recall=zpl_recall(display_list(f"SN{i:05d}"), name="carton1").encode()
        )
        for i in range(count)
    ]
    return fmt, items


GS = "\x1d"
LOT = "_%&'()*+,-./:;<=>?!\""  # CSET 82 punctuation, 20 characters (the most AI 10 takes)


def test_emitter_stored_format_and_recalls_print_and_decode(
    tmp_path: Path, make_sim: SimFactory
) -> None:
    import zxingcpp
    from PIL import Image

    fmt, items = _emitted_labels(3)
    assert fmt.name == "R:CARTON1.ZPL"
    assert fmt.field_numbers == frozenset({1})
    sim = make_sim(out_dir=tmp_path)
    job = PrintJob(connect(sim.url), fmt, items)
    job.start()
    assert job.wait(timeout=30).state is JobState.DONE
    for i in range(3):
        with Image.open(tmp_path / f"label-{i + 1:06d}.png") as image:
            (result,) = zxingcpp.read_barcodes(image)
        assert result.symbology_identifier == "]d2"
        assert bytes(result.bytes).decode("latin-1") == (
            "010950600013435217271231" + "10" + LOT + GS + f"21SN{i:05d}"
        )


def test_recall_refusals() -> None:
    _, items = _emitted_labels(1)
    with pytest.raises(ValidationError) as exc:
        PrintJob(connect("loop://"), FORMAT, items)
    assert str(exc.value) == (
        "print job label 'SN00000' recall: recalls R:CARTON1.ZPL; expected R:CARTON.ZPL, the "
        "job's stored format"
    )
    with pytest.raises(ValidationError) as exc:
        LabelData("X", recall=b"^XA^XFR:A.ZPL^FS^FN1^FDx^FS~JA^XZ")
    assert str(exc.value) == (
        "label 'X' recall: b'^XA^XFR:A.ZPL^FS^FN1^FDx^FS~JA^XZ' contains a ~ control command; "
        "expected ^XA^XFR:NAME.ZPL^FS, ^FNn fields, ^XZ"
    )
    with pytest.raises(ValidationError) as exc:
        StoredFormat.from_zpl("^XA^FO1,1^FDx^FS^XZ")
    assert str(exc.value) == (
        "stored format ZPL: b'^XA^FO1,1^FDx^FS^XZ' is not one ^XA^DF… ^XZ format; expected "
        "^XA^DFR:NAME.ZPL^FS, the body, ^XZ"
    )


def test_font_download_then_text_recalls_print_with_the_font(
    tmp_path: Path, make_sim: SimFactory
) -> None:
    from labelstation.render.zpl import zpl_font_downloads, zpl_recall, zpl_stored_format
    from labelstation.template.displaylist import DisplayList, TextRun

    def display_list(text: str) -> DisplayList:
        run = TextRun(x=2.0, y=2.0, w=56.0, text=text, size_pt=10, key="t", variable=True)
        return DisplayList(60.0, 20.0, (run,), dpi=203)

    texts = ["Ibuprofène 400 mg", "Ελληνικά ^~\\ 100%"]
    sim = make_sim(out_dir=tmp_path)
    driver = connect(sim.url)()
    try:
        driver.send(zpl_font_downloads(display_list(texts[0])))
    finally:
        driver.close()
    fmt = StoredFormat.from_zpl(zpl_stored_format(display_list(texts[0]), 203, name="txt"))
    items = [
        LabelData(f"S{i}", recall=zpl_recall(display_list(t), name="txt").encode())
        for i, t in enumerate(texts)
    ]
    job = PrintJob(connect(sim.url), fmt, items)
    job.start()
    assert job.wait(timeout=60).state is JobState.DONE
    assert sim.printer.state()["objects"] == ["E:LSSANS.TTF"]
    from PIL import Image

    for n in (1, 2):
        assert not (tmp_path / f"label-{n:06d}.error.txt").exists()
        with Image.open(tmp_path / f"label-{n:06d}.png") as image:
            assert image.convert("L").getextrema()[0] == 0  # the text is there, in black


def _held(n: int) -> Callable[[JobSnapshot], bool]:
    return lambda s: s.count(LabelState.IN_PRINTER) == n


def test_cancel_while_printing_leaves_the_held_labels_in_doubt(make_sim: SimFactory) -> None:
    sim = make_sim(PrinterModel(speed_ips=1.0))  # 2 s a label: one is on the head
    job = PrintJob(connect(sim.url), FORMAT, labels(10), window=4)
    job.start()
    job.wait_for(_held(4), timeout=30)
    job.cancel()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.CANCELLED
    # the printer was not stopped: the label on the head might have come out before ~JA
    assert snap.indices(LabelState.IN_DOUBT) == (0, 1, 2, 3)
    assert snap.count(LabelState.UNSENT) == 6
    assert sim.printer.state()["labels_in_buffer"] == 0
    assert sim.printer.printed_count == 0


def test_printer_gone_for_good_pauses_with_everything_in_flight_in_doubt(
    make_sim: SimFactory,
) -> None:
    sim = make_sim(PrinterModel(speed_ips=1.0))
    slept: list[float] = []
    job = PrintJob(
        connect(sim.url),
        FORMAT,
        labels(10),
        window=4,
        backoff=Backoff(initial=0.5, attempts=3),
        sleep=slept.append,
    )
    job.start()
    job.wait_for(_held(4), timeout=30)
    sim.stop()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.fault is not None
    assert snap.fault.startswith(f"printer at {sim.url}: link lost (")
    assert slept == [0.5, 1.0]
    assert snap.indices(LabelState.IN_DOUBT) == (0, 1, 2, 3)
    job.cancel()
    snap = job.wait(timeout=30)
    assert snap.state is JobState.CANCELLED
    assert snap.count(LabelState.IN_DOUBT) == 4
    assert snap.count(LabelState.UNSENT) == 6


@pytest.mark.parametrize("at", [1, 2, 17, 24])
def test_paper_out_at_the_edges_names_exactly_the_printed_labels(
    make_sim: SimFactory, at: int
) -> None:
    sim = make_sim(faults=parse_fault_plan(f"paper_out@{at}"))
    items = labels(24)
    job = PrintJob(connect(sim.url), FORMAT, items, window=3)
    job.start()
    snap = job.wait_for(_paused, timeout=30)
    assert snap.indices(LabelState.PRINTED) == tuple(range(at - 1))
    assert snap.count(LabelState.IN_PRINTER) == sim.printer.state()["labels_in_buffer"]
    sim.printer.clear_faults()
    job.resume()
    assert job.wait(timeout=30).count(LabelState.PRINTED) == 24
    assert [_serial_printed(p) for p in sim.printer.printed] == [x.serial for x in items]
