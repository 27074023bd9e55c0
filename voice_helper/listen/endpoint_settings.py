"""How the endpointer decides where an utterance starts and ends, with the measurements behind
each number (see listen/endpoint.py for how they are used)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointSettings:
    """How eagerly an utterance starts and how much silence ends it."""

    aggressiveness: int = 3
    """webrtcvad mode, 0 (lenient) .. 3 (strict about what is speech)."""
    start_window: int = 8
    """Frames looked at when deciding that speech has started (240 ms)."""
    start_voiced: int = 3
    """Voiced frames within start_window needed to start an utterance (one short syllable).
    Measured on 250-400 ms one-word answers in six voices over four pumps (108 clips, 5 dB
    SNR): 4 found 86% of them, 3 found 99%; neither started anything in 4 minutes of pump
    alone at 5 or 10 dB (percentile 80 with 3 did, once)."""
    min_voiced: int = 3
    """Utterances with fewer voiced frames than this are dropped as clicks and bumps (a short
    "no" over the pump clears the bar in as few as 3 frames)."""
    warm_up_frames: int = 33
    """Frames at the start of a stream spent learning the background before any utterance can
    start (1 s); speech already under way then is still caught from its first frame."""
    end_window: int = 24
    """Frames looked at when deciding that speech has ended (720 ms). Measured with
    benchmarks/speech_bench.py: 16 frames with end_voiced_max 1 answer ~170 ms sooner and never
    split "an hour and a half", but a swelling pump switched on after silence then becomes a
    train of short "utterances" that never teach the background (below 22 frames)."""
    end_voiced_max: int = 2
    """At most this many voiced frames within end_window end an utterance."""
    pre_roll_ms: int = 300
    """Audio kept from before the start decision, so no first syllable is lost."""
    tail_ms: int = 300
    """Trailing silence kept at the end of an utterance."""
    max_utterance_s: float = 10.0
    """An utterance is cut here even if the talking goes on."""
    gapless_check_s: float = 2.0
    """After this long in an utterance that is steady and never falls back to the old
    background, it is taken as a louder background (a pump switched on): dropped and learned."""
    steady_spread_db: float = 10.0
    """Loudness range (90th minus 10th percentile of frames) below which audio counts as steady;
    measured: speech 14-25 dB even in noise, unmodulated noise 1-4 dB."""
    noise_margin_db: float = 2.0
    """How far above the background level a frame must be to count as voiced. Measured: 4 dB
    missed 18% of commands said at 5 dB SNR over a pump, 2 dB 3%, with no pump-only triggers;
    1 dB let the pump trigger utterances."""
    noise_percentile: float = 90.0
    """Percentile of recent background frame energies taken as the background level."""
    noise_history_frames: int = 100
    """Background frames remembered for the background level (3 s)."""
    silence_floor_db: float = -55.0
    """Frames quieter than this (dBFS) are never voiced."""
