"""Shared fixtures for the speak tests: one real speech engine per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from voice_helper.speak.tts import SpeechSynthesizer, VoiceSettings


@pytest.fixture(scope="module")
def synth() -> Iterator[SpeechSynthesizer]:
    """A real pyttsx3/espeak-ng synthesizer at 160 wpm."""
    with SpeechSynthesizer(VoiceSettings(voice="en-us", rate=160, volume=1.0)) as synthesizer:
        yield synthesizer
