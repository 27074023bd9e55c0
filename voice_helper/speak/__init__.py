"""Speech output: text to speech and the single ordered output channel."""

from voice_helper.speak.channel import Priority, SpeechChannel, SpokenUtterance, Utterance
from voice_helper.speak.sinks import ChunkHook, Played, Sink, SoundDeviceSink, WavDirSink
from voice_helper.speak.tts import SpeechClip, SpeechSynthesizer, TtsError, VoiceSettings
from voice_helper.speak.wav import read_wav_mono

__all__ = [
    "ChunkHook",
    "Played",
    "Priority",
    "Sink",
    "SoundDeviceSink",
    "SpeechChannel",
    "SpeechClip",
    "SpeechSynthesizer",
    "SpokenUtterance",
    "TtsError",
    "Utterance",
    "VoiceSettings",
    "WavDirSink",
    "read_wav_mono",
]
