"""A long run in a process of its own (so its memory is its own): pump noise with a spoken command
every two minutes, replayed through the real assistant faster than real time.

python -m tests.robust.long_run [MINUTES]
    Prints one JSON object: resident memory at the start of every minute and at the end of the
    recording (kB), the commands placed (start second, words, expected intent, length) and the
    turns taken.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.pump_noise import pump_noise
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import SAMPLE_RATE, Frame, frames_from_samples
from voice_helper.wavfile import load_wav_16k

COMMANDS = [  # full sentences: the recogniser's weak spot is short single words in noise
    ("why is no milk coming out", "troubleshoot"),
    ("tell me about pain", "ask_cause"),
    ("I feel stressed", "ask_cause"),
    ("what can you do", "help"),
    ("my breast is red and hot", "urgent_symptom"),
    ("I need help with pumping", "troubleshoot"),
    ("what are my options", "help"),
    ("I think I have mastitis", "urgent_symptom"),
    ("why am I not getting any milk", "troubleshoot"),
    ("stop talking", "stop"),
]
NOISE_DBFS = -50.0
"""The pump beside the microphone, at a level the commands are still clear over."""
NOISE_MINUTES = 4
"""Distinct minutes of pump noise, taken in turn (making each of 60 costs a minute here)."""


def espeak(text: str, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """Words spoken by espeak-ng as 16 kHz float32."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "said.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],
            check=True,
            capture_output=True,
        )
        return load_wav_16k(path)


def rss_kb() -> int:
    """Resident memory of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def place_commands(minutes: int, seed: int = 11) -> list[tuple[float, str, str, np.ndarray]]:
    """One command in each two-minute stretch, at a random moment of it."""
    rng = np.random.default_rng(seed)
    speech = {text: espeak(text) for text, _ in COMMANDS}
    placed = []
    for index in range(minutes // 2):
        text, intent = COMMANDS[index % len(COMMANDS)]
        minute = index * 2 + int(rng.integers(0, 2))
        at = round(minute * 60 + 3 + 50 * rng.random(), 2)  # all of it inside that minute
        placed.append((at, text, intent, speech[text]))
    return placed


def audio(
    minutes: int, placed: list[tuple[float, str, str, np.ndarray]], rss: list[int]
) -> Iterator[Frame]:
    """Pump noise with the commands in it, a minute at a time (noting memory each minute)."""
    noise = [pump_noise(60, rms_dbfs=NOISE_DBFS, seed=seed) for seed in range(NOISE_MINUTES)]
    for minute in range(minutes):
        rss.append(rss_kb())
        chunk = noise[(minute * 3) % len(noise)].copy()
        for at, _, _, said in placed:
            start = int((at - minute * 60) * SAMPLE_RATE)
            if 0 <= start < chunk.size:
                chunk[start : start + said.size] += said
        yield from frames_from_samples(np.clip(chunk, -1.0, 1.0), start_s=minute * 60.0)
    rss.append(rss_kb())  # the end of the recording, with everything still loaded


def long_run(minutes: int, output_dir: Path) -> dict[str, Any]:
    """Run the assistant over `minutes` of pumping; what it heard, said, and weighed."""
    placed = place_commands(minutes)
    running = build(
        Settings(), load_content(DEFAULT_CONTENT_DIR), output_dir=output_dir, with_reminders=False
    )
    rss: list[int] = []
    try:
        running.assistant.run(audio(minutes, placed, rss))
    finally:
        running.close()
    return {
        "rss_kb": rss,
        "placed": [
            {"at": at, "text": text, "intent": intent, "seconds": said.size / SAMPLE_RATE}
            for at, text, intent, said in placed
        ],
        "turns": [e for e in running.assistant.transcript.events if e["event"] == "turn"],
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        result = long_run(int(sys.argv[1]) if len(sys.argv) > 1 else 60, Path(folder))
    print(json.dumps(result))
