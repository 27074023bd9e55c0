"""voice-helper: an offline, hands-free voice assistant for pumping breast milk."""

from pathlib import Path

from voice_helper.privacy import keep_at_home

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"
MODELS_DIR = PROJECT_ROOT / "models"

# Before anything can import onnxruntime: it reads the switch when it starts.
keep_at_home()
