"""Guided breathing: cues timed from the end of the intro, each phase whole, on a driven clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.remind.helpers import Channel, FakeClock, service, settings
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.announce import mark_spoken
from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.content.relaxation import (
    BreathingExercise,
    Phase,
    RemindContent,
    check_remind_content,
    load_remind_content,
)
from voice_helper.errors import ContentError
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.breathing import (
    CUE_GAP_SECONDS,
    INTRO_REPORT_GRACE_SECONDS,
    BreathingCoach,
    BreathingRunner,
    cue_script,
)
from voice_helper.speak.speech import Speech, SpokenUtterance
from voice_helper.speak.tts import SpeechSynthesizer, VoiceSettings
from voice_helper.speech_time import estimate_seconds

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
STEP_S = 0.05
"""How far the test moves the clock between ticks."""
TOLERANCE_S = 0.1
"""Each cue must start within 100 ms of its schedule."""

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
    caution: If you feel dizzy, stop and breathe normally.
    settle_seconds: 0
    rounds: 1
    phases:
      - {cue: Breathe in, seconds: 2}
      - {cue: Breathe out, seconds: 2}
    closing: Well done.
"""


def test_script_counts_from_the_end_of_the_intro() -> None:
    assert [(round(c.offset, 2), c.text) for c in cue_script(SHORT)] == [
        (0.2, "In"),
        (0.5, "Hold"),
        (0.6, "Out"),
        (1.0, "In"),
        (1.3, "Hold"),
        (1.4, "Out"),
        (1.8, "Done."),
    ]


def test_a_cue_longer_than_its_phase_makes_the_next_one_wait() -> None:
    said = {"In": 0.1, "Hold": 0.9, "Out": 0.1}  # "Hold" takes longer to say than its 0.1 s
    script = cue_script(SHORT, lambda text: said.get(text, 0.0))
    offsets = {(c.text, i): c.offset for i, c in enumerate(script)}
    assert offsets[("Out", 2)] - offsets[("Hold", 1)] == pytest.approx(0.9 + CUE_GAP_SECONDS)
    assert offsets[("Hold", 1)] - offsets[("In", 0)] == pytest.approx(0.3)  # the phase, whole


class FloatClock:
    """Seconds that only move when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _drive(clock: FloatClock, tick: object, until: float) -> None:
    """Move the clock in small steps, ticking after each one."""
    while clock.now < until:
        clock.now += STEP_S
        tick()  # type: ignore[operator]


def test_runner_waits_for_the_intro_then_keeps_every_phase_whole() -> None:
    clock, said = FloatClock(), []
    runner = BreathingRunner(
        SHORT,
        lambda cue: said.append((clock.now, cue)),
        clock,
        intro_seconds=1.0,
        wait_for_intro=True,
        intro_wait_seconds=30,
    )
    runner.start()
    _drive(clock, runner.tick, clock.now + 3.0)  # the intro is still playing (queued behind)
    assert said == []
    runner.intro_finished()
    ended = clock.now
    _drive(clock, runner.tick, clock.now + 3.0)
    assert [cue for _, cue in said] == cue_script(SHORT)
    for at, cue in said:
        assert abs(at - (ended + cue.offset)) <= TOLERANCE_S


def test_runner_without_reports_counts_from_the_estimated_intro_end() -> None:
    clock, said = FloatClock(), []
    runner = BreathingRunner(
        SHORT, lambda cue: said.append((clock.now, cue)), clock, intro_seconds=2.5
    )
    runner.start()
    began = clock.now
    _drive(clock, runner.tick, clock.now + 5.0)
    assert [cue for _, cue in said] == cue_script(SHORT)
    for at, cue in said:
        assert abs(at - (began + 2.5 + cue.offset)) <= TOLERANCE_S


def test_runner_gives_up_waiting_for_a_lost_report() -> None:
    clock, said = FloatClock(), []
    runner = BreathingRunner(
        SHORT,
        lambda cue: said.append((clock.now, cue)),
        clock,
        intro_seconds=2.0,
        wait_for_intro=True,
        intro_wait_seconds=10.0,
    )
    runner.start()
    began = clock.now
    _drive(clock, runner.tick, began + 11.9)
    assert said == []
    _drive(clock, runner.tick, began + 15.0)
    assert said and abs(said[0][0] - (began + 12.0 + SHORT.settle_seconds)) <= TOLERANCE_S


def test_stop_ends_it_at_once() -> None:
    clock, said = FloatClock(), []
    runner = BreathingRunner(SHORT, lambda cue: said.append(cue), clock)
    runner.start()
    _drive(clock, runner.tick, clock.now + 0.25)
    assert [c.text for c in said] == ["In"]
    assert runner.stop() is True
    _drive(clock, runner.tick, clock.now + 5.0)
    assert [c.text for c in said] == ["In"]
    assert runner.stop() is False


def test_real_time_coach_hands_every_cue_and_stops() -> None:
    tiny = BreathingExercise(
        id="tiny",
        name="tiny",
        intro="Go.",
        rounds=2,
        closing="End.",
        settle_seconds=0.0,
        phases=(Phase("In", 0.05), Phase("Out", 0.05)),
    )
    content = RemindContent(load_remind_content(DEFAULT_CONTENT_DIR).prompts, {"tiny": tiny})
    heard: list[Announcement] = []
    coach = BreathingCoach(content, settings(rate=400), UTC, heard.append)
    coach.start("tiny", START)
    coach.join(timeout=10)
    assert [a.text for a in heard] == ["In", "Out", "In", "Out", "End."]
    coach.start("tiny", START)
    assert coach.stop() is True
    count = len(heard)
    coach.join(timeout=2)
    assert len(heard) == count  # nothing after stop


class ClockChannel(Channel):
    """Also notes the (fake) time each announcement was handed over."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.timed: list[tuple[float, Announcement]] = []

    def __call__(self, announcement: Announcement) -> None:
        self.timed.append((self.clock.now.timestamp(), announcement))
        super().__call__(announcement)


def _content_with(tmp_path: Path, breathing: str | None = None) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("relaxation.yaml", "sources.yaml", "breathing.yaml", "prompts.yaml"):
        shutil.copy(DEFAULT_CONTENT_DIR / name, folder)
    if breathing is not None:
        (folder / "breathing.yaml").write_text(breathing)
    return folder


def _wav_seconds(text: str, tmp_path: Path, rate: int) -> float:
    """How long the real speech engine takes to say `text` (a real pyttsx3 WAV)."""
    with SpeechSynthesizer(VoiceSettings(rate=rate)) as tts:
        return tts.synthesize(text, tmp_path / "intro.wav").duration_s


def _expected(exercise: BreathingExercise, intro_end: float, rate: int) -> list[tuple[float, str]]:
    return [
        (intro_end + cue.offset, cue.text)
        for cue in cue_script(exercise, lambda t: estimate_seconds(t, rate))
    ]


def _assert_on_schedule(channel: ClockChannel, expected: list[tuple[float, str]]) -> None:
    cues = [(at, a) for at, a in channel.timed if a.job_id.startswith("breathing-")]
    assert [a.text for _, a in cues] == [text for _, text in expected]
    assert {a.kind for _, a in cues} == {"breathing"}
    for (at, announcement), (due, _) in zip(cues, expected, strict=True):
        assert abs(at - due) <= TOLERANCE_S, announcement.text


def _breathing_service(
    tmp_path: Path, folder: Path | None = None
) -> tuple[ReminderService, FakeClock, ClockChannel]:
    clock = FakeClock(START)
    channel = ClockChannel(clock)
    reminders = ReminderService(
        settings(),
        tmp_path / "data",
        channel,
        clock,
        folder or _content_with(tmp_path),
        socket_path=tmp_path / "run" / "r.sock",
        speech_reports=True,
    )
    channel.service = reminders
    reminders.start()
    return reminders, clock, channel


def _drive_service(reminders: ReminderService, clock: FakeClock, seconds: float) -> None:
    end = clock.now.timestamp() + seconds
    while clock.now.timestamp() < end:
        clock.advance(seconds=STEP_S)
        reminders.tick()


def test_direct_start_cues_follow_the_spoken_intro(tmp_path: Path) -> None:
    reminders, clock, channel = _breathing_service(tmp_path)
    intro = reminders.start_breathing("four_seven_eight")
    assert intro.startswith("Let's try four seven eight") and "dizzy" in intro
    exercise = reminders.content.exercises["four_seven_eight"]
    rate = reminders.settings.rate
    playing = _wav_seconds(intro, tmp_path, rate)  # the intro plays for as long as its WAV
    _drive_service(reminders, clock, playing)
    assert channel.timed == []  # no cue over the intro
    reminders.speech_finished(intro)  # what the assistant's channel hook reports
    ended = clock.now.timestamp()
    total = cue_script(exercise)[-1].offset + 1
    _drive_service(reminders, clock, total)
    expected = _expected(exercise, ended, rate)
    _assert_on_schedule(channel, expected)
    texts = [a.text for _, a in channel.timed]
    times = [at for at, _ in channel.timed]
    breathe_in, hold = texts.index("Breathe in"), texts.index("Hold")
    assert times[hold] - times[breathe_in] == pytest.approx(4.0, abs=TOLERANCE_S)
    assert times[breathe_in] >= ended + exercise.settle_seconds - TOLERANCE_S
    reminders.shutdown()


def test_cues_from_a_reminder_follow_the_whole_announcement(tmp_path: Path) -> None:
    reminders, clock, channel = _breathing_service(tmp_path)
    assert reminders.set_reminder("breathing", in_minutes=30).startswith(
        "Okay. I'll remind you to do a breathing exercise in 30 minutes"
    )
    clock.advance(minutes=30)
    reminders.tick()
    [(_, announcement)] = channel.timed
    exercise = reminders.content.exercises[reminders.settings.breathing_exercise]
    assert announcement.text == f"Time for a short breathing break. {exercise.intro}"
    rate = reminders.settings.rate
    playing = _wav_seconds(announcement.text, tmp_path, rate)
    _drive_service(reminders, clock, playing)
    assert len(channel.timed) == 1  # still only the reminder itself
    reminders.speech_finished(announcement.text)
    ended = clock.now.timestamp()
    _drive_service(reminders, clock, cue_script(exercise)[-1].offset + 1)
    channel.timed.pop(0)
    _assert_on_schedule(channel, _expected(exercise, ended, rate))
    reminders.shutdown()


def test_without_speech_reports_cues_follow_the_estimated_intro(tmp_path: Path) -> None:
    clock = FakeClock(START)
    channel = ClockChannel(clock)
    reminders = service(tmp_path, clock, channel, content_dir=_content_with(tmp_path, QUICK))
    reminders.start()
    began = clock.now.timestamp()
    intro = reminders.start_breathing("quick")
    assert intro == "Breathe with me. If you feel dizzy, stop and breathe normally."
    _drive_service(reminders, clock, 10.0)
    exercise = reminders.content.exercises["quick"]
    rate = reminders.settings.rate
    _assert_on_schedule(channel, _expected(exercise, began + estimate_seconds(intro, rate), rate))
    reminders.shutdown()


def test_a_lost_intro_report_still_starts_the_cues(tmp_path: Path) -> None:
    reminders, clock, channel = _breathing_service(tmp_path, _content_with(tmp_path, QUICK))
    began = clock.now.timestamp()
    intro = reminders.start_breathing("quick")
    wait = (
        estimate_seconds(intro, reminders.settings.rate)
        + reminders.settings.reminder_wait_seconds
        + INTRO_REPORT_GRACE_SECONDS
    )
    _drive_service(reminders, clock, wait - 0.2)
    assert channel.timed == []
    _drive_service(reminders, clock, 6.0)
    assert [a.text for _, a in channel.timed] == ["Breathe in", "Breathe out", "Well done."]
    assert abs(channel.timed[0][0] - (began + wait)) <= TOLERANCE_S
    reminders.shutdown()


def test_service_stop_breathing(tmp_path: Path) -> None:
    reminders, clock, channel = _breathing_service(tmp_path, _content_with(tmp_path, QUICK))
    intro = reminders.start_breathing()  # unknown default: the first one
    assert intro.startswith("Breathe with me.")
    reminders.speech_finished(intro)
    assert reminders.stop_breathing() == "Okay, stopping the breathing exercise."
    _drive_service(reminders, clock, 6.0)
    assert channel.timed == []
    assert reminders.stop_breathing() == "There's no breathing exercise running."
    reminders.shutdown()


def test_the_assistant_hook_reports_the_end_of_every_utterance(tmp_path: Path) -> None:
    reminders, clock, channel = _breathing_service(tmp_path, _content_with(tmp_path, QUICK))
    intro = reminders.start_breathing("quick")
    reply = Speech(intro, metadata={"turn": 1})  # the intro is the dialogue's reply
    mark_spoken(reminders, SpokenUtterance(reply, 0.0, 0.1, 2.0))
    ended = clock.now.timestamp()
    _drive_service(reminders, clock, 5.0)
    exercise = reminders.content.exercises["quick"]
    _assert_on_schedule(channel, _expected(exercise, ended, reminders.settings.rate))
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
    assert all("dizzy" in e.intro for e in content.exercises.values())
    assert len(content.prompts_for("before")) >= 3 and len(content.prompts_for("between")) >= 3
    warm = [p.text for p in content.prompts if "warm" in p.text or "massage" in p.text]
    assert warm and all("red or sore" in text for text in warm)  # the mastitis caveat


def test_bad_breathing_yaml_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _content_with(
        tmp_path,
        """exercises:
  - id: broken
    name: broken
    intro: Hello.
    caution: Take care.
    rounds: 3
    phases:
      - cue: Breathe in
        seconds: 90
      - cue: Out
      - cue: Breathe in slowly through your nose and fill your belly
        seconds: 1
    closing: Bye.
""",
    )
    with pytest.raises(ContentError) as caught:
        load_remind_content(folder)
    message = str(caught.value)
    path = folder / "breathing.yaml"
    assert f"{path}:5: exercises[0].caution: should tell her to stop if she feels dizzy" in message
    assert f"{path}:9: exercises[0].phases[0].seconds: 90 is outside" in message
    assert f"{path}:10: exercises[0].phases[1].seconds: missing" in message
    assert f"{path}:11: exercises[0].phases[2].cue: takes about" in message
    assert "longer than its 1 s phase" in message


def test_relaxation_prompt_needs_a_known_source(tmp_path: Path) -> None:
    folder = _content_with(tmp_path)
    path = folder / "relaxation.yaml"
    text = path.read_text()
    text = text.replace("    source: [nhs_expressing, abm_36_2022]\n", "", 1)
    text = text.replace("    source: nhs_diet\n", "    source: a_blog\n", 1)
    path.write_text(text)
    with pytest.raises(ContentError) as caught:
        load_remind_content(folder)
    message = str(caught.value)
    assert f"{path}:9: prompts[0].source: missing required field" in message
    assert "prompts[5].source: 'a_blog' is not in sources.yaml" in message


def test_relaxation_warmth_needs_the_mastitis_caveat(tmp_path: Path) -> None:
    folder = _content_with(tmp_path)
    path = folder / "relaxation.yaml"
    text = path.read_text()
    caveat = " If an area is red or sore, use something cool there instead."
    assert caveat in text
    path.write_text(text.replace(caveat, "", 1))
    with pytest.raises(ContentError) as caught:
        load_remind_content(folder)
    assert f"{path}:11: prompts[0].text: suggests warmth or massage" in str(caught.value)
