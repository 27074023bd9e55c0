"""The hands-free loop: frames in, utterances out, replies spoken, stop cuts speech.

The loop itself is here; what it leans on has a module each: recognition.py (the engine held
to this step's sentences), over_reply.py (speech begun over our own reply: barge-in and
answers), early_answer.py (answering before the closing window) and turn_log.py (the
transcript, one event per turn once its replies have ended).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from voice_helper.assistant.early_answer import EARLY_END_FRAMES, FINAL_END_FRAMES, EarlyAnswers
from voice_helper.assistant.over_reply import OverReply
from voice_helper.assistant.recognition import Recogniser
from voice_helper.assistant.turn_log import TranscriptLog, TurnLog
from voice_helper.assistant.turns import Turn, TurnTaker
from voice_helper.listen.audio import Frame
from voice_helper.listen.endpoint import Endpointer, Utterance
from voice_helper.listen.engine import SpeechEngine
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority, Speech

_LOGGER = logging.getLogger(__name__)


class Assistant:
    """Runs the conversation over a stream of audio frames."""

    def __init__(
        self,
        engine: SpeechEngine,
        turns: TurnTaker,
        channel: SpeechChannel,
        transcript: TranscriptLog | None = None,
        endpointer: Endpointer | None = None,
        frame_filter: Callable[[Frame], Frame] | None = None,
        engine_factory: Callable[[], SpeechEngine] | None = None,
        only_echo: Callable[[], bool] | None = None,
        her_voice: Callable[[], bool] | None = None,
    ):
        self.turns = turns
        self.channel = channel
        self.transcript = transcript or TranscriptLog(None)
        self.endpointer = endpointer or Endpointer()
        self.frame_filter = frame_filter
        self.log = TurnLog(self.transcript)
        """Turns held until their replies have ended; the channel's hooks report to it."""
        self.recogniser = Recogniser(engine, turns, engine_factory)
        self.over_reply = OverReply(turns, channel, self.recogniser, self.log, only_echo, her_voice)
        self.early = EarlyAnswers(turns, channel, self.recogniser, self.log)
        self.stopped = threading.Event()

    @property
    def engine_failures(self) -> int:
        """How many times the recogniser failed."""
        return self.recogniser.failures

    def run(self, frames: Iterable[Frame], realtime: bool = False) -> None:
        """Process frames until they run out or stop() is called."""
        start_wall = time.monotonic()
        first_start: float | None = None
        for frame in frames:
            if self.stopped.is_set():
                break
            if realtime:
                first_start = frame.start_s if first_start is None else first_start
                delay = start_wall + (frame.end_s - first_start) - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            self.push(frame, paced=realtime)
        last = self.endpointer.flush()
        if last is not None:
            self._on_utterance(last, last.end_s, paced=realtime)
        self.channel.wait_idle(timeout=120)

    def stop(self) -> None:
        """Ask run() to return after the current frame."""
        self.stopped.set()

    def push(self, frame: Frame, paced: bool = True) -> None:
        """Take one frame of microphone audio."""
        if self.frame_filter is not None:
            frame = self.frame_filter(frame)
        self.over_reply.frame_arrived(frame)
        was_in_speech = self.endpointer.in_speech
        utterance = self.endpointer.push(frame)
        if self.endpointer.in_speech and not was_in_speech:
            continuing = self.early.speech_began(frame.end_s)
            self.over_reply.speech_began(frame, self.channel.busy() and not continuing)
            self.channel.hold_announcements()
        if self.endpointer.in_speech:
            self.over_reply.in_speech(frame, self.endpointer)
        if utterance is not None:
            self._on_utterance(utterance, frame.end_s, paced)
        elif (
            self.endpointer.trailing_silence_frames in (FINAL_END_FRAMES, EARLY_END_FRAMES)
            and self.over_reply.may_answer_early()
            and not self.early.continuing
        ):
            self._try_early_end(
                frame, paced, final_only=self.endpointer.trailing_silence_frames == FINAL_END_FRAMES
            )

    def _try_early_end(self, frame: Frame, paced: bool, final_only: bool) -> None:
        """Answer now if what was said so far is already, word for word, a whole command."""
        audio = self.endpointer.current_audio()
        if audio is None:
            return
        if self.over_reply.started:
            audio = self.over_reply.hers_only(audio, self.endpointer.current_start_s())
        started = time.monotonic()
        heard = self.recogniser.recognise(audio)
        if not self.early.is_whole_command(heard, final_only):
            return
        quiet_s = self.endpointer.trailing_silence_frames * (frame.end_s - frame.start_s)
        utterance = self.endpointer.take_current()
        if utterance is not None:
            _LOGGER.debug("answered early: %r", heard.text)
            before = self.turns.dialogue.snapshot()
            speech_end_s = frame.end_s - quiet_s
            turn = self._on_utterance(
                utterance,
                frame.end_s,
                paced,
                heard=heard.text,
                started=started,
                speech_end_s=speech_end_s,
            )
            self.early.answered(utterance, turn, frame.end_s, before, speech_end_s)

    def _on_utterance(
        self,
        utterance: Utterance,
        emitted_s: float,
        paced: bool,
        heard: str | None = None,
        started: float | None = None,
        speech_end_s: float | None = None,
    ) -> Turn | None:
        if self.over_reply.take_after_cut():
            _LOGGER.debug("dropped speech right after a stop word (%.2f s)", utterance.start_s)
            return None
        if self.early.continuing:
            whole = self.early.rest_of(utterance)
            if whole is None:
                return None
            utterance, heard = whole, None
        if self.over_reply.started:
            heard = self.over_reply.answer(utterance, heard)
            if heard is None:
                return None
        emitted_wall = started if started is not None else time.monotonic()
        if speech_end_s is None:
            tail_s = self.endpointer.settings.tail_ms / 1000
            speech_end_s = max(utterance.start_s, utterance.end_s - tail_s)
        if heard is None:
            heard = self.recogniser.transcribe(utterance.samples)
        turn = self.turns.take(heard)
        _LOGGER.info("heard %r -> %s", heard, turn.intent)
        turn_id = self.log.open(turn, speech_end_s, emitted_s, emitted_wall)
        for reply in turn.replies:
            priority = Priority.SAFETY if reply.safety else Priority.REPLY
            kind = "safety" if reply.safety else "reply"
            self.channel.say(Speech(reply.text, priority, kind, {"turn": turn_id}))
        if not self.turns.dialogue.active:
            self.channel.release_announcements()
        if not paced:
            # Replaying a file faster than real time: let the reply finish before the next words.
            self.channel.wait_idle(timeout=120)
        return turn
