"""Text to speech into real WAV files, through the real pyttsx3/espeak-ng engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voice_helper import PROJECT_ROOT
from voice_helper.speak.tts import (
    SpeechSynthesizer,
    TtsError,
    plausible_duration,
    speech_units,
)
from voice_helper.wavfile import inspect_wav, read_wav

SHORT = "Okay."
LONG = (
    "When the flow slows down, switch to a lower suction level, massage gently toward the nipple, "
    "take a slow breath, relax your shoulders, and keep going for five more minutes."
)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def test_synthesize_writes_real_speech(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    clip = synth.synthesize("Time to pump. Get your bottles ready.", tmp_path / "pump.wav")
    samples, rate = read_wav(clip.path)
    assert clip.path == tmp_path / "pump.wav"
    assert rate == clip.sample_rate == 22050
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert 1.0 < clip.duration_s < 6.0
    assert abs(samples.size / rate - clip.duration_s) < 0.01
    assert _rms(samples) > 0.02
    assert [p.name for p in tmp_path.iterdir()] == ["pump.wav"]  # no temp files left behind


def test_slower_rate_is_clearly_longer(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    slow = synth.synthesize(LONG, tmp_path / "slow.wav", rate=100)
    fast = synth.synthesize(LONG, tmp_path / "fast.wav", rate=250)
    assert slow.duration_s > 1.8 * fast.duration_s


def test_volume_override_is_quieter(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    loud = synth.synthesize(LONG, tmp_path / "loud.wav", volume=1.0)
    quiet = synth.synthesize(LONG, tmp_path / "quiet.wav", volume=0.3)
    assert _rms(quiet.samples()) < 0.5 * _rms(loud.samples())


def test_back_to_back_syntheses_land_in_their_own_files(
    synth: SpeechSynthesizer, tmp_path: Path
) -> None:
    clips = [
        synth.synthesize(SHORT if i % 2 == 0 else LONG, tmp_path / f"{i:02d}.wav")
        for i in range(20)
    ]
    for i, clip in enumerate(clips):
        info = inspect_wav(tmp_path / f"{i:02d}.wav")
        assert abs(info.duration_s - clip.duration_s) < 1e-6
        if i % 2 == 0:
            assert info.duration_s < 1.5, f"file {i} holds the long text"
        else:
            assert info.duration_s > 6.0, f"file {i} holds the short text"
    longs = [clip.duration_s for clip in clips[1::2]]
    assert max(longs) - min(longs) < 0.1


def test_first_synthesis_in_a_fresh_process_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "first.wav"
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from voice_helper.speak.tts import SpeechSynthesizer\n"
        "from voice_helper.wavfile import inspect_wav\n"
        "synth = SpeechSynthesizer()\n"
        f"clip = synth.synthesize({LONG * 2!r}, Path({str(out)!r}))\n"
        "info = inspect_wav(clip.path)\n"
        "print(json.dumps({'reported': clip.duration_s, 'on_disk': info.duration_s}))\n"
        "synth.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # no "Audio saved to ..." from the driver
    sizes = json.loads(lines[0])
    assert sizes["reported"] == sizes["on_disk"]
    assert sizes["on_disk"] > 15.0


def test_synthesize_prints_nothing_on_stdout(
    synth: SpeechSynthesizer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    synth.synthesize(SHORT, tmp_path / "quiet-stdout.wav")
    synth.synthesize(LONG, tmp_path / "quiet-stdout-2.wav")
    assert capfd.readouterr().out == ""


def test_unknown_voice_is_a_clear_error(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    with pytest.raises(TtsError, match="espeak-ng --voices"):
        synth.synthesize(SHORT, tmp_path / "x.wav", voice="no-such-voice")
    assert not (tmp_path / "x.wav").exists()
    assert synth.synthesize(SHORT, tmp_path / "after.wav").duration_s > 0


def test_empty_text_is_a_clear_error(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    with pytest.raises(TtsError, match="empty"):
        synth.synthesize("   ", tmp_path / "empty.wav")


def test_engine_process_is_restarted_after_it_dies(tmp_path: Path) -> None:
    with SpeechSynthesizer() as synth:
        synth.synthesize(SHORT, tmp_path / "before.wav")
        assert synth._worker is not None
        synth._worker.process.kill()
        clip = synth.synthesize(LONG, tmp_path / "after.wav")
    assert clip.duration_s > 6.0


def test_plausible_duration_separates_short_and_long_texts() -> None:
    assert speech_units("Pump at 180 minutes.") == 6
    short_low, short_high = plausible_duration(SHORT, 160)
    long_low, long_high = plausible_duration(LONG, 160)
    assert short_high < 8.0 < long_high  # a long text's audio does not fit the short slot
    assert long_low > 1.5 > short_low  # nor the short text's audio the long slot
