"""Typed-text benchmark of understanding: safety rules, templates and the meaning layer.

    .venv/bin/python benchmarks/understand_bench.py                  # tuned (5-fold) and held-out
    .venv/bin/python benchmarks/understand_bench.py --split tuned    # cross-validated tuned only
    .venv/bin/python benchmarks/understand_bench.py --compare        # meaning-layer candidates

The tuned split is scored by 5-fold cross-validation (the meaning layer never sees the
sentence it is scored on); the held-out split with the model trained on all tuned data. It
writes benchmarks/results/understand_bench.md and .json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.understand.meaning import (
    Example,
    MeaningModel,
    corpus_examples,
    meaning_label,
    template_examples,
)
from voice_helper.understand.safety import SafetyDetector
from voice_helper.understand.understander import QUESTION, Understander
from voice_helper.words.normalize import normalize

SENTENCES = DEFAULT_CONTENT_DIR / "sentences"
TUNED = [
    SENTENCES / "paraphrases_tuned.yaml",
    SENTENCES / "paraphrases_train.yaml",
    SENTENCES / "paraphrases_safety.yaml",
]
HELDOUT = SENTENCES / "paraphrases_heldout.yaml"
RESULTS = ROOT / "benchmarks" / "results"
ANSWERS = {"yes", "no", "next", "back"}
"""Intents only acted on inside a conversation: scored with a yes/no question open."""


@dataclass(frozen=True)
class Case:
    """One sentence to understand and what it should do."""

    text: str
    kind: str
    """"command", "reject", "not_crisis" or "not_red_flag"."""
    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    context: str | None = None


def load_cases(path: Path) -> list[Case]:
    """Every scored sentence of a paraphrase file."""
    data = yaml.safe_load(path.read_text())
    cases = []
    for group in data.get("tests", []):
        context = QUESTION if group["intent"] in ANSWERS else None
        cases += [
            Case(str(t), "command", group["intent"], group.get("slots") or {}, context)
            for t in group["sentences"]
        ]
    for group in data.get("context_tests", []):
        cases += [
            Case(str(t), "command", group["intent"], {}, QUESTION) for t in group["sentences"]
        ]
    for key in ("rejects", "not_crisis", "not_red_flag"):
        cases += [Case(str(t), "reject" if key == "rejects" else key) for t in data.get(key, [])]
    return cases


def verdict(case: Case, understanding: Any) -> str:
    """exact / asked / wrong / none for a command; false / asked / ok for the others."""
    intent = understanding.intent
    if intent is not None and case.context is None and intent.name in ANSWERS:
        intent = None  # a bare yes with no question open is ignored
    if case.kind != "command":
        if intent is None:
            return "ok"
        if case.kind == "not_crisis":
            return "false" if intent.name == "crisis" else "ok"
        if case.kind == "not_red_flag":
            return "false" if intent.name == "urgent_symptom" else "ok"
        return "asked" if understanding.doubtful else "false"
    if intent is None:
        return "none"
    slots = {k: v for k, v in intent.slots.items() if k not in ("group", "symptom")}
    right = intent.name == case.intent and slots == case.slots
    if case.intent in ("crisis", "urgent_symptom"):
        right = intent.name == case.intent
    if understanding.doubtful or understanding.missing:
        return "asked" if intent.name == case.intent else "none"
    return "exact" if right else "wrong"


def score(cases: list[Case], results: list[Any]) -> dict[str, Any]:
    """Rates per group of cases."""
    table: dict[str, Any] = {}
    commands = [(c, r) for c, r in zip(cases, results) if c.kind == "command"]
    counts = Counter(verdict(c, r) for c, r in commands)
    n = max(1, len(commands))
    table["commands"] = {
        "n": len(commands),
        **{k: counts[k] / n for k in ("exact", "asked", "wrong", "none")},
    }
    for kind in ("crisis", "urgent_symptom"):
        group = [(c, r) for c, r in commands if c.intent == kind]
        caught = sum(verdict(c, r) == "exact" for c, r in group)
        table[kind] = {"n": len(group), "caught": caught}
    for kind in ("reject", "not_crisis", "not_red_flag"):
        group = [(c, r) for c, r in zip(cases, results) if c.kind == kind]
        verdicts = Counter(verdict(c, r) for c, r in group)
        table[kind] = {
            "n": len(group),
            "false": verdicts["false"] / max(1, len(group)),
            "asked": verdicts["asked"] / max(1, len(group)),
        }
    return table


def failures(cases: list[Case], results: list[Any]) -> list[dict[str, Any]]:
    """Every case not right, with what it became."""
    out = []
    for case, result in zip(cases, results):
        v = verdict(case, result)
        if v not in ("exact", "ok"):
            out.append(
                {
                    "text": case.text,
                    "want": case.intent or case.kind,
                    "verdict": v,
                    "got": result.intent.to_json() if result.intent else None,
                    "source": result.source,
                    "score": round(result.score, 3),
                }
            )
    return out


def said(case: Case, as_heard: bool) -> str:
    """The sentence as typed, or as the live loop hands it over (lower case, words only)."""
    return " ".join(normalize(case.text)) if as_heard else case.text


def understand_all(
    understander: Understander, cases: list[Case], as_heard: bool = False
) -> tuple[list[Any], float]:
    """Results and the mean time per sentence in ms."""
    started = time.perf_counter()
    results = [understander.match(said(c, as_heard), context=c.context) for c in cases]
    return results, (time.perf_counter() - started) * 1000 / max(1, len(cases))


def cross_validated(
    content: Any,
    paths: list[Path],
    folds: int = 5,
    rules: bool = True,
    features: str = "both",
    as_heard: bool = False,
    **thresholds: float,
) -> tuple[list[Case], list[Any]]:
    """Each tuned-split sentence understood by a model trained without it."""
    scored = load_cases(paths[0])
    rest = [e for p in paths[1:] if p.exists() for e in corpus_examples(p)]
    order = list(range(len(scored)))
    random.Random(1).shuffle(order)
    results: list[Any] = [None] * len(scored)
    base = template_examples(content.templates) + rest
    detector = SafetyDetector(content.safety) if rules else None
    for fold in range(folds):
        test = {i for k, i in enumerate(order) if k % folds == fold}
        train = [_example(scored[i]) for i in order if i not in test]
        model = MeaningModel.train(base + [e for e in train if e is not None], features)
        understander = Understander(content.templates, detector, model, **thresholds)
        for i in test:
            results[i] = understander.match(said(scored[i], as_heard), context=scored[i].context)
    return scored, results


def _example(case: Case) -> Example | None:
    if case.kind == "reject":
        return Example(case.text, "none")
    if case.kind != "command":
        return None
    return Example(case.text, meaning_label(case.intent, case.slots))


def _row(name: str, table: dict[str, Any], ms: float | None) -> str:
    c = table["commands"]
    crisis, flags = table["crisis"], table["urgent_symptom"]
    time_text = f"{ms:.2f}" if ms is not None else "-"
    return (
        f"| {name} | {c['n']} | {c['exact']:.1%} | {c['asked']:.1%} | {c['wrong']:.1%} | "
        f"{c['none']:.1%} | {table['reject']['false']:.1%} ({table['reject']['asked']:.1%}) | "
        f"{crisis['caught']}/{crisis['n']} | {table['not_crisis']['false']:.1%} | "
        f"{flags['caught']}/{flags['n']} | {table['not_red_flag']['false']:.1%} | {time_text} |"
    )


HEADER = (
    "| split | commands | exact | asked first | wrong | not understood | household acted on "
    "(asked) | crisis caught | calm taken as crisis | red flags caught | "
    "ordinary taken as red flag | ms/sentence |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    "---:|---:|---:|---:|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuned", "heldout", "both"), default="both")
    parser.add_argument("--act", type=float, default=None)
    parser.add_argument("--ask", type=float, default=None)
    parser.add_argument("--show", action="store_true", help="print failures (tuned split only)")
    parser.add_argument("--tag", default="")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="the meaning layer's candidates side by side (tuned split, 5-fold)",
    )
    parser.add_argument(
        "--no-rules",
        action="store_true",
        help="without the safety rules: what the model's safety net alone catches",
    )
    parser.add_argument(
        "--as-heard",
        action="store_true",
        help="hand each sentence over as the live loop does: lower case, words only",
    )
    args = parser.parse_args()
    content = load_content(DEFAULT_CONTENT_DIR)
    thresholds = {
        k: v
        for k, v in (("act_probability", args.act), ("ask_probability", args.ask))
        if v is not None
    }
    rows, report = [], {}
    if args.compare:
        for name, features, model in (
            ("templates only (no meaning layer)", "both", False),
            ("word + letter n-grams", "ngrams", True),
            ("WordLlama embedding", "embedding", True),
            ("both (kept)", "both", True),
        ):
            if model:
                cases, results = cross_validated(content, TUNED, features=features, **thresholds)
            else:
                plain = Understander(content.templates, SafetyDetector(content.safety), None)
                cases = load_cases(TUNED[0])
                results = [plain.match(c.text, context=c.context) for c in cases]
            rows.append(_row(f"tuned (5-fold), {name}", score(cases, results), None))
            print(rows[-1], flush=True)
        args.split = "none"
    if args.split in ("tuned", "both"):
        cases, results = cross_validated(
            content, TUNED, rules=not args.no_rules, as_heard=args.as_heard, **thresholds
        )
        table = score(cases, results)
        rows.append(_row("tuned (5-fold)", table, None))
        report["tuned"] = {"table": table, "failures": failures(cases, results)}
        if args.show:
            for f in report["tuned"]["failures"]:
                print(json.dumps(f))
    if args.split in ("heldout", "both"):
        understander = Understander.from_content(content, cache_dir=None)
        for key, value in thresholds.items():
            setattr(understander, key, value)
        cases = load_cases(HELDOUT)
        results, ms = understand_all(understander, cases, args.as_heard)
        table = score(cases, results)
        rows.append(_row("held-out", table, ms))
        report["heldout"] = {"table": table, "failures": failures(cases, results)}
    print(HEADER)
    print("\n".join(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"understand_bench{'_' + args.tag if args.tag else ''}"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1))
    (RESULTS / f"{name}.md").write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
