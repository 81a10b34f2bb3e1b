"""Sentence-level detection of diplomatic actions: lexicon -> triggers -> actor/target -> modality.

Why rules and not a model: the corpus is multilingual, small and labelled with conventions
(announced = done, threats and demands = nothing, older episodes = background) that are
easier to state as grammar cues than to learn. Everything language-specific lives in
``configs/actions.yaml``; this module only knows the roles:

* a **trigger** (verb or nominalisation) of one of ten action types, which must have its
  diplomatic **object cue** nearby ("expelled" + "diplomats", "broke off" + "relations"):
  the same verbs outside diplomacy (a ship expelled by a coast guard) are not actions;
* **attachments** of states to cues: *owner* ("Iran's ambassador", "l'ambassadeur d'Iran",
  "iranischen Botschafter", "duta besar Iran"), *location* ("its ambassador to Algeria",
  "Botschafter aus Algier"), *partner* ("relations with Israel", "between X and Y");
* the **actor** is the nearest free state before the trigger (the subject side), the agent
  of a passive ("by X", "por X", "von X"), or a role attachment; the **target** comes from
  the attachment the type asks for, then the object side. Compound subjects ("Mali and
  Algeria recall ...") and words such as "each other" give one action per direction,
  except for types done jointly to a third state ("Britain and Canada sanction ...");
* **modality**: demands, threats, hypotheticals, negotiations, refusals and denials in the
  trigger's clause drop it; **background** (a past year, "last year", a pluperfect with no
  recent anchor) drops it too. Only when a sentence leaves the actor (or target) unnamed
  ("the foreign ministry said it recalled ...") does the article's lead state fill it in.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
import yaml
from apache_beam.metrics import Metrics

from transforms.records import Action, Article, Entity, article_text
from transforms.shared import built_once, config_key

log = logging.getLogger(__name__)

ACTION_TYPES: tuple[str, ...] = (
    "sever_relations",
    "persona_non_grata",
    "expel_diplomat",
    "recall_ambassador",
    "grant_asylum",
    "summon_ambassador",
    "impose_sanctions",
    "restore_relations",
    "suspend_talks",
    "close_embassy",
)
# verb/noun: a finite or non-finite verb, or a nominalisation; cued: a verb that is
# diplomatic only beside its object cue even where the type needs none ("punish" +
# "officials"); with_state: a verb whose object may be the partner state itself ("breaks
# with Israel"), which then stands in for the cue.
# leave: "must leave X", whose object X is the host sending the envoy away (the actor).
# spanned: a verb whose span holds its own object ("calls off the meeting with X"), no cue needed.
TRIGGER_KINDS: tuple[str, ...] = ("verb", "noun", "cued", "with_state", "leave", "spanned")
TARGET_ROLES = frozenset({"owner", "location", "partner", "after"})
# Cue sets whose attached states are never the subject of another trigger in the sentence.
DIPLOMATIC_CUES = frozenset({"envoy", "diplomat", "embassy", "relations", "talks"})
GRAMMAR_SECTIONS: tuple[str, ...] = (
    "block_before",
    "block_after",
    "scope_break",
    "background_strong",
    "background_weak",
    "recent_anchor",
    "year_prep",
    "passive_aux",
    "agent",
    "owner_prep",
    "location_prep",
    "partner_prep",
    "mutual",
    "reaction",
    "subordinator",
)
FLAGS = re.IGNORECASE | re.UNICODE

# Characters of context searched around a trigger.
BLOCK_BEFORE_CHARS = 90
BLOCK_AFTER_CHARS = 80  # room for a nominal subject: "a recall of its envoy from X is not on the table"
BACKGROUND_BEFORE_CHARS = 60
BACKGROUND_AFTER_CHARS = 50
YEAR_AFTER_CHARS = 45
MAX_ATTACH_GAP = 40


# --------------------------------------------------------------------------- configuration


def load_lexicon(config_dir: Path) -> dict[str, Any]:
    """Read ``configs/actions.yaml`` once at launch; fail fast with a clear message.

    Returns plain, picklable data (dicts, lists, strings) for the DoFn constructor.
    """
    path = Path(config_dir) / "actions.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"action lexicon not found: {path}")
    lexicon: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    types = lexicon.get("types") or {}
    for name in ACTION_TYPES:
        spec = types.get(name)
        if not spec:
            problems.append(f"types.{name} missing")
            continue
        for key in ("cameo", "plover", "target_from"):
            if not spec.get(key):
                problems.append(f"types.{name}.{key} missing")
        if spec.get("target_from") not in TARGET_ROLES:
            problems.append(f"types.{name}.target_from must be one of {sorted(TARGET_ROLES)}")
        cue = spec.get("cue")
        if cue and cue not in (lexicon.get("cues") or {}) and cue not in (lexicon.get("cue_unions") or {}):
            problems.append(f"types.{name}.cue {cue!r} is not a cue set")
        if not (lexicon.get("triggers") or {}).get(name):
            problems.append(f"triggers.{name} missing")
    for section in GRAMMAR_SECTIONS:
        if section not in (lexicon.get("grammar") or {}):
            problems.append(f"grammar.{section} missing")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    # Compile once here so a bad pattern fails at launch, not on a worker.
    for lang in languages_of(lexicon):
        _CompiledLang(lexicon, lang)
    return lexicon


def languages_of(lexicon: dict[str, Any]) -> list[str]:
    """Languages that have triggers for at least one action type."""
    langs: set[str] = set()
    for per_lang in (lexicon.get("triggers") or {}).values():
        langs.update(per_lang or {})
    return sorted(langs)


# --------------------------------------------------------------------------- sentences

# Tokens that end with a period without ending a sentence (compared case-insensitively).
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "sr",
        "sra",
        "srta",
        "jr",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "art",
        "dept",
        "univ",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "approx",
        "est",
        "cf",
        "al",
        "ca",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "dra",
        "lic",
        "ing",
        "mgr",
        "mme",
        "mlle",
        "hr",
        "hrn",
        "frau",
        "nr",
        "bzw",
        "ggf",
        "usw",
        "sig",
        "dott",
        "avv",
        "dhr",
        "mevr",
        "bpk",
        "ir",
        "drs",
        "sdr",
    }
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“‘(¿¡]?[\w])")
_INITIALS = re.compile(r"(?:\b\w\.)+$")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split into (start offset, sentence); title, summary and body lines never merge.

    A period ends a sentence only when the next word starts with a capital or a digit and
    the token before it is not an abbreviation ("Mr.", "Gen.", "Sept."), an initial
    ("J.") or a dotted acronym ("U.S.", "E.U.").
    """
    out: list[tuple[int, str]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        chunk = line.group()
        pos = 0
        for m in _BOUNDARY.finditer(chunk):
            nxt = chunk[m.end() : m.end() + 2].lstrip("\"'«“‘(¿¡")
            if not nxt or not (nxt[0].isupper() or nxt[0].isdigit()):
                continue
            before = chunk[pos : m.start()]
            last = before.rsplit(None, 1)[-1] if before.split() else ""
            if chunk[m.start()] == "." and m.group().startswith(".") and not m.group().startswith(".."):
                bare = last.rstrip(".").lower()
                if bare in _ABBREVIATIONS or _INITIALS.search(last + ".") or (len(bare) == 1 and bare.isalpha()):
                    continue
            _emit(out, start + pos, chunk[pos : m.end()])
            pos = m.end()
        _emit(out, start + pos, chunk[pos:])
    return out


def _emit(out: list[tuple[int, str]], start: int, piece: str) -> None:
    stripped = piece.strip()
    if stripped:
        out.append((start + (len(piece) - len(piece.lstrip())), stripped))


# --------------------------------------------------------------------------- compiled lexicon


def _alt(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns if p)


# A pattern's ".{0,N}" gap may not cross a clause: punctuation or a coordinating conjunction
# ends it ("zog Algerien nach und rief ... zurück" is two verbs, not one span).
_GAP = r"(?:(?![,;:.!?]|\s(?:und|and|et|y|e|dan|oder|or|ou|aber|but|mais|pero|ma|maar|tetapi)\s).)"


def _words(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """Whole-word alternation of fragments, or None when there are none."""
    body = _alt([p.replace(".{0,", _GAP + "{0,") for p in patterns])
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", FLAGS) if body else None


@dataclasses.dataclass(frozen=True)
class _Trigger:
    type: str
    start: int
    end: int
    nominal: bool
    kind: str = "verb"  # verb, noun, cued or with_state (see configs/actions.yaml)


@dataclasses.dataclass(frozen=True)
class _Mention:
    code: str
    start: int
    end: int
    state: bool  # a state (may act); organisations may only be targets
    text: str


@dataclasses.dataclass(frozen=True)
class _Cue:
    name: str
    start: int
    end: int


@dataclasses.dataclass
class Candidate:
    """One trigger with its evidence: kept when ``reason`` is empty (for tests and bench)."""

    type: str
    sentence: str
    sentence_index: int
    trigger: str
    actors: list[str] = dataclasses.field(default_factory=list)
    targets: list[str] = dataclasses.field(default_factory=list)
    mutual: bool = False
    reason: str = ""
    actor_from: str = ""
    target_from: str = ""
    context_noun: bool = False  # a nominalisation inside another action's clause ("over the asylum")
    nominal: bool = False


class _CompiledLang:
    """Every regular expression one language needs, compiled once."""

    def __init__(self, lexicon: dict[str, Any], lang: str):
        self.lang = lang
        grammar = lexicon["grammar"]

        def g(section: str) -> list[str]:
            value = grammar.get(section) or {}
            return list(value.get(lang) or []) if isinstance(value, dict) else list(value)

        self.triggers: list[tuple[str, re.Pattern[str], str]] = []
        for name in ACTION_TYPES:
            per_lang = (lexicon["triggers"].get(name) or {}).get(lang) or {}
            for kind in TRIGGER_KINDS:
                rx = _words(per_lang.get(kind) or [])
                if rx is not None:
                    self.triggers.append((name, rx, kind))
        self.cues: dict[str, re.Pattern[str]] = {}
        for name, per_lang in (lexicon.get("cues") or {}).items():
            rx = _words((per_lang or {}).get(lang) or [])
            if rx is not None:
                self.cues[name] = rx
        self.unions: dict[str, list[str]] = dict(lexicon.get("cue_unions") or {})
        self.cue_stop = _words((lexicon.get("cue_stop") or {}).get(lang) or [])
        self.block_before = _words(g("block_before"))
        self.block_after = _words(g("block_after"))
        self.cancel_after = _words(g("cancel_after"))
        self.sequence = _words(g("sequence"))
        self.without = _words(g("without"))
        object_relative = _alt(g("object_relative"))
        article = _alt(list(grammar.get("filler") or []))
        self.object_relative = (
            re.compile(
                rf"^\s*,?\s*(?:{object_relative})(?:(?<=['’])|(?!\w))\s*(?:(?:{article})\s+)?$",
                FLAGS,
            )
            if object_relative
            else None
        )
        precedent = _alt(g("precedent"))
        # "Managua joined Mexico in cutting ties": the state whose step is followed acted
        # earlier, in its own episode; it is not the actor here.
        self.precedent = (
            re.compile(rf"(?<!\w)(?:{precedent})(?:\s+[\w'’]+){{0,2}}[\s'’]*$", FLAGS) if precedent else None
        )
        self.relative = _words(g("relative"))
        self.participle = re.compile(rf"(?:{_alt(g('participle'))})", FLAGS) if g("participle") else None
        self.scope_break = _words(g("scope_break"))
        self.bg_strong = _words(g("background_strong"))
        self.bg_weak = _words(g("background_weak"))
        self.backshift_aux = _words(g("backshift_aux"))
        reporting = _alt(g("reporting"))
        # "Wong said Australia had also closed ...": a pluperfect right after a reporting
        # verb is the tense of reported speech, not an older episode.
        self.reported = (
            re.compile(rf"(?<!\w)(?:{reporting})(?!\w)(?:[\s,]+{_COMPLEMENTISER})?(?:\s+[\w'’-]+){{0,4}}\s*$", FLAGS)
            if reporting
            else None
        )
        possessive = _alt(list(grammar.get("possessive") or []))
        # "ses diplomates de Caracas": after the subject's own envoys, "de X" is where they
        # served, not whose they are.
        self.own_before = re.compile(rf"(?<!\w)(?:{possessive})(?!\w)[\s'’]*$", FLAGS) if possessive else None
        self.anchor = _words(g("recent_anchor"))
        self.mutual = _words(g("mutual"))
        self.reaction = _words(g("reaction"))
        self.subordinator = _words(g("subordinator"))
        # A state right after a subordinator is that clause's subject ("after Rabat cut ties").
        subordinator = _alt(g("subordinator"))
        self.opens_clause = (
            re.compile(rf"(?<!\w)(?:{subordinator})(?:\s+(?:{_alt(list(grammar.get('filler') or []))}))*\s*$", FLAGS)
            if subordinator
            else None
        )
        reaction = _alt(g("reaction"))
        self.reaction_object = (
            re.compile(rf"(?<!\w)(?:{reaction})(?:[\s'’]+\w+){{0,2}}[\s'’]*$", FLAGS) if reaction else None
        )
        year_prep = _alt(g("year_prep"))
        self.year = re.compile(
            rf"(?<!\w)(?:{year_prep})\s+(?:(?:de|del|of)\s+)?(?:\d{{1,2}}\s+)?(?:\w+\s+(?:de\s+)?)?((?:1[89]|20)\d\d)(?!\d)"
            if year_prep
            else r"(?!x)x",
            FLAGS,
        )
        aux = _alt(g("passive_aux"))
        self.passive_aux = re.compile(rf"(?<!\w)(?:{aux})\s+(?:\w+\s+){{0,2}}$", FLAGS) if aux else None
        self.agent = _words(g("agent"))
        before_filler = _alt(list(grammar.get("filler") or []) + _ADJECTIVE_FILLERS)
        place = _alt(g("location_prep") + g("origin_prep") + g("partner_prep"))
        self.place_before = re.compile(rf"(?<!\w)(?:{place})(?:\s+(?:{before_filler}))*[\s'’]*$", FLAGS)
        fillers = list(grammar.get("filler") or []) + _ADJECTIVE_FILLERS
        before_filler = _alt(fillers)
        filler = _alt(fillers + list(grammar.get("possessive") or []) + list(grammar.get("country_noun") or []))
        self.filler_only = re.compile(rf"^(?:\s|[,'’]|(?<!\w)(?:{filler})(?!\w))*$", FLAGS)
        self.possessive_gap = re.compile(rf"^(?:['’]s?|s['’])?(?:\s|(?<!\w)(?:{before_filler})(?!\w))*$", FLAGS)
        self.preps = {
            role: re.compile(
                rf"^\s*(?:(?<!\w)(?:{filler})(?!\w)\s*)*(?<!\w)(?:{_alt(g(section))})(?:(?<=['’])|(?!\w))"
                rf"(?:\s|(?<!\w)(?:{filler})(?!\w))*$",
                FLAGS,
            )
            for role, section in (
                ("owner", "owner_prep"),
                ("origin", "origin_prep"),
                ("location", "location_prep"),
                ("partner", "partner_prep"),
            )
            if g(section)
        }
        conj = _alt(list(grammar.get("conjunction") or []))
        self.conj_gap = re.compile(rf"^\s*(?:(?<!\w)(?:{conj})(?!\w)|,)\s*(?:(?<!\w)(?:{filler})(?!\w)\s*)*$", FLAGS)
        self.agent_gap = re.compile(
            rf"^\s*(?:{_alt(g('agent'))})(?!\w)(?:\s|(?<!\w)(?:{filler}|{_TITLES})(?!\w))*$", FLAGS
        )

    def cue_names(self, name: str) -> list[str]:
        return list(self.unions.get(name) or [name])


# "said that ...", "dijo que ...", "sagte, dass ...": the word that opens reported speech.
_COMPLEMENTISER = r"(?:that|que|dass|dat|che|bahwa)"

# Adjectives that may sit between a cue and its state ("relaciones diplomáticas con").
_ADJECTIVE_FILLERS = [
    r"diplomati\w*",
    r"diplomáti\w*",
    r"bilateral\w*",
    r"formal\w*",
    r"full",
    r"plen[oa]s?",
    r"plein\w*",
    r"voll\w*",
    r"offici\w*",
    r"oficia\w*",
    r"offiziell\w*",
    r"ufficial\w*",
    r"resmi",
    r"own",
    r"propri\w*",
    r"eigen\w*",
    r"sendiri",
    r"new",
    r"nuev\w*",
    r"nouv\w*",
    r"neu\w*",
    r"nuov\w*",
    r"nieuw\w*",
    r"baru",
]
_TITLES = (
    r"president\w*|presidente|président\w*|präsident\w*|presiden|government|gobierno|gouvernement|"
    r"regierung|governo|regering|pemerintah|prime\s+minister|primer\s+ministro|premier|minister\w*|"
    r"ministr\w*|menteri|foreign|exteriores|estrangeiros|affaires|étrangères|auswärtigen|esteri|"
    r"buitenlandse|zaken|luar|negeri|department|departamento|ministerio|ministério|ministère|"
    r"ministerium|ministero|ministerie|kementerian|treasury|tesoro|state|estado|état|staat|stato|"
    r"negara|leader|líder|dirigeant|führung|leader|pemimpin|congress|congreso|congresso|congrès|"
    r"kongress|congresso|kongres|parliament|parlamento|parlement|parlament|dpr|senate|senado|"
    r"sénat|senat|senato|senaat"
)


# --------------------------------------------------------------------------- detector


class ActionDetector:
    """Finds diplomatic actions in one article's text; regexes compiled once per language."""

    def __init__(self, lexicon: dict[str, Any]):
        self.lexicon = lexicon
        self.types: dict[str, dict[str, Any]] = dict(lexicon["types"])
        self.cue_window = int(lexicon.get("cue_window") or 70)
        self.langs = {lang: _CompiledLang(lexicon, lang) for lang in languages_of(lexicon)}

    # ---------------------------------------------------------------- public API

    def detect(self, text: str, lang: str, entities: Sequence[Entity], published: str | None = None) -> list[Action]:
        """Actions the text reports as having happened: one per (type, actor, target)."""
        actions: dict[tuple[str, str, str], Action] = {}
        for cand in self.candidates(text, lang, entities, published):
            if cand.reason:
                continue
            for actor, target in _pairs(cand):
                key = (cand.type, actor, target)
                if key not in actions:
                    spec = self.types[cand.type]
                    cameo, plover = str(spec["cameo"]), str(spec["plover"])
                    actions[key] = Action(cand.type, actor, target, cameo, plover, cand.sentence)
        # A declared persona non grata is labelled persona_non_grata only, even when the
        # text adds that the person must leave.
        png = {(a.actor, a.target) for a in actions.values() if a.type == "persona_non_grata"}
        return [a for a in actions.values() if not (a.type == "expel_diplomat" and (a.actor, a.target) in png)]

    def candidates(
        self, text: str, lang: str, entities: Sequence[Entity], published: str | None = None
    ) -> list[Candidate]:
        """Every trigger found, with actor/target and, when rejected, the reason."""
        code = (lang or "").lower()[:2]
        compiled = [self.langs[code]] if code in self.langs else list(self.langs.values())
        year = _year_of(published)
        mentions = _mentions(entities)
        sentences = split_sentences(text)
        found: list[Candidate] = []
        for cl in compiled:
            for index, (offset, sentence) in enumerate(sentences):
                local = [
                    dataclasses.replace(m, start=m.start - offset, end=m.end - offset)
                    for m in mentions
                    if m.start >= offset and m.end <= offset + len(sentence)
                ]
                found.extend(self._sentence(cl, sentence, index, local, year))
        found.sort(key=lambda c: c.sentence_index)
        self._fill_from_article(found, mentions)
        return found

    # ---------------------------------------------------------------- one sentence

    def _sentence(
        self, cl: _CompiledLang, sentence: str, index: int, mentions: list[_Mention], year: int
    ) -> Iterator[Candidate]:
        masked = cl.cue_stop.sub(lambda m: " " * len(m.group()), sentence) if cl.cue_stop else sentence
        cues = [_Cue(name, m.start(), m.end()) for name, rx in cl.cues.items() for m in rx.finditer(masked)]
        attachments = _attach(cl, sentence, cues, mentions)
        triggers = _triggers(cl, sentence)
        # Verbs with their own object cue: a state before one of them is its subject.
        verbs = [t for t in triggers if not t.nominal and self._cue_for(cl, t, self.types[t.type], cues) is not None]
        for trig in triggers:
            spec = self.types[trig.type]
            own = set(cl.cue_names(str(spec.get("cue") or "")))
            attached = {i for cue, roles in attachments.items() if cue.name in own | DIPLOMATIC_CUES for i, _ in roles}
            cand = Candidate(trig.type, sentence, index, sentence[trig.start : trig.end], nominal=trig.nominal)
            cue = self._cue_for(cl, trig, spec, cues)
            state_object = trig.kind == "with_state" and _state_after(cl, sentence, trig, mentions) is not None
            needs_cue = (
                (spec.get("cue_required", True) or trig.kind == "cued") and not state_object and trig.kind != "spanned"
            )
            if cue is None and needs_cue:
                cand.reason = "no object cue"
                yield cand
                continue
            others = [t for t in triggers if t.end <= trig.start or t.start >= trig.end]
            cand.reason = (
                _modality(cl, sentence, trig)
                or _background(cl, sentence, trig, year, others)
                or self._attributive(cl, sentence, trig, spec, cues, others)
            )
            if not cand.reason:
                self._attribute(cl, sentence, trig, spec, cue, cues, attachments, attached, mentions, cand, verbs)
            yield cand

    @staticmethod
    def _attributive(
        cl: _CompiledLang,
        sentence: str,
        trig: _Trigger,
        spec: dict[str, Any],
        cues: list[_Cue],
        others: Sequence[_Trigger],
    ) -> str:
        """A participle describing the object of another action ("restored ties severed in 2012").

        Only where the participle follows its noun (not German or Dutch, whose perfect puts
        the participle after the object) and another action's trigger comes before it.
        """
        if trig.nominal or cl.participle is None:
            return ""
        if not cl.participle.fullmatch(sentence[trig.start : trig.end].split()[0]):
            return ""
        names = set(cl.cue_names(str(spec.get("cue") or "")))
        for cue in cues:
            if (
                cue.name in names
                and cue.end <= trig.start
                and re.fullmatch(r"[\s,]*(?:\w+[\s,]+)?", sentence[cue.end : trig.start])
            ):
                gap = sentence[cue.end : trig.start]
                if gap.strip(" ,") and not re.fullmatch(rf"[\s,]*(?:{_alt(_ADJECTIVE_FILLERS)})[\s,]*", gap, FLAGS):
                    continue
                if any(o.type != trig.type and o.end <= cue.start for o in others):
                    return "attributive participle"
        return ""

    def _cue_for(self, cl: _CompiledLang, trig: _Trigger, spec: dict[str, Any], cues: list[_Cue]) -> _Cue | None:
        names = set(cl.cue_names(str(spec.get("cue") or "")))
        mine = [c for c in cues if c.name in names]
        inside = [c for c in mine if c.start >= trig.start and c.end <= trig.end]
        if inside:
            return inside[0]
        after = [c for c in mine if trig.end <= c.start <= trig.end + self.cue_window]
        before = [c for c in mine if trig.start - self.cue_window <= c.end <= trig.start]
        after.sort(key=lambda c: c.start)
        before.sort(key=lambda c: -c.end)
        verb_final = cl.lang in ("de", "nl") and not trig.nominal
        order = before + after if verb_final else after + before
        return order[0] if order else None

    def _attribute(
        self,
        cl: _CompiledLang,
        sentence: str,
        trig: _Trigger,
        spec: dict[str, Any],
        cue: _Cue | None,
        cues: list[_Cue],
        attachments: dict[_Cue, list[tuple[int, str]]],
        attached: set[int],
        mentions: list[_Mention],
        cand: Candidate,
        verbs: Sequence[_Trigger] = (),
    ) -> None:
        role = str(spec["target_from"])
        own = set(cl.cue_names(str(spec.get("cue") or "")))
        reach = self.cue_window + (trig.end - trig.start)
        near = [c for c in cues if c.name in own and abs(c.start - trig.start) <= reach]
        cue_roles = attachments.get(cue, []) if cue else []

        def attached_as(wanted: str, pool: Sequence[tuple[int, str]]) -> list[int]:
            # "from X" is the owner's country for an expelled diplomat, the host for a recall.
            origin_as = "location" if role == "location" else "owner" if role in ("owner", "after") else ""
            return [i for i, r in pool if r == wanted or (r == "origin" and origin_as == wanted)]

        near_roles = [pair for c in near for pair in attachments.get(c, [])]
        # ---- actor
        actors: list[int] = []
        agent = _agent(cl, sentence, trig, mentions)
        passive = agent is not None or _is_passive(cl, sentence, trig)
        host = _left_host(cl, sentence, trig, mentions) if trig.kind == "leave" else None
        if host is None and cl.object_relative is not None:
            # "the visa bans that the US imposed": the relative clause's subject acted.
            host = next(
                (
                    i
                    for i, m in enumerate(mentions)
                    if m.state and m.start >= trig.end and cl.object_relative.match(sentence[trig.end : m.start])
                ),
                None,
            )
        antecedent = None if passive or host is not None else _antecedent(cl, sentence, trig, mentions, attached)
        if host is not None:
            actors, cand.actor_from = [host], "host"
        elif agent is not None:
            actors, cand.actor_from = [agent], "agent"
        elif antecedent is not None:
            actors, cand.actor_from = [antecedent], "relative"
        elif not passive:
            inverted = _inverted_subject(cl, sentence, trig, mentions, attached)
            actors = [inverted] if inverted is not None else _subject(cl, sentence, trig, mentions, attached)
            if trig.nominal and actors:
                # "Peru breaks ties with Mexico over the asylum to X": the subject of another
                # action's verb between it and a nominalisation is that verb's, not the noun's.
                first = min(mentions[i].end for i in actors)
                if any(v.type != trig.type and first <= v.start and v.end <= trig.start for v in verbs):
                    actors, cand.context_noun = [], True
            cand.actor_from = "subject" if actors else ""
        if not actors:
            host_role = "location" if role in ("owner", "after") else "owner"
            pool = attached_as(host_role, cue_roles) or attached_as(host_role, near_roles)
            pool = [i for i in pool if mentions[i].state]
            if pool:
                actors, cand.actor_from = [pool[0]], host_role
        if spec.get("own_mission") and actors and cue is not None:
            # "Niger ordered the closure of the French embassy": a host shutting another
            # state's mission is not that state closing its own.
            owners = [mentions[i].code for i in attached_as("owner", cue_roles) if mentions[i].state]
            if owners and all(code != mentions[i].code for i in actors for code in owners[:1]):
                cand.reason = f"another state's mission ({owners[0]})"
                return
            # "It ordered the closure of Ethiopia's consulates": the orderer is the host.
            if cand.actor_from == "owner" and _ORDER.search(sentence[max(0, trig.start - 40) : trig.start]):
                cand.reason = "a host ordering another state's mission closed"
                return
            # "Somalia shuts consulates in Hargeisa": missions on the actor's own soil are
            # other states' missions.
            places = [mentions[i].code for i in attached_as("location", cue_roles) if mentions[i].state]
            if places and places[0] in {mentions[i].code for i in actors}:
                cand.reason = f"missions on its own soil ({places[0]})"
                return
        # ---- target
        targets: list[int] = []
        wanted = {"owner": "owner", "location": "location", "partner": "partner"}.get(role)
        if wanted:
            targets += attached_as(wanted, cue_roles) + attached_as(wanted, near_roles)
        inside = [i for i, m in enumerate(mentions) if trig.start < m.start and m.end <= trig.end]
        direct = _state_after(cl, sentence, trig, mentions) if trig.kind == "with_state" else None
        if direct is not None:
            targets.append(direct)  # "rompt avec Ottawa": the state is the object
        first_word_end = trig.start + len(sentence[trig.start : trig.end].split()[0])
        targets += [i for i in inside if mentions[i].start >= first_word_end]
        after = [i for i, m in enumerate(mentions) if m.start >= trig.end]
        if role in ("owner", "after"):
            avoid = set(attached_as("location", near_roles))
            targets += [i for i in after if i not in avoid]
        else:
            # The object side of a recall or a rupture is introduced by its preposition.
            rxs = [cl.preps.get(role)] + ([cl.preps.get("origin")] if role == "location" else [])
            for i in after:
                gap = re.split(r"[,;]", sentence[max(trig.end, mentions[i].start - 30) : mentions[i].start])[-1]
                last = " ".join(gap.split()[-3:])
                if any(rx is not None and rx.search(" " + last + " ") for rx in rxs):
                    targets.append(i)
        # Last resort: a bare state earlier in the clause ("Iran's envoy was summoned"); not
        # one after a preposition ("the junta in Niger gives the envoy 48 hours to leave").
        targets += [
            i
            for i, m in enumerate(mentions)
            if m.end <= trig.start
            and i not in actors
            and _same_clause(cl, sentence[m.end : trig.start])
            and not cl.place_before.search(sentence[max(0, m.start - 20) : m.start])
        ][::-1]
        if antecedent is not None and antecedent in actors:
            # "X breaks with Y, which expels its diplomats": the main clause's other state.
            targets += [i for i, m in enumerate(mentions) if m.end <= mentions[antecedent].start and m.state][::-1]
        actor_codes = _dedupe(mentions[i].code for i in actors if mentions[i].state)
        target_codes = [c for c in _dedupe(mentions[i].code for i in targets) if c not in actor_codes]
        cand.actors = actor_codes
        cand.target_from = "sentence" if target_codes else ""
        mutual = bool(cl.mutual and cl.mutual.search(sentence))
        if len(actor_codes) >= 2:
            # Compound subject: each acts on the other unless a separate target is named.
            named = (attached_as(wanted, cue_roles) + attached_as(wanted, near_roles)) if wanted else []
            own_targets = [c for c in _dedupe(mentions[i].code for i in named + inside) if c not in actor_codes]
            if own_targets:
                cand.targets = own_targets[:1]
            elif spec.get("joint") and not mutual:
                # "Britain and Canada sanction judges": partners acting together on a third
                # state, never on each other. Left open for the article to name the target.
                cand.targets = []
            else:
                cand.targets, cand.mutual = [], True
        elif actor_codes:
            cand.targets = target_codes[:1]
            cand.mutual = mutual and bool(target_codes)
            if target_codes and not cand.mutual and role in ("owner", "location"):
                first = next(i for i in targets if mentions[i].code == target_codes[0])
                cand.targets = _coordinated(cl, sentence, mentions, first, actor_codes)
        else:
            cand.targets = target_codes[:1]
            cand.mutual = mutual
        if spec.get("bilateral"):
            cand.mutual = True

    # ---------------------------------------------------------------- article fallback

    def _fill_from_article(self, found: list[Candidate], mentions: list[_Mention]) -> None:
        """Name the side a sentence leaves unnamed, from the rest of the article.

        An incomplete mention of a type already attributed in the article is that action
        again; otherwise the missing side is the partner of the known side in another
        detection, else the article's lead state (first mentioned, then most mentioned).
        """
        complete = [c for c in found if not c.reason and _pairs(c)]
        ranked = [code for code, _ in Counter(m.code for m in mentions if m.state).most_common()]
        first_state = next((m.code for m in mentions if m.state), None)
        leads = _dedupe(([first_state] if first_state else []) + ranked)
        for cand in found:
            if cand.reason or _pairs(cand):
                continue
            known = _dedupe(cand.actors + cand.targets)
            same_type = [p for c in complete if c.type == cand.type for p in _pairs(c)]
            same = [p for p in same_type if not known or set(known) & set(p)]
            reprisals = [c for c in complete if c.type != cand.type and c.type not in RECONCILIATIONS]
            joint = [p for p in same if len(cand.actors) >= 2 and p[0] in cand.actors and p[1] not in cand.actors]
            if joint:
                # Joint actors of an action the article attributes elsewhere: its target.
                cand.targets, cand.target_from = [joint[0][1]], "article"
                continue
            if same:
                # The same action again; "reciprocal expulsions" still go both ways.
                cand.actors, cand.targets = [same[0][0]], [same[0][1]]
                cand.actor_from = cand.target_from = "article"
                continue
            if cand.context_noun:
                # "Peru broke ties with Mexico over the asylum", "Sudan recalls its envoy to Chad
                # after the asylum granted to X": the cause of a reprisal is what its target did
                # to its actor, so the sides are the other action's, inverted.
                caused = [c for c in reprisals if c.sentence_index == cand.sentence_index]
                if caused:
                    actor, target = _pairs(caused[0])[0]
                    cand.actors, cand.targets = [target], [actor]
                    cand.actor_from = cand.target_from = "reprisal"
                else:
                    cand.reason = "nominalisation in another action's clause, no side of its own"
                continue
            if not known:
                if cand.mutual and len(ranked) >= 2:
                    cand.actors, cand.targets, cand.actor_from = ranked[:2], [], "article"
                elif cand.nominal and reprisals:
                    # "Sudan recalls its envoy from Chad. The trigger: asylum for X." A bare noun of
                    # another type, in an article about a reprisal, names what provoked it.
                    actor, target = _pairs(reprisals[0])[0]
                    cand.actors, cand.targets = [target], [actor]
                    cand.actor_from = cand.target_from = "reprisal"
                else:
                    cand.reason = "no actor or target"
                continue
            side = known[0]
            # "a similar step by X": the other side of this type's action in the article.
            similar = [b for _, b in same_type] if cand.actors else [a for a, _ in same_type]
            partners = [b if a == side else a for c in complete for a, b in _pairs(c) if side in (a, b)]
            other = next((code for code in similar + partners + leads if code not in known), None)
            if other is None:
                cand.reason = "no actor" if not cand.actors else "no target"
            elif cand.actors:
                cand.targets, cand.target_from = [other], "article"
            else:
                cand.actors, cand.actor_from = [other], "article"


# A step towards the other side provokes nothing: a noun beside it is not its cause.
RECONCILIATIONS = frozenset({"restore_relations"})


# --------------------------------------------------------------------------- pure helpers


def _year_of(published: str | None) -> int:
    if published and published[:4].isdigit():
        return int(published[:4])
    return datetime.datetime.now(datetime.UTC).year


def _mentions(entities: Sequence[Entity]) -> list[_Mention]:
    """States (and organisations, as possible targets) mentioned, by position."""
    out: list[_Mention] = []
    for e in sorted(entities, key=lambda e: (e.start, e.end)):
        if e.country:
            out.append(_Mention(e.country.upper(), e.start, e.end, True, e.text))
        elif e.kind == "country":
            out.append(_Mention(e.id.upper(), e.start, e.end, True, e.text))
        elif e.kind == "org" and e.id:
            out.append(_Mention(e.id.upper(), e.start, e.end, False, e.text))
    return out


def _dedupe(items: Iterator[str] | Sequence[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _pairs(cand: Candidate) -> list[tuple[str, str]]:
    """(actor, target) pairs of a kept candidate: mutual steps go both ways."""
    pairs: list[tuple[str, str]] = []
    if cand.mutual and len(cand.actors) >= 2 and not cand.targets:
        a, b = cand.actors[0], cand.actors[1]
        pairs = [(a, b), (b, a)]
    else:
        for actor in cand.actors[:1] if cand.targets else []:
            for target in cand.targets if not cand.mutual else cand.targets[:1]:
                pairs.append((actor, target))
                if cand.mutual:
                    pairs.append((target, actor))
        if len(cand.actors) >= 2 and cand.targets:
            pairs += [(a, cand.targets[0]) for a in cand.actors[1:]]
    return [(a, t) for a, t in pairs if a and t and a != t]


def _coordinated(
    cl: _CompiledLang, sentence: str, mentions: list[_Mention], first: int, exclude: Sequence[str]
) -> list[str]:
    """The target state with the states coordinated after it ("Argentina, Chile and Peru").

    The list must close with a conjunction ("A, B and C", "A y B"): a bare comma may end
    the clause ("expelled Argentine diplomats, Chile said ...").
    """
    chain, last, good = [mentions[first].code], first, 1
    for j in range(first + 1, len(mentions)):
        m = mentions[j]
        gap = sentence[mentions[last].end : m.start]
        if not (m.state and cl.conj_gap.match(gap)) or re.match(r"['’]s?(?!\w)", sentence[m.end :]):
            break
        if m.code not in chain and m.code not in exclude:
            chain.append(m.code)
        if gap.strip() not in (",", ""):
            good = len(chain)  # a conjunction closes the list so far
        last = j
    return chain[:good]


def _triggers(cl: _CompiledLang, sentence: str) -> list[_Trigger]:
    """Non-overlapping trigger matches per type (the longest first at each position)."""
    found: list[_Trigger] = []
    for name, rx, kind in cl.triggers:
        for m in rx.finditer(sentence):
            found.append(_Trigger(name, m.start(), m.end(), kind == "noun", kind))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[_Trigger] = []
    for t in found:
        if any(k.type == t.type and k.start < t.end and t.start < k.end for k in kept):
            continue
        kept.append(t)
    return kept


def _state_after(cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention]) -> int | None:
    """The state that directly follows a trigger, only determiners between ("breaks with the US")."""
    for i, m in enumerate(mentions):
        if m.start >= trig.end and m.state:
            gap = sentence[trig.end : m.start]
            return i if len(gap) <= 12 and cl.filler_only.match(gap) else None
    return None


def _attach(
    cl: _CompiledLang, sentence: str, cues: list[_Cue], mentions: list[_Mention]
) -> dict[_Cue, list[tuple[int, str]]]:
    """Which mentions hang on which cue, and how: owner, location or partner."""
    out: dict[_Cue, list[tuple[int, str]]] = {}
    for cue in cues:
        roles: list[tuple[int, str]] = []
        # Before the cue: a possessive or a demonym ("Iran's ambassador", "Argentine diplomats").
        for i in range(len(mentions) - 1, -1, -1):
            m = mentions[i]
            if m.end > cue.start:
                continue
            gap = sentence[m.end : cue.start]
            if len(gap) <= MAX_ATTACH_GAP and cl.possessive_gap.match(gap):
                roles.append((i, "owner"))
            break
        # After the cue: a chain of prepositional phrases ("ambassadeur d'Iran à Stockholm").
        cursor, last_role = cue.end, ""
        own = bool(cl.own_before and cl.own_before.search(sentence[max(0, cue.start - 20) : cue.start]))
        for i, m in enumerate(mentions):
            if m.start < cursor:
                continue
            gap = sentence[cursor : m.start]
            if len(gap) > MAX_ATTACH_GAP:
                break
            role = ""
            if last_role and cl.conj_gap.match(gap):
                role = last_role
            elif not gap.strip() or cl.filler_only.match(gap) and not last_role and cue.name != "embassy":
                role = "owner"
            else:
                # A mission is somewhere: "l'ambasciata a Dublino" is a location, though "a"
                # is an article elsewhere.
                for name, rx in cl.preps.items():
                    if rx.match(gap):
                        role = name
                        break
                if not role and cl.filler_only.match(gap) and not last_role:
                    role = "owner"
            if own and not last_role and role in ("owner", "origin") and gap.strip():
                role = "location"
            if not role:
                break
            roles.append((i, role))
            cursor, last_role = m.end, role
        out[cue] = roles
    return out


def _modality(cl: _CompiledLang, sentence: str, trig: _Trigger) -> str:
    """Why the trigger is a demand, threat, hypothesis, refusal or denial, or ''."""
    scope = sentence[max(0, trig.start - BLOCK_BEFORE_CHARS) : trig.start]
    for sep in (";", ":", " — ", " – ", "(", "\u00ab", "\u201c"):
        scope = scope.rsplit(sep, 1)[-1]
    if cl.scope_break:
        breaks = list(cl.scope_break.finditer(scope))
        if breaks:
            scope = scope[breaks[-1].end() :]
    if cl.block_before:
        hit = cl.block_before.search(scope)
        if hit:
            return f"modality: {hit.group()!r}"
    hits = list(cl.without.finditer(scope)) if cl.without else []
    if hits and not re.search(r"[,;:.!?]", scope[hits[-1].end() :]):
        gap = scope[hits[-1].end() :]
        if cl.lang in ("de", "nl"):
            infinitive = re.search(r"zu|(?<!\w)te(?!\w)", sentence[trig.start : trig.end], FLAGS)
            if infinitive and len(gap) <= 60:
                return f"modality: {hits[-1].group()!r}"
        elif len(gap.split()) <= 2:
            return f"modality: {hits[-1].group()!r}"
    tail = sentence[trig.end : trig.end + BLOCK_AFTER_CHARS]
    if cl.block_after:
        hit = cl.block_after.search(tail)
        if hit and not re.search(r"[.;,]", tail[: hit.start()]):
            return f"negated: {hit.group()!r}"
    if cl.cancel_after:
        # "X weighed expelling the envoy, but the minister ruled the measure out": a later
        # clause of the same sentence that discards the step cancels it.
        hit = cl.cancel_after.search(sentence[trig.end :])
        if hit:
            return f"cancelled: {hit.group()!r}"
    return ""


def _background(cl: _CompiledLang, sentence: str, trig: _Trigger, year: int, others: Sequence[_Trigger] = ()) -> str:
    """Why the trigger recalls an earlier episode (context, not news), or ''.

    A year dates the nearest trigger: with another trigger between them ("restore ties
    severed in 2012"), it dates that one.
    """
    head = sentence[: trig.start].rsplit(";", 1)[-1]
    tail = re.split(r"[,;:]", sentence[trig.end : trig.end + BACKGROUND_AFTER_CHARS])[0]
    window = head[-BACKGROUND_BEFORE_CHARS:] + sentence[trig.start : trig.end] + tail
    if cl.bg_strong:
        # A strong cue ("years ago") dates its whole clause, however far before the trigger:
        # German and Dutch put the participle last.
        clause = re.split(r"[,;:]", head)[-1] + sentence[trig.start : trig.end] + tail
        hit = cl.bg_strong.search(window) or cl.bg_strong.search(clause)
        if hit:
            return f"background: {hit.group()!r}"
    for m in cl.year.finditer(sentence):
        y = int(m.group(1))
        if y >= year:
            continue
        lo, hi = (m.end(), trig.start) if m.end() <= trig.start else (trig.end, m.start())
        if any(lo <= o.start and o.end <= hi for o in others):
            continue
        if m.end() <= trig.start and m.start() >= len(sentence[: trig.start]) - len(head):
            return f"background: {m.group()!r}"
        near_after = 0 <= m.start() - trig.end <= YEAR_AFTER_CHARS
        if near_after and "," not in sentence[trig.end : m.start()]:
            return f"background: {m.group()!r}"
    if cl.bg_weak and not (cl.anchor and cl.anchor.search(sentence)):
        # "Nachdem Peking den Botschafter einbestellt hatte, ...": a pluperfect in an
        # after-clause orders two steps of one episode; it does not date an older one.
        sequence = bool(cl.sequence and cl.sequence.search(re.split(r"[,;:]", head)[-1]))
        for hit in cl.bg_weak.finditer(window):
            if sequence and cl.backshift_aux is not None and cl.backshift_aux.fullmatch(hit.group()):
                continue
            if not _backshift(cl, window, hit):
                return f"background: {hit.group()!r}"
    return ""


def _backshift(cl: _CompiledLang, window: str, hit: re.Match[str]) -> bool:
    """A pluperfect auxiliary of reported speech ("said Australia had closed")."""
    if cl.backshift_aux is None or cl.reported is None or not cl.backshift_aux.fullmatch(hit.group()):
        return False
    return bool(cl.reported.search(window[: hit.start()]))


def _is_passive(cl: _CompiledLang, sentence: str, trig: _Trigger) -> bool:
    if trig.nominal:
        return False
    if cl.lang == "id" and sentence[trig.start : trig.start + 2].lower() == "di":
        return True
    first = sentence[trig.start : trig.end].split()[0] if sentence[trig.start : trig.end].split() else ""
    if cl.lang == "en" and first.lower().endswith("ing"):
        return False  # a progressive ("was cutting ties"), not a passive
    head = sentence[max(0, trig.start - 30) : trig.start]
    return bool(cl.passive_aux and cl.passive_aux.search(head))


def _agent(cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention]) -> int | None:
    """The state after an agent marker ("by X", "por X", "von X") next to the trigger."""
    if cl.agent is None:
        return None
    verbal_passive = _is_passive(cl, sentence, trig)
    words = sentence[trig.start : trig.end].split()
    head_end = trig.start + len(words[0]) if words else trig.end
    for i, m in enumerate(mentions):
        if not m.state:
            continue
        if head_end <= m.start <= trig.end + 60:
            gap = sentence[head_end : m.start]
            hits = list(cl.agent.finditer(gap))
            if (
                hits
                and cl.agent_gap.match(gap[hits[-1].start() :])
                and (verbal_passive or trig.nominal or _participle(gap))
            ):
                return i
        if cl.lang in ("de", "nl") and verbal_passive and m.end <= trig.start and trig.start - m.end <= 60:
            head = sentence[max(0, m.start - 12) : m.start]
            if re.search(r"(?<!\w)(?:von|vom|durch|door)\s+(?:\w+\s+)?$", head, FLAGS):
                return i
    return None


def _left_host(cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention]) -> int | None:
    """The country an envoy must leave ("muss den Irak verlassen"): the host, who expels."""
    words = sentence[trig.start : trig.end].split()
    head_end = trig.start + len(words[0]) if words else trig.end
    inside = [i for i, m in enumerate(mentions) if m.state and head_end <= m.start and m.end <= trig.end]
    if inside:
        return inside[-1]
    return _state_after(cl, sentence, trig, mentions)


def _antecedent(
    cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention], attached: set[int]
) -> int | None:
    """The state a subject relative pronoun stands for ("la Malaisie, qui expulse ...").

    The pronoun follows the state (or its head noun) after a comma, and the trigger comes
    within a few words (an auxiliary; the object too in verb-final German and Dutch).
    """
    if cl.relative is None or trig.nominal:
        return None
    before = [i for i, m in enumerate(mentions) if m.end <= trig.start]
    if not before:
        return None
    i = before[-1]
    if not mentions[i].state or i in attached:
        return None
    if cl.precedent and cl.precedent.search(sentence[max(0, mentions[i].start - 40) : mentions[i].start]):
        return None
    between = sentence[mentions[i].end : trig.start]
    hit = cl.relative.search(between)
    if hit is None:
        return None
    comma = "" if cl.lang == "id" else ","
    lead = between[: hit.start()]
    if not re.fullmatch(rf"(?:['’]s?)?(?:\s+\w+){{0,2}}\s*{comma}\s*", lead):
        return None
    words = 4 if cl.lang in ("de", "nl") else 2
    rest = between[hit.end() :]
    return i if re.fullmatch(rf"\s+(?:[\w'’]+\s+){{0,{words}}}", rest) and len(rest) <= 60 else None


def _participle(gap: str) -> bool:
    """A passive participle right after the trigger noun ("sanciones impuestas por")."""
    first = gap.split()[:2]
    return any(re.fullmatch(r"\w+(?:ad|id|t|s)[oaie]s?|\w+(?:ed|en|ée?s?|ie?s?)", w, FLAGS) for w in first)


def _subject(
    cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention], attached: set[int]
) -> list[int]:
    """Nearest free state before the trigger, with its coordinated partner if any."""
    before = [i for i, m in enumerate(mentions) if m.end <= trig.start and m.state]
    for pos in range(len(before) - 1, -1, -1):
        i = before[pos]
        if i in attached:
            continue
        between = sentence[mentions[i].end : trig.start]
        if ";" in between or _PREP_RELATIVE.search(between):
            break  # "a row over Taiwan in which each summoned ...": the clause has its own subject
        if _other_clause(cl, between.rsplit(",", 1)[-1]):
            break  # the state belongs to another clause ("X recalled ... after the asylum")
        head = sentence[max(0, mentions[i].start - 40) : mentions[i].start]
        if "," in between and cl.opens_clause and cl.opens_clause.search(head):
            continue  # its subordinate clause ended at the comma ("after X cut ties, declaring ...")
        if cl.precedent and cl.precedent.search(head):
            continue
        possessive = bool(
            re.search(r"['’]s?$", mentions[i].text) or re.match(r"['’]s?(?!\w)", sentence[mentions[i].end :])
        )
        reacted = cl.reaction_object.search(head) if cl.reaction_object else None
        if reacted and not possessive and not (cl.subordinator and cl.subordinator.search(reacted.group())):
            # The object of a reaction ("accuses Algeria", "hits back at Azerbaijan"); not the
            # subject of a clause the reaction is about ("hits back after Algeria cuts ties").
            continue
        if cl.place_before.search(head[-20:]) and not possessive:
            continue  # a place or a partner ("in Muscat", "with Israel"), not "to Israel's decision to"
        reaction = cl.reaction.search(between) if cl.reaction else None
        second_predicate = not trig.nominal and between.rstrip().endswith(",")  # "hits back, declaring"
        if reaction and not _CONJ.search(between[reaction.end() :]) and not second_predicate:
            continue  # whoever reacts to an action is not its actor
        group = [i]
        j = pos - 1
        while j >= 0:
            k = before[j]
            gap = sentence[mentions[k].end : mentions[group[-1]].start]
            if cl.conj_gap.match(gap) and mentions[k].code != mentions[group[-1]].code:
                group.append(k)
                j -= 1
            elif not gap.strip() or gap.strip() in ("-", "–"):
                j -= 1  # the same name twice ("Kolumbien (Bogotá)")
            else:
                break
        return group
    return []


def _inverted_subject(
    cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention], attached: set[int]
) -> int | None:
    """German/Dutch verb-second order: "Daraufhin weist Algerien ... aus", "schort België ... op".

    When something else opens the clause, a bare state right after the finite verb of a
    split verb is its subject (a demonym there belongs to the object's cue and is attached).
    """
    if cl.lang not in ("de", "nl") or trig.nominal:
        return None
    words = sentence[trig.start : trig.end].split()
    if len(words) < 2:
        return None
    verb_end = trig.start + len(words[0])
    for i, m in enumerate(mentions):
        if m.start >= verb_end:
            bare = not sentence[verb_end : m.start].strip() and m.end <= trig.end
            return i if bare and m.state and i not in attached else None
    return None


def _other_clause(cl: _CompiledLang, between: str) -> bool:
    """A subordinator separates a state from the trigger, unless it governs the trigger itself.

    "Algeria suspends talks a day after recalling its envoy", "après avoir rappelé": a
    non-finite clause has no subject of its own, so the main clause's subject is its actor.
    """
    hits = list(cl.subordinator.finditer(between)) if cl.subordinator else []
    return bool(hits) and not _NONFINITE_GAP.fullmatch(between[hits[-1].end() :])


# What may stand between a subordinator and a non-finite trigger: an auxiliary of the
# perfect infinitive ("having", "avoir", "aver(e)", "haber", "ter") or nothing.
_NONFINITE_GAP = re.compile(r"\s*(?:(?:having|avoir|aver|avere|haber|ter)\s*)?", FLAGS)


def _same_clause(cl: _CompiledLang, between: str) -> bool:
    """No relative clause, semicolon or subordinator separates a state from the trigger."""
    if _RELATIVE.search(between) or _PREP_RELATIVE.search(between):
        return False
    return not (cl.subordinator and cl.subordinator.search(between.rsplit(",", 1)[-1]))


# A relative clause or a semicolon between a state and a trigger: different clauses.
_RELATIVE = re.compile(
    r";|,\s*(?:which|who|whose|that|que|qui|quien|cual|cuyo|die|der|das|welche\w*|dat|wat|yang|che|cui|dont)(?!\w)",
    FLAGS,
)
# A verb of ordering right before a nominalisation ("ordered the closure of").
_ORDER = re.compile(
    r"(?<!\w)(?:order\w*|ordon\w*|orden\w*|ordin\w*|ordnet\w*|ordneten|anordn\w*|angeordnet|beval\w*|bevolen|"
    r"gelast\w*|memerintahkan|diperintahkan|determin\w*|decret\w*|dispuso)(?:\s+\S+){0,2}\s*$",
    FLAGS,
)
# A relative clause opened by a preposition ("in which", "dans lequel", "in cui", "waarin").
_PREP_RELATIVE = re.compile(
    r"(?<!\w)(?:(?:in|on|during|at|with|by|for)\s+which|(?:en|con|por|durante)\s+(?:el|la|los|las)\s+(?:que|cual|cuales)"
    r"|(?:no|na|em|com|pelo|pela)\s+(?:qual|quais)|où|(?:dans|par|pendant|avec)\s+(?:lequel|laquelle|lesquels|lesquelles)"
    r"|(?:in|nel|nella|con|durante)\s+cui|waarin|waarbij|worin|wobei|di\s+mana)(?!\w)",
    FLAGS,
)
_CONJ = re.compile(r"(?<!\w)(?:and|et|und|y|u|e|ed|en|dan|serta)(?!\w)", FLAGS)


# --------------------------------------------------------------------------- Beam


class DetectActionsFn(beam.DoFn):
    """Article -> the same article with its actions; the detector is built once per worker."""

    def __init__(self, lexicon: dict[str, Any]):
        self.lexicon = lexicon
        self._key = config_key(lexicon)  # once, here: setup() may run for every bundle
        self.detector: ActionDetector | None = None
        self.with_actions = Metrics.counter("actions", "articles_with_actions")
        self.actions = Metrics.counter("actions", "actions_detected")

    def setup(self) -> None:
        self.detector = built_once("actions", self._key, lambda: ActionDetector(self.lexicon))

    def process(self, article: Article) -> Iterator[Article]:
        if self.detector is None:
            self.setup()
        assert self.detector is not None
        found = self.detector.detect(article_text(article), article.lang, article.entities, article.published)
        if found:
            self.with_actions.inc()
            self.actions.inc(len(found))
        yield dataclasses.replace(article, actions=tuple(found))


class DetectActions(beam.PTransform):
    """Articles with entities -> articles with the diplomatic actions they report."""

    def __init__(self, lexicon: dict[str, Any], label: str | None = None):
        super().__init__(label)
        self.lexicon = lexicon

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return articles | "DetectActions" >> beam.ParDo(DetectActionsFn(self.lexicon))
