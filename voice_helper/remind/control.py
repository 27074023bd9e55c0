"""The control socket: the CLI reaches the running scheduler with one JSON line per connection.

Request: `{"op": "add", ..., "request_id": "..."}` + newline. Reply: `{"ok": true, ...}` or
`{"ok": false, "error": "..."}` + newline. A request sent again with the same request_id (after
the client timed out) gets the first answer again and is not applied twice. The socket is mode 0600 in a 0700 directory, and only
the same user may talk to it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voice_helper.config import runtime_dir
from voice_helper.remind import storage
from voice_helper.remind.storage import private_dir

_LOGGER = logging.getLogger(__name__)

MAX_LINE = 64 * 1024
REPLY_TIMEOUT = 5.0
"""How long the server waits for a request line, and a quick request (ping) for its answer."""
REMEMBERED = 256
"""Answers kept by request id, so a request sent again after a time-out is not applied twice."""


def answer_wait() -> float:
    """How long a client waits for the answer to a change: as long as the assistant may take.

    A change can wait for a command already waiting on the locked store, then for the
    scheduler's own write, then for its own: three lock waits, and some slack.
    """
    return 3 * storage.LOCK_WAIT_SECONDS + REPLY_TIMEOUT


Handler = Callable[[dict[str, Any]], dict[str, Any]]


class NotRunning(Exception):
    """Nobody answers on the control socket."""


def socket_path_for(data_directory: Path, runtime: Path | None = None) -> Path:
    """Socket of the scheduler that owns `data_directory` (one per data directory)."""
    digest = hashlib.sha1(str(Path(data_directory).resolve()).encode()).hexdigest()[:8]
    return (runtime or runtime_dir()) / f"reminders-{digest}.sock"


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_LINE:
            raise ValueError("request too long")
    return data.split(b"\n", 1)[0]


def _same_user(conn: socket.socket) -> bool:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (AttributeError, OSError):
        return True  # no SO_PEERCRED here; the 0600 socket in a 0700 directory still guards it
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


class ControlServer:
    """Serves requests on a Unix socket from a background thread."""

    def __init__(self, path: Path, handle: Handler):
        self.path = path
        self._handle = handle
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._answered: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def start(self) -> None:
        """Bind (replacing a stale socket file) and start answering."""
        private_dir(self.path.parent)
        if self.path.exists() or self.path.is_symlink():
            self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)
        sock.listen(8)
        sock.settimeout(0.2)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="reminder-control", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop answering and remove the socket file."""
        self._closing.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._sock is not None:
            self._sock.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(REPLY_TIMEOUT)
        try:
            if not _same_user(conn):
                reply: dict[str, Any] = {"ok": False, "error": "not allowed"}
            else:
                request = json.loads(_read_line(conn) or b"{}")
                reply = (
                    self._once(request)
                    if isinstance(request, dict)
                    else {"ok": False, "error": "a request is one JSON object"}
                )
        except (ValueError, OSError) as exc:
            reply = {"ok": False, "error": f"bad request: {exc}"}
        except Exception as exc:  # answer the client rather than kill the server thread
            _LOGGER.exception("control request failed")
            reply = {"ok": False, "error": str(exc)}
        try:
            conn.sendall(json.dumps(reply).encode() + b"\n")
        except OSError as exc:
            _LOGGER.warning("could not answer a control request: %s", exc)

    def _once(self, request: dict[str, Any]) -> dict[str, Any]:
        """Handle a request, or repeat the answer to one with the same id (sent again)."""
        request_id = request.get("request_id")
        if not isinstance(request_id, str):
            return self._handle(request)
        if request_id in self._answered:
            _LOGGER.info("request %s came again; answering it as before", request_id)
            return self._answered[request_id]
        reply = self._handle(request)
        self._answered[request_id] = reply
        while len(self._answered) > REMEMBERED:
            self._answered.popitem(last=False)
        return reply


def send_request(
    path: Path, request: dict[str, Any], timeout: float = REPLY_TIMEOUT
) -> dict[str, Any]:
    """Send one request to the running scheduler; raise NotRunning when nobody answers."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise NotRunning(str(path)) from exc
        sock.sendall(json.dumps(request).encode() + b"\n")
        line = _read_line(sock)
    finally:
        sock.close()
    if not line:
        raise NotRunning(f"{path}: closed without an answer")
    reply = json.loads(line)
    if not isinstance(reply, dict):
        raise TypeError("the scheduler sent something that is not a JSON object")
    return reply
