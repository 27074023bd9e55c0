"""Inventory of microphones and speakers, telling real devices from virtual ones."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)

_ASOUND_CARDS = Path("/proc/asound/cards")


@dataclass
class Endpoint:
    """One source or sink of the sound server."""

    name: str
    """Sound-server name, e.g. alsa_input.usb-...; or a PortAudio device name."""
    real: bool
    """True for hardware (ALSA, USB, Bluetooth); False for monitors and null or virtual devices."""
    kind: str = ""
    """Why it is not real: "monitor of a speaker", "virtual device"."""


@dataclass
class Inventory:
    """What PortAudio and the sound server report."""

    inputs: list[str] = field(default_factory=list)
    """PortAudio input devices (what sounddevice can open)."""
    outputs: list[str] = field(default_factory=list)
    """PortAudio output devices."""
    server: str | None = None
    """Sound server name and version, when one answers."""
    sources: list[Endpoint] = field(default_factory=list)
    """Sound-server sources (microphones and monitors)."""
    sinks: list[Endpoint] = field(default_factory=list)
    """Sound-server sinks (speakers and null sinks)."""
    alsa_cards: list[str] | None = None
    """Lines of /proc/asound/cards; None when ALSA is absent."""
    error: str = ""
    """Why PortAudio could not be asked, if it could not."""


def classify(entry: dict[str, Any]) -> Endpoint:
    """Tell a hardware endpoint from a monitor or virtual one by its pactl properties."""
    props = entry.get("properties") or {}
    name = str(entry.get("name", "?"))
    device_class = props.get("device.class", "")
    if device_class == "monitor" or name.endswith(".monitor"):
        return Endpoint(name, False, "monitor of a speaker")
    if device_class == "sound" or "device.api" in props:
        return Endpoint(name, True)
    return Endpoint(name, False, "virtual device")


def _pactl(*args: str) -> Any:
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        result = subprocess.run(
            [pactl, "-f", "json", *args], capture_output=True, text=True, timeout=10, check=False
        )
        return json.loads(result.stdout) if result.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def _portaudio(inventory: Inventory) -> None:
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        inventory.error = f"sounddevice/PortAudio cannot be loaded: {exc}"
        return
    try:
        devices = list(sounddevice.query_devices())
    except Exception as exc:  # noqa: BLE001 - PortAudio raises its own error types
        inventory.error = f"PortAudio cannot list devices: {exc}"
        return
    inventory.inputs = [d["name"] for d in devices if d.get("max_input_channels", 0) > 0]
    inventory.outputs = [d["name"] for d in devices if d.get("max_output_channels", 0) > 0]


def take_inventory() -> Inventory:
    """Ask PortAudio, the sound server (via pactl) and ALSA what devices exist."""
    inventory = Inventory()
    _portaudio(inventory)
    info = _pactl("info")
    if isinstance(info, dict):
        inventory.server = (
            f"{info.get('server_name', '?')} {info.get('server_version', '')}".strip()
        )
        inventory.sources = [classify(e) for e in _pactl("list", "sources") or []]
        inventory.sinks = [classify(e) for e in _pactl("list", "sinks") or []]
    try:
        text = _ASOUND_CARDS.read_text()
        inventory.alsa_cards = [line for line in text.splitlines() if line[:3].strip().isdigit()]
    except OSError:
        inventory.alsa_cards = None
    return inventory
