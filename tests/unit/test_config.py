"""Configuration is read once at launch and fails fast, naming the file at fault."""

from __future__ import annotations

import shutil

import pytest

from pipeline.config import ConfigError, load_config, load_tracked
from tests.conftest import ROOT


def test_shipped_configuration_loads(config):
    assert config.tracked is None and config.renotify_s == 14 * 86400
    assert "en" in config.languages and config.gazetteer and config.lexicon and config.stories


def test_tracked_list_and_window(tmp_path):
    path = tmp_path / "tracked.yaml"
    path.write_text("track: [per, MEX]\nrenotify_after_days: 3\n")
    assert load_tracked(path) == (frozenset({"PER", "MEX"}), 3 * 86400.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("track: Peru\n", "track: "),
        ("track: all\nrenotify_after_days: -1\n", "renotify_after_days"),
        ("track: [PER\n", "not valid YAML"),
    ],
)
def test_bad_tracked_file_is_reported_with_its_name(tmp_path, text, message):
    path = tmp_path / "tracked.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        load_tracked(path)
    assert str(path) in str(error.value)


def test_missing_folder_file_and_backend_fail_fast(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="lang-backend"):
        load_config(ROOT / "configs", lang_backend="cld2")
    partial = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", partial)
    (partial / "languages.yaml").unlink()
    with pytest.raises(ConfigError, match="languages.yaml"):
        load_config(partial)


def test_a_pattern_that_does_not_compile_is_a_configuration_error(tmp_path):
    """``re.error`` is no ``ValueError``: every command, not only the replay, must get one line
    naming the file instead of a traceback."""
    import yaml

    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    lexicon = yaml.safe_load((configs / "actions.yaml").read_text(encoding="utf-8"))
    lexicon["triggers"]["expel_diplomat"]["en"]["verb"].append("expel(")
    (configs / "actions.yaml").write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"actions\.yaml: a pattern does not compile"):
        load_config(configs)


def test_an_unknown_stemmer_is_a_configuration_error(tmp_path):
    """A misspelt algorithm fails at launch, naming stories.yaml, not at the first article of
    that language."""
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    stories = configs / "stories.yaml"
    text = stories.read_text(encoding="utf-8")
    assert "pl: polish" in text
    stories.write_text(text.replace("pl: polish", "pl: polski"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"stories\.yaml.*polski") as error:
        load_config(configs)
    assert "polish" in str(error.value)  # the known names are listed
