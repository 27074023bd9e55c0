"""One doctor check's outcome: PASS, WARN or FAIL, what was found and what to do."""

from __future__ import annotations

from dataclasses import dataclass

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"


@dataclass
class CheckResult:
    """The outcome of one doctor check."""

    name: str
    """Short name: microphone, speaker, tts, ..."""
    status: str
    """PASS, WARN or FAIL; FAIL means `voice-helper run` will not work (or leaks to the net)."""
    detail: str
    """What was found."""
    advice: str = ""
    """What to do about a WARN or FAIL."""

    def line(self) -> str:
        """One line for the terminal."""
        text = f"{self.status}  {self.name:<10}  {self.detail}"
        return f"{text} -> {self.advice}" if self.advice and self.status != PASS else text


def first_line(exc: BaseException) -> str:
    """The first problem of a (possibly multi-line) error, skipping a "...:" header."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return lines[1]
    return lines[0] if lines else type(exc).__name__
