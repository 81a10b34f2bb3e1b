"""Entity extraction with canonical, language-independent ids.

Why this shape: trained spaCy pipelines cannot be installed on the workers, and story
grouping needs ids that agree across languages ("Meksiko", "Mexique", "mexicano" -> MEX).
So the default path is spaCy's rule-based tokenizer (``spacy.blank(lang)``, ``xx`` when
spaCy lacks the language or needs an extra library) plus a phrase matcher built from data:

* countries: pycountry names and their iso-codes translations for the article's language,
  plus ``configs/gazetteer.yaml`` (short names, demonyms with generated inflections,
  capitals and seats of government used as metonyms);
* organisations, well-known places, and the people watchlist (``configs/people.yaml``);
* everything else that looks like a proper name (a run of capitalised Latin-script tokens)
  becomes ``person:<key>`` or ``name:<key>`` by a small documented heuristic.

Matching is on a normalised token key (case-folded, accents stripped, ş/ș unified,
apostrophes unified, English/Dutch possessive 's dropped); a case rule per pattern keeps
"turkey", "chile" (pepper) or "un" (French article) out: names must be capitalised,
acronyms must be upper case, only demonyms of languages that write them in lower case may
match in lower case. Longest match wins, left to right, no overlaps.

People extraction covers Latin-script text only: in non-Latin scripts country, capital,
organisation and watchlist names still match, generic names are not extracted.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pycountry

from transforms import yamlfile
from transforms.entities import boilerplate, morph
from transforms.entities.lang import LangRules, rules
from transforms.records import Article, Entity, article_text

log = logging.getLogger(__name__)

# langdetect code -> spaCy language code (where they differ)
SPACY_LANG = {"zh-cn": "zh", "zh-tw": "zh", "no": "nb", "tl": "tl"}
# langdetect code -> pycountry locale folders (first found wins, all are read)
LOCALE_DIRS = {"zh-cn": ["zh_CN"], "zh-tw": ["zh_TW", "zh_HK"], "no": ["nb_NO", "nn"], "pt": ["pt", "pt_BR"]}
# Languages that write demonym adjectives in lower case: a lower-case demonym may match.
LOWERCASE_DEMONYM_LANGS = frozenset({"es", "pt", "fr", "it", "de", "ca", "ro", "pl", "cs", "sk"})
# Languages whose country names take a genitive -s (Mexikos, Kolumbiens).
GENITIVE_S_LANGS = frozenset({"de", "sv", "da", "nb", "no"})
MAX_PERSON_TOKENS = 4
# Weight of a capitalised run that nothing supports as a name (no title, given name,
# watchlist or repetition): kept as a ``name``, never a person, so stories can count it little.
WEAK_WEIGHT = 0.25
_WEB_ADDRESS = re.compile(
    r"\w\.(?:com|net|org|info|co|de|at|ch|fr|es|it|pl|tr|nl|id|uk|ru|eu|io|news|tv)\b", re.IGNORECASE
)

_FOLD_EXTRA = str.maketrans(
    {
        "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae",
        "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "’": "'", "‘": "'", "`": "'", "´": "'",
        "ʼ": "'", "‐": "-", "‑": "-", "–": "-", "ى": "ي", "ـ": None,
    }
)  # fmt: skip
# The same as characters (no replacement holds a replaced character, so the order is free).
_EXTRA_CHARS = {chr(k): v or "" for k, v in _FOLD_EXTRA.items()}


# Every combining mark (canonical combining class > 0), to delete. None lies beyond the first
# two planes (a test checks it against the whole range).
COMBINING_PLANES_END = 0x20000
_COMBINING = frozenset(chr(c) for c in range(COMBINING_PLANES_END) if unicodedata.combining(chr(c)))


def fold(text: str) -> str:
    """Case-folded, accent-stripped form: the key every pattern and token is compared on.

    Stripping combining marks unifies ş (cedilla) and ș (comma below), é and e, ë and e.
    ``fold_plain`` is the reference; this gives the same faster: a text holds few distinct
    characters to replace or strip, and ``str.replace`` removes each in one pass in C, about 3x
    faster on an article than a dict-driven ``str.translate`` (equal on single words). Pure ASCII
    text (no accents to strip, nothing to normalise) is only lower-cased.
    """
    for ch in _EXTRA_CHARS.keys() & set(text):
        text = text.replace(ch, _EXTRA_CHARS[ch])
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFD", text)
    for ch in _COMBINING.intersection(text):
        text = text.replace(ch, "")
    return unicodedata.normalize("NFC", text).casefold()


def fold_plain(text: str) -> str:
    """``fold`` written out plainly, character by character: what the fast one is tested against."""
    text = text.translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def name_key(text: str) -> str:
    """Key of a person or other name: folded, hyphens as spaces, single spaces."""
    return " ".join(fold(text).replace("-", " ").split())


def rules_of(tokenizer: Any) -> dict[str, Any]:
    """The special cases of a spaCy rule-based tokenizer (none for other segmenters)."""
    return getattr(tokenizer, "rules", None) or {}


def _is_latin_upper(ch: str) -> bool:
    return ch.isupper() and (ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF)


# --------------------------------------------------------------------------- config


def load_gazetteer(config_dir: Path) -> dict[str, Any]:
    """Read gazetteer.yaml and people.yaml once at launch into plain, picklable data."""
    config_dir = Path(config_dir)
    gaz_path = config_dir / "gazetteer.yaml"
    if not gaz_path.is_file():
        raise FileNotFoundError(f"gazetteer config not found: {gaz_path}")
    gazetteer: dict[str, Any] = yamlfile.safe_load(gaz_path.read_text(encoding="utf-8")) or {}
    people_path = config_dir / "people.yaml"
    people_doc = yamlfile.safe_load(people_path.read_text(encoding="utf-8")) if people_path.is_file() else None
    gazetteer["people"] = list((people_doc or {}).get("people") or [])
    _register_org_names(gazetteer)
    return gazetteer


def _register_org_names(gazetteer: dict[str, Any]) -> None:
    """Let country_name() name organisation ids (on the launcher and on each worker)."""
    for org_id, org in (gazetteer.get("orgs") or {}).items():
        _ORG_NAMES.setdefault(org_id, str(org.get("name", org_id)))


ORG_PREFIX = "org:"


def is_org_id(entity_id: str) -> bool:
    """Organisation ids carry a prefix, so they can never be taken for an ISO-3 code."""
    return entity_id.startswith(ORG_PREFIX)


def country_name(code: str) -> str:
    """English display name for a country or organisation id ("MEX" -> "Mexico")."""
    extra = _EXTRA_COUNTRY_NAMES.get(code)
    if extra:
        return extra
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        return str(getattr(country, "common_name", None) or country.name)
    return _ORG_NAMES.get(code, code.removeprefix(ORG_PREFIX))


_EXTRA_COUNTRY_NAMES = {"XKX": "Kosovo", "PSE": "Palestine", "VAT": "Holy See", "RUS": "Russia"}
_ORG_NAMES: dict[str, str] = {}


def _country_name_variants(name: str) -> list[str]:
    """Usable text forms of an ISO list name: "Korea, Republic of" -> Korea, Republic of Korea."""
    out = []
    base = name
    if "(" in base:
        inner = base[base.index("(") + 1 : base.rindex(")")] if ")" in base else ""
        base = base[: base.index("(")].strip()
        if inner:
            out.append(inner.strip())
    if ", " in base:
        head, tail = base.split(", ", 1)
        out.extend([head.strip(), f"{tail.strip()} {head.strip()}"])
    else:
        out.append(base)
    return [v for v in out if v]


def _pycountry_names(locale: str | None) -> list[tuple[str, str]]:
    """(name, alpha_3) pairs from pycountry, translated with iso-codes' gettext catalogue."""
    translate = _translator(locale)
    pairs: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            text = translate(value) if translate else value
            if translate and text == value and locale not in (None, "en"):
                continue  # untranslated: the English pass already has it
            pairs.extend((variant, country.alpha_3) for variant in _country_name_variants(text))
    return pairs


def _cldr_names(lang: str) -> list[tuple[str, str]]:
    """(name, alpha_3) pairs from CLDR's territory names in ``lang`` (babel), when it has them."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - babel is a declared dependency
        return []
    try:
        territories = Locale.parse(lang.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        return []
    pairs: list[tuple[str, str]] = []
    for alpha_2, name in territories.items():
        if len(alpha_2) != 2 or not alpha_2.isalpha():
            continue
        country = pycountry.countries.get(alpha_2=alpha_2)
        if country is not None:
            pairs.extend((variant, country.alpha_3) for variant in _country_name_variants(name))
    return pairs


def _is_acronym(surface: str) -> bool:
    return _case_rule(surface, "cap") == "upper"


def _translator(locale: str | None) -> Any:
    if locale in (None, "en"):
        return None
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale]).gettext
    except OSError:
        return None


# ------------------------------------------------------------------ inflection rules


def _inflect(word: str, lang: str) -> set[str]:
    """Generated inflections of a demonym/adjective (folded), over-generating on purpose.

    Forms that never occur in text cost nothing; missing ones lose recall.
    """
    w = fold(word)
    forms = {w}
    if lang == "en":
        forms |= {w + "s"} if not w.endswith(("s", "sh", "ch", "ese")) else set()
    elif lang in ("es", "pt"):
        if w.endswith("o"):
            forms |= {w[:-1] + "a", w + "s", w[:-1] + "as"}
        elif w.endswith("ao"):  # alemão -> alemã, alemães, alemãs
            forms |= {w[:-1], w[:-2] + "aes", w[:-2] + "as"}
        elif w.endswith("e"):
            forms |= {w + "s"}
        elif w.endswith(("i", "u")):
            forms |= {w + "es", w + "s"}
        elif w.endswith("l") and lang == "pt":
            forms |= {w + "a", w + "as", w[:-1] + "is"}
        elif w.endswith("z"):
            forms |= {w + "a", w[:-1] + "ces", w + "as"}
        else:
            forms |= {w + "a", w + "es", w + "as"}
    elif lang == "it":
        if w.endswith("co"):
            forms |= {w[:-1] + "a", w[:-1] + "hi", w[:-1] + "i", w[:-1] + "he"}
        elif w.endswith("o"):
            forms |= {w[:-1] + "a", w[:-1] + "i", w[:-1] + "e"}
        elif w.endswith("e"):
            forms |= {w[:-1] + "i"}
    elif lang == "fr":
        if w.endswith("ien"):
            forms |= {w + "ne", w + "s", w + "nes"}
        elif w.endswith("e"):
            forms |= {w + "s"}
        elif w.endswith(("s", "x")):
            forms |= {w + "e", w + "es"}
        elif w.endswith("c"):  # grec -> grecque, turc -> turque
            forms |= {w + "s", w + "que", w + "ques", w[:-1] + "que", w[:-1] + "ques"}
        else:
            forms |= {w + "e", w + "s", w + "es"}
    elif lang == "de":
        if w.endswith("isch") or w.endswith("sch"):
            forms |= {w + s for s in ("e", "en", "er", "es", "em")}
        elif w.endswith("er"):  # Mexikaner -> Mexikanern, Mexikanerin, Mexikanerinnen
            forms |= {w + "n", w + "in", w + "innen", w + "s"}
        elif w.endswith("e"):  # Franzose -> Franzosen, Franzosin
            forms |= {w + "n", w[:-1] + "in", w[:-1] + "innen"}
    elif lang == "nl":
        if w.endswith("ees"):  # Chinees -> Chinese, Malinees -> Malinese
            forms |= {w[:-2] + "se", w[:-2] + "zen"}
        elif w.endswith(("s", "sch")):
            forms |= {w + "e"}
        elif w.endswith("er"):
            forms |= {w + "s"}
        else:
            forms |= {w + "en", w + "e"}
    return forms


# ---------------------------------------------------------------------- the matcher


@dataclasses.dataclass(frozen=True)
class _Target:
    """What a phrase stands for, and the case rule its surface must satisfy."""

    id: str
    kind: str
    country: str | None
    via: str
    case: str  # "cap": not starting lower case; "upper": all upper case (acronyms); "any"
    role: str | None = None
    alone: bool = False  # a watchlisted person's one-word alias (a surname): needs support


def _case_rule(surface: str, default: str) -> str:
    letters = [c for c in surface if c.isalpha()]
    if letters and len(letters) <= 6 and all(c.isupper() for c in letters) and len(surface) <= 10:
        return "upper"  # an acronym: UN, ONU, EU, AU, WHO, U.S.
    return default


def _case_ok(surface: str, rule: str) -> bool:
    if rule == "any":
        return True
    if rule == "upper":
        return surface.upper() == surface
    return not surface[:1].islower()


@dataclasses.dataclass
class _LangMatcher:
    """Phrase table for one language: folded token tuples -> candidate targets."""

    nlp: Any
    phrases: dict[tuple[str, ...], list[_Target]]
    first: dict[str, int]  # first token key -> longest phrase length starting with it
    stopwords: frozenset[str]
    placewords: frozenset[str]
    given_names: frozenset[str]
    given_name_like: frozenset[str]  # country/capital keys that are also first names
    lang: str
    noun_suffixes: tuple[str, ...] = ()  # capitalised common nouns (German): never name words
    # Treaty nouns ("convention", "Abkommen") -> whether they must be capitalised to count.
    instruments: dict[str, bool] = dataclasses.field(default_factory=dict)
    instrument_links: frozenset[str] = frozenset()
    rules: LangRules = dataclasses.field(default_factory=LangRules)
    titles: frozenset[str] = frozenset()
    title_suffixes: tuple[str, ...] = ()
    # Special cases of the tokenizer that span whitespace ("EE. UU.", "Dr. med"): a text holding
    # one is tokenized whole, since only then can spaCy join tokens across a space.
    spaced_specials: tuple[str, ...] = ()
    # spaCy's rule-based tokenizer, which splits on whitespace first (not Chinese, Japanese...
    # segmenters): only then may a text be tokenized chunk by chunk.
    chunked: bool = False
    chunks: dict[str, tuple[tuple[str, int, int, str], ...]] = dataclasses.field(default_factory=dict)


# A run of non-space characters, or of space characters (the same test as spaCy's ``str.isspace``).
_RUNS = re.compile(r"\S+|\s+")
MAX_CACHED_CHUNKS = 200_000


def is_spacy_tokenizer(tokenize: Any) -> bool:
    """Is it spaCy's rule-based ``Tokenizer`` (not a character tokenizer of ours)?"""
    from spacy.tokenizer import Tokenizer

    return type(tokenize) is Tokenizer


def _spaced_specials(tokenizer: Any) -> tuple[str, ...]:
    """The tokenizer's special cases that span whitespace: only these join tokens across a space."""
    return tuple(k for k in rules_of(tokenizer) if not k.isspace() and any(c.isspace() for c in k))


@functools.lru_cache(maxsize=64)
def _holds_any(specials: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for "the text holds one of ``specials``": one regex search instead of a loop over
    them (Russian has 91, asked of each of 80,000 phrases in a build)."""
    if not specials:
        return lambda text: False
    search = re.compile("|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True))).search
    return lambda text: search(text) is not None


class _Token(NamedTuple):
    """The two attributes of a spaCy token that ``_units`` reads."""

    text: str
    idx: int


class _PhraseKeys:
    """``key_of(surface)``: the token keys of a gazetteer phrase, as tokenizing it whole gives them.

    A matcher build asks for about 5,000 phrases a language (50,000 with Polish or Russian case
    forms), made of far fewer distinct words. spaCy's rule-based tokenizer tokenizes each
    space-separated word on its own, so a phrase of single-space-separated words has the keys
    of its words in turn, and each distinct word is tokenized once. Anything else (another
    segmenter, other whitespace, a special case that spans a space) is tokenized whole.

    Most words are one token: spaCy only splits a word that is a special case or that its
    prefix, suffix or infix patterns match. So each word is first checked against those rules, in
    the order spaCy's own algorithm applies them, instead of being tokenized (which makes a Doc and
    a lexeme per word: half of a build's time); if any rule applies, spaCy tokenizes it.
    """

    def __init__(self, tokenize: Any, units: Callable[[Any], list[tuple[str, int, int, str]]], spaced: tuple[str, ...]):
        self.tokenize = tokenize
        self.units = units
        self.holds_spaced = _holds_any(spaced)
        self.by_word = is_spacy_tokenizer(tokenize)
        self.specials: dict[str, Any] = (tokenize.rules or {}) if self.by_word else {}
        self.words: dict[str, tuple[str, ...]] = {}

    def whole(self, surface: str) -> tuple[str, ...]:
        """The keys of ``surface`` tokenized in one piece (the reference)."""
        return tuple(u[0] for u in self.units(self.tokenize(surface)))

    def one_token(self, word: str) -> bool:
        """Does spaCy's tokenizer keep this space-free word as one token? (``Tokenizer._split_affixes``
        and ``_attach_tokens``: not a special case; then a ``token_match``, or no prefix, no suffix,
        and a ``url_match`` or no infix.) A pattern matching the empty string counts as a match:
        spaCy then decides."""
        t = self.tokenize
        if word in self.specials:
            return False
        if t.token_match is not None and t.token_match(word):
            return True
        if (t.prefix_search is not None and t.prefix_search(word)) or (
            t.suffix_search is not None and t.suffix_search(word)
        ):
            return False
        if t.url_match is not None and t.url_match(word):
            return True
        return t.infix_finditer is None or next(iter(t.infix_finditer(word)), None) is None

    def word(self, word: str) -> tuple[str, ...]:
        """The keys of one space-free word."""
        if self.one_token(word):
            return tuple(u[0] for u in self.units([_Token(word, 0)]))
        return self.whole(word)

    def __call__(self, surface: str) -> tuple[str, ...]:
        words = surface.split()
        if not self.by_word or not words or " ".join(words) != surface:
            return self.whole(surface)  # another segmenter, or whitespace other than single spaces
        if len(words) > 1 and self.holds_spaced(surface):
            return self.whole(surface)
        keys: list[str] = []
        for word in words:
            cached = self.words.get(word)
            if cached is None:
                cached = self.words[word] = self.word(word)
            keys.extend(cached)
        return tuple(keys)


class EntityExtractor:
    """Tokenizer + data-built phrase matcher + proper-name heuristic, per language, cached."""

    def __init__(self, gazetteer: dict[str, Any]):
        self.gazetteer = gazetteer
        self._matchers: dict[str, _LangMatcher] = {}
        self._fold_cache: dict[str, str] = {}
        self._ner: Any = None
        self._ner_loaded = False
        _register_org_names(gazetteer)

    # -- building --------------------------------------------------------------

    def _tokenizer(self, lang: str) -> tuple[Any, str]:
        """A blank spaCy pipeline for ``lang``; ``xx`` if spaCy lacks it or needs extras."""
        code = SPACY_LANG.get(lang, lang)
        characters = rules(lang).token_characters
        if characters:
            return _character_tokenizer(characters), lang
        import spacy  # here, not at import: a replay forks its parsers before it builds a matcher

        try:
            return spacy.blank(code), lang
        except Exception as err:  # ImportError for missing libs, KeyError-ish for unknown codes
            log.info("spaCy has no usable tokenizer for %r (%s); using xx", lang, type(err).__name__)
            return spacy.blank("xx"), lang

    def matcher(self, lang: str) -> _LangMatcher:
        """The cached matcher for ``lang`` (built on first use)."""
        lang = (lang or "xx").lower()
        cached = self._matchers.get(lang)
        if cached is None:
            cached = self._matchers[lang] = self._build(lang)
        return cached

    def _build(self, lang: str) -> _LangMatcher:
        g = self.gazetteer
        nlp, _ = self._tokenizer(lang)
        phrases: dict[tuple[str, ...], list[_Target]] = {}

        tokenize = nlp.tokenizer
        spaced_specials = _spaced_specials(tokenize)
        key_of = _PhraseKeys(tokenize, self._units, spaced_specials)

        def add(surface: str, target: _Target, variants: Iterable[str] = ()) -> None:
            keys = {key_of(surface)} | {key_of(v) for v in variants}
            for key in keys:
                if not key:
                    continue
                bucket = phrases.setdefault(key, [])
                if all(t.id != target.id or t.case != target.case for t in bucket):
                    bucket.append(target)
                if lang in GENITIVE_S_LANGS and target.via in ("name", "capital", "place") and target.case == "cap":
                    last = key[-1]
                    if last[-1:] not in ("s", "x", "z"):
                        gen = key[:-1] + (last + "s",)
                        gb = phrases.setdefault(gen, [])
                        if all(t.id != target.id for t in gb):
                            gb.append(target)

        inflectable: list[tuple[str, _Target]] = []

        def country(surface: str, code: str, via: str, case: str = "cap") -> None:
            if is_org_id(code):
                target = _Target(code, "org", None, via, _case_rule(surface, case))
            else:
                target = _Target(code, "country", code, via, _case_rule(surface, case))
            add(surface, target)
            inflectable.append((surface, target))

        lr = rules(lang)
        # Blockers first: phrases that are not entities but contain one ("New Mexico").
        for surface in g.get("blockers") or []:
            add(str(surface), _Target("", "block", None, "block", "cap"))
        # Watchlist people (full names and aliases).
        for person in g.get("people") or []:
            pid = "person:" + name_key(person["name"])
            target = _Target(pid, "person", person.get("country"), "watchlist", "cap", person.get("role"))
            alone = dataclasses.replace(target, alone=True)
            for surface in [person["name"], *(person.get("aliases") or [])]:
                one_word = len(key_of(str(surface))) == 1 and str(surface) != person["name"]
                # Case forms where names decline ("Donalda Tuska", "z Donaldem Tuskiem").
                forms = [" ".join(f) for f in morph.name_forms(str(surface), lr, fold)] if lr.name_endings else []
                add(str(surface), alone if one_word and not _is_acronym(str(surface)) else target, forms)
        # Curated names take precedence over generated ones (first candidate wins).
        for code, names in (g.get("extra_names") or {}).items():
            for surface in names:
                country(str(surface), code, "name")
        for code, names in ((g.get("lang_names") or {}).get(lang) or {}).items():
            for surface in names:
                country(str(surface), code, "name")
        for code, names in (g.get("capitals") or {}).items():
            for surface in names:
                country(str(surface), code, "capital")
        for code, names in (g.get("seats") or {}).items():
            for surface in names:
                country(str(surface), code, "seat")
        for org_id, org in (g.get("orgs") or {}).items():
            lang_aliases = (org.get("lang_aliases") or {}).get(lang) or []
            for surface in [org.get("name", org_id), *(org.get("aliases") or []), *lang_aliases]:
                add(str(surface), _Target(org_id, "org", None, "name", _case_rule(str(surface), "cap")))
        for code, names in lr.names.items():
            for surface in names:
                country(surface, code, "name")
        for code, names in lr.capitals.items():
            for surface in names:
                country(surface, code, "capital")
        for code, adjectives in lr.adjectives.items():
            for word in adjectives:
                target = _Target(code, "country", code, "demonym", "any")
                adjective_forms = morph.adjective_forms(word, lr, fold) | morph.derived_demonyms(word, lr, fold)
                add(word, target, adjective_forms - {fold(word)})
        for pkey, place in (g.get("places") or {}).items():
            target = _Target("name:" + name_key(str(pkey)), "name", place.get("country"), "place", "cap")
            for surface in place.get("names") or [pkey]:
                add(str(surface), target)
        # Demonyms: English everywhere, plus the article's own language.
        dlangs = list(g.get("demonym_languages") or [])
        for code, forms in (g.get("demonyms") or {}).items():
            for dlang, cell in zip(dlangs, forms, strict=False):
                if not cell or dlang not in ("en", lang):
                    continue
                case = "any" if dlang in LOWERCASE_DEMONYM_LANGS else "cap"
                for word in str(cell).split("|"):
                    word = word.strip()
                    target = _Target(code, "country", code, "demonym", case)
                    add(word, target, _inflect(word, dlang) - {fold(word)})
        # pycountry: English, then this language's translations.
        for surface, code in _pycountry_names(None):
            country(surface, code, "name")
        for locale in LOCALE_DIRS.get(lang, [lang]):
            for surface, code in _pycountry_names(locale):
                country(surface, code, "name")
        for surface, code in _cldr_names(lang):
            country(surface, code, "name")
        # Per-language morphology: case forms, derived demonyms, clitics (lang/<code>.py).
        for surface, target in inflectable:
            if target.via not in ("name", "capital"):
                continue
            if lr.name_endings:
                add(surface, target, [" ".join(f) for f in morph.name_forms(surface, lr, fold)])
            if target.kind == "country" and target.via == "name":
                derived = morph.derived_demonyms(surface, lr, fold)
                if derived:
                    add(surface, dataclasses.replace(target, via="demonym", case="any"), derived)
        if lr.proclitics:
            for key, bucket in list(phrases.items()):
                usable = [t for t in bucket if t.kind in ("country", "org") or t.via == "watchlist"]
                if not usable:
                    continue
                demonym = any(t.via == "demonym" for t in usable)
                for variant in morph.expand_first([key], lr, fold, article_optional=demonym):
                    if variant not in phrases:
                        phrases[variant] = list(usable)

        first: dict[str, int] = {}
        for key in phrases:
            first[key[0]] = max(first.get(key[0], 0), len(key))

        def words(section: str) -> frozenset[str]:
            """A word list, either flat or keyed by language ("any" applies to all)."""
            data = g.get(section) or {}
            if isinstance(data, list):
                return frozenset(fold(str(w)) for w in data)
            out: set[str] = set()
            for wlang, items in data.items():
                if wlang in ("any", lang):
                    out |= {fold(str(w)) for w in items or []}
            return frozenset(out)

        given = {fold(str(n)) for n in g.get("given_names") or []}
        titles = frozenset(fold(w) for w in lr.titles)
        for person in g.get("people") or []:
            given.add(fold(str(person["name"]).split()[0]))
        return _LangMatcher(
            nlp=nlp,
            phrases=phrases,
            first=first,
            stopwords=words("stopwords") | {fold(w) for w in lr.nonname} | titles,
            placewords=words("placewords"),
            given_names=frozenset(given),
            given_name_like=frozenset(fold(str(n)) for n in g.get("given_name_like") or []),
            lang=lang,
            noun_suffixes=tuple(sorted(words("noun_suffixes"))),
            instruments={fold(str(w)): str(w)[:1].isupper() for w in (g.get("instrument_words") or {}).get(lang) or []},
            instrument_links=frozenset(fold(str(w)) for w in g.get("instrument_links") or []),
            rules=lr,
            titles=titles,
            title_suffixes=tuple(fold(w) for w in lr.title_suffixes),
            spaced_specials=spaced_specials,
            chunked=is_spacy_tokenizer(tokenize),
        )

    # -- matching --------------------------------------------------------------

    def _fold_token(self, text: str) -> str:
        key = self._fold_cache.get(text)
        if key is None:
            key = fold(text)
            if len(self._fold_cache) < 200_000:
                self._fold_cache[text] = key
        return key

    def _units(self, doc: Any, apostrophe: bool = False) -> list[tuple[str, int, int, str]]:
        """(key, start, end, surface) per non-space token; a possessive 's is cut off.

        ``apostrophe``: the language writes case suffixes after an apostrophe on proper
        names (Türkiye'nin, ABD'ye): the name and the suffix become separate units.
        """
        units: list[tuple[str, int, int, str]] = []
        fold_token = self._fold_token
        for tok in doc:
            text = tok.text
            if text.isspace():
                units.append(("\n", tok.idx, tok.idx + len(text), text))
                continue
            start = tok.idx
            key = fold_token(text)
            cut = key.find("'") if apostrophe else -1
            if cut > 0 and cut < len(key) - 1 and key[cut + 1 :].isalpha():
                units.append((key[:cut], start, start + cut, text[:cut]))
                units.append(("'" + key[cut + 1 :], start + cut, start + len(text), text[cut:]))
                continue
            if len(key) > 3 and key.endswith("'s"):  # Dutch keeps Mexico's as one token
                text = text[:-2]
                key = key[:-2]
            elif key in ("'s", "'"):
                key = "'s"
            units.append((key, start, start + len(text), text))
        return units

    def _doc_units(self, m: _LangMatcher, text: str) -> list[tuple[str, int, int, str]]:
        """The units of the whole text tokenized at once by spaCy: the plain path."""
        return _split_prefixed(m, self._units(m.nlp(text), m.rules.apostrophe_suffixes))

    def _text_units(self, m: _LangMatcher, text: str) -> list[tuple[str, int, int, str]]:
        """The same units as ``_doc_units``, from a cache of whitespace-separated chunks.

        spaCy's tokenizer splits on whitespace first and tokenizes each chunk on its own, so a
        chunk always gives the same tokens; but its own cache stops filling after the first
        special-case token of a text, so it re-tokenizes most words. The chunks not seen yet
        are tokenized together, in one call, joined by single spaces. A whitespace run is one
        span, less the single space after a word (a flag in spaCy, not a token).
        """
        if not m.chunked or _holds_any(m.spaced_specials)(text):
            return self._doc_units(m, text)
        cache = m.chunks
        runs: list[tuple[str, int]] = []
        missing: dict[str, None] = {}
        for run in _RUNS.finditer(text):
            chunk, start = run.group(), run.start()
            if start and chunk[0] == " ":
                chunk, start = chunk[1:], start + 1
                if not chunk:
                    continue
            runs.append((chunk, start))
            if chunk not in cache:
                missing[chunk] = None
        if missing:
            fresh = self._chunk_units(m, list(missing))
            if fresh is None:  # joined chunks formed a special case that spans a space
                return self._doc_units(m, text)
            if len(cache) < MAX_CACHED_CHUNKS:
                cache.update(fresh)
        else:
            fresh = {}
        units: list[tuple[str, int, int, str]] = []
        for chunk, start in runs:
            cached = cache.get(chunk)
            if cached is None:  # the cache is full
                cached = fresh[chunk]
            if start:
                units.extend([(key, s + start, e + start, surface) for key, s, e, surface in cached])
            else:
                units.extend(cached)
        return units

    def _chunk_units(
        self, m: _LangMatcher, chunks: list[str]
    ) -> dict[str, tuple[tuple[str, int, int, str], ...]] | None:
        """Units of each chunk, offsets from the chunk's start: one tokenizer call for them all."""
        out: dict[str, tuple[tuple[str, int, int, str], ...]] = {}
        words = [c for c in chunks if not c[0].isspace()]
        for chunk in chunks:
            if chunk[0].isspace():  # a line break or a run of spaces: few distinct ones
                out[chunk] = tuple(self._doc_units(m, chunk))
        if not words:
            return out
        joined = " ".join(words)
        if _holds_any(m.spaced_specials)(joined):
            return None
        units = self._doc_units(m, joined)
        k = 0
        offset = 0
        for chunk in words:
            end = offset + len(chunk)
            part = []
            while k < len(units) and units[k][1] < end:
                key, s, e, surface = units[k]
                part.append((key, s - offset, e - offset, surface))
                k += 1
            out[chunk] = tuple(part)
            offset = end + 1
        return out

    def extract(self, text: str, lang: str) -> list[Entity]:
        """Entities of ``text``: sorted by start, non-overlapping, longest match wins."""
        if not text:
            return []
        m = self.matcher(lang)
        text = boilerplate.mask(text, m.lang)
        units = self._text_units(m, text)
        n = len(units)
        found: list[Entity] = []
        covered = [False] * n
        first = m.first
        headline = _headline_case_mask(units)
        alone: list[tuple[int, int, int]] = []  # (index in found, first unit, end unit)
        i = 0
        while i < n:
            key = units[i][0]
            longest = first.get(key)
            if longest:
                hit = self._match_at(m, units, i, min(longest, n - i), text, headline[i])
                if hit is not None:
                    length, target = hit
                    if target.kind != "block" and not (
                        target.via in _CITY_VIAS and _in_instrument_name(m, units, i, i + length)
                    ):
                        s, end = units[i][1], units[i + length - 1][2]
                        found.append(
                            Entity(target.id, target.kind, text[s:end], s, end, target.country, target.role, target.via)
                        )
                        if target.alone:
                            alone.append((len(found) - 1, i, i + length))
                    for j in range(i, i + length):
                        covered[j] = True
                    i += length
                    continue
            if m.rules.compounds and not headline[i]:
                compound = _compound(m, units[i], text)
                if compound is not None:
                    found.append(compound)
                    covered[i] = True
            i += 1
        if alone:
            found = _gate_surnames(m, units, covered, found, alone)
        found.extend(self._names(m, units, covered, text, found, headline))  # Latin-script names, any language
        if self.gazetteer.get("ner_model"):
            found = self._add_ner(text, found)
        found.sort(key=lambda e: e.start)
        return found

    def _match_at(
        self,
        m: _LangMatcher,
        units: list[tuple[str, int, int, str]],
        i: int,
        longest: int,
        text: str,
        headline: bool = False,
    ) -> tuple[int, _Target] | None:
        """The longest phrase at unit ``i`` whose case rule the surface satisfies.

        A country name that is also a first name ("Chad", "Kenya", "Jordan") followed by a
        capitalised word is a person ("Chad Johnson"), except in a Title Case headline,
        where every word is capitalised ("Kenya Expels Two Ugandan Diplomats").
        """
        phrases = m.phrases
        for length in range(longest, 0, -1):
            key = tuple(u[0] for u in units[i : i + length])
            cands = phrases.get(key)
            if not cands:
                continue
            surface = text[units[i][1] : units[i + length - 1][2]]
            for target in cands:
                if _case_ok(surface, target.case):
                    if length == 1 and target.kind == "country" and key[0] in m.given_name_like and not headline:
                        nxt = units[i + 1] if i + 1 < len(units) else None
                        if nxt and _is_latin_upper(nxt[3][:1]) and nxt[0] not in m.stopwords and nxt[0] not in m.first:
                            return None  # "Chad Johnson", "Sofia Coppola": a person, not a state
                    return length, target
        return None

    # -- proper names ----------------------------------------------------------

    def _names(
        self,
        m: _LangMatcher,
        units: list[tuple[str, int, int, str]],
        covered: list[bool],
        text: str,
        found: list[Entity],
        skip: list[bool] | None = None,
    ) -> list[Entity]:
        """Runs of capitalised tokens not already matched -> person:/name: entities.

        A run may hold inner particles (de, van, al-...). Title and function words are
        trimmed; a sentence-initial single word is kept only when it resolves to a
        person named in full elsewhere in the article.
        """
        particles = _PARTICLES
        stop = m.stopwords
        runs: list[tuple[int, int, bool]] = []  # (first unit, end unit, sentence-initial)
        n = len(units)
        if skip is None:  # the Title Case lines, as ``extract`` found them
            skip = _headline_case_mask(units)
        # Words this article also writes in lower case are common words, not name words
        # (not for languages that capitalise every noun: there the case says nothing).
        lower = (
            frozenset() if m.noun_suffixes else frozenset(u[0] for u in units if u[3][:1].islower() and len(u[0]) > 2)
        )
        i = 0
        while i < n:
            if covered[i] or skip[i] or not self._capitalised(units[i], stop, m):
                i += 1
                continue
            j = i + 1
            while j < n and not covered[j]:
                nxt = units[j + 1] if j + 1 < n and not covered[j + 1] else None
                name_word = self._capitalised(units[j], stop, m) and units[j][1] - units[j - 1][2] <= 1
                particle = (
                    units[j][0] in particles
                    and not (units[j][0] in m.rules.linked_particles and units[j - 1][0] not in particles)
                    and nxt is not None
                    and (self._capitalised(nxt, stop, m) or nxt[0] == "-" or nxt[0] in particles)
                )  # "da Silva", "van den Berg", "al-Burhan"
                hyphen = units[j][0] == "-" and nxt is not None and units[j][1] == units[j - 1][2]
                if not (name_word or particle or hyphen):
                    break
                j += 1
            while j > i and (units[j - 1][0] in particles or units[j - 1][0] == "-"):
                j -= 1
            if j - i > 1 and units[i][0] in lower:  # "Dodatkowo Carrefour": a common word first
                i += 1
            runs.append((i, j, self._sentence_start(units, i)))
            i = max(j, i + 1)

        out: list[Entity] = []
        full_by_last: dict[str, str] = {}
        for ent in found:
            if ent.kind == "person":
                full_by_last.setdefault(ent.id.rsplit(" ", 1)[-1], ent.id)

        keys_of: dict[tuple[int, int], str] = {}

        def key_of(a: int, b: int) -> str:
            key = keys_of.get((a, b))
            if key is None:
                key = keys_of[(a, b)] = name_key(text[units[a][1] : units[b - 1][2]])
            return key

        def titled(a: int) -> bool:
            return a > 0 and _is_title(m, units[a - 1][0])

        # A web address ("UnionLeader.com") names the outlet, not anything in the story.
        runs = [r for r in runs if not _WEB_ADDRESS.search(text[units[r[0]][1] : units[r[1] - 1][2]])]
        # Repetition in the article supports a name: the same run twice, or its last word alone.
        seen: dict[str, int] = {}
        # One-word runs that stand as a name, not as a noun after "der".
        alone: dict[str, int] = {}
        determiners = m.rules.determiners
        for a, b, _ in runs:
            run_key = key_of(a, b)
            seen[run_key] = seen.get(run_key, 0) + 1
            if b - a == 1 and not (a > 0 and units[a - 1][0] in determiners):
                alone[run_key] = alone.get(run_key, 0) + 1
        pending: list[tuple[int, int, bool]] = []
        for a, b, initial in runs:
            length = sum(1 for u in units[a:b] if u[0] not in particles and u[0] != "-")
            if length < 2:
                pending.append((a, b, initial))
                continue
            s, end = units[a][1], units[b - 1][2]
            key = key_of(a, b)
            if self._is_person(m, units[a:b], length):
                # A person needs a given name, a title before it, or its surname used alone
                # elsewhere ("... Newsom said"); a run that only repeats is a name.
                supported = units[a][0] in m.given_names or titled(a) or alone.get(key.rsplit(" ", 1)[-1], 0) > 0
                if supported:
                    full_by_last.setdefault(key.rsplit(" ", 1)[-1], "person:" + key)
                    out.append(Entity("person:" + key, "person", text[s:end], s, end, None, None, "span"))
                else:  # a capitalised run nothing else supports: counts little
                    weight = 1.0 if seen[key] > 1 else WEAK_WEIGHT
                    out.append(Entity("name:" + key, "name", text[s:end], s, end, None, None, "span", weight))
            else:
                out.append(Entity("name:" + key, "name", text[s:end], s, end, None, None, "span"))
        watch = {ent.id: ent for ent in found if ent.via == "watchlist"}

        def as_person(ent: Entity, pid: str) -> Entity:
            w = watch.get(pid)
            return dataclasses.replace(
                ent, id=pid, kind="person", country=w.country if w else None, role=w.role if w else None,
                via="watchlist" if w else "surname", weight=1.0,
            )  # fmt: skip

        # "Fernández Quiroga" after "Lucía Fernández Quiroga": a partial name is the full one.
        keys = sorted({ent.id for ent in [*found, *out] if ent.kind == "person"}, key=len, reverse=True)
        for k, ent in enumerate(out):
            if ent.kind == "person" or ent.weight < 1.0:
                longer = next((pid for pid in keys if pid.endswith(" " + ent.id.split(":", 1)[1])), None)
                if longer:
                    out[k] = as_person(ent, longer)
        if m.rules.name_endings:
            out = _unify_declined(out)
        for a, b, initial in pending:
            s, end = units[a][1], units[b - 1][2]
            key = key_of(a, b)
            single = Entity("name:" + key, "name", text[s:end], s, end, None, None, "span")
            pid = full_by_last.get(key)
            if pid:
                out.append(as_person(single, pid))
            elif titled(a) and len(key) > 2:  # "Kanzler Scholz", "Prezydent Duda"
                out.append(dataclasses.replace(single, id="person:" + key, kind="person", via="title"))
            elif (
                not initial
                and key not in m.placewords
                and not m.rules.capitalised_nouns
                and len(key) > 1
                and not (a > 0 and units[a - 1][0] in particles)  # "Ministerio de Economía"
            ):
                out.append(single if seen[key] > 1 else dataclasses.replace(single, weight=WEAK_WEIGHT))
        return out

    @staticmethod
    def _capitalised(unit: tuple[str, int, int, str], stop: frozenset[str], m: _LangMatcher) -> bool:
        surface = unit[3]
        if not _is_latin_upper(surface[:1]) or unit[0] in stop or _is_title(m, unit[0]):
            return False
        if not surface.replace("-", "").replace("'", "").replace(".", "").isalpha():
            return False  # digits, markup ("Petro</strong>"), symbols
        key = unit[0]
        return not (m.noun_suffixes and len(key) > 5 and key.endswith(m.noun_suffixes))

    @staticmethod
    def _sentence_start(units: list[tuple[str, int, int, str]], i: int) -> bool:
        if i == 0:
            return True
        prev = units[i - 1][0]
        return prev in _SENTENCE_END or "\n" in prev

    @staticmethod
    def _is_person(m: _LangMatcher, run: list[tuple[str, int, int, str]], length: int) -> bool:
        """Person if it starts with a known given name, or has 2-4 words and no place word."""
        if run[0][0] in m.given_names:
            return True
        if length > MAX_PERSON_TOKENS:
            return False
        return not any(u[0] in m.placewords for u in run)

    # -- optional trained NER --------------------------------------------------

    def _add_ner(self, text: str, found: list[Entity]) -> list[Entity]:
        """Add PERSON/GPE/ORG spans of a configured, installed spaCy model (never downloaded)."""
        if not self._ner_loaded:
            self._ner_loaded = True
            import spacy

            try:
                self._ner = spacy.load(str(self.gazetteer["ner_model"]))
            except (OSError, ImportError) as err:
                log.warning("ner_model %r not usable (%s); rule-based entities only", self.gazetteer["ner_model"], err)
        if self._ner is None:
            return found
        taken = sorted((e.start, e.end) for e in found)
        extra = []
        for span in self._ner(text).ents:
            if span.label_ not in ("PERSON", "PER", "GPE", "ORG", "LOC"):
                continue
            if any(s < span.end_char and span.start_char < e for s, e in taken):
                continue
            kind = "person" if span.label_ in ("PERSON", "PER") else "name"
            extra.append(Entity(f"{kind}:{name_key(span.text)}", kind, span.text, span.start_char, span.end_char,
                                None, None, "ner"))  # fmt: skip
        return found + extra


_PARTICLES = frozenset(
    {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der", "den", "ter", "ten", "la", "le",
     "bin", "ibn", "bint", "al", "el", "ul", "y", "e", "abu"}
)  # fmt: skip
_SENTENCE_END = frozenset({".", "!", "?", "…", ":", ";", '"', "“", "”", "«", "»", "'", "‘", "'s", "—", "-", "("})


# Entities that name a city: inside a treaty's name they are not the state.
_CITY_VIAS = frozenset({"capital", "seat", "place"})


def _stem_key(entity_id: str) -> tuple[str, ...]:
    words = entity_id.split(":", 1)[1].split()
    return tuple(w[: max(3, len(w) - 2)] for w in words)


def _unify_declined(out: list[Entity]) -> list[Entity]:
    """One id for the case forms of one name in an article ("Andrzej Duda", "Andrzeja Dudy").

    For languages whose names decline: multi-word names whose words agree but for their
    last two letters are one name; its most frequent form (then the first) is the id.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for k, ent in enumerate(out):
        if ent.kind in ("person", "name") and " " in ent.id and not ent.country:
            groups.setdefault(_stem_key(ent.id), []).append(k)
    for members in groups.values():
        forms = [out[k] for k in members]
        if len({e.id for e in forms}) < 2:
            continue
        counts: dict[str, int] = {}
        for e in forms:
            counts[e.id] = counts.get(e.id, 0) + 1
        best = max(forms, key=lambda e: counts[e.id])
        person = any(e.kind == "person" for e in forms)
        for k in members:
            out[k] = dataclasses.replace(
                out[k], id=best.id.replace("name:", "person:", 1) if person else best.id,
                kind="person" if person else out[k].kind, weight=1.0,
            )  # fmt: skip
    return out


def _compound(m: _LangMatcher, unit: tuple[str, int, int, str], text: str) -> Entity | None:
    """A one-word compound that starts with a country name: "Russlandreise", "Irankrise".

    Only for languages that write such compounds (``COMPOUNDS``); the country part and
    the rest both need four letters, so short names inside ordinary words do not count.
    """
    key, start, end, surface = unit
    if len(key) < 8 or not _is_latin_upper(surface[:1]) or not surface.isalpha():
        return None
    for k in range(len(key) - 4, 3, -1):
        for t in m.phrases.get((key[:k],), ()):
            if t.kind == "country" and t.via == "name" and t.case == "cap":
                return Entity(t.id, t.kind, text[start:end], start, end, t.country, None, "compound")
    return None


def _is_title(m: _LangMatcher, key: str) -> bool:
    """A title or role word ("President", "Außenminister", "prezydent")."""
    if key in m.titles:
        return True
    suffixes = m.title_suffixes
    return bool(suffixes) and (key.endswith(suffixes) or key.removesuffix("s").endswith(suffixes))


def _gate_surnames(
    m: _LangMatcher,
    units: list[tuple[str, int, int, str]],
    covered: list[bool],
    found: list[Entity],
    alone: list[tuple[int, int, int]],
) -> list[Entity]:
    """Keep a watchlisted person's surname alone only with support in the same article.

    Support: the full name (or another multi-word alias) elsewhere, or a title word right
    before one of the surname's mentions ("Prime Minister Albanese"). Without it the
    words go back to the name heuristic ("Francesca Albanese" is someone else).
    """
    alone_idx = {k for k, _, _ in alone}
    supported = {e.id for k, e in enumerate(found) if e.kind == "person" and k not in alone_idx}
    for k, a, _ in alone:
        if a > 0 and _is_title(m, units[a - 1][0]):
            supported.add(found[k].id)
    dropped = set()
    for k, a, b in alone:
        if found[k].id not in supported:
            dropped.add(k)
            for j in range(a, b):
                covered[j] = False
    return [e for k, e in enumerate(found) if k not in dropped]


def _split_prefixed(m: _LangMatcher, units: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """Split a hyphen compound whose first part is a country or organisation name.

    German and Dutch write "US-Abgeordnete", "EU-Sanktionen", "VS-sancties" as one token:
    the prefix names the state or body. A compound that is itself a known phrase
    ("US-amerikanisch", "UN-Sicherheitsrat") stays whole.
    """
    out: list[tuple[str, int, int, str]] = []
    for unit in units:
        key, start, end, surface = unit
        k_cut, s_cut = key.find("-"), surface.find("-")
        if 0 < k_cut < len(key) - 1 and 0 < s_cut < len(surface) - 1 and key not in m.first:
            head = surface[:s_cut]
            targets = m.phrases.get((key[:k_cut],)) or []
            if any(t.kind in ("country", "org") and t.via == "name" and _case_ok(head, t.case) for t in targets):
                out.append((key[:k_cut], start, start + s_cut, head))
                out.append(("-", start + s_cut, start + s_cut + 1, "-"))
                out.append((key[k_cut + 1 :], start + s_cut + 1, end, surface[s_cut + 1 :]))
                continue
        out.append(unit)
    return out


def _in_instrument_name(m: _LangMatcher, units: list[tuple[str, int, int, str]], i: int, end: int) -> bool:
    """A city that is part of an instrument's name: "Convención de Montevideo", "Minsk agreements".

    The treaty, not the government seated there, is meant, so it must not become an actor
    or a target. Without a linking word ("Perjanjian Paris") the noun must be capitalised.
    """

    def instrument(unit: tuple[str, int, int, str], linked: bool) -> bool:
        capital_only = m.instruments.get(unit[0])
        if capital_only is None:
            return False
        return unit[3][:1].isupper() or (linked and not capital_only)

    j = i - 1
    linked = j >= 0 and units[j][0] in m.instrument_links
    if linked:
        j -= 1
    if j >= 0 and instrument(units[j], linked):
        return True
    k = end + 1 if end < len(units) and units[end][0] == "-" else end
    return k < len(units) and instrument(units[k], True)


def _character_tokenizer(characters: str) -> Any:
    """spaCy's language-neutral tokenizer, with each character of ``characters`` split off as a token:
    spaCy's own Chinese segmenter also cuts Latin-script words into letters ("U-Haul" -> U, -, H...)."""
    import spacy
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    nlp = spacy.blank("xx")
    tokenizer: Any = nlp.tokenizer
    defaults: Any = nlp.Defaults
    tokenizer.prefix_search = compile_prefix_regex([*defaults.prefixes, characters]).search
    tokenizer.suffix_search = compile_suffix_regex([*defaults.suffixes, characters]).search
    tokenizer.infix_finditer = compile_infix_regex([*defaults.infixes, characters]).finditer
    return nlp


def _headline_case_mask(units: list[tuple[str, int, int, str]]) -> list[bool]:
    """True for tokens of lines written in Title Case ("Filipina Panggil Dubes China").

    In such lines capitals say nothing about names: only matcher entities are kept there.
    """
    mask = [False] * len(units)
    start = 0
    for end in [*(i for i, u in enumerate(units) if "\n" in u[0]), len(units)]:
        if end == start or units[end - 1][0] in (".", "!", "?", ":"):
            start = end + 1
            continue  # a headline carries no final full stop
        # words of a caseless script (one Han character) count, as words that are not capitalised
        words = [u[3] for u in units[start:end] if u[3].isalpha() and (len(u[3]) > 3 or u[3].lower() == u[3].upper())]
        if len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            for j in range(start, end):
                mask[j] = True
        start = end + 1
    return mask


def iter_entities(extractor: EntityExtractor, article: Article) -> Iterator[Entity]:
    """Entities of one article's text (title, summary, body)."""
    yield from extractor.extract(article_text(article), article.lang)
