"""Guided breathing: say each cue at its real time, on a thread that stops at once when asked."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from voice_helper.config import Settings
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.clock import in_quiet_hours
from voice_helper.remind.content import BreathingExercise, RemindContent

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cue:
    """One thing to say during an exercise."""

    offset: float
    """Seconds after the exercise started."""
    text: str
    """The words."""


def cue_script(exercise: BreathingExercise) -> list[Cue]:
    """Every cue of an exercise with its time: settle, then each phase of each round, then close."""
    cues, offset = [], exercise.settle_seconds
    for _ in range(exercise.rounds):
        for phase in exercise.phases:
            cues.append(Cue(offset, phase.cue))
            offset += phase.seconds
    cues.append(Cue(offset, exercise.closing))
    return cues


class BreathingRunner:
    """Runs one exercise: calls `emit(cue)` at each cue's time until done or stopped."""

    def __init__(
        self,
        exercise: BreathingExercise,
        emit: Callable[[Cue], None],
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.exercise = exercise
        self.script = cue_script(exercise)
        self._emit = emit
        self._monotonic = monotonic
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"breathing-{exercise.id}", daemon=True
        )
        self.started_at: float | None = None
        """Monotonic time the exercise started."""

    def start(self) -> None:
        """Start the clock and the cue thread."""
        self.started_at = self._monotonic()
        self._thread.start()

    def stop(self) -> bool:
        """Stop now; True if it was still running."""
        was_running = self.running
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=1)
        return was_running

    @property
    def running(self) -> bool:
        """Whether cues are still to come."""
        return self._thread.is_alive() and not self._stop.is_set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the exercise to end."""
        self._thread.join(timeout)

    def _run(self) -> None:
        assert self.started_at is not None
        for cue in self.script:
            # Each wait aims at an absolute time, so a slow emit does not push later cues back.
            delay = self.started_at + cue.offset - self._monotonic()
            if self._stop.wait(max(0.0, delay)):
                return
            try:
                self._emit(cue)
            except Exception:  # the output channel failing must not leave a half-told exercise
                _LOGGER.exception("could not hand over a breathing cue; stopping the exercise")
                return
        self._stop.set()


class BreathingCoach:
    """Runs one exercise at a time, handing each cue over as a "breathing" Announcement."""

    def __init__(
        self,
        content: RemindContent,
        settings: Settings,
        zone: tzinfo,
        hand: Callable[[Announcement], None],
    ):
        self.content = content
        self.settings = settings
        self.zone = zone
        self._hand = hand
        self._runner: BreathingRunner | None = None

    def choose(self, exercise_id: str | None) -> BreathingExercise:
        """The exercise by id; else the one in settings; else the first in the file."""
        exercises = self.content.exercises
        return (
            exercises.get(exercise_id or "")
            or exercises.get(self.settings.breathing_exercise)
            or next(iter(exercises.values()))
        )

    def start(self, exercise_id: str | None, now: datetime) -> BreathingExercise:
        """Stop any exercise running and start this one; cues follow at their real times."""
        exercise = self.choose(exercise_id)
        self.stop()
        quiet = self.settings.quiet_hours
        # Asked for at 3 a.m.: still guided, but at the quiet volume.
        volume = quiet.quiet_volume if in_quiet_hours(quiet, now, self.zone) else None

        def emit(cue: Cue) -> None:
            self._hand(
                Announcement(
                    "breathing",
                    cue.text,
                    now + timedelta(seconds=cue.offset),
                    f"breathing-{exercise.id}",
                    volume,
                )
            )

        self._runner = BreathingRunner(exercise, emit)
        self._runner.start()
        return exercise

    def stop(self) -> bool:
        """Stop at once; True if an exercise was running."""
        runner, self._runner = self._runner, None
        return runner.stop() if runner is not None else False
