"""voice-helper: an offline, hands-free voice assistant for pumping breast milk."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"
MODELS_DIR = PROJECT_ROOT / "models"
