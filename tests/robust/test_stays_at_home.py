"""The real `hear` and `run --input` under strace, with HOME and every XDG folder in a temporary
directory: no socket other than a Unix one, no DNS lookup, no file written outside the folders
the project owns (onnxruntime's telemetry once left a device id and an events database in
~/.cache/Microsoft). Python's own bytecode cache is switched off (PYTHONDONTWRITEBYTECODE): it
belongs to the interpreter, not to voice-helper."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from voice_helper import PROJECT_ROOT
from voice_helper.assistant.demo import make_recording
from voice_helper.privacy import TELEMETRY_OFF

_CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+)")
"""One line of `strace -ff` (one file per process, so no call is split across lines)."""
_NETWORK = ("socket", "socketpair", "connect", "sendto", "sendmsg", "bind")
_WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
_TRACED = "trace=network,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,symlink"
_SYSTEM_WRITES = ("/dev/null", "/dev/tty", "/dev/shm/")
"""Writable paths outside the project's folders that carry no data: the null device, the
terminal, and POSIX shared memory of the multiprocessing semaphores."""


def _home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TELEMETRY_OFF and not key.startswith(("XDG_", "VOICE_HELPER_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        TMPDIR=str(tmp_path / "tmp"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    (tmp_path / "tmp").mkdir()
    return env


def _traced(tmp_path: Path, *args: str) -> list[tuple[str, str]]:
    """Run voice-helper under strace; its calls as (name, arguments)."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is missing: run scripts/setup.sh --test")
    log = tmp_path / f"trace-{args[0]}"
    command = [
        strace,
        "-ff",
        "-qq",
        "-o",
        str(log),
        "-e",
        "signal=none",
        "-e",
        _TRACED,
        sys.executable,
        "-m",
        "voice_helper",
        *args,
    ]
    done = subprocess.run(
        command,
        env=_home(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    calls = _calls(log)
    assert calls, "strace saw nothing"
    return calls


def _calls(log: Path) -> list[tuple[str, str]]:
    """(name, arguments) of every network call (failed attempts too) and every file call that
    succeeded, from the per-process files `log.<pid>`."""
    calls = []
    for trace in sorted(log.parent.glob(f"{log.name}.*")):
        for line in trace.read_text().splitlines():
            match = _CALL.match(line)
            if match and (match.group(1) in _NETWORK or int(match.group(3)) >= 0):
                calls.append((match.group(1), match.group(2)))
    return calls


def _owned(tmp_path: Path, *more: Path) -> list[Path]:
    """The folders voice-helper may write in: its own data, state and cache folders, the
    runtime and temporary folders, the sound client's, and any given (an --output folder)."""
    home = tmp_path / "home"
    # libpulse keeps its client cookie in ~/.config/pulse when a sound server answers: the
    # sound system's own file, there for every program that plays sound.
    pulse = home / ".config" / "pulse"
    return [
        home / ".local" / "share" / "voice-helper",
        home / ".local" / "state" / "voice-helper",
        home / ".cache" / "voice-helper",
        tmp_path / "run",
        tmp_path / "tmp",
        pulse,
        *more,
    ]


def _strays(calls: list[tuple[str, str]], owned: list[Path], cwd: Path) -> list[str]:
    """Network attempts, and files made or opened for writing outside the `owned` folders
    (making a parent of one of them is fine)."""
    found = []
    for name, arguments in calls:
        unix_only = arguments.startswith(("AF_UNIX", "AF_LOCAL"))
        addressed = "sa_family=" in arguments and "sa_family=AF_UNIX" not in arguments
        if (name in ("socket", "socketpair") and not unix_only) or (
            name in ("connect", "sendto", "sendmsg", "bind") and addressed
        ):
            found.append(f"{name}({arguments})")
        elif name in (
            "open",
            "openat",
            "creat",
            "mkdir",
            "mkdirat",
            "rename",
            "renameat",
            "renameat2",
            "link",
            "symlink",
        ):
            paths = re.findall(r'"((?:[^"\\]|\\.)*)"', arguments)
            if name.startswith("open") and not any(flag in arguments for flag in _WRITE_FLAGS):
                continue
            if name.startswith("rename") or name in ("link", "symlink"):
                paths = paths[-1:]  # where it lands
            for path in paths:
                where = Path(os.path.normpath(path if path.startswith("/") else cwd / path))
                if where.as_posix().startswith(_SYSTEM_WRITES):
                    continue
                inside = any(where.is_relative_to(root) for root in owned)
                parent = name.startswith("mkdir") and any(
                    root.is_relative_to(where) for root in owned
                )
                if not (inside or parent):
                    found.append(f"{name}({arguments})")
    return found


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_hear_stays_at_home(tmp_path: Path) -> None:
    wav = make_recording(["what can you do"], tmp_path / "command.wav")
    calls = _traced(tmp_path, "hear", str(wav))
    assert _strays(calls, _owned(tmp_path), tmp_path) == []
    assert any(name.startswith("open") and "encoder_model.ort" in args for name, args in calls)
    assert not (tmp_path / "home" / ".cache" / "Microsoft").exists()


def test_run_stays_at_home_and_keeps_her_words_private(tmp_path: Path) -> None:
    wav = make_recording(["what can you do"], tmp_path / "command.wav")
    out = tmp_path / "out"
    calls = _traced(tmp_path, "run", "--input", str(wav), "--output", str(out))
    strays = _strays(calls, _owned(tmp_path, out), tmp_path)
    assert strays == [], "\n".join(strays)
    assert not (tmp_path / "home" / ".cache" / "Microsoft").exists()
    transcript = out / "transcript.jsonl"
    assert '"intent": "help"' in transcript.read_text()
    assert _mode(transcript) == 0o600 and _mode(out) == 0o700
    data = tmp_path / "home" / ".local" / "share" / "voice-helper"
    assert _mode(data) == 0o700
    stores = [p for p in data.iterdir() if p.suffix in (".sqlite", ".lock")]
    assert len(stores) == 3 and all(_mode(p) == 0o600 for p in stores), stores


def test_the_checker_sees_a_stray(tmp_path: Path) -> None:
    """The tracer and the filter catch what they are meant to: a DNS lookup, a stray file, and
    onnxruntime's folder in the cache (not the project's own)."""
    log = tmp_path / "trace"
    script = (
        "import socket, pathlib\n"
        "try:\n    socket.getaddrinfo('example.org', 443)\nexcept OSError:\n    pass\n"
        f"pathlib.Path('{tmp_path.parent}/stray-{tmp_path.name}').write_text('x')\n"
        f"pathlib.Path('{tmp_path}/home/.cache/Microsoft').mkdir(parents=True)\n"
    )
    subprocess.run(
        ["strace", "-ff", "-qq", "-o", str(log), "-e", _TRACED, sys.executable, "-c", script],
        check=True,
        cwd=PROJECT_ROOT,
    )
    strays = _strays(_calls(log), _owned(tmp_path), PROJECT_ROOT)
    (tmp_path.parent / f"stray-{tmp_path.name}").unlink()
    assert any("stray-" in s for s in strays)
    assert any(".cache/Microsoft" in s for s in strays), strays
    assert any(s.startswith(("socket(AF_INET", "connect(", "sendto(")) for s in strays), strays
