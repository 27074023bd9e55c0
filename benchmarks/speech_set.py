"""The spoken test set: sentences, voices and real recordings, synthesised once and cached."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.wavfile import load_wav_16k

BENCH_DIR = Path(__file__).resolve().parent
HELDOUT_FILE = BENCH_DIR / "heldout_sentences.yaml"
CACHE_DIR = BENCH_DIR / ".cache"
HUMAN_DIR = Path("/usr/share/pocketsphinx/test/data")
"""Real read speech from Debian's pocketsphinx-testdata (apt-get install pocketsphinx-testdata)."""

HOUSEHOLD = (
    # Said to a partner, the baby or the room, next to the pump. Never tuned to pass.
    "pass me the remote",
    "yes",
    "mm hmm",
    "can you hold the baby for a second",
    "did you remember to buy nappies",
    "I'm going to make a cup of tea, do you want one",
    "the baby is finally asleep",
    "where did you put the car keys",
    "dinner will be ready in twenty minutes",
    "no, I'll do it later",
    "can you check if the door is locked",
    "the washing machine has finished",
    "what time is your mother coming",
    "I love you",
    "okay, see you later",
    "thanks, that's lovely",
    "turn the volume down a bit",
    "the dog wants to go out",
    "we're out of milk, can you pick some up",
    "he looks just like you when he smiles",
    "it's been a long day",
    "the doctor said everything looks fine",
    # The television.
    "and now, the weather for the rest of the week",
    "after the break, more from our reporter in the studio",
    "he shoots, he scores, what a goal",
    "breaking news, the prime minister has resigned",
    # Reading a story aloud.
    "once upon a time there was a little bear who lived in the woods",
    "on monday he ate through one apple, but he was still hungry",
    "goodnight moon, goodnight room",
    "and they all lived happily ever after",
)


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker at one speaking rate."""

    engine: str
    """espeak, flite or festival."""
    name: str
    """The engine's voice name."""
    rate: str
    """slow or fast."""

    @property
    def label(self) -> str:
        """Short name for tables."""
        return f"{self.engine}:{self.name}:{self.rate}"


def voices(names: tuple[tuple[str, str], ...]) -> list[Voice]:
    """Each (engine, voice) at both speaking rates."""
    return [Voice(engine, name, rate) for engine, name in names for rate in ("slow", "fast")]


TUNED_VOICES = voices((("espeak", "en-us"), ("espeak", "en-gb"), ("espeak", "en-us+f2")))
"""Voices the levers may be tuned on."""
HELDOUT_VOICES = voices((("flite", "slt"), ("flite", "awb"), ("festival", "kal_diphone")))
"""Voices never tuned on: two other synthesisers, a female US, a Scottish and a US male voice."""

_ESPEAK_WPM = {"slow": 140, "fast": 185}
_STRETCH = {"slow": 1.2, "fast": 0.85}


@dataclass(frozen=True)
class Case:
    """One thing said: the words, who says them, and what should happen."""

    split: str
    """tuned or heldout."""
    kind: str
    """command, noncommand or human."""
    text: str
    voice: str
    """Voice label, or "human:<file>" for real recordings."""
    intent: str | None = None
    slots: tuple[tuple[str, Any], ...] = ()
    audio_key: str = field(default="", compare=False)
    """Cache key of the synthesised audio."""


def sentence_cases(path: Path) -> tuple[list[tuple[str, str, dict]], list[str]]:
    """(text, intent, slots) for every test sentence, and the rejects, from a sentences file."""
    raw = yaml.safe_load(path.read_text())
    tests = [
        (str(text), group["intent"], dict(group.get("slots") or {}))
        for group in raw["tests"]
        for text in group["sentences"]
    ]
    rejects = [str(text) for text in raw.get("rejects", []) if str(text).strip()]
    return _unique(tests), rejects


def _unique(tests: list[tuple[str, str, dict]]) -> list[tuple[str, str, dict]]:
    """Drop sentences that sound the same (differ only in case and punctuation)."""
    seen: set[str] = set()
    kept = []
    for test in tests:
        key = " ".join(test[0].lower().replace("?", "").replace(",", "").split())
        if key not in seen:
            seen.add(key)
            kept.append(test)
    return kept


def build_cases(quick: bool = False) -> list[Case]:
    """Every case of the benchmark; quick keeps a spread-out subset."""
    tuned, tuned_rejects = sentence_cases(DEFAULT_CONTENT_DIR / "sentences" / "intents.yaml")
    heldout, heldout_rejects = sentence_cases(HELDOUT_FILE)
    tuned_rejects = [text for text in tuned_rejects if text != "hmm"] + list(HOUSEHOLD)
    tuned_voices, heldout_voices = TUNED_VOICES, HELDOUT_VOICES
    if quick:
        tuned, heldout = tuned[::10], heldout[::5]
        tuned_rejects, heldout_rejects = tuned_rejects[::4], heldout_rejects[::3]
        tuned_voices, heldout_voices = tuned_voices[::3], heldout_voices[::3]
    cases: list[Case] = []
    for split, tests, rejects, split_voices in (
        ("tuned", tuned, tuned_rejects, tuned_voices),
        ("heldout", heldout, heldout_rejects, heldout_voices),
    ):
        # Held-out: every voice at both rates. Tuned (the bigger set): every voice at one rate,
        # alternating, which keeps the full run within its time budget.
        rotate = split == "tuned" and not quick
        for index, (text, intent, slots) in enumerate(tests):
            for voice in _voices_for(index, split_voices, rotate):
                cases.append(
                    Case(split, "command", text, voice.label, intent, tuple(sorted(slots.items())))
                )
        for index, text in enumerate(rejects):
            cases += [
                Case(split, "noncommand", text, voice.label)
                for voice in _voices_for(index, split_voices, rotate)
            ]
    human = human_speech()[:: 2 if quick else 1]
    cases += [Case("heldout", "human", text, f"human:{name}") for name, text in human]
    return cases


def _voices_for(index: int, split_voices: list[Voice], rotate: bool) -> list[Voice]:
    """All voices, or (rotate) each speaker once at the slow or the fast rate by turns."""
    if not rotate:
        return split_voices
    return [v for v in split_voices if (v.rate == "slow") == (index % 2 == 0)]


def human_speech() -> list[tuple[str, str]]:
    """(file, what is said) for the real recordings in pocketsphinx-testdata."""
    found = []
    for folder in ("cards", "librivox"):
        listing = (
            HUMAN_DIR / folder / ("cards.transcription" if folder == "cards" else "transcription")
        )
        if not listing.exists():
            continue
        for line in listing.read_text().splitlines():
            if "(" not in line:
                continue
            text = line.split("</s>")[0].replace("<s>", "").strip()
            name = line.rsplit("(", 1)[1].rstrip(")").strip()
            found.append((f"{folder}/{name}.wav", text))
    for name, text in (
        ("goforward.raw", "go forward ten meters"),
        ("numbers.raw", "thirty three four six ninety two"),
        ("something.raw", "go somewhere and do something"),
        ("tidigits/dhd.2934z.raw", "two nine three four zero"),
    ):
        if (HUMAN_DIR / name).exists():
            found.append((name, text))
    return found


def load_case_audio(case: Case) -> np.ndarray:
    """16 kHz float32 speech of a case, synthesised on first use and cached on disk."""
    if case.voice.startswith("human:"):
        path = HUMAN_DIR / case.voice.split(":", 1)[1]
        if path.suffix == ".raw":
            return np.fromfile(path, "<i2").astype(np.float32) / 32768.0
        return load_wav_16k(path).astype(np.float32)
    path = clip_path(case.text, case.voice)
    if not path.exists():
        synthesise_missing([(case.text, case.voice)])
    return load_wav_16k(path).astype(np.float32)


def clip_path(text: str, voice_label: str) -> Path:
    """Where the cached clip of `text` in `voice_label` lives."""
    digest = hashlib.sha1(f"{voice_label}\n{text}".encode()).hexdigest()[:16]
    return CACHE_DIR / "clips" / f"{digest}.wav"


def synthesise_missing(wanted: list[tuple[str, str]]) -> int:
    """Synthesise every (text, voice label) not yet cached; festival runs once per voice."""
    missing = sorted({(t, v) for t, v in wanted if not clip_path(t, v).exists()})
    (CACHE_DIR / "clips").mkdir(parents=True, exist_ok=True)
    festival: dict[str, list[str]] = {}
    for text, label in missing:
        engine, name, rate = label.split(":")
        out = clip_path(text, label)
        if engine == "espeak":
            subprocess.run(
                ["espeak-ng", "-v", name, "-s", str(_ESPEAK_WPM[rate]), "-w", str(out), text],
                check=True,
                capture_output=True,
            )
        elif engine == "flite":
            subprocess.run(
                [
                    "flite",
                    "-voice",
                    name,
                    "--setf",
                    f"duration_stretch={_STRETCH[rate]}",
                    "-t",
                    text,
                    "-o",
                    str(out),
                ],
                check=True,
                capture_output=True,
            )
        elif engine == "festival":
            festival.setdefault(label, []).append(text)
        else:
            raise ValueError(f"unknown speech engine {engine!r}")
    for label, texts in festival.items():
        _festival_batch(label, texts)
    return len(missing)


def _festival_batch(label: str, texts: list[str]) -> None:
    _, name, rate = label.split(":")
    lines = [f"(voice_{name})", f"(Parameter.set 'Duration_Stretch {_STRETCH[rate]})"]
    for text in texts:
        quoted = text.replace("\\", " ").replace('"', " ")
        lines.append(
            f'(utt.save.wave (utt.synth (Utterance Text "{quoted}")) '
            f'"{clip_path(text, label)}" \'riff)'
        )
    with tempfile.NamedTemporaryFile("w", suffix=".scm", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        subprocess.run(["festival", "-b", script.name], check=True, capture_output=True)
    finally:
        Path(script.name).unlink()
