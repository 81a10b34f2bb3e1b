"""Who acts on whom: actor, target and coordination.

States (and organisations, under ``org:`` ids) attach to object cues as owner ("Iran's
ambassador"), location ("its ambassador to Algeria") or partner ("relations with Israel");
the actor is the subject, the agent of a passive, a relative antecedent or the host an envoy
must leave; lists give one action per listed actor or target; mutual only when stated.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from transforms.actions.lexicon import (
    DIPLOMATIC_CUES,
    FLAGS,
    PERFECT_AUX,
    VERB_FINAL,
    _CompiledLang,
    _Cue,
    _Mention,
    _Trigger,
)
from transforms.records import Entity

MAX_ATTACH_GAP = 40


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
    kind: str = "verb"
    cause: str = ""  # the cause phrase a non-finite or nominal trigger sits in ("in response to")
    target_place: bool = False  # the target is only named as a place ("rings operating in X")


def _mentions(entities: Sequence[Entity]) -> list[_Mention]:
    """States and organisations mentioned, by position.

    Organisations (the EU, the UN, the ICC...) may act and be acted on, under an ``org:`` id
    that can never be read as a country code; they never stand in for the article's lead state.
    """
    out: list[_Mention] = []
    for e in sorted(entities, key=lambda e: (e.start, e.end)):
        if e.kind == "org" and e.id:
            out.append(_Mention(org_id(e.id), e.start, e.end, True, e.text))
        elif e.country and is_state(e.country.upper()):
            out.append(_Mention(e.country.upper(), e.start, e.end, True, e.text))
        elif e.kind == "country" and is_state(e.id.upper()):
            out.append(_Mention(e.id.upper(), e.start, e.end, True, e.text))
    return out


ORG_PREFIX = "org:"


# Organisation ids of three capitals that the entity stage may still give bare (before it
# prefixed them): never a state, though they look like an ISO code.
_BARE_ORGS = frozenset(
    {"UNO", "ICC", "ICJ", "IMF", "WHO", "WTO", "OAS", "SCO", "GCC", "EAC", "IOM", "ILO", "FAO", "WFP"}
)


def org_id(code: str) -> str:
    """``org:EU`` for an organisation id, whether the entity stage gave ``EU`` or ``org:EU``."""
    return code if code.startswith(ORG_PREFIX) else ORG_PREFIX + code.upper()


def is_state(code: str) -> bool:
    """An ISO 3166 alpha-3 code (or XKX): three capitals and not a known organisation."""
    return bool(re.fullmatch(r"[A-Z]{3}", code)) and code not in _BARE_ORGS


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
            # A case suffix or postposition names the role: "Rusya ile ilişkilerini", "Kabil'deki".
            marked = next((r for r, rx in cl.postposition.items() if rx.fullmatch(gap)), "")
            if marked and len(gap) <= MAX_ATTACH_GAP:
                roles.append((i, marked))
            elif len(gap) <= MAX_ATTACH_GAP and cl.possessive_gap.match(gap):
                roles.append((i, "owner"))
                owner = cl.postposition.get("owner")
                if owner and i > 0 and owner.fullmatch(sentence[mentions[i - 1].end : m.start]):
                    # "İran'ın Ankara Büyükelçisi": the genitive names the owner, the bare name
                    # between it and the cue the post.
                    roles[-1:] = [(i - 1, "owner"), (i, "location")]
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


# A participle adjunct: a non-finite verb right after a comma ("..., barring him from ...").
_ADJUNCT = re.compile(r",\s*$")


_ADJUNCT_VERB = re.compile(r"\w+(?:ing|ando|iendo|endo)", FLAGS)


def _subject_head(cl: _CompiledLang, sentence: str, cue: _Cue, trig: _Trigger) -> bool:
    """A role noun that heads the subject of an active verb ("the US government imposes sanctions").

    Envoys, diplomats and embassies before a verb stay attached: in German and Dutch they are
    the object ("weist russische Diplomaten aus").
    """
    if trig.nominal or cue.end > trig.start or cue.name in DIPLOMATIC_CUES or cl.lang in VERB_FINAL:
        return False
    gap = sentence[cue.end : trig.start]
    return len(gap) <= 12 and not re.search(r"[,;:]", gap) and len(gap.split()) <= 1


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
    """The country an envoy must leave ("muss den Irak verlassen") or an asylee received asylum
    in ("received asylum in Angola"): the host, who acts."""
    words = sentence[trig.start : trig.end].split()
    head_end = trig.start + len(words[0]) if words else trig.end
    inside = [i for i, m in enumerate(mentions) if m.state and head_end <= m.start and m.end <= trig.end]
    if inside:
        return inside[-1]
    after = _state_after(cl, sentence, trig, mentions)
    if after is not None:
        return after
    for i, m in enumerate(mentions):
        if m.start >= trig.end and m.state:
            gap = sentence[trig.end : m.start]
            return i if len(gap) <= 20 and cl.located_before.search(gap) else None
    return None


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
        if cl.oblique_after and cl.oblique_after.match(sentence, mentions[i].end):
            continue  # "İran'a yaptırım uyguladı": a name in an oblique case is no subject
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
    """Verb-second order: "Daraufhin weist Algerien ... aus", "Derweil bestellte der iranische
    Außenminister ... ein", "schort België ... op".

    When something else opens the clause, a state right after the finite verb of a split verb,
    bare or after a nominative article, is its subject; a demonym of the object ("den
    französischen Botschafter") belongs to the object's cue and is attached already.
    """
    if cl.inverted_gap is None or trig.nominal:
        return None
    words = sentence[trig.start : trig.end].split()
    if len(words) < 2:
        return None
    verb_end = trig.start + len(words[0])
    for i, m in enumerate(mentions):
        if m.start >= verb_end:
            next_to_verb = bool(cl.inverted_gap.fullmatch(sentence[verb_end : m.start])) and m.end <= trig.end
            return i if next_to_verb and m.state and i not in attached else None
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
_NONFINITE_GAP = re.compile(rf"\s*(?:(?:{PERFECT_AUX})\s*)?", FLAGS)


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
