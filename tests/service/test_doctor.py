"""`voice-helper doctor`: each check on its own, and the whole command on this machine."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

from voice_helper import DEFAULT_CONTENT_DIR, doctor, netcheck
from voice_helper.audiodevices import Endpoint, Inventory, classify, take_inventory
from voice_helper.cli import main
from voice_helper.config import Settings
from voice_helper.doctor import FAIL, PASS, WARN, CheckResult

NAMES = [
    "config",
    "python",
    "platform",
    "microphone",
    "speaker",
    "tts",
    "engine",
    "content",
    "crisis",
    "job store",
    "service",
    "network",
]


def _machine_has_real_audio() -> bool:
    inventory = take_inventory()
    return any(e.real for e in inventory.sources) or bool(inventory.alsa_cards)


def test_doctor_on_this_machine(home, capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out.splitlines()
    checks = out[:-1]
    assert all(line.split()[0] in (PASS, WARN, FAIL) for line in checks)
    assert [line[6:16].strip() for line in checks] == NAMES
    by_name = {line[6:16].strip(): line for line in checks}
    assert by_name["config"].startswith(PASS)
    assert by_name["python"].startswith(f"{PASS}  python      Python 3.1")
    assert by_name["platform"].startswith(PASS) and "glibc" in by_name["platform"]
    assert by_name["network"].startswith(PASS)
    assert by_name["crisis"].startswith(WARN) and "no country set" in by_name["crisis"]
    assert by_name["service"].startswith(WARN) and "systemd not available" in by_name["service"]
    if _machine_has_real_audio():
        assert code == (1 if any(line.startswith(FAIL) for line in checks) else 0)
    else:  # the development machine: no sound card
        for name in ("microphone", "speaker"):
            assert by_name[name].startswith(FAIL)
            assert "-> plug in a" in by_name[name]
        assert code == 1
        assert out[-1] == "Not ready: fix the FAIL lines above."


def test_doctor_reports_a_broken_config_and_keeps_going(tmp_path, home, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rate: fast\n")
    assert main(["--config", str(bad), "doctor"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("FAIL  config")
    assert f"{bad}:1: rate: should be a whole number" in out[0]
    assert "-> see every problem with: voice-helper config check" in out[0]
    assert len(out) == len(NAMES) + 1


def test_check_result_line():
    fail = CheckResult("speaker", FAIL, "no output device at all", "plug one in")
    ok = CheckResult("speaker", PASS, "USB headset", "ignored when passing")
    assert fail.line() == "FAIL  speaker     no output device at all -> plug one in"
    assert ok.line() == "PASS  speaker     USB headset"


def test_exit_status_counts_only_failures():
    assert doctor.exit_status([CheckResult("a", PASS, ""), CheckResult("b", WARN, "")]) == 0
    assert doctor.exit_status([CheckResult("a", PASS, ""), CheckResult("b", FAIL, "")]) == 1


def test_pactl_entries_are_classified():
    alsa = {
        "name": "alsa_input.usb-mic",
        "properties": {"device.api": "alsa", "device.class": "sound"},
    }
    bluez = {"name": "bluez_input.00_11", "properties": {"device.api": "bluez5"}}
    monitor = {"name": "probe.monitor", "properties": {"device.class": "monitor"}}
    null = {"name": "probe", "properties": {"device.class": "abstract"}}
    assert classify(alsa) == Endpoint("alsa_input.usb-mic", True)
    assert classify(bluez).real
    assert classify(monitor) == Endpoint("probe.monitor", False, "monitor of a speaker")
    assert classify(null) == Endpoint("probe", False, "virtual device")


def test_microphone_needs_a_real_source():
    monitor_only = Inventory(
        inputs=["pulse"],
        server="pulseaudio 16.1",
        sources=[Endpoint("probe.monitor", False, "monitor of a speaker")],
    )
    result = doctor.check_microphone(monitor_only, Settings())
    assert result.status == FAIL
    assert "probe.monitor (monitor of a speaker)" in result.detail
    assert "pactl list short sources" in result.advice
    real = Inventory(
        inputs=["pulse"], server="PipeWire", sources=[Endpoint("alsa_input.usb-mic", True)]
    )
    assert doctor.check_microphone(real, Settings()).status == PASS


def test_microphone_and_speaker_fail_without_any_device():
    empty = Inventory(alsa_cards=[])
    assert doctor.check_microphone(empty, Settings()).detail == "no audio input device at all"
    assert doctor.check_speaker(empty, Settings()).detail == "no audio output device at all"


def test_plain_alsa_needs_a_sound_card():
    plugins_only = Inventory(inputs=["default"], outputs=["default"], alsa_cards=[])
    assert doctor.check_speaker(plugins_only, Settings()).status == FAIL
    card = Inventory(
        inputs=["USB Audio: (hw:1,0)"],
        outputs=["USB Audio: (hw:1,0)"],
        alsa_cards=[" 1 [Device ]: USB-Audio - USB Audio Device"],
    )
    assert doctor.check_speaker(card, Settings()).status == PASS


def test_configured_device_must_exist():
    inventory = Inventory(
        inputs=["USB Mic"], server="PipeWire", sources=[Endpoint("alsa_input.usb", True)]
    )
    missing = doctor.check_microphone(inventory, Settings(input_device="Jabra"))
    assert missing.status == FAIL
    assert "input_device 'Jabra' not found; have: USB Mic" in missing.detail
    assert doctor.check_microphone(inventory, Settings(input_device="usb")).status == PASS
    assert doctor.check_microphone(inventory, Settings(input_device=3)).status == PASS


def test_portaudio_problems_fail_with_the_package_to_install():
    result = doctor.check_speaker(Inventory(error="PortAudio library not found"), Settings())
    assert result.status == FAIL
    assert "libportaudio2" in result.advice


def test_tts_with_the_installed_espeak_ng():
    assert doctor.check_tts(Settings()).status == PASS


def test_tts_with_an_unknown_voice():
    result = doctor.check_tts(Settings(voice="xx-nonexistent"))
    assert result.status == FAIL
    assert "espeak-ng --voices" in result.advice


def test_engine_vosk_without_its_model_fails(tmp_path):
    result = doctor.check_engine(Settings(engine="vosk", model=str(tmp_path / "no-model")))
    assert result.status == FAIL
    assert "models fetch" in result.advice


def test_engine_fallback_finds_moonshine_assets(tmp_path):
    settings = Settings(engine="auto", model=str(tmp_path / "no-model"))
    result = doctor.engine_fallback(settings)
    assert result.status == PASS
    assert "moonshine tiny-en" in result.detail
    assert doctor.engine_fallback(Settings(engine="vosk", model=str(tmp_path))).status == FAIL


def test_content_of_the_project_passes():
    result = doctor.check_content(DEFAULT_CONTENT_DIR)
    assert result.status == PASS, result.detail


def test_content_that_is_missing_fails(tmp_path):
    result = doctor.check_content(tmp_path / "nothing-here")
    assert result.status == FAIL
    assert "voice-helper content check" in result.advice


def test_job_store_in_a_writable_folder(tmp_path):
    result = doctor.check_job_store(tmp_path)
    assert result.status == PASS
    assert "no store yet" in result.detail
    assert list(tmp_path.iterdir()) == []


def test_job_store_not_created_by_the_check(tmp_path):
    result = doctor.check_job_store(tmp_path / "voice-helper")
    assert result.status == PASS
    assert not (tmp_path / "voice-helper").exists()


def test_job_store_intact_and_damaged(tmp_path):
    with sqlite3.connect(tmp_path / "jobs.sqlite") as db:
        db.execute("create table jobs (id text)")
    assert doctor.check_job_store(tmp_path).status == PASS
    (tmp_path / "jobs.sqlite").write_bytes(b"SQLite format 3\0" + b"\x13" * 200)
    damaged = doctor.check_job_store(tmp_path)
    assert damaged.status == WARN
    assert "jobs.sqlite is damaged" in damaged.detail
    assert "moves it aside" in damaged.advice


def test_network_check_sees_a_listener_in_this_process():
    assert doctor.check_network().status == PASS
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    try:
        result = doctor.check_network()
        assert result.status == FAIL
        assert f"tcp 127.0.0.1:{port}" in result.detail
    finally:
        listener.close()
    assert doctor.check_network().status == PASS


def test_udp_counts_as_listening():
    receiver = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    receiver.bind(("::1", 0))
    try:
        found = netcheck.inet_sockets(os.getpid())
        assert [(s.protocol, s.local, s.listening) for s in found] == [
            ("udp6", f"[::1]:{receiver.getsockname()[1]}", True)
        ]
    finally:
        receiver.close()


def test_voice_helper_processes_and_their_children_are_found(tmp_path):
    proc = tmp_path / "proc"
    processes = {
        10: (1, ["/venv/bin/python", "/venv/bin/voice-helper", "run"]),
        11: (1, ["python3", "-u", "-m", "voice_helper", "run"]),
        12: (1, ["grep", "voice-helper"]),
        13: (1, ["voice-helper", "doctor"]),
        14: (10, ["/venv/bin/python", "-c", "from voice_helper.speak import tts_process"]),
        15: (14, ["espeak-ng", "--stdout"]),
    }
    for pid, (parent, argv) in processes.items():
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
        (proc / str(pid) / "stat").write_text(f"{pid} (odd) name) S {parent} 1 1 0\n")
    (proc / "self").mkdir()
    pids = netcheck.voice_helper_pids(Path(proc))
    assert pids == sorted([10, 11, 13, 14, 15, os.getpid()])
