"""The chunk cache of entity extraction gives exactly what spaCy gives on the whole text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from transforms.entities import EntityExtractor, load_gazetteer
from transforms.entities.boilerplate import mask

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CROSSWIRE_SHARED", ROOT.parent / "shared"))
LANGS = ("en", "es", "de", "id", "ar", "tr", "und", "zh-cn")  # special cases spanning a space; a segmenter

TRICKY = [
    "Los EE. UU. y la UE condenan la expulsión.",  # a special case that spans a space (es)
    "EE.  UU. con dos espacios",
    "Las EE. no son UU.",  # the same chunks apart: a cache keyed on "EE." alone must not hold the joined token
    "Dr. med. Anna Müller und Dr. phil. Jan Nowak",  # spaced special cases (id)
    "  leading spaces\n\n\ttab and  two spaces  \n trailing  ",
    "non\xa0breaking\xa0space and\u2009thin space",
    "Türkiye'nin ABD'ye notası; U.S.-led talks (don't) — Mexico's envoy",
    "US-Abgeordnete und EU-Sanktionen gegen Russland; UN-Sicherheitsrat",
    "\n",
    " ",
    "x",
    'Mr. Smith, e.g. at 10 a.m., said: "Colombia\'s" (Bogotá) ... ¿Qué? ¡Sí!',
    "ب. م الولايات المتحدة والصين",
]


class PlainExtractor(EntityExtractor):
    """The path without the chunk cache: spaCy tokenizes every text whole."""

    def _text_units(self, m, text):  # type: ignore[no-untyped-def]
        return self._doc_units(m, text)


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(load_gazetteer(ROOT / "configs"))


@pytest.mark.parametrize("lang", LANGS)
def test_chunk_units_equal_whole_text_units(extractor: EntityExtractor, lang: str) -> None:
    m = extractor.matcher(lang)
    m.chunks.clear()
    for _ in range(2):  # cold cache, then warm
        for text in TRICKY:
            assert extractor._text_units(m, text) == extractor._doc_units(m, text), (lang, text)
    assert bool(m.chunks) == m.chunked == (lang != "zh-cn")  # a segmenter takes the whole text


def test_spaced_special_cases_are_known(extractor: EntityExtractor) -> None:
    """The tokenizer joins "EE. UU." into one token: the fast path must see that it cannot cache it."""
    m = extractor.matcher("es")
    assert "EE. UU." in m.spaced_specials


def test_dev_corpus_entities_equal_with_and_without_the_cache(extractor: EntityExtractor) -> None:
    path = SHARED / "corpus-dev" / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is not present (../shared comes with the project's workplace, not with a clone)")
    articles = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    cached, plain = extractor, PlainExtractor(extractor.gazetteer)
    plain._matchers = cached._matchers  # the same built matchers; only the path differs
    for article in articles * 2:  # the second pass reads every chunk from the cache
        text = "\n".join(p for p in (article["title"], article.get("summary"), article.get("body")) if p)
        assert cached.extract(text, article["lang"]) == plain.extract(text, article["lang"]), article["id"]
        m = cached.matcher(article["lang"])
        assert cached._text_units(m, mask(text, m.lang)) == cached._doc_units(m, mask(text, m.lang))


def test_a_full_cache_still_gives_the_same_units(extractor: EntityExtractor, monkeypatch: pytest.MonkeyPatch) -> None:
    from transforms.entities import engine

    monkeypatch.setattr(engine, "MAX_CACHED_CHUNKS", 0)
    m = extractor.matcher("en")
    m.chunks.clear()
    for text in TRICKY:
        assert extractor._text_units(m, text) == extractor._doc_units(m, text), text
    assert not m.chunks


# --------------------------------------------------------------- phrase keys at build time

PHRASES = [
    *TRICKY,
    "Republic of Korea",
    "Korea, Republic of",
    "EE. UU.",
    "los EE. UU.",
    "Dr. med Hans",
    "в т.ч. Россия",
    "вед. науч. сотр. Иванов",
    "Arabii Saudyjskiej",
    "Côte d'Ivoire",
    "U.S.",
    "al-Sisi",
    "",
    "two  spaces",
    " leading",
    "trailing ",
    "tab\tinside",
    # single words that spaCy splits, or keeps whole, by one rule or another
    "cannot",
    "10km",
    "«Paris»",
    "Bosnia-Herzegovina",
    "aujourd'hui",
    "N'Djamena",
    "U.S.A.",
    "e-mail",
    "www.example.com",
    "#hashtag",
    "Mexico's",
    "don't",
    "(BBC)",
    "Pyongyang.",
]


@pytest.mark.parametrize("lang", [*LANGS, "ru", "pl", "fr"])
def test_phrase_keys_equal_the_keys_of_the_whole_phrase(extractor: EntityExtractor, lang: str) -> None:
    from transforms.entities.engine import _PhraseKeys, _spaced_specials

    tokenizer = extractor.matcher(lang).nlp.tokenizer
    keys = _PhraseKeys(tokenizer, extractor._units, _spaced_specials(tokenizer))
    for _ in range(2):  # cold word cache, then warm
        for phrase in PHRASES:
            assert keys(phrase) == keys.whole(phrase), (lang, phrase)
    assert bool(keys.words) == (lang != "zh-cn")  # a segmenter tokenizes every phrase whole


# spaced special cases (es, ru, id); case forms of names (pl, ru); token_match (fr); many special
# cases (id, nl); clitics (ar); apostrophe suffixes (tr)
@pytest.mark.parametrize("lang", ["es", "ru", "pl", "fr", "id", "nl", "en", "de", "ar", "tr"])
def test_phrase_tables_equal_with_and_without_the_word_cache(
    extractor: EntityExtractor, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from transforms.entities import engine

    cached = extractor.matcher(lang)
    monkeypatch.setattr(engine._PhraseKeys, "__call__", engine._PhraseKeys.whole)
    plain = EntityExtractor(extractor.gazetteer).matcher(lang)
    assert list(cached.phrases.items()) == list(plain.phrases.items())
    assert cached.first == plain.first
