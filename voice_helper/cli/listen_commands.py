"""Listening subcommands: `models fetch | list | verify` and `hear FILE...`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from voice_helper import DEFAULT_CONTENT_DIR, MODELS_DIR
from voice_helper.config import load_settings
from voice_helper.errors import VoiceHelperError

_LOGGER = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `models` and `hear` to the CLI."""
    models = subparsers.add_parser("models", help="download, list and check speech models")
    actions = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")

    fetch = actions.add_parser("fetch", help="download, check and install a model")
    fetch.add_argument("name", nargs="?", help="model name (default: the first in the manifest)")
    fetch.add_argument("--url", help="download from here instead of the manifest's URL")
    fetch.add_argument("--sha256", metavar="HEX", help="expected SHA-256 of the archive")
    fetch.add_argument(
        "--insecure-skip-verify",
        action="store_true",
        help="install even when no SHA-256 is known (not recommended)",
    )
    fetch.add_argument("--force", action="store_true", help="replace an installed model")
    fetch.add_argument("--dest", metavar="DIR", help=f"models folder (default: {MODELS_DIR})")
    fetch.set_defaults(func=run_fetch)

    listing = actions.add_parser("list", help="show known and installed models")
    listing.add_argument("--dest", metavar="DIR", help=f"models folder (default: {MODELS_DIR})")
    listing.set_defaults(func=run_list)

    verify = actions.add_parser("verify", help="re-check installed model files")
    verify.add_argument("name", nargs="?", help="model name (default: every installed model)")
    verify.add_argument("--dest", metavar="DIR", help=f"models folder (default: {MODELS_DIR})")
    verify.set_defaults(func=run_verify)

    hear = subparsers.add_parser("hear", help="transcribe WAV files and print their intents")
    hear.add_argument("--json", action="store_true", help="one JSON object per file and line")
    hear.add_argument(
        "--engine",
        choices=("auto", "vosk", "moonshine"),
        help="speech engine (default: from the settings)",
    )
    hear.add_argument("--model", metavar="DIR", help="vosk model folder")
    hear.add_argument("files", nargs="+", metavar="FILE")
    hear.set_defaults(func=run_hear)


def _dest(args: argparse.Namespace) -> Path:
    return Path(args.dest).expanduser() if args.dest else MODELS_DIR


def run_fetch(args: argparse.Namespace) -> int:
    """Download and install one model."""
    from voice_helper.listen.fetch import fetch_model
    from voice_helper.listen.model_manifest import find_spec, load_manifest

    spec = find_spec(load_manifest(), args.name)
    result = fetch_model(
        spec,
        _dest(args),
        url=args.url,
        sha256=args.sha256,
        insecure_skip_verify=args.insecure_skip_verify,
        force=args.force,
    )
    if result.already_installed:
        print(f"{spec.name} is already installed at {result.path} (use --force to replace it)")
    else:
        check = "verified" if result.verified else "NOT verified"
        print(f"installed {spec.name} at {result.path} (SHA-256 {result.sha256}, {check})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print every known or installed model with its state."""
    from voice_helper.listen.model_manifest import load_manifest, model_statuses

    statuses = model_statuses(_dest(args), load_manifest())
    width = max((len(s.name) for s in statuses), default=0)
    for status in statuses:
        print(f"{status.name:<{width}}  {status.state:<10}  {status.detail}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Re-hash installed model files; exit 1 when any differ."""
    from voice_helper.listen.model_manifest import model_statuses, verify_model

    dest = _dest(args)
    if args.name:
        names = [args.name]
    else:
        names = [s.name for s in model_statuses(dest) if s.state != "missing"]
        if not names:
            print(f"no models installed in {dest}; run `voice-helper models fetch`")
            return 1
    failed = False
    for name in names:
        problems = verify_model(dest / name)
        if problems:
            failed = True
            print(f"{name}: FAILED")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"{name}: OK")
    if failed:
        print("Re-install a damaged model with: voice-helper models fetch --force NAME")
    return 1 if failed else 0


def run_hear(args: argparse.Namespace) -> int:
    """Transcribe each file with one engine and print text, intent and slots, in order."""
    from voice_helper.assistant.build import build_understander
    from voice_helper.content import load_content
    from voice_helper.listen.command_grammar import recognition_grammar
    from voice_helper.listen.engine_choice import choose_engine
    from voice_helper.wavfile import load_wav_16k

    settings = load_settings(Path(args.config) if args.config else None)
    overrides: dict[str, Any] = {}
    if args.engine:
        overrides["engine"] = args.engine
    if args.model:
        overrides["model"] = args.model
    settings = dataclasses.replace(settings, **overrides)
    content = Path(args.content or settings.content_dir or DEFAULT_CONTENT_DIR)
    matcher = build_understander(load_content(content))
    engine, reason = choose_engine(settings)
    engine.set_grammar(
        recognition_grammar(
            matcher.templates, meaning=matcher.meaning, keep_free=matcher.safety_heard
        )
    )
    failures = 0
    for name in args.files:
        record: dict[str, Any] = {"file": name}
        try:
            transcript = engine.transcribe(load_wav_16k(Path(name)))
            engine.reset()
            match = matcher.match(transcript.text)
            intent = match.intent
            record.update(
                text=transcript.text,
                intent=intent.name if intent else None,
                slots=dict(intent.slots) if intent else {},
                in_grammar=transcript.in_grammar,
            )
        except VoiceHelperError as exc:
            failures += 1
            record.update(text=None, intent=None, slots={}, error=str(exc))
        except Exception as exc:  # one bad file must not hide the results of the others
            _LOGGER.debug("hear failed on %s", name, exc_info=True)
            failures += 1
            record.update(text=None, intent=None, slots={}, error=f"{type(exc).__name__}: {exc}")
        _print_heard(record, args.json)
    _LOGGER.debug("engine: %s", reason)
    return 1 if failures else 0


def _print_heard(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(record, ensure_ascii=False), flush=True)
    elif "error" in record:
        print(f"{record['file']}: error: {record['error']}", flush=True)
    else:
        print(
            f"{record['file']}: {record['text']!r} -> {record['intent']} {record['slots']}",
            flush=True,
        )
