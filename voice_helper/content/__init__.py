"""Content: the YAML under content/ loaded and validated; problems name file, line and field."""

from voice_helper.content.cause import REMEDY_CHUNK, Cause
from voice_helper.content.loader import PROMPT_KEYS, Content, load_content
from voice_helper.content.troubleshooting import REQUIRED_CAUSES

__all__ = ["PROMPT_KEYS", "REMEDY_CHUNK", "REQUIRED_CAUSES", "Cause", "Content", "load_content"]
