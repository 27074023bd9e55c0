"""Noise suppressors tried in front of the recogniser (the lever "noise suppression")."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Suppressor = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(utterance int16, background heard just before it int16) -> cleaned int16."""

NAMES = ("none",)


def suppressor(name: str) -> Suppressor | None:
    """The suppressor called `name`; None for no suppression."""
    if name == "none":
        return None
    raise ValueError(f"unknown suppressor {name!r}; choose one of {', '.join(NAMES)}")
