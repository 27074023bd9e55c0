"""One piece of speech from text to the speaker: synthesise it, play it, say what became of it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from voice_helper.errors import VoiceHelperError
from voice_helper.speak.sinks import ChunkHook, Played, Sink
from voice_helper.speak.speech import Speech, SpokenUtterance
from voice_helper.speak.tts import SpeechSynthesizer

_LOGGER = logging.getLogger("voice_helper.speak.channel")
"""The channel's logger: these are the channel's messages, said by its worker."""


class Hooks(Protocol):
    """Where speak_once finds the caller's hooks, looked up when each is due."""

    on_started: Callable[[Speech, float], None] | None
    """Called with the speech and the clock time its playback began."""
    on_play_chunk: ChunkHook | None
    """Handed to the sink: each chunk as it reaches the speaker."""


def speak_once(
    speech: Speech,
    path: Path,
    queued_at: float,
    cancel: threading.Event,
    *,
    synthesizer: SpeechSynthesizer,
    sink: Sink,
    clock: Callable[[], float],
    speaking: threading.Event,
    hooks: Hooks,
) -> SpokenUtterance:
    """Synthesise `speech` into `path` and play it on `sink`, unless `cancel` is set first.

    `speaking` is set while it plays; the file is kept only where the sink keeps it.
    """
    try:
        clip = synthesizer.synthesize(speech.text, path, rate=speech.rate, volume=speech.volume)
    except (VoiceHelperError, OSError) as exc:  # reported; the next one still plays
        _LOGGER.error("cannot speak %r: %s", speech.text[:60], exc)
        return SpokenUtterance(speech, queued_at, None, clock(), error=str(exc))
    if cancel.is_set():
        path.unlink(missing_ok=True)
        return SpokenUtterance(
            speech, queued_at, None, clock(), cut=True, duration_s=clip.duration_s
        )
    started = clock()
    speaking.set()
    notify(hooks.on_started, speech, started)
    played = Played(None, False)
    try:
        played = sink.play(clip, speech.kind, cancel, hooks.on_play_chunk)
    except (VoiceHelperError, OSError) as exc:  # a sound card hiccup must not stop us
        _LOGGER.error("playing %r failed: %s", speech.text[:60], exc)
        return SpokenUtterance(
            speech, queued_at, started, clock(), duration_s=clip.duration_s, error=str(exc)
        )
    finally:
        speaking.clear()
        if played.file != path:
            path.unlink(missing_ok=True)
    ended = clock()
    if played.cut:
        _LOGGER.info("cut %s after %.0f ms", speech.kind, (ended - started) * 1000)
    return SpokenUtterance(
        speech, queued_at, started, ended, played.file, played.cut, clip.duration_s
    )


def notify(callback: Callable[..., None] | None, *args: Any) -> None:
    """Call a caller's hook; its failure is logged, never passed on to the channel."""
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:  # a caller's bug must not stop the channel
        _LOGGER.exception("speech channel callback failed")
