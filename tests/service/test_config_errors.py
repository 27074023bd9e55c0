"""Config file errors name file, line and field; the file is never changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_helper.config import Settings, load_settings
from voice_helper.errors import ConfigError


def _load_error(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    before = path.stat().st_mtime_ns
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == before
    message = str(caught.value)
    assert "it was not changed" in message
    return message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"rate: [1, 2\n", ":2: (syntax): malformed YAML"),
        (b"rate: 150\nrat: 150\n", ":2: rat: unknown key; did you mean 'rate'?"),
        (b"rate: fast\n", ":1: rate: should be a whole number"),
        (b"volume: 1.5\n", ":1: volume: 1.5 is outside 0..1"),
        (b"engine: whisper\n", ":1: engine: 'whisper' is not one of: auto, vosk, moonshine"),
        (b"quiet_hours:\n\tstart: '22:00'\n", ":2: (syntax): malformed YAML"),
        (b"- rate\n- 150\n", ":1: (top): should be a mapping"),
        (b"rate: 150\nrate: 160\n", "duplicate key 'rate'"),
        (b"voice: \xff\n", ":1: (file): is not UTF-8 text"),
        (b"quiet_hours:\n  mode: loud\n", ":2: quiet_hours.mode: 'loud' is not one of"),
        (b"timezone: Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_invalid_files_name_file_line_and_field(tmp_path, content, expected):
    message = _load_error(tmp_path, content)
    assert f"{tmp_path / 'config.yaml'}" in message
    assert expected in message


def test_tabs_get_a_hint_to_use_spaces(tmp_path):
    message = _load_error(tmp_path, b"quiet_hours:\n\tstart: '22:00'\n")
    assert "indent with spaces, not tabs" in message


def test_unquoted_clock_time_is_explained(tmp_path):
    message = _load_error(tmp_path, b"quiet_hours:\n  start: 22:00\n  end: 7:30  # morning\n")
    assert ":2: quiet_hours.start: 22:00 was read as the number 1320" in message
    assert 'put it in quotes: start: "22:00"' in message
    assert ":3: quiet_hours.end: 7:30 was read as the number 450" in message
    assert 'end: "07:30"' in message


def test_single_digit_hour_gets_the_padded_form(tmp_path):
    message = _load_error(tmp_path, b"quiet_hours:\n  start: '7:30'\n")
    assert '(write "07:30")' in message


def test_yes_no_read_as_booleans_is_explained(tmp_path):
    message = _load_error(tmp_path, b"voice: no\nwake_phrase: off\n")
    assert ":1: voice: should be text, got false" in message
    assert "put text in quotes" in message
    assert ":2: wake_phrase: should be text (or left out)" in message
    assert "leave the line out" in message


def test_all_problems_are_listed_in_line_order(tmp_path):
    message = _load_error(tmp_path, b"volume: 3\nrate: fast\nzzz: 1\n")
    lines = [line for line in message.splitlines() if line.startswith("  ")]
    assert [line.split(":")[1] for line in lines] == ["1", "2", "3"]


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n", b"\xef\xbb\xbf"])
def test_empty_files_mean_defaults(tmp_path, content):
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    assert load_settings(path) == Settings()
    assert path.read_bytes() == content


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbfrate: 150\nquiet_hours:\n  start: '21:30'\n")
    settings = load_settings(path)
    assert settings.rate == 150
    assert settings.quiet_hours.start == "21:30"


def test_missing_file_means_defaults(tmp_path):
    assert load_settings(tmp_path / "absent.yaml") == Settings()


def test_a_directory_instead_of_a_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path)
