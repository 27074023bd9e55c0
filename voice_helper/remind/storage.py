"""Private SQLite files: mode 0600, wait for locks, move a damaged file aside and rebuild it."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from voice_helper.config import data_dir
from voice_helper.errors import VoiceHelperError

_LOGGER = logging.getLogger(__name__)

LOCK_WAIT_SECONDS = 10.0
"""How long to wait for another program to let go of a locked database before reporting it."""
DATA_DIR_ENV = "VOICE_HELPER_DATA_DIR"


class StoreLocked(VoiceHelperError):
    """A database stayed locked by another program for longer than LOCK_WAIT_SECONDS."""


class StoreUnavailable(VoiceHelperError):
    """The reminder files cannot be opened or changed (a full disk, read-only, not ours)."""


def unavailable(directory: Path, exc: BaseException) -> StoreUnavailable:
    """A short, located message for a store that cannot be used, saying what to do."""
    where = getattr(exc, "filename", None) or directory
    errno = getattr(exc, "errno", None) or getattr(getattr(exc, "orig", None), "errno", None)
    if is_full_error(exc):
        hint = "The disk is full: free some space and try again."
    elif isinstance(exc, PermissionError) or errno == 30 or "readonly" in str(exc).lower():
        hint = (
            "It cannot be changed (a read-only disk, or owned by another user): check "
            "who owns the folder and its permissions."
        )
    else:
        hint = "Check the disk and the folder, then try again."
    reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc)
    return StoreUnavailable(f"Cannot use the reminder files at {where}: {reason}. {hint}")


STORE_ERRORS = (SQLAlchemyError, sqlite3.Error, OSError, StoreLocked)
"""Failures of the files under the reminders (a lock, a full disk, a bad mount)."""


@dataclass(frozen=True)
class Rebuilt:
    """A damaged database that was moved aside and rebuilt from what could be read."""

    path: Path
    """The database, now rebuilt."""
    moved_to: Path
    """Where the damaged file went."""
    kept: int
    """Rows recovered into the new file."""


RowFilter = Callable[[str, tuple], bool]


def reminders_data_dir(override: Path | None = None) -> Path:
    """The data directory: the override, else $VOICE_HELPER_DATA_DIR, else the XDG data dir."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else data_dir()


def private_dir(path: Path) -> Path:
    """Create a directory only the user can enter (0700) and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create the file if missing and make it readable by the user only (0600)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def is_locked_error(exc: BaseException) -> bool:
    """Whether an SQLite error means another connection holds the lock."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_full_error(exc: BaseException) -> bool:
    """Whether an SQLite or OS error means the disk (or the database's page limit) is full."""
    text = str(exc).lower()
    return "full" in text or getattr(exc, "errno", None) == 28


def locked_message(path: Path) -> str:
    """What to tell the user when a database stays locked."""
    return (
        f"{path} is locked by another program (waited {LOCK_WAIT_SECONDS:g} s). "
        "Close any program that has it open and try again."
    )


def _problem(path: Path, tables: dict[str, str]) -> str | None:
    """None when the file reads cleanly; else a short description of the damage."""
    try:
        conn = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()
        if not verdict or verdict[0] != "ok":
            return f"integrity check failed: {verdict[0] if verdict else 'no answer'}"
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        for table in tables:
            if table in names:
                conn.execute(f"SELECT * FROM {table}").fetchall()
        return None
    except sqlite3.OperationalError as exc:
        if is_locked_error(exc):
            raise StoreLocked(locked_message(path)) from exc
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


PROBE_GAP = 500
"""Rowid probing stops after this many rowids in a row that give nothing (empty or unreadable)."""


def _probe(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Read a damaged table row by row: a row on a lost page fails alone, the others survive."""
    rows: list[tuple] = []
    gap, rowid = 0, 0
    while gap < PROBE_GAP:
        rowid += 1
        try:
            row = conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None:
            gap += 1
        else:
            gap = 0
            rows.append(tuple(row))
    return rows


_HEADER = b"SQLite format 3\x00"


def _fit_header(copy: Path) -> None:
    """Make a truncated copy readable: cut a partial last page and set the header's page count
    to the pages really there (SQLite refuses every page of a file shorter than its header says)."""
    with copy.open("r+b") as handle:
        header = handle.read(100)
        if len(header) < 100 or not header.startswith(_HEADER):
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512:
            return
        pages = copy.stat().st_size // page_size
        handle.truncate(pages * page_size)
        if pages < int.from_bytes(header[28:32], "big"):
            handle.seek(28)
            handle.write(pages.to_bytes(4, "big"))


def _salvage(path: Path, tables: dict[str, str], keep: RowFilter) -> dict[str, list[tuple]]:
    """Every row that can still be read, table by table (from a copy; the original is kept)."""
    rows: dict[str, list[tuple]] = {table: [] for table in tables}
    copy = path.with_name(f"{path.name}.salvage")
    try:
        shutil.copyfile(path, copy)
        os.chmod(copy, 0o600)
        _fit_header(copy)
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    except (OSError, sqlite3.Error) as exc:
        _LOGGER.warning("%s: nothing can be read: %s", path, exc)
        copy.unlink(missing_ok=True)
        return rows
    try:
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError:
            names = set()  # not even the schema can be read: nothing to keep
        for table in tables:
            if table not in names:
                continue
            try:
                found = [tuple(row) for row in conn.execute(f"SELECT * FROM {table}")]
            except sqlite3.DatabaseError as exc:
                _LOGGER.warning("%s: %s is damaged (%s); reading it row by row", path, table, exc)
                try:
                    found = _probe(conn, table)
                except sqlite3.DatabaseError:
                    found = []
            rows[table] = [row for row in found if keep(table, row)]
    finally:
        conn.close()
        copy.unlink(missing_ok=True)
    return rows


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    os.replace(path, target)
    for suffix in ("-journal", "-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def _create(path: Path, tables: dict[str, str]) -> sqlite3.Connection:
    private_file(path)
    conn = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)
    for schema in tables.values():
        conn.executescript(schema)
    return conn


def prepare_database(
    path: Path, tables: dict[str, str], keep: RowFilter = lambda table, row: True
) -> Rebuilt | None:
    """Make sure `path` is a sound SQLite file with `tables` (name -> CREATE script), mode 0600.

    A damaged or truncated file is moved to `<name>.corrupt-<time>` and rebuilt from the rows that
    can still be read (and that `keep` accepts); the return value says so, to tell the user once.
    A file locked by another program is waited for, then StoreLocked is raised.
    """
    private_dir(path.parent)
    if not path.exists() or path.stat().st_size == 0:
        _create(path, tables).close()
        return None
    os.chmod(path, 0o600)
    problem = _problem(path, tables)
    if problem is None:
        conn = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)
        try:
            for schema in tables.values():
                conn.executescript(schema)
        except sqlite3.OperationalError as exc:
            if is_locked_error(exc):
                raise StoreLocked(locked_message(path)) from exc
            raise
        finally:
            conn.close()
        return None
    _LOGGER.error("%s is damaged (%s); moving it aside and rebuilding it", path, problem)
    rows = _salvage(path, tables, keep)
    moved = _move_aside(path)
    conn = _create(path, tables)
    kept = 0
    with conn:
        for table, table_rows in rows.items():
            for row in table_rows:
                marks = ", ".join("?" * len(row))
                try:
                    conn.execute(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", row)
                    kept += 1
                except sqlite3.Error as exc:
                    _LOGGER.warning("%s: could not restore a row of %s: %s", path, table, exc)
    conn.close()
    return Rebuilt(path=path, moved_to=moved, kept=kept)
