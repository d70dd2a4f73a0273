"""The simulators' side of a link: a TCP listener or a pty, with a modeled line speed.

A simulator is reachable by URL like a real device: ``socket://127.0.0.1:PORT`` (a listening
socket; each client gets its own connection, and replies go to the client that asked) or a
pty whose slave is symlinked at a path the driver opens as a serial port. ptys and loopback
sockets do not throttle, so the line speed is modeled here: bytes are handed on no faster than
``baud`` allows (10 bits a byte), in both directions. :meth:`LinkServer.drop` breaks the link
as a pulled cable or a power cycle would; the next client (or the re-created pty) gets a fresh
link.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import socket
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

from labelstation.errors import ValidationError

Handler = Callable[[bytes], bytes]


def parse_listen_url(url: str) -> tuple[str, int]:
    """``socket://HOST:PORT`` → (host, port); PORT 0 picks a free port.

    Raises:
        ValidationError: not a ``socket://HOST:PORT`` URL.
    """
    prefix = "socket://"
    host, _, port = url[len(prefix) :].rpartition(":") if url.startswith(prefix) else ("", "", "")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValidationError(
            f"simulator listen url: {url!r} is not valid; expected socket://HOST:PORT "
            "(PORT 0 picks a free port)"
        )
    return host, int(port)


class LinkServer:
    """Serve a simulator over a socket listener or a pty.

    Args:
        handler: called with each chunk of received bytes (on the link thread); returns the
            reply bytes to send.
        listen: ``socket://HOST:PORT`` to listen on, or None.
        pty_path: path at which to symlink a new pty's slave, or None.
        baud: modeled line speed in baud, or None for no throttling.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        listen: str | None = None,
        pty_path: str | None = None,
        baud: int | None = None,
    ) -> None:
        if (listen is None) == (pty_path is None):
            raise ValidationError(
                "simulator link: expected exactly one of --listen socket://HOST:PORT or --pty PATH"
            )
        if baud is not None and not 300 <= baud <= 921600:
            raise ValidationError(
                f"simulator baud: {baud!r} is out of range; expected 300–921600 or none"
            )
        self._handler = handler
        self._baud = baud
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._line_free_rx = 0.0
        self._line_free_tx = 0.0
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()  # keeps `connected` true to `_conns`
        self._master: int | None = None
        self._slave: int | None = None
        self._pty_path = Path(pty_path) if pty_path else None
        self._server: socket.socket | None = None
        self.connected = threading.Event()
        if listen is not None:
            host, port = parse_listen_url(listen)
            self._server = socket.create_server((host, port))
            self._server.settimeout(0.05)
            self.url = f"socket://{host}:{self._server.getsockname()[1]}"
        else:
            self._open_pty()
            self.url = str(self._pty_path)
        self._thread = threading.Thread(target=self._run, name="sim-link", daemon=True)
        self._tx: queue.Queue[tuple[bytes, socket.socket | None] | None] = queue.Queue()
        self._tx_thread = threading.Thread(target=self._send_loop, name="sim-tx", daemon=True)

    def _send_loop(self) -> None:
        while (item := self._tx.get()) is not None:
            self.write(*item)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start serving on a daemon thread."""
        self._thread.start()
        self._tx_thread.start()

    def stop(self) -> None:
        """Stop serving and release the socket or pty."""
        self._stop.set()
        self.drop()
        self._tx.put(None)
        if self._thread.ident is not None:
            self._thread.join(timeout=2)
            self._tx_thread.join(timeout=2)
        if self._server is not None:
            self._server.close()
        if self._pty_path is not None:
            self._close_pty()
            with contextlib.suppress(FileNotFoundError):
                self._pty_path.unlink()

    def drop(self) -> None:
        """Break the link now (the client sees a closed socket or a hung-up pty)."""
        with self._conns_lock:
            conns = list(self._conns)
            self._conns.clear()
            self.connected.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        if self._pty_path is not None and not self._stop.is_set():
            self._close_pty()
            self._open_pty()

    # -- pty -------------------------------------------------------------------------------

    def _open_pty(self) -> None:
        assert self._pty_path is not None
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: bytes pass as they are
        self._master, self._slave = master, slave
        tmp = self._pty_path.with_name(self._pty_path.name + ".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(os.ttyname(slave))
        os.replace(tmp, self._pty_path)
        self.connected.set()  # a pty is a line: whoever opens the path is on it

    def _close_pty(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None

    # -- I/O -------------------------------------------------------------------------------

    def _throttle(self, nbytes: int, direction: str) -> None:
        if self._baud is None:
            return
        duration = nbytes * 10 / self._baud
        now = time.monotonic()
        if direction == "rx":
            self._line_free_rx = max(self._line_free_rx, now) + duration
            wait = self._line_free_rx - now
        else:
            self._line_free_tx = max(self._line_free_tx, now) + duration
            wait = self._line_free_tx - now
        if wait > 0:
            time.sleep(wait)

    def write(self, data: bytes, to: socket.socket | None = None) -> bool:
        """Send ``data`` to client ``to`` (default: every client); False when nobody got it."""
        if not data:
            return True
        with self._write_lock:
            self._throttle(len(data), "tx")
            try:
                if self._server is not None:
                    targets = [to] if to is not None else list(self._conns)
                    sent = False
                    for conn in targets:
                        with contextlib.suppress(OSError):
                            conn.sendall(data)
                            sent = True
                    return sent
                else:
                    master = self._master
                    if master is None:
                        return False
                    view = memoryview(data)
                    while view:
                        written = os.write(master, view)
                        view = view[written:]
            except OSError:
                return False
        return True

    def _deliver(self, data: bytes, conn: socket.socket | None = None) -> None:
        # Hand bytes on at line speed, in slices of about 10 ms, so a reply to a query that
        # follows a long format waits for the format, as on a real line.
        step = max(1, (self._baud or 0) // 1000) if self._baud else len(data)
        for start in range(0, len(data), step):
            piece = data[start : start + step]
            self._throttle(len(piece), "rx")
            reply = self._handler(piece)
            if reply and self._baud is None:
                self.write(reply, conn)
            elif reply:  # RS-232 is full duplex: a reply on the wire must not stall receiving
                self._tx.put((reply, conn))

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._server is not None:
                self._serve_socket()
            else:
                self._serve_pty()

    def _serve_socket(self) -> None:
        assert self._server is not None
        try:
            conn, _ = self._server.accept()
        except (TimeoutError, OSError):
            return
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._conns_lock:
            self._conns.add(conn)
            self.connected.set()
        threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()

    def _serve_conn(self, conn: socket.socket) -> None:
        while not self._stop.is_set() and conn in self._conns:
            try:
                ready, _, _ = select.select([conn], [], [], 0.05)
                if not ready:
                    continue
                data = conn.recv(65536)
            except (OSError, ValueError):
                break
            if not data:
                break
            self._deliver(data, conn)
        with self._conns_lock:
            if conn in self._conns:
                self._conns.discard(conn)
                conn.close()
            if not self._conns:
                self.connected.clear()

    def _serve_pty(self) -> None:
        master = self._master
        if master is None:
            time.sleep(0.01)
            return
        try:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                return
            data = os.read(master, 65536)
        except (OSError, ValueError):
            time.sleep(0.01)  # the pty was re-created by drop(); pick up the new one
            return
        if data:
            self.connected.set()
            self._deliver(data)
