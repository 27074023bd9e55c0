"""Reply clips kept on disk: a repeated reply is the same audio without a second synthesis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voice_helper.speak.clip_cache import ClipCache
from voice_helper.speak.tts import SpeechSynthesizer, TtsError, VoiceSettings
from voice_helper.speak.wav import read_wav_mono


@pytest.fixture
def cached_synth(tmp_path: Path):
    cache = ClipCache(tmp_path / "cache", max_files=3)
    with SpeechSynthesizer(VoiceSettings(), cache=cache) as synthesizer:
        yield synthesizer, cache


def test_a_repeated_reply_comes_from_the_cache(cached_synth, tmp_path: Path) -> None:
    synth, cache = cached_synth
    first = synth.synthesize("Okay, snoozed for ten minutes.", tmp_path / "a.wav")
    requests = []
    worker = synth._ensure_worker()
    real_request = worker.request
    worker.request = lambda *args: requests.append(args) or real_request(*args)
    second = synth.synthesize("Okay, snoozed for ten minutes.", tmp_path / "b.wav")
    assert requests == []  # the engine was not asked again
    assert second.path == tmp_path / "b.wav"
    assert first.path.read_bytes() == second.path.read_bytes()
    assert second.duration_s == first.duration_s
    assert len(list(cache.directory.glob("*.wav"))) == 1
    assert oct(os.stat(next(cache.directory.glob("*.wav"))).st_mode & 0o777) == "0o600"
    synth.synthesize("Something never said before.", tmp_path / "c.wav")
    assert len(requests) == 1


def test_voice_rate_and_volume_are_part_of_the_key(cached_synth, tmp_path: Path) -> None:
    synth, cache = cached_synth
    loud = synth.synthesize("Time to pump.", tmp_path / "loud.wav")
    quiet = synth.synthesize("Time to pump.", tmp_path / "quiet.wav", volume=0.3)
    loud_peak = abs(read_wav_mono(loud.path)[0]).max()
    quiet_peak = abs(read_wav_mono(quiet.path)[0]).max()
    assert quiet_peak < loud_peak * 0.6
    assert len(list(cache.directory.glob("*.wav"))) == 2


def test_a_damaged_cached_clip_is_made_again(cached_synth, tmp_path: Path) -> None:
    synth, cache = cached_synth
    synth.synthesize("Breathe in slowly.", tmp_path / "a.wav")
    stored = next(cache.directory.glob("*.wav"))
    stored.write_bytes(stored.read_bytes()[:100])
    again = synth.synthesize("Breathe in slowly.", tmp_path / "b.wav")
    assert again.duration_s > 0.5
    assert stored.stat().st_size == again.path.stat().st_size


def test_only_the_most_recently_used_clips_are_kept(cached_synth, tmp_path: Path) -> None:
    synth, cache = cached_synth
    for index, text in enumerate(["One.", "Two.", "Three.", "Four."]):
        synth.synthesize(text, tmp_path / f"{index}.wav")
        os.utime(cache.directory / cache.key(text, "en-us", 160, 1.0), (index, index))
    kept = {p.name for p in cache.directory.glob("*.wav")}
    assert len(kept) == 3
    assert cache.key("One.", "en-us", 160, 1.0) not in kept


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with SpeechSynthesizer(VoiceSettings(), cache=ClipCache(blocked / "cache")) as synth:
        clip = synth.synthesize("Still speaking.", tmp_path / "a.wav")
    assert clip.duration_s > 0.3
    with pytest.raises(TtsError):
        synth.synthesize("Closed now.", tmp_path / "b.wav")
