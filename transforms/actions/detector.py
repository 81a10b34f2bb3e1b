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

import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from transforms.actions.attribution import (
    _ADJUNCT,
    _ADJUNCT_VERB,
    _ORDER,
    Candidate,
    _agent,
    _antecedent,
    _attach,
    _coordinated,
    _dedupe,
    _inverted_subject,
    _is_passive,
    _left_host,
    _mentions,
    _pairs,
    _same_clause,
    _state_after,
    _subject,
    _subject_head,
    is_state,
)
from transforms.actions.clauses import _background, _cause, _clause_of, _cut_off, _modality, _other_sense, _year_of
from transforms.actions.confidence import confidence
from transforms.actions.lexicon import (
    _ADJECTIVE_FILLERS,
    DIPLOMATIC_CUES,
    FLAGS,
    VERB_FINAL,
    _alt,
    _CompiledLang,
    _Cue,
    _Mention,
    _Trigger,
    _triggers,
    compiled_languages,
)
from transforms.actions.sentences import split_sentences
from transforms.records import Action, Entity

log = logging.getLogger(__name__)


class ActionDetector:
    """Finds diplomatic actions in one article's text; regexes compiled once per language."""

    def __init__(self, lexicon: dict[str, Any]):
        self.lexicon = lexicon
        self.types: dict[str, dict[str, Any]] = dict(lexicon["types"])
        self.cue_window = int(lexicon.get("cue_window") or 80)
        self.langs = compiled_languages(lexicon)

    # ---------------------------------------------------------------- public API

    def detect(self, text: str, lang: str, entities: Sequence[Entity], published: str | None = None) -> list[Action]:
        """Actions the text reports as having happened: one per (type, actor, target)."""
        actions: dict[tuple[str, str, str], Action] = {}
        for cand in self.candidates(text, lang, entities, published):
            if cand.reason:
                continue
            for actor, target in _pairs(cand):
                key = (cand.type, actor, target)
                score, reasons = confidence(cand)
                if key not in actions or score > actions[key].confidence:
                    spec = self.types[cand.type]
                    cameo, plover = str(spec["cameo"]), str(spec["plover"])
                    actions[key] = Action(cand.type, actor, target, cameo, plover, cand.sentence, score, reasons)
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
        sentences = split_sentences(text, code if code.isalpha() and code != "un" else "en")
        found: list[Candidate] = []
        for cl in compiled:
            for index, (offset, sentence) in enumerate(sentences):
                triggers = _triggers(cl, sentence)
                if not triggers:
                    continue  # most sentences: no cue, attachment or mention is ever looked at
                end = offset + len(sentence)
                local = [  # the mentions of this sentence, offsets within it (a plain constructor: no replace())
                    _Mention(m.code, m.start - offset, m.end - offset, m.state, m.text)
                    for m in mentions
                    if m.start >= offset and m.end <= end
                ]
                found.extend(self._sentence(cl, sentence, index, local, year, triggers))
        found.sort(key=lambda c: c.sentence_index)
        self._fill_from_article(found, mentions)
        return found

    # ---------------------------------------------------------------- one sentence

    def _sentence(
        self,
        cl: _CompiledLang,
        sentence: str,
        index: int,
        mentions: list[_Mention],
        year: int,
        triggers: list[_Trigger],
    ) -> Iterator[Candidate]:
        masked = cl.cue_stop.sub(lambda m: " " * len(m.group()), sentence) if cl.cue_stop else sentence
        cues = [_Cue(name, m.start(), m.end()) for name, rx in cl.cues.items() for m in rx.finditer(masked)]
        attachments = _attach(cl, sentence, cues, mentions)
        # Verbs with their own object cue: a state before one of them is its subject.
        verbs = [t for t in triggers if not t.nominal and self._cue_for(cl, t, self.types[t.type], cues) is not None]
        done: list[Candidate] = []
        for trig in triggers:
            spec = self.types[trig.type]
            own = set(cl.cue_names(str(spec.get("cue") or "")))
            attached = {
                i
                for cue, roles in attachments.items()
                if cue.name in own | DIPLOMATIC_CUES and not _subject_head(cl, sentence, cue, trig)
                for i, _ in roles
            }
            cand = Candidate(
                trig.type, sentence, index, sentence[trig.start : trig.end], nominal=trig.nominal, kind=trig.kind
            )
            cand.cause = _cause(cl, sentence, trig)
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
            spent = [(c.start, c.end) for c in cues if c.name in own or any(o.end <= c.start for o in others)]
            cand.reason = (
                _cut_off(sentence, trig)
                or _other_sense(cl, sentence, trig)
                or _modality(cl, sentence, trig, spent)
                or _background(cl, sentence, trig, year, others)
                or self._attributive(cl, sentence, trig, spec, cues, others)
            )
            if not cand.reason:
                self._attribute(cl, sentence, trig, spec, cue, cues, attachments, attached, mentions, cand, verbs)
                reprisal = self._reprisal_of(cl, sentence, trig, done)
                if reprisal is not None:
                    # "Peru cut ties with Mexico for granting asylum to X": a step named, with no
                    # subject of its own, as the cause of a reprisal is what the reprisal's target
                    # did to its actor.
                    actor, target = _pairs(reprisal)[0]
                    cand.actors, cand.targets = [target], [actor]
                    cand.actor_from = cand.target_from = "reprisal"
                subject = None if reprisal is not None else self._means_subject(cl, sentence, trig, mentions)
                if subject is not None:
                    cand.actors, cand.actor_from = [subject], "main clause"
                    cand.targets = [t for t in cand.targets if t != subject]
                if cand.actors and not cand.reason:
                    first = cand.trigger.split()[0]
                    adjunct = _ADJUNCT.search(sentence[: trig.start]) and _ADJUNCT_VERB.fullmatch(first)
                    main = next((c for c in reversed(done) if c.actors and c.type == cand.type), None)
                    if adjunct and main is not None:
                        # "China sanctions X, barring him from entering China": a participle
                        # after a comma shares the main clause's subject.
                        cand.actors, cand.actor_from = list(main.actors), "main clause"
                        cand.targets = [t for t in cand.targets if t not in cand.actors] or list(main.targets)
                done.append(cand)
            yield cand

    @staticmethod
    def _reprisal_of(cl: _CompiledLang, sentence: str, trig: _Trigger, done: list[Candidate]) -> Candidate | None:
        """The earlier action of this sentence that a verb right after a reason word justifies.

        "cut ties with Mexico for granting asylum", "por conceder asilo": a preposition of
        reason then a verb with no subject of its own. Temporal words ("after recalling")
        are not reasons: their verb keeps the main clause's subject.
        """
        if trig.nominal or cl.reason_before is None or not cl.reason_before.search(sentence[: trig.start]):
            return None
        return next(
            (c for c in reversed(done) if c.type != trig.type and c.type not in RECONCILIATIONS and _pairs(c)),
            None,
        )

    @staticmethod
    def _means_subject(cl: _CompiledLang, sentence: str, trig: _Trigger, mentions: list[_Mention]) -> str | None:
        """ "Rubio blocks Abbas from attending ... by revoking their visas": a means adjunct's verb
        has the main clause's subject, the first state the sentence names."""
        if trig.nominal or cl.means_before is None or not cl.means_before.search(sentence[: trig.start]):
            return None
        return next((m.code for m in mentions if m.end <= trig.start and is_state(m.code)), None)

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
        verb_final = cl.lang in VERB_FINAL and not trig.nominal
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
        elif not passive and trig.kind != "leave":  # who must leave, or received asylum, is no actor
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
        if not actors and not passive and cl.anaphor_before is not None:
            # "flee to Brazil's capital after the country grants asylum": "the country" as the
            # subject is the last state named before it in the sentence.
            hit = cl.anaphor_before.search(sentence[: trig.start])
            named = [i for i, m in enumerate(mentions) if hit and m.end <= hit.start() and is_state(m.code)]
            if named:
                actors, cand.actor_from = [named[-1]], "anaphor"
        if spec.get("own_mission") and actors and cue is not None:
            # "Niger ordered the closure of the French embassy": a host shutting another
            # state's mission is not that state closing its own.
            owners = [mentions[i].code for i in attached_as("owner", cue_roles) if mentions[i].state]
            if owners and all(code != mentions[i].code for i in actors for code in owners[:1]):
                cand.reason = f"another state's mission ({owners[0]})"
                return
            # "It ordered the closure of Ethiopia's consulates": the orderer is the host.
            # "Russia orders Poland to close its consulate": the one ordered does not choose.
            ordered = _ORDER.search(sentence[max(0, trig.start - 40) : trig.start])
            if ordered and (cand.actor_from == "owner" or not trig.nominal):
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
        if target_codes and role in ("owner", "after"):
            # Sanctions on people "in Cambodia" do not say Cambodia is the one sanctioned.
            sites = [m for m in mentions if m.code == target_codes[0]]
            cand.target_place = all(cl.located_before.search(sentence[max(0, m.start - 25) : m.start]) for m in sites)
        mutual = bool(cl.mutual and cl.mutual.search(_clause_of(sentence, trig)))
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
        ranked = [code for code, _ in Counter(m.code for m in mentions if is_state(m.code)).most_common()]
        first_state = next((m.code for m in mentions if is_state(m.code)), None)
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
