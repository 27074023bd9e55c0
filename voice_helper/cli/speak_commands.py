"""The `say` subcommand: write speech for a text to a WAV file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from voice_helper.config import load_settings
from voice_helper.speak.tts import SpeechSynthesizer, VoiceSettings


def _rate(value: str) -> int:
    try:
        rate = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 60 <= rate <= 400:
        raise argparse.ArgumentTypeError(f"{rate} is outside 60..400 words per minute")
    return rate


def _volume(value: str) -> float:
    try:
        volume = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= volume <= 1.0:
        raise argparse.ArgumentTypeError(f"{volume} is outside 0..1")
    return volume


def register(subparsers: Any) -> None:
    """Add the `say` subcommand."""
    parser = subparsers.add_parser(
        "say",
        help="write speech for a text to a WAV file",
        description="Synthesise TEXT with the configured voice and write it to a WAV file.",
    )
    parser.add_argument("text", nargs="+", metavar="TEXT", help="what to say")
    parser.add_argument("--out", required=True, metavar="FILE.wav", help="WAV file to write")
    parser.add_argument("--rate", type=_rate, metavar="N", help="words per minute (60..400)")
    parser.add_argument("--voice", metavar="V", help="espeak-ng voice, e.g. en-us")
    parser.add_argument("--volume", type=_volume, metavar="X", help="volume 0..1")
    parser.set_defaults(func=_say)


def _say(args: argparse.Namespace) -> int:
    settings = load_settings(Path(args.config) if args.config else None)
    voice = VoiceSettings.from_settings(settings)
    with SpeechSynthesizer(voice) as synthesizer:
        clip = synthesizer.synthesize(
            " ".join(args.text),
            Path(args.out),
            rate=args.rate,
            volume=args.volume,
            voice=args.voice,
        )
    print(clip.path)
    return 0
