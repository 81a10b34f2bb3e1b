"""The action lexicon: ``configs/actions.yaml`` loaded, checked and compiled per language.

Types, triggers, object cues and grammar cues are data; this module turns them into the
regular expressions the other modules use, once at launch (a bad pattern fails there).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from transforms import yamlfile
from transforms.shared import built_once, config_key

try:  # the parser behind ``re``, to read what a trigger pattern starts with
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

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


def load_lexicon(config_dir: Path, compile_patterns: bool = True) -> dict[str, Any]:
    """Read ``configs/actions.yaml`` once at launch; fail fast with a clear message.

    Returns plain, picklable data (dicts, lists, strings) for the DoFn constructor. Its patterns
    are compiled here too, unless the caller checks them later itself (``check_patterns``).
    """
    path = Path(config_dir) / "actions.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"action lexicon not found: {path}")
    lexicon: dict[str, Any] = yamlfile.safe_load(path.read_text(encoding="utf-8")) or {}
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
    if compile_patterns:
        check_patterns(lexicon, path)  # a bad pattern fails here, at launch, not on a worker
    return lexicon


def check_patterns(lexicon: dict[str, Any], path: Path) -> None:
    """``compiled_languages``, with a pattern that does not compile as a ``ValueError`` naming
    ``path`` (``re.error`` is not one: it would escape the configuration checks)."""
    try:
        compiled_languages(lexicon)
    except re.error as exc:
        raise ValueError(f"{path}: a pattern does not compile: {exc}") from None


def compiled_languages(lexicon: dict[str, Any]) -> dict[str, _CompiledLang]:
    """Each language's compiled patterns, compiled once per process for one lexicon: at launch
    (the check above) and again by the detector would be twice about a second."""

    def build() -> dict[str, _CompiledLang]:
        return {lang: _CompiledLang(lexicon, lang) for lang in languages_of(lexicon)}

    return built_once("action-languages", config_key(lexicon), build)


def languages_of(lexicon: dict[str, Any]) -> list[str]:
    """Languages that have triggers for at least one action type."""
    langs: set[str] = set()
    for per_lang in (lexicon.get("triggers") or {}).values():
        langs.update(per_lang or {})
    return sorted(langs)


def _alt(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns if p)


# Auxiliaries of the perfect infinitive ("having", "avoir", "aver(e)", "haber", "ter"): what may
# stand between a preposition and the non-finite verb it governs.
PERFECT_AUX = r"having|avoir|aver|avere|haber|ter"


def _ending_with(words: Sequence[str], gap: str) -> re.Pattern[str] | None:
    """``words`` as a whole word, then ``gap``, at the end of the text before a trigger; None if no words."""
    body = _alt(words)
    return re.compile(rf"(?<!\w)(?:{body})\s+{gap}$", FLAGS) if body else None


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
        self.trigger_scan = _trigger_scan([rx for _, rx, _ in self.triggers])
        self.trigger_index = _trigger_index([rx for _, rx, _ in self.triggers])
        self.cues: dict[str, re.Pattern[str]] = {}
        for name, per_lang in (lexicon.get("cues") or {}).items():
            rx = _words((per_lang or {}).get(lang) or [])
            if rx is not None:
                self.cues[name] = rx
        self.unions: dict[str, list[str]] = dict(lexicon.get("cue_unions") or {})
        self.cue_stop = _words((lexicon.get("cue_stop") or {}).get(lang) or [])
        self.block_before = _words(g("block_before"))
        # Fixed phrases whose words are no grammar ("persona non grata": no negation in "non").
        self.idioms = _words(g("idiom"))
        cause = _alt(g("cause"))
        # "in response to Japan's sanctions", "for granting asylum": a step named as the cause
        # of another is usually an earlier one.
        self.cause = re.compile(rf"(?<!\w)(?:{cause})(?:\s+[\w.'’-]+){{0,4}}[\s'’]*$", FLAGS) if cause else None
        senses = grammar.get("other_sense") or {}
        self.other_sense = {name: _words((senses.get(name) or {}).get(lang) or []) for name in ACTION_TYPES}
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
        # Right before a verb trigger: a reason word (a perfect auxiliary may follow), a means
        # adjunct ("by revoking their visas", "en expulsant"), "the country" as the subject (an
        # adverb or auxiliary may follow).
        self.reason_before = _ending_with(g("reason_prep"), rf"(?:(?:{PERFECT_AUX})\s+)?")
        self.means_before = _ending_with(g("means_prep"), "")
        self.anaphor_before = _ending_with(g("anaphor_subject"), r"(?:[\w'’-]+\s+){0,2}")
        # Verb-second order: the gap between a finite verb and the subject that follows it.
        inverted = grammar.get("inverted_subject_article") or {}
        self.inverted_gap = (
            re.compile(rf"\s*(?:(?:{_alt(list(inverted[lang] or []))})\s+)?", FLAGS) if lang in inverted else None
        )
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
        year_post = _alt(g("year_post"))
        # A year marked after it, by a case suffix or a noun ("2018'de", "2018 yılında").
        self.year_after = (
            re.compile(rf"(?<!\w)((?:1[89]|20)\d\d)(?=(?:{year_post})(?!\w))", FLAGS) if year_post else None
        )
        aux = _alt(g("passive_aux"))
        self.passive_aux = re.compile(rf"(?<!\w)(?:{aux})\s+(?:\w+\s+){{0,2}}$", FLAGS) if aux else None
        self.agent = _words(g("agent"))
        # Head-final languages (Turkish) mark a name's role by a case suffix or a postposition after
        # it: "Rusya ile ilişkilerini" (partner), "İran'ın büyükelçisi" (owner), "Moskova'daki
        # büyükelçiliğini" (location); a name so marked is no subject ("İran'a yaptırım uyguladı").
        oblique = _alt(g("oblique_after"))
        self.oblique_after = re.compile(rf"(?:{oblique})(?!\w)", FLAGS) if oblique else None
        post_fill = _alt(list(grammar.get("filler") or []) + _ADJECTIVE_FILLERS)
        self.postposition = {
            role: re.compile(rf"(?:{_alt(patterns)})(?!\w)(?:\s+(?:{post_fill})(?!\w))*\s*", FLAGS)
            for role, patterns in ((grammar.get("postposition") or {}).get(lang) or {}).items()
        }
        before_filler = _alt(list(grammar.get("filler") or []) + _ADJECTIVE_FILLERS)
        place = _alt(g("location_prep") + g("origin_prep") + g("partner_prep"))
        # A language with no prepositions of place (Turkish marks them after the name) has none here.
        self.place_before = re.compile(
            rf"(?<!\w)(?:{place})(?:\s+(?:{before_filler}))*[\s'’]*$" if place else r"(?!x)x", FLAGS
        )
        located = _alt(g("location_prep"))
        # "scam rings operating in Cambodia": a place named after a preposition of location.
        self.located_before = re.compile(
            rf"(?<!\w)(?:{located})(?:\s+(?:{before_filler}))*[\s'’]*$" if located else r"(?!x)x", FLAGS
        )
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
        # English lists close with a serial comma ("A, B, and C").
        serial = r",\s*(?:and|as\s+well\s+as)(?!\w)|" if lang == "en" else ""
        self.conj_gap = re.compile(
            rf"^\s*(?:{serial}(?<!\w)(?:{conj})(?!\w)|,)\s*(?:(?<!\w)(?:{filler})(?!\w)\s*)*$", FLAGS
        )
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
    r"\w+-\w+",  # compound adjectives: "Israeli far-right ministers", "Russian state-owned firms"
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


# ------------------------------------------------------------------ trigger pre-scan
#
# Most sentences hold no trigger, and running every trigger pattern over every sentence was
# the largest cost of action detection. One cheap search answers "can any trigger start
# here?": the word-initial literal strings every match of a pattern begins with ("expel",
# "recall", "romp"), read from the pattern's parse tree, in one alternation. It is exact by
# construction: every match of a trigger pattern starts at a word start (the wrapper's
# (?<!\w)) with one of its literals, compared under the same flags, so a sentence the scan
# rejects has no trigger match. A pattern whose start cannot be read that way (a leading
# \w*, a character range) enters the scan whole.

_MIN_LITERAL = 2  # shorter starts would let nearly every sentence through
_MAX_STARTS = 64  # expansions of alternatives and character sets per pattern


def _literal_starts(pattern: str) -> set[str] | None:
    """Word-character strings one of which every match of ``pattern`` starts with, or None."""
    try:
        tree = _sre_parser.parse(pattern, FLAGS)
    except Exception:  # an internal module of ``re``: any surprise means "scan it whole"
        return None
    starts, _ = _extend(list(tree), {""})
    if not starts or any(len(s) < _MIN_LITERAL for s in starts):
        return None
    return starts


def _extend(items: list[Any], starts: set[str]) -> tuple[set[str], bool]:
    """Extend ``starts`` through the parsed ``items``; True if all of them were consumed.

    Stops (keeping what it has, which is still a prefix of every match) at anything but a
    word-character literal, a small set of them, a group, an alternation or a repeat.
    Zero-width assertions consume nothing, so they are stepped over.
    """
    c = _sre_constants
    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue
        if op is c.LITERAL:
            if not _is_word_char(chr(av)):
                return starts, False
            starts = {s + chr(av) for s in starts}
        elif op is c.IN:
            chars = [chr(v) for o, v in av if o is c.LITERAL]
            if len(chars) != len(av) or not all(map(_is_word_char, chars)) or len(chars) * len(starts) > _MAX_STARTS:
                return starts, False
            starts = {s + ch for s in starts for ch in chars}
        elif op is c.SUBPATTERN:
            starts, complete = _extend(list(av[-1]), starts)
            if not complete:
                return starts, False
        elif op is c.BRANCH:
            merged: set[str] = set()
            complete = True
            for branch in av[1]:
                found, done = _extend(list(branch), starts)
                merged |= found
                complete = complete and done
            if len(merged) > _MAX_STARTS:
                return starts, False
            starts = merged
            if not complete:
                return starts, False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            return _extend(list(av[2]), starts)[0], False  # the first repetition, then stop
        else:
            return starts, False
    return starts, True


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _trigger_scan(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One search that finds every sentence where some of ``patterns`` could match."""
    literals: set[str] = set()
    whole: list[str] = []
    for rx in patterns:
        starts = _literal_starts(rx.pattern)
        if starts is None:
            whole.append(rx.pattern)
        else:
            literals |= starts
    if not literals and not whole:
        return None
    # "recall" already finds every word that "recalled" would.
    kept = sorted(w for w in literals if not any(o != w and w.startswith(o) for o in literals))
    parts = [rf"(?<!\w)(?:{'|'.join(map(re.escape, kept))})"] if kept else []
    return re.compile("|".join(parts + [f"(?:{p})" for p in whole]), FLAGS)


@dataclasses.dataclass(frozen=True)
class _TriggerIndex:
    """Which trigger patterns can match where, so a sentence runs only the patterns that can.

    A pattern with literal starts (``_literal_starts``) can only match where one of them
    begins, right after a non-word character. ``starts`` finds those places (the literals are
    word characters, so its matches never overlap: it finds them all); at each, ``which``
    has one empty group per such pattern, set when one of that pattern's starts begins there.
    """

    starts: re.Pattern[str]
    which: re.Pattern[str]
    group_pattern: tuple[int, ...]  # group number - 1 -> index of the pattern in ``triggers``
    indexed: tuple[bool, ...]  # per pattern: found through ``starts`` (else searched whole)


def _trigger_index(patterns: Sequence[re.Pattern[str]]) -> _TriggerIndex | None:
    per_pattern = [_literal_starts(rx.pattern) for rx in patterns]
    literals = set().union(*(starts for starts in per_pattern if starts))
    if not literals:
        return None
    kept = sorted(w for w in literals if not any(o != w and w.startswith(o) for o in literals))
    groups = [k for k, starts in enumerate(per_pattern) if starts]
    which = "".join(f"(?:(?={'|'.join(map(re.escape, sorted(per_pattern[k] or ())))})())?" for k in groups)
    return _TriggerIndex(
        starts=re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, kept))})", FLAGS),
        which=re.compile(which, FLAGS),
        group_pattern=tuple(groups),
        indexed=tuple(bool(starts) for starts in per_pattern),
    )


def _matches_at(rx: re.Pattern[str], sentence: str, positions: list[int]) -> list[re.Match[str]]:
    """``rx.finditer(sentence)`` when ``rx`` can only match at ``positions`` (ascending)."""
    out: list[re.Match[str]] = []
    cursor = 0
    for i in positions:
        if i < cursor:
            continue  # inside the previous match: finditer goes on from its end
        m = rx.match(sentence, i)
        if m is not None:
            out.append(m)
            cursor = m.end()
    return out


def _triggers(cl: _CompiledLang, sentence: str) -> list[_Trigger]:
    """Non-overlapping trigger matches per type (the longest first at each position)."""
    if cl.trigger_scan is not None and cl.trigger_scan.search(sentence) is None:
        return []  # no trigger can start anywhere in the sentence (see _trigger_scan)
    index = cl.trigger_index
    at: dict[int, list[int]] = {}
    if index is not None:
        which, group_pattern = index.which, index.group_pattern
        for hit in index.starts.finditer(sentence):
            i = hit.start()
            matched = which.match(sentence, i)
            assert matched is not None  # every part is optional
            for k, group in zip(group_pattern, matched.groups(), strict=True):
                if group is not None:
                    at.setdefault(k, []).append(i)
    found: list[_Trigger] = []
    for k, (name, rx, kind) in enumerate(cl.triggers):
        if index is None or not index.indexed[k]:
            matches: Iterable[re.Match[str]] = rx.finditer(sentence)
        elif k in at:
            matches = _matches_at(rx, sentence, at[k])
        else:
            continue
        for m in matches:
            found.append(_Trigger(name, m.start(), m.end(), kind == "noun", kind))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[_Trigger] = []
    for t in found:
        if any(k.type == t.type and k.start < t.end and t.start < k.end for k in kept):
            continue
        kept.append(t)
    return kept


# Languages whose subordinate clauses and perfects put the verb last (German, Dutch), or every
# clause (Turkish): an object cue before the verb is its object, not a role noun of the subject.
VERB_FINAL = frozenset({"de", "nl", "tr"})
