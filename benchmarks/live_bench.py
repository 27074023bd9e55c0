"""The live half of the speech benchmark: the real Assistant loop, paced in real time.

Run by speech_bench.py in a process of its own, so resident memory and CPU time are this
assistant's alone: `python benchmarks/live_bench.py --out FILE.json [--utterances N]`.

Measures latency from the end of speech to the first reply audio (endpointer hangover,
recognition, dialogue and speech synthesis all included), the real-time factor of recognition,
resident memory with the engine loaded, and CPU while idle-listening to 60 s of pump noise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks.mix import SAMPLE_RATE, pump_noise
from benchmarks.speech_set import Case, build_cases

REPLIES_WHEN_IDLE = (
    "troubleshoot",
    "ask_cause",
    "urgent_symptom",
    "help",
    "start_breathing",
    "set_reminder",
    "list_reminders",
    "cancel_reminders",
    "start_session",
    "end_session",
    "last_session",
    "missed",
)
"""Intents that get a spoken reply with no conversation open (so every utterance is timed)."""
GAP_S = 3.0
"""Pump noise between utterances: room for the reply before the next command."""


def memory_mb() -> dict[str, float]:
    """Resident memory now and at its peak, in MB."""
    status = Path("/proc/self/status").read_text()
    values = {
        line.split(":")[0]: float(line.split()[1]) / 1024
        for line in status.splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    }
    return {"rss_mb": round(values["VmRSS"], 1), "peak_rss_mb": round(values["VmHWM"], 1)}


def latency_cases(count: int) -> list[Case]:
    """Commands that get a reply when idle, spread over every voice and both splits."""
    cases = [c for c in build_cases() if c.kind == "command" and c.intent in REPLIES_WHEN_IDLE]
    step = max(1, len(cases) // count)
    return cases[::step][:count]


class _Timed:
    """Wraps an engine to time each transcription."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.calls: list[tuple[float, float]] = []
        """(audio seconds, seconds spent) per call."""

    def transcribe(self, samples: np.ndarray) -> Any:
        started = time.perf_counter()
        result = self.engine.transcribe(samples)
        self.calls.append((samples.size / SAMPLE_RATE, time.perf_counter() - started))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


def _assistant(engine: Any, out_dir: Path, endpoint: dict[str, Any]) -> tuple[Any, list]:
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.assistant.build import build
    from voice_helper.config import Settings
    from voice_helper.content import load_content
    from voice_helper.listen.endpoint import Endpointer
    from voice_helper.listen.endpoint_settings import EndpointSettings

    running = build(
        Settings(engine="moonshine"),
        load_content(DEFAULT_CONTENT_DIR),
        output_dir=out_dir,
        engine=engine,
        with_reminders=False,
    )
    running.assistant.endpointer = Endpointer(EndpointSettings(**endpoint))
    starts: list[tuple[Any, float]] = []
    hook = running.channel.on_started

    def on_started(speech: Any, started_at: float) -> None:
        starts.append((speech.metadata.get("turn"), started_at))
        if hook is not None:
            hook(speech, started_at)

    running.channel.on_started = on_started
    return running, starts


def prepare(directory: Path, count: int, conditions: list[str], idle_seconds: float) -> None:
    """Write the streams to replay as WAV files (kept out of the measured process's memory)."""
    from benchmarks.mix import mix_sequence
    from benchmarks.speech_set import load_case_audio

    directory.mkdir(parents=True, exist_ok=True)
    cases = latency_cases(count)
    for condition in conditions:
        stream, spans = mix_sequence([load_case_audio(c) for c in cases], condition, GAP_S, seed=11)
        _write_wav(directory / f"latency-{condition}.wav", stream)
        (directory / f"latency-{condition}.json").write_text(
            json.dumps({"spans": spans, "texts": [c.text for c in cases]})
        )
    _write_wav(directory / "idle.wav", pump_noise(idle_seconds, -30.0, seed=5))


def _write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def measure_latency(
    engine: _Timed, directory: Path, condition: str, endpoint: dict[str, Any]
) -> dict[str, Any]:
    """Replay the prepared commands in pump noise, paced in real time; time each first reply."""
    from voice_helper.listen.audio import file_frames

    plan = json.loads((directory / f"latency-{condition}.json").read_text())
    spans, texts = plan["spans"], plan["texts"]
    with tempfile.TemporaryDirectory() as tmp:
        running, starts = _assistant(engine, Path(tmp), endpoint)
        engine.calls.clear()
        started_wall = time.monotonic()
        running.assistant.run(file_frames(directory / f"latency-{condition}.wav"), realtime=True)
        running.close()
        log = Path(tmp) / "transcript.jsonl"
        heard = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    first_audio: dict[Any, float] = {}
    for turn, wall in starts:
        first_audio.setdefault(turn, wall)
    latencies, missing, each = [], [], []
    replies = sorted(first_audio.values())
    turns = [record for record in heard if record.get("event") == "turn"]
    for index, (start_s, end_s) in enumerate(spans):
        heard_at = started_wall + end_s
        until = started_wall + spans[index + 1][0] if index + 1 < len(spans) else float("inf")
        reply = next((w for w in replies if heard_at < w < until), None)
        said_turns = [t for t in turns if start_s - 0.5 <= t["speech_end_s"] <= end_s + 1.0]
        entry = {
            "said": texts[index],
            "heard": [t["heard"] for t in said_turns],
            "hangover_ms": [t.get("hangover_ms") for t in said_turns],
        }
        if reply is None:
            missing.append(texts[index])
        else:
            latencies.append((reply - heard_at) * 1000)
            entry["latency_ms"] = round(latencies[-1])
        each.append(entry)
    asr = np.array([spent for _, spent in engine.calls]) * 1000
    return {
        "condition": condition,
        "utterances": len(spans),
        "replied": len(latencies),
        "no_reply": missing,
        "latency_ms": [round(x) for x in latencies],
        "median_ms": round(float(np.median(latencies))) if latencies else None,
        "p95_ms": round(float(np.percentile(latencies, 95))) if latencies else None,
        "asr_median_ms": round(float(np.median(asr))) if asr.size else None,
        "hangover_ms": endpoint_hangover_ms(endpoint),
        "each": each,
    }


def endpoint_hangover_ms(endpoint: dict[str, Any]) -> int:
    """The closing window the endpointer waits after speech before it decides."""
    from voice_helper.listen.audio import FRAME_MS
    from voice_helper.listen.endpoint_settings import EndpointSettings

    settings = EndpointSettings(**endpoint)
    return int((settings.end_window - settings.end_voiced_max) * FRAME_MS)


def measure_idle(engine: _Timed, directory: Path, endpoint: dict[str, Any]) -> dict[str, Any]:
    """CPU share of one core while the loop listens to pump noise, paced in real time."""
    from voice_helper.listen.audio import file_frames

    with tempfile.TemporaryDirectory() as tmp:
        running, _ = _assistant(engine, Path(tmp), endpoint)
        engine.calls.clear()
        frames = file_frames(directory / "idle.wav")
        cpu0, wall0 = time.process_time(), time.monotonic()
        running.assistant.run(frames, realtime=True)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        turns = [e for e in running.assistant.transcript.events if e.get("event") == "turn"]
        running.close()
    return {
        "seconds": round(wall, 1),
        "cpu_percent_of_one_core": round(100 * cpu / wall, 1),
        "utterances_heard_in_noise": len(engine.calls),
        "actions_in_noise": sum(1 for t in turns if t.get("intent")),
    }


def main(argv: list[str] | None = None) -> int:
    """Prepare the audio in a helper process, then measure in this one and write the JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--utterances", type=int, default=24)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--conditions", default="10dB")
    parser.add_argument("--endpoint", default="{}", help="EndpointSettings overrides as JSON")
    parser.add_argument("--engine", choices=("moonshine", "vosk"), default="moonshine")
    parser.add_argument("--vosk-model", default="", help="vosk model folder (with --engine vosk)")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    conditions = args.conditions.split(",")
    if args.prepare:
        prepare(args.prepare, args.utterances, conditions, args.idle_seconds)
        return 0
    if args.out is None:
        parser.error("--out is required")
    endpoint = json.loads(args.endpoint)
    with tempfile.TemporaryDirectory() as audio_dir:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--prepare",
                audio_dir,
                "--utterances",
                str(args.utterances),
                "--idle-seconds",
                str(args.idle_seconds),
                "--conditions",
                args.conditions,
            ],
            check=True,
        )
        result = measure(Path(audio_dir), conditions, endpoint, args.engine, args.vosk_model)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


def measure(
    audio_dir: Path,
    conditions: list[str],
    endpoint: dict[str, Any],
    engine_name: str = "moonshine",
    vosk_model: str = "",
) -> dict[str, Any]:
    """Load the engine, then replay the prepared streams through the Assistant loop."""
    before = memory_mb()
    load_before = os.getloadavg()[0]
    from benchmarks.recognise import make_engine

    engine = _Timed(make_engine(engine_name, vosk_model))
    engine.transcribe(np.zeros(SAMPLE_RATE, np.int16))
    result: dict[str, Any] = {
        "memory_before_engine": before,
        "memory_engine_loaded": memory_mb(),
        "latency": {},
    }
    for condition in conditions:
        result["latency"][condition] = measure_latency(engine, audio_dir, condition, endpoint)
    calls = list(engine.calls)
    result["idle"] = measure_idle(engine, audio_dir, endpoint)
    result["memory_end"] = memory_mb()
    # Other work on the machine slows recognition; the 1-minute load average says how much.
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if calls:
        result["rtf"] = round(sum(s for _, s in calls) / sum(a for a, _ in calls), 3)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
