"""Transport settings, URLs, pyserial opening, port discovery and reconnect back-off."""

from __future__ import annotations

import pytest

from labelstation.devices.transport import (
    Backoff,
    DeviceConfig,
    SerialSettings,
    list_ports,
    open_transport,
    reconnect,
)
from labelstation.errors import DeviceError, ValidationError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"baud": 1000},
            "serial setting baud: 1000 is not supported; expected one of 1200, 2400, 4800, "
            "9600, 14400, 19200, 28800, 38400, 57600, 115200",
        ),
        ({"data_bits": 6}, "serial setting data_bits: 6 is not supported; expected 7 or 8"),
        (
            {"parity": "X"},
            "serial setting parity: 'X' is not supported; expected one of N, E, O, M, S",
        ),
        (
            {"stop_bits": 3},
            "serial setting stop_bits: 3 is not supported; expected 1, 1.5 or 2",
        ),
        (
            {"flow": "dtr"},
            "serial setting flow: 'dtr' is not supported; expected none, xonxoff or rtscts",
        ),
        (
            {"read_timeout": 0},
            "serial setting read_timeout: 0 is out of range; expected seconds > 0 and ≤ 60",
        ),
        (
            {"write_timeout": 61.0},
            "serial setting write_timeout: 61.0 is out of range; expected seconds > 0 and ≤ 60",
        ),
    ],
)
def test_settings_refusals_name_setting_value_and_expectation(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        SerialSettings(**kwargs)  # type: ignore[arg-type]
    assert str(exc.value) == message


@pytest.mark.parametrize("baud", [1200, 9600, 115200])
def test_every_edge_baud_is_accepted(baud: int) -> None:
    assert SerialSettings(baud=baud).baud == baud


def test_line_time_model() -> None:
    s = SerialSettings(baud=9600)
    assert s.bits_per_byte == 10
    assert s.seconds_for(960) == pytest.approx(1.0)
    assert SerialSettings(baud=9600, parity="E", stop_bits=2).bits_per_byte == 12


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "",
            "device url: '' is empty; expected a port (/dev/ttyUSB0, COM3) or a URL "
            "(socket://host:port, rfc2217://host:port, loop://)",
        ),
        (
            " COM3",
            "device url: ' COM3' contains white space or control characters; expected a port "
            "or URL without them",
        ),
        (
            "socket://printer",
            "device url: 'socket://printer' has no valid host:port; expected "
            "socket://HOST:PORT with PORT 1–65535",
        ),
        (
            "rfc2217://host:70000",
            "device url: 'rfc2217://host:70000' has no valid host:port; expected "
            "rfc2217://HOST:PORT with PORT 1–65535",
        ),
    ],
)
def test_url_refusals(url: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        DeviceConfig(url)
    assert str(exc.value) == message


@pytest.mark.parametrize("url", ["/dev/ttyUSB0", "COM3", "socket://10.0.0.5:9100", "loop://"])
def test_accepted_urls(url: str) -> None:
    assert DeviceConfig(url).url == url


def test_loop_url_round_trips_every_byte() -> None:
    port = open_transport(DeviceConfig("loop://", SerialSettings(baud=115200)))
    try:
        data = bytes(range(256))
        port.write(data)
        assert port.read(256) == data
        assert port.baudrate == 115200
    finally:
        port.close()


def test_open_failure_is_a_device_error() -> None:
    with pytest.raises(DeviceError) as exc:
        open_transport(DeviceConfig("/dev/labelstation-no-such-port"))
    assert str(exc.value).startswith("device /dev/labelstation-no-such-port: cannot open (")


def test_list_ports_reports_typed_sorted_ports() -> None:
    ports = list_ports()
    assert [p.device for p in ports] == sorted(p.device for p in ports)
    for p in ports:
        assert set(p.as_dict()) == {
            "device",
            "description",
            "vid_pid",
            "serial_number",
            "manufacturer",
        }
        assert p.vid_pid is None or (len(p.vid_pid) == 9 and p.vid_pid[4] == ":")


def test_backoff_grows_and_caps() -> None:
    assert Backoff(initial=0.5, factor=2, maximum=3, attempts=6).delays() == [
        0.5,
        1.0,
        2.0,
        3,
        3,
    ]
    with pytest.raises(ValidationError) as exc:
        Backoff(initial=2, maximum=1)
    assert str(exc.value) == "backoff maximum: 1 must be ≥ initial 2"


def test_reconnect_retries_with_injected_sleep() -> None:
    slept: list[float] = []
    attempts: list[int] = []

    def opener() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise DeviceError("refused")
        return "link"

    result = reconnect(opener, Backoff(initial=0.1, attempts=5), what="printer", sleep=slept.append)
    assert result == "link"
    assert slept == [0.1, 0.2]


def test_reconnect_gives_up_with_the_last_reason() -> None:
    slept: list[float] = []

    def opener() -> str:
        raise DeviceError(f"refused {len(slept)}")

    with pytest.raises(DeviceError) as exc:
        reconnect(opener, Backoff(initial=1, attempts=3), what="printer at X", sleep=slept.append)
    assert str(exc.value) == (
        "printer at X: link lost and 3 reconnect attempts failed; last error: refused 2"
    )
    assert slept == [1, 2]
