"""Build a running assistant from settings: engine, matcher, dialogue, speech channel, reminders."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_helper.assistant.loop import Assistant
from voice_helper.assistant.turn_log import TranscriptLog
from voice_helper.assistant.turns import TurnTaker
from voice_helper.config import Settings, cache_dir
from voice_helper.content import Content
from voice_helper.content.countries import NO_COUNTRY
from voice_helper.dialogue.manager import CrisisContacts, Dialogue
from voice_helper.listen.echo import EchoCanceller
from voice_helper.listen.engine import SpeechEngine
from voice_helper.listen.engine_choice import choose_engine
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.paced import PacedWavDirSink
from voice_helper.speak.sinks import Sink, SoundDeviceSink, WavDirSink
from voice_helper.speak.tts import SpeechSynthesizer, VoiceSettings
from voice_helper.understand.understander import Understander

_LOGGER = logging.getLogger(__name__)


@dataclass
class Running:
    """Everything a running assistant owns, so it can be closed in order."""

    assistant: Assistant
    channel: SpeechChannel
    engine: SpeechEngine
    engine_reason: str
    reminders: Any = None

    def close(self) -> None:
        """Stop reminders, finish speaking, release the engine."""
        if self.reminders is not None:
            self.reminders.shutdown()
        self.channel.close()


def build_understander(content: Content) -> Understander:
    """Understanding for this content: safety rules, templates and the cached meaning model."""
    return Understander.from_content(content, cache_dir=cache_dir())


def build(
    settings: Settings,
    content: Content,
    *,
    output_dir: Path | None = None,
    engine: SpeechEngine | None = None,
    with_reminders: bool = True,
    sink: Sink | None = None,
    paced_output: bool = False,
    echo_cancel: bool = False,
    reminders_dir: Path | None = None,
) -> Running:
    """Wire the parts together; output_dir selects numbered WAV files instead of the speaker."""
    reason = "given by the caller"
    if engine is None:
        engine, reason = choose_engine(settings)
    assert content.templates is not None
    matcher = build_understander(content)
    if sink is None and output_dir is not None:
        sink = PacedWavDirSink(WavDirSink(output_dir)) if paced_output else WavDirSink(output_dir)
    if sink is None:
        sink = SoundDeviceSink(settings.output_device)
    channel = SpeechChannel(
        SpeechSynthesizer(VoiceSettings.from_settings(settings)),
        sink,
        reminder_wait_seconds=settings.reminder_wait_seconds,
    )
    reminders = _reminders(settings, content, channel, reminders_dir) if with_reminders else None
    dialogue = Dialogue(
        content,
        reminders=reminders,
        contacts=contacts_for(settings, content),
    )
    turns = TurnTaker(matcher, dialogue, settings.wake_phrase, settings.wake_idle_seconds)
    transcript = TranscriptLog(output_dir / "transcript.jsonl" if output_dir else None)
    echo = EchoCanceller() if echo_cancel else None
    assistant = Assistant(
        engine,
        turns,
        channel,
        transcript,
        frame_filter=echo.process if echo else None,
        engine_factory=lambda: choose_engine(settings)[0],
        only_echo=echo.only_echo if echo else None,
        her_voice=_her_voice(echo, sink),
    )
    if echo is not None:
        channel.on_play_chunk = echo.add_reference
    channel.on_started = assistant.log.on_started
    channel.on_finished = _chain(assistant.log.on_finished, reminders)
    return Running(assistant, channel, engine, reason, reminders)


def _her_voice(echo: EchoCanceller | None, sink: Sink) -> Callable[[], bool] | None:
    """Who tells her voice from ours: the echo canceller; nobody needs to when the replies
    go to files; with a speaker and no canceller, nothing heard over a reply is ever hers."""
    if echo is not None:
        return echo.her_voice
    if isinstance(sink, (WavDirSink, PacedWavDirSink)):
        return None
    return lambda: False


def _reminders(
    settings: Settings, content: Content, channel: SpeechChannel, data_dir: Path | None
) -> Any:
    """The reminder service, announcing through the channel."""
    from voice_helper.assistant.announce import start_reminders

    return start_reminders(settings, content, channel, data_dir)


def _chain(on_finished: Any, reminders: Any) -> Any:
    """Tell the transcript, then the reminders (so a spoken reminder is marked spoken)."""
    if reminders is None:
        return on_finished

    def both(spoken: Any) -> None:
        on_finished(spoken)
        from voice_helper.assistant.announce import mark_spoken

        mark_spoken(reminders, spoken)

    return both


def contacts_for(settings: Settings, content: Content) -> CrisisContacts:
    """Who the safety replies name: her country's lines from the content, the config's own first."""
    code = settings.country or NO_COUNTRY
    country = content.countries.get(code) or content.countries.get(NO_COUNTRY)
    return CrisisContacts.for_country(country, settings.emergency_number, settings.crisis_line)
