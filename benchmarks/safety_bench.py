"""Typed-text benchmark of safety triage: every route taken, no idiom alarmed.

    .venv/bin/python benchmarks/safety_bench.py                 # tuned (5-fold) and held-out
    .venv/bin/python benchmarks/safety_bench.py --split tuned   # cross-validated tuned only

The corpora (content/sentences/safety_tuned_*.yaml and safety_heldout_*.yaml) were written by
people who never saw content/safety.yaml: per route, phrasings as people say them, and hard
negatives (`calm`). The held-out files were written by other writers and are never tuned on.
The tuned split is scored by 5-fold cross-validation (the classifier never sees the sentence it
is scored on); the held-out split with the classifier trained on all tuned data. Three designs
are scored: the rules alone, the classifier alone, and both (what the assistant runs).
Writes benchmarks/results/safety_bench.md and .json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.safety_phrases import EMERGENCY_ROUTES, ROUTE_IDS, load_safety
from voice_helper.understand.meaning import Example
from voice_helper.understand.safety import (
    CRISIS,
    DEFAULT_THRESHOLDS,
    UNSURE,
    URGENT,
    SafetyDetector,
    SafetyHit,
    Thresholds,
    combine,
    verdict,
)
from voice_helper.understand.safety_model import (
    CALM,
    TODAY_GROUPS,
    SafetyModel,
    command_examples,
    paraphrase_examples,
    route_examples,
    safety_files,
)
from voice_helper.words.normalize import normalize

SENTENCES = DEFAULT_CONTENT_DIR / "sentences"
RESULTS = ROOT / "benchmarks" / "results"
FOLDS = 5
LABELS = (*ROUTE_IDS, *TODAY_GROUPS, CALM)


@dataclass(frozen=True)
class Outcome:
    """How one sentence was triaged."""

    text: str
    want: str
    got: str
    """A route id, "baby_today"/"mother_today", "check" or "calm"."""


def _as_label(hit: SafetyHit | None) -> str:
    if hit is None:
        return CALM
    if hit.kind == CRISIS:
        return hit.route
    if hit.kind == UNSURE:
        return "check"
    assert hit.kind == URGENT
    return "baby_today" if hit.group == "baby" else "mother_today"


@dataclass(frozen=True)
class Record:
    """One sentence as the safety layer saw it: the rules' hit and the classifier's probabilities."""

    text: str
    want: str
    rule: SafetyHit | None
    probabilities: dict[str, float]


def decide(record: Record, design: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """The label a design gives a record: the rules alone, or rules and classifier (as in use)."""
    if design == "rules":
        return _as_label(record.rule)
    return _as_label(combine(record.rule, record.probabilities, thresholds))


def sweep(seen: list[Record]) -> None:
    """Print the trade-off of each threshold pair (tuned split only)."""
    print(
        "act  check today overrule | lowest route taken | routes taken | routes helped | calm alarmed | calm checked"
    )
    for act in (0.4, 0.5, 0.6):
        for check in (0.2, 0.3):
            for overrule in (0.5, 0.7, 0.8, 0.9, 0.95, 1.01):
                today = 0.5
                t = Thresholds(act, check, today, overrule)
                out = [(r.want, decide(r, "both", t)) for r in seen]
                routes = [(w, g) for w, g in out if w in ROUTE_IDS]
                calm = [g for w, g in out if w == CALM]
                per = [
                    sum(g == route for w, g in routes if w == route)
                    / max(1, sum(w == route for w, _ in routes))
                    for route in ROUTE_IDS
                ]
                taken = sum(w == g for w, g in routes) / len(routes)
                helped = sum(g in ROUTE_IDS or g == "check" for _, g in routes) / len(routes)
                alarmed = sum(g not in (CALM, "check") for g in calm) / len(calm)
                checked = sum(g == "check" for g in calm) / len(calm)
                print(
                    f"{act:.2f} {check:.2f} {today:.2f} {overrule:.2f} | {min(per):6.1%} | {taken:6.1%} | "
                    f"{helped:6.1%} | {alarmed:6.1%} | {checked:6.1%}"
                )


def _records(detector: SafetyDetector, model: SafetyModel, examples: list[Example]) -> list[Record]:
    rules = [detector.rules(normalize(e.text)) for e in examples]
    probabilities = model.probabilities_many(
        [e.text for e in examples], [verdict(r) for r in rules]
    )
    return [Record(e.text, e.label, r, p) for e, r, p in zip(examples, rules, probabilities)]


def _records_key(split: str) -> str:
    """What a split's records depend on: the corpora, the rules and the classifier's code."""
    import hashlib

    import voice_helper.content.safety_phrases as phrases
    import voice_helper.understand.safety_model as model_code

    digest = hashlib.sha1(split.encode())
    paths = [*sorted(SENTENCES.glob("*.yaml")), DEFAULT_CONTENT_DIR / "safety.yaml"]
    for path in [*paths, Path(model_code.__file__), Path(phrases.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def records(split: str) -> list[Record]:
    """Every sentence of a split, seen by the rules and a classifier that never learnt it
    (cached in benchmarks/.cache by what they depend on)."""
    import pickle

    cache = ROOT / "benchmarks" / ".cache" / f"safety_records_{split}_{_records_key(split)}.pickle"
    if cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)
    seen = _compute_records(split)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump(seen, handle)
    return seen


def _compute_records(split: str) -> list[Record]:
    safety = load_safety(DEFAULT_CONTENT_DIR / "safety.yaml")
    detector = SafetyDetector(safety)
    templates = load_content(DEFAULT_CONTENT_DIR).templates
    extra = paraphrase_examples(DEFAULT_CONTENT_DIR, detector.rule_label) + command_examples(
        templates
    )
    tuned = [e for path in safety_files(DEFAULT_CONTENT_DIR) for e in route_examples(path)]

    def train(examples: list[Example]) -> SafetyModel:
        return SafetyModel.train(examples, detector.rule_label, detector.rule_labels())

    if split == "heldout":
        heldout = [
            e for path in safety_files(DEFAULT_CONTENT_DIR, "heldout") for e in route_examples(path)
        ]
        return _records(detector, train(tuned + extra), heldout)
    rng = random.Random(0)
    order = list(range(len(tuned)))
    rng.shuffle(order)
    out: list[Record] = []
    for fold in range(FOLDS):
        held = {i for n, i in enumerate(order) if n % FOLDS == fold}
        model = train([e for i, e in enumerate(tuned) if i not in held] + extra)
        out += _records(detector, model, [tuned[i] for i in sorted(held)])
    return out


def run(split: str, designs: tuple[str, ...]) -> dict[str, list[Outcome]]:
    """Score each design on a split (tuned: 5-fold cross-validation)."""
    seen = records(split)
    return {d: [Outcome(r.text, r.want, decide(r, d)) for r in seen] for d in designs}


def summary(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    by_want: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_want[o.want].append(o)
    table = {}
    for want in LABELS:
        rows = by_want.get(want, [])
        if not rows:
            continue
        n = len(rows)
        got = Counter(o.got for o in rows)
        line = {"n": n, "taken": 100 * got[want] / n, "checked": 100 * got["check"] / n}
        if want == CALM:
            alarmed = n - got[CALM] - got["check"]
            line = {"n": n, "alarmed": 100 * alarmed / n, "checked": 100 * got["check"] / n}
        elif want in ROUTE_IDS:
            line["any route"] = 100 * sum(got[r] for r in ROUTE_IDS) / n
            line["missed"] = 100 * got[CALM] / n
        if want in EMERGENCY_ROUTES:
            line["emergency number"] = 100 * sum(got[r] for r in EMERGENCY_ROUTES) / n
        table[want] = line
    return table


def _markdown(split: str, tables: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [f"### {split}"]
    columns = ["n", "taken", "checked", "any route", "emergency number", "missed", "alarmed"]
    for design, table in tables.items():
        lines += [
            "",
            f"**{design}**",
            "",
            "| route | " + " | ".join(columns) + " |",
            "|---" * (len(columns) + 1) + "|",
        ]
        for want, line in table.items():
            cells = [
                "" if c not in line else f"{line[c]:.0f}" if c == "n" else f"{line[c]:.1f}%"
                for c in columns
            ]
            lines.append(f"| {want} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuned", "heldout", "both"), default="both")
    parser.add_argument("--designs", default="rules,both")
    parser.add_argument("--misses", action="store_true", help="print the wrong ones (tuned only)")
    parser.add_argument("--name", default="safety_bench")
    parser.add_argument("--sweep", action="store_true", help="threshold trade-offs (tuned)")
    args = parser.parse_args()
    if args.sweep:
        sweep(records("tuned"))
        return
    designs = tuple(args.designs.split(","))
    splits = ["tuned", "heldout"] if args.split == "both" else [args.split]
    report, data = [], {}
    for split in splits:
        results = run(split, designs)
        tables = {d: summary(o) for d, o in results.items()}
        report.append(_markdown(split, tables))
        data[split] = {
            "tables": tables,
            "wrong": {
                d: [o.__dict__ for o in out if o.got != o.want] for d, out in results.items()
            },
        }
        if args.misses and split == "tuned":
            for o in results[designs[-1]]:
                if o.got != o.want:
                    print(f"{o.want:>20} -> {o.got:<20} {o.text}")
    text = "\n\n".join(report)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(text + "\n")
    (RESULTS / f"{args.name}.json").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
