"""The device commands end to end: simulator processes and `printer status` over real URLs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from devices_support import FORMAT, SimFactory, connect, send_labels

from labelstation.cli import main


class SimProcess:
    """`labelstation simulate printer` as a subprocess, with its URLs read from stdout."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "labelstation", "simulate", "printer", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().split()[-1]
        self.control_url = ""
        if "--control" in args:
            self.control_url = self.proc.stdout.readline().split()[-1]

    def control(self, command: str) -> str:
        host, port = self.control_url[len("socket://") :].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(command.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                reply += conn.recv(4096)
        return reply.decode().strip()

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=10)
        assert self.proc.returncode == 0
        return err


@pytest.fixture(scope="module")
def _sim_process() -> Iterator[SimProcess]:
    sim = SimProcess(
        "--listen", "socket://127.0.0.1:0", "--control", "socket://127.0.0.1:0", "--speed", "5000"
    )
    yield sim
    assert "Traceback" not in sim.stop()


@pytest.fixture
def sim_process(_sim_process: SimProcess) -> SimProcess:
    """The shared simulator process, back to ready (faults fixed, pause left)."""
    assert _sim_process.control("clear") == "ok"
    assert _sim_process.control("feed") == "ok"
    assert _sim_process.control("silent off") == "ok"
    return _sim_process


def _status(url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["printer", "status", url, "--json", "--timeout", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    document = json.loads(out)
    assert isinstance(document, dict)
    return document


def test_status_reports_ready_paper_out_and_head_open_as_injected(
    sim_process: SimProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _status(sim_process.url, capsys)["state"] == ["ready"]
    assert sim_process.control("paper_out") == "ok"
    doc = _status(sim_process.url, capsys)
    assert doc["state"] == ["paper out", "paused"]
    assert doc["ready"] is False
    flags = doc["flags"]
    assert isinstance(flags, dict)
    assert flags["paper_out"] is True
    assert str(doc["raw"]).startswith("\\x02030,1,1,0406,000,")
    assert sim_process.control("clear") == "ok"
    assert sim_process.control("head_open") == "ok"
    assert _status(sim_process.url, capsys)["state"] == ["head open", "paused"]


def test_status_in_words_with_raw_bytes(
    sim_process: SimProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sim_process.control("ribbon_out") == "ok"
    assert main(["printer", "status", sim_process.url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{sim_process.url}: ribbon out, paused"
    assert lines[1].startswith("flags: paper_out=0 paused=1 head_up=0 ribbon_out=1 ")
    assert lines[3].startswith("raw: b'\\x02030,0,1,0406,000,0,0,0,000,0,0,0\\x03\\r\\n")


def test_send_a_zpl_file_and_identify(
    sim_process: SimProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zpl = tmp_path / "label.zpl"
    zpl.write_bytes(b"^XA^FO20,20^A0N,30,30^FDHello^FS^XZ")
    assert main(["printer", "send", sim_process.url, str(zpl)]) == 0
    assert capsys.readouterr().out == f"sent 35 bytes to {sim_process.url}\n"
    assert main(["printer", "identify", sim_process.url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dpi"] == 203
    printed = int(sim_process.control("printed"))
    assert main(["printer", "send", sim_process.url, str(zpl)]) == 0
    capsys.readouterr()
    while int(sim_process.control("printed")) == printed:
        pass  # the label takes its print time
    assert int(sim_process.control("printed")) == printed + 1


def test_silent_printer_exits_2_with_one_line(
    sim_process: SimProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sim_process.url
    assert sim_process.control("silent on") == "ok"
    assert sim_process.control("head_open") == "ok"
    assert main(["printer", "status", url, "--timeout", "0.3"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"labelstation: error: printer at {url}: not answering ~HS within 0.3 s; "
        "check media, ribbon, head\n"
    )
    assert main(["printer", "status", url, "--timeout", "0.3", "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False
    assert doc["error"].endswith("not answering ~HS within 0.3 s; check media, ribbon, head")


def test_simulator_over_a_pty_with_a_fault_plan(tmp_path: Path) -> None:
    path = tmp_path / "zebra"
    sim = SimProcess(
        "--pty", str(path), "--baud", "115200", "--speed", "5000", "--faults", "paper_out@3",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    try:
        assert sim.url == str(path)
        driver = connect(str(path))()
        try:
            driver.store_format(FORMAT)
            send_labels(driver, 5)
            status = driver.query_status()
            while status.ready:  # labels 1 and 2 print, then paper runs out
                status = driver.query_status()
            assert status.words == ("paper out", "paused")
            assert status.labels_in_printer == 3
        finally:
            driver.close()
        # stdin is a control channel too
        assert sim.proc.stdin is not None
        assert sim.proc.stdout is not None
        sim.proc.stdin.write("status\n")
        sim.proc.stdin.flush()
        assert json.loads(sim.proc.stdout.readline()) == {
            "state": ["paper out", "paused"],
            "printed": 2,
            "labels_in_buffer": 3,
            "stored_formats": ["R:CARTON.ZPL"],
            "objects": [],
        }
    finally:
        sim.stop()
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert out == ["label-000001.png", "label-000001.zpl", "label-000002.png", "label-000002.zpl"]


def test_refusals_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "printer", "--listen", "socket://nowhere", "--faults", ""]) == 2
    assert capsys.readouterr().err == (
        "labelstation: error: simulator listen url: 'socket://nowhere' is not valid; expected "
        "socket://HOST:PORT (PORT 0 picks a free port)\n"
    )
    assert main(["simulate", "printer", "--listen", "socket://127.0.0.1:0", "--faults", "x@1"]) == 2
    assert capsys.readouterr().err.startswith(
        "labelstation: error: fault plan item 'x@1': fault 'x' is unknown"
    )
    assert main(["printer", "status", "socket://printer", "--baud", "9600"]) == 2
    assert capsys.readouterr().err == (
        "labelstation: error: device url: 'socket://printer' has no valid host:port; expected "
        "socket://HOST:PORT with PORT 1–65535\n"
    )


def test_ports_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ports", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert isinstance(doc["ports"], list)
    for port in doc["ports"]:
        assert set(port) == {"device", "description", "vid_pid", "serial_number", "manufacturer"}


def test_scanner_simulator_process_sends_stdin_reads(make_sim: SimFactory) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "labelstation", "simulate", "scanner", "--listen",
         "socket://127.0.0.1:0", "--gs-substitute", "|", "--terminator", "CRLF"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdin is not None
        url = proc.stdout.readline().split()[-1]
        host, port = url[len("socket://") :].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            proc.stdin.write("]d2010950600013435210ABC<GS>21SN1\n")
            proc.stdin.flush()
            assert proc.stdout.readline().startswith("sent ")
            data = b""
            while not data.endswith(b"\r\n"):
                data += conn.recv(4096)
        assert data == b"]d2010950600013435210ABC|21SN1\r\n"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0
