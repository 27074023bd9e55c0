"""The reminders' sentences, from content/prompts.yaml (its remind_ keys), so the words are
edited with the rest of the content and validated by `content check`."""

from __future__ import annotations

import logging
from pathlib import Path

from voice_helper.content import PROMPT_KEYS
from voice_helper.errors import ContentError
from voice_helper.yamlfile import load_yaml

_LOGGER = logging.getLogger(__name__)

PREFIX = "remind_"
"""The prompts.yaml keys that belong to the reminders."""


def load_prompt_group(content_dir: Path, prefix: str) -> dict[str, str]:
    """The prompts of content/prompts.yaml whose keys start with `prefix`, whitespace folded."""
    path = Path(content_dir) / "prompts.yaml"
    raw = load_yaml(path)
    wanted = [key for key in PROMPT_KEYS if key.startswith(prefix)]
    missing = [key for key in wanted if not isinstance(raw, dict) or key not in raw]
    if missing:
        raise ContentError(f"{path}: missing {', '.join(missing)}; run voice-helper content check")
    assert isinstance(raw, dict)
    return {key: " ".join(str(raw[key]).split()) for key in wanted}


class Phrases:
    """The reminders' sentences by key, with their {placeholders} filled in on the way out.

    The file is read when a sentence is first needed, as the log's prompts are: a folder
    without them fails there (ContentError), not when the reminders start.
    """

    def __init__(self, content_dir: Path):
        self.content_dir = Path(content_dir)
        self._texts: dict[str, str] | None = None

    def say(self, key: str, **values: object) -> str:
        """The sentence `remind_<key>` with its placeholders filled in."""
        if self._texts is None:
            self._texts = load_prompt_group(self.content_dir, PREFIX)
        return self._texts[PREFIX + key].format(**values)
