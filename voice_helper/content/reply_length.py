"""How long replies may take to say, and the check that holds the content to it."""

from __future__ import annotations

from pathlib import Path

from voice_helper.content.cause import REMEDY_CHUNK, Cause
from voice_helper.speech_time import estimate_seconds
from voice_helper.yamlfile import Checker, Problem

INTRO_SECONDS = 4.0
"""Longest troubleshooting intro: the first question should start within about 4 s of speech."""
QUESTION_SECONDS = 8.0
"""Longest yes/no question: she answers over the pump, often before it ends."""
SPEECH_MARGIN_SECONDS = 0.6
"""Added to every estimate before it is held to a limit: the most the estimate fell short of a
real espeak-ng WAV on the 290 calibration sentences (voice_helper/speech_time.py); on whole
replies it fell short by up to 0.85 s, so a limit may be passed by about a quarter second."""
REPLY_SECONDS = 20.0
"""Longest single reply (a remedy chunk with its explanation or help line, a prompt); more
waits for "next". Estimated from the words (voice_helper/speech_time.py) at the default rate."""


def check_seconds(
    checker: Checker, text: str, limit: float, path: str, line: int, what: str
) -> None:
    """A problem when `text` takes longer than `limit` seconds to say (estimate + margin)."""
    seconds = estimate_seconds(text) + SPEECH_MARGIN_SECONDS
    if seconds > limit:
        checker.add(
            line,
            path,
            f"{what} takes about {seconds:.1f} s to say, more than "
            f"{limit:.0f} s; shorten it: {text[:50]!r}...",
        )


def _fill(template: str, **values: str) -> str:
    """The prompt with its placeholders filled, or as written when they do not fit."""
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def check_remedy_replies(
    path: Path, raw: dict, causes: tuple[Cause, ...], prompts: dict[str, str]
) -> list[Problem]:
    """Every remedy reply as the dialogue says it, held to REPLY_SECONDS of speech."""
    checker = Checker(path)
    for index, (cause, raw_cause) in enumerate(zip(causes, raw["causes"], strict=True)):
        # After the last steps: the offer of the other questions, or (asked directly) the end.
        after = max(
            (prompts["offer_continue"], _fill(prompts["end_of_remedy"], name=cause.name)),
            key=estimate_seconds,
        )
        chunks = cause.remedy_chunks()
        for number, steps in enumerate(chunks):
            parts = [cause.explanation] if number == 0 else []
            parts += steps
            last = number == len(chunks) - 1
            parts += [cause.professional_help, after] if last else [prompts["more_remedy"]]
            first = number * REMEDY_CHUNK
            line = raw_cause["remedy"].item_lines[first]
            check_seconds(
                checker,
                " ".join(parts),
                REPLY_SECONDS,
                f"causes[{index}].remedy[{first}:{first + len(steps)}]",
                line,
                f"remedy reply {number + 1} of {len(chunks)}",
            )
    names = ", ".join(sorted((c.name for c in causes), key=len)[-2:])
    summary = " ".join(
        (
            _fill(prompts["summary_found"], names=names),
            prompts["summary_help"],
            *raw["help_resources"],
        )
    )
    check_seconds(
        checker,
        summary,
        REPLY_SECONDS,
        "help_resources",
        raw["help_resources"].line,
        "the summary (summary_found with two causes, summary_help, help_resources)",
    )
    return checker.problems
