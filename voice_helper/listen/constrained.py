"""Beam search of Moonshine's decoder held to a token grammar: the likeliest sentence it allows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice_helper.listen.moonshine_model import Decoded, MoonshineModel, select_rows
from voice_helper.listen.token_grammar import State, TokenGrammar


@dataclass
class _Hypothesis:
    tokens: list[int]
    log_prob: float
    states: frozenset[State]


def best_in_grammar(
    model: MoonshineModel, states: np.ndarray, grammar: TokenGrammar, limit: int, beam: int = 6
) -> list[Decoded]:
    """Grammar sentences the audio may say, likeliest first (none if none fits in `limit` tokens)."""
    log_probs, cache = model.start(states)
    hypotheses = [_Hypothesis([], 0.0, grammar.start())]
    finished: list[Decoded] = []
    best: Decoded | None = None
    for _ in range(limit + 1):
        candidates: list[tuple[float, int, int, frozenset[State]]] = []
        for row, hypothesis in enumerate(hypotheses):
            for token, next_states in grammar.allowed(hypothesis.states).items():
                score = hypothesis.log_prob + float(log_probs[row, token])
                if token == grammar.end_token:
                    finished.append(Decoded(hypothesis.tokens, score))
                    if best is None or score > best.log_prob:
                        best = finished[-1]
                else:
                    candidates.append((score, row, token, next_states))
        candidates.sort(key=lambda candidate: -candidate[0])
        candidates = candidates[:beam]
        if not candidates or (best is not None and candidates[0][0] <= best.log_prob):
            break
        hypotheses = [
            _Hypothesis(hypotheses[row].tokens + [token], score, next_states)
            for score, row, token, next_states in candidates
        ]
        rows = [row for _, row, _, _ in candidates]
        tokens = np.array([token for _, _, token, _ in candidates], dtype=np.int64)
        log_probs, cache = model.step(tokens, states, select_rows(cache, rows))
    return sorted(finished, key=lambda decoded: -decoded.log_prob)
