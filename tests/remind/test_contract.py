"""One reminder contract: the socket runs its methods and nothing else; both sides have them."""

import inspect

from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.remind.client import RemoteReminders
from voice_helper.remind.contract import PORT_METHODS, ReminderPort


def test_the_socket_methods_are_the_contracts_in_order():
    assert PORT_METHODS[:3] == ("set_reminder", "list_reminders", "cancel_reminders")
    assert "log_facts" in PORT_METHODS and "amount_wanted" in PORT_METHODS
    assert not any(name.startswith("_") for name in PORT_METHODS)


def test_both_implementations_take_the_contracts_arguments():
    for name in PORT_METHODS:
        wanted = inspect.signature(getattr(ReminderPort, name))
        for side in (ReminderService, RemoteReminders):
            assert inspect.signature(getattr(side, name)) == wanted, (side.__name__, name)


def test_a_call_outside_the_contract_is_refused(tmp_path):
    from datetime import UTC, datetime

    from tests.remind.helpers import Channel, FakeClock, service

    running = service(tmp_path, FakeClock(datetime(2026, 1, 14, 9, 0, tzinfo=UTC)), Channel())
    running.start()
    try:
        reply = running.reminders_request({"op": "call", "method": "shutdown", "slots": {}})
        assert reply == {"ok": False, "error": "unknown call 'shutdown'"}
        reply = running.reminders_request({"op": "call", "method": "missed", "slots": {}})
        assert reply == {"ok": True, "reply": "You haven't missed anything."}
    finally:
        running.shutdown()
