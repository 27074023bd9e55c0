"""A sink that keeps each clip as a file and takes as long as the clip to "play" it."""

from __future__ import annotations

import threading
import time

from voice_helper.speak.sinks import ChunkHook, Played, Sink, WavDirSink
from voice_helper.speak.tts import SpeechClip

CHUNK_S = 0.02


class PacedWavDirSink(Sink):
    """Numbered WAV files like WavDirSink, but busy for the clip's real duration (cuttable).

    With `run --input F --realtime --output D` this lets a recording talk over a reply, so
    barge-in behaves as it would on a speaker, on a machine without one.
    """

    def __init__(self, inner: WavDirSink):
        self.inner = inner

    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        """Pace through the clip in 20 ms steps, reporting each chunk; stop early on cancel."""
        samples, rate = clip.samples(), clip.sample_rate
        step = max(1, int(rate * CHUNK_S))
        started = time.monotonic()
        cut = False
        for index, start in enumerate(range(0, samples.size, step)):
            if cancel.is_set():
                cut = True
                break
            if on_chunk is not None:
                on_chunk(samples[start : start + step], rate, time.monotonic())
            delay = started + (index + 1) * CHUNK_S - time.monotonic()
            if delay > 0:
                cancel.wait(delay)
        kept = self.inner.play(clip, kind, threading.Event())
        return Played(file=kept.file, cut=cut)
