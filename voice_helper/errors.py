"""Exceptions a user can act on; each message says what to do next."""


class VoiceHelperError(Exception):
    """Base class for errors shown to the user as one clear message."""


class ContentError(VoiceHelperError):
    """Content YAML is missing, malformed or invalid."""


class ConfigError(VoiceHelperError):
    """The configuration file is malformed or invalid."""


class ModelMissing(VoiceHelperError):
    """A speech model is not installed or is damaged."""


class AudioError(VoiceHelperError):
    """An audio file or device cannot be used."""


class DurationError(VoiceHelperError):
    """A duration is malformed or out of range."""
