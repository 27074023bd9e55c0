"""`voice-helper service install | uninstall | status` in a temporary home."""

from __future__ import annotations

import sys
from pathlib import Path

from voice_helper import systemd_unit, unit_file
from voice_helper.cli import main


def _unit(home: Path) -> Path:
    return home / ".config" / "systemd" / "user" / unit_file.UNIT_NAME


def test_install_writes_the_unit_and_says_systemd_is_not_available(home, capsys):
    assert main(["service", "install"]) == 0
    out = capsys.readouterr().out
    unit = _unit(home)
    text = unit.read_text()
    assert f"Wrote {unit}" in out
    assert "systemd user manager not available" in out
    assert "systemctl --user" in out  # the command to run later
    assert f"ExecStart={sys.executable} -m voice_helper run" in text
    assert f"WorkingDirectory={unit_file.project_dir()}" in text
    data = home / ".local" / "share" / "voice-helper"
    config = home / ".config" / "voice-helper"
    assert f"ReadWritePaths=-{data} -{config} %t/voice-helper" in text
    assert f"Environment=VOICE_HELPER_DATA_DIR={data}" in text
    assert data.is_dir() and config.is_dir()


def test_install_passes_a_data_dir_override_to_the_service(home, tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "elsewhere"))
    main(["service", "install"])
    text = _unit(home).read_text()
    assert f"Environment=VOICE_HELPER_DATA_DIR={tmp_path}/elsewhere" in text
    assert f"ReadWritePaths=-{tmp_path}/elsewhere " in text
    assert f"XDG_DATA_HOME={home}/.local/share" in text


def test_installed_unit_passes_systemd_analyze_verify(home, systemd_verify):
    main(["service", "install"])
    result = systemd_verify(_unit(home))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_install_twice_reports_up_to_date(home, capsys):
    main(["service", "install"])
    capsys.readouterr()
    assert main(["service", "install"]) == 0
    assert "already up to date" in capsys.readouterr().out


def test_install_passes_a_custom_config_file_to_the_service(home, tmp_path):
    config = tmp_path / "my config.yaml"
    main(["--config", str(config), "service", "install"])
    assert f'-m voice_helper --config "{config}" run' in _unit(home).read_text()


def test_install_without_systemctl_prints_the_commands_for_later(home, capsys, monkeypatch):
    monkeypatch.setattr(systemd_unit, "SYSTEMCTL", str(home / "no-such-systemctl"))
    assert main(["service", "install"]) == 0
    out = capsys.readouterr().out
    assert "systemd user manager not available" in out
    assert "command not found" in out
    assert "systemctl --user daemon-reload" in out
    assert f"systemctl --user enable --now {unit_file.UNIT_NAME}" in out
    assert _unit(home).exists()


def _fake_systemctl(home: Path, fail_on: str = "") -> Path:
    log = home / "systemctl.log"
    script = home / "systemctl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        f'case "$*" in *"{fail_on or "@never@"}"*) echo "Unit broken." >&2; exit 1;; esac\n'
        'case "$*" in *is-active*) echo active;; *is-enabled*) echo enabled;; esac\n'
    )
    script.chmod(0o755)
    return log


def test_install_with_a_user_manager_reloads_enables_and_starts(home, capsys, monkeypatch):
    log = _fake_systemctl(home)
    monkeypatch.setattr(systemd_unit, "SYSTEMCTL", str(home / "systemctl"))
    assert main(["service", "install"]) == 0
    calls = log.read_text().splitlines()
    assert "--user daemon-reload" in calls
    assert f"--user enable --now {unit_file.UNIT_NAME}" in calls
    assert "Enabled and started" in capsys.readouterr().out


def test_install_fails_when_enable_fails(home, capsys, monkeypatch):
    _fake_systemctl(home, fail_on="enable")
    monkeypatch.setattr(systemd_unit, "SYSTEMCTL", str(home / "systemctl"))
    assert main(["service", "install"]) == 1
    out = capsys.readouterr().out
    assert f"enable --now {unit_file.UNIT_NAME} failed: Unit broken." in out
    assert "journalctl --user -u voice-helper.service" in out


def test_status_when_not_installed(home, capsys):
    assert main(["service", "status"]) == 3
    assert "not installed" in capsys.readouterr().out


def test_status_without_systemd_says_so(home, capsys):
    main(["service", "install"])
    capsys.readouterr()
    assert main(["service", "status"]) == 3
    out = capsys.readouterr().out
    assert f"unit file: {_unit(home)}" in out
    assert "systemd user manager not available" in out
    assert "differs" not in out


def test_status_active_with_a_user_manager(home, capsys, monkeypatch):
    main(["service", "install"])
    _fake_systemctl(home)
    monkeypatch.setattr(systemd_unit, "SYSTEMCTL", str(home / "systemctl"))
    capsys.readouterr()
    assert main(["service", "status"]) == 0
    assert "active: active" in capsys.readouterr().out


def test_status_accepts_a_unit_installed_with_a_config_file(tmp_path, home, capsys):
    main(["--config", str(tmp_path / "mine.yaml"), "service", "install"])
    capsys.readouterr()
    main(["service", "status"])
    assert "differs" not in capsys.readouterr().out


def test_status_notices_a_stale_unit(home, capsys):
    main(["service", "install"])
    unit = _unit(home)
    unit.write_text(unit.read_text().replace(sys.executable, "/old/venv/bin/python"))
    capsys.readouterr()
    main(["service", "status"])
    assert "differs from what install would write now" in capsys.readouterr().out


def test_uninstall_removes_the_unit_and_its_enablement(home, capsys):
    main(["service", "install"])
    capsys.readouterr()
    assert main(["service", "uninstall"]) == 0
    assert f"Removed {_unit(home)}" in capsys.readouterr().out
    assert not _unit(home).exists()
    assert not (_unit(home).parent / "default.target.wants" / unit_file.UNIT_NAME).is_symlink()


def test_uninstall_when_not_installed(home, capsys):
    assert main(["service", "uninstall"]) == 0
    assert "Not installed" in capsys.readouterr().out
