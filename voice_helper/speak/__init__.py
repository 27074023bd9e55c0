"""Speech output: text to speech and the single ordered output channel."""

from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.sinks import ChunkHook, Played, Sink, SoundDeviceSink, WavDirSink
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance
from voice_helper.speak.tts import SpeechClip, SpeechSynthesizer, TtsError, VoiceSettings

__all__ = [
    "ChunkHook",
    "Played",
    "Priority",
    "Sink",
    "SoundDeviceSink",
    "Speech",
    "SpeechChannel",
    "SpeechClip",
    "SpeechSynthesizer",
    "SpokenUtterance",
    "TtsError",
    "VoiceSettings",
    "WavDirSink",
]
