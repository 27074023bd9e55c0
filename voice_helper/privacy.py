"""Nothing leaves the machine: the switches that keep libraries from phoning home."""

from __future__ import annotations

import os
from types import ModuleType

TELEMETRY_OFF = {"ORT_DISABLE_TELEMETRY": "1"}
"""Read by onnxruntime when it starts: with it, no uploader, no events database and no device
id under ~/.cache/Microsoft/DeveloperTools/.onnxruntime (checked with onnxruntime 1.32)."""


def keep_at_home() -> None:
    """Switch library telemetry off for this process and the processes it starts."""
    os.environ.update(TELEMETRY_OFF)


def load_onnxruntime() -> ModuleType:
    """onnxruntime, with its telemetry off before the first session is made."""
    keep_at_home()
    import onnxruntime

    onnxruntime.disable_telemetry_events()
    return onnxruntime
