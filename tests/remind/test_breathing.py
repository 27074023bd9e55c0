"""Guided breathing: cues at real times (within 100 ms), stoppable at once, content validated."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.remind.helpers import Channel, FakeClock, service
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.errors import ContentError
from voice_helper.remind import Announcement
from voice_helper.remind.breathing import BreathingRunner, Cue, cue_script
from voice_helper.remind.content import (
    BreathingExercise,
    Phase,
    check_remind_content,
    load_remind_content,
)

SHORT = BreathingExercise(
    id="short",
    name="short",
    intro="Short one.",
    rounds=2,
    closing="Done.",
    settle_seconds=0.2,
    phases=(Phase("In", 0.3), Phase("Hold", 0.1), Phase("Out", 0.4)),
)


QUICK = """exercises:
  - id: quick
    name: quick breathing
    intro: Breathe with me.
    settle_seconds: 0
    rounds: 1
    phases:
      - {cue: Breathe in, seconds: 1}
      - {cue: Breathe out, seconds: 1}
    closing: Well done.
"""


def test_script_follows_the_exercise() -> None:
    assert [(round(c.offset, 2), c.text) for c in cue_script(SHORT)] == [
        (0.2, "In"),
        (0.5, "Hold"),
        (0.6, "Out"),
        (1.0, "In"),
        (1.3, "Hold"),
        (1.4, "Out"),
        (1.8, "Done."),
    ]


def test_cues_come_at_their_real_times() -> None:
    said: list[tuple[float, Cue]] = []
    runner = BreathingRunner(SHORT, lambda cue: said.append((time.monotonic(), cue)))
    runner.start()
    runner.join(timeout=5)
    assert runner.started_at is not None
    assert [cue for _, cue in said] == cue_script(SHORT)
    for at, cue in said:
        assert abs(at - runner.started_at - cue.offset) < 0.1


def test_stop_ends_it_at_once() -> None:
    said: list[Cue] = []
    first = threading.Event()

    def emit(cue: Cue) -> None:
        said.append(cue)
        first.set()

    runner = BreathingRunner(SHORT, emit)
    runner.start()
    assert first.wait(timeout=2)
    began = time.monotonic()
    assert runner.stop() is True
    assert time.monotonic() - began < 0.1
    time.sleep(0.5)  # longer than the next cue's gap: nothing more may come
    assert [c.text for c in said] == ["In"]
    assert runner.stop() is False


class TimedChannel(Channel):
    """Also notes when each announcement arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.timed: list[tuple[float, Announcement]] = []

    def __call__(self, announcement: Announcement) -> None:
        self.timed.append((time.monotonic(), announcement))
        super().__call__(announcement)


def _content_with(tmp_path: Path, breathing: str) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(DEFAULT_CONTENT_DIR / "relaxation.yaml", folder)
    (folder / "breathing.yaml").write_text(breathing)
    return folder


def test_service_breathing_through_announce(tmp_path: Path) -> None:
    folder = _content_with(tmp_path, QUICK)
    channel = TimedChannel()
    heard = channel.timed
    reminders = service(tmp_path, None, channel, content_dir=folder)
    reminders.start()
    began = time.monotonic()
    assert reminders.start_breathing("quick") == "Breathe with me."
    time.sleep(2.3)
    assert [a.text for _, a in heard] == ["Breathe in", "Breathe out", "Well done."]
    assert {a.kind for _, a in heard} == {"breathing"}
    for (at, _), offset in zip(heard, (0, 1, 2), strict=True):
        assert abs(at - began - offset) < 0.1
    assert reminders.stop_breathing() == "There's no breathing exercise running."
    reminders.shutdown()


def test_service_stop_breathing(tmp_path: Path) -> None:
    folder = _content_with(tmp_path, QUICK.replace("settle_seconds: 0", "settle_seconds: 1"))
    channel = Channel()
    reminders = service(tmp_path, None, channel, content_dir=folder)
    reminders.start()
    assert reminders.start_breathing() == "Breathe with me."  # unknown default: the first one
    assert reminders.stop_breathing() == "Okay, stopping the breathing exercise."
    time.sleep(1.3)  # past the settle time: the first cue must not come
    assert channel.queue == []
    reminders.shutdown()


def test_a_breathing_reminder_starts_the_exercise(tmp_path: Path) -> None:
    folder = _content_with(tmp_path, QUICK)
    clock, channel = FakeClock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC)), TimedChannel()
    reminders = service(tmp_path, clock, channel, content_dir=folder)
    reminders.start()
    assert reminders.set_reminder("breathing", in_minutes=30).startswith(
        "Okay. I'll remind you to do a breathing exercise in 30 minutes"
    )
    clock.advance(minutes=30)
    reminders.tick()
    deadline = time.monotonic() + 3
    while len(channel.timed) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    texts = [a.text for _, a in channel.timed]
    assert texts == [
        "Time for a short breathing break. Breathe with me.",
        "Breathe in",
        "Breathe out",
        "Well done.",
    ]
    assert {a.kind for _, a in channel.timed} == {"breathing"}
    reminders.shutdown()


def test_project_exercises_start_by_id(tmp_path: Path) -> None:
    reminders = service(tmp_path, None, Channel())
    reminders.start()
    assert reminders.start_breathing("four_seven_eight").startswith("Let's try four seven eight")
    assert reminders.stop_breathing() == "Okay, stopping the breathing exercise."
    reminders.shutdown()


def test_project_content_is_valid() -> None:
    assert check_remind_content(DEFAULT_CONTENT_DIR) == []
    content = load_remind_content(DEFAULT_CONTENT_DIR)
    assert {"equal_breathing", "longer_exhale", "four_seven_eight"} <= set(content.exercises)
    assert len(content.prompts_for("before")) >= 3 and len(content.prompts_for("between")) >= 3


def test_bad_breathing_yaml_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _content_with(
        tmp_path,
        """exercises:
  - id: broken
    name: broken
    intro: Hello.
    rounds: 3
    phases:
      - cue: Breathe in
        seconds: 90
      - cue: Out
    closing: Bye.
""",
    )
    with pytest.raises(ContentError) as caught:
        load_remind_content(folder)
    message = str(caught.value)
    assert (
        f"{folder / 'breathing.yaml'}:8: exercises[0].phases[0].seconds: 90 is outside" in message
    )
    assert f"{folder / 'breathing.yaml'}:9: exercises[0].phases[1].seconds: missing" in message
