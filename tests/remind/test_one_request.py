"""One request, one effect: the CLI waits as long as the assistant may take, a request sent again
with the same id is answered as before instead of applied twice, and CLI edits with nothing
running queue behind each other instead of failing."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, LockHolder, service, settings
from voice_helper.remind import storage
from voice_helper.remind.commands import run_request
from voice_helper.remind.control import send_request
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.ownership import OwnerLock

START = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))
ADD = {"op": "add", "kind": "pump", "in_seconds": 7200}


def test_the_cli_waits_for_an_assistant_stuck_on_a_locked_store(tmp_path: Path) -> None:
    running = service(tmp_path, FakeClock(START), Channel())
    running.start()
    holder = LockHolder(tmp_path / "data" / JOBS_FILE)
    threading.Timer(6.0, holder.release).start()  # longer than the CLI used to wait
    try:
        reply = run_request(ADD, settings(), tmp_path / "data", running.socket_path)
    finally:
        holder.release()
    assert reply["ok"], reply
    listed = run_request({"op": "list"}, settings(), tmp_path / "data", running.socket_path)
    assert [r["id"] for r in listed["reminders"]] == [reply["reminder"]["id"]]
    running.shutdown()


def test_a_request_sent_again_is_applied_once(tmp_path: Path) -> None:
    running = service(tmp_path, FakeClock(START), Channel())
    running.start()
    request = {**ADD, "request_id": "4f1c"}
    first = send_request(running.socket_path, request)
    again = send_request(running.socket_path, request)
    other = send_request(running.socket_path, {**ADD, "request_id": "77aa"})
    assert first == again and first["ok"]
    assert other["reminder"]["id"] != first["reminder"]["id"]
    assert len(send_request(running.socket_path, {"op": "list"})["reminders"]) == 2
    running.shutdown()


def test_an_edit_waits_its_turn_behind_another_edit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    other = OwnerLock(data, role="edit")
    assert other.acquire()
    threading.Timer(6.0, other.release).start()  # longer than a starting assistant is given
    reply = run_request(ADD, settings(), data, tmp_path / "no.sock")
    assert reply["ok"], reply


def test_parallel_edits_with_nothing_running_all_land(tmp_path: Path) -> None:
    data = tmp_path / "data"
    replies: list[dict] = []

    def add(seconds: int) -> None:
        request = {"op": "add", "kind": "relax", "in_seconds": seconds}
        replies.append(run_request(request, settings(), data, tmp_path / "no.sock"))

    threads = [threading.Thread(target=add, args=(600 + 60 * n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(reply["ok"] for reply in replies), replies
    listed = run_request({"op": "list"}, settings(), data, tmp_path / "no.sock")
    assert len(listed["reminders"]) == 12


def test_an_add_the_store_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.2)
    running = service(tmp_path, FakeClock(START), Channel())
    running.start()
    holder = LockHolder(tmp_path / "data" / JOBS_FILE)
    try:
        reply = run_request(ADD, settings(), tmp_path / "data", running.socket_path)
    finally:
        holder.release()
    assert reply == {
        "ok": False,
        "error": f"{tmp_path / 'data' / JOBS_FILE} is locked by another program (waited 0.2 s). "
        "Close any program that has it open and try again.",
    }
    assert run_request({"op": "list"}, settings(), tmp_path / "data", running.socket_path) == {
        "ok": True,
        "reminders": [],
    }
    running.shutdown()


def test_list_reads_the_files_when_the_assistant_is_stuck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice_helper.remind import commands

    monkeypatch.setattr(commands, "REPLY_TIMEOUT", 0.5)
    running = service(tmp_path, FakeClock(START), Channel())
    running.start()
    added = run_request(ADD, settings(), tmp_path / "data", running.socket_path)
    with running.lock:  # as if stopped with SIGSTOP in the middle of something
        listed = run_request({"op": "list"}, settings(), tmp_path / "data", running.socket_path)
    assert [r["id"] for r in listed["reminders"]] == [added["reminder"]["id"]]
    running.shutdown()


def test_list_of_a_damaged_store_changes_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"not a database at all" * 400
    (data / JOBS_FILE).write_bytes(garbage)
    reply = run_request({"op": "list"}, settings(), data, tmp_path / "no.sock")
    assert reply["ok"] is False and "Start the assistant once" in reply["error"]
    assert (data / JOBS_FILE).read_bytes() == garbage
    assert sorted(p.name for p in data.iterdir()) == [JOBS_FILE]


def test_a_resend_after_a_time_out_adds_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice_helper.remind import commands

    monkeypatch.setattr(commands, "answer_wait", lambda: 1.0)
    running = service(tmp_path, FakeClock(START), Channel())
    running.start()
    held, free = threading.Event(), threading.Event()

    def busy() -> None:  # as if stopped with SIGSTOP, past the first wait
        with running.lock:
            held.set()
            free.wait(timeout=10)

    threading.Thread(target=busy).start()
    held.wait(timeout=10)
    threading.Timer(1.5, free.set).start()
    reply = run_request(ADD, settings(), tmp_path / "data", running.socket_path)
    assert reply["ok"], reply
    listed = run_request({"op": "list"}, settings(), tmp_path / "data", running.socket_path)
    assert [r["id"] for r in listed["reminders"]] == [reply["reminder"]["id"]]
    running.shutdown()
