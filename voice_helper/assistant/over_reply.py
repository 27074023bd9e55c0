"""Her speech begun over our own reply: a stop word cuts the reply (barge-in), and an answer
to this step said over its end is taken and stops it; anything else leaves it playing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from voice_helper.assistant.recognition import Recogniser
from voice_helper.assistant.turn_log import TurnLog
from voice_helper.assistant.turns import TurnTaker
from voice_helper.listen.audio import Frame
from voice_helper.listen.endpoint import Endpointer, Utterance
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority

_LOGGER = logging.getLogger(__name__)

BARGE_IN_CHECK_FRAMES = 4
"""While speaking, re-transcribe the speech heard so far every this many frames (120 ms)."""
BARGE_IN_MIN_FRAMES = 8
"""Frames of speech needed before a stop word can be recognised (240 ms)."""
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


class OverReply:
    """Follows the utterance in progress when it began over our reply, and acts on it."""

    def __init__(
        self,
        turns: TurnTaker,
        channel: SpeechChannel,
        recogniser: Recogniser,
        log: TurnLog,
        only_echo: Callable[[], bool] | None = None,
        her_voice: Callable[[], bool] | None = None,
    ):
        self.turns = turns
        self.channel = channel
        self.recogniser = recogniser
        self.log = log
        self.only_echo = only_echo
        """True while the microphone holds nothing but the remains of our own voice."""
        self.her_voice = her_voice
        """True while the microphone holds her voice and not only ours (the echo canceller's
        verdict); None: the microphone cannot hear our speaker (a recording replayed, replies
        written to files), so whatever it hears is hers."""
        self.started = False
        """The utterance in progress began while we were speaking."""
        self._frames_in_speech = 0
        self._hers_frames = 0
        """Frames of the utterance begun over our own voice that the echo canceller called hers."""
        self._hers_from_s: float | None = None
        """Stream time her voice was first told apart from ours in that utterance."""
        self._hers_to_s = 0.0
        """Stream time of the end of the last frame called hers."""
        self._cut_at_s = -1e9
        """Stream time a stop word last cut the reply."""
        self._after_cut = False
        """The utterance in progress began right after a stop word cut the reply."""
        self._last_frame_end_s = 0.0
        self._last_frame_wall = time.monotonic()
        self.barge_ins: list[float] = []
        """Monotonic times at which speech was cut by a stop word (for tests and logs)."""

    def frame_arrived(self, frame: Frame) -> None:
        """Note the stream time of the latest frame (a cut is logged in stream time)."""
        self._last_frame_end_s, self._last_frame_wall = frame.end_s, time.monotonic()

    def speech_began(self, frame: Frame, over_reply: bool) -> None:
        """An utterance began with this frame; `over_reply`: while we were speaking."""
        self.started = over_reply
        self._frames_in_speech = 0
        self._hers_frames, self._hers_from_s = 0, None
        self._after_cut = frame.end_s - self._cut_at_s < AFTER_CUT_S

    def in_speech(self, frame: Frame, endpointer: Endpointer) -> None:
        """One more frame of the utterance: is it hers, and is it a stop word yet?"""
        self._frames_in_speech += 1
        if self.started:
            self._note_her_voice(frame, endpointer)
        if self.started and self.channel.busy():
            self._check_barge_in(endpointer)

    def take_after_cut(self) -> bool:
        """True (once) when the utterance began right after a stop word: it is dropped."""
        if not self._after_cut:
            return False
        self._after_cut = self.started = False
        return True

    # Over a live echo an overlapped utterance is never answered early: part of "be quiet"
    # under the echo was heard as "I'm not." (a no) on the PulseAudio loopback.
    def may_answer_early(self) -> bool:
        """The utterance in progress may be answered before its end."""
        return not self.started or (self.her_voice is None and self.overlap_is_hers())

    def overlap_is_hers(self) -> bool:
        """The utterance begun over our own voice holds enough of hers to be an answer."""
        return self.her_voice is None or self._hers_frames >= HER_VOICE_FRAMES

    def hers_only(self, samples: np.ndarray, start_s: float) -> np.ndarray:
        """The stretch where her voice was told apart from ours (all of it, with no echo)."""
        if self.her_voice is None or self._hers_from_s is None:
            return samples
        first = int((self._hers_from_s - PRE_ROLL_S - start_s) * 16000)
        last = int((self._hers_to_s + PRE_ROLL_S - start_s) * 16000)
        return samples[max(0, first) : max(0, last)]

    def answer(self, utterance: Utterance, heard: str | None) -> str | None:
        """Her words begun over our reply: the text to take as a turn, or None to drop them.

        Only a command that makes sense at this step is taken, and it stops the reply; talk
        to someone else, or a stray sound, leaves the reply playing.
        """
        self.started = False
        busy = self.channel.busy()
        if not self.overlap_is_hers() or not self.turns.awake():
            # Maybe only our own echo: it can only ever be a stop word.
            if busy and self.recogniser.is_stop(utterance.samples):
                self.cut()
            return None
        if heard is None:
            heard = self.recogniser.transcribe(self.hers_only(utterance.samples, utterance.start_s))
        match = self.turns.matcher.match(heard)
        intent = self.turns.dialogue.accepted(match.intent)
        if intent is None or match.score < OVERLAP_MIN_SCORE:
            _LOGGER.debug("heard over our own voice, not a command here: %r", heard)
            self.log.write(
                {
                    "event": "over_reply_not_taken",
                    "heard": heard,
                    "start_s": round(utterance.start_s, 3),
                }
            )
            return None
        self.log.write(
            {
                "event": "answer_over_reply",
                "heard": heard,
                "intent": intent.name,
                "reply_stopped": busy,
                "start_s": round(utterance.start_s, 3),
            }
        )
        if busy and intent.name == "stop":
            self.cut()
            return None
        if busy:
            self._stop_reply()
        return heard

    def cut(self) -> None:
        """A stop word: cut the reply and those queued, and end the conversation quietly."""
        self.barge_ins.append(time.monotonic())
        self.log.drop_queued_replies(self.channel)
        self.channel.cancel_current()
        self.turns.dialogue.handle_stop_silently()
        _LOGGER.info("stopped speaking on request")
        # Stream time of the cut: lets a replayed recording check how soon after "stop" it came.
        at_s = self._last_frame_end_s + time.monotonic() - self._last_frame_wall
        self._cut_at_s = self._last_frame_end_s
        self.log.write({"event": "barge_in", "at_s": round(at_s, 3)})

    def _note_her_voice(self, frame: Frame, endpointer: Endpointer) -> None:
        """Count the voiced frames of an utterance begun over our voice that are hers.

        Only voiced frames: in a pause of our own speech the faint background outweighs an
        echo estimate of nothing, which says nothing about her.
        """
        if not endpointer.last_voiced:
            return
        if self.her_voice is None or self.her_voice():
            self._hers_frames += 1
            if self._hers_from_s is None or frame.start_s - self._hers_to_s > HER_GAP_S:
                self._hers_from_s = frame.start_s
            self._hers_to_s = frame.end_s

    def _check_barge_in(self, endpointer: Endpointer) -> None:
        frames = self._frames_in_speech
        if frames < BARGE_IN_MIN_FRAMES or frames % BARGE_IN_CHECK_FRAMES:
            return
        if self.only_echo is not None and self.only_echo():
            return  # nothing but the remains of our own voice: not worth recognising
        audio = endpointer.current_audio()
        if audio is not None:
            audio = audio[-int(BARGE_IN_WINDOW_S * 16000) :]
        if audio is not None and self.recogniser.is_stop(audio):
            self.cut()
            endpointer.reset()

    def _stop_reply(self) -> None:
        """Stop the reply under way and those queued (safety advice is always heard out)."""
        self.log.drop_queued_replies(self.channel)
        current = self.channel.current()
        if current is not None and current.priority is not Priority.SAFETY:
            self.channel.cancel_current()
