"""A microphone that comes back: reopen with back-off when the device disappears."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

from voice_helper.errors import AudioError
from voice_helper.listen.audio import Frame, Microphone

_LOGGER = logging.getLogger(__name__)

SILENT_GAP_S = 3.0
"""A live microphone delivers a frame every 30 ms; this long without one means it is gone."""


def reconnecting_frames(
    open_microphone: Callable[[], Microphone],
    stop: threading.Event,
    first_delay_s: float = 0.5,
    max_delay_s: float = 30.0,
    on_state: Callable[[str], None] | None = None,
) -> Iterator[Frame]:
    """Frames from the microphone for as long as `stop` is clear, reopening it when it is lost.

    Stream times keep increasing across reconnections, so the endpointer sees one stream.
    """
    delay = first_delay_s
    offset = 0.0
    while not stop.is_set():
        try:
            microphone = open_microphone()
            microphone.start()
        except AudioError as exc:
            _LOGGER.warning("microphone unavailable (%s); retrying in %.1f s", exc, delay)
            if on_state:
                on_state("lost")
            stop.wait(delay)
            delay = min(max_delay_s, delay * 2)
            continue
        _LOGGER.info("microphone open")
        if on_state:
            on_state("open")
        delay = first_delay_s
        last_end = offset
        try:
            for frame in microphone.frames(timeout_s=SILENT_GAP_S):
                if stop.is_set():
                    break
                shifted = Frame(frame.samples, frame.start_s + offset)
                last_end = shifted.end_s
                yield shifted
        except AudioError as exc:
            _LOGGER.warning("microphone failed: %s", exc)
        finally:
            microphone.stop()
        offset = last_end
        if not stop.is_set():
            _LOGGER.warning("microphone went quiet; reopening")
            if on_state:
                on_state("lost")
