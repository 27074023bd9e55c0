"""The ordered output channel, with real speech synthesis and fake audio outputs."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.sinks import ChunkHook, Played, Sink, WavDirSink
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance
from voice_helper.speak.tts import SpeechClip, SpeechSynthesizer
from voice_helper.wavfile import inspect_wav

LONG = (
    "Sit back, let your jaw go loose, and breathe in slowly through your nose while you count "
    "to four, then breathe out through your mouth while you count to six, and do that again."
)


class RecordingSink(Sink):
    """Records what played and when; can hold the first clip until released."""

    def __init__(self, hold_first: bool = False, play_s: float = 0.02) -> None:
        self.play_s = play_s
        self.played: list[tuple[str, float, float]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        self._lock = threading.Lock()
        self._active = 0
        self.max_active = 0

    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        start = time.monotonic()
        with self._lock:
            self._active += 1
            self.max_active = max(self.max_active, self._active)
        self.first_started.set()
        self.release.wait(10)
        time.sleep(self.play_s)
        with self._lock:
            self._active -= 1
            self.played.append((clip.text, start, time.monotonic()))
        return Played(None, cancel.is_set())

    @property
    def texts(self) -> list[str]:
        return [text for text, _, _ in self.played]


class DrivenClock:
    """A clock that moves only when the test moves it; notes the last time it was read."""

    def __init__(self) -> None:
        self.now = 0.0
        self.last_read: float | None = None
        self._cond = threading.Condition()

    def __call__(self) -> float:
        with self._cond:
            self.last_read = self.now
            self._cond.notify_all()
            return self.now

    def move_to(self, at: float) -> None:
        with self._cond:
            self.now = at
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until `predicate` holds: a thread of the channel's has caught up."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                if time.monotonic() > deadline:
                    return False
                self._cond.wait(0.01)
            return True

    def sleep_until(self, at: float, cancel: threading.Event) -> None:
        """Block until the clock reaches `at` or `cancel` is set."""
        with self._cond:
            while self.now < at and not cancel.is_set():
                self._cond.wait(0.01)  # cancel is an Event: look at it every 10 ms


def _move_and_look(clock: DrivenClock, channel: SpeechChannel, at: float) -> None:
    """Move the clock, wake the channel, and wait until its worker has read the new time."""
    clock.move_to(at)
    channel.tick()
    assert clock.wait_for(lambda: clock.last_read == at)


class ClockPacedSink(Sink):
    """Plays nothing, in 20 ms chunks paced by the test's clock: the edge fake for a sound card."""

    def __init__(self, clock: DrivenClock) -> None:
        self.clock = clock

    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        samples, rate = clip.samples(), clip.sample_rate
        chunk = rate // 50
        began = self.clock.now
        for start in range(0, samples.size, chunk):
            if cancel.is_set():
                return Played(None, True)
            if on_chunk is not None:
                on_chunk(samples[start : start + chunk], rate, self.clock.now)
            self.clock.sleep_until(began + (start + chunk) / rate, cancel)
        return Played(None, False)


def _assert_no_overlap(played: list[tuple[str, float, float]]) -> None:
    spans = sorted((start, end) for _, start, end in played)
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        assert end <= next_start


def test_safety_overtakes_queued_replies_and_announcements(synth: SpeechSynthesizer) -> None:
    sink = RecordingSink(hold_first=True)
    with SpeechChannel(synth, sink) as channel:
        channel.say(Speech("First.", Priority.REPLY))
        assert sink.first_started.wait(5)
        channel.say(Speech("Reminder one.", Priority.ANNOUNCEMENT, kind="announcement"))
        channel.say(Speech("Reply one.", Priority.REPLY))
        channel.say(Speech("Reminder two.", Priority.ANNOUNCEMENT, kind="announcement"))
        channel.say(Speech("Reply two.", Priority.REPLY))
        channel.say(Speech("Call your doctor now.", Priority.SAFETY, kind="safety"))
        assert [u.text for u in channel.pending()][:1] == ["Call your doctor now."]
        sink.release.set()
        assert channel.wait_idle(10)
    assert sink.texts == [
        "First.",
        "Call your doctor now.",
        "Reply one.",
        "Reply two.",
        "Reminder one.",
        "Reminder two.",
    ]
    _assert_no_overlap(sink.played)


def test_never_two_utterances_at_once(synth: SpeechSynthesizer) -> None:
    sink = RecordingSink(play_s=0.03)
    with SpeechChannel(synth, sink) as channel:

        def speaker(name: str, priority: Priority) -> None:
            for n in range(3):
                channel.say(Speech(f"{name} {n}.", priority))

        threads = [
            threading.Thread(target=speaker, args=(name, priority))
            for name, priority in (
                ("Safety", Priority.SAFETY),
                ("Reply", Priority.REPLY),
                ("Note", Priority.ANNOUNCEMENT),
            )
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert channel.wait_idle(15)
    assert sink.max_active == 1
    assert len(sink.played) == 9
    _assert_no_overlap(sink.played)
    for name in ("Safety", "Reply", "Note"):  # FIFO within one priority
        assert [t for t in sink.texts if t.startswith(name)] == [f"{name} {n}." for n in range(3)]


def test_wav_dir_sink_keeps_numbered_files(synth: SpeechSynthesizer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    finished: list[SpokenUtterance] = []
    with SpeechChannel(synth, WavDirSink(out), on_finished=finished.append) as channel:
        reply = channel.say(Speech("Two hours since your last session.")).result(10)
        safety = channel.say(Speech("Please call a nurse.", Priority.SAFETY, kind="safety"))
        assert channel.wait_idle(10)
    assert sorted(p.name for p in out.iterdir()) == ["0001-reply.wav", "0002-safety.wav"]
    assert reply.file == out / "0001-reply.wav"
    assert safety.result().file == out / "0002-safety.wav"
    assert inspect_wav(out / "0001-reply.wav").duration_s == reply.duration_s > 1.0
    assert [f.utterance.text for f in finished] == [
        "Two hours since your last session.",
        "Please call a nurse.",
    ]
    assert all(f.latency_ms is not None and f.latency_ms >= 0 and not f.cut for f in finished)
    with SpeechChannel(synth, WavDirSink(out)) as channel:  # a new sink keeps counting
        assert channel.say("Again.").result(10).file == out / "0003-reply.wav"


def test_held_announcement_waits_for_release(synth: SpeechSynthesizer) -> None:
    sink, clock = RecordingSink(), DrivenClock()
    with SpeechChannel(synth, sink, reminder_wait_seconds=30, clock=clock) as channel:
        channel.hold_announcements()
        reminder = channel.say(Speech("Time to pump.", Priority.ANNOUNCEMENT))
        channel.say(Speech("Yes, the flange size matters.")).result(10)
        _move_and_look(clock, channel, 29.9)  # the worker has looked: still held
        assert [u.text for u in channel.pending()] == ["Time to pump."]
        assert not reminder.done()
        assert sink.texts == ["Yes, the flange size matters."]
        channel.release_announcements()
        assert reminder.result(10).started_at is not None
    assert sink.texts == ["Yes, the flange size matters.", "Time to pump."]


def test_held_announcement_is_spoken_after_the_bounded_wait(synth: SpeechSynthesizer) -> None:
    sink, clock = RecordingSink(), DrivenClock()
    with SpeechChannel(synth, sink, reminder_wait_seconds=0.3, clock=clock) as channel:
        channel.hold_announcements()
        reminder = channel.say(Speech("Time to pump.", Priority.ANNOUNCEMENT))
        _move_and_look(clock, channel, 0.29)
        assert [u.text for u in channel.pending()] == ["Time to pump."]
        _move_and_look(clock, channel, 0.3)
        spoken = reminder.result(10)
        assert channel.announcements_held
    assert spoken.latency_ms is not None
    assert spoken.latency_ms == pytest.approx(300)  # queued at 0, spoken once the wait was over


def test_cancel_current_cuts_at_the_next_chunk(synth: SpeechSynthesizer) -> None:
    clock = DrivenClock()
    chunks: list[tuple[int, int, float]] = []
    started = threading.Event()

    def on_chunk(samples: np.ndarray, rate: int, t: float) -> None:
        chunks.append((samples.size, rate, t))

    with SpeechChannel(
        synth,
        ClockPacedSink(clock),
        on_play_chunk=on_chunk,
        on_started=lambda u, t: started.set(),
        clock=clock,
    ) as channel:
        long = channel.say(Speech(LONG, kind="breathing"))
        after = channel.say(Speech("Okay, stopping."))
        assert started.wait(10) and channel.speaking.is_set()
        assert clock.wait_for(lambda: len(chunks) == 1)  # the clip's clock has started
        clock.move_to(0.31)  # the chunks due at 0, 20, ..., 300 ms play
        assert clock.wait_for(lambda: len(chunks) == 16)
        before_cut = list(chunks)
        asked = clock.now
        assert channel.cancel_current() is not None
        result = long.result(5)
        assert clock.wait_for(lambda: len(chunks) == 17)  # the next one has begun
        clock.move_to(60.0)  # and plays to its end
        assert after.result(10).cut is False
    assert result.cut
    assert result.ended_at == asked  # it stopped without playing on to its next chunk
    assert result.duration_s > 5.0  # it really was cut short
    assert 10 <= len(before_cut) < 40  # about 0.3 s of 20 ms chunks reached the hook
    assert all(size == 441 and rate == 22050 for size, rate, _ in before_cut)
    times = [t for _, _, t in chunks]
    assert times == sorted(times)


def test_clear_drops_queued_utterances(synth: SpeechSynthesizer) -> None:
    sink = RecordingSink(hold_first=True)
    with SpeechChannel(synth, sink) as channel:
        channel.say("First.")
        assert sink.first_started.wait(5)
        reply = channel.say("Old reply.")
        reminder = channel.say(Speech("Old reminder.", Priority.ANNOUNCEMENT))
        channel.say(Speech("Safety first.", Priority.SAFETY))
        dropped = channel.clear(Priority.REPLY)
        sink.release.set()
        assert channel.wait_idle(10)
    assert [u.text for u in dropped] == ["Old reply.", "Old reminder."]
    assert reply.cancelled() and reminder.cancelled()
    assert sink.texts == ["First.", "Safety first."]


def test_tts_failure_is_reported_and_the_channel_goes_on(synth: SpeechSynthesizer) -> None:
    sink = RecordingSink()
    with SpeechChannel(synth, sink) as channel:
        failed = channel.say(Speech("   ")).result(10)
        spoken = channel.say(Speech("Still here.")).result(10)
    assert failed.error is not None and failed.started_at is None
    assert spoken.error is None and sink.texts == ["Still here."]


def test_close_cancels_what_is_queued(synth: SpeechSynthesizer) -> None:
    sink = RecordingSink(hold_first=True)
    channel = SpeechChannel(synth, sink)
    channel.say("First.")
    assert sink.first_started.wait(5)
    queued = channel.say("Never said.")
    sink.release.set()
    channel.close()
    assert queued.cancelled()
    assert "Never said." not in sink.texts
