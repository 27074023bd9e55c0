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

from voice_helper import DEFAULT_CONTENT_DIR  # noqa: E402
from voice_helper.content.safety_phrases import EMERGENCY_ROUTES, ROUTE_IDS, load_safety  # noqa: E402
from voice_helper.understand.meaning import Example  # noqa: E402
from voice_helper.understand.safety import (  # noqa: E402
    CRISIS,
    UNSURE,
    URGENT,
    SafetyDetector,
    SafetyHit,
    combine,
    verdict,
)
from voice_helper.understand.safety_model import (  # noqa: E402
    CALM,
    TODAY_GROUPS,
    SafetyModel,
    calm_examples,
    route_examples,
    safety_files,
)
from voice_helper.words.normalize import normalize  # noqa: E402

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


def _score(
    detector: SafetyDetector, model: SafetyModel | None, examples: list[Example], design: str
) -> list[Outcome]:
    rules = [detector.rules(normalize(e.text)) for e in examples]
    probabilities: list[dict[str, float]] = [{} for _ in examples]
    if model is not None and design != "rules":
        probabilities = model.probabilities_many(
            [e.text for e in examples], [verdict(r) for r in rules]
        )
    outcomes = []
    for example, rule, probs in zip(examples, rules, probabilities):
        if design == "rules":
            hit = rule
        elif design == "classifier":
            hit = combine(None, probs)
        else:
            hit = combine(rule, probs)
        outcomes.append(Outcome(example.text, example.label, _as_label(hit)))
    return outcomes


def run(split: str, designs: tuple[str, ...]) -> dict[str, list[Outcome]]:
    """Score each design on a split (tuned: 5-fold cross-validation)."""
    safety = load_safety(DEFAULT_CONTENT_DIR / "safety.yaml")
    detector = SafetyDetector(safety)
    extra = calm_examples(DEFAULT_CONTENT_DIR)
    tuned = [e for path in safety_files(DEFAULT_CONTENT_DIR) for e in route_examples(path)]
    results: dict[str, list[Outcome]] = {d: [] for d in designs}

    def train(examples: list[Example]) -> SafetyModel:
        return SafetyModel.train(examples, detector.rule_label, detector.rule_labels())

    if split == "tuned":
        rng = random.Random(0)
        order = list(range(len(tuned)))
        rng.shuffle(order)
        for fold in range(FOLDS):
            held = {i for n, i in enumerate(order) if n % FOLDS == fold}
            model = train([e for i, e in enumerate(tuned) if i not in held] + extra)
            scored = [tuned[i] for i in sorted(held)]
            for design in designs:
                results[design] += _score(detector, model, scored, design)
    else:
        model = train(tuned + extra)
        heldout = [
            e for path in safety_files(DEFAULT_CONTENT_DIR, "heldout") for e in route_examples(path)
        ]
        for design in designs:
            results[design] = _score(detector, model, heldout, design)
    return results


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
        lines += ["", f"**{design}**", "", "| route | " + " | ".join(columns) + " |",
                  "|---" * (len(columns) + 1) + "|"]
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
    parser.add_argument("--designs", default="rules,classifier,both")
    parser.add_argument("--misses", action="store_true", help="print the wrong ones (tuned only)")
    parser.add_argument("--name", default="safety_bench")
    args = parser.parse_args()
    designs = tuple(args.designs.split(","))
    splits = ["tuned", "heldout"] if args.split == "both" else [args.split]
    report, data = [], {}
    for split in splits:
        results = run(split, designs)
        tables = {d: summary(o) for d, o in results.items()}
        report.append(_markdown(split, tables))
        data[split] = {
            "tables": tables,
            "wrong": {d: [o.__dict__ for o in out if o.got != o.want] for d, out in results.items()},
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
