"""Noise suppressors tried in front of the recogniser (the lever "noise suppression").

Neither is a dependency of voice-helper: both made Moonshine less accurate over the pump (see the
README's speech benchmark section). To repeat the measurement:
`.venv/bin/pip install noisereduce pyrnnoise webrtc-noise-gain`, then `benchmarks/speech_bench.py --denoise NAME`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Suppressor = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(utterance int16, background heard just before it int16) -> cleaned int16."""

NAMES = ("none", "noisereduce", "rnnoise", "webrtc")
SAMPLE_RATE = 16000


def suppressor(name: str) -> Suppressor | None:
    """The suppressor called `name`; None for no suppression."""
    if name == "none":
        return None
    if name == "noisereduce":
        return _spectral_gate
    if name == "rnnoise":
        return _rnnoise
    if name == "webrtc":
        return _webrtc_noise_gain
    raise ValueError(f"unknown suppressor {name!r}; choose one of {', '.join(NAMES)}")


def _spectral_gate(utterance: np.ndarray, background: np.ndarray) -> np.ndarray:
    """noisereduce's spectral gating, the pump's profile learned from the pause before."""
    import noisereduce

    noise = background.astype(np.float32) if background.size >= SAMPLE_RATE // 4 else None
    cleaned = noisereduce.reduce_noise(
        y=utterance.astype(np.float32),
        sr=SAMPLE_RATE,
        y_noise=noise,
        stationary=False,
        prop_decrease=0.5,
    )
    return np.clip(cleaned, -32768, 32767).astype(np.int16)


def _rnnoise(utterance: np.ndarray, background: np.ndarray) -> np.ndarray:
    """RNNoise run over the pause and the utterance, as a filter on the stream would be."""
    from pyrnnoise import RNNoise

    stream = np.concatenate([background, utterance]).astype(np.int16)
    frames = [
        frame for _, frame in RNNoise(SAMPLE_RATE).denoise_chunk(stream[None, :], partial=True)
    ]
    cleaned = np.concatenate(frames, axis=1)[0] if frames else stream
    cleaned = np.pad(cleaned, (0, max(0, stream.size - cleaned.size)))[: stream.size]
    return cleaned[background.size :].astype(np.int16)


WEBRTC_NOISE_SUPPRESSION = 2
"""webrtc-noise-gain's level (0-4); 2 with gain 5 dBFS is the setting wyoming-satellite suggests."""
WEBRTC_AUTO_GAIN_DBFS = 5


def _webrtc_noise_gain(utterance: np.ndarray, background: np.ndarray) -> np.ndarray:
    """WebRTC noise suppression and automatic gain (webrtc-noise-gain) over pause and utterance."""
    from webrtc_noise_gain import AudioProcessor

    processor = AudioProcessor(WEBRTC_AUTO_GAIN_DBFS, WEBRTC_NOISE_SUPPRESSION)
    stream = np.concatenate([background, utterance]).astype(np.int16)
    chunk = SAMPLE_RATE // 100
    padded = np.pad(stream, (0, -stream.size % chunk))
    cleaned = [
        np.frombuffer(processor.Process10ms(padded[i : i + chunk].tobytes()).audio, np.int16)
        for i in range(0, padded.size, chunk)
    ]
    out = np.concatenate(cleaned)[: stream.size] if cleaned else stream
    return out[background.size :].astype(np.int16)
