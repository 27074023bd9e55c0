"""A recognition grammar compiled to Moonshine tokens: the sentences it may hear, as a token graph."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from voice_helper.listen.engine import RecognitionGrammar
from voice_helper.listen.moonshine_model import END_TOKEN, MoonshineTokenizer
from voice_helper.words.numbers import parse_number

# How Moonshine spells what the templates write out ("i am" is usually heard as "I'm").
_CONTRACTED = {
    ("i", "am"): "I'm",
    ("it", "is"): "it's",
    ("what", "is"): "what's",
    ("that", "is"): "that's",
    ("is", "not"): "isn't",
    ("do", "not"): "don't",
    ("does", "not"): "doesn't",
    ("can", "not"): "can't",
    ("will", "not"): "won't",
    ("i", "have"): "I've",
    ("let", "us"): "let's",
    ("are", "not"): "aren't",
    ("did", "not"): "didn't",
    ("i", "will"): "I'll",
    ("there", "is"): "there's",
    ("have", "not"): "haven't",
}
_END_MARKS = (".", "?", "!")


@dataclass(eq=False)
class Node:
    """A point in the token graph."""

    children: dict[int, Node] = field(default_factory=dict)
    slots: list[tuple[str, Node]] = field(default_factory=list)
    """(slot grammar name, node to continue from once the slot is said)."""
    final: bool = False
    """A sentence (or a slot phrase) may end here."""
    boundary: bool = False
    """A word has just been completed here (a comma may follow)."""


State = tuple[Node, tuple[Node, ...]]
"""A node, and the nodes to return to when the slot phrases being said are complete."""


@dataclass
class TokenGrammar:
    """The token graph of a RecognitionGrammar, and the tokens that may end a sentence."""

    root: Node
    slot_roots: dict[str, Node]
    end_token: int
    end_marks: frozenset[int]
    comma: int
    ended: frozenset[State] = field(default_factory=lambda: frozenset({(Node(final=True), ())}))
    _moves: dict[frozenset[State], dict[int, frozenset[State]]] = field(
        default_factory=dict, init=False, repr=False
    )
    """allowed() by state set: the graph never changes, and every utterance starts at the root."""

    def start(self) -> frozenset[State]:
        """Where every sentence begins."""
        return self.close({(self.root, ())})

    def close(self, states: set[State]) -> frozenset[State]:
        """States plus those reachable without a token: into slots, and out of finished ones."""
        todo, seen = list(states), set(states)
        while todo:
            node, stack = todo.pop()
            reachable: list[State] = [
                (self.slot_roots[name], (after, *stack)) for name, after in node.slots
            ]
            if node.final and stack:
                reachable.append((stack[0], stack[1:]))
            for state in reachable:
                if state not in seen:
                    seen.add(state)
                    todo.append(state)
        return frozenset(seen)

    def allowed(self, states: frozenset[State]) -> dict[int, frozenset[State]]:
        """Each token that may come next, and the states it leads to."""
        moves = self._moves.get(states)
        if moves is None:
            moves = self._moves[states] = self._next(states)
        return moves

    def _next(self, states: frozenset[State]) -> dict[int, frozenset[State]]:
        if states == self.ended:
            return {self.end_token: frozenset()}
        moves: dict[int, set[State]] = {}
        for node, stack in states:
            for token, child in node.children.items():
                moves.setdefault(token, set()).add((child, stack))
            if node.boundary:
                moves.setdefault(self.comma, set()).add((node, stack))
        result = {token: self.close(targets) for token, targets in moves.items()}
        if self.can_end(states):
            result[self.end_token] = frozenset()
            for mark in self.end_marks:
                result[mark] = self.ended
        return result

    def may_continue(self, tokens: list[int]) -> bool:
        """Whether a longer sentence of the grammar starts with these tokens (marks ignored)."""
        states = self.start()
        marks = self.end_marks | {self.comma}
        for token in tokens:
            if token in marks:
                continue
            moves = self.allowed(states)
            if token not in moves:
                return False
            states = moves[token]
        return any(token not in marks and token != self.end_token for token in self.allowed(states))

    def can_end(self, states: frozenset[State]) -> bool:
        """A whole sentence has been said."""
        return any(node.final and not stack for node, stack in states)


def compile_grammar(grammar: RecognitionGrammar, tokenizer: MoonshineTokenizer) -> TokenGrammar:
    """Token graph of every sentence, with slot phrases shared between sentences."""
    encode = _WordEncoder(tokenizer)
    slots = grammar.slot_phrases
    slot_roots = {name: Node(boundary=True) for name in slots}
    for name, phrases in slots.items():
        for phrase in phrases:
            for spelling in _spellings(phrase.split(), capitalise=False) + [_in_digits(phrase)]:
                _insert(slot_roots[name], spelling, encode, slots)
    root = Node()
    for sentence in grammar.sentences:
        for spelling in _spellings(list(sentence), capitalise=True):
            _insert(root, spelling, encode, slots)
    marks = frozenset(tokenizer.piece_id(mark) for mark in _END_MARKS)
    return TokenGrammar(root, slot_roots, END_TOKEN, marks, tokenizer.piece_id(","))


class _WordEncoder:
    def __init__(self, tokenizer: MoonshineTokenizer):
        self._tokenizer = tokenizer
        self._cache: dict[str, tuple[int, ...]] = {}

    def __call__(self, word: str) -> tuple[int, ...]:
        if word not in self._cache:
            self._cache[word] = self._tokenizer.encode_word(word)
        return self._cache[word]


def _spellings(words: list[str], capitalise: bool) -> list[list[str]]:
    """The sentence as written, and with its contractions as Moonshine writes them."""
    options: list[list[list[str]]] = []
    index = 0
    while index < len(words):
        pair = tuple(words[index : index + 2])
        if pair in _CONTRACTED:
            options.append([list(pair), [_CONTRACTED[pair]]])
            index += 2
        else:
            options.append([[words[index]]])
            index += 1
    spellings = []
    for choice in itertools.islice(itertools.product(*options), 8):
        spelled = [word for part in choice for word in part]
        spelled = ["I" if word == "i" else word for word in spelled]
        if capitalise and spelled and not spelled[0].startswith("<"):
            spelled[0] = spelled[0][:1].upper() + spelled[0][1:]
        spellings.append(spelled)
    return spellings


def _in_digits(phrase: str) -> list[str]:
    """A slot phrase with its numbers in digits, as Moonshine often writes them ("10 minutes")."""
    words = phrase.split()
    spelled: list[str] = []
    index = 0
    while index < len(words):
        parsed = parse_number(words, index) if words[index] not in ("a", "an") else None
        if parsed is not None and parsed[0] == int(parsed[0]):
            spelled.append(str(int(parsed[0])))
            index = parsed[1]
        else:
            spelled.append(words[index])
            index += 1
    return spelled


def _insert(root: Node, words: list[str], encode: _WordEncoder, slots: dict) -> None:
    node = root
    for word in words:
        if word in slots:
            after = next((n for name, n in node.slots if name == word), None)
            if after is None:
                after = Node(boundary=True)
                node.slots.append((word, after))
            node = after
            continue
        for token in encode(word):
            node = node.children.setdefault(token, Node())
        node.boundary = True
    node.final = True
