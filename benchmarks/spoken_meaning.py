"""Spoken benchmark of understanding: paraphrases said over the pump, through the real pipeline.

    .venv/bin/python benchmarks/spoken_meaning.py            # a spread-out sample of both splits
    .venv/bin/python benchmarks/spoken_meaning.py --every 3  # a denser sample

Each paraphrase (content/sentences/paraphrases_*.yaml: commands, household talk, crisis and
red flags) is synthesised (tuned split: espeak-ng voices; held-out split: flite and festival
voices, never tuned on), mixed with pump noise at clean / 10 dB / 5 dB, cut by the assistant's
endpointer, heard by Moonshine with its grammar pass (held to the same sentences as in use,
free transcripts with a crisis or warning sign kept), and understood by the Understander.
Writes benchmarks/results/spoken_meaning.md and .json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.recognise import Front, recognise_all
from benchmarks.speech_set import HELDOUT_VOICES, TUNED_VOICES, Case, synthesise_missing
from benchmarks.understand_bench import HELDOUT, load_cases, verdict
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import cache_dir
from voice_helper.content import load_content
from voice_helper.listen.endpoint_settings import EndpointSettings
from voice_helper.understand.understander import Understander

TUNED_FILE = DEFAULT_CONTENT_DIR / "sentences" / "paraphrases_tuned.yaml"
CONDITIONS = ("clean", "10dB", "5dB")
RESULTS = ROOT / "benchmarks" / "results"


def spoken_cases(every: int) -> list[tuple[str, Any, Case]]:
    """(split, text case, audio case): every n-th sentence, each in one voice by turns."""
    out = []
    for split, path, voices in (
        ("tuned", TUNED_FILE, TUNED_VOICES),
        ("heldout", HELDOUT, HELDOUT_VOICES),
    ):
        for index, case in enumerate(load_cases(path)[::every]):
            voice = voices[index % len(voices)]
            out.append((split, case, Case(split, case.kind, case.text, voice.label)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=6, help="take every n-th sentence")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    content = load_content(DEFAULT_CONTENT_DIR)
    understander = Understander.from_content(content, cache_dir=cache_dir())
    cases = spoken_cases(args.every)
    synthesise_missing([(audio.text, audio.voice) for _, _, audio in cases])
    front = Front(EndpointSettings())
    jobs = [(audio, condition) for _, _, audio in cases for condition in CONDITIONS]
    heard = recognise_all(jobs, front, args.workers)
    from benchmarks.recognise import cache_key

    rows, details = [], []
    for split in ("tuned", "heldout"):
        for condition in ("text", *CONDITIONS):
            counts: Counter[str] = Counter()
            for case_split, case, audio in cases:
                if case_split != split:
                    continue
                text = (
                    case.text
                    if condition == "text"
                    else " ".join(heard[cache_key(audio, condition, front)]["texts"])
                )
                result = understander.match(text, context=case.context)
                v = verdict(case, result)
                group = (
                    "crisis"
                    if case.intent == "crisis"
                    else "red_flag"
                    if case.intent == "urgent_symptom"
                    else case.kind
                )
                counts[(group, v)] += 1
                if v not in ("exact", "ok"):
                    details.append(
                        {
                            "split": split,
                            "condition": condition,
                            "said": case.text,
                            "heard": text,
                            "want": case.intent or case.kind,
                            "verdict": v,
                            "voice": audio.voice,
                            "got": result.intent.to_json() if result.intent else None,
                        }
                    )
            rows.append((split, condition, counts))
    lines = [
        (
            "| split | condition | commands | exact | asked first | wrong | not understood | "
            "household acted on | crisis caught | calm taken as crisis | red flags caught | "
            "ordinary taken as red flag |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for split, condition, c in rows:
        commands = {v: c[("command", v)] for v in ("exact", "asked", "wrong", "none")}
        n = max(1, sum(commands.values()))
        rejects = c[("reject", "ok")] + c[("reject", "false")] + c[("reject", "asked")]
        crisis_n = sum(c[("crisis", v)] for v in ("exact", "asked", "wrong", "none"))
        flags_n = sum(c[("red_flag", v)] for v in ("exact", "asked", "wrong", "none"))
        calm_n = c[("not_crisis", "ok")] + c[("not_crisis", "false")]
        ordinary_n = c[("not_red_flag", "ok")] + c[("not_red_flag", "false")]
        lines.append(
            f"| {split} | {condition} | {n} | {commands['exact'] / n:.1%} | "
            f"{commands['asked'] / n:.1%} | {commands['wrong'] / n:.1%} | "
            f"{commands['none'] / n:.1%} | {c[('reject', 'false')] / max(1, rejects):.1%} | "
            f"{c[('crisis', 'exact')]}/{crisis_n} | "
            f"{c[('not_crisis', 'false')] / max(1, calm_n):.1%} | "
            f"{c[('red_flag', 'exact')]}/{flags_n} | "
            f"{c[('not_red_flag', 'false')] / max(1, ordinary_n):.1%} |"
        )
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"spoken_meaning{'_' + args.tag if args.tag else ''}"
    (RESULTS / f"{name}.md").write_text(table + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(details, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
