"""The child process that owns the pyttsx3 engine, and the pipe the parent talks to it through.

pyttsx3 2.99 with espeak-ng is unreliable inside a long-lived process: the first runAndWait()
returns before the file is written, a second save can cancel the first one still in flight (the
file is lost) or write its audio under the other's name, properties set before the first run stay
queued, and the driver prints "Audio saved to ..." on stdout. Keeping the engine in its own process
lets the parent kill and restart it when anything looks wrong, and keeps its stdout away from ours.
The protocol is one JSON object per line: requests on stdin, replies on the original stdout.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from voice_helper.errors import AudioError
from voice_helper.wavfile import inspect_wav

_LOGGER = logging.getLogger(__name__)
_CHILD_MAIN = "import sys; from voice_helper.speak.tts_process import main; sys.exit(main())"
_POLL_S = 0.003
_SETTLE_S = 0.1
"""How long a property read-back may lag behind the set (espeak-ng applies it asynchronously);
normally 1-3 ms. Now and then a set is silently dropped; setting it again fixes that."""
_SET_TRIES = 4


class TtsWorkerError(Exception):
    """The worker process died, timed out or answered nonsense."""


class TtsProcess:
    """Parent side: start the worker, send one request at a time, read its reply."""

    def __init__(self, start_timeout_s: float = 20.0) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD_MAIN],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            raise TtsWorkerError(f"cannot start the speech process: {exc}") from exc
        self._buffer = b""
        try:
            hello = self._read(start_timeout_s)
        except TtsWorkerError:
            self.stop()
            raise
        if not hello.get("ready"):
            self.stop()
            raise TtsWorkerError(str(hello.get("error", "the speech engine did not start")))

    @property
    def alive(self) -> bool:
        """Whether the worker process is still running."""
        return self.process.poll() is None

    def request(self, payload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request and wait for its reply."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(payload).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError as exc:
            raise TtsWorkerError(f"the speech process is gone ({exc})") from exc
        return self._read(timeout_s)

    def _read(self, timeout_s: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TtsWorkerError(f"the speech process did not answer within {timeout_s:.1f}s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self.process.wait(timeout=2)
                raise TtsWorkerError(f"the speech process exited with status {code}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError as exc:
            raise TtsWorkerError(f"the speech process said {line[:80]!r}") from exc
        if not isinstance(reply, dict):
            raise TtsWorkerError(f"the speech process said {line[:80]!r}")
        return reply

    def stop(self) -> None:
        """End the worker: close its stdin, then kill it if it lingers."""
        stop_process(self.process)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Close a worker's pipes and make sure it has exited."""
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass
    try:
        proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class _Engine:
    """Child side: the one pyttsx3 engine of this process, driven one request at a time."""

    def __init__(self) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        self._engine = pyttsx3.init("espeak")
        self._errors: list[str] = []
        self._finished: list[bool] = []
        self._engine.connect("error", self._on_error)
        self._engine.connect("finished-utterance", self._on_finished)
        # The first runAndWait() returns before synthesis ends and property changes made before
        # it stay queued; one throwaway synthesis puts the engine in its steady state.
        with tempfile.TemporaryDirectory(prefix="voice-helper-tts-") as tmp:
            if not self._run("Ready.", Path(tmp) / "warmup.wav", time.monotonic() + 15):
                raise RuntimeError("espeak-ng did not produce the warm-up audio")

    def _on_error(self, name: object = None, exception: object = None) -> None:
        self._errors.append(str(exception))

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        self._finished.append(bool(completed))

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Apply the voice settings, synthesise to the requested path and wait until it is complete."""
        deadline = time.monotonic() + float(request["timeout_s"])
        self._wait_idle(2.0)
        applied = self._apply(str(request["voice"]), int(request["rate"]), float(request["volume"]))
        if "error" in applied:
            return {"ok": False, **applied}
        path = Path(request["path"])
        for attempt in (1, 2):
            if self._run(str(request["text"]), path, deadline):
                return {"ok": True, "attempts": attempt, **applied}
        return {"ok": False, "error": "espeak-ng did not write the audio file"}

    def _apply(self, voice: str, rate: int, volume: float) -> dict[str, Any]:
        self._errors.clear()
        for attempt in range(1, _SET_TRIES + 1):
            self._engine.setProperty("voice", voice)
            self._engine.setProperty("rate", rate)
            self._engine.setProperty("volume", volume)
            if self._errors or not self._voice_matches(voice):
                return {"error": f"voice {voice!r} is not available", "fatal": True}
            settle = time.monotonic() + _SETTLE_S
            while time.monotonic() < settle:
                if self._applied(rate, volume):
                    return {"rate": rate, "volume": volume, "set_tries": attempt}
                time.sleep(_POLL_S)
        got = (self._engine.getProperty("rate"), self._engine.getProperty("volume"))
        return {"error": f"rate/volume not applied (asked {rate}/{volume}, engine has {got})"}

    def _applied(self, rate: int, volume: float) -> bool:
        current_volume = self._engine.getProperty("volume")
        assert isinstance(current_volume, float)
        return self._engine.getProperty("rate") == rate and abs(current_volume - volume) < 0.006

    def _voice_matches(self, wanted: str) -> bool:
        current = self._espeak.GetCurrentVoice()
        if not current:
            return False
        voice = current.contents
        identifier = (voice.identifier or b"").decode("utf-8", "ignore").lower()
        name = (voice.name or b"").decode("utf-8", "ignore").lower()
        language = (voice.languages or b"")[1:].decode("utf-8", "ignore").lower()
        names = {identifier, identifier.rsplit("/", 1)[-1], name, language}
        return wanted.lower().replace("_", " ") in names or wanted.lower() in names

    def _run(self, text: str, path: Path, deadline: float) -> bool:
        self._finished.clear()
        path.unlink(missing_ok=True)
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        cancelled_at: float | None = None
        while time.monotonic() < deadline:
            try:
                if inspect_wav(path).frames > 0:
                    self._wait_idle(2.0)
                    return True
            except AudioError:
                pass
            if cancelled_at is None and False in self._finished:
                cancelled_at = time.monotonic()
            if cancelled_at is not None and time.monotonic() - cancelled_at > 0.2:
                break  # the driver cancelled this synthesis: the file will never come
            time.sleep(_POLL_S)
        self._wait_idle(2.0)
        return False

    def _wait_idle(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                return False
            time.sleep(_POLL_S)
        return True


def main() -> int:
    """Serve synthesis requests on stdin until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the driver prints "Audio saved to ..." on fd 1
    os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

    def send(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")

    try:
        engine = _Engine()
    except Exception as exc:  # noqa: BLE001 - any start-up failure goes to the parent
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    send({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            send(engine.handle(json.loads(line)))
        except Exception as exc:  # noqa: BLE001 - the parent decides what to do about it
            send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0
