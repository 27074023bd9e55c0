"""Sentence templates: "(why|how come) [is] no milk {...}" expanded into every word sequence."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


class TemplateSyntaxError(ValueError):
    """A template has unbalanced brackets or an empty alternative."""


@dataclass(frozen=True)
class SlotRef:
    """A {name} placeholder inside a template."""

    name: str


Token = str | SlotRef


def expand(template: str) -> list[tuple[Token, ...]]:
    """Expand (a|b) alternatives and [optional] words into every token sequence."""
    parser = _Parser(template)
    result = parser.sequence(end=None)
    if parser.pos != len(template):
        raise TemplateSyntaxError(f"unexpected {template[parser.pos]!r} in {template!r}")
    unique = list(dict.fromkeys(tuple(t) for t in result))
    return [seq for seq in unique if seq]


class _Parser:
    """Recursive descent over the template text."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def sequence(self, end: str | None) -> list[list[Token]]:
        """Parse items up to `end`, '|' or the end; return the alternatives of this sequence."""
        parts: list[list[list[Token]]] = []
        word = ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "|)]":
                if char != "|" and char != end:
                    raise TemplateSyntaxError(f"unbalanced {char!r} in {self.text!r}")
                break
            self.pos += 1
            if char.isspace():
                if word:
                    parts.append([[word]])
                    word = ""
            elif char == "(":
                word = self._flush(word, parts)
                parts.append(self.group(")"))
            elif char == "[":
                word = self._flush(word, parts)
                parts.append(self.group("]") + [[]])
            elif char == "{":
                word = self._flush(word, parts)
                close = self.text.find("}", self.pos)
                if close < 0:
                    raise TemplateSyntaxError(f"unclosed '{{' in {self.text!r}")
                parts.append([[SlotRef(self.text[self.pos : close].strip())]])
                self.pos = close + 1
            else:
                word += char
        self._flush(word, parts)
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]

    def group(self, close: str) -> list[list[Token]]:
        """Parse alternatives up to the closing bracket."""
        options: list[list[Token]] = []
        while True:
            options.extend(self.sequence(end=close))
            if self.pos >= len(self.text):
                raise TemplateSyntaxError(f"missing {close!r} in {self.text!r}")
            char = self.text[self.pos]
            self.pos += 1
            if char == close:
                return options
            # char == "|": next alternative

    @staticmethod
    def _flush(word: str, parts: list[list[list[Token]]]) -> str:
        if word:
            parts.append([[word]])
        return ""
