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


def ranking(decoded: Decoded, length_bonus: float) -> float:
    """Log-probability plus a bonus per token, so short sentences do not win by being short."""
    return decoded.log_prob + length_bonus * len(decoded.tokens)


def best_in_grammar(
    model: MoonshineModel,
    states: np.ndarray,
    grammar: TokenGrammar,
    limit: int,
    beam: int = 8,
    length_bonus: float = 0.0,
    floor: float = -np.inf,
) -> list[Decoded]:
    """Grammar sentences the audio may say, best ranked first (none if none fits in `limit`).

    A hypothesis whose log-probability falls below `floor` is dropped: more tokens only lower
    it, so no sentence it leads to could be taken anyway.
    """
    log_probs, cache = model.start(states)
    hypotheses = [_Hypothesis([], 0.0, grammar.start())]
    finished: list[Decoded] = []
    best_rank = -np.inf
    for step in range(limit + 1):
        candidates: list[tuple[float, int, int, frozenset[State]]] = []
        for row, hypothesis in enumerate(hypotheses):
            for token, next_states in grammar.allowed(hypothesis.states).items():
                score = hypothesis.log_prob + float(log_probs[row, token])
                if token == grammar.end_token:
                    finished.append(Decoded(hypothesis.tokens, score))
                    best_rank = max(best_rank, ranking(finished[-1], length_bonus))
                elif score >= floor:
                    candidates.append((score, row, token, next_states))
        candidates = _recombined(candidates, hypotheses, grammar)[:beam]
        # Each token more can add at most the bonus: stop once no hypothesis can catch up.
        reachable = length_bonus * (limit + 1 - step)
        if not candidates or candidates[0][0] + length_bonus * (step + 1) + reachable <= best_rank:
            break
        hypotheses = [
            _Hypothesis(hypotheses[row].tokens + [token], score, next_states)
            for score, row, token, next_states in candidates
        ]
        rows = [row for _, row, _, _ in candidates]
        tokens = np.array([token for _, _, token, _ in candidates], dtype=np.int64)
        log_probs, cache = model.step(tokens, states, select_rows(cache, rows))
    return sorted(finished, key=lambda decoded: -ranking(decoded, length_bonus))


def _recombined(
    candidates: list[tuple[float, int, int, frozenset[State]]],
    hypotheses: list[_Hypothesis],
    grammar: TokenGrammar,
) -> list[tuple[float, int, int, frozenset[State]]]:
    """Best first, keeping one of each sentence that differs only in commas or end marks."""
    marks = grammar.end_marks | {grammar.comma}
    kept: dict[tuple, tuple[float, int, int, frozenset[State]]] = {}
    for candidate in sorted(candidates, key=lambda candidate: -candidate[0]):
        _, row, token, states = candidate
        words = tuple(t for t in (*hypotheses[row].tokens, token) if t not in marks)
        key = (words, states == grammar.ended)
        if key not in kept:
            kept[key] = candidate
    return list(kept.values())
