"""How the grammar pass's acceptance rules were chosen: a sweep on the tuned split only.

`python benchmarks/grammar_sweep.py` decodes every tuned command and non-command at clean, 10 dB
and 5 dB once (free transcript plus the grammar pass's ranked sentences, cached in
benchmarks/.cache/grammar_sweep.jsonl), then scores each candidate rule set offline, as
speech_bench.py would. The held-out split is never decoded here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks.mix import mix, seed_for
from benchmarks.score import verdict
from benchmarks.speech_set import CACHE_DIR, Case, build_cases, load_case_audio
from voice_helper.listen.audio import frames_from_samples, to_float32
from voice_helper.listen.command_grammar import ANSWER_MEANINGS, recognition_grammar
from voice_helper.listen.constrained import best_in_grammar
from voice_helper.listen.endpoint import utterances
from voice_helper.listen.endpoint_settings import EndpointSettings
from voice_helper.listen.moonshine_engine import GrammarAcceptance, MoonshineEngine
from voice_helper.listen.moonshine_model import Decoded
from voice_helper.understand.matcher import IntentMatcher

SWEEP_CACHE = CACHE_DIR / "grammar_sweep.jsonl"
CONDITIONS = ("clean", "10dB", "5dB")
CANDIDATES = [
    GrammarAcceptance(),
    *[
        dataclasses.replace(
            GrammarAcceptance(), max_gap=gap, careful_max_gap=gap, careful_min_margin=2.0
        )
        for gap in (5.0, 6.0, 7.0, 8.0)
    ],
    *[dataclasses.replace(GrammarAcceptance(), max_gap=gap) for gap in (5.0, 6.0, 8.0)],
    *[
        dataclasses.replace(GrammarAcceptance(), careful_max_gap=gap, careful_min_margin=margin)
        for gap in (1.0, 2.0, 3.0, 4.0)
        for margin in (2.0, 3.0)
    ],
    dataclasses.replace(GrammarAcceptance(), min_length_ratio=0.0),
    dataclasses.replace(GrammarAcceptance(), min_length_ratio=0.7),
]
"""Rule sets to score; the decoding (beam, length bonus) is fixed by the cached n-best."""

_ENGINE: Any = None


def _init() -> None:
    global _ENGINE
    matcher = IntentMatcher.from_content()
    _ENGINE = MoonshineEngine()
    _ENGINE.set_grammar(recognition_grammar(matcher.templates, meaning=matcher.meaning))


def _decode(job: tuple[Case, str]) -> dict[str, Any]:
    case, condition = job
    model, grammar, rules = _ENGINE._model, _ENGINE._grammar, _ENGINE.acceptance
    mixed = mix(load_case_audio(case), condition, seed_for(case.voice, case.text, condition))
    pcm = (np.clip(mixed.samples, -1, 1) * 32767).astype(np.int16)
    heard = []
    for utterance in utterances(frames_from_samples(pcm), EndpointSettings()):
        audio = to_float32(utterance.samples)
        states = model.encode(audio)
        limit = model.max_tokens(audio.size / 16000)
        free = model.greedy(states, limit)
        ranked = best_in_grammar(model, states, grammar, limit, rules.beam, rules.length_bonus)
        heard.append(
            {
                "free": [free.tokens, free.log_prob],
                "ranked": [[d.tokens, d.log_prob] for d in ranked[:10]],
            }
        )
    return {"voice": case.voice, "text": case.text, "condition": condition, "heard": heard}


def decode_all(workers: int) -> list[dict[str, Any]]:
    """Free transcript and ranked grammar sentences of every tuned case (cached)."""
    if SWEEP_CACHE.exists():
        return [json.loads(line) for line in SWEEP_CACHE.read_text().splitlines()]
    jobs = [(c, cond) for c in build_cases() if c.split == "tuned" for cond in CONDITIONS]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
        records = pool.map(_decode, jobs, chunksize=8)
    SWEEP_CACHE.parent.mkdir(parents=True, exist_ok=True)
    SWEEP_CACHE.write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


def score_rules(
    records: list[dict[str, Any]], engine: MoonshineEngine, matcher: IntentMatcher
) -> dict[str, str]:
    """Exact and wrong-action rates per condition under the engine's acceptance rules."""
    decode = engine._model.tokenizer.decode
    cases = {(c.voice, c.text): c for c in build_cases() if c.split == "tuned"}
    tally: Counter[tuple[str, str]] = Counter()
    for record in records:
        case = cases[(record["voice"], record["text"])]
        texts = []
        for heard in record["heard"]:
            free = Decoded(*heard["free"])
            chosen = engine._accept(free, [Decoded(*r) for r in heard["ranked"]])
            texts.append(decode((chosen or free).tokens))
        result = verdict(case, [matcher.match(text).intent for text in texts])
        tally[(record["condition"], case.kind if case.kind == "command" else "other")] += 1
        tally[(record["condition"], result)] += 1
    return {
        cond: f"exact {100 * tally[(cond, 'exact')] / tally[(cond, 'command')]:.1f}% "
        f"wrong {100 * tally[(cond, 'wrong')] / tally[(cond, 'command')]:.1f}% "
        f"false {tally[(cond, 'false_action')]}/{tally[(cond, 'other')]}"
        for cond in CONDITIONS
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    records = decode_all(args.workers)
    matcher = IntentMatcher.from_content()
    engine = MoonshineEngine()
    engine.set_grammar(recognition_grammar(matcher.templates, meaning=matcher.meaning))
    assert engine._careful == ANSWER_MEANINGS
    for rules in CANDIDATES:
        engine.acceptance = rules  # the cached sentences were ranked with the default bonus
        changed = {
            f.name: getattr(rules, f.name)
            for f in dataclasses.fields(rules)
            if getattr(rules, f.name) != getattr(GrammarAcceptance(), f.name)
        }
        scores = score_rules(records, engine, matcher)
        label = ", ".join(f"{k}={v}" for k, v in changed.items()) or "chosen (defaults)"
        print(f"{label:55s} " + " | ".join(f"{c}: {s}" for c, s in scores.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
