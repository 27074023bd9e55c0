"""Who owns the job store: whoever holds an fcntl lock on `reminders.lock` in the data dir."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from voice_helper.errors import VoiceHelperError
from voice_helper.remind.storage import private_file, unavailable

_LOGGER = logging.getLogger(__name__)

LOCK_FILE = "reminders.lock"


class StoreBusy(VoiceHelperError):
    """Another process owns the job store."""


class OwnerLock:
    """An exclusive lock held by the one scheduler (or CLI edit) that may write the job store.

    The kernel drops it when the holder dies, so a killed assistant never leaves it stuck.
    """

    def __init__(self, directory: Path, role: str = "run"):
        self.path = directory / LOCK_FILE
        self.role = role
        """Written beside the pid: "run" for an assistant, "edit" for a short CLI edit."""
        self._fd: int | None = None

    def holder(self) -> str | None:
        """The role written by whoever holds the lock now (None when unknown or free)."""
        try:
            words = self.path.read_text().split()
        except OSError:
            return None
        return words[1] if len(words) > 1 else None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self, wait: float = 0.0) -> bool:
        """Try to take the lock, retrying for up to `wait` seconds; True when taken."""
        if self._fd is not None:
            return True
        private_file(self.path)
        fd = os.open(self.path, os.O_RDWR)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)
                continue
            self._fd = fd
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.role}\n".encode())
            return True

    def release(self) -> None:
        """Let go of the lock."""
        if self._fd is None:
            return
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Self:
        if not self.acquire(wait=5.0):
            raise StoreBusy(f"Another voice-helper holds {self.path}; try again in a moment.")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def take_ownership(owner: OwnerLock, directory: Path) -> None:
    """Hold the owner lock of `directory` (waiting up to 2 s); StoreBusy when another
    voice-helper runs these reminders, StoreUnavailable when the lock file cannot be used."""
    try:
        owned = owner.acquire(wait=2.0)
    except OSError as exc:
        raise unavailable(directory, exc) from exc
    if not owned:
        raise StoreBusy(
            f"Reminders in {directory} are already run by another voice-helper; stop it first."
        )
