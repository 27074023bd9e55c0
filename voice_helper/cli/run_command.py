"""The assistant's main job (`run`) and the spoken demo (`demo`)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from pathlib import Path
from typing import Any

from voice_helper.cli.text_commands import load_checked_content
from voice_helper.config import Settings, load_settings

_LOGGER = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add run and demo to the CLI."""
    run = sub.add_parser(
        "run", help="start the assistant: microphone in, speaker out, reminders on"
    )
    run.add_argument("--input", metavar="FILE.wav", help="replay a recording as the microphone")
    run.add_argument(
        "--raw-stdin",
        action="store_true",
        help="read raw 16 kHz mono 16-bit PCM from stdin as the microphone",
    )
    run.add_argument("--realtime", action="store_true", help="pace --input at real speed")
    run.add_argument(
        "--output",
        metavar="DIR",
        help="write replies as numbered WAVs and transcript.jsonl instead of playing",
    )
    run.add_argument("--device", help="microphone name or index (default: from the config)")
    run.add_argument("--engine", choices=("auto", "vosk", "moonshine"))
    run.add_argument("--model", metavar="DIR", help="vosk model directory")
    run.add_argument("--no-reminders", action="store_true", help="do not start the scheduler")
    run.set_defaults(func=run_assistant)

    demo = sub.add_parser("demo", help="a scripted spoken conversation, no audio hardware needed")
    demo.add_argument("--output", metavar="DIR", default="out/demo")
    demo.add_argument("--engine", choices=("auto", "vosk", "moonshine"))
    demo.set_defaults(func=run_demo)


def settings_for(args: argparse.Namespace) -> Settings:
    """Settings from the config file with command-line overrides applied."""
    settings = load_settings(Path(args.config) if args.config else None)
    if getattr(args, "engine", None):
        settings.engine = args.engine
    if getattr(args, "model", None):
        settings.model = args.model
    if getattr(args, "device", None):
        settings.input_device = args.device
    return settings


def _frames(
    args: argparse.Namespace, settings: Settings, stop: threading.Event
) -> tuple[Any, bool]:
    """The audio source: a file, raw stdin, or the microphone (reopened whenever it is lost)."""
    from voice_helper.assistant.microphone import reconnecting_frames
    from voice_helper.listen import audio

    if args.input:
        return audio.file_frames(Path(args.input)), False
    if args.raw_stdin:
        return audio.raw_frames(), False
    audio.Microphone(settings.input_device)  # fail now, with advice, if there is none at all
    frames = reconnecting_frames(lambda: audio.Microphone(settings.input_device), stop)
    return frames, True


def run_assistant(args: argparse.Namespace) -> int:
    """Listen, understand, answer and announce until the input ends or SIGTERM."""
    from voice_helper.assistant.build import build

    settings = settings_for(args)
    content = load_checked_content(args)
    output = Path(args.output) if args.output else None
    stop = threading.Event()
    frames, live = _frames(args, settings, stop)
    listening = threading.Event()

    def on_term(_signum: int, _frame: Any) -> None:
        stop.set()
        if listening.is_set():
            listening.clear()  # raised once only
            # Raised in the main thread, so even a blocking read of stdin or the microphone ends.
            raise Terminated
        # During start-up only note it: start-up finishes, then everything is closed in order.

    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread:
        signal.signal(signal.SIGTERM, on_term)
    running = None
    try:
        running = build(
            settings,
            content,
            output_dir=output,
            with_reminders=not args.no_reminders,
            paced_output=args.realtime,
            echo_cancel=live and output is None,
        )
        _LOGGER.info("speech engine: %s", running.engine_reason)
        listening.set()
        if not stop.is_set():
            running.assistant.run(frames, realtime=args.realtime or live)
    except Terminated:
        _LOGGER.info("SIGTERM: stopping")
        if running is not None:
            running.assistant.stop()
    finally:
        listening.clear()
        if main_thread:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one clean stop, not two
        stop.set()
        if running is not None:
            running.close()
    return 0


class Terminated(Exception):
    """SIGTERM arrived: stop cleanly."""


DEMO_LINES = (
    "why is no milk coming out",
    "no",
    "yes",
    "next",
    "stop",
    "I feel stressed",
    "I have a fever",
    "remind me to pump every two and a half hours",
    "when is my next reminder",
)
"""What the demo parent says, in order."""


def run_demo(args: argparse.Namespace) -> int:
    """Synthesise the parent's lines, then run them through the real pipeline into files."""
    from voice_helper.assistant.demo import make_recording

    settings = settings_for(args)
    content = load_checked_content(args)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    recording = make_recording(DEMO_LINES, output / "parent.wav")
    print(f"The parent's side of the conversation: {recording}")
    from voice_helper.assistant.build import build

    # The demo keeps its reminders in its own folder, away from the parent's real ones.
    running = build(
        settings, content, output_dir=output / "replies", reminders_dir=(output / "data").resolve()
    )
    try:
        from voice_helper.listen.audio import file_frames

        running.assistant.run(file_frames(recording), realtime=False)
    finally:
        running.close()
    for event in running.assistant.transcript.events:
        if event.get("event") != "turn":
            continue
        print(f"parent:    {event['heard']}")
        intent = event["intent"] or "(not a command)"
        print(f"           -> {intent} {json.dumps(event['slots']) if event['slots'] else ''}")
        if event["reply"]:
            print(f"assistant: {event['reply']}")
            print(f"           [{event['reply_file']}, {event['latency_ms']} ms after speech]")
    print(f"\nReplies and transcript.jsonl are in {output / 'replies'}")
    return 0
