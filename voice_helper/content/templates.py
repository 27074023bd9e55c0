"""Intent templates from content/intents.yaml, expanded into token sentences."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, cast

from voice_helper.content.expression import SlotRef, TemplateSyntaxError, expand
from voice_helper.intent import INTENT_NAMES
from voice_helper.words.normalize import normalize
from voice_helper.yamlfile import Checker, Field, LineList

DURATION = "<duration>"
"""Token standing for any spoken duration in a sentence."""
NUMBER = "<number>"
"""Token standing for a bare spoken number ("snooze ten")."""

_FUNCTION_WORDS = frozenset({"the", "a", "an", "my", "of", "to", "i", "it", "is", "am", "not"})

_GROUP_SCHEMA = {"sentences": Field(list, items=str), "slots": Field(dict, required=False)}


@dataclass(frozen=True)
class Sentence:
    """One expanded sentence: tokens (with DURATION/NUMBER placeholders) -> intent."""

    tokens: tuple[str, ...]
    intent: str
    slots: tuple[tuple[str, Any], ...] = ()
    """Fixed slot values, e.g. (("cause", "stress"),)."""
    number_slots: tuple[str, ...] = ()
    """Slot names of the placeholders in the order they appear."""
    value_tokens: frozenset[str] = frozenset()
    """Words that name a slot value ("stress", "flange"): a near match must still say them."""


@dataclass
class IntentTemplates:
    """Every sentence of every intent, plus what grammars need to know."""

    sentences: list[Sentence] = field(default_factory=list)
    duration_slots: dict[str, bool] = field(default_factory=dict)
    """Duration slot name -> whether a bare number is accepted."""
    number_only_slots: set[str] = field(default_factory=set)
    """Slots that take a bare number and never a duration (`duration: false`: an amount)."""

    def for_intents(self, allowed: set[str] | None) -> list[Sentence]:
        """Sentences whose intent is allowed (all when allowed is None)."""
        if allowed is None:
            return self.sentences
        return [s for s in self.sentences if s.intent in allowed]


def parse_templates(
    raw: Any, cause_names: dict[str, tuple[str, ...]], checker: Checker
) -> IntentTemplates:
    """Check and expand intents.yaml; problems go to the checker."""
    schema = {"lists": Field(dict), "durations": Field(dict), "intents": Field(dict)}
    templates = IntentTemplates()
    if not checker.mapping(raw, schema, "", 1) or checker.problems:
        return templates
    lists: dict[str, dict[str, list[str]]] = {"cause": {k: list(v) for k, v in cause_names.items()}}
    for name, values in raw["lists"].items():
        line = raw["lists"].key_lines.get(name, raw["lists"].line)
        if not isinstance(values, dict) or not all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in values.values()
        ):
            checker.add(line, f"lists.{name}", "should map each value to a list of phrases")
            continue
        lists[name] = {k: list(v) for k, v in values.items()}
    for name, options in raw["durations"].items():
        bare = options.get("bare_number", False) if isinstance(options, dict) else False
        templates.duration_slots[name] = bool(bare)
        if isinstance(options, dict) and options.get("duration", True) is False:
            templates.number_only_slots.add(name)
    for intent, groups in raw["intents"].items():
        line = raw["intents"].key_lines.get(str(intent), raw["intents"].line)
        path = f"intents.{intent}"
        if intent not in INTENT_NAMES:
            checker.add(line, path, f"unknown intent (known: {', '.join(INTENT_NAMES)})")
            continue
        if not isinstance(groups, list) or not groups:
            checker.add(line, path, "should be a list of sentences")
            continue
        for index, group in enumerate(groups):
            item_line = cast(LineList, groups).item_lines[index]
            if isinstance(group, str):
                group_sentences, fixed = [group], {}
            elif isinstance(group, dict):
                before = len(checker.problems)
                checker.mapping(group, _GROUP_SCHEMA, f"{path}[{index}]", item_line)
                if len(checker.problems) > before:
                    continue
                group_sentences, fixed = list(group["sentences"]), dict(group.get("slots") or {})
            else:
                checker.add(
                    item_line,
                    f"{path}[{index}]",
                    "should be a sentence, or a mapping with sentences and slots",
                )
                continue
            if intent == "ask_cause" and "cause" in fixed and fixed["cause"] not in cause_names:
                checker.add(
                    item_line,
                    f"{path}[{index}].slots.cause",
                    f"unknown cause id {fixed['cause']!r}",
                )
            for template in group_sentences:
                try:
                    templates.sentences += _expand_template(
                        template,
                        intent,
                        fixed,
                        lists,
                        templates.duration_slots,
                        templates.number_only_slots,
                    )
                except (TemplateSyntaxError, KeyError) as exc:
                    checker.add(item_line, f"{path}[{index}]", f"bad template: {exc}")
    return templates


def _expand_template(
    template: str,
    intent: str,
    fixed: dict[str, Any],
    lists: dict[str, dict[str, list[str]]],
    durations: dict[str, bool],
    number_only: set[str] | None = None,
) -> list[Sentence]:
    sentences = []
    for sequence in expand(template):
        choices: list[list[tuple[tuple[str, ...], dict[str, Any], tuple[str, ...], bool]]] = []
        for token in sequence:
            if isinstance(token, SlotRef):
                choices.append(_slot_choices(token.name, lists, durations, number_only or set()))
            else:
                choices.append([(tuple(normalize(token)), {}, (), False)])
        for combo in itertools.product(*choices):
            tokens = tuple(t for part in combo for t in part[0])
            slots = dict(fixed)
            number_slots: tuple[str, ...] = ()
            value_tokens: set[str] = set()
            for part in combo:
                slots.update(part[1])
                number_slots += part[2]
                if part[3]:
                    value_tokens.update(t for t in part[0] if t not in _FUNCTION_WORDS)
            sentences.append(
                Sentence(
                    tokens,
                    intent,
                    tuple(sorted(slots.items())),
                    number_slots,
                    frozenset(value_tokens),
                )
            )
    return sentences


def _slot_choices(
    name: str,
    lists: dict[str, dict[str, list[str]]],
    durations: dict[str, bool],
    number_only: set[str],
) -> list:
    if name in number_only:
        return [((NUMBER,), {}, (name,), False)]
    if name in durations:
        options: list[tuple[tuple[str, ...], dict[str, Any], tuple[str, ...], bool]] = [
            ((DURATION,), {}, (name,), False)
        ]
        if durations[name]:
            options.append(((NUMBER,), {}, (name,), False))
        return options
    if name not in lists:
        raise KeyError(f"unknown slot {{{name}}}")
    return [
        (tuple(normalize(phrase)), {name: value}, (), True)
        for value, phrases in lists[name].items()
        for phrase in phrases
    ]
