"""The demo's parent: her lines spoken by espeak-ng into one recording with pauses."""

from __future__ import annotations

import subprocess
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voice_helper.listen.audio import SAMPLE_RATE
from voice_helper.wavfile import load_wav_16k

PARENT_VOICE = "en-us"
"""espeak-ng voice for the parent's lines."""
PAUSE_S = 1.2


def make_recording(
    lines: Sequence[str], out_path: Path, voice: str = PARENT_VOICE, noise_dbfs: float = -60.0
) -> Path:
    """Speak each line with espeak-ng, join them with pauses and a faint noise floor."""
    pieces = [np.zeros(int(SAMPLE_RATE * PAUSE_S), np.float32)]
    with tempfile.TemporaryDirectory() as tmp:
        for index, line in enumerate(lines):
            path = Path(tmp) / f"{index}.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), line],
                check=True,
                capture_output=True,
            )
            pieces += [
                load_wav_16k(path).astype(np.float32),
                np.zeros(int(SAMPLE_RATE * PAUSE_S), np.float32),
            ]
    audio = np.concatenate(pieces)
    rng = np.random.default_rng(7)
    audio += rng.normal(0, 10 ** (noise_dbfs / 20), audio.size).astype(np.float32)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out_path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm.tobytes())
    return out_path
