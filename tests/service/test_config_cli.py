"""`voice-helper config path | show | check` through the real CLI."""

from __future__ import annotations

import yaml

from voice_helper.cli import main
from voice_helper.config import Settings, load_settings


def test_config_path_is_in_the_xdg_config_home(home, capsys):
    assert main(["config", "path"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(home / ".config" / "voice-helper" / "config.yaml")
    assert "defaults are in use" in captured.err


def test_config_path_honours_the_config_option(tmp_path, home, capsys):
    mine = tmp_path / "mine.yaml"
    mine.write_text("rate: 150\n")
    assert main(["--config", str(mine), "config", "path"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(mine)
    assert captured.err == ""


def test_config_show_without_a_file_prints_the_defaults(home, capsys):
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# effective settings (file: none, all defaults")
    assert yaml.safe_load(out) == Settings().to_dict()


def test_config_show_merges_the_file_over_the_defaults(tmp_path, home, capsys):
    mine = tmp_path / "mine.yaml"
    mine.write_text("rate: 150\nquiet_hours:\n  start: '21:30'\n")
    assert main(["--config", str(mine), "config", "show"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    assert shown["rate"] == 150
    assert shown["quiet_hours"]["start"] == "21:30"
    assert shown["quiet_hours"]["end"] == "07:00"
    assert shown["volume"] == 1.0


def test_config_show_output_is_itself_a_valid_config(tmp_path, home, capsys):
    main(["config", "show"])
    copy = tmp_path / "copy.yaml"
    copy.write_text(capsys.readouterr().out)
    assert load_settings(copy) == Settings()


def test_config_show_of_an_invalid_file_exits_2_with_the_errors(tmp_path, home, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rate: fast\n")
    assert main(["--config", str(bad), "config", "show"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{bad}:1: rate: should be a whole number" in captured.err


def test_config_check_ok(tmp_path, home, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(
        "engine: moonshine\nsnooze_minutes: 5\ncrisis_line: the Samaritans on 116 123\n"
    )
    assert main(["--config", str(good), "config", "check"]) == 0
    assert capsys.readouterr().out.strip() == f"OK: {good}"


def test_config_check_says_when_no_crisis_line_is_set(tmp_path, home, capsys):
    plain = tmp_path / "plain.yaml"
    plain.write_text("engine: moonshine\n")
    assert main(["--config", str(plain), "config", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK: {plain}") and "country is not set" in out


def test_config_check_refuses_an_unknown_country(tmp_path, home, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("country: UK\n")
    assert main(["--config", str(bad), "config", "check"]) == 2
    out = capsys.readouterr().out
    assert "country 'UK' is not in countries.yaml" in out and "GB (United Kingdom)" in out


def test_config_check_accepts_a_known_country(tmp_path, home, capsys):
    good = tmp_path / "gb.yaml"
    good.write_text("country: GB\n")
    assert main(["--config", str(good), "config", "check"]) == 0
    assert capsys.readouterr().out.strip() == f"OK: {good}"


def test_config_check_without_a_file_is_ok(home, capsys):
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out.startswith("OK: no file at ")


def test_config_check_lists_errors_exits_2_and_leaves_the_file_alone(tmp_path, home, capsys):
    bad = tmp_path / "bad.yaml"
    content = b"quiet_hours:\n  start: 22:00\nrat: 150\n"
    bad.write_bytes(content)
    assert main(["--config", str(bad), "config", "check"]) == 2
    out = capsys.readouterr().out
    assert f"{bad}:2: quiet_hours.start: 22:00 was read as the number 1320" in out
    assert f"{bad}:3: rat: unknown key; did you mean 'rate'?" in out
    assert "OK" not in out
    assert bad.read_bytes() == content


def test_config_check_uses_the_default_path(home, capsys):
    path = home / ".config" / "voice-helper" / "config.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("volume: 7\n")
    assert main(["config", "check"]) == 2
    assert f"{path}:1: volume: 7 is outside 0..1" in capsys.readouterr().out


def test_setup_writes_the_country_and_keeps_the_rest(tmp_path, home, capsys):
    path = tmp_path / "config.yaml"
    path.write_text("engine: moonshine\n")
    assert main(["--config", str(path), "setup", "--country", "au"]) == 0
    assert "000" in capsys.readouterr().out
    text = path.read_text()
    assert "country: AU" in text and "engine: moonshine" in text
    assert main(["--config", str(path), "config", "check"]) == 0


def test_setup_asks_for_the_country_when_not_given(tmp_path, home, capsys, monkeypatch):
    import io

    path = tmp_path / "config.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("uk\ngb\n"))
    assert main(["--config", str(path), "setup"]) == 0
    out = capsys.readouterr().out
    assert "'UK' is not one of them" in out and "999" in out
    assert "country: GB" in path.read_text()
