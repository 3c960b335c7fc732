"""Configuration: the shipped files load; bad files fail naming the file, the entry and the field."""

from __future__ import annotations

import shutil

import pytest

from credence import config
from tests.conftest import CONFIG_DIR


def copy_config(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, target)
    return target


def test_shipped_configuration_loads(settings):
    """The project's own YAML files are valid and cover the sample outlets."""
    ids = {entry.id for entry in settings.registry.sources}
    assert {"meridian-wire", "vsna", "kestria-mfa", "daily-blaze", "kcna"} <= ids
    assert "unknown" in settings.scoring.category_priors


def test_bad_prior_names_file_entry_and_field(tmp_path):
    """A prior out of [0, 1] is reported with the file, the source id and the field."""
    folder = copy_config(tmp_path)
    path = folder / "sources.yaml"
    path.write_text(path.read_text().replace("prior: 0.88", "prior: 1.7", 1))
    with pytest.raises(config.ConfigError) as error:
        config.load_config(folder)
    message = str(error.value)
    assert "sources.yaml" in message and "meridian-wire" in message and "prior" in message and "1.7" in message


def test_unknown_field_is_refused(tmp_path):
    """A misspelt field is an error, not silently ignored."""
    folder = copy_config(tmp_path)
    path = folder / "scoring.yaml"
    path.write_text(path.read_text() + "\nsingle_sorce_cap: 0.5\n")
    with pytest.raises(config.ConfigError, match="single_sorce_cap"):
        config.load_config(folder)


def test_yaml_is_loaded_safely(tmp_path):
    """A YAML tag that would construct a Python object is rejected, not executed."""
    folder = copy_config(tmp_path)
    (folder / "cues.yaml").write_text("classes: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(config.ConfigError, match="not valid YAML"):
        config.load_config(folder)


def test_missing_file_is_named(tmp_path):
    """A missing configuration file is named in the error."""
    folder = copy_config(tmp_path)
    (folder / "cues.yaml").unlink()
    with pytest.raises(config.ConfigError, match="cues.yaml: configuration file not found"):
        config.load_config(folder)
