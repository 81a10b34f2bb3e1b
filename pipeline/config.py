"""Configuration: YAML files read once at launch, checked, and handed to transforms as plain data.

Workers never read configuration from disk: everything a stage needs travels pickled with
the transform that uses it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from transforms import yamlfile

DEFAULT_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "id")


class ConfigError(ValueError):
    """A configuration problem, reported to the user before any pipeline is built."""


def default_config_dir() -> Path:
    """``$CROSSWIRE_CONFIG_DIR``, the checkout's ``configs/`` (editable install, container), or the copy
    shipped inside the package (``pip install .``, a wheel), so any working directory will do."""
    env = os.environ.get("CROSSWIRE_CONFIG_DIR")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "configs", here / "configs", Path(sys.prefix) / "share" / "crosswire" / "configs"]
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
                return yamlfile.safe_load(f.read().decode("utf-8"))
        with open(path, encoding="utf-8") as f:
            return yamlfile.safe_load(f)
    except FileNotFoundError:
        raise ConfigError(f"missing configuration file: {path}") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f"line {where.line + 1}, column {where.column + 1}: " if where is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}: {at}not valid YAML: {' '.join(str(problem).split())}") from None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e}") from None


# --- schemas: one model per file, unknown keys rejected ------------------------------------
#
# Lexicon data (word lists per language) stays loosely typed; every key a program reads is
# named here, so a misspelt key or a wrong type stops the launch with one line.


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


Words = list[str | None | bool]  # YAML 1.1 reads a bare `no` as false: tolerated in word lists
PerLanguage = dict[str, Words]
EXTRA_ALPHA3 = frozenset({"XKX", "PSE", "VAT", "EU"})


def is_alpha3(code: str) -> bool:
    import pycountry

    return code.upper() in EXTRA_ALPHA3 or pycountry.countries.get(alpha_3=code.upper()) is not None


class TrackedFile(_Strict):
    track: Literal["all", "*"] | list[str] | None = "all"
    renotify_after_days: float = Field(default=14, ge=0)

    @field_validator("track")
    @classmethod
    def _alpha3(cls, value: Any) -> Any:
        if isinstance(value, list):
            bad = [c for c in value if not (isinstance(c, str) and len(c) == 3 and is_alpha3(c))]
            if bad:
                raise ValueError(f"not ISO 3166 alpha-3 country codes: {bad}")
        return value


class LanguagesFile(_Strict):
    languages: list[str] = Field(min_length=1)
    confidence_floor: float = Field(default=0.5, ge=0, le=1)


class FeedEntry(_Strict):
    url: str = Field(pattern=r"^https?://[^/\s]+")
    interval_seconds: float | None = Field(default=None, gt=0)
    interval_s: float | None = Field(default=None, gt=0)
    lang: str | None = None
    name: str | None = None
    allow_private: bool = False


class FeedsFile(_Strict):
    default_interval_seconds: float = Field(default=300, gt=0)
    feeds: list[FeedEntry | str]


class StoriesFile(_Strict):
    """Types and ranges only: a setting left out (None) keeps transforms/stories.py's DEFAULT_CONFIG."""

    horizon_hours: float | None = Field(default=None, gt=0)
    threshold: float | None = Field(default=None, gt=0, le=1)
    conflict_threshold: float | None = Field(default=None, gt=0, le=1)
    min_evidence: float | None = Field(default=None, gt=0)
    topic_evidence: float | None = Field(default=None, ge=0)
    kind_weights: dict[Literal["country", "org", "name", "person"], float] = {}
    default_kind_weight: float | None = Field(default=None, ge=0)
    title_weight: float | None = Field(default=None, ge=0)
    topic_title_weight: float | None = Field(default=None, ge=0)
    idf_half_life_days: float | None = Field(default=None, gt=0)
    df_prune_below: float | None = Field(default=None, ge=0)
    max_postings: int | None = Field(default=None, gt=0)
    max_shared_entities: int | None = Field(default=None, ge=0)
    diplomatic_topic: str | None = None
    topics: dict[str, PerLanguage] = {}
    # same-language content terms (transforms/stories.py: term_* and the rarity bars)
    stemmers: dict[str, str] = {}
    stop_words: PerLanguage = {}
    character_bigrams: dict[str, str] = {}
    term_weight: float | None = Field(default=None, ge=0)
    term_share: float | None = Field(default=None, ge=0, le=1)
    term_threshold: float | None = Field(default=None, gt=0, le=1)
    max_terms: int | None = Field(default=None, gt=0)
    min_terms: int | None = Field(default=None, ge=0)
    min_term_length: int | None = Field(default=None, ge=1)
    term_evidence: float | None = Field(default=None, ge=0)
    rare_share: float | None = Field(default=None, ge=0, le=1)
    common_share: float | None = Field(default=None, ge=0, le=1)
    idf_prior_docs: float | None = Field(default=None, ge=0)
    number_weight: float | None = Field(default=None, ge=0)
    max_probe: int | None = Field(default=None, ge=0)
    max_shared_terms: int | None = Field(default=None, ge=0)
    term_agree: float | None = Field(default=None, ge=0, le=1)
    words_only_threshold: float | None = Field(default=None, ge=0, le=1)
    min_term_cosine: float | None = Field(default=None, ge=0, le=1)
    consensus_languages: int | None = Field(default=None, ge=1)
    furniture_min_words: int | None = Field(default=None, ge=0)
    furniture_title_overlap: float | None = Field(default=None, ge=0, le=1)

    @field_validator("stemmers")
    @classmethod
    def _known_stemmers(cls, value: dict[str, str]) -> dict[str, str]:
        import Stemmer  # type: ignore[import-not-found]

        known = set(Stemmer.algorithms())
        unknown = sorted(set(value.values()) - known)
        if unknown:
            raise ValueError(f"no Snowball stemmer named {unknown}; known: {', '.join(sorted(known))}")
        return value


class ActionTypeEntry(_Strict):
    cameo: str = Field(min_length=1)
    plover: str = Field(min_length=1)
    target_from: str = Field(min_length=1)
    cue: str | None = None
    cue_required: bool = False
    joint: bool = False
    bilateral: bool = False
    own_mission: bool = False


class TriggerEntry(_Strict):
    verb: list[str] = []
    noun: list[str] = []
    with_state: list[str] = []
    leave: list[str] = []
    cued: list[str] = []
    spanned: list[str] = []


class ActionsFile(_Strict):
    types: dict[str, ActionTypeEntry]
    cue_window: int | None = Field(default=None, gt=0)  # transforms/actions: 80 when left out
    triggers: dict[str, dict[str, TriggerEntry]]
    cues: dict[str, PerLanguage] = {}
    cue_unions: dict[str, list[str]] = {}
    cue_stop: PerLanguage = {}
    grammar: dict[str, PerLanguage | Words | dict[str, PerLanguage]]  # other_sense: per action type


class OrgEntry(_Strict):
    name: str
    aliases: Words = []
    lang_aliases: dict[str, Words] = {}


class PlaceEntry(_Strict):
    country: str | None = None
    names: Words


class GazetteerFile(_Strict):
    ner_model: str | None = None
    demonym_languages: list[str] = []
    demonyms: dict[str, Words] = {}
    extra_names: dict[str, Words] = {}
    lang_names: dict[str, dict[str, Words]] = {}
    capitals: dict[str, Words] = {}
    seats: dict[str, Words] = {}
    orgs: dict[str, OrgEntry] = {}
    places: dict[str, PlaceEntry] = {}
    blockers: Words = []
    given_name_like: Words = []
    given_names: Words = []
    stopwords: dict[str, Words] = {}
    placewords: Words = []
    noun_suffixes: PerLanguage = {}
    instrument_words: PerLanguage = {}
    instrument_links: Words = []


class PersonEntry(_Strict):
    name: str = Field(min_length=1)
    country: str | None = Field(min_length=3, max_length=3)  # None: an international official
    role: str = Field(min_length=1)

    @field_validator("country")
    @classmethod
    def _alpha3(cls, value: str | None) -> str | None:
        if value is not None and not is_alpha3(value):
            raise ValueError(f"{value!r} is not an ISO 3166 alpha-3 country code")
        return value

    aliases: Words = []


class PeopleFile(_Strict):
    people: list[PersonEntry]


SCHEMAS: dict[str, type[BaseModel]] = {
    "tracked.yaml": TrackedFile,
    "languages.yaml": LanguagesFile,
    "feeds.yaml": FeedsFile,
    "stories.yaml": StoriesFile,
    "actions.yaml": ActionsFile,
    "gazetteer.yaml": GazetteerFile,
    "people.yaml": PeopleFile,
}


def _is_union_tag(part: Any) -> bool:
    """pydantic names the branch of a union in the error location (``literal['all','*']``, ``str``)."""
    text = str(part)
    return isinstance(part, str) and ("[" in text or text in _TYPE_TAGS)


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "none", "list", "dict"} | {"FeedEntry"})


def schema_error(path: str | Path, exc: ValidationError) -> ConfigError:
    """The first problem as one line: ``FILE: KEY: what is wrong`` (and how many more)."""
    errors = exc.errors()
    first = errors[0]
    key = ".".join(str(part) for part in first.get("loc", ()) if not _is_union_tag(part)) or "(top level)"
    message = str(first.get("msg", "invalid"))
    if first.get("type") == "extra_forbidden":
        message = "unknown key (misspelt, or not a setting of this file)"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return ConfigError(f"{path}: {key}: {message}{more}")


def validate_file(path: str | Path, schema: type[BaseModel] | None = None) -> Any:
    """Read one YAML file and check it against its schema; the data, or a one-line ConfigError."""
    schema = schema or SCHEMAS[Path(str(path)).name]
    data = read_yaml(path)
    if data is None:
        data = {}
    if isinstance(data, list) and schema is FeedsFile:
        data = {"feeds": data}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: (top level): expected a mapping of settings, got {type(data).__name__}")
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        raise schema_error(path, exc) from None
    return data


def load_tracked(path: str | Path) -> tuple[frozenset[str] | None, float]:
    """The tracked countries (``None``: every country, the default) and the re-alert window in seconds."""
    data = validate_file(path, TrackedFile)
    renotify_days = data.get("renotify_after_days", 14)
    track = data.get("track", "all")
    if track in ("all", "*", None):
        return None, renotify_days * 86400.0
    return frozenset(c.upper() for c in track), renotify_days * 86400.0


@dataclass(frozen=True)
class Config:
    """Everything the stages need, loaded and validated once."""

    config_dir: Path
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    lang_backend: str = "fasttext"
    lang_floor: float = 0.5
    tracked: frozenset[str] | None = None
    renotify_s: float = 14 * 86400.0
    gazetteer: dict[str, Any] = field(default_factory=dict)
    lexicon: dict[str, Any] = field(default_factory=dict)
    stories: dict[str, Any] = field(default_factory=dict)


def load_config(
    config_dir: Path | None = None,
    lang_backend: str = "fasttext",
    tracked_path: str | Path | None = None,
    compile_patterns: bool = True,
) -> Config:
    """Read and check every configuration file; fail fast with a message naming the file.

    ``compile_patterns=False`` leaves the action patterns to ``compile_action_patterns``, for a
    caller that has other work to start first (the replay starts parsing the files)."""
    from transforms.actions import load_lexicon
    from transforms.entities import load_gazetteer
    from transforms.language import BACKENDS
    from transforms.stories import load_story_config

    config_dir = Path(config_dir) if config_dir else default_config_dir()
    if not config_dir.is_dir():
        raise ConfigError(f"configuration folder not found: {config_dir}")
    if lang_backend not in BACKENDS:
        raise ConfigError(f"unknown --lang-backend {lang_backend!r}; choose one of {', '.join(BACKENDS)}")
    settings = validate_file(config_dir / "languages.yaml")
    tracked, renotify_s = load_tracked(tracked_path or config_dir / "tracked.yaml")
    for name in ("stories.yaml", "actions.yaml", "gazetteer.yaml"):
        validate_file(config_dir / name)
    if (config_dir / "people.yaml").exists():
        validate_file(config_dir / "people.yaml")
    languages = tuple(settings.get("languages") or DEFAULT_LANGUAGES)
    try:
        gazetteer = load_gazetteer(config_dir)
        lexicon = load_lexicon(config_dir, compile_patterns)
        stories = load_story_config(config_dir)
    except (ValueError, OSError, yaml.YAMLError) as exc:  # the loaders' own checks, as one line
        raise ConfigError(" ".join(str(exc).split())) from None
    return Config(
        config_dir=config_dir,
        languages=languages,
        lang_backend=lang_backend,
        lang_floor=float(settings.get("confidence_floor", 0.5)),
        tracked=tracked,
        renotify_s=renotify_s,
        gazetteer=gazetteer,
        lexicon=lexicon,
        stories=stories,
    )


def compile_action_patterns(cfg: Config) -> None:
    """Compile the action lexicon's patterns once in this process (a no-op when ``load_config``
    did); a bad one is the ``ConfigError`` that ``load_config`` would have raised."""
    from transforms.actions.lexicon import check_patterns

    try:
        check_patterns(cfg.lexicon, cfg.config_dir / "actions.yaml")
    except ValueError as exc:
        raise ConfigError(" ".join(str(exc).split())) from None
