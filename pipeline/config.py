"""Configuration: YAML files read once at launch, checked, and handed to transforms as plain data.

Workers never read configuration from disk: everything a stage needs travels pickled with
the transform that uses it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "id")


class ConfigError(ValueError):
    """A configuration problem, reported to the user before any pipeline is built."""


def default_config_dir() -> Path:
    """The repository's ``configs/`` (editable install, container) or the installed copy."""
    env = os.environ.get("CROSSWIRE_CONFIG_DIR")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(__file__).resolve().parent.parent / "configs",
        Path(sys.prefix) / "share" / "crosswire" / "configs",
    ]
    for candidate in candidates:
        if (candidate / "tracked.yaml").is_file():
            return candidate
    return candidates[0]


def read_yaml(path: str | Path) -> Any:
    """A local YAML file, or a ``gs://`` one (a Flex Template's parameters point into a bucket)."""
    try:
        if str(path).startswith("gs://"):
            from apache_beam.io.filesystems import FileSystems

            with FileSystems.open(str(path)) as f:
                return yaml.safe_load(f.read().decode("utf-8"))
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError:
        raise ConfigError(f"missing configuration file: {path}") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e}") from None


def load_tracked(path: str | Path) -> tuple[frozenset[str] | None, float]:
    """The tracked countries (``None``: every country, the default) and the re-alert window in seconds."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'track'")
    renotify_days = data.get("renotify_after_days", 14)
    if not isinstance(renotify_days, int | float) or renotify_days < 0:
        raise ConfigError(f"{path}: 'renotify_after_days' must be a number of days >= 0")
    track = data.get("track", "all")
    if track in ("all", "*", None):
        return None, renotify_days * 86400.0
    if not isinstance(track, list) or not all(isinstance(c, str) and 2 <= len(c) <= 4 for c in track):
        raise ConfigError(f"{path}: 'track' must be 'all' or a list of ISO 3166 alpha-3 codes")
    return frozenset(c.upper() for c in track), renotify_days * 86400.0


@dataclass(frozen=True)
class Config:
    """Everything the stages need, loaded and validated once."""

    config_dir: Path
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    lang_backend: str = "lingua"
    lang_floor: float = 0.5
    tracked: frozenset[str] | None = None
    renotify_s: float = 14 * 86400.0
    gazetteer: dict[str, Any] = field(default_factory=dict)
    lexicon: dict[str, Any] = field(default_factory=dict)
    stories: dict[str, Any] = field(default_factory=dict)


def load_config(
    config_dir: Path | None = None,
    lang_backend: str = "lingua",
    tracked_path: str | Path | None = None,
) -> Config:
    """Read and check every configuration file; fail fast with a message naming the file."""
    from transforms.actions import load_lexicon
    from transforms.entities import load_gazetteer
    from transforms.language import BACKENDS
    from transforms.stories import load_story_config

    config_dir = Path(config_dir) if config_dir else default_config_dir()
    if not config_dir.is_dir():
        raise ConfigError(f"configuration folder not found: {config_dir}")
    if lang_backend not in BACKENDS:
        raise ConfigError(f"unknown --lang-backend {lang_backend!r}; choose one of {', '.join(BACKENDS)}")
    settings = read_yaml(config_dir / "languages.yaml") or {}
    tracked, renotify_s = load_tracked(tracked_path or config_dir / "tracked.yaml")
    languages = tuple(settings.get("languages") or DEFAULT_LANGUAGES)
    return Config(
        config_dir=config_dir,
        languages=languages,
        lang_backend=lang_backend,
        lang_floor=float(settings.get("confidence_floor", 0.5)),
        tracked=tracked,
        renotify_s=renotify_s,
        gazetteer=load_gazetteer(config_dir),
        lexicon=load_lexicon(config_dir),
        stories=load_story_config(config_dir),
    )
