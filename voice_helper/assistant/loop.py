"""The hands-free loop: frames in, utterances out, replies spoken, stop cuts speech."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voice_helper.assistant.transcript import TranscriptLog
from voice_helper.assistant.turns import Turn, TurnTaker
from voice_helper.listen.audio import Frame
from voice_helper.listen.command_grammar import recognition_grammar
from voice_helper.listen.endpoint import Endpointer, Utterance
from voice_helper.listen.engine import RecognitionGrammar, SpeechEngine, Transcript
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance

_LOGGER = logging.getLogger(__name__)

BARGE_IN_CHECK_FRAMES = 4
"""While speaking, re-transcribe the speech heard so far every this many frames (120 ms)."""
BARGE_IN_MIN_FRAMES = 8
"""Frames of speech needed before a stop word can be recognised (240 ms)."""
FINAL_END_FRAMES = 7
"""After this many quiet frames (210 ms) a grammar sentence that no longer sentence extends
("snooze for ten minutes") is answered at once, instead of waiting out the closing window."""
EARLY_END_FRAMES = 10
"""After this many quiet frames (300 ms) any word-for-word command is answered, except one
with a number that the grammar cannot vouch is finished."""
CONTINUATION_S = 0.7
"""Speech heard this soon after an early answer is the rest of the same sentence ("tell me more
... about stress"): she cannot have heard the reply yet. The reply stops, and the whole sentence
is understood again: the same meaning gets the reply again, a new one becomes a new turn."""
ANSWER_INTENTS = frozenset({"yes", "no"})
"""Answers to an open question: answered after FINAL_END_FRAMES even if a longer sentence
starts with the same word."""
NUMBER_INTENTS = frozenset(
    {"set_reminder", "snooze", "log_amount", "answer_amount", "correct_amount", "log_past_session"}
)
"""Answered early only when complete: "every two hours ... and a half" may still be coming, and
"I got sixty ... millilitres" would otherwise be logged twice (a new meaning, a new turn)."""
BARGE_IN_WINDOW_S = 1.2
"""Only the latest audio is searched for a stop word: a long stretch of our own echo before
it would otherwise drown it in other words."""
AFTER_CUT_S = 1.0
"""Speech that starts this soon after a stop word cut the reply is the rest of that stop
phrase, or the reply's last buffered audio still leaving the speaker: never a new turn (over
the PulseAudio loopback, the tail of "be quiet" was heard as "I'm so tired")."""
HER_VOICE_FRAMES = 4
"""Voiced frames (120 ms) the echo canceller must call hers before speech begun over our own voice may
be an answer ("no" over the end of the question); with fewer it can only ever be a stop word."""
OVERLAP_MIN_SCORE = 1.0
"""Words begun over our own voice are taken only when they are a command word for word: a
"no" half masked by the echo was heard as "Mm.", which the matcher takes for "mm hmm", a yes."""
PRE_ROLL_S = 0.3
"""Audio kept around the stretch where her voice was told apart from ours (first consonant,
last syllable)."""
HER_GAP_S = 0.6
"""A frame called hers this long after the last one starts a new stretch: one stray frame
early in a long echo must not pull our own words into what is recognised."""


@dataclass
class _PendingTurn:
    turn: Turn
    speech_end_s: float
    emitted_s: float
    emitted_wall: float
    replies: list[dict[str, Any]] = field(default_factory=list)
    first_audio_wall: float | None = None
    remaining: int = 0


@dataclass
class _EarlyAnswer:
    """An utterance answered before the closing window, and what it led to."""

    utterance: Utterance
    turn: Turn
    at_s: float
    """Stream time it was answered."""
    reply_stopped: bool = False
    """She went on talking while its reply was under way, so the reply was stopped."""


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
        self.engine = engine
        self.engine_factory = engine_factory
        self.only_echo = only_echo
        self.her_voice = her_voice
        """True while the microphone holds her voice and not only ours (the echo canceller's
        verdict); None: the microphone cannot hear our speaker (a recording replayed, replies
        written to files), so whatever it hears is hers."""
        self.engine_failures = 0
        self.turns = turns
        self.channel = channel
        self.transcript = transcript or TranscriptLog(None)
        self.endpointer = endpointer or Endpointer()
        self.frame_filter = frame_filter
        self._lock = threading.Lock()
        self._pending: dict[int, _PendingTurn] = {}
        self._turn_ids = iter(range(1, 10**9))
        self._speech_started_while_speaking = False
        self._frames_in_speech = 0
        self._hers_frames = 0
        """Frames of the utterance begun over our own voice that the echo canceller called hers."""
        self._hers_from_s: float | None = None
        """Stream time her voice was first told apart from ours in that utterance."""
        self._hers_to_s = 0.0
        self._cut_at_s = -1e9
        """Stream time a stop word last cut the reply."""
        self._after_cut = False
        """The utterance in progress began right after a stop word cut the reply."""
        """Stream time of the end of the last frame called hers."""
        self._early: _EarlyAnswer | None = None
        """The last early-answered utterance, while its rest may still come."""
        self._continuing = False
        """The utterance in progress began right after an early answer (see CONTINUATION_S)."""
        self._grammars: dict[tuple[frozenset[str], bool], RecognitionGrammar] = {}
        self._grammar_for: tuple[frozenset[str], bool] | None = None
        self._last_frame_end_s = 0.0
        self._last_frame_wall = time.monotonic()
        self.stopped = threading.Event()
        self.barge_ins: list[float] = []
        """Monotonic times at which speech was cut by a stop word (for tests and logs)."""

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
        self._last_frame_end_s, self._last_frame_wall = frame.end_s, time.monotonic()
        was_in_speech = self.endpointer.in_speech
        utterance = self.endpointer.push(frame)
        if self.endpointer.in_speech and not was_in_speech:
            early = self._early
            self._continuing = early is not None and frame.end_s - early.at_s < CONTINUATION_S
            if self._continuing:
                self._stop_early_reply()
            self._speech_started_while_speaking = self._busy() and not self._continuing
            self._frames_in_speech = 0
            self._hers_frames, self._hers_from_s = 0, None
            self._after_cut = frame.end_s - self._cut_at_s < AFTER_CUT_S
            self.channel.hold_announcements()
        if self.endpointer.in_speech:
            self._frames_in_speech += 1
            if self._speech_started_while_speaking:
                self._note_her_voice(frame)
            if self._speech_started_while_speaking and self._busy():
                self._check_barge_in()
        if utterance is not None:
            self._on_utterance(utterance, frame.end_s, paced)
        elif (
            self.endpointer.trailing_silence_frames in (FINAL_END_FRAMES, EARLY_END_FRAMES)
            and (
                not self._speech_started_while_speaking
                or (self.her_voice is None and self._overlap_is_hers())
            )
            and not self._continuing
        ):
            self._try_early_end(
                frame, paced, final_only=self.endpointer.trailing_silence_frames == FINAL_END_FRAMES
            )

    # Over a live echo an overlapped utterance is never answered early: part of "be quiet"
    # under the echo was heard as "I'm not." (a no) on the PulseAudio loopback.

    def _note_her_voice(self, frame: Frame) -> None:
        """Count the voiced frames of an utterance begun over our voice that are hers.

        Only voiced frames: in a pause of our own speech the faint background outweighs an
        echo estimate of nothing, which says nothing about her.
        """
        if not self.endpointer.last_voiced:
            return
        if self.her_voice is None or self.her_voice():
            self._hers_frames += 1
            if self._hers_from_s is None or frame.start_s - self._hers_to_s > HER_GAP_S:
                self._hers_from_s = frame.start_s
            self._hers_to_s = frame.end_s

    def _overlap_is_hers(self) -> bool:
        """The utterance begun over our own voice holds enough of hers to be an answer."""
        return self.her_voice is None or self._hers_frames >= HER_VOICE_FRAMES

    def _hers_only(self, samples: np.ndarray, start_s: float) -> np.ndarray:
        """The stretch where her voice was told apart from ours (all of it, with no echo)."""
        if self.her_voice is None or self._hers_from_s is None:
            return samples
        first = int((self._hers_from_s - PRE_ROLL_S - start_s) * 16000)
        last = int((self._hers_to_s + PRE_ROLL_S - start_s) * 16000)
        return samples[max(0, first) : max(0, last)]

    def _try_early_end(self, frame: Frame, paced: bool, final_only: bool) -> None:
        """Answer now if what was said so far is already, word for word, a whole command."""
        audio = self.endpointer.current_audio()
        if audio is None:
            return
        if self._speech_started_while_speaking:
            audio = self._hers_only(audio, self.endpointer.current_start_s())
        started = time.monotonic()
        heard = self._recognise(audio)
        match = self.turns.matcher.match(heard.text)
        intent = match.intent
        # A bare yes or no to an open question is as good as finished: what could follow ("yes
        # I do") rarely changes it, and if it does she is still talking and the continuation
        # rule hears the whole sentence again.
        finished = heard.in_grammar and (
            not heard.may_continue
            or (intent is not None and intent.name in ANSWER_INTENTS and self.turns.dialogue.active)
        )
        if (
            self.turns.dialogue.accepted(intent) is None
            or match.score < 1.0
            or not self.turns.awake()
            or (final_only and not finished)
            or (intent.name in NUMBER_INTENTS and not finished)
        ):
            return
        quiet_s = self.endpointer.trailing_silence_frames * (frame.end_s - frame.start_s)
        utterance = self.endpointer.take_current()
        if utterance is not None:
            _LOGGER.debug("answered early: %r", heard.text)
            turn = self._on_utterance(
                utterance,
                frame.end_s,
                paced,
                heard=heard.text,
                started=started,
                speech_end_s=frame.end_s - quiet_s,
            )
            self._early = _EarlyAnswer(utterance, turn, frame.end_s) if turn else None

    def _busy(self) -> bool:
        return self.channel.speaking.is_set() or bool(self.channel.pending())

    def _check_barge_in(self) -> None:
        frames = self._frames_in_speech
        if frames < BARGE_IN_MIN_FRAMES or frames % BARGE_IN_CHECK_FRAMES:
            return
        if self.only_echo is not None and self.only_echo():
            return  # nothing but the remains of our own voice: not worth recognising
        audio = self.endpointer.current_audio()
        if audio is not None:
            audio = audio[-int(BARGE_IN_WINDOW_S * 16000) :]
        if audio is not None and self._is_stop(audio):
            self._cut()
            self.endpointer.reset()

    def _narrow(self, allowed: frozenset[str], wake: bool = False) -> None:
        """Hold the engine to the sentences of the intents that make sense now."""
        key = (allowed, wake)
        if key == self._grammar_for:
            return
        grammar = self._grammars.get(key)
        if grammar is None:
            grammar = recognition_grammar(
                self.turns.matcher.templates,
                set(allowed),
                meaning=self.turns.matcher.meaning,
                keep_free=self.turns.matcher.safety_heard,
            )
            if wake and self.turns.wake_tokens:
                grammar = grammar.with_sentence(tuple(self.turns.wake_tokens))
            self._grammars[key] = grammar
        self.engine.set_grammar(grammar)
        self._grammar_for = key

    def _transcribe(self, samples: np.ndarray, allowed: frozenset[str] | None = None) -> str:
        """The words heard; empty if the recogniser failed."""
        return self._recognise(samples, allowed).text

    def _recognise(self, samples: np.ndarray, allowed: frozenset[str] | None = None) -> Transcript:
        """Recognise speech; a recogniser that fails is logged and recreated, never fatal."""
        try:
            expected = frozenset(self.turns.dialogue.expected_intents())
            self._narrow(allowed or expected, wake=allowed is None and not self.turns.awake())
            return self.engine.transcribe(samples)
        except Exception:
            self.engine_failures += 1
            _LOGGER.exception("the recogniser failed; recreating it")
            if self.engine_factory is not None:
                try:
                    self.engine = self.engine_factory()
                    self._grammar_for = None  # the new engine has no grammar yet
                except Exception:
                    _LOGGER.exception("could not recreate the recogniser; will retry")
            return Transcript(text="", confidence=None, engine="failed")

    def _is_stop(self, samples: np.ndarray) -> bool:
        # Held to every sentence that makes sense now, not to stop words alone: with nothing to
        # compete against, any short sound would be forced into "stop".
        text = self._transcribe(samples)
        stop = self.turns.is_stop(text)
        _LOGGER.debug("heard while speaking: %r (stop=%s)", text, stop)
        return stop

    def _drop_queued_replies(self) -> None:
        """Drop the replies not yet begun; their turns are logged as cut, not left pending.

        Announcements stay queued: a reminder that fell due during the reply is still said.
        """
        for speech in self.channel.clear(Priority.REPLY, through=Priority.REPLY):
            turn_id = speech.metadata.get("turn")
            with self._lock:
                pending = self._pending.get(turn_id) if turn_id else None
                if pending is None:
                    continue
                pending.replies.append(
                    {"text": speech.text, "file": None, "cut": True, "error": None}
                )
                pending.remaining -= 1
                if pending.remaining > 0:
                    continue
                del self._pending[turn_id]
            self._write_turn(pending)

    def _stop_reply(self) -> None:
        """Stop the reply under way and those queued (safety advice is always heard out)."""
        self._drop_queued_replies()
        current = self.channel.current()
        if current is not None and current.priority is not Priority.SAFETY:
            self.channel.cancel_current()

    def _answer_over_reply(self, utterance: Utterance, heard: str | None) -> str | None:
        """Her words begun over our reply: the text to take as a turn, or None to drop them.

        Only a command that makes sense at this step is taken, and it stops the reply; talk
        to someone else, or a stray sound, leaves the reply playing.
        """
        self._speech_started_while_speaking = False
        busy = self._busy()
        if not self._overlap_is_hers() or not self.turns.awake():
            # Maybe only our own echo: it can only ever be a stop word.
            if busy and self._is_stop(utterance.samples):
                self._cut()
            return None
        if heard is None:
            heard = self._transcribe(self._hers_only(utterance.samples, utterance.start_s))
        match = self.turns.matcher.match(heard)
        intent = self.turns.dialogue.accepted(match.intent)
        if intent is None or match.score < OVERLAP_MIN_SCORE:
            _LOGGER.debug("heard over our own voice, not a command here: %r", heard)
            self.transcript.write(
                {
                    "event": "over_reply_not_taken",
                    "heard": heard,
                    "start_s": round(utterance.start_s, 3),
                }
            )
            return None
        self.transcript.write(
            {
                "event": "answer_over_reply",
                "heard": heard,
                "intent": intent.name,
                "reply_stopped": busy,
                "start_s": round(utterance.start_s, 3),
            }
        )
        if busy and intent.name == "stop":
            self._cut()
            return None
        if busy:
            self._stop_reply()
        return heard

    def _cut(self) -> None:
        self.barge_ins.append(time.monotonic())
        self._drop_queued_replies()
        self.channel.cancel_current()
        self.turns.dialogue.handle_stop_silently()
        _LOGGER.info("stopped speaking on request")
        # Stream time of the cut: lets a replayed recording check how soon after "stop" it came.
        at_s = self._last_frame_end_s + time.monotonic() - self._last_frame_wall
        self._cut_at_s = self._last_frame_end_s
        self.transcript.write({"event": "barge_in", "at_s": round(at_s, 3)})

    def _stop_early_reply(self) -> None:
        """She is still talking: stop the reply to the first part (never safety advice)."""
        if self._early is None or any(r.safety for r in self._early.turn.replies):
            return
        self._early.reply_stopped = self._busy()
        self._drop_queued_replies()
        self.channel.cancel_current()

    def _on_continuation(self, utterance: Utterance) -> Utterance | None:
        """Understand an early-answered sentence again with its rest; the whole, if it is new."""
        self._continuing = False
        early, self._early = self._early, None
        if early is None:
            return None
        first, turn = early.utterance, early.turn
        whole = Utterance(
            np.concatenate([first.samples, utterance.samples]), first.start_s, utterance.end_s
        )
        heard = self._transcribe(whole.samples)
        meaning = self.turns.matcher.meaning(heard)
        new = meaning is not None and meaning != (turn.intent.key() if turn.intent else None)
        _LOGGER.info(
            "heard the rest of an early-answered sentence: %r (%s)",
            heard,
            "a new turn" if new else "same meaning",
        )
        self.transcript.write(
            {
                "event": "continuation",
                "heard": heard,
                "new_turn": new,
                "start_s": round(utterance.start_s, 3),
            }
        )
        if new:
            return whole
        if early.reply_stopped:  # the same request: say the stopped reply after all
            for reply in turn.replies:
                self.channel.say(Speech(reply.text, Priority.REPLY, "reply", {"resumed": True}))
        return None

    def _on_utterance(
        self,
        utterance: Utterance,
        emitted_s: float,
        paced: bool,
        heard: str | None = None,
        started: float | None = None,
        speech_end_s: float | None = None,
    ) -> Turn | None:
        if self._after_cut:
            self._after_cut = self._speech_started_while_speaking = False
            _LOGGER.debug("dropped speech right after a stop word (%.2f s)", utterance.start_s)
            return None
        if self._continuing:
            whole = self._on_continuation(utterance)
            if whole is None:
                return None
            utterance, heard = whole, None
        if self._speech_started_while_speaking:
            heard = self._answer_over_reply(utterance, heard)
            if heard is None:
                return None
        emitted_wall = started if started is not None else time.monotonic()
        if speech_end_s is None:
            tail_s = self.endpointer.settings.tail_ms / 1000
            speech_end_s = max(utterance.start_s, utterance.end_s - tail_s)
        if heard is None:
            heard = self._transcribe(utterance.samples)
        turn = self.turns.take(heard)
        _LOGGER.info("heard %r -> %s", heard, turn.intent)
        pending = _PendingTurn(
            turn, speech_end_s, emitted_s, emitted_wall, remaining=len(turn.replies)
        )
        if not turn.replies:
            self._write_turn(pending)
        turn_id = next(self._turn_ids)
        with self._lock:
            self._pending[turn_id] = pending
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

    def on_started(self, speech: Speech, started_at: float) -> None:
        """Channel hook: a clip started playing."""
        turn_id = speech.metadata.get("turn")
        with self._lock:
            pending = self._pending.get(turn_id) if turn_id else None
            if pending is not None and pending.first_audio_wall is None:
                pending.first_audio_wall = started_at

    def on_finished(self, spoken: SpokenUtterance) -> None:
        """Channel hook: a clip finished, was cut, or failed."""
        turn_id = spoken.utterance.metadata.get("turn")
        if spoken.utterance.metadata.get("resumed"):
            return  # a reply said again after she finished her sentence
        if not turn_id:
            self._write_announcement(spoken)
            return
        with self._lock:
            pending = self._pending.get(turn_id)
            if pending is None:
                return
            pending.replies.append(
                {
                    "text": spoken.utterance.text,
                    "file": str(spoken.file) if spoken.file else None,
                    "cut": spoken.cut,
                    "error": spoken.error,
                }
            )
            pending.remaining -= 1
            if pending.remaining > 0:
                return
            del self._pending[turn_id]
        self._write_turn(pending)

    def _write_turn(self, pending: _PendingTurn) -> None:
        turn = pending.turn
        latency = None
        if pending.first_audio_wall is not None:
            hangover = pending.emitted_s - pending.speech_end_s
            latency = round((hangover + pending.first_audio_wall - pending.emitted_wall) * 1000)
        self.transcript.write(
            {
                "event": "turn",
                "heard": turn.heard,
                "intent": turn.intent.name if turn.intent else None,
                "slots": dict(turn.intent.slots) if turn.intent else {},
                "reply": " ".join(r["text"] for r in pending.replies),
                "reply_files": [r["file"] for r in pending.replies],
                "reply_file": pending.replies[0]["file"] if pending.replies else None,
                "latency_ms": latency,
                "speech_end_s": round(pending.speech_end_s, 3),
                "hangover_ms": round((pending.emitted_s - pending.speech_end_s) * 1000),
            }
        )

    def _write_announcement(self, spoken: SpokenUtterance) -> None:
        meta = spoken.utterance.metadata
        self.transcript.write(
            {
                "event": "announcement",
                "kind": spoken.utterance.kind,
                "text": spoken.utterance.text,
                "due_at": meta.get("due_at"),
                "spoken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "file": str(spoken.file) if spoken.file else None,
                "cut": spoken.cut,
            }
        )
