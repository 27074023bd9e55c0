"""The WAV reader and resampler on real files of many formats, and on files that are not audio."""

from __future__ import annotations

import struct
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from voice_helper.errors import AudioError
from voice_helper.wavfile import load_wav_16k, read_wav, resample


def _similar(a: np.ndarray, b: np.ndarray) -> float:
    """Peak normalised cross-correlation within +-5 ms (resamplers differ in delay)."""
    n = min(a.size, b.size)
    a, b = a[:n] - a[:n].mean(), b[:n] - b[:n].mean()
    best = 0.0
    for lag in range(-80, 81):
        x, y = (a[lag:], b[: n - lag]) if lag >= 0 else (a[: n + lag], b[-lag:])
        best = max(best, float(np.dot(x, y) / np.sqrt(np.dot(x, x) * np.dot(y, y))))
    return best


@pytest.fixture(scope="module")
def reference(espeak_wav: Callable[..., Path]) -> tuple[Path, np.ndarray]:
    """An espeak-ng clip and its 16 kHz reading."""
    path = espeak_wav("the milk is not coming out")
    return path, load_wav_16k(path)


@pytest.mark.parametrize(
    "sox_args",
    [
        ["-b", "8", "-e", "unsigned-integer"],
        ["-r", "48000", "-c", "2"],
        ["-r", "44100", "-b", "24"],
        ["-b", "32", "-e", "signed-integer"],
        ["-b", "32", "-e", "floating-point"],
        ["-b", "64", "-e", "floating-point", "-r", "8000"],
        ["-r", "16000", "-c", "1", "-b", "16"],
        ["-c", "6", "-b", "16", "-r", "32000"],
    ],
)
def test_reads_every_common_format(
    reference: tuple[Path, np.ndarray], tmp_path: Path, sox_args: list[str]
) -> None:
    source, expected = reference
    converted = tmp_path / "converted.wav"
    subprocess.run(["sox", str(source), *sox_args, str(converted)], check=True)
    samples = load_wav_16k(converted)
    assert samples.dtype == np.float32
    assert abs(samples.size - expected.size) <= 2
    # 8 kHz loses the top half of the band, so it gets a looser bound.
    assert _similar(samples, expected) > (0.9 if "8000" in sox_args else 0.98)


def test_eight_bit_is_unsigned(tmp_path: Path) -> None:
    path = tmp_path / "eight.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(16000)
        out.writeframes(bytes([128, 255, 0, 128]))
    samples, rate = read_wav(path)
    assert rate == 16000
    assert samples.tolist() == pytest.approx([0.0, 127 / 128, -1.0, 0.0])


def test_streamed_wav_with_placeholder_size(tmp_path: Path) -> None:
    pcm = (np.sin(np.arange(1600) / 5) * 10000).astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    path = tmp_path / "streamed.wav"
    path.write_bytes(
        header
        + fmt
        + b"LIST"
        + struct.pack("<I", 3)
        + b"abc\x00"
        + b"data"
        + struct.pack("<I", 0xFFFFFFFF)
        + pcm
    )
    samples, rate = read_wav(path)
    assert (rate, samples.size) == (16000, 1600)


def test_empty_file_is_an_audio_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="is empty"):
        load_wav_16k(path)


def test_text_file_is_an_audio_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("remind me to pump in three hours\n")
    with pytest.raises(AudioError, match="not a WAV file.*sox"):
        load_wav_16k(path)


def test_header_without_samples_is_an_audio_error(tmp_path: Path) -> None:
    path = tmp_path / "silent.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
    with pytest.raises(AudioError, match="no audio samples"):
        load_wav_16k(path)


def test_compressed_wav_is_refused_with_advice(
    tmp_path: Path, reference: tuple[Path, np.ndarray]
) -> None:
    path = tmp_path / "ulaw.wav"
    subprocess.run(["sox", str(reference[0]), "-e", "u-law", str(path)], check=True)
    with pytest.raises(AudioError, match="not supported.*sox"):
        load_wav_16k(path)


def test_missing_file_is_an_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such file"):
        load_wav_16k(tmp_path / "nowhere.wav")


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000])
def test_resample_keeps_a_tone_and_removes_aliases(rate: int) -> None:
    t = np.arange(rate) / rate
    tone = resample((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), rate, 16000)
    expected = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(tone.size) / 16000)
    assert tone.size == 16000
    assert np.sqrt(np.mean((tone[800:-800] - expected[800:-800]) ** 2)) < 1e-3
    if rate > 20000:  # a 10 kHz tone cannot exist at 16 kHz: it must vanish, not fold to 6 kHz
        high = resample((0.5 * np.sin(2 * np.pi * 10000 * t)).astype(np.float32), rate, 16000)
        assert np.sqrt(np.mean(high[800:-800] ** 2)) < 0.01
