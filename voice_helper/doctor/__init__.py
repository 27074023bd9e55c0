"""`voice-helper doctor`: every check in order, and the exit status they give."""

from __future__ import annotations

from pathlib import Path

from voice_helper import DEFAULT_CONTENT_DIR, platform_support
from voice_helper.audiodevices import take_inventory
from voice_helper.config import config_path
from voice_helper.doctor.device_checks import (
    check_engine,
    check_microphone,
    check_speaker,
    check_tts,
    engine_fallback,
)
from voice_helper.doctor.result import FAIL, PASS, WARN, CheckResult
from voice_helper.doctor.setup_checks import (
    check_config,
    check_content,
    check_crisis_line,
    check_job_store,
    check_network,
    check_platform,
    check_python,
    check_service,
    store_dir,
)
from voice_helper.platform_support import Machine


def run_checks(
    config_file: Path | None = None,
    content_dir: Path | None = None,
    machine: Machine | None = None,
) -> list[CheckResult]:
    """Run every check in order; the config is loaded first so the others use it."""
    config_result, settings = check_config(config_file or config_path())
    machine = machine or platform_support.this_machine()
    inventory = take_inventory()
    directory = content_dir or (
        Path(settings.content_dir).expanduser() if settings.content_dir else DEFAULT_CONTENT_DIR
    )
    return [
        config_result,
        check_python(machine),
        check_platform(machine),
        check_microphone(inventory, settings),
        check_speaker(inventory, settings),
        check_tts(settings),
        check_engine(settings),
        check_content(directory),
        check_crisis_line(settings),
        check_job_store(store_dir()),
        check_service(),
        check_network(),
    ]


def exit_status(results: list[CheckResult]) -> int:
    """1 when any check failed (run cannot work), else 0; warnings do not count."""
    return 1 if any(r.status == FAIL for r in results) else 0


__all__ = [
    "FAIL",
    "PASS",
    "WARN",
    "CheckResult",
    "check_config",
    "check_content",
    "check_crisis_line",
    "check_engine",
    "check_job_store",
    "check_microphone",
    "check_network",
    "check_platform",
    "check_python",
    "check_service",
    "check_speaker",
    "check_tts",
    "engine_fallback",
    "exit_status",
    "run_checks",
]
