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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.mix import SAMPLE_RATE, mix_sequence, pump_noise  # noqa: E402
from benchmarks.speech_set import Case, build_cases, load_case_audio  # noqa: E402

REPLIES_WHEN_IDLE = ("troubleshoot", "ask_cause", "urgent_symptom", "help", "start_breathing",
                     "set_reminder", "list_reminders", "cancel_reminders", "start_session",
                     "end_session", "last_session", "missed")
"""Intents that get a spoken reply with no conversation open (so every utterance is timed)."""
GAP_S = 3.0
"""Pump noise between utterances: room for the reply before the next command."""


def memory_mb() -> dict[str, float]:
    """Resident memory now and at its peak, in MB."""
    status = Path("/proc/self/status").read_text()
    values = {line.split(":")[0]: float(line.split()[1]) / 1024 for line in status.splitlines()
              if line.startswith(("VmRSS", "VmHWM"))}
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
    from voice_helper.listen.endpoint import Endpointer, EndpointSettings

    running = build(Settings(engine="moonshine"), load_content(DEFAULT_CONTENT_DIR),
                    output_dir=out_dir, engine=engine, with_reminders=False)
    running.assistant.endpointer = Endpointer(EndpointSettings(**endpoint))
    starts: list[tuple[Any, float]] = []
    hook = running.channel.on_started

    def on_started(speech: Any, started_at: float) -> None:
        starts.append((speech.metadata.get("turn"), started_at))
        if hook is not None:
            hook(speech, started_at)

    running.channel.on_started = on_started
    return running, starts


def measure_latency(engine: _Timed, count: int, condition: str, endpoint: dict[str, Any]
                    ) -> dict[str, Any]:
    """Replay `count` commands in pump noise, paced in real time; time each first reply."""
    from voice_helper.listen.audio import frames_from_samples

    cases = latency_cases(count)
    stream, spans = mix_sequence([load_case_audio(c) for c in cases], condition, GAP_S, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        running, starts = _assistant(engine, Path(tmp), endpoint)
        engine.calls.clear()
        started_wall = time.monotonic()
        pcm = (stream * 32767).astype(np.int16)
        running.assistant.run(frames_from_samples(pcm), realtime=True)
        running.close()
    first_audio: dict[Any, float] = {}
    for turn, wall in starts:
        first_audio.setdefault(turn, wall)
    latencies, missing = [], []
    replies = sorted(first_audio.values())
    for index, (_, end_s) in enumerate(spans):
        heard_at = started_wall + end_s
        until = started_wall + spans[index + 1][0] if index + 1 < len(spans) else float("inf")
        reply = next((w for w in replies if heard_at < w < until), None)
        if reply is None:
            missing.append(cases[index].text)
        else:
            latencies.append((reply - heard_at) * 1000)
    asr = np.array([spent for _, spent in engine.calls]) * 1000
    return {
        "condition": condition, "utterances": len(cases), "replied": len(latencies),
        "no_reply": missing,
        "latency_ms": [round(x) for x in latencies],
        "median_ms": round(float(np.median(latencies))) if latencies else None,
        "p95_ms": round(float(np.percentile(latencies, 95))) if latencies else None,
        "asr_median_ms": round(float(np.median(asr))) if asr.size else None,
        "hangover_ms": endpoint_hangover_ms(endpoint),
    }


def endpoint_hangover_ms(endpoint: dict[str, Any]) -> int:
    """The closing window the endpointer waits after speech before it decides."""
    from voice_helper.listen.audio import FRAME_MS
    from voice_helper.listen.endpoint import EndpointSettings

    settings = EndpointSettings(**endpoint)
    return int((settings.end_window - settings.end_voiced_max) * FRAME_MS)


def measure_idle(engine: _Timed, seconds: float, endpoint: dict[str, Any]) -> dict[str, Any]:
    """CPU share of one core while the loop listens to pump noise, paced in real time."""
    from voice_helper.listen.audio import frames_from_samples

    noise = pump_noise(seconds, -30.0, seed=5)
    with tempfile.TemporaryDirectory() as tmp:
        running, starts = _assistant(engine, Path(tmp), endpoint)
        engine.calls.clear()
        pcm = (noise * 32767).astype(np.int16)
        cpu0, wall0 = time.process_time(), time.monotonic()
        running.assistant.run(frames_from_samples(pcm), realtime=True)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        turns = [e for e in running.assistant.transcript.events if e.get("event") == "turn"]
        running.close()
    return {"seconds": round(wall, 1), "cpu_percent_of_one_core": round(100 * cpu / wall, 1),
            "utterances_heard_in_noise": len(engine.calls),
            "actions_in_noise": sum(1 for t in turns if t.get("intent"))}


def main(argv: list[str] | None = None) -> int:
    """Measure and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--utterances", type=int, default=24)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--conditions", default="10dB")
    parser.add_argument("--endpoint", default="{}", help="EndpointSettings overrides as JSON")
    args = parser.parse_args(argv)
    endpoint = json.loads(args.endpoint)
    before = memory_mb()
    from voice_helper.listen.moonshine_engine import MoonshineEngine

    engine = _Timed(MoonshineEngine())
    engine.transcribe(np.zeros(SAMPLE_RATE, np.int16))
    loaded = memory_mb()
    result: dict[str, Any] = {"memory_before_engine": before, "memory_engine_loaded": loaded,
                              "latency": {}}
    for condition in args.conditions.split(","):
        result["latency"][condition] = measure_latency(engine, args.utterances, condition,
                                                       endpoint)
    calls = [c for c in engine.calls]
    result["idle"] = measure_idle(engine, args.idle_seconds, endpoint)
    result["memory_end"] = memory_mb()
    if calls:
        result["rtf"] = round(sum(s for _, s in calls) / sum(a for a, _ in calls), 3)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
