"""The log's unit is a setting like the others: ml by default, oz allowed, anything else named."""

import pytest

from voice_helper.config import load_settings
from voice_helper.errors import ConfigError


def test_volume_unit_defaults_to_ml_and_takes_oz(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("timezone: Europe/London\n")
    assert load_settings(path).volume_unit == "ml"
    path.write_text("volume_unit: oz\n")
    assert load_settings(path).volume_unit == "oz"


def test_an_unknown_unit_is_refused_with_the_choices(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("volume_unit: litres\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "volume_unit" in str(caught.value) and "oz" in str(caught.value)
