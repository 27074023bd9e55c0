"""How well the pumping log hears amounts: espeak-ng speech, real Moonshine held to the
dialogue's grammar, the real matcher. Prints exact / wrong / not understood per number list.

    .venv/bin/python benchmarks/amount_bench.py            # the grammar as shipped
    .venv/bin/python benchmarks/amount_bench.py --numbers old      # only the seven snooze numbers
    .venv/bin/python benchmarks/amount_bench.py --numbers no-teens # amounts without 13-19
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from voice_helper.intent import INTENT_NAMES
from voice_helper.listen import command_grammar as grammar
from voice_helper.listen.moonshine_engine import MoonshineEngine
from voice_helper.understand.matcher import IntentMatcher
from voice_helper.wavfile import load_wav_16k

VOICES = ("en-us", "en-gb", "en-us+f2")
ML = {"unit": "ml"}
# (what is said, asked "How much did you get?" first, intent, slots)
CASES = [
    ("I got sixty millilitres", False, "log_amount", {"amount": 60, **ML}),
    ("I got eighty millilitres", False, "log_amount", {"amount": 80, **ML}),
    ("I got fifteen millilitres", False, "log_amount", {"amount": 15, **ML}),
    ("I got a hundred and twenty millilitres", False, "log_amount", {"amount": 120, **ML}),
    ("about two ounces", False, "log_amount", {"amount": 2, "unit": "oz"}),
    ("I got three ounces", False, "log_amount", {"amount": 3, "unit": "oz"}),
    ("forty on the left and thirty on the right", False, "log_amount", {"left": 40, "right": 30}),
    ("nothing this time", False, "log_amount", {"amount": 0}),
    ("sixty", True, "answer_amount", {"amount": 60}),
    ("ninety", True, "answer_amount", {"amount": 90}),
    ("fifty", True, "answer_amount", {"amount": 50}),
    ("seventy", True, "answer_amount", {"amount": 70}),
    ("that's wrong, it was fifty", False, "correct_amount", {"amount": 50}),
    (
        "log a session at six this morning, eighty millilitres",
        False,
        "log_past_session",
        {"day_part": "am", "hour": 6, "amount": 80, **ML},
    ),
    ("how much did I pump today", False, "ask_log", {"period": "today", "question": "total"}),
    ("how many times did I pump today", False, "ask_log", {"period": "today", "question": "count"}),
    ("what's my average this week", False, "ask_log", {"period": "week", "question": "average"}),
    ("when was my biggest session", False, "ask_log", {"question": "biggest"}),
    ("snooze for ten minutes", False, "snooze", {"minutes": 10}),
]
TEENS = [
    (f"I got {word} millilitres", False, "log_amount", {"amount": n, **ML})
    for word, n in (
        ("thirteen", 13),
        ("fourteen", 14),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
    )
]
TEENS += [
    (word, True, "answer_amount", {"amount": n})
    for word, n in (("sixteen", 16), ("eighteen", 18), ("fourteen", 14))
]
_TEEN_WORDS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", choices=("shipped", "old", "no-teens"), default="shipped")
    args = parser.parse_args()
    if args.numbers == "old":
        grammar._LOG_NUMBERS = ()
    elif args.numbers == "no-teens":
        grammar._LOG_NUMBERS = tuple(w for w in grammar._LOG_NUMBERS if w not in _TEEN_WORDS)
    matcher = IntentMatcher.from_content()
    idle = set(INTENT_NAMES) - {"yes", "no", "next", "back", "answer_amount"}
    asked = idle | {"answer_amount"}
    grammars = {
        False: grammar.recognition_grammar(matcher.templates, idle, matcher.meaning),
        True: grammar.recognition_grammar(matcher.templates, asked, matcher.meaning),
    }
    engine = MoonshineEngine()
    folder = Path(tempfile.mkdtemp())
    for name, cases in (("commands", CASES), ("teens", TEENS)):
        counts = {"exact": 0, "wrong": 0, "not understood": 0}
        for voice in VOICES:
            for index, (text, asking, intent, slots) in enumerate(cases):
                path = folder / f"{name}-{voice}-{index}.wav"
                subprocess.run(
                    ["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text], check=True
                )
                engine.set_grammar(grammars[asking])
                heard = engine.transcribe(load_wav_16k(path)).text
                match = matcher.match(heard, asked if asking else idle).intent
                got = (match.name, match.slots) if match else None
                kind = (
                    "exact"
                    if got == (intent, slots)
                    else "not understood"
                    if got is None
                    else "wrong"
                )
                counts[kind] += 1
                if kind != "exact":
                    print(f"  {kind:>14}  {voice:<9} {text!r} -> {heard!r} {got or ''}")
        total = sum(counts.values())
        print(f"{args.numbers} {name}: " + ", ".join(f"{k} {v}/{total}" for k, v in counts.items()))
    engine.close()


if __name__ == "__main__":
    main()
