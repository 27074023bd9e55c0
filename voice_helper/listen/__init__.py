"""Listen: audio sources, endpointing and speech engines (audio -> text)."""

from voice_helper.listen.audio import FRAME_SAMPLES, SAMPLE_RATE, Frame
from voice_helper.listen.endpoint import Endpointer, Utterance
from voice_helper.listen.endpoint_settings import EndpointSettings
from voice_helper.listen.engine import SpeechEngine, Transcript

__all__ = [
    "FRAME_SAMPLES",
    "SAMPLE_RATE",
    "EndpointSettings",
    "Endpointer",
    "Frame",
    "SpeechEngine",
    "Transcript",
    "Utterance",
]
