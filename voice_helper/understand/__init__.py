"""Understand: text -> Intent(name, slots), from sentence templates in content/intents.yaml."""

from voice_helper.intent import Intent

__all__ = ["Intent"]
