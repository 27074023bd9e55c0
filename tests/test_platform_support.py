"""Which Pythons and platforms are supported, what doctor and setup.sh say about the others."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from voice_helper import PROJECT_ROOT, platform_support
from voice_helper.doctor import FAIL, PASS, check_platform, check_python
from voice_helper.platform_support import Machine

DEBIAN_12 = Machine(
    python=(3, 11, 2),
    python_path="/home/me/voice-helper/.venv/bin/python",
    system="Linux",
    libc="glibc",
    libc_version="2.36",
    architecture="x86_64",
    pointer_bits=64,
    os_name="Debian GNU/Linux 12 (bookworm)",
)
PI_5 = dataclasses.replace(
    DEBIAN_12, architecture="aarch64", board="Raspberry Pi 5 Model B Rev 1.0"
)


def test_supported_pythons_are_3_11_to_3_13():
    for version in ((3, 11, 0), (3, 12, 1), (3, 13, 0)):
        assert (
            platform_support.python_problem(dataclasses.replace(DEBIAN_12, python=version)) is None
        )
    for version in ((3, 10, 13), (3, 14, 0), (2, 7, 18)):
        problem = platform_support.python_problem(dataclasses.replace(DEBIAN_12, python=version))
        assert problem is not None and "use 3.11, 3.12 or 3.13" in problem
        assert "VOICE_HELPER_PYTHON" in problem


def test_requires_python_matches_the_supported_range():
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11,<3.14"' in pyproject
    assert platform_support.OLDEST_PYTHON == (3, 11)
    assert platform_support.NEWEST_PYTHON == (3, 13)


def test_debian_ubuntu_and_a_64_bit_pi_are_supported():
    assert platform_support.platform_problem(DEBIAN_12) is None
    assert platform_support.platform_problem(PI_5) is None
    ubuntu_22 = dataclasses.replace(DEBIAN_12, libc_version="2.35", os_name="Ubuntu 22.04.4 LTS")
    assert platform_support.platform_problem(ubuntu_22) is None


def test_old_glibc_cannot_install_the_speech_engine():
    debian_11 = dataclasses.replace(DEBIAN_12, libc_version="2.31", os_name="Debian 11")
    problem = platform_support.platform_problem(debian_11)
    assert problem is not None
    assert "glibc 2.31 is too old" in problem and "2.34 or newer" in problem
    assert "Debian 12" in problem


def test_a_32_bit_pi_needs_the_64_bit_os():
    pi_32 = dataclasses.replace(PI_5, architecture="armv7l", pointer_bits=32)
    problem = platform_support.platform_problem(pi_32)
    assert problem is not None and "64-bit Raspberry Pi OS" in problem
    # A 64-bit kernel under a 32-bit userland still says aarch64; the Python's pointers do not.
    userland_32 = dataclasses.replace(PI_5, pointer_bits=32)
    assert "64-bit Raspberry Pi OS" in (platform_support.platform_problem(userland_32) or "")


def test_other_processors_systems_and_c_libraries_are_refused_with_a_reason():
    riscv = platform_support.platform_problem(
        dataclasses.replace(DEBIAN_12, architecture="riscv64")
    )
    assert riscv is not None and "x86_64 and aarch64" in riscv
    alpine = dataclasses.replace(DEBIAN_12, libc="musl", libc_version="")
    assert "not Alpine" in (platform_support.platform_problem(alpine) or "")
    mac = dataclasses.replace(DEBIAN_12, system="Darwin", libc="", architecture="arm64")
    assert "needs Linux" in (platform_support.platform_problem(mac) or "")


def test_descriptions_name_python_system_c_library_and_processor():
    assert platform_support.describe_python(DEBIAN_12) == (
        "Python 3.11.2 at /home/me/voice-helper/.venv/bin/python"
    )
    assert platform_support.describe_platform(DEBIAN_12) == (
        "Debian GNU/Linux 12 (bookworm), glibc 2.36, x86_64"
    )
    assert platform_support.describe_platform(PI_5) == (
        "Debian GNU/Linux 12 (bookworm), Raspberry Pi 5 Model B Rev 1.0, glibc 2.36, aarch64"
    )


def test_doctor_lines_for_python_and_platform():
    assert check_python(DEBIAN_12).line() == (
        "PASS  python      Python 3.11.2 at /home/me/voice-helper/.venv/bin/python"
    )
    old = check_platform(dataclasses.replace(DEBIAN_12, libc_version="2.31"))
    assert old.status == FAIL
    assert old.line().startswith("FAIL  platform    Debian GNU/Linux 12 (bookworm), glibc 2.31")
    assert "-> glibc 2.31 is too old" in old.line()
    new_python = check_python(dataclasses.replace(DEBIAN_12, python=(3, 14, 0)))
    assert new_python.status == FAIL and "3.14.0 is not supported" in new_python.advice


def test_this_machine_is_described_and_supported():
    machine = platform_support.this_machine()
    assert machine.python == tuple(sys.version_info[:3])
    assert machine.python_path == sys.executable
    assert check_python(machine).status == PASS
    assert check_platform(machine).status == PASS, check_platform(machine).line()
    assert machine.libc == "glibc" and machine.libc_version in check_platform(machine).detail


def test_the_module_runs_before_anything_is_installed():
    # setup.sh runs it from the repository root with the Python it found, outside any venv.
    base_python = getattr(sys, "_base_executable", sys.executable)
    result = subprocess.run(
        [base_python, "-m", "voice_helper.platform_support"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def _fake_pythons(folder: Path, names: list[str]) -> None:
    """Commands that exist but fail, like pyenv shims for a version that is not selected."""
    folder.mkdir()
    for name in names:
        shim = folder / name
        shim.write_text('#!/bin/sh\necho "pyenv: $0: command not found" >&2\nexit 127\n')
        shim.chmod(0o755)


def test_setup_runs_each_candidate_rather_than_trusting_the_path(tmp_path):
    _fake_pythons(tmp_path / "shims", ["python3.13", "python3.12", "python3.11", "python3"])
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'shims'}:{os.environ['PATH']}",
        "VOICE_HELPER_VENV": str(tmp_path / "venv"),
    }
    env.pop("VOICE_HELPER_PYTHON", None)
    result = subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "needs Python 3.11, 3.12 or 3.13" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_setup_refuses_an_unsupported_override(tmp_path):
    _fake_pythons(tmp_path / "shims", ["python3.9"])
    result = subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "VOICE_HELPER_PYTHON": str(tmp_path / "shims" / "python3.9"),
            "VOICE_HELPER_VENV": str(tmp_path / "venv"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "is not a working Python 3.11, 3.12 or 3.13" in result.stderr
    assert not (tmp_path / "venv").exists()
