"""Echo cancellers on a simulated room: the assistant's reply leaking into the microphone.

The reply is the troubleshooting intro ("... Say stop at any time."), spoken by espeak-ng and
played through a simulated room: a direct path after `delay_ms`, then a 60 ms decaying tail,
reaching the microphone at half the level of the parent's own voice (as in
tests/assistant/test_pulse_echo.py). The parent says "be quiet" over it, or nothing. Each
canceller gets the reference (what was played) and the microphone, 10 ms or 30 ms at a time:

- own: voice_helper/listen/echo.py, fed as the output channel feeds it (chunks with play times);
- webrtc AEC3: pywebrtc-audio's EchoCanceller (WebRTC's audio processing module);
- speexdsp: pyaec's canceller (speexdsp's MDF filter, 300 ms long, with its preprocessor).

Each condition is run in ROOMS rooms (a different echo tail and noise each).
Measured: echo removed where only the echo is heard (ERLE, dB, after the first second), how
much of the parent's voice survives (signal-to-distortion ratio over her words, dB, after
undoing the canceller's own latency), what Moonshine hears in the output (free decoding, then
the intent matcher), and CPU time.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.listen.audio import SAMPLE_RATE, Frame, frames_from_samples
from voice_helper.listen.echo import EchoCanceller
from voice_helper.listen.endpoint import utterances
from voice_helper.listen.engine_choice import choose_engine
from voice_helper.understand.matcher import IntentMatcher
from voice_helper.wavfile import load_wav_16k

REPLY = (
    "Let's work out why the milk isn't coming. I'll ask a few yes or no questions. "
    "Say stop at any time."
)
BARGE_IN = "be quiet"
BARGE_IN_AT_S = (2.5, 5.5)
"""Early in the reply (a canceller still adapting) and later (settled)."""
ROOMS = 5
"""Rooms per condition: each draws its own echo tail and noise (one room's result is luck)."""
DELAYS_MS = (40, 200)
"""A speaker beside the microphone, and a sound server that buffers 200 ms."""

Canceller = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(microphone int16, reference int16 as played, same timeline) -> cleaned int16."""


def _room(reply: np.ndarray, delay_ms: int, rng: np.random.Generator) -> np.ndarray:
    """The reply as the microphone hears it: delayed, with a decaying tail."""
    tail = int(0.06 * SAMPLE_RATE)
    response = rng.normal(0, 1, tail) * np.exp(-np.arange(tail) / (0.015 * SAMPLE_RATE))
    response *= 0.35 / np.sqrt(np.sum(response**2))
    response[0] = 1.0
    delay = delay_ms * SAMPLE_RATE // 1000
    echo = np.convolve(reply, response)[: reply.size]
    return np.concatenate([np.zeros(delay), echo])[: reply.size]


def _own(mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """voice_helper's canceller, fed as the speaker channel and the microphone would feed it."""
    now = [0.0]
    canceller = EchoCanceller(clock=lambda: now[0])
    chunk = 1024
    fed = 0
    out = []
    for frame in frames_from_samples(mic):
        # The channel reports each chunk as it starts playing; playback starts at t=0.
        while fed < ref.size and fed / SAMPLE_RATE <= frame.end_s + 0.05:
            canceller.add_reference(ref[fed : fed + chunk], SAMPLE_RATE, fed / SAMPLE_RATE)
            fed += chunk
        now[0] = frame.end_s
        out.append(canceller.process(Frame(frame.samples, frame.start_s)).samples)
    return np.concatenate(out)[: mic.size]


def _webrtc(mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
    from pywebrtc_audio import EchoCanceller as Aec3

    aec = Aec3(sample_rate=SAMPLE_RATE, num_channels=1)
    step = SAMPLE_RATE // 100
    out = [aec.process(mic[i : i + step], ref[i : i + step]) for i in range(0, mic.size, step)]
    return np.concatenate(out)[: mic.size].astype(np.int16)


def _speex(mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """In a child process: pyaec corrupts the heap here (a later numpy call segfaults)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        out, cpu = pool.apply(_speex_here, (mic, ref))
    _CHILD_CPU.append(cpu)
    return out


_CHILD_CPU: list[float] = []
"""CPU seconds a canceller spent in a child process (process_time does not see them)."""


def _speex_here(mic: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, float]:
    from pyaec import Aec

    started = time.process_time()

    step = SAMPLE_RATE // 100
    aec = Aec(step, int(0.3 * SAMPLE_RATE), SAMPLE_RATE, True)
    out = [
        np.asarray(
            aec.cancel_echo(mic[i : i + step].tolist(), ref[i : i + step].tolist()), np.int16
        )
        for i in range(0, mic.size, step)
    ]
    return np.concatenate(out)[: mic.size], time.process_time() - started


CANCELLERS: dict[str, Canceller | None] = {
    "none": None,
    "own (listen/echo.py)": _own,
    "webrtc AEC3 (pywebrtc-audio 0.2.0)": _webrtc,
    "speexdsp (pyaec 1.0.1)": _speex,
}


def _active(samples: np.ndarray, frame: int = 480) -> np.ndarray:
    """Where a voice is actually sounding: 30 ms frames louder than -40 dBFS."""
    count = samples.size // frame
    rms = np.sqrt(np.mean(samples[: count * frame].reshape(count, frame) ** 2, axis=1))
    mask = np.repeat(rms > 0.01, frame)
    return np.pad(mask, (0, samples.size - mask.size))


def _lag(near: np.ndarray, out: np.ndarray, most_ms: int = 100) -> int:
    """How many samples later her voice comes out than it went in (a canceller's own latency)."""
    most = most_ms * SAMPLE_RATE // 1000
    scores = [float(np.dot(near[: near.size - lag], out[lag:])) for lag in range(most)]
    return int(np.argmax(scores))


def _db(numerator: float, denominator: float) -> float:
    return float(round(10 * np.log10((numerator + 1e-12) / (denominator + 1e-12)), 1))


def _heard(
    samples: np.ndarray, engine: Any, matcher: IntentMatcher
) -> list[tuple[str, str | None]]:
    """Each utterance the endpointer cuts from the stream, as Moonshine hears it, and its intent."""
    found = []
    for utterance in utterances(frames_from_samples(samples)):
        text = engine.transcribe(utterance.samples).text
        intent = matcher.match(text).intent
        found.append((text, intent.name if intent else None))
    return found


def _one_room(
    reference: np.ndarray,
    barge_in_s: float | None,
    reply_start: int,
    reply_size: int,
    voice: np.ndarray,
    delay_ms: int,
    rng: np.random.Generator,
    engine: Any,
    matcher: IntentMatcher,
) -> dict[str, dict[str, Any]]:
    """Every canceller on one simulated room (its tail and noise drawn from rng)."""
    length = reference.size
    echo = _room(reference, delay_ms, rng)
    floor = rng.normal(0, 10 ** (-60 / 20), length)
    near = np.zeros(length)
    if barge_in_s is not None:
        start = int(barge_in_s * SAMPLE_RATE)
        near[start : start + voice.size] = voice[: length - start]
    words = _active(near)
    mic = echo + floor + near
    mic16 = (np.clip(mic, -1, 1) * 32767).astype(np.int16)
    ref16 = (np.clip(reference, -1, 1) * 32767).astype(np.int16)
    rows: dict[str, dict[str, Any]] = {}
    for name, cancel in CANCELLERS.items():
        started = time.process_time()
        out16 = mic16 if cancel is None else cancel(mic16, ref16)
        seconds = time.process_time() - started + sum(_CHILD_CPU)
        _CHILD_CPU.clear()
        out = out16.astype(np.float64) / 32767
        heard = _heard(out16[reply_start:], engine, matcher)
        row: dict[str, Any] = {
            "cpu_per_audio_s": seconds / (length / SAMPLE_RATE),
            "heard": [text for text, _ in heard],
            "intents": [intent for _, intent in heard if intent],
        }
        if barge_in_s is None:
            index = np.arange(length)
            settled = (index >= SAMPLE_RATE) & (index < reply_size)
            row["erle_db"] = _db(np.sum(mic[settled] ** 2), np.sum(out[settled] ** 2))
        else:
            lag = _lag(near, out)
            aligned = np.roll(out, -lag)
            row["voice_sdr_db"] = _db(
                np.sum(near[words] ** 2), np.sum((aligned[words] - near[words]) ** 2)
            )
            row["output_lag_ms"] = lag * 1000 // SAMPLE_RATE
        rows[name] = row
    return rows


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Over the rooms: medians and ranges, how often "stop" was heard, the first room's words."""
    summary: dict[str, Any] = {
        "stop_heard": f"{sum('stop' in r['intents'] for r in rows)}/{len(rows)}",
        "other_commands": sorted({i for r in rows for i in r["intents"] if i != "stop"}),
        "anything_heard": f"{sum(bool(r['heard']) for r in rows)}/{len(rows)}",
        "cpu_per_audio_s": round(float(np.median([r["cpu_per_audio_s"] for r in rows])), 3),
        "first_room_heard": rows[0]["heard"],
    }
    for key in ("erle_db", "voice_sdr_db", "output_lag_ms"):
        values = [r[key] for r in rows if key in r]
        if values:
            summary[key] = [float(min(values)), float(np.median(values)), float(max(values))]
    return summary


def compare_echo() -> dict[str, Any]:
    """Every canceller on each delay, with and without the parent speaking over the reply."""
    engine, _ = choose_engine(Settings(engine="moonshine"))
    matcher = IntentMatcher.from_content(DEFAULT_CONTENT_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        reply_path = make_recording([REPLY], Path(tmp) / "reply.wav", voice="en-gb")
        voice_path = make_recording([BARGE_IN], Path(tmp) / "voice.wav")
        reply = load_wav_16k(reply_path).astype(np.float64)
        voice = load_wav_16k(voice_path).astype(np.float64)
    # Her voice at full level; the echo of the reply at half of it (-6 dB), peak for peak.
    reply *= 0.25 / np.max(np.abs(reply))
    voice *= 0.5 / np.max(np.abs(voice))
    gap = np.zeros(SAMPLE_RATE)
    # (name, what is played, when she starts "be quiet" in s or None, where the reply starts)
    scenes: list[tuple[str, np.ndarray, float | None, int]] = [
        ("echo only", np.concatenate([reply, gap]), None, 0),
        *[(f"be quiet at {at} s", np.concatenate([reply, gap]), at, 0) for at in BARGE_IN_AT_S],
        # The cancellers keep adapting across replies: the second reply of a conversation.
        (
            "second reply, be quiet at 2.5 s",
            np.concatenate([reply, gap, reply, gap]),
            reply.size / SAMPLE_RATE + 1.0 + 2.5,
            reply.size + gap.size,
        ),
    ]
    results: dict[str, Any] = {"reply_s": round(reply.size / SAMPLE_RATE, 1), "rooms": ROOMS}
    for delay_ms in DELAYS_MS:
        for said, reference, barge_in_s, reply_start in scenes:
            condition = f"{delay_ms} ms, {said}"
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CANCELLERS}
            for room in range(ROOMS):
                rng = np.random.default_rng(room)
                for name, row in _one_room(
                    reference,
                    barge_in_s,
                    reply_start,
                    reply.size,
                    voice,
                    delay_ms,
                    rng,
                    engine,
                    matcher,
                ).items():
                    runs[name].append(row)
            results[condition] = {name: _summary(rows) for name, rows in runs.items()}
            for name, summary in results[condition].items():
                print(f"{condition:40} {name:36} {summary}", flush=True)
    return results
