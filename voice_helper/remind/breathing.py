"""Guided breathing: each cue at its time, counted from the end of the intro, on a given clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from voice_helper.config import Settings
from voice_helper.content.relaxation import BreathingExercise, RemindContent
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.clock import in_quiet_hours
from voice_helper.speech_time import estimate_seconds

_LOGGER = logging.getLogger(__name__)

CUE_GAP_SECONDS = 0.3
"""Quiet kept after a cue that is longer than its phase, before the next cue may start."""
INTRO_REPORT_GRACE_SECONDS = 5.0
"""How much longer than expected to wait for the channel to say the intro has finished."""


@dataclass(frozen=True)
class Cue:
    """One thing to say during an exercise."""

    offset: float
    """Seconds after the intro finished playing."""
    text: str
    """The words."""


def cue_script(
    exercise: BreathingExercise, speaking: Callable[[str], float] = lambda text: 0.0
) -> list[Cue]:
    """Every cue with its time after the intro: settle, each phase of each round, then close.

    A phase lasts its full `seconds` from the start of its cue; a cue that takes longer to say
    than its phase (by `speaking`, in seconds) makes the next cue wait until it has been said.
    """
    cues, offset = [], exercise.settle_seconds
    for _ in range(exercise.rounds):
        for phase in exercise.phases:
            cues.append(Cue(offset, phase.cue))
            said = speaking(phase.cue)
            offset += phase.seconds if said <= phase.seconds else said + CUE_GAP_SECONDS
    cues.append(Cue(offset, exercise.closing))
    return cues


class BreathingRunner:
    """One exercise on a clock: tick() hands over every cue whose time has come, in order.

    The cues are timed from the end of the intro: reported by intro_finished() when the
    channel says so (`wait_for_intro`), else assumed `intro_seconds` after start().
    """

    def __init__(
        self,
        exercise: BreathingExercise,
        emit: Callable[[Cue], None],
        clock: Callable[[], float] = time.monotonic,
        *,
        intro_seconds: float = 0.0,
        speaking: Callable[[str], float] = lambda text: 0.0,
        wait_for_intro: bool = False,
        intro_wait_seconds: float = 0.0,
    ):
        self.exercise = exercise
        self.script = cue_script(exercise, speaking)
        self._emit = emit
        self._clock = clock
        self._intro_seconds = intro_seconds
        self._wait_for_intro = wait_for_intro
        self._intro_wait = intro_wait_seconds
        self._next = 0
        self._stopped = False
        self._lock = threading.RLock()
        self.started_at: float | None = None
        """Clock time of start() (when the intro was handed over)."""
        self.intro_end: float | None = None
        """Clock time the intro finished: reported, or assumed; None while still waited for."""

    def start(self) -> None:
        """Start the exercise now; the intro is being said."""
        with self._lock:
            self.started_at = self._clock()
            if not self._wait_for_intro:
                self.intro_end = self.started_at + self._intro_seconds

    def intro_finished(self, at: float | None = None) -> None:
        """The intro has finished playing (at `at`, default now): the cues count from here."""
        with self._lock:
            if self._next == 0 and not self._stopped:
                self.intro_end = self._clock() if at is None else at

    def due_at(self, cue: Cue) -> float | None:
        """Clock time a cue is due; None while the intro's end is not known."""
        return None if self.intro_end is None else self.intro_end + cue.offset

    def next_due(self) -> float | None:
        """Clock time of the next cue (or of giving up waiting for the intro); None when done."""
        with self._lock:
            if self._stopped or self._next >= len(self.script) or self.started_at is None:
                return None
            if self.intro_end is None:
                return self.started_at + self._intro_seconds + self._intro_wait
            return self.intro_end + self.script[self._next].offset

    def tick(self, now: float | None = None) -> list[Cue]:
        """Hand over every cue due by `now` (default: the clock); return them."""
        with self._lock:
            now = self._clock() if now is None else now
            waited = self.started_at is not None and (
                now >= self.started_at + self._intro_seconds + self._intro_wait
            )
            if self.intro_end is None and waited:
                _LOGGER.warning("no word that the breathing intro ended; starting the cues")
                self.intro_end = now
            handed = []
            while not self._stopped and self._next < len(self.script):
                cue = self.script[self._next]
                due = self.due_at(cue)
                if due is None or due > now:
                    break
                self._next += 1
                try:
                    self._emit(cue)
                except Exception:  # a failing channel must not leave a half-told exercise
                    _LOGGER.exception("could not hand over a breathing cue; stopping the exercise")
                    self._stopped = True
                    break
                handed.append(cue)
            return handed

    def stop(self) -> bool:
        """Stop now; True if cues were still to come."""
        with self._lock:
            was_running = self.running
            self._stopped = True
            return was_running

    @property
    def running(self) -> bool:
        """Whether cues are still to come."""
        return not self._stopped and self.started_at is not None and self._next < len(self.script)


class _RealTimeDriver:
    """Ticks a runner on the real clock from a thread: waits for the next due time or a wake-up."""

    def __init__(self, runner: BreathingRunner):
        self.runner = runner
        self._wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="breathing", daemon=True)
        """The thread that ticks the runner."""
        self.thread.start()

    def wake(self) -> None:
        """Something changed (the intro ended, or stop): look at the times again."""
        self._wake.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the exercise to end."""
        self.thread.join(timeout)

    def _run(self) -> None:
        while True:
            due = self.runner.next_due()
            if due is None:
                return
            self._wake.wait(max(0.0, due - time.monotonic()))
            self._wake.clear()
            self.runner.tick()


class BreathingCoach:
    """Runs one exercise at a time, handing each cue over as a "breathing" Announcement.

    With `clock` given (tests, simulations) nothing moves until tick(); without it a thread
    ticks on the real monotonic clock.
    """

    def __init__(
        self,
        content: RemindContent,
        settings: Settings,
        zone: tzinfo,
        hand: Callable[[Announcement], None],
        clock: Callable[[], float] | None = None,
        *,
        wait_for_intro: bool = False,
    ):
        self.content = content
        self.settings = settings
        self.zone = zone
        self._hand = hand
        self._clock = clock
        self.wait_for_intro = wait_for_intro
        """True when the output channel reports the end of each utterance (speech_finished)."""
        self._runner: BreathingRunner | None = None
        self._driver: _RealTimeDriver | None = None
        self._intro_text = ""
        self._lock = threading.RLock()

    def choose(self, exercise_id: str | None) -> BreathingExercise:
        """The exercise by id; else the one in settings; else the first in the file."""
        exercises = self.content.exercises
        return (
            exercises.get(exercise_id or "")
            or exercises.get(self.settings.breathing_exercise)
            or next(iter(exercises.values()))
        )

    def start(
        self, exercise_id: str | None, now: datetime, intro_text: str | None = None
    ) -> BreathingExercise:
        """Stop any exercise running and start this one; its intro (`intro_text`, default the
        exercise's own) is being said now, and the cues follow once it has been said."""
        exercise = self.choose(exercise_id)
        self.stop()
        quiet = self.settings.quiet_hours
        # Asked for at 3 a.m.: still guided, but at the quiet volume.
        volume = quiet.quiet_volume if in_quiet_hours(quiet, now, self.zone) else None
        clock = self._clock or time.monotonic
        started = clock()

        def emit(cue: Cue) -> None:
            runner = self._runner
            due = runner.due_at(cue) if runner is not None else None
            at = now + timedelta(seconds=(due - started) if due is not None else cue.offset)
            self._hand(Announcement("breathing", cue.text, at, f"breathing-{exercise.id}", volume))

        intro = intro_text or exercise.intro
        rate = self.settings.rate
        runner = BreathingRunner(
            exercise,
            emit,
            clock,
            intro_seconds=estimate_seconds(intro, rate),
            speaking=lambda text: estimate_seconds(text, rate),
            wait_for_intro=self.wait_for_intro,
            intro_wait_seconds=self.settings.reminder_wait_seconds + INTRO_REPORT_GRACE_SECONDS,
        )
        with self._lock:
            self._runner, self._intro_text = runner, intro
            runner.start()
            if self._clock is None:
                self._driver = _RealTimeDriver(runner)
        return exercise

    def speech_finished(self, text: str, at: float | None = None) -> None:
        """The channel finished saying `text`: if it was the intro, the cues start counting."""
        with self._lock:
            runner = self._runner
            if runner is None or not self._intro_text or self._intro_text not in text:
                return
            self._intro_text = ""
            runner.intro_finished(at)
            if self._driver is not None:
                self._driver.wake()

    def tick(self) -> list[Cue]:
        """Hand over the cues due on the injected clock (no-op on the real clock's thread)."""
        runner = self._runner
        if runner is None or self._clock is None:
            return []
        return runner.tick()

    @property
    def runner(self) -> BreathingRunner | None:
        """The exercise running (or last run), for tests and logs."""
        return self._runner

    def join(self, timeout: float | None = None) -> None:
        """Wait for a real-time exercise to end."""
        driver = self._driver
        if driver is not None:
            driver.join(timeout)

    def stop(self) -> bool:
        """Stop at once; True if an exercise was running."""
        with self._lock:
            runner, driver = self._runner, self._driver
            self._intro_text, self._driver = "", None
        if runner is None:
            return False
        was_running = runner.stop()
        if driver is not None:
            driver.wake()
            if threading.current_thread() is not driver.thread:
                driver.join(timeout=1)
        return was_running
