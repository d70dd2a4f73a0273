"""``labelstation ports | printer | simulate``: the technician's device tools.

``ports`` lists serial ports; ``printer status|identify|send`` talks to a printer by URL (a
serial port, ``socket://host:9100``, ``rfc2217://…``); ``simulate printer|scanner`` runs the
virtual devices as processes, reachable by URL, for tests, demos and training. Contract:
docs/cli/devices.md.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from labelstation.cli._output import gs_from_cli, json_refusal, print_json
from labelstation.devices.printer import languages, open_printer
from labelstation.devices.scanner import TERMINATORS
from labelstation.devices.transport import BAUD_RATES, DeviceConfig, SerialSettings, list_ports
from labelstation.errors import LabelStationError, ValidationError


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; expected > 0 and ≤ 60 s")
    return value


def _line_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baud", type=int, default=9600, help="serial ports only (default 9600; 1200–115200)"
    )
    parser.add_argument(
        "--flow", choices=("none", "xonxoff", "rtscts"), default="none", help="handshake"
    )
    parser.add_argument("--language", choices=languages(), default="zpl", help="printer language")


def _config(args: argparse.Namespace) -> DeviceConfig:
    return DeviceConfig(args.url, SerialSettings(baud=args.baud, flow=args.flow, read_timeout=0.05))


def _ports(args: argparse.Namespace) -> int:
    ports = list_ports()
    if args.json:
        print_json({"ports": [p.as_dict() for p in ports]})
        return 0
    if not ports:
        print("no serial ports found")
    for p in ports:
        extra = ", ".join(
            x
            for x in (
                f"USB {p.vid_pid}" if p.vid_pid else "",
                f"serial {p.serial_number}" if p.serial_number else "",
            )
            if x
        )
        print(f"{p.device}\t{p.description}" + (f"\t{extra}" if extra else ""))
    return 0


def _printer_status(args: argparse.Namespace) -> int:
    try:
        driver = open_printer(_config(args), args.language, status_timeout=args.timeout)
        try:
            status = driver.query_status()
        finally:
            driver.close()
    except LabelStationError as exc:
        return json_refusal(exc, args.json, {"url": args.url, "ok": False})
    if args.json:
        print_json({"url": args.url, "ok": True, **status.as_dict()})
        return 0
    print(f"{args.url}: {', '.join(status.words)}")
    flags = status.as_dict()["flags"]
    assert isinstance(flags, dict)
    print("flags: " + " ".join(f"{name}={int(value)}" for name, value in flags.items()))
    print(
        f"formats in buffer: {status.formats_in_buffer}, labels remaining: "
        f"{status.labels_remaining}, label length: {status.label_length_dots} dots"
    )
    print(f"raw: {status.raw!r}")
    return 0


def _printer_identify(args: argparse.Namespace) -> int:
    driver = open_printer(_config(args), args.language, status_timeout=args.timeout)
    try:
        ident = driver.identify()
    finally:
        driver.close()
    if args.json:
        print_json({"url": args.url, **ident.as_dict()})
    else:
        print(
            f"{args.url}: {ident.model}, firmware {ident.firmware}, {ident.dpi} dpi, "
            f"{ident.memory_kb} KB"
        )
    return 0


def _printer_send(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"printer send file: {args.file!r} cannot be read ({exc})") from exc
    driver = open_printer(_config(args), args.language, status_timeout=args.timeout)
    try:
        driver.send(data)
    finally:
        driver.close()
    print(f"sent {len(data)} bytes to {args.url}")
    return 0


def _wait_for_signal(stdin_handler: Callable[[str], str]) -> None:
    """Run until SIGINT/SIGTERM; stdin lines go to ``stdin_handler`` (EOF just stops that)."""
    done = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def read_stdin() -> None:
        for line in sys.stdin:
            if line.strip():
                reply = stdin_handler(line)
                print(reply, flush=True)

    threading.Thread(target=read_stdin, daemon=True).start()
    while not done.wait(0.2):
        pass


def _simulate_printer(args: argparse.Namespace) -> int:
    from labelstation.devices.sim.printer import (
        PrinterModel,
        PrinterSimulator,
        VirtualPrinter,
        parse_fault_plan,
    )

    model = PrinterModel(
        dpi=args.dpi,
        speed_ips=args.speed,
        label_length_dots=args.label_length,
        silent_when_faulted=args.silent_when_faulted,
    )
    printer = VirtualPrinter(
        model,
        out_dir=Path(args.out) if args.out else None,
        faults=parse_fault_plan(args.faults),
        write_png=not args.no_png,
    )
    sim = PrinterSimulator(
        printer, listen=args.listen, pty_path=args.pty, baud=args.baud, control=args.control
    )
    with sim:
        print(f"printer simulator on {sim.url}", flush=True)
        if sim.control_url:
            print(f"control on {sim.control_url}", flush=True)
        _wait_for_signal(printer.control)
    return 0


def _simulate_scanner(args: argparse.Namespace) -> int:
    from labelstation.devices.sim.scanner import ScannerModel, VirtualScanner

    model = ScannerModel(
        terminator=TERMINATORS[args.terminator],
        prefix=gs_from_cli(args.prefix).encode("utf-8"),
        suffix=gs_from_cli(args.suffix).encode("utf-8"),
        gs_substitute=args.gs_substitute.encode("utf-8") if args.gs_substitute else None,
        symbology_ids=not args.no_aim,
        no_read_rate=args.no_read_rate,
        misread_rate=args.misread_rate,
        seed=args.seed,
    )
    scanner = VirtualScanner(model, listen=args.listen, pty_path=args.pty, baud=args.baud)

    def command(line: str) -> str:
        text = gs_from_cli(line.rstrip("\r\n"))
        if text.startswith("]") and len(text) >= 3:
            wire = scanner.send_read(text[:3], text[3:].encode("utf-8"))
        else:
            wire = scanner.send_read(None, text.encode("utf-8"))
        return f"sent {wire!r}"

    with scanner:
        print(f"scanner simulator on {scanner.url}", flush=True)
        if args.watch:
            scanner.watch(Path(args.watch))
        _wait_for_signal(command)
    return 0


def _link_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--listen", metavar="socket://HOST:PORT", help="listen (PORT 0: any)")
    where.add_argument("--pty", metavar="PATH", help="create a pty and symlink its slave at PATH")
    parser.add_argument(
        "--baud",
        type=int,
        default=None,
        choices=BAUD_RATES,
        metavar="BAUD",
        help="model this line speed (ptys and sockets do not throttle); default: none",
    )


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; expected 0–1")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ports``, ``printer`` and ``simulate``."""
    ports = subparsers.add_parser("ports", help="list serial ports (device, USB VID:PID, serial)")
    ports.add_argument("--json", action="store_true", help="print one JSON object")
    ports.set_defaults(handler=_ports)

    printer = subparsers.add_parser("printer", help="talk to a printer by URL")
    psub = printer.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    for name, handler, helptext in (
        ("status", _printer_status, "ask ~HS: ready, paper out, head open… and the raw reply"),
        ("identify", _printer_identify, "ask ~HI: model, firmware, dpi, memory"),
    ):
        p = psub.add_parser(name, help=helptext)
        p.add_argument("url", metavar="URL", help="/dev/ttyUSB0, COM3, socket://HOST:9100 …")
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.add_argument("--timeout", type=_seconds, default=2.0, help="seconds to wait (default 2)")
        _line_options(p)
        p.set_defaults(handler=handler)
    send = psub.add_parser("send", help="send a ZPL file as it is")
    send.add_argument("url", metavar="URL")
    send.add_argument("file", metavar="FILE.zpl")
    send.add_argument("--timeout", type=_seconds, default=2.0, help="write timeout")
    _line_options(send)
    send.set_defaults(handler=_printer_send)

    simulate = subparsers.add_parser("simulate", help="run a virtual printer or scanner")
    ssub = simulate.add_subparsers(dest="simulate_command", metavar="DEVICE", required=True)
    sp = ssub.add_parser(
        "printer",
        help="virtual Zebra ZPL printer",
        description="Runs until SIGINT/SIGTERM. Control commands on stdin or --control: "
        "paper_out, head_open, ribbon_out, over_temperature, pause, drop, garble, power_cycle, "
        "clear, feed, silent on|off, status, printed.",
    )
    _link_options(sp)
    sp.add_argument("--out", metavar="DIR", help="write label-NNNNNN.zpl and .png here")
    sp.add_argument("--no-png", action="store_true", help="write ZPL only")
    sp.add_argument(
        "--faults", default="", metavar="PLAN", help="e.g. paper_out@50,head_open@120,drop@300"
    )
    sp.add_argument("--speed", type=float, default=6.0, help="print speed, inches/s (default 6)")
    sp.add_argument("--dpi", type=int, default=203, choices=(152, 203, 300, 600))
    sp.add_argument(
        "--label-length", type=int, default=406, metavar="DOTS", help="default 406 (2 in)"
    )
    sp.add_argument(
        "--silent-when-faulted",
        action="store_true",
        help="do not answer ~HS during media faults (newer firmware)",
    )
    sp.add_argument("--control", metavar="socket://HOST:PORT", help="control channel listener")
    sp.set_defaults(handler=_simulate_printer)

    sc = ssub.add_parser(
        "scanner",
        help="virtual scanner reading the printer's PNGs",
        description="Runs until SIGINT/SIGTERM. Each stdin line is sent as a read "
        "(]d2… splits the identifier; <GS> or \\x1d for GS).",
    )
    _link_options(sc)
    sc.add_argument("--watch", metavar="DIR", help="scan each new label-*.png in DIR")
    sc.add_argument("--terminator", choices=tuple(TERMINATORS), default="CR")
    sc.add_argument("--prefix", default="", help="bytes before each read")
    sc.add_argument("--suffix", default="", help="bytes after each read")
    sc.add_argument("--gs-substitute", default=None, metavar="TEXT", help="send TEXT for GS")
    sc.add_argument("--no-aim", action="store_true", help="send no AIM symbology identifier")
    sc.add_argument("--no-read-rate", type=_rate, default=0.0, metavar="P")
    sc.add_argument("--misread-rate", type=_rate, default=0.0, metavar="P")
    sc.add_argument("--seed", type=int, default=0)
    sc.set_defaults(handler=_simulate_scanner)
