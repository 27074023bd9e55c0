"""Whole troubleshooting conversations over the pump, replayed in real time through Assistant.run.

    .venv/bin/python benchmarks/conversation_bench.py [--quick] [--tag TAG]

Each scripted conversation (yes / no answers, an answer said over the end of a question,
"repeat", "back", a red-flag symptom mid-way, a reminder falling due mid-conversation, household
talk between turns) is spoken by one voice, mixed with the synthetic pump at clean / 10 dB / 5 dB,
and fed to the real assistant as a microphone: the parent waits for each reply to end (or starts
over its last second), so the stream is built while it plays. Scores every turn (acted on
correctly, wrong action, dropped) and the latency from the true end of her speech to the first
reply audio. Replies are "played" at --reply-speed times real time (3 by default; 1 is slowest),
her audio always in real time. Writes benchmarks/results/conversation_bench[_quick][_TAG].md/json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks.mix import FLOOR_DBFS, SPEECH_DBFS, active_frames, active_power, pump_noise
from benchmarks.speech_bench import machine
from benchmarks.speech_set import BENCH_DIR, clip_path, synthesise_missing
from voice_helper.listen.audio import SAMPLE_RATE, Frame, frames_from_samples, to_int16
from voice_helper.speak.sinks import Played, Sink
from voice_helper.speak.speech import Priority, Speech
from voice_helper.wavfile import load_wav_16k

RESULTS_DIR = BENCH_DIR / "results"
TUNED = ("espeak:en-us:slow", "espeak:en-us+f2:fast", "espeak:en-gb:fast")
HELDOUT = ("flite:slt:slow", "flite:awb:fast", "festival:kal_diphone:slow")
CONDITIONS = ("clean", "10dB", "5dB")
ANSWER_GAP_S = 0.6
"""She answers this long after a reply ends."""
OVERLAP_LEAD_S = 1.0
"""An overlapping answer starts this long before the reply ends."""
NO_REPLY_WAIT_S = 2.5
"""After an utterance that gets no reply (household talk), she goes on after this long."""
REMINDER = "Time to pump. It has been two and a half hours."


@dataclass(frozen=True)
class Step:
    """One thing she says, and what should come of it."""

    text: str
    expect: str | None
    """Intent that should be acted on; None: nothing should be (talk to someone else)."""
    overlap: bool = False
    """Said over the last second of the reply before it."""
    reminder: bool = False
    """A pump reminder falls due as she starts this line."""


CONVERSATIONS: dict[str, tuple[Step, ...]] = {
    "A": (
        Step("why is no milk coming out", "troubleshoot"),
        Step("no", "no", overlap=True),
        Step("can you hold the baby for a second", None),
        Step("no", "no"),
        Step("repeat", "repeat"),
        Step("yes", "yes"),
        Step("next", "next", reminder=True),
        Step("back", "back"),
        Step("I have a fever", "urgent_symptom"),
        Step("no", "no"),
        Step("yes", "yes", overlap=True),
        Step("stop", "stop"),
    ),
    "B": (
        Step("my milk isn't coming out", "troubleshoot"),
        Step("nope", "no"),
        Step("the baby is finally asleep", None),
        Step("yep", "yes", overlap=True),
        Step("say that again", "repeat"),
        Step("no", "no", reminder=True),
        Step("yes", "yes"),
        Step("go back", "back"),
        Step("my breast is red and hot", "urgent_symptom"),
        Step("no", "no", overlap=True),
        Step("no", "no"),
        Step("stop", "stop"),
    ),
}


class TimedSink(Sink):
    """Keeps nothing; is busy for the clip's duration over `speed`, and notes every clip."""

    def __init__(self, speed: float):
        self.speed = speed
        self.clips: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def play(self, clip: Any, kind: str, cancel: threading.Event, on_chunk: Any = None) -> Played:
        """Wait out the clip (cut on cancel) and note when it played."""
        entry = {
            "kind": kind,
            "text": clip.text,
            "start": time.monotonic(),
            "end": time.monotonic() + clip.duration_s / self.speed,
            "cut": False,
        }
        with self.lock:
            self.clips.append(entry)
        cut = cancel.wait(clip.duration_s / self.speed)
        entry["end"], entry["cut"] = time.monotonic(), cut
        return Played(file=None, cut=cut)

    def playing(self) -> dict[str, Any] | None:
        """The clip playing now, if any."""
        now = time.monotonic()
        with self.lock:
            return next(
                (c for c in reversed(self.clips) if c["start"] <= now < c["end"] and not c["cut"]),
                None,
            )


def speech_clip(text: str, voice: str) -> np.ndarray:
    """The voice saying the text, its silences trimmed, float32 16 kHz."""
    synthesise_missing([(text, voice)])
    speech = load_wav_16k(clip_path(text, voice)).astype(np.float64)
    mask = active_frames(speech)
    first, last = np.flatnonzero(mask)[[0, -1]]
    return speech[first * 480 : (last + 1) * 480]


class Stream:
    """The microphone: pump noise with her lines put in as the conversation goes."""

    def __init__(self, condition: str, seed: int, seconds: float = 240.0):
        self.rng = np.random.default_rng(seed)
        self.noise = self.rng.normal(0, 10 ** (FLOOR_DBFS / 20), int(seconds * SAMPLE_RATE))
        if condition != "clean":
            pump = pump_noise(seconds, -30.0, seed=seed).astype(np.float64)[: self.noise.size]
            target = 10 ** (SPEECH_DBFS / 10) / 10 ** (float(condition.removesuffix("dB")) / 10)
            self.noise[: pump.size] += pump * np.sqrt(target / float(np.mean(pump**2)))
        self.at = 0

    def frames(self, count: int, speech: np.ndarray | None = None) -> Iterator[Frame]:
        """`count` frames of noise (with speech from their start, if given)."""
        chunk = self.noise[self.at : self.at + count * 480].copy()
        if speech is not None:
            chunk[: speech.size] += speech
        start_s = self.at / SAMPLE_RATE
        self.at += count * 480
        yield from frames_from_samples(to_int16(np.clip(chunk, -1, 1)), start_s)

    @property
    def now_s(self) -> float:
        """Stream time of the next frame."""
        return self.at / SAMPLE_RATE


def her_lines(steps: tuple[Step, ...], voice: str, rng: np.random.Generator) -> list[np.ndarray]:
    """Each line at its own level (the speech level, +-3 dB)."""
    lines = []
    for step in steps:
        clip = speech_clip(step.text, voice)
        gain = 10 ** ((SPEECH_DBFS + rng.uniform(-3, 3)) / 20) / np.sqrt(active_power(clip))
        lines.append(clip * gain)
    return lines


def conversation_frames(
    steps: tuple[Step, ...],
    lines: list[np.ndarray],
    stream: Stream,
    sink: TimedSink,
    channel: Any,
    plan: list[dict[str, Any]],
) -> Iterator[Frame]:
    """Her side of the conversation, paced by what the assistant says (Assistant.run paces)."""
    started_wall = time.monotonic()
    yield from stream.frames(40)
    for step, line in zip(steps, lines):
        said_at = stream.now_s
        waited = 0.0
        idle_since: float | None = None
        while True:  # wait for her cue: the reply's end, or its last second
            # On the wall clock: when recognition holds the loop up, frames go in bursts.
            now = time.monotonic()
            playing = sink.playing()
            busy = playing is not None or channel.pending() or channel.speaking.is_set()
            if (
                step.overlap
                and playing is not None
                and playing["kind"] == "reply"
                and playing["end"] - now <= OVERLAP_LEAD_S
            ):
                break
            idle_since = None if busy else (now if idle_since is None else idle_since)
            idle_s = 0.0 if idle_since is None else now - idle_since
            if not step.overlap and waited > 1.2 and idle_s >= ANSWER_GAP_S:
                break
            if waited > NO_REPLY_WAIT_S + 1.2 and idle_s >= ANSWER_GAP_S:
                break  # nothing came: go on
            if waited > 90:
                break
            yield from stream.frames(1)
            waited = stream.now_s - said_at
        if step.reminder:
            channel.say(
                Speech(
                    REMINDER,
                    Priority.ANNOUNCEMENT,
                    "announcement",
                    {"due_at": time.strftime("%H:%M:%S")},
                )
            )
        start_s = stream.now_s
        frames = int(np.ceil(line.size / 480))
        end_s = start_s + line.size / SAMPLE_RATE
        said = {
            "text": step.text,
            "expect": step.expect,
            "overlap": step.overlap,
            "start_s": start_s,
            "end_s": end_s,
            "reply_playing": sink.playing() is not None,
        }
        plan.append(said)
        for index, frame in enumerate(stream.frames(frames, line)):
            if index == frames - 1:
                # Assistant.run pushes a frame when it is due, or at once when it runs late
                # (recognition holds it up): her speech ends for it at whichever is later.
                said["end_wall"] = max(time.monotonic(), started_wall + frame.end_s)
            yield frame
    yield from stream.frames(200)


def run_one(
    engine: Any, conversation: str, voice: str, condition: str, speed: float, seed: int
) -> dict[str, Any]:
    """Replay one conversation; return its plan, the assistant's events and the clips."""
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.assistant.build import build
    from voice_helper.config import Settings
    from voice_helper.content import load_content

    steps = CONVERSATIONS[conversation]
    rng = np.random.default_rng(seed)
    lines = her_lines(steps, voice, rng)
    sink = TimedSink(speed)
    with tempfile.TemporaryDirectory() as tmp:
        running = build(
            Settings(engine="moonshine"),
            load_content(DEFAULT_CONTENT_DIR),
            engine=engine,
            with_reminders=False,
            sink=sink,
            reminders_dir=Path(tmp),
        )
        # Replies to a sink the microphone cannot hear: whatever it hears over them is hers.
        running.assistant.over_reply.her_voice = None
        warm_up(running.assistant)
        plan: list[dict[str, Any]] = []
        origin = time.monotonic()
        frames = conversation_frames(
            steps, lines, Stream(condition, seed), sink, running.channel, plan
        )
        running.assistant.run(frames, realtime=True)
        running.close()
    events = running.assistant.transcript.events
    clips = [{**c, "start": c["start"] - origin, "end": c["end"] - origin} for c in sink.clips]
    for said in plan:
        said["end_wall"] = said.get("end_wall", origin + said["end_s"]) - origin
    return {
        "conversation": conversation,
        "voice": voice,
        "condition": condition,
        "plan": plan,
        "events": events,
        "clips": clips,
    }


def expected_intents(steps: tuple[Step, ...]) -> list[str | None]:
    """What each line should do, checked against the dialogue itself in text.

    A line the dialogue would not take at that point of the script (a "yes" once the
    questions are over) should be ignored, and is scored so.
    """
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.content import load_content
    from voice_helper.dialogue.manager import Dialogue
    from voice_helper.understand.matcher import IntentMatcher

    matcher = IntentMatcher.from_content()
    dialogue = Dialogue(load_content(DEFAULT_CONTENT_DIR))
    expected: list[str | None] = []
    for step in steps:
        intent = dialogue.accepted(matcher.match(step.text).intent)
        assert step.expect is None or intent is None or intent.name == step.expect, step
        expected.append(step.expect if intent is not None else None)
        dialogue.handle(intent)
    return expected


def warm_up(assistant: Any) -> None:
    """Compile the grammars of the idle and the questioning steps before the clock starts."""
    from voice_helper.intent import INTENT_NAMES

    for allowed in (assistant.turns.dialogue.expected_intents(), set(INTENT_NAMES)):
        assistant.recogniser.narrow(frozenset(allowed))
    assistant.recogniser.engine.transcribe(np.zeros(SAMPLE_RATE, np.int16))


def score_run(run: dict[str, Any]) -> list[dict[str, Any]]:
    """One verdict per line she said: correct / wrong / dropped, and the latency."""
    undone = [
        (e["undone"]["intent"], e["undone"]["speech_end_s"])
        for e in run["events"]
        if e["event"] == "continuation" and e.get("undone")
    ]
    # An early answer taken back when the sentence went on ("I have ... a fever") was not acted on.
    turns = [
        e
        for e in run["events"]
        if e["event"] == "turn" and (e["intent"], e["speech_end_s"]) not in undone
    ]
    plan = run["plan"]
    expected = expected_intents(CONVERSATIONS[run["conversation"]])
    verdicts = []
    for index, said in enumerate(plan):
        said["expect"] = expected[index]
        until = plan[index + 1]["start_s"] if index + 1 < len(plan) else float("inf")
        mine = [
            t
            for t in turns
            if said["start_s"] - 0.3 <= t["speech_end_s"] < min(until, said["end_s"] + 1.5)
        ]
        acted = [t for t in mine if t["intent"]]
        ignored = [
            e["heard"]
            for e in run["events"]
            if e["event"] == "over_reply_not_taken"
            and said["start_s"] - 0.5 <= e["start_s"] < said["end_s"]
        ]
        intent = acted[0]["intent"] if acted else None
        if said["expect"] is None:
            verdict = "correct" if intent is None else "wrong"
        elif intent == said["expect"]:
            verdict = "correct"
        elif intent is None:
            verdict = "dropped"
        else:
            verdict = "wrong"
        latency = None
        if verdict == "correct" and intent is not None:
            nxt = plan[index + 1]["end_wall"] if index + 1 < len(plan) else float("inf")
            reply = next(
                (
                    c
                    for c in run["clips"]
                    if c["kind"] in ("reply", "safety") and said["end_wall"] < c["start"] < nxt
                ),
                None,
            )
            if reply is not None:
                latency = round((reply["start"] - said["end_wall"]) * 1000)
        verdicts.append(
            {
                "text": said["text"],
                "expect": said["expect"],
                "acted": intent,
                "heard": [t["heard"] for t in mine] + [f"(over the reply) {h}" for h in ignored],
                "overlap": said["overlap"],
                "reply_playing": said["reply_playing"],
                "verdict": verdict,
                "latency_ms": latency,
                "yes_no": said["expect"] in ("yes", "no"),
            }
        )
    return verdicts


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rates and latency of a group of verdicts."""
    total = len(rows)
    count = {v: sum(r["verdict"] == v for r in rows) for v in ("correct", "wrong", "dropped")}
    latencies = [r["latency_ms"] for r in rows if r["latency_ms"] is not None]
    return {
        "turns": total,
        **{f"{k}_pct": round(100 * n / total, 1) if total else None for k, n in count.items()},
        "wrong_yes_no": sum(r["verdict"] == "wrong" and r["yes_no"] for r in rows),
        "overlap_correct": f"{sum(r['overlap'] and r['verdict'] == 'correct' for r in rows)}"
        f"/{sum(r['overlap'] for r in rows)}",
        "timed": len(latencies),
        "median_ms": round(float(np.median(latencies))) if latencies else None,
        "p95_ms": round(float(np.percentile(latencies, 95))) if latencies else None,
    }


def markdown(result: dict[str, Any]) -> str:
    """The results table."""
    lines = [
        "# Live conversation benchmark",
        "",
        (
            f"`{result['command']}`; {result['machine']['cpu']}, {result['machine']['cores']} cores, "
            f"load average {result['load_average']} (shared machine: timings are noisy); replies "
            f"paced at {result['reply_speed']}x, her speech in real time."
        ),
        "",
        (
            "| voices | condition | turns | acted on correctly | wrong | dropped | wrong yes/no "
            "| said over a reply: right | latency median | p95 (timed) |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in result["groups"].items():
        split, condition = key.split("/")
        lines.append(
            f"| {split} | {condition} | {s['turns']} | {s['correct_pct']}% | "
            f"{s['wrong_pct']}% | {s['dropped_pct']}% | {s['wrong_yes_no']} | "
            f"{s['overlap_correct']} | {s['median_ms']} ms | {s['p95_ms']} ms "
            f"({s['timed']}) |"
        )
    lines += ["", "## Turns not acted on correctly", ""]
    for run in result["runs"]:
        for v in run["verdicts"]:
            if v["verdict"] != "correct":
                lines.append(
                    f"- {run['voice']} {run['condition']} {run['conversation']}: "
                    f"said {v['text']!r} (expect {v['expect']}), heard {v['heard']}, "
                    f"acted {v['acted']} -> {v['verdict']}"
                    + (" [over the reply]" if v["overlap"] else "")
                )
    reminders = [r["reminders_spoken"] for r in result["runs"]]
    lines += [
        "",
        (
            f"Reminders falling due mid-conversation spoken: {sum(reminders)} of "
            f"{len(reminders) * 1}."
        ),
    ]
    return "\n".join(lines) + "\n"


def groups_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of each split and condition."""
    groups = {}
    for split in ("tuned", "heldout"):
        for condition in CONDITIONS:
            rows = [
                v
                for r in runs
                if r["split"] == split and r["condition"] == condition
                for v in r["verdicts"]
            ]
            if rows:
                groups[f"{split}/{condition}"] = summarise(rows)
    return groups


def rescore(path: Path) -> int:
    """Score the runs of a result file again (after a change to the scoring only)."""
    result = json.loads(path.read_text())
    for run in result["runs"]:
        if "events" in run:
            run["verdicts"] = score_run(run)
        else:  # written before events were kept: only the expectations can be checked again
            expected = expected_intents(CONVERSATIONS[run["conversation"]])
            for verdict, expect in zip(run["verdicts"], expected):
                if expect is None and verdict["expect"] is not None:
                    verdict["expect"], verdict["latency_ms"] = None, verdict["latency_ms"]
                    verdict["verdict"] = "correct" if verdict["acted"] is None else "wrong"
                    verdict["yes_no"] = False
    result["groups"] = groups_of(result["runs"])
    result["rescored"] = True
    path.write_text(json.dumps(result, indent=1) + "\n")
    table = markdown(result)
    path.with_suffix(".md").write_text(table)
    print(table)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the conversations and write the results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one voice of each kind, 10 dB")
    parser.add_argument("--reply-speed", type=float, default=3.0)
    parser.add_argument("--tag", default="")
    parser.add_argument("--rescore", type=Path, help="score a result file's runs again")
    args = parser.parse_args(argv)
    if args.rescore:
        return rescore(args.rescore)
    started = time.monotonic()
    from benchmarks.recognise import make_engine

    engine = make_engine("moonshine", "")
    jobs = []
    for split, voices in (("tuned", TUNED), ("heldout", HELDOUT)):
        chosen = voices[:1] if args.quick else voices
        conditions = ("10dB",) if args.quick else CONDITIONS
        for index, voice in enumerate(chosen):
            for condition in conditions:
                jobs.append((split, voice, condition, "AB"[index % 2]))
    load = [round(__import__("os").getloadavg()[0], 2)]
    runs = []
    for number, (split, voice, condition, conversation) in enumerate(jobs):
        run = run_one(engine, conversation, voice, condition, args.reply_speed, seed=number + 1)
        verdicts = score_run(run)
        run["split"], run["verdicts"] = split, verdicts
        run["reminders_spoken"] = sum(
            1 for c in run["clips"] if c["kind"] == "announcement" and not c["cut"]
        )
        runs.append(run)
        s = summarise(verdicts)
        print(
            f"{split} {voice} {condition} {conversation}: {s['correct_pct']}% correct, "
            f"wrong {s['wrong_pct']}%, median {s['median_ms']} ms "
            f"({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    load.append(round(__import__("os").getloadavg()[0], 2))
    groups = groups_of(runs)
    result = {
        "machine": machine(),
        "load_average": load,
        "reply_speed": args.reply_speed,
        "command": " ".join(["benchmarks/conversation_bench.py", *(argv or sys.argv[1:])]),
        "groups": groups,
        "seconds": round(time.monotonic() - started),
        "runs": runs,
    }
    name = (
        "conversation_bench"
        + ("_quick" if args.quick else "")
        + (f"_{args.tag}" if args.tag else "")
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    table = markdown(result)
    (RESULTS_DIR / f"{name}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
