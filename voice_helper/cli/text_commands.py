"""Text subcommands: chat, understand, content check."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build_understander, contacts_for
from voice_helper.assistant.turns import TurnTaker
from voice_helper.content import Content, load_content
from voice_helper.dialogue.manager import Dialogue
from voice_helper.remind.contract import ReminderPort
from voice_helper.understand.understander import QUESTION

_LOGGER = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add chat, understand and content to the CLI."""
    chat = sub.add_parser("chat", help="talk to the assistant in text, one line per utterance")
    chat.set_defaults(func=run_chat)

    understand = sub.add_parser("understand", help="print the intent of each text")
    understand.add_argument("--json", action="store_true", help="one JSON object per line")
    understand.add_argument(
        "--in-question",
        action="store_true",
        help='as if a yes/no question were open ("it does" is an answer)',
    )
    understand.add_argument("texts", nargs="+", metavar="TEXT")
    understand.set_defaults(func=run_understand)

    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate the content folder")
    check.add_argument("directory", nargs="?", help="content folder (default: content/)")
    check.set_defaults(func=run_content_check)


def content_dir(args: argparse.Namespace) -> Path:
    """The content folder named on the command line, or the default."""
    return Path(args.content) if getattr(args, "content", None) else DEFAULT_CONTENT_DIR


def load_checked_content(args: argparse.Namespace) -> Content:
    """Load the content; invalid content stops the command with the problems listed."""
    return load_content(content_dir(args))


def run_chat(args: argparse.Namespace) -> int:
    """Read utterances from stdin; write each assistant utterance as one line on stdout."""
    content = load_checked_content(args)
    assert content.templates is not None
    settings = _settings(args)
    understander = build_understander(content)
    reminders = _reminders_for_chat(args)
    dialogue = Dialogue(
        content,
        reminders=reminders,
        text_mode=True,
        contacts=contacts_for(settings, content),
    )
    turns = TurnTaker(understander, dialogue)
    try:
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            turn = turns.take(text)
            _LOGGER.debug("heard %r -> %s (%.2f)", text, turn.intent, turn.score)
            for reply in turn.replies:
                print(" ".join(reply.text.split()), flush=True)
    finally:
        shutdown = getattr(reminders, "shutdown", None)
        if shutdown is not None:
            shutdown()
    return 0


def _reminders_for_chat(args: argparse.Namespace) -> ReminderPort | None:
    """The running assistant's reminders over its socket, else a service in this process."""
    from voice_helper.assistant.reminder_service import reminders_for_cli

    return reminders_for_cli(args)


def run_understand(args: argparse.Namespace) -> int:
    """Print the intent and slots of each text, in order."""
    understander = build_understander(load_checked_content(args))
    context = QUESTION if getattr(args, "in_question", False) else None
    for text in args.texts:
        match = understander.match(text, context=context)
        intent = match.intent
        record = {
            "text": text,
            "intent": intent.name if intent else None,
            "slots": dict(intent.slots) if intent else {},
            "source": match.source,
            "doubtful": match.doubtful,
            "missing": match.missing,
            "score": round(match.score, 3),
        }
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"{text!r}: {record['intent']} {record['slots']}")
    return 0


def _settings(args: argparse.Namespace) -> Any:
    """The settings named by --config, or the defaults."""
    from voice_helper.config import load_settings

    return load_settings(Path(args.config) if getattr(args, "config", None) else None)


def run_content_check(args: argparse.Namespace) -> int:
    """Validate the content folder; print OK or every problem."""
    directory = Path(args.directory) if args.directory else content_dir(args)
    content = load_content(directory)
    sentences = len(content.templates.sentences) if content.templates else 0
    print(f"OK: {directory}: {len(content.causes)} causes, {sentences} intent sentences")
    return 0
