"""Noise suppressors tried in front of the recogniser (the lever "noise suppression").

Neither is a dependency of voice-helper: both made Moonshine less accurate over the pump (see the
README's speech benchmark section). To repeat the measurement:
`.venv/bin/pip install noisereduce pyrnnoise`, then `benchmarks/speech_bench.py --denoise NAME`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Suppressor = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(utterance int16, background heard just before it int16) -> cleaned int16."""

NAMES = ("none", "noisereduce", "rnnoise")
SAMPLE_RATE = 16000


def suppressor(name: str) -> Suppressor | None:
    """The suppressor called `name`; None for no suppression."""
    if name == "none":
        return None
    if name == "noisereduce":
        return _spectral_gate
    if name == "rnnoise":
        return _rnnoise
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
