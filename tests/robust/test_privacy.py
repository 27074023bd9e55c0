"""While `voice-helper run` is up and answering: no process of it has an internet socket, the
control socket is private and in the user's runtime directory, and the job store, the session
log and the lock are readable by the user only. (SIGTERM and the main process alone are in
tests/robust/test_process.py; the files of the scheduler alone in tests/remind/test_storage.py.)"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from voice_helper import PROJECT_ROOT
from voice_helper.assistant.demo import make_recording
from voice_helper.config import APP_NAME
from voice_helper.netcheck import inet_sockets
from voice_helper.remind.control import socket_path_for
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.log_file import LOG_FILE
from voice_helper.remind.ownership import LOCK_FILE


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _tree(root: int) -> list[int]:
    """The process and all its descendants (the speech engine runs in a child)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sorted(tree)


def test_no_network_and_private_files_while_running(tmp_path: Path) -> None:
    command = make_recording(["what can you do"], tmp_path / "command.wav").read_bytes()[44:]
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        VOICE_HELPER_DATA_DIR=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
    )
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "voice_helper", "run", "--raw-stdin", "--output", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert process.stdin is not None
    seen: dict[int, list] = {}
    try:
        process.stdin.write(command)
        process.stdin.flush()
        transcript = out / "transcript.jsonl"
        deadline = time.monotonic() + 60
        while not (transcript.exists() and '"event": "turn"' in transcript.read_text()):
            assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the command was never answered"
            for pid in _tree(process.pid):
                seen.setdefault(pid, []).extend(inet_sockets(pid) or [])
            time.sleep(0.05)
        pids = _tree(process.pid)
        assert len(pids) >= 2, "the speech engine process should be running beside the assistant"
        for pid in pids:
            seen.setdefault(pid, []).extend(inet_sockets(pid) or [])
        runtime = tmp_path / "run" / APP_NAME
        sock = socket_path_for(tmp_path / "data", runtime)
        assert [p.name for p in runtime.iterdir()] == [sock.name]
        assert stat.S_ISSOCK(sock.stat().st_mode) and _mode(sock) == 0o600
        assert _mode(runtime) == 0o700
        data = tmp_path / "data"
        assert _mode(data) == 0o700
        for name in (JOBS_FILE, LOG_FILE, LOCK_FILE):
            assert _mode(data / name) == 0o600, name
        assert not [p for p in data.iterdir() if _mode(p) & 0o077], "a file others can read"
    finally:
        process.stdin.close()  # end of input: the assistant finishes and exits
        code = process.wait(timeout=30)
    assert code == 0
    assert all(sockets == [] for sockets in seen.values()), seen
    [turn] = [json.loads(line) for line in transcript.read_text().splitlines()]
    assert turn["intent"] == "help"
    assert not sock.exists()
