"""What each due reminder says: a pump reminder with a relaxation prompt, a relaxation prompt
in turn, a breathing break with its intro, a session cue."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from voice_helper.config import Settings
from voice_helper.content.relaxation import RelaxPrompt, RemindContent
from voice_helper.remind.durations import speak_duration
from voice_helper.remind.jobs import DueReminder
from voice_helper.remind.phrases import Phrases

_LOGGER = logging.getLogger(__name__)

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class ReminderTexts:
    """The words of reminders, from the content and the settings' chosen exercise."""

    def __init__(self, settings: Settings, content: RemindContent, phrases: Phrases):
        self.settings = settings
        self.content = content
        self.phrases = phrases

    def prompt(self, moment: str, at: datetime, every: timedelta | None = None) -> RelaxPrompt:
        """A relaxation prompt for the moment (same time, same prompt). An interval reminder
        takes the next prompt at each occurrence, so every one comes in turn whatever the
        interval (by the minute, 2 h or 3 h with 6 prompts would repeat one forever)."""
        choices = self.content.prompts_for(moment)
        step = every if every is not None and every > timedelta(0) else timedelta(minutes=1)
        return choices[int((at - _EPOCH) // step) % len(choices)]

    def text_for(self, due: DueReminder, at: datetime) -> str:
        """What a due reminder says."""
        if due.kind in ("pump", "relax") and due.detail:
            return due.detail  # a snoozed reminder repeats its own words
        if due.kind == "pump":
            return self.phrases.say("time_to_pump", relax=self.prompt("before", at, due.every).text)
        if due.kind == "relax":
            return self.prompt("between", at, due.every).text
        if due.kind == "breathing":
            if due.detail and due.detail not in self.content.exercises:
                return due.detail  # snoozed
            exercise = self.content.exercises.get(due.detail or self.settings.breathing_exercise)
            exercise = exercise or next(iter(self.content.exercises.values()))
            return self.phrases.say("time_to_breathe", intro=exercise.intro)
        if due.kind == "session_cue":
            length = speak_duration(timedelta(minutes=float(due.detail or 0)))
            return self.phrases.say("session_cue", length=length)
        return due.detail
