"""Calibrate the content check's speech-time estimate against real pyttsx3 (espeak-ng) WAVs.

Speaks every sentence the content can say (one WAV each, at the configured rate), fits
seconds = a * words + b * letters + c * commas + d * sentences by least squares, and prints
the fit and the worst under-estimates, so the constants in voice_helper/speech_time.py can be
checked or updated:

    .venv/bin/python benchmarks/speech_rate.py [--rate 160] [--out DIR]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.speak.tts import SpeechSynthesizer, VoiceSettings
from voice_helper.speech_time import estimate_seconds, features, speech_units
from voice_helper.yamlfile import load_yaml


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            s
            for key, v in value.items()
            if key not in ("source", "id", "when")
            for s in _strings(v)
        ]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def content_texts(directory: Path) -> list[str]:
    """Every spoken string in the content, whole and sentence by sentence, de-duplicated."""
    texts: list[str] = []
    for name in ("troubleshooting", "prompts", "breathing", "relaxation"):
        for text in _strings(load_yaml(directory / f"{name}.yaml")):
            text = " ".join(text.split())
            if "{" in text or len(text.split()) < 1:
                continue
            texts.append(text)
            texts += re.split(r"(?<=[.!?])\s+", text)
    return sorted({t for t in texts if t})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=160)
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT_DIR)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="speech-rate-"))
    texts = content_texts(args.content)
    units: list[int] = []
    seconds: list[float] = []
    with SpeechSynthesizer(VoiceSettings(rate=args.rate)) as tts:
        for index, text in enumerate(texts):
            clip = tts.synthesize(text, out / f"{index:03d}.wav")
            units.append(speech_units(text))
            seconds.append(clip.duration_s)
    counts = np.array([features(t) for t in texts], float)
    fit, *_ = np.linalg.lstsq(counts, np.array(seconds), rcond=None)
    print(
        f"{len(texts)} clips at {args.rate} wpm: seconds = {fit[0]:.3f} * words + "
        f"{fit[1]:.3f} * letters + {fit[2]:.3f} * commas + {fit[3]:.3f} * sentences; "
        f"{sum(units) / sum(seconds):.2f} words/s overall"
    )
    errors = [
        (estimate_seconds(t, args.rate) - s, t, s) for t, s in zip(texts, seconds, strict=True)
    ]
    errors.sort()
    print(
        f"estimate - real: min {errors[0][0]:+.2f} s, max {errors[-1][0]:+.2f} s, "
        f"mean {np.mean([e for e, _, _ in errors]):+.2f} s"
    )
    for error, text, real in errors[:5]:
        print(f"  under by {-error:.2f} s ({real:.2f} s real): {text[:70]!r}")


if __name__ == "__main__":
    main()
