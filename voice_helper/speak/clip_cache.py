"""Finished speech clips kept on disk by text and voice, so a repeated reply starts at once."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from pathlib import Path

from voice_helper.errors import AudioError
from voice_helper.speak.wav import inspect_wav

_LOGGER = logging.getLogger(__name__)


class ClipCache:
    """A folder of checked WAV files named by a hash of what they say and how."""

    def __init__(self, directory: Path, max_files: int = 400):
        self.directory = directory
        self.max_files = max_files

    def key(self, text: str, voice: str, rate: int, volume: float) -> str:
        """File name for one text in one voice."""
        spec = f"{voice}\n{rate}\n{volume:.3f}\n{text}"
        return hashlib.sha256(spec.encode()).hexdigest()[:32] + ".wav"

    def fetch(self, key: str, out_path: Path) -> bool:
        """Copy the cached clip to out_path; False (and the bad copy removed) if there is none."""
        cached = self.directory / key
        if not cached.is_file():
            return False
        try:
            info = inspect_wav(cached)
            if cached.stat().st_size != info.file_size or info.frames == 0:
                raise AudioError(f"{cached} is incomplete")
        except (AudioError, OSError) as exc:
            _LOGGER.warning("dropping a damaged cached clip: %s", exc)
            cached.unlink(missing_ok=True)
            return False
        shutil.copyfile(cached, out_path)
        os.utime(cached)  # recently used: evicted last
        return True

    def store(self, key: str, clip_path: Path) -> None:
        """Keep a copy of a checked clip; the least recently used go beyond max_files."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.directory / f".{uuid.uuid4().hex}.tmp"
            shutil.copyfile(clip_path, tmp)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.directory / key)
            self._evict()
        except OSError as exc:  # a full disk costs speed, never a reply
            _LOGGER.warning("could not cache a speech clip: %s", exc)

    def _evict(self) -> None:
        clips = sorted(self.directory.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in clips[: max(0, len(clips) - self.max_files)]:
            old.unlink(missing_ok=True)
