"""Hear through the pump: the speech benchmark.

    .venv/bin/python benchmarks/speech_bench.py [--quick]

Synthesises the test sentences (content/sentences/intents.yaml, tuned) and the held-out phrasings
(benchmarks/heldout_sentences.yaml) in several voices and two speaking rates, adds everyday
household speech and real read speech (pocketsphinx-testdata) that must not be acted on, mixes
each with a synthetic breast pump at clean / 10 dB / 5 dB SNR, runs every stream through the
assistant's endpointer, Moonshine and the intent matcher, then runs the real Assistant loop in
real time for latency, memory and idle CPU. Writes benchmarks/results/speech_bench[_quick].md
and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mix import CONDITIONS
from benchmarks.recognise import Front, cache_key, recognise_all
from benchmarks.report import markdown
from benchmarks.score import by_voice, score
from benchmarks.speech_set import BENCH_DIR, Case, build_cases, synthesise_missing
from voice_helper.listen.endpoint_settings import EndpointSettings
from voice_helper.understand.matcher import IntentMatcher

RESULTS_DIR = BENCH_DIR / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Speech benchmark: accuracy and latency through a breast pump's noise."
    )
    parser.add_argument("--quick", action="store_true", help="a ~2 minute subset")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="re-synthesise nothing cached, but re-recognise every stream",
    )
    parser.add_argument(
        "--skip-live",
        action="store_true",
        help="skip the real-time loop (latency, memory, idle CPU)",
    )
    parser.add_argument(
        "--endpoint",
        default="{}",
        help="EndpointSettings overrides as JSON, e.g. '{\"end_window\": 12}'",
    )
    parser.add_argument("--denoise", default="none", help="noise suppressor before recognition")
    parser.add_argument(
        "--no-grammar", action="store_true", help="Moonshine's free transcript only (the old way)"
    )
    parser.add_argument("--engine", choices=("moonshine", "vosk"), default="moonshine")
    parser.add_argument("--vosk-model", default="", help="vosk model folder (with --engine vosk)")
    parser.add_argument("--split", choices=("tuned", "heldout"), help="only this part of the set")
    parser.add_argument("--tag", default="", help="suffix for the result file names")
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results."""
    args = parse_args(argv)
    started = time.monotonic()
    overrides = json.loads(args.endpoint)
    if args.engine == "vosk" and not args.vosk_model:
        raise SystemExit("--engine vosk needs --vosk-model DIR (voice-helper models fetch)")
    front = Front(
        EndpointSettings(**overrides),
        args.denoise,
        grammar=not args.no_grammar,
        engine=args.engine,
        vosk_model=args.vosk_model,
    )
    cases = [c for c in build_cases(quick=args.quick) if args.split in (None, c.split)]
    synthesised = synthesise_missing(
        [(c.text, c.voice) for c in cases if not c.voice.startswith("human:")]
    )
    print(
        f"{len(cases)} cases ({synthesised} clips synthesised, {time.monotonic() - started:.0f} s)",
        flush=True,
    )
    jobs = [(case, condition) for case in cases for condition in CONDITIONS]
    transcripts = recognise_all(jobs, front, args.workers, use_cache=not args.no_cache)
    recognised_s = time.monotonic() - started

    matcher = IntentMatcher.from_content()

    def texts_of(case: Case, condition: str) -> list[str]:
        return list(transcripts[cache_key(case, condition, front)]["texts"])

    tallies = score(jobs, texts_of, matcher)
    voices = by_voice(jobs, texts_of, matcher)
    text_jobs = [(case, "text") for case in cases if not case.voice.startswith("human:")]
    text_jobs = list({(c.split, c.kind, c.text): (c, cond) for c, cond in text_jobs}.values())
    tallies.update(score(text_jobs, lambda c, _: [c.text], matcher))
    entries = [transcripts[cache_key(c, cond, front)] for c, cond in jobs]
    audio_s = sum(e["audio_s"] for e in entries)
    asr_s = sum(e["asr_s"] for e in entries)

    live = None
    if not args.skip_live:
        live = run_live(args.quick, overrides, front)
    result = {
        "machine": machine(),
        "command": " ".join(["benchmarks/speech_bench.py", *(argv or sys.argv[1:])]),
        "front": {
            "endpoint": asdict(front.endpoint),
            "denoise": front.denoise,
            "grammar": front.grammar,
            "engine": front.engine,
            "vosk_model": front.vosk_model,
        },
        "min_similarity": matcher.min_similarity,
        "counts": {"cases": len(cases), "streams": len(jobs)},
        "groups": {
            f"{split}/{cond}": tally.rates() for (split, cond), tally in sorted(tallies.items())
        },
        "voices": voices,
        "offline_rtf": round(asr_s / audio_s, 3) if audio_s else None,
        "live": live,
        "seconds": {"recognition": round(recognised_s), "total": round(time.monotonic() - started)},
        "failures": {
            f"{split}/{cond}": tally.failures for (split, cond), tally in sorted(tallies.items())
        },
    }
    name = "speech_bench" + ("_quick" if args.quick else "") + (f"_{args.tag}" if args.tag else "")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    table = markdown(result)
    (RESULTS_DIR / f"{name}.md").write_text(table)
    print(table)
    print(f"written to {RESULTS_DIR / name}.md and .json in {result['seconds']['total']} s")
    return 0


def run_live(quick: bool, endpoint: dict[str, Any], front: Front) -> dict[str, Any] | None:
    """The real-time loop in its own process (for honest memory and CPU numbers)."""
    out = RESULTS_DIR / ".live.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(BENCH_DIR / "live_bench.py"),
        "--out",
        str(out),
        "--endpoint",
        json.dumps(endpoint),
        "--engine",
        front.engine,
        "--vosk-model",
        front.vosk_model,
    ]
    if quick:
        command += ["--utterances", "6", "--idle-seconds", "15"]
    print("real-time loop: latency, memory, idle CPU ...", flush=True)
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return None
    live: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return live


if __name__ == "__main__":
    raise SystemExit(main())
