"""The project's hand-written parts against the libraries the field uses for the same job.

    .venv/bin/pip install text2num jellyfish ruamel.yaml pywebrtc-audio pyaec webrtc-noise-gain
    .venv/bin/python benchmarks/library_compare.py [numbers phonetics yaml echo]

Each part is measured on the project's own data: the spoken-number cases of
tests/understand/test_numbers.py and the test sentences of content/sentences/intents.yaml;
Moonshine's real (misheard) transcripts kept in benchmarks/results/speech_bench_no_grammar.json;
the content YAML files and broken copies of them; a simulated echo of a spoken reply with the
parent's "be quiet" over it. Results go to stdout and benchmarks/results/library_compare.json.
None of these libraries is a dependency of voice-helper: the README's library table says why.
Noise suppression and gain (webrtc-noise-gain) is measured by the speech benchmark itself:
`benchmarks/speech_bench.py --quick --skip-live --denoise webrtc`.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.score import verdict
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.understand import matcher as matcher_module
from voice_helper.understand.matcher import IntentMatcher
from voice_helper.words import sounds
from voice_helper.words.numbers import parse_duration

RESULTS = ROOT / "benchmarks" / "results"


def _timed(function: Callable[[], Any], repeat: int = 3) -> tuple[Any, float]:
    """The result of function() and its best wall time in milliseconds."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best * 1000


def _sentence_cases(path: Path) -> list[SimpleNamespace]:
    """Test sentences as scoring cases: commands with intent and slots, then the rejects."""
    data = yaml.safe_load(path.read_text())
    cases = [
        SimpleNamespace(
            kind="command", text=text, intent=group["intent"], slots=group.get("slots", {})
        )
        for group in data["tests"]
        for text in group["sentences"]
    ]
    cases += [
        SimpleNamespace(kind="reject", text=text, intent=None, slots={})
        for text in data.get("rejects", [])
    ]
    return cases


def _misheard_cases() -> list[tuple[SimpleNamespace, list[str]]]:
    """Moonshine's free transcripts that the matcher of that run got wrong or missed."""
    report = json.loads((RESULTS / "speech_bench_no_grammar.json").read_text())
    cases = []
    for condition, failures in report["failures"].items():
        if condition.endswith("/text"):
            continue  # written sentences, not transcripts
        for failure in failures:
            expected = failure["expected"] or [None, {}]
            kind = "command" if failure["kind"] == "command" else "reject"
            case = SimpleNamespace(
                kind=kind, text=failure["said"], intent=expected[0], slots=expected[1]
            )
            cases.append((case, failure["heard"]))
    return cases


def _tally(
    matcher: IntentMatcher,
    cases: list[tuple[SimpleNamespace, list[str]]],
    rewrite: Callable[[str], str] = lambda text: text,
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for case, texts in cases:
        intents = [matcher.match(rewrite(text)).intent for text in texts]
        counts[verdict(case, intents)] += 1
    return dict(counts)


# --- spoken numbers -------------------------------------------------------------------------


def _number_test_cases() -> list[tuple[str, float]]:
    """The (text, minutes) cases of tests/understand/test_numbers.py, read from its source."""
    tree = ast.parse((ROOT / "tests" / "understand" / "test_numbers.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "test_spoken_duration_in_minutes":
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and len(decorator.args) == 2:
                    return [tuple(item) for item in ast.literal_eval(decorator.args[1])]
    raise SystemExit("test_spoken_duration_in_minutes not found")


def compare_numbers() -> dict[str, Any]:
    """Own parser vs text2num's alpha2digit (words to digits) in front of it."""
    from text_to_num import alpha2digit

    def with_text2num(text: str) -> str:
        return alpha2digit(text, "en")

    durations = _number_test_cases()

    def parse_all(rewrite: Callable[[str], str]) -> int:
        right = 0
        for text, minutes in durations:
            tokens = rewrite(text).lower().split()
            parsed = parse_duration(tokens, 0)
            right += parsed is not None and parsed == (minutes, len(tokens))
        return right

    own_right, own_ms = _timed(lambda: parse_all(lambda t: t))
    lib_right, lib_ms = _timed(lambda: parse_all(with_text2num))
    # Whole sentences: the matcher as it is, and with text2num rewriting the text first.
    matcher = IntentMatcher.from_content(DEFAULT_CONTENT_DIR)
    sentences = [
        (c, [c.text]) for c in _sentence_cases(DEFAULT_CONTENT_DIR / "sentences" / "intents.yaml")
    ]
    with_numbers = [
        (c, t)
        for c, t in sentences
        if any(k in c.slots for k in ("minutes", "every_minutes", "in_minutes"))
    ]
    misheard = _misheard_cases()
    text2num_changed = [
        (case.text, texts[0], with_text2num(texts[0]))
        for case, texts in misheard + sentences
        if texts and with_text2num(texts[0]) != texts[0]
    ]
    return {
        "duration_cases": len(durations),
        "own_durations_right": own_right,
        "text2num_durations_right": lib_right,
        "own_ms_all_durations": round(own_ms, 2),
        "text2num_ms_all_durations": round(lib_ms, 2),
        "sentences_with_numbers": len(with_numbers),
        "own_sentences_with_numbers": _tally(matcher, with_numbers),
        "text2num_sentences_with_numbers": _tally(matcher, with_numbers, with_text2num),
        "own_all_sentences": _tally(matcher, sentences),
        "text2num_all_sentences": _tally(matcher, sentences, with_text2num),
        "own_misheard": _tally(matcher, misheard),
        "text2num_misheard": _tally(matcher, misheard, with_text2num),
        "text2num_rewrites_examples": text2num_changed[:12],
        "text2num_misses": [
            (text, with_text2num(text))
            for text, minutes in durations
            if parse_duration(with_text2num(text).lower().split(), 0)
            != (minutes, len(with_text2num(text).split()))
        ],
    }


# --- sound-alike spelling -------------------------------------------------------------------


def _with_sound_key(key: Callable[[str], str]) -> IntentMatcher:
    """A matcher built with another sound-spelling function in place of sounds.sound_key."""

    def wrapped(word: str) -> str:
        return key(word.lower()) or word[:1] if word.isalpha() else word

    sounds.sound_key = wrapped  # type: ignore[assignment]
    matcher_module.sound_key = wrapped  # type: ignore[assignment]
    return IntentMatcher.from_content(DEFAULT_CONTENT_DIR)


def compare_phonetics() -> dict[str, Any]:
    """Own sound_key vs jellyfish's metaphone and NYSIIS, dropped into the matcher as they are."""
    import jellyfish

    own = sounds.sound_key
    keys: dict[str, Callable[[str], str]] = {
        "own sound_key": own,
        "jellyfish.metaphone": lambda w: jellyfish.metaphone(w).lower(),
        "jellyfish.nysiis": lambda w: jellyfish.nysiis(w).lower(),
        "no sound-spelling (plain letters)": lambda w: w,
    }
    sentences = [
        (c, [c.text]) for c in _sentence_cases(DEFAULT_CONTENT_DIR / "sentences" / "intents.yaml")
    ]
    heldout = [
        (c, [c.text]) for c in _sentence_cases(ROOT / "benchmarks" / "heldout_sentences.yaml")
    ]
    misheard = _misheard_cases()
    near_misses = [
        (
            SimpleNamespace(kind="command", intent="list_reminders", slots={}),
            ["When is my next remainder?"],
        ),
        (
            SimpleNamespace(kind="command", intent="snooze", slots={"minutes": 10}),
            ["sooze ten minutes"],
        ),
    ]
    words = sorted(
        {
            w.strip(".,?!").lower()
            for _, texts in misheard
            for t in texts
            for w in t.split()
            if w.strip(".,?!").isalpha()
        }
    )
    results: dict[str, Any] = {"misheard_transcripts": len(misheard), "words_timed": len(words)}
    try:
        for name, key in keys.items():
            matcher = _with_sound_key(key)
            _, ms = _timed(lambda key=key: [key(w) for w in words])
            results[name] = {
                "sentences": _tally(matcher, sentences),
                "heldout_text": _tally(matcher, heldout),
                "misheard": _tally(matcher, misheard),
                "test_misheard_near_misses": _tally(matcher, near_misses),
                "us_per_word": round(1000 * ms / len(words), 2),
                "examples": {
                    w: key(w)
                    for w in (
                        "snooze",
                        "sews",
                        "pump",
                        "come",
                        "valves",
                        "males",
                        "reminder",
                        "remainder",
                    )
                },
            }
    finally:
        sounds.sound_key = own  # type: ignore[assignment]
        matcher_module.sound_key = own  # type: ignore[assignment]
    return results


def compare_phonetics_speech(bench_args: tuple[str, ...] = ("--quick",)) -> dict[str, Any]:
    """The same keys on the speech benchmark (Moonshine with its grammar pass).

    The first run recognises every clip (about 2 minutes for --quick, 15 for the held-out
    split); the others re-score the cached transcripts, since only the matcher changes.
    """
    import jellyfish

    from benchmarks import speech_bench

    own = sounds.sound_key
    keys: dict[str, Callable[[str], str]] = {
        "own": own,
        "metaphone": lambda w: jellyfish.metaphone(w).lower(),
        "nysiis": lambda w: jellyfish.nysiis(w).lower(),
        "plain": lambda w: w,
    }
    results: dict[str, Any] = {}
    try:
        for name, key in keys.items():
            _with_sound_key(key)
            tag = f"libcmp_{name}"
            speech_bench.main([*bench_args, "--skip-live", "--tag", tag])
            stem = "speech_bench" + ("_quick" if "--quick" in bench_args else "") + f"_{tag}"
            report = json.loads((RESULTS / f"{stem}.json").read_text())
            results[name] = {
                group: {k: rates[k] for k in ("exact_pct", "wrong_pct", "false_action_pct")}
                for group, rates in report["groups"].items()
            }
            for suffix in ("json", "md"):
                (RESULTS / f"{stem}.{suffix}").unlink()
    finally:
        sounds.sound_key = own  # type: ignore[assignment]
        matcher_module.sound_key = own  # type: ignore[assignment]
    return results


# --- YAML positions -------------------------------------------------------------------------


def _own_lines(path: Path) -> dict[str, int]:
    from voice_helper.yamlfile import load_yaml

    found: dict[str, int] = {}

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                found[f"{where}.{key}"] = value.key_lines[str(key)]
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                found[f"{where}[{index}]"] = value.item_lines[index]
                walk(item, f"{where}[{index}]")

    walk(load_yaml(path), "")
    return found


def _ruamel_lines(path: Path) -> dict[str, int]:
    from ruamel.yaml import YAML

    found: dict[str, int] = {}

    def walk(value: Any, where: str) -> None:
        if hasattr(value, "lc") and isinstance(value, dict):
            for key, item in value.items():
                found[f"{where}.{key}"] = value.lc.key(key)[0] + 1
                walk(item, f"{where}.{key}")
        elif hasattr(value, "lc") and isinstance(value, list):
            for index, item in enumerate(value):
                found[f"{where}[{index}]"] = value.lc.item(index)[0] + 1
                walk(item, f"{where}[{index}]")

    walk(YAML(typ="rt").load(path.read_text()), "")
    return found


BROKEN = {
    "tab indent": "causes:\n  - id: a\n\tname: b\n",
    "duplicate key": "causes:\n  - id: a\n    id: b\n",
    "unclosed bracket": "intro: [one, two\nnext: x\n",
    "bad indentation": "causes:\n  - id: a\n   name: b\n",
    "unclosed quote": 'intro: "hello\nnext: x\n',
    "colon in plain text": "intro: a: b\n",
}
"""Broken YAML with the line a person would look at (1-based) for each."""
BROKEN_LINES = {
    "tab indent": 3,
    "duplicate key": 3,
    "unclosed bracket": 2,
    "bad indentation": 3,
    "unclosed quote": 1,
    "colon in plain text": 1,
}


def compare_yaml() -> dict[str, Any]:
    """Own line-tracking SafeLoader vs ruamel.yaml's round-trip loader."""
    import tempfile

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError as RuamelMarked

    from voice_helper.yamlfile import YamlProblems, load_yaml

    files = sorted(DEFAULT_CONTENT_DIR.rglob("*.yaml"))
    agree = total = 0
    disagreements: list[str] = []
    for path in files:
        own, lib = _own_lines(path), _ruamel_lines(path)
        for where, line in own.items():
            total += 1
            if lib.get(where) == line:
                agree += 1
            elif len(disagreements) < 5:
                disagreements.append(f"{path.name}{where}: own {line}, ruamel {lib.get(where)}")
    _, own_ms = _timed(lambda: [load_yaml(p) for p in files])
    _, lib_ms = _timed(lambda: [YAML(typ="rt").load(p.read_text()) for p in files])
    errors: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in BROKEN.items():
            path = Path(tmp) / "broken.yaml"
            path.write_text(text)
            try:
                load_yaml(path)
                own_line: int | None = None
            except YamlProblems as exc:
                own_line = exc.problems[0].line
            try:
                YAML(typ="rt").load(text)
                lib_line: int | None = None
            except RuamelMarked as exc:
                mark = exc.problem_mark or exc.context_mark
                lib_line = mark.line + 1 if mark else None
            except Exception as exc:  # noqa: BLE001 - any other complaint counts as no line
                lib_line = None
                _ = exc
            errors[name] = {"expected": BROKEN_LINES[name], "own": own_line, "ruamel": lib_line}
    return {
        "files": len(files),
        "positions_compared": total,
        "positions_equal": agree,
        "disagreements": disagreements,
        "own_ms_load_all": round(own_ms, 1),
        "ruamel_rt_ms_load_all": round(lib_ms, 1),
        "broken": errors,
        "own_right": sum(e["own"] == e["expected"] for e in errors.values()),
        "ruamel_right": sum(e["ruamel"] == e["expected"] for e in errors.values()),
    }


PARTS: dict[str, Callable[[], dict[str, Any]]] = {
    "numbers": compare_numbers,
    "phonetics": compare_phonetics,
    "phonetics_speech": compare_phonetics_speech,
    "phonetics_heldout": lambda: compare_phonetics_speech(("--split", "heldout")),
    "yaml": compare_yaml,
}


def main(argv: list[str]) -> int:
    """Run the parts named on the command line (all by default) and write the JSON."""
    names = argv or [*PARTS, "echo"]
    if "echo" in names:
        from benchmarks.echo_compare import compare_echo

        PARTS["echo"] = compare_echo
    out = RESULTS / "library_compare.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    for name in names:
        print(f"== {name}", flush=True)
        results[name] = PARTS[name]()
        print(json.dumps(results[name], indent=1, default=str), flush=True)
    results["python"] = sys.version.split()[0]
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
