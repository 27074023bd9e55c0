"""Logging to stderr in a form journald keeps well."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr; plain lines with a level, no colour; timestamps only on a terminal."""
    level = logging.DEBUG if verbose else logging.INFO
    under_journald = bool(os.environ.get("JOURNAL_STREAM"))
    fmt = "%(levelname)s %(name)s: %(message)s"
    if sys.stderr.isatty() and not under_journald:
        fmt = "%(asctime)s " + fmt
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("apscheduler", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not verbose else logging.INFO)
