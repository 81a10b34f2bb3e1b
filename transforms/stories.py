"""Story grouping: cross-language, event-time, streaming.

An article joins the best active story when its weighted entity overlap with the story is high
enough, else it starts a story. Entity ids are language-independent (``MEX``, ``UNO``,
``person:gustavo petro``, ``name:gaza``), so coverage in eight languages meets on the same ids.

How an article is compared with a story (all numbers in ``configs/stories.yaml``). In short:
same-language articles are scored on a blend of the entity cosine and a content-term cosine
(stemmed words, ``TermAnalyzer``), other languages on entities alone; the join also needs
evidence, counted only for what is specific (rare names, rare shared words, a shared state or
organisation, the same topic). In detail, for the entity side:

* the article is a bag of features: country and organisation ids, and the words of person and
  other names (so "Typhoon Danlai" meets "Tufão Danlai" and a name swallowed by a title-case
  headline still counts). Weight = kind weight (person > name > org > country) x running IDF
  (decayed document frequencies over the articles seen so far) x title boost x (1 + ln tf).
  The story profile is the sum of its articles' vectors (frozen when they joined), its norm is
  kept incrementally, so one comparison costs O(the article's features);
* ``cosine(article, story) >= threshold`` says the article is *about* what the story is about;
* ``evidence >= min_evidence`` says enough is shared to be sure: the kind weights of the
  article's entities that meet the story, plus ``topic_evidence`` when both sides have the same
  topic. A country pair alone (1 + 1) does not pass; a pair in two diplomatic texts does, so
  does a person or a name with a country. Two different episodes between the same countries
  are kept apart by that rule and by the horizon (reactions and follow-ups come within ~48 h);
* a small multilingual keyword list labels each text diplomatic, clearly something else
  (sport, economy, disaster, humanitarian, culture) or neither; when one side is diplomatic and
  the other clearly not (a football friendly the day after a diplomatic break between the same
  countries) the cosine must reach ``conflict_threshold`` instead. The diplomatic side counts
  only when its keywords weigh at least one headline hit (``topic_title_weight``): a flood
  report that recalls an expulsion in one sentence of its text is not set against the rest of
  its own story (a piece whose own topic words outweigh such a mention is labelled by them, so
  a book-fair report is still kept out of the recall it mentions). So must an article about
  other states than the story's main ones (``other_episode``: "Colombia expels Argentine
  diplomats" next to "Colombia breaks with Israel", Petro in both). Among the stories that
  pass, one without such a conflict wins over one with.

Page furniture is left out before any of this (``furniture_spans``): a sentence that an earlier
text carried under another headline, around other sentences, is a site's disclaimer, cookie notice
or paywall form, and neither its words nor the names in it link two texts.

Candidates come from an inverted index (feature -> active stories; a feature shared by more than
``max_postings`` stories scores but proposes none), so the work per article is bounded by its
own features, not by the number of stories. A story whose last article is older than the
horizon is closed and leaves the index; document frequencies decay and are pruned (bounded state).

Story records: ``headline`` is the title of the most central article (highest cosine with the
story profile, earliest on a tie); ``shared_entities`` are the entity ids in at least two of the
story's articles, heaviest first.

Determinism: the grouper is a pure function of the ordered input. Articles are processed in
event-time order (``published_ts``, then ``id``); the story id is ``stable_id(first article id)``;
no decision depends on set or hash order. The Beam shape (``transforms.beam.stories``) buffers
articles in a stateful DoFn and assigns them, sorted, once the watermark has passed them, so
bundle order and parallelism change nothing.

Scaling (why one key): grouping is one sequential decision per article against every active
story (the first article of an episode names the story; later ones must see all candidates), so
``GroupStories`` puts all articles under one key: correct by construction, and ids never change
once emitted. The CPU is not the limit (``bench/bench_stories.py``: ~900 articles/s on one core,
flat from 1k to 100k articles), nor is the state: it lives in the worker and a firing writes only
its own articles to a journal (``transforms/story_state.py``; ~3.7 kB per firing of 5 articles at
1k and at 48k live articles, against the whole state before, 0.87 and 36 MB). What needs no
state (``StoryGrouper.prepare``) runs before the key, on every worker, which takes a fifth
(short texts) to a half (full articles) of the work per article off the key. Past one worker's
CPU, shard by a blocking key (the region of the article's heaviest country) and add a merge pass
over story snapshots across shards (same cosine + evidence rule, on stories rather than articles:
a few hundred per horizon); its costs: one more shuffle, and a cross-region story found late gets an alias
record (old id -> surviving id) that the alert stage must honour, so ids are no longer final.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import heapq
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transforms import yamlfile
from transforms.entities import fold  # the same folding the entity keys were made with
from transforms.feeds import iso_utc
from transforms.records import Article, Story, article_text, event_order, stable_id

STORIES = "stories"  # tag of the Story snapshot output

# The one place the grouping defaults live (pipeline/config.py's StoriesFile checks types and ranges).
DEFAULT_CONFIG: dict[str, Any] = {
    "horizon_hours": 48.0,
    "threshold": 0.25,
    "conflict_threshold": 0.8,
    "min_evidence": 3.0,
    "topic_evidence": 1.5,
    "kind_weights": {"country": 1.0, "org": 1.5, "name": 2.5, "person": 3.0},
    "default_kind_weight": 1.0,
    "title_weight": 2.0,
    "topic_title_weight": 3.0,
    "idf_half_life_days": 30.0,
    "df_prune_below": 0.05,
    "max_postings": 64,
    "max_shared_entities": 12,
    "diplomatic_topic": "diplomacy",
    "topics": {},
    "max_probe": 8,
    "term_weight": 1.0,
    "term_share": 0.7,
    "max_terms": 60,
    "min_term_length": 3,
    "min_terms": 8,
    "max_shared_terms": 12,
    "number_weight": 0.0,
    "term_evidence": 1.0,
    "rare_share": 0.02,
    "common_share": 0.1,
    "idf_prior_docs": 100.0,
    "term_threshold": 0.25,
    "term_agree": 0.5,
    "words_only_threshold": 0.4,
    "min_term_cosine": 0.15,
    "consensus_languages": 3,
    "furniture_min_words": 5,
    "furniture_title_overlap": 0.3,
    "stemmers": {},
    "stop_words": {},
    "character_bigrams": {},
}


def load_story_config(config_dir: Path) -> dict[str, Any]:
    """``configs/stories.yaml`` over the defaults, checked once at launch; plain data."""
    path = Path(config_dir) / "stories.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"story config not found: {path}")
    loaded = yamlfile.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    loaded = {key: value for key, value in loaded.items() if value is not None}  # an empty setting: the default
    unknown = sorted(set(loaded) - set(DEFAULT_CONFIG))
    if unknown:
        raise ValueError(f"{path}: unknown keys {unknown}")
    config = {**DEFAULT_CONFIG, **loaded}
    config["kind_weights"] = {**DEFAULT_CONFIG["kind_weights"], **(loaded.get("kind_weights") or {})}
    for key in ("horizon_hours", "threshold", "conflict_threshold", "min_evidence", "idf_half_life_days"):
        if not isinstance(config[key], int | float) or config[key] <= 0:
            raise ValueError(f"{path}: {key} must be a positive number, got {config[key]!r}")
    if config["topics"] and config["diplomatic_topic"] not in config["topics"]:
        raise ValueError(f"{path}: diplomatic_topic {config['diplomatic_topic']!r} is not one of the topics")
    return config


# ------------------------------------------------------------------------------------ topic


def _keyword_words(keywords: Iterable[str]) -> dict[str, list[tuple[bool, str, bool]]]:
    """Each keyword, folded, -> its words as (``*head``: any start, literal, ``stem*``: any ending).
    A keyword whose first word is only stars is left out: no first character to start on (and a
    bare star matches anything)."""
    out = {}
    for keyword in {fold(str(k)).strip() for k in keywords if str(k).strip()}:
        if not keyword.split()[0].strip("*"):
            continue
        words = []
        for word in keyword.split():
            head = word.startswith("*") and len(word) > 1
            word = word[1:] if head else word
            words.append((head, word[:-1] if word.endswith("*") else word, word.endswith("*")))
        out[keyword] = words
    return out


def keyword_alternatives(keywords: Iterable[str]) -> list[tuple[str, bool, str]]:
    """Each keyword as a regex, longest first: whole words, ``stem*`` for any ending, ``*head`` for
    any start (the head of a German or Dutch compound: ``*overleg`` is "grensoverleg"), words
    joined by punctuation (a keyword whose first word is only stars is left out).
    Beside it, its first literal character and whether it is a ``*head`` (``\\w*`` then the head)."""
    alternatives = []
    for _, words in sorted(_keyword_words(keywords).items(), key=lambda kw: (-len(kw[0]), kw[0])):
        parts = [
            (r"\w*" if head else "") + re.escape(literal) + (r"\w*" if stem else r"(?!\w)")
            for head, literal, stem in words
        ]
        head, literal, _ = words[0]
        alternatives.append((literal[0], head, r"[\W_]+".join(parts)))
    return alternatives


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a topic's keywords (``keyword_alternatives``), at the start of a word."""
    body = _keyword_groups(keywords)
    return None if body is None else re.compile(r"(?<!\w)(?:" + body + ")")


def _keyword_groups(keywords: Iterable[str]) -> str | None:
    """The alternation of ``keyword_pattern``, keywords grouped by their first character.

    It matches exactly what ``(?<!\\w)(?:k1|k2|...)`` matches, but with the keywords grouped by
    their first character (``d(?:iplomat\\w*|...)|e(?:...)``): at each word the regex engine
    then enters one group instead of trying every keyword (~160 a topic), 2-3x less time in the
    process that reads every article. Within a group the keywords keep their order, so the same
    one wins. A ``*head`` keyword ``\\w*R`` may start on any word character x: in the group of x
    it reads ``x\\w*R`` and then, when R starts with x, ``R`` from x (the order in which ``\\w*``
    gives characters back); a word character that begins no group has a last group of them.
    """
    alternatives = keyword_alternatives(keywords)
    if not alternatives:
        return None
    firsts = list(dict.fromkeys(first for first, _, _ in alternatives))
    groups = []
    for char in firsts:
        head = re.escape(char)
        inside = []
        for first, wild, regex in alternatives:
            if not wild and first == char:
                inside.append(regex[len(head) :])
                continue
            if wild and re.fullmatch(r"\w", char):
                inside.append(regex)  # the \w* took x and maybe more
            if wild and first == char:
                inside.append(regex[3 + len(head) :])  # the \w* took nothing: R from x
        groups.append(head + "(?:" + "|".join(inside) + ")")
    heads = [regex for _, wild, regex in alternatives if wild]
    if heads:
        groups.append(r"[^\W" + "".join(re.escape(c) for c in firsts) + "](?:" + "|".join(heads) + ")")
    return "|".join(groups)


class Topics:
    """Each topic's keyword pattern, and where in a text any of them may match.

    ``hits`` counts what ``pattern.findall`` counts for every topic, in one scan of the text
    instead of one a topic: every keyword match starts at a word where the union of all topics'
    keywords matches (a zero-width lookahead, so one topic's match hides no other's start), and
    from these few starts each topic's pattern is tried in order, past its previous match's end.
    """

    def __init__(self, patterns: dict[str, re.Pattern[str]], keywords: Iterable[str]):
        self.patterns = patterns  # config order kept
        self.any_start = keyword_starts(keywords)

    def hits(self, text: str) -> dict[str, int]:
        """Topic -> number of non-overlapping keyword matches in ``text`` (topics with none left out)."""
        if self.any_start is None:
            return {}
        starts = [m.start() for m in self.any_start.finditer(text)]
        counts: dict[str, int] = {}
        for name, pattern in self.patterns.items():
            n = end = 0
            for start in starts:
                if start >= end and (m := pattern.match(text, start)) is not None:
                    n += 1
                    end = m.end()
            if n:
                counts[name] = n
        return counts


def keyword_starts(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """A zero-width regex that matches at every word where one of ``keywords`` may start (and
    maybe at a few more): their first words as one trie, so a word that starts no keyword is
    left after a few characters. Where it matches, the topic patterns decide."""
    trie: dict[str, Any] = {}
    heads: dict[str, Any] = {}
    for words in _keyword_words(keywords).values():
        head, literal, stem = words[0]
        node = heads if head else trie
        for char in literal:
            node = node.setdefault(char, {})
        if node.get("") != "any ending":  # a stem takes every ending, its exact word's too
            node[""] = "any ending" if stem else "word end"

    def regex(node: dict[str, Any]) -> str:
        if node.get("") == "any ending":
            return ""  # whatever follows: a start
        alternatives = [re.escape(char) + regex(child) for char, child in sorted(node.items()) if char]
        if node.get("") == "word end":
            alternatives.append(r"(?![^\W_])")  # a word ends here (or "_" joins the next one)
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    branches = ([regex(trie)] if trie else []) + ([r"\w*" + regex(heads)] if heads else [])
    return re.compile(r"(?<!\w)(?=" + "|".join(branches) + ")") if branches else None


def compile_topics(topics: Mapping[str, Any]) -> Topics:
    """Each topic's pattern over the keywords of every language (config order kept), as ``Topics``."""
    compiled: dict[str, re.Pattern[str]] = {}
    every: list[str] = []
    for name, per_lang in topics.items():
        words = [w for ws in (per_lang or {}).values() for w in (ws or [])] if isinstance(per_lang, dict) else per_lang
        pattern = keyword_pattern(words or [])
        if pattern is not None:
            compiled[str(name)] = pattern
            every.extend(words)
    return Topics(compiled, every)


def topic_scores(article: Article, topics: Topics, title_weight: float) -> dict[str, float]:
    """Keyword hits per topic; the title counts ``title_weight`` times (it says what the piece is)."""
    title = topics.hits(fold(article.title or ""))
    rest = topics.hits(fold("\n".join(part for part in (article.summary, article.body) if part)))
    scores: dict[str, float] = {}
    for name in topics.patterns:
        hits = title_weight * title.get(name, 0) + rest.get(name, 0)
        if hits:
            scores[name] = hits
    return scores


def topic_label(scores: Mapping[str, float], diplomatic: str) -> str | None:
    """The text's topic: ``diplomatic`` when its keywords outweigh all the others together,
    else the heaviest other topic when those outweigh it (clearly not diplomatic), else ``None``.
    """
    dip = scores.get(diplomatic, 0.0)
    others = {k: v for k, v in scores.items() if k != diplomatic}
    if dip > sum(others.values()):
        return diplomatic
    if sum(others.values()) > dip:
        return max(sorted(others), key=lambda k: others[k])
    return None


# ----------------------------------------------------------------------------- entity bags


NAME_KINDS = frozenset({"name", "person"})
_NAME_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "des",
        "del",
        "dos",
        "das",
        "der",
        "den",
        "van",
        "von",
        "ter",
        "bin",
        "ibn",
        "abu",
        "dan",
        "und",
        "per",
        "une",
        "les",
        "los",
        "las",
    ]
)


@functools.lru_cache(maxsize=65536)  # pure, and asked again for every article naming the entity
def features_of(entity_id: str, kind: str) -> tuple[str, ...]:
    """Features an entity id contributes: itself, or the words of a person's or place's name.

    Words make partial and translated names meet ("Typhoon Danlai" / "Tufão Danlai" /
    "Topan Danlai Terjang", "Scarborough Shoal" / "arrecife de Scarborough", "Marcos" /
    "Ferdinand Marcos Jr.") and make a name run swallowed by a headline still count.
    Countries and organisations keep their canonical id.
    """
    if kind not in NAME_KINDS or ":" not in entity_id:
        return (entity_id,)
    words = [w for w in re.split(r"[\W_]+", fold(entity_id.split(":", 1)[1])) if w]
    full: list[str] = []
    if kind == "person" and len(words) >= 2:  # a given name alone says little: "Thomas" is in every story
        full = ["p:" + " ".join(spelling_key(w) for w in words)]  # the whole name, beside its surname words
        words = words[1:]
    kept = [f"w:{spelling_key(w)}" for w in words if len(w) >= 3 and w not in _NAME_STOPWORDS]
    return tuple(dict.fromkeys(kept + full)) or (entity_id,)


_SPELLING_RULES = (("ph", "f"), ("kh", "k"), ("ou", "u"), ("w", "v"), ("j", "i"), ("y", "i"))


def spelling_key(word: str) -> str:
    """One key for the spellings a name gets in different languages' transliterations.

    Sobolevskaya / Sobolewskaja / Sobolevskaïa, Nureddin / Nourredine, Ahmadinejad /
    Ahmadinedschad: w = v, j = y = i, ou = u, ph = f, kh = k, doubled letters once, no final e.
    Applied to folded (lower-case, unaccented) name words only; ids of countries are untouched.
    """
    for old, new in _SPELLING_RULES:
        word = word.replace(old, new)
    word = re.sub(r"([a-z])\1+", r"\1", word)
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@dataclass(frozen=True)
class Bag:
    """An article's features (IDF-free weights) and, per entity id, its kind and features."""

    weights: dict[str, float]
    entities: dict[str, tuple[str, tuple[str, ...]]]


def entity_bag(article: Article, kind_weights: Mapping[str, float], title_weight: float, default: float = 1.0) -> Bag:
    """Feature -> kind weight x title boost x (1 + ln tf), each feature once.

    A feature mentioned in the title (``article_text`` puts the title first) gets the title
    boost; a word shared by a person and a place takes the heavier kind.
    """
    title_end = len(article.title or "")
    label_end = headline_label_end(article.title or "")
    tf: dict[str, int] = {}
    weight: dict[str, float] = {}
    in_title: dict[str, bool] = {}
    entities: dict[str, tuple[str, tuple[str, ...]]] = {}
    for ent in article.entities:
        if not ent.id:
            continue
        if ent.id not in entities:
            entities[ent.id] = (ent.kind, features_of(ent.id, ent.kind))
        kind, features = entities[ent.id]
        for feature in features:
            tf[feature] = tf.get(feature, 0) + 1
            share = kind_weights.get(kind, default) / math.sqrt(len(features))  # a name weighs as one id
            weight[feature] = max(weight.get(feature, 0.0), share)
            in_title[feature] = in_title.get(feature, False) or label_end <= ent.start < title_end
    weights = {f: weight[f] * (title_weight if in_title[f] else 1.0) * (1.0 + math.log(n)) for f, n in tf.items()}
    return Bag(weights, entities)


@dataclass
class DocFreq:
    """Exponentially decayed document frequencies: the IDF follows the news of the moment.

    Values are decayed lazily to the time they are read; entries below ``prune_below`` read as
    zero, so dropping them (``prune``) changes no result, only the memory. Pruning is
    incremental: each entry has one check in a heap, due when its value, left alone, would have
    decayed below ``prune_below``; ``prune`` pops only the checks that are due (an entry that
    was added to since is re-scheduled), so its cost follows the entries that expire, not the
    size of the table.
    """

    half_life_s: float
    prune_below: float = 0.05
    n: float = 0.0
    n_ts: float = 0.0
    df: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (value, at ts)
    # Documents per group (a language): a word of one language is compared with that language's
    # texts only, or the words of a language that is a small share of the stream all look rare.
    group_n: dict[str, tuple[float, float]] = field(default_factory=dict)  # group -> (value, at ts)
    due: list[tuple[float, str]] = field(default_factory=list)  # heap of (check time, id), one per id

    def _decay(self, value: float, since: float, now: float) -> float:
        return value * 0.5 ** (max(0.0, now - since) / self.half_life_s)

    def _due(self, value: float, at: float) -> float:
        return at + self.half_life_s * math.log2(max(value, self.prune_below) / self.prune_below)

    def add(self, ids: Iterable[str], now: float, group: str | None = None) -> None:
        self.n = self._decay(self.n, self.n_ts, now) + 1.0
        self.n_ts = max(self.n_ts, now)
        if group is not None:
            value, at = self.group_n.get(group, (0.0, now))
            self.group_n[group] = (self._decay(value, at, now) + 1.0, max(at, now))
        df, half_life = self.df, self.half_life_s
        for eid in ids:
            known = df.get(eid)
            if known is None:
                df[eid] = (1.0, now)
                heapq.heappush(self.due, (self._due(1.0, now), eid))
            else:
                value, at = known  # _decay, inlined: ~90 ids an article
                df[eid] = (value * 0.5 ** (max(0.0, now - at) / half_life) + 1.0, max(at, now))

    def idf(self, eid: str, now: float, prior: float = 0.0, group: str | None = None) -> float:
        """ln((1 + n) / (1 + df)) + 1; ``prior`` documents that lack the id are added to n, so
        that before the counts warm up an id is taken as rare rather than as common. With
        ``group``, n counts that group's documents only (the id occurs in no other)."""
        return self.idfs((eid,), now, prior, group)[eid]

    def idfs(self, ids: Iterable[str], now: float, prior: float = 0.0, group: str | None = None) -> dict[str, float]:
        """``idf`` of each id, n decayed once for them all (the grouper asks ~90 an article)."""
        if group is None:
            n = self._decay(self.n, self.n_ts, now) + prior
        else:
            g_value, g_at = self.group_n.get(group, (0.0, now))
            n = self._decay(g_value, g_at, now) + prior
        out = {}
        df, half_life, prune_below, log = self.df, self.half_life_s, self.prune_below, math.log
        absent = (0.0, now)
        for eid in ids:
            value, at = df.get(eid, absent)
            count = value * 0.5 ** (max(0.0, now - at) / half_life)  # _decay, inlined
            if count < prune_below:
                count = 0.0
            out[eid] = log((1.0 + n) / (1.0 + count)) + 1.0
        return out

    def prune(self, now: float) -> None:
        while self.due and self.due[0][0] <= now:
            _, eid = heapq.heappop(self.due)
            value, at = self.df[eid]
            if self._decay(value, at, now) < self.prune_below:
                del self.df[eid]
            else:  # added to since it was scheduled: check again when it can have decayed
                heapq.heappush(self.due, (max(self._due(value, at), now + 1e-6), eid))


def title_countries(article: Article) -> frozenset[str]:
    """The states the headline names (countries, capitals, demonyms): who the piece is about."""
    end = len(article.title or "")
    return frozenset(e.id for e in article.entities if e.kind == "country" and e.start < end)


def other_episode(headline: frozenset[str], salience: Mapping[str, float], core: tuple[str, ...]) -> bool:
    """Is the article about other states than the story's main ones (``core``, when two or more)?

    Yes when its headline names two states of which at most one is in the core ("Colombia
    expels Argentine diplomats" is not "Colombia breaks with Israel", even with Petro in both),
    or when the headline does not name the core pair and the article's most salient state is
    outside it ("Dutch cabinet weighs expelling Iranian diplomats" is not "Netherlands expels
    Russian spies"). A headline that names the core pair is about the story, whoever else it
    names ("Bolivia breaks with Israel and Argentina objects").
    """
    if len(core) < 2 or len(headline.intersection(core)) >= 2:
        return False
    if len(headline) >= 2:
        return True
    lead = max(sorted(salience), key=lambda c: salience[c]) if salience else None
    return lead is not None and lead not in core


# ---------------------------------------------------------------------------- content terms


_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_IDEOGRAPHIC = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")  # kana and Han


class TermAnalyzer:
    """Words of one language -> content terms: lower-cased, stop words out, Snowball-stemmed, folded.

    Same-language articles meet on these terms (``t:<lang>:<stem>``), so two stories about one
    country still differ by what happens in them. The stemmer per language and extra stop words
    are data (``stemmers`` and ``stop_words`` in ``configs/stories.yaml``); the base stop-word
    lists are spaCy's (``spacy.lang.<code>.stop_words``). A language without a stemmer keeps
    folded words; a language spaCy has no list for keeps every word of ``min_term_length``.
    Numbers ("1,200", "2020", "42") are language-independent: ``n:<digits>``.
    """

    def __init__(
        self,
        stemmers: Mapping[str, str],
        stop_words: Mapping[str, Iterable[str]],
        min_length: int,
        character_bigrams: Mapping[str, str] | None = None,
    ) -> None:
        self.algorithms = {str(k): str(v) for k, v in stemmers.items()}
        bigrams = character_bigrams or {}
        self.bigram_breaks = {str(code): frozenset(str(chars or "")) for code, chars in bigrams.items()}
        self.extra_stops = {str(k): [str(w) for w in v or ()] for k, v in stop_words.items()}
        self.min_length = int(min_length)
        self._per_lang: dict[str, tuple[Any, frozenset[str], dict[str, str]]] = {}
        # per language: word -> its term ("" for none); a mention's text -> its terms
        self._terms: dict[str, dict[str, str]] = {}
        self._mentions: dict[str, dict[str, tuple[str, ...]]] = {}

    def __getstate__(self) -> dict[str, Any]:  # stemmers are rebuilt where they are used
        return {**self.__dict__, "_per_lang": {}, "_terms": {}, "_mentions": {}}

    def _language(self, lang: str) -> tuple[Any, frozenset[str], dict[str, str]]:
        known = self._per_lang.get(lang)
        if known is None:
            known = (_stemmer(self.algorithms.get(lang)), _stop_words(lang, self.extra_stops.get(lang, ())), {})
            self._per_lang[lang] = known
        return known

    def stem(self, lang: str, word: str) -> str | None:
        """The term key of a lower-cased word, or None for a stop word or a short word."""
        stemmer, stops, cache = self._language(lang)
        key = cache.get(word)
        if key is None:
            shortest = 2 if lang in self.bigram_breaks and not word.isascii() else self.min_length
            if word in stops or len(word) < shortest or word.isdigit():
                key = ""
            else:
                key = fold(stemmer.stemWord(word) if stemmer is not None else word)
                key = key if len(key) >= 2 else ""
            if len(cache) < 200_000:
                cache[word] = key
        return key or None

    def stems(self, lang: str, words: Iterable[str]) -> list[str | None]:
        """``stem`` of each word; the language's cache is found once for the text, not once a word
        (a text has ~130 words, nearly all of them in the cache)."""
        cache = self._language(lang)[2]
        out = []
        for word in words:
            key = cache.get(word)
            out.append((key or None) if key is not None else self.stem(lang, word))  # "": no term
        return out

    def term_keys(self, lang: str, words: Iterable[str]) -> list[str]:
        """The term of each word, ``t:<lang>:<stem>``, or "" for none (a stop word, a short word):
        ``stem`` with the key made once a word, not once an occurrence."""
        terms = self._terms.setdefault(lang, {})
        out = []
        for word in words:
            term = terms.get(word)
            if term is None:
                key = self.stem(lang, word)
                term = f"t:{lang}:{key}" if key is not None else ""
                if len(terms) < 200_000:
                    terms[word] = term
            out.append(term)
        return out

    def mention_terms(self, lang: str, text: str) -> tuple[str, ...]:
        """The terms of an entity mention's text ("Moldova", "Maia Sandu"), once a text: the same
        names come back article after article."""
        mentions = self._mentions.setdefault(lang, {})
        terms = mentions.get(text)
        if terms is None:
            terms = tuple(t for t in self.term_keys(lang, self.words(lang, text)) if t)
            if len(mentions) < 200_000:
                mentions[text] = terms
        return terms

    def words(self, lang: str, text: str) -> list[str]:
        """The lower-cased words of ``text``; in a language written without spaces (``character_bigrams``:
        Chinese, Japanese) each run of its script becomes its overlapping character pairs
        ("中国外交部" -> 中国, 国外, 外交, 交部), the usual way to index such text without a dictionary;
        the language's function characters (its value there) end a pair."""
        words = _WORD.findall(text.lower())
        breaks = self.bigram_breaks.get(lang)
        if breaks is None:
            return words
        out: list[str] = []
        for word in words:
            if word.isascii():
                out.append(word)
                continue
            for part in _IDEOGRAPHIC.split(word):  # "ozturk说" -> "ozturk", "说"
                if not part:
                    continue
                if len(part) == 1 or not _IDEOGRAPHIC.fullmatch(part):
                    out.append(part)
                else:  # a function character (的, 了, 在) is a word boundary: no pair holds one
                    pairs = (part[i : i + 2] for i in range(len(part) - 1))
                    out.extend(pair for pair in pairs if pair[0] not in breaks and pair[1] not in breaks)
        return out

    def terms(self, article: Article) -> tuple[dict[str, int], set[str]]:
        """Term -> count over the article's distinct text parts, and the terms of its title."""
        lang = article.lang or "und"
        tf: dict[str, int] = {}
        title_terms: set[str] = set()
        for n, part in enumerate(_distinct_parts(article)):
            label_words = set(self.words(lang, part[: headline_label_end(part)])) if n == 0 else set()
            for number in _NUMBER.findall(part):
                digits = re.sub(r"\D", "", number)
                if len(digits) >= 2:
                    tf["n:" + digits] = tf.get("n:" + digits, 0) + 1
                    if n == 0:
                        title_terms.add("n:" + digits)
            words = self.words(lang, part)
            for word, term in zip(words, self.term_keys(lang, words), strict=True):
                if not term:
                    continue
                tf[term] = tf.get(term, 0) + 1
                if n == 0 and word not in label_words:
                    title_terms.add(term)
        return tf, title_terms


_LABEL = re.compile(r"\s*([^:：.!?\n]{2,40})[:：]\s")


def headline_label_end(title: str, max_words: int = 4) -> int:
    """Where the short label that opens a headline ends ("WHO: ...", "Göttingen: ...",
    "Live: ..."), or 0. It names a speaker, a place or a section, not what happened: two
    headlines under one label are as often two stories, so its words weigh as text, not as
    headline."""
    m = _LABEL.match(title)
    if m is None or len(m.group(1).split()) > max_words:
        return 0
    return m.end(1)


def _distinct_parts(article: Article) -> list[str]:
    """Title, summary and body, without a part that a later one repeats (feeds often repeat the
    title or the summary at the start of the body): each sentence is counted once. The title, when
    repeated, stays first (it marks the title terms) and is then cut from the repeating part."""
    title = (article.title or "").strip()
    summary = (article.summary or "").strip()
    body = (article.body or "").strip()
    parts = [title]
    if summary and summary.rstrip(".…") not in body:
        parts.append(summary)
    if body:
        parts.append(body)
    rest = [p for p in parts[1:] if p]
    if title and rest and rest[0].startswith(title.rstrip(".…")):
        rest[0] = rest[0][len(title.rstrip(".…")) :]
    return [title, *rest]


def _stemmer(algorithm: str | None) -> Any:
    """PyStemmer's Snowball stemmer: the same stems as the pure-Python ``snowballstemmer`` (checked on
    75,000 words of real news in each configured algorithm) at 20 to 150 times its speed; the
    replay's one grouping process stems every new word it meets."""
    if not algorithm:
        return None
    import Stemmer  # type: ignore[import-not-found]

    return Stemmer.Stemmer(algorithm)


def _stop_words(lang: str, extra: Iterable[str]) -> frozenset[str]:
    import importlib

    try:
        base = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
    except (ImportError, AttributeError):
        base = set()
    words = {w.lower() for w in base} | {w.lower() for w in extra}
    return frozenset(words | {fold(w) for w in words})


# -------------------------------------------------------------------------- page furniture


_SENTENCE = re.compile(r"[^.!?\n\u061f\u2026]+[.!?\u061f\u2026]*")  # up to . ! ? ؟ … or a line end


def sentence_key(sentence: str, min_words: int) -> int | None:
    """A stable 64-bit key of a sentence's words (lower case), or None when it is too short to tell
    furniture from a common phrase. Stable across processes (not ``hash()``): it lives in state."""
    words = _WORD.findall(sentence.lower())
    if len(words) < min_words:
        return None
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest(), "big")


def title_signature(terms: Iterable[str]) -> frozenset[int]:
    """A compact set (32-bit keys) of a headline's content terms, to tell a copy from another piece."""
    return frozenset(int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=4).digest(), "big") for t in terms)


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard overlap of two title signatures (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


Furniture = tuple[float, frozenset[int], int]  # last seen, first title signature, first body fingerprint


def sentence_keys(article: Article, min_words: int) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """The keys of the sentences of ``article_text`` after the title, with their spans, as
    (key, start, end), and the body's fingerprint (a key of its set of sentences)."""
    text = article_text(article)
    start = len(article.title or "") + 1 if article.title else 0
    found = []
    for m in _SENTENCE.finditer(text, start):
        key = sentence_key(m.group(), min_words)
        if key is not None:
            found.append((key, *m.span()))
    digest = hashlib.blake2b(b"".join(k.to_bytes(8, "big") for k in sorted({k for k, _, _ in found})), digest_size=8)
    return tuple(found), int.from_bytes(digest.digest(), "big")


def furniture_spans(
    sentences: Iterable[tuple[int, int, int]],
    fingerprint: int,
    seen: Mapping[int, Furniture],
    signature: frozenset[int],
    max_overlap: float,
) -> list[tuple[int, int]]:
    """Spans of the sentences (``sentence_keys``) that are page furniture.

    A sentence is furniture when an earlier text had it under a headline that is not this one's
    (title overlap below ``max_overlap``) around other sentences (another fingerprint): a site's
    disclaimer, cookie notice, paywall form or contact block repeats under every headline beside
    each article's own text. A copy of one report keeps its sentences: under the same or a similar
    headline, or as the same body under a rewritten headline (a wire text on two sites).
    """
    spans = []
    for key, start, end in sentences:
        earlier = seen.get(key)
        if earlier is not None and earlier[2] != fingerprint and overlap(earlier[1], signature) < max_overlap:
            spans.append((start, end))
    return spans


def without_spans(article: Article, spans: list[tuple[int, int]]) -> Article:
    """The article with the spans of its ``article_text`` blanked (same offsets) and the entities
    found in them dropped: furniture neither links by its words nor by its names."""
    if not spans:
        return article
    text = list(article_text(article))
    for a, b in spans:
        text[a:b] = " " * (b - a)
    masked = "".join(text)
    parts: dict[str, str | None] = {}
    pos = 0
    for name in ("title", "summary", "body"):
        value = getattr(article, name)
        if value:
            parts[name] = masked[pos : pos + len(value)]
            pos += len(value) + 1
        else:
            parts[name] = value
    inside = [e for e in article.entities if not any(a <= e.start < b for a, b in spans)]
    return dataclasses.replace(
        article,
        title=parts["title"] or "",
        summary=parts["summary"] or "",
        body=parts["body"] or "",
        entities=tuple(inside),
    )


# ------------------------------------------------------------------------------ the grouper


@dataclass
class _Member:
    id: str
    title: str
    lang: str
    ts: float
    vector: dict[str, float]  # weighted bag when it joined


@dataclass
class _StoryState:
    id: str
    first_ts: float
    last_ts: float
    profile: dict[str, float] = field(default_factory=dict)  # sum of member vectors
    norm2: float = 0.0
    entity_docs: dict[str, int] = field(default_factory=dict)  # entity id -> articles mentioning it
    entity_weight: dict[str, float] = field(default_factory=dict)  # entity id -> summed feature weight
    topics: dict[str, float] = field(default_factory=dict)
    label: str | None = None  # topic_label(topics), kept up to date
    country_weight: dict[str, float] = field(default_factory=dict)  # salience (no IDF: a rare state is not a main one)
    core: tuple[str, ...] = ()  # its main countries (salience >= half the top one's), kept up to date
    action_parties: set[str] = field(default_factory=set)  # actors and targets of its articles' actions
    members: list[_Member] = field(default_factory=list)
    lang_docs: dict[str, int] = field(default_factory=dict)  # language -> members written in it
    lang_profile: dict[str, dict[str, float]] = field(default_factory=dict)  # language -> its members' vectors
    lang_norm2: dict[str, float] = field(default_factory=dict)  # language -> squared norm of that sum
    terms: dict[str, dict[str, float]] = field(default_factory=dict)  # language -> summed term vectors
    term_norm2: dict[str, float] = field(default_factory=dict)  # language -> squared norm of that sum
    term_docs: dict[str, int] = field(default_factory=dict)  # term -> articles whose top terms have it


@dataclass
class GrouperState:
    """Everything the grouper remembers: what the stateful DoFn keeps between firings."""

    stories: dict[str, _StoryState] = field(default_factory=dict)  # active only
    index: dict[str, dict[str, None]] = field(default_factory=dict)  # entity id -> story ids (ordered set)
    expiry: list[tuple[float, str]] = field(default_factory=list)  # heap of (last_ts, story id), lazy
    docfreq: DocFreq | None = None
    # page furniture: sentence key -> (last seen, title signature and body fingerprint of its first text)
    sentences: dict[int, Furniture] = field(default_factory=dict)
    sentence_due: list[tuple[float, int]] = field(default_factory=list)  # heap of (last seen, key), lazy


@dataclass(frozen=True)
class Prepared:
    """What grouping reads of one article alone, before any state (``StoryGrouper.prepare``).

    It can be computed anywhere, in parallel, so that the one key holding the state does only
    the rest: furniture, document frequencies, candidates and the decision.
    """

    signature: frozenset[int]  # the headline's (``title_signature``)
    sentences: tuple[tuple[int, int, int], ...]  # ``sentence_keys``: (key, start, end)
    fingerprint: int
    bag: Bag
    tf: dict[str, int]  # content terms and numbers -> count (``TermAnalyzer.terms``)
    title_terms: frozenset[str]
    topics: dict[str, float]
    mentioned: frozenset[str]  # the terms entity mentions consist of (``_entity_terms``)
    title_countries: frozenset[str]


@dataclass(frozen=True)
class Vectorized:
    """One article as the grouper compares it: IDF-weighted features, entities, topic hits."""

    vector: dict[str, float]
    entities: dict[str, tuple[str, tuple[str, ...]]]  # entity id -> (kind, features)
    topics: dict[str, float]
    title_countries: frozenset[str] = frozenset()
    salience: dict[str, float] = field(default_factory=dict)  # country id -> IDF-free weight
    lang: str = "und"
    terms: dict[str, float] = field(default_factory=dict)  # same-language content terms, IDF-weighted
    probe: tuple[str, ...] = ()  # content terms, rarest first: where same-language candidates are looked up
    rarity: dict[str, float] = field(default_factory=dict)  # term or name word -> 0 (common) .. 1 (rare)


@dataclass(frozen=True)
class Candidate:
    """One story scored against one article (kept for tests, tuning and explanations)."""

    story_id: str
    cosine: float  # the score: entity cosine, blended with the term cosine in the same language
    evidence: float  # 0.0 when the cosine is below the bar (not computed)
    conflict: bool
    shared: tuple[str, ...]  # the article's entity ids that meet the story
    joinable: bool
    entity_cosine: float = 0.0
    term_cosine: float | None = None  # None: the story has no article in the article's language


def action_parties(article: Article) -> set[str]:
    """The states (and organisations) that the article's diplomatic actions are between."""
    return {party for action in article.actions for party in (action.actor, action.target)}


def other_dyad(article_parties: set[str], story_parties: set[str]) -> bool:
    """Actions between wholly other states are another episode ("Honduras breaks with Taiwan"
    beside "China summons Japan's envoy over Taiwan"), however many countries the texts share.
    A reprisal or a step against a further state by the same actor still shares a party."""
    return bool(article_parties and story_parties and article_parties.isdisjoint(story_parties))


def _accumulate(profile: dict[str, float], weights: Mapping[str, float], norm2: float) -> float:
    """Add ``weights`` into ``profile``; return its squared norm ``norm2`` updated as it goes (kept
    running, so a cosine never sums the whole profile again)."""
    for feature, w in weights.items():
        old = profile.get(feature, 0.0)
        profile[feature] = old + w
        norm2 += (old + w) ** 2 - old * old
    return norm2


class StoryGrouper:
    """Assign articles, in event-time order, to stories; a pure object with plain state."""

    def __init__(self, config: Mapping[str, Any], state: GrouperState | None = None) -> None:
        cfg = {**DEFAULT_CONFIG, **config}
        self.horizon_s = float(cfg["horizon_hours"]) * 3600.0
        self.threshold = float(cfg["threshold"])
        self.conflict_threshold = float(cfg["conflict_threshold"])
        self.min_evidence = float(cfg["min_evidence"])
        self.topic_evidence = float(cfg["topic_evidence"])
        self.kind_weights = {str(k): float(v) for k, v in cfg["kind_weights"].items()}
        self.default_kind_weight = float(cfg["default_kind_weight"])
        self.title_weight = float(cfg["title_weight"])
        self.topic_title_weight = float(cfg["topic_title_weight"])
        self.max_postings = int(cfg["max_postings"])
        self.max_shared = int(cfg["max_shared_entities"])
        self.diplomatic = str(cfg["diplomatic_topic"])
        self.topics = compile_topics(cfg["topics"] or {})
        self._half_life_s = float(cfg["idf_half_life_days"]) * 86400.0
        self._prune_below = float(cfg["df_prune_below"])
        self.max_probe = int(cfg["max_probe"])
        self.term_weight = float(cfg["term_weight"])
        self.term_share = float(cfg["term_share"])
        self.consensus_languages = int(cfg["consensus_languages"])
        self.term_evidence = float(cfg["term_evidence"])
        self.rare_idf = math.log(1.0 / float(cfg["rare_share"])) + 1.0  # the IDF of a term in rare_share of texts
        self.common_idf = math.log(1.0 / float(cfg["common_share"])) + 1.0
        self.idf_prior = float(cfg["idf_prior_docs"])
        self.term_threshold = float(cfg["term_threshold"])
        self.term_agree = float(cfg["term_agree"])
        self.words_only_threshold = float(cfg["words_only_threshold"])
        self.min_term_cosine = float(cfg["min_term_cosine"])
        self.furniture_min_words = int(cfg["furniture_min_words"])
        self.furniture_title_overlap = float(cfg["furniture_title_overlap"])
        self.max_terms = int(cfg["max_terms"])
        self.min_terms = int(cfg["min_terms"])
        self._lowest_bar = min(self.threshold, self.term_threshold, self.conflict_threshold)
        self.max_shared_terms = int(cfg["max_shared_terms"])
        self.number_weight = float(cfg["number_weight"])
        self.analyzer = TermAnalyzer(
            cfg["stemmers"] or {}, cfg["stop_words"] or {}, int(cfg["min_term_length"]), cfg["character_bigrams"] or {}
        )
        self.state = state if state is not None else self.new_state()
        self.candidates_examined = 0  # statistics, not state

    def new_state(self) -> GrouperState:
        return GrouperState(docfreq=DocFreq(self._half_life_s, self._prune_below))

    # -- scoring ---------------------------------------------------------------------------

    def _kind_weight(self, kind: str) -> float:
        return self.kind_weights.get(kind, self.default_kind_weight)

    def prepare(self, article: Article) -> Prepared:
        """What ``vectorize`` needs of the article alone: pure, so any worker may compute it."""
        if self.furniture_min_words > 0:
            lang = article.lang or "und"
            title_terms = self.analyzer.stems(lang, self.analyzer.words(lang, article.title or ""))
            signature = title_signature(t for t in title_terms if t)
            sentences, fingerprint = sentence_keys(article, self.furniture_min_words)
        else:
            signature, sentences, fingerprint = frozenset(), (), 0
        return self._content(article, signature, sentences, fingerprint)

    def _content(
        self, article: Article, signature: frozenset[int], sentences: tuple[tuple[int, int, int], ...], fingerprint: int
    ) -> Prepared:
        bag = entity_bag(article, self.kind_weights, self.title_weight, self.default_kind_weight)
        tf, title_terms = self.analyzer.terms(article) if self.term_weight > 0 else ({}, set())
        return Prepared(
            signature,
            sentences,
            fingerprint,
            bag,
            tf,
            frozenset(title_terms),
            topic_scores(article, self.topics, self.topic_title_weight),
            frozenset(self._entity_terms(article)),
            title_countries(article),
        )

    def vectorize(self, article: Article, prepared: Prepared | None = None) -> Vectorized:
        """The article's weighted features (updates the running document frequencies) and topics.
        ``prepared``: ``prepare(article)``, when another worker computed it already."""
        state = self.state
        assert state.docfreq is not None
        now = article.published_ts
        p = prepared if prepared is not None else self.prepare(article)
        spans = self._furniture(article, p)
        if spans:  # the content again, without the furniture (49 of SemEval's 1,881 pages, none in WCEP)
            p = self._content(without_spans(article, spans), p.signature, p.sentences, p.fingerprint)
        bag, tf, title_terms = p.bag, p.tf, p.title_terms
        docfreq = state.docfreq
        lang = article.lang or "und"
        docfreq.add([*bag.weights, *tf], now, lang)
        # a word weighs by its IDF among the texts of its own language (numbers: among all texts),
        # or the words of a language that is a small share of the stream all weigh as rare ones
        idf = docfreq.idfs((*bag.weights, *(f for f in tf if not f.startswith("t:"))), now)
        idf.update(docfreq.idfs((f for f in tf if f.startswith("t:")), now, group=lang))
        vector = {f: w * idf[f] for f, w in bag.weights.items()}
        if self.number_weight > 0:
            for f, n in tf.items():
                if f.startswith("n:") and f not in vector:
                    vector[f] = self.number_weight * (1.0 + math.log(n)) * idf[f]
        weighted = {
            f: self.term_weight * (self.title_weight if f in title_terms else 1.0) * (1.0 + math.log(n)) * idf[f]
            for f, n in tf.items()
        }
        top = sorted(weighted, key=lambda f: (-weighted[f], f))[: self.max_terms]
        terms = {f: weighted[f] for f in top}
        probe = tuple(sorted(terms, key=lambda f: (-idf[f], f)))
        span = self.rare_idf - self.common_idf
        rarity = {}
        mentioned = p.mentioned  # counted once, as entities, not again as rare words
        # names are taken as rare until counts say otherwise; a word only once they do
        # over all texts, not the language's: a few dozen texts of a language cannot tell a rare
        # word (measured: per language, Arabic same-story pairs lost all their evidence)
        overall = docfreq.idfs((t for t in terms if t not in mentioned), now)
        overall.update(docfreq.idfs((f for f in vector if f.startswith(("w:", "p:"))), now, self.idf_prior))
        for f, f_idf in overall.items():
            above = f_idf - self.common_idf
            if above > 0:
                rarity[f] = min(1.0, above / span) if span > 0 else 1.0
        salience = {eid: bag.weights[eid] for eid, (kind, _) in bag.entities.items() if kind == "country"}
        return Vectorized(vector, bag.entities, p.topics, p.title_countries, salience, lang, terms, probe, rarity)

    def _furniture(self, article: Article, p: Prepared) -> list[tuple[int, int]]:
        """The spans of the article's sentences that other headlines already carried (see
        ``furniture_spans``); records its sentences for the texts to come (kept for the horizon)."""
        if self.furniture_min_words <= 0:
            return []
        state = self.state
        spans = furniture_spans(p.sentences, p.fingerprint, state.sentences, p.signature, self.furniture_title_overlap)
        now = article.published_ts
        for key, _, _ in p.sentences:
            earlier = state.sentences.get(key)
            if earlier is None:
                state.sentences[key] = (now, p.signature, p.fingerprint)
            elif now > earlier[0]:
                state.sentences[key] = (now, earlier[1], earlier[2])
            else:
                continue
            heapq.heappush(state.sentence_due, (now, key))
        return spans

    def _entity_terms(self, article: Article) -> set[str]:
        """The content terms that the article's entity mentions consist of ("Moldova", "Sandu")."""
        lang = article.lang or "und"
        out: set[str] = set()
        for ent in article.entities:
            out.update(self.analyzer.mention_terms(lang, ent.text or ""))
        return out

    def _clash_label(self, label: str | None, topics: Mapping[str, float]) -> str | None:
        """The label as the topic conflict sees it: only one that weighs at least one headline hit
        (``topic_title_weight``), so a piece that mentions a row in passing in its text ("two days
        after Tallinn expelled a Russian diplomat, both banks are flooded") neither fends off the
        rest of its own story nor is fended off by it; nor does one word ("fans") make a piece sport.
        """
        if label is not None and topics.get(label, 0.0) < self.topic_title_weight:
            return None
        return label

    def _entity_evidence(self, v: Vectorized, eid: str, profile: Mapping[str, float]) -> float:
        """The kind weight of a shared entity; a person or other name counts in full only when it is
        rare (in at most ``rare_share`` of recent texts), nothing when common (``common_share``):
        a bare given name or a generic capitalised phrase is in every other story."""
        kind, features = v.entities[eid]
        weight = self._kind_weight(kind)
        if kind not in NAME_KINDS:
            return weight
        return weight * max((v.rarity.get(f, 0.0) for f in features if f in profile), default=0.0)

    def candidates(self, article: Article, v: Vectorized) -> list[Candidate]:
        """Active stories reachable through the article's features, scored (index order)."""
        state = self.state
        now = article.published_ts
        found: dict[str, None] = {}
        for feature in v.vector:  # entities: few per article, and what cross-language candidates share
            postings = state.index.get(feature)
            if postings and len(postings) <= self.max_postings:
                found.update(postings)
        probed = 0
        for feature in v.probe:  # terms: the rarest first, few stories share them
            postings = state.index.get(feature)
            if postings and len(postings) <= self.max_postings:
                found.update(postings)
                probed += 1
                if probed >= self.max_probe:
                    break
        norm_a = math.sqrt(sum(w * w for w in v.vector.values()))
        norm_t = math.sqrt(sum(w * w for w in v.terms.values()))
        label_a = topic_label(v.topics, self.diplomatic)
        parties = action_parties(article)
        out = []
        for sid in found:
            story = state.stories[sid]
            if now - story.last_ts > self.horizon_s:
                continue  # stale, not yet expired
            self.candidates_examined += 1
            profile = story.profile
            dot = sum(w * profile[f] for f, w in v.vector.items() if f in profile)
            entity_cosine = dot / (norm_a * math.sqrt(story.norm2)) if norm_a and story.norm2 else 0.0
            term_cosine = None
            same_lang = story.terms.get(v.lang)
            if same_lang is not None and len(v.terms) >= self.min_terms:
                tdot = sum(w * same_lang[f] for f, w in v.terms.items() if f in same_lang)
                term_norm = math.sqrt(story.term_norm2[v.lang])
                term_cosine = tdot / (norm_t * term_norm) if term_norm else 0.0
            # A story told in several languages has a language-independent consensus: a follow-up
            # in a language that one of its five members wrote may also be judged on what all five
            # share, its words weighing their language's share of the story.
            same_share = story.lang_docs.get(v.lang, 0) / len(story.members) if story.members else 1.0
            shares: tuple[float, ...] = (self.term_share,)
            if len(story.lang_docs) >= self.consensus_languages:
                shares = (self.term_share, self.term_share * same_share)
            # Judged on its words, a text is also judged on the names its own language's members
            # share with it: a story chained through another language lends it none.
            lang_cosine = entity_cosine
            if term_cosine is not None:
                own = story.lang_profile.get(v.lang, {})
                own_dot = sum(w * own[f] for f, w in v.vector.items() if f in own)
                own_norm2 = story.lang_norm2.get(v.lang, 0.0)
                lang_cosine = own_dot / (norm_a * math.sqrt(own_norm2)) if norm_a and own_norm2 else 0.0
            ents = (lang_cosine, entity_cosine)  # per share: the words' own language, then all languages
            if term_cosine is None:
                bound = entity_cosine
            else:
                bound = max((1.0 - share) * ents[i] + share * term_cosine for i, share in enumerate(shares))
            if bound < self._lowest_bar:  # cannot pass any bar: evidence not computed
                out.append(Candidate(sid, bound, 0.0, False, (), False, entity_cosine, term_cosine))
                continue
            shared = tuple(eid for eid, (_, fs) in v.entities.items() if any(f in profile for f in fs))
            entity_evidence = sum(self._entity_evidence(v, eid, profile) for eid in shared)
            if term_cosine is None:
                cosine = entity_cosine
            else:  # entities count in full only with enough of them (one shared country is not a story)
                confidence = min(1.0, entity_evidence / self.min_evidence)
                cosine = max(
                    (1.0 - share) * ents[i] * confidence + share * term_cosine for i, share in enumerate(shares)
                )
            label_s = story.label
            clash_a, clash_s = self._clash_label(label_a, v.topics), self._clash_label(label_s, story.topics)
            conflict = clash_a != clash_s and self.diplomatic in (clash_a, clash_s) and None not in (clash_a, clash_s)
            text_agrees = term_cosine is not None and term_cosine >= self.term_agree  # same words, same episode
            conflict = conflict or (not text_agrees and other_episode(v.title_countries, v.salience, story.core))
            conflict = conflict or other_dyad(parties, story.action_parties)
            needed = self.threshold if term_cosine is None else self.term_threshold
            if term_cosine is not None and not shared and v.entities and story.entity_docs:
                needed = max(needed, self.words_only_threshold)  # both name things, none the same
            needed = self.conflict_threshold if conflict else needed
            evidence = entity_evidence
            # A text without topic words that reports a step between the story's own parties is
            # as diplomatic as the story ("Prévot: 'no more naivety towards Kigali'", talks suspended).
            same_steps = label_a is None and label_s == self.diplomatic and parties and parties <= story.action_parties
            if (label_a is not None and label_a == label_s) or same_steps:
                evidence += self.topic_evidence
            if term_cosine is not None and same_lang is not None:  # each rare shared word: a place, a name, a figure
                evidence += self.term_evidence * sum(v.rarity.get(t, 0.0) >= 1.0 for t in v.terms if t in same_lang)
            # same language, one story shares words: names alone do not join two texts that share
            # almost none ("Microsoft invests in Mexico" / "Mexico leaves the pandemic", AMLO in both)
            words_differ = term_cosine is not None and term_cosine < self.min_term_cosine and same_share >= 0.5
            joinable = cosine >= needed and evidence >= self.min_evidence and not words_differ
            out.append(Candidate(sid, cosine, evidence, conflict, shared, joinable, entity_cosine, term_cosine))
        return out

    # -- the API -----------------------------------------------------------------------------

    def assign(self, article: Article, prepared: Prepared | None = None) -> str:
        """The story id for ``article`` (joining the best story or starting one); updates state.

        Call in event-time order (``event_order``); an article older than the latest one seen
        is still assigned, against the stories active at its own time. ``prepared``:
        ``prepare(article)``, when another worker computed it already (the same id either way).
        """
        state = self.state
        v = self.vectorize(article, prepared)
        scored = [c for c in self.candidates(article, v) if c.joinable]
        if scored:
            # a story of the same topic that passes the normal bar beats one that needs the strong one
            best = max(scored, key=lambda c: (not c.conflict, c.cosine, c.evidence, c.story_id))
            story = state.stories[best.story_id]
        else:
            sid = stable_id(article.id)
            story = _StoryState(sid, article.published_ts, article.published_ts)
            state.stories[sid] = story
        self._add(story, article, v)
        return story.id

    def _add(self, story: _StoryState, article: Article, v: Vectorized) -> None:
        state = self.state
        story.norm2 = _accumulate(story.profile, v.vector, story.norm2)
        for feature in v.vector:
            state.index.setdefault(feature, {})[story.id] = None
        if v.terms:
            profile = story.terms.setdefault(v.lang, {})
            story.term_norm2[v.lang] = _accumulate(profile, v.terms, story.term_norm2.get(v.lang, 0.0))
            for term in v.terms:
                state.index.setdefault(term, {})[story.id] = None
                story.term_docs[term] = story.term_docs.get(term, 0) + 1
        for eid, (_, features) in v.entities.items():
            story.entity_docs[eid] = story.entity_docs.get(eid, 0) + 1
            story.entity_weight[eid] = story.entity_weight.get(eid, 0.0) + sum(v.vector[f] for f in features)
        for eid, weight in v.salience.items():
            story.country_weight[eid] = story.country_weight.get(eid, 0.0) + weight
        top = max(story.country_weight.values(), default=0.0)
        story.core = tuple(sorted(c for c, w in story.country_weight.items() if w >= 0.5 * top))
        for name, value in v.topics.items():
            story.topics[name] = story.topics.get(name, 0.0) + value
        story.label = topic_label(story.topics, self.diplomatic)
        story.action_parties.update(action_parties(article))
        story.members.append(_Member(article.id, article.title, article.lang, article.published_ts, dict(v.vector)))
        story.lang_docs[article.lang] = story.lang_docs.get(article.lang, 0) + 1
        own = story.lang_profile.setdefault(article.lang, {})
        story.lang_norm2[article.lang] = _accumulate(own, v.vector, story.lang_norm2.get(article.lang, 0.0))
        story.first_ts = min(story.first_ts, article.published_ts)
        if article.published_ts > story.last_ts or len(story.members) == 1:
            story.last_ts = max(story.last_ts, article.published_ts)
            heapq.heappush(state.expiry, (story.last_ts, story.id))

    def expire(self, now_ts: float) -> list[Story]:
        """Close the stories idle for longer than the horizon at ``now_ts``; their final records."""
        state = self.state
        closed: list[Story] = []
        while state.expiry and now_ts - state.expiry[0][0] > self.horizon_s:
            last_ts, sid = heapq.heappop(state.expiry)
            story = state.stories.get(sid)
            if story is None or story.last_ts != last_ts:
                continue  # an outdated heap entry: the story has moved on
            closed.append(self._record(story))
            del state.stories[sid]
            for eid in [*story.profile, *story.term_docs]:
                postings = state.index.get(eid)
                if postings is not None:
                    postings.pop(sid, None)
                    if not postings:
                        del state.index[eid]
        if state.docfreq is not None:
            state.docfreq.prune(now_ts)  # incremental: only the entries due
        while state.sentence_due and now_ts - state.sentence_due[0][0] > self.horizon_s:
            last, key = heapq.heappop(state.sentence_due)
            known = state.sentences.get(key)
            if known is not None and known[0] == last:  # not seen again since: forget it
                del state.sentences[key]
        return closed

    def stories(self) -> list[Story]:
        """Records of the active stories, oldest first."""
        ordered = sorted(self.state.stories.values(), key=lambda s: (s.first_ts, s.id))
        return [self._record(s) for s in ordered]

    def story(self, story_id: str) -> Story:
        return self._record(self.state.stories[story_id])

    # -- records -----------------------------------------------------------------------------

    def shared_entities(self, story: _StoryState) -> tuple[str, ...]:
        """Ids in at least two articles, heaviest (summed weight) first: why they were grouped."""
        shared = [eid for eid, n in story.entity_docs.items() if n >= 2]
        shared.sort(key=lambda eid: (-story.entity_weight[eid], eid))
        return tuple(shared[: self.max_shared])

    def shared_terms(self, story: _StoryState) -> tuple[str, ...]:
        """Content terms among the top terms of at least two articles, heaviest first, as
        ``<lang>:<stem>`` (numbers as digits): what the same-language members have in common."""
        shared = [t for t, n in story.term_docs.items() if n >= 2]
        weight = {t: story.terms.get(t.split(":")[1], {}).get(t, 0.0) if t.startswith("t:") else 0.0 for t in shared}
        for lang_terms in story.terms.values():
            for t in shared:
                if t.startswith("n:"):
                    weight[t] += lang_terms.get(t, 0.0)
        shared.sort(key=lambda t: (-weight[t], t))
        return tuple(t.split(":", 1)[1] for t in shared[: self.max_shared_terms])

    @staticmethod
    def central_member(story: _StoryState) -> _Member:
        """The member closest (cosine) to the story profile; the earliest on a tie."""
        norm_s = math.sqrt(story.norm2) or 1.0
        best, best_score = story.members[0], -1.0
        for member in story.members:
            norm_m = math.sqrt(sum(w * w for w in member.vector.values()))
            dot = sum(w * story.profile.get(eid, 0.0) for eid, w in member.vector.items())
            score = dot / (norm_m * norm_s) if norm_m else 0.0
            if score > best_score + 1e-12:
                best, best_score = member, score
        return best

    def _record(self, story: _StoryState) -> Story:
        members = sorted(story.members, key=lambda m: (m.ts, m.id))
        return Story(
            id=story.id,
            first_seen=iso_utc(story.first_ts),
            last_seen=iso_utc(story.last_ts),
            languages=tuple(sorted({m.lang for m in members})),
            article_count=len(members),
            headline=self.central_member(story).title,
            shared_entities=self.shared_entities(story),
            shared_terms=self.shared_terms(story),
            article_ids=tuple(m.id for m in members),
        )


def group_articles(articles: Iterable[Article], config: Mapping[str, Any]) -> tuple[dict[str, str], list[Story]]:
    """Article id -> story id, and every story's final record: the reference the DoFn must match."""
    grouper = StoryGrouper(config)
    assignment: dict[str, str] = {}
    finished: list[Story] = []
    for article in sorted(articles, key=event_order):
        finished.extend(grouper.expire(article.published_ts))
        assignment[article.id] = grouper.assign(article)
    finished.extend(grouper.stories())
    finished.sort(key=lambda s: (s.first_seen, s.id))
    return assignment, finished


def latest_snapshot(snapshots: Iterable[Story]) -> Story:
    """Of one story's snapshots, the latest: the most articles (stories only grow)."""
    return max(snapshots, key=lambda s: (s.article_count, s.last_seen, s.article_ids))
