"""A full disk and a read-only store, for real (a small tmpfs and a read-only bind mount in a
private mount namespace): `reminders add` and `run` end with a short located message and exit
status 2, `reminders list` still reads, and nothing already stored is lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice_helper.assistant.demo import make_recording


def _in_namespace(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root in a private mount namespace, voice-helper as `vh`."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is missing")
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        VOICE_HELPER_DATA_DIR=str(tmp_path / "mnt"),
    )
    body = f'set -u\nvh() {{ {sys.executable} -m voice_helper "$@"; }}\n{script}'
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", body],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if "unshare failed" in done.stderr or "Operation not permitted" in done.stderr[:200]:
        pytest.fail(f"cannot make a mount namespace here: {done.stderr}")
    return done


def test_full_disk_at_start(tmp_path: Path) -> None:
    wav = make_recording(["what can you do"], tmp_path / "command.wav")
    (tmp_path / "mnt").mkdir()
    done = _in_namespace(
        tmp_path,
        f"""
mount -t tmpfs -o size=2m tmpfs mnt
vh reminders add --kind pump --every 3h; echo "first=$?"
dd if=/dev/zero of=mnt/fill bs=4k 2>/dev/null
vh reminders add --kind relax --in 2h; echo "full_add=$?"
vh run --input {wav} --output out; echo "full_run=$?"
rm mnt/fill
vh reminders list; echo "list=$?"
""",
    )
    out, err = done.stdout, done.stderr
    assert "first=0" in out, err
    assert "full_add=2" in out and "full_run=2" in out, out + err
    assert "Traceback" not in err, err
    assert err.count("The disk is full: free some space and try again.") == 2, err
    assert f"Cannot use the reminder files at {tmp_path / 'mnt'}" in err, err
    assert "list=0" in out and "pump-every" in out and "relax" not in out.split("list=")[0]


def test_read_only_store_can_be_listed(tmp_path: Path) -> None:
    (tmp_path / "mnt").mkdir()
    done = _in_namespace(
        tmp_path,
        """
vh reminders add --kind pump --every 3h; echo "first=$?"
mount --bind -o ro mnt mnt
vh reminders list; echo "list=$?"
vh sessions list; echo "sessions=$?"
vh reminders add --kind relax --in 2h; echo "add=$?"
""",
    )
    out, err = done.stdout, done.stderr
    assert "first=0" in out and "list=0" in out and "sessions=0" in out, out + err
    assert "pump-every" in out
    assert "add=2" in out, out + err
    assert "Traceback" not in err, err
    assert "It cannot be changed (a read-only disk, or owned by another user)" in err, err
