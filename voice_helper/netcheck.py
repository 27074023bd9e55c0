"""Find internet sockets held by voice-helper processes, from /proc (no tools needed)."""

from __future__ import annotations

import itertools
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TABLES = ("tcp", "tcp6", "udp", "udp6")
_TCP_LISTEN = "0A"
_SOCKET_LINK = re.compile(r"^socket:\[(\d+)\]$")


@dataclass
class InetSocket:
    """One IPv4/IPv6 socket owned by a checked process."""

    pid: int
    protocol: str
    """tcp, tcp6, udp or udp6."""
    local: str
    """Local address and port, e.g. 127.0.0.1:8080."""
    listening: bool
    """TCP in LISTEN state, or any UDP socket (UDP has no connection to wait for)."""


def voice_helper_pids(proc: Path = _PROC) -> list[int]:
    """This process, every process running voice-helper, and their children (e.g. the TTS one)."""
    pids = {os.getpid()}
    parents: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            # The command name in stat may hold spaces and parentheses: split after the last ")".
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
        except (OSError, IndexError, ValueError):
            continue
        words = [Path(a.decode(errors="replace")).name for a in argv[:5] if a]
        if _runs_voice_helper(words):
            pids.add(int(entry.name))
    grew = True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in pids} - pids
        pids |= children
        grew = bool(children)
    return sorted(pids)


def _runs_voice_helper(words: list[str]) -> bool:
    if not words:
        return False
    if words[0] == "voice-helper":
        return True
    if not words[0].startswith("python"):
        return False
    return (len(words) > 1 and words[1] == "voice-helper") or any(
        a == "-m" and b == "voice_helper" for a, b in itertools.pairwise(words)
    )


def socket_inodes(pid: int, proc: Path = _PROC) -> set[str] | None:
    """Inodes of the sockets a process has open; empty when it is gone, None when not ours."""
    inodes = set()
    try:
        for fd in (proc / str(pid) / "fd").iterdir():
            try:
                match = _SOCKET_LINK.match(os.readlink(fd))
            except FileNotFoundError:  # closed while we looked
                continue
            if match:
                inodes.add(match.group(1))
    except PermissionError:
        return None
    except OSError:
        pass
    return inodes


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:  # four little-endian 32-bit words
        words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
        ip = "[" + socket.inet_ntop(socket.AF_INET6, words) + "]"
    return f"{ip}:{int(port, 16)}"


def inet_sockets(pid: int, proc: Path = _PROC) -> list[InetSocket] | None:
    """The IPv4/IPv6 TCP and UDP sockets of one process, read in its own network namespace.

    None when the process belongs to someone else and cannot be inspected.
    """
    inodes = socket_inodes(pid, proc)
    found: list[InetSocket] = []
    if inodes is None:
        return None
    if not inodes:
        return found
    for table in _TABLES:
        try:
            lines = (proc / str(pid) / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                listening = table.startswith("udp") or fields[3] == _TCP_LISTEN
                found.append(InetSocket(pid, table, _address(fields[1]), listening))
    return found
