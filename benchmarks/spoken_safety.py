"""Spoken benchmark of safety triage: the safety corpora said over the pump, through Moonshine.

    .venv/bin/python benchmarks/spoken_safety.py               # every 6th sentence, both splits
    .venv/bin/python benchmarks/spoken_safety.py --every 3     # a denser sample

Each sentence of the safety corpora (tuned split: espeak-ng voices; held-out split: flite and
festival voices, never tuned on) is mixed with pump noise (clean and 10 dB), cut by the assistant's
endpointer, heard by Moonshine with its grammar pass (free transcripts with a safety phrase kept,
as in use), and triaged by the assistant's safety layer (rules and classifier) on what was heard.
Writes benchmarks/results/spoken_safety.md and .json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.recognise import Front, cache_key, recognise_all
from benchmarks.safety_bench import Outcome, _as_label, _markdown, summary
from benchmarks.speech_set import HELDOUT_VOICES, TUNED_VOICES, Case, synthesise_missing
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import cache_dir
from voice_helper.content import load_content
from voice_helper.listen.endpoint_settings import EndpointSettings
from voice_helper.understand.safety_model import route_examples, safety_files
from voice_helper.understand.understander import Understander

CONDITIONS = ("clean", "10dB")
RESULTS = ROOT / "benchmarks" / "results"


def spoken_cases(every: int, splits: tuple[str, ...]) -> list[tuple[str, str, Case]]:
    """(split, wanted label, audio case): every n-th sentence of each label, voices by turns."""
    out = []
    for split in splits:
        voices = TUNED_VOICES if split == "tuned" else HELDOUT_VOICES
        examples = [
            e for path in safety_files(DEFAULT_CONTENT_DIR, split) for e in route_examples(path)
        ]
        by_label: dict[str, list[str]] = {}
        for e in examples:
            by_label.setdefault(e.label, []).append(e.text)
        index = 0
        for label, texts in by_label.items():
            for text in texts[::every]:
                voice = voices[index % len(voices)]
                index += 1
                out.append((split, label, Case(split, "safety", text, voice.label)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=6, help="take every n-th sentence")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--splits", default="tuned,heldout")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    understander = Understander.from_content(load_content(DEFAULT_CONTENT_DIR), cache_dir())
    assert understander.safety is not None
    cases = spoken_cases(args.every, tuple(args.splits.split(",")))
    synthesise_missing([(audio.text, audio.voice) for _, _, audio in cases])
    front = Front(EndpointSettings())
    jobs = [(audio, condition) for _, _, audio in cases for condition in CONDITIONS]
    heard = recognise_all(jobs, front, args.workers)
    report, data = [], {}
    for split in args.splits.split(","):
        tables, wrong = {}, []
        for condition in ("text", *CONDITIONS):
            outcomes = []
            for case_split, label, audio in cases:
                if case_split != split:
                    continue
                text = (
                    audio.text
                    if condition == "text"
                    else " ".join(heard[cache_key(audio, condition, front)]["texts"])
                )
                got = _as_label(understander.safety.check(text))
                outcomes.append(Outcome(audio.text, label, got))
                if got != label:
                    wrong.append(
                        {
                            "condition": condition,
                            "said": audio.text,
                            "heard": text,
                            "want": label,
                            "got": got,
                            "voice": audio.voice,
                        }
                    )
            tables[condition] = summary(outcomes)
        report.append(_markdown(f"{split} (spoken, every {args.every}th sentence)", tables))
        data[split] = {"tables": tables, "wrong": wrong}
    text = "\n\n".join(report)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"spoken_safety{'_' + args.tag if args.tag else ''}"
    (RESULTS / f"{name}.md").write_text(text + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
