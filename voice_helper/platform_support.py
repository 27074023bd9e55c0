"""Which Pythons, systems and processors voice-helper runs on, and what to do on the others.

Standard library only, and valid on old Pythons too: `scripts/setup.sh` runs it with whatever
Python it found, before anything is installed (`python3 -m voice_helper.platform_support`).
"""

from __future__ import annotations

import platform
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

OLDEST_PYTHON = (3, 11)
"""The oldest Python the code and its pinned dependencies are tested on."""
NEWEST_PYTHON = (3, 13)
"""The newest Python tested; 3.14 is excluded until onnxruntime and vosk are tried on it."""
OLDEST_GLIBC = (2, 34)
"""moonshine-voice 0.1.0 ships only `manylinux_2_34` wheels: older glibc cannot install it."""
ARCHITECTURES = ("x86_64", "aarch64")
"""The processors moonshine-voice 0.1.0 has wheels for (aarch64 covers a 64-bit Raspberry Pi OS)."""
WORKS_ON = "Debian 12/13, Ubuntu 22.04/24.04 or a 64-bit Raspberry Pi OS"
"""Systems named in advice: their glibc is 2.34 or newer."""


@dataclass(frozen=True)
class Machine:
    """What this machine and this Python are, as far as installing voice-helper goes."""

    python: tuple[int, int, int]
    """The running Python's version."""
    python_path: str
    """Where the running Python is (inside .venv once set up)."""
    system: str
    """`platform.system()`: Linux, Darwin, Windows."""
    libc: str
    """"glibc", "musl" or "" when unknown."""
    libc_version: str
    """The C library's version, e.g. "2.36"; "" when unknown."""
    architecture: str
    """`platform.machine()`: x86_64, aarch64, armv7l ..."""
    pointer_bits: int
    """64 for a 64-bit Python; 32 on a 32-bit OS even when the kernel says aarch64."""
    os_name: str = ""
    """PRETTY_NAME from /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)"."""
    board: str = ""
    """The device-tree model, e.g. "Raspberry Pi 5 Model B Rev 1.0"; "" on a PC."""


def _read_os_name(path: Path = Path("/etc/os-release")) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    for line in lines:
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def _read_board(path: Path = Path("/proc/device-tree/model")) -> str:
    try:
        return path.read_bytes().rstrip(b"\0").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _musl() -> bool:
    return any(Path("/lib").glob("ld-musl-*")) if sys.platform == "linux" else False


def this_machine() -> Machine:
    """Describe the machine and the Python this runs on."""
    libc, version = platform.libc_ver()
    if not libc and _musl():
        libc = "musl"
    return Machine(
        python=(sys.version_info[0], sys.version_info[1], sys.version_info[2]),
        python_path=sys.executable,
        system=platform.system(),
        libc=libc,
        libc_version=version,
        architecture=platform.machine(),
        pointer_bits=struct.calcsize("P") * 8,
        os_name=_read_os_name(),
        board=_read_board(),
    )


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split(".")[:2]:
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def python_problem(machine: Machine) -> str | None:
    """Why this Python cannot run voice-helper and what to do, or None when it can."""
    if OLDEST_PYTHON <= machine.python[:2] <= NEWEST_PYTHON:
        return None
    found = ".".join(str(n) for n in machine.python)
    return (
        f"Python {found} is not supported: use 3.11, 3.12 or 3.13 (apt install python3 "
        "python3-venv on Debian 12/13 and Ubuntu 24.04; on Ubuntu 22.04 python3.11 "
        "python3.11-venv), then run scripts/setup.sh again, or name one with "
        "VOICE_HELPER_PYTHON=/path/to/python3.12"
    )


def platform_problem(machine: Machine) -> str | None:
    """Why the speech engine cannot install here and what to do, or None when it can."""
    pi = "Raspberry Pi" in machine.board
    if machine.system != "Linux":
        return f"{machine.system} is not supported: voice-helper needs Linux ({WORKS_ON})"
    if machine.architecture not in ARCHITECTURES or machine.pointer_bits != 64:
        found = f"{machine.architecture}, {machine.pointer_bits}-bit Python"
        if pi:
            return (
                f"this Raspberry Pi runs a 32-bit system ({found}): the speech engine needs "
                "the 64-bit Raspberry Pi OS"
            )
        return (
            f"{found} is not supported: the speech engine (moonshine-voice) has wheels only "
            "for 64-bit x86_64 and aarch64"
        )
    if machine.libc != "glibc":
        return (
            f"C library {machine.libc or 'unknown'} is not supported: the speech engine's "
            f"wheel needs glibc 2.34 or newer ({WORKS_ON}; not Alpine)"
        )
    found_version = _version_tuple(machine.libc_version)
    if found_version and found_version < OLDEST_GLIBC:
        return (
            f"glibc {machine.libc_version} is too old: the speech engine's wheel "
            f"(moonshine-voice, manylinux_2_34) needs glibc 2.34 or newer; upgrade to {WORKS_ON} "
            "(Debian 11 and Ubuntu 20.04 cannot install it)"
        )
    return None


def describe_python(machine: Machine) -> str:
    """One line: which Python."""
    return f"Python {'.'.join(str(n) for n in machine.python)} at {machine.python_path}"


def describe_platform(machine: Machine) -> str:
    """One line: which system, C library and processor."""
    parts = [machine.os_name or machine.system]
    if machine.board:
        parts.append(machine.board)
    libc = f"{machine.libc} {machine.libc_version}".strip() or "unknown C library"
    parts.append(libc)
    arch = machine.architecture
    parts.append(arch if machine.pointer_bits == 64 else f"{arch} ({machine.pointer_bits}-bit)")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Print what stops voice-helper installing here (for setup.sh); 1 when something does."""
    machine = this_machine()
    problems = [platform_problem(machine)]
    if argv is None or "--platform-only" not in argv:
        problems.append(python_problem(machine))
    found = [p for p in problems if p]
    for problem in found:
        print(f"setup: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
