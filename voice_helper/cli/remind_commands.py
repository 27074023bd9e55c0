"""Reminder and session subcommands: `reminders list|add|remove|clear`, `sessions list`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from voice_helper.config import Settings, load_settings
from voice_helper.errors import VoiceHelperError
from voice_helper.remind.clock import zone_for
from voice_helper.remind.commands import run_request
from voice_helper.remind.durations import parse_duration, speak_duration
from voice_helper.remind.storage import reminders_data_dir

_LOGGER = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `reminders` and `sessions` to the CLI."""
    reminders = sub.add_parser("reminders", help="list, add and remove reminders")
    rsub = reminders.add_subparsers(dest="reminders_command", required=True)
    listing = rsub.add_parser("list", help="show every reminder and when it next comes")
    listing.add_argument("--json", action="store_true", help="a JSON array, times in ISO 8601")
    listing.set_defaults(func=run_list)
    add = rsub.add_parser("add", help="add a reminder (replaces one of the same kind and repeat)")
    add.add_argument("--kind", required=True, choices=("pump", "relax", "breathing"))
    when = add.add_mutually_exclusive_group(required=True)
    when.add_argument("--every", metavar="D", help="repeat every D, e.g. 3h or 2h30m")
    when.add_argument("--in", dest="in_", metavar="D", help="once, D from now, e.g. 45m")
    when.add_argument("--at", metavar="HH:MM", help="every day at this local time")
    add.set_defaults(func=run_add)
    remove = rsub.add_parser("remove", help="remove one reminder by its id")
    remove.add_argument("id")
    remove.set_defaults(func=run_remove)
    clear = rsub.add_parser("clear", help="remove every reminder")
    clear.set_defaults(func=run_clear)

    sessions = sub.add_parser("sessions", help="the pumping session log")
    ssub = sessions.add_subparsers(dest="sessions_command", required=True)
    slist = ssub.add_parser("list", help="the latest pumping sessions, newest first")
    slist.add_argument("--json", action="store_true", help="a JSON array, times in ISO 8601")
    slist.set_defaults(func=run_sessions)
    from voice_helper.cli.pumplog_commands import register_sessions

    register_sessions(ssub)


def _settings(args: argparse.Namespace) -> Settings:
    config = getattr(args, "config", None)
    return load_settings(Path(config) if config else None)


def _send(args: argparse.Namespace, request: dict[str, Any]) -> dict[str, Any]:
    """Send to the running assistant, or edit the store; a refusal becomes a user error."""
    reply = run_request(request, _settings(args), reminders_data_dir())
    if reply.get("notice"):
        print(f"voice-helper: {reply['notice']}", file=sys.stderr)
    if not reply.get("ok"):
        raise VoiceHelperError(str(reply.get("error", "the request failed")))
    return reply


def _when(iso: str | None, zone: tzinfo) -> str:
    """A next run time in the configured zone, named the same way on every line ("GMT",
    "BST"), never the bare offset a stored time carries ("UTC-05:00")."""
    if not iso:
        return "paused"
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return moment.strftime("%a %d %b %H:%M %Z").strip()


def run_list(args: argparse.Namespace) -> int:
    """Print the reminders."""
    reminders = _send(args, {"op": "list"})["reminders"]
    if args.json:
        print(json.dumps(reminders))
        return 0
    if not reminders:
        print("No reminders.")
    zone = zone_for(_settings(args))
    for item in reminders:
        print(
            f"{item['id']:<28} {item['kind']:<10} {item['schedule']:<16} "
            f"next {_when(item['next_run_time'], zone)}"
        )
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add a reminder; bad durations and out-of-range requests are refused with the reason."""
    request: dict[str, Any] = {"op": "add", "kind": args.kind}
    if args.every is not None:
        request["every_seconds"] = parse_duration(args.every).total_seconds()
    elif args.in_ is not None:
        request["in_seconds"] = parse_duration(args.in_).total_seconds()
    else:
        request["at"] = args.at
    item = _send(args, request)["reminder"]
    print(
        f"Added {item['id']} ({item['kind']}, {item['schedule']}), "
        f"next {_when(item['next_run_time'], zone_for(_settings(args)))}."
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """Remove one reminder."""
    _send(args, {"op": "remove", "id": args.id})
    print(f"Removed {args.id}.")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    """Remove every reminder."""
    removed = _send(args, {"op": "clear"})["removed"]
    print(f"Removed {removed} reminder{'s' if removed != 1 else ''}.")
    return 0


def run_sessions(args: argparse.Namespace) -> int:
    """Print the latest pumping sessions."""
    sessions = _send(args, {"op": "sessions"})["sessions"]
    from voice_helper.pumplog.store import read_log

    amounts = {e.session_id: e.ml for e in read_log(reminders_data_dir())}
    for item in sessions:
        item["ml"] = amounts.get(item["id"])
    if args.json:
        print(json.dumps(sessions))
        return 0
    if not sessions:
        print("No sessions logged.")
    for item in sessions:
        started = datetime.fromisoformat(item["started"]).astimezone()
        if item["ended"] is None:
            print(f"{started:%a %d %b %H:%M}  still running")
            continue
        ended = datetime.fromisoformat(item["ended"]).astimezone()
        amount = f"  {item['ml']:g} ml" if item["ml"] is not None else ""
        print(f"{started:%a %d %b %H:%M}  {speak_duration(ended - started)}{amount}")
    return 0
