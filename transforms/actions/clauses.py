"""The trigger's clause: polarity, modality and time.

Why a trigger is not an action: another sense of its words, a demand, threat, proposal,
refusal or denial, a reversal (lifted, waived, eased, exempted), an older episode (a past
year, "existing", a pluperfect without a recent anchor), a sentence cut off mid-clause.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from transforms.actions.lexicon import FLAGS, _CompiledLang, _Trigger

# Characters of context searched around a trigger.
BLOCK_BEFORE_CHARS = 90


BLOCK_AFTER_CHARS = 80  # room for a nominal subject: "a recall of its envoy from X is not on the table"


BACKGROUND_BEFORE_CHARS = 60


BACKGROUND_AFTER_CHARS = 50


YEAR_AFTER_CHARS = 45


def _year_of(published: str | None) -> int:
    if published and published[:4].isdigit():
        return int(published[:4])
    return datetime.datetime.now(datetime.UTC).year


# A sentence cut off by the feed ("... and expelled the…"): the last clause is incomplete.
_CUT = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")


def _cut_off(sentence: str, trig: _Trigger) -> str:
    """A trigger in the unfinished last clause of a truncated sentence: no action from it."""
    if not _CUT.search(sentence):
        return ""
    rest = sentence[trig.end :]
    return "" if re.search(r"[,;:.!?]", _CUT.sub("", rest)) else "cut off mid-clause"


def _cause(cl: _CompiledLang, sentence: str, trig: _Trigger) -> str:
    """The cause phrase a nominal or non-finite trigger stands in, or ''."""
    words = sentence[trig.start : trig.end].split()
    non_finite = trig.nominal or bool(words and re.fullmatch(r"\w+(?:ing|ando|iendo|endo)", words[0], FLAGS))
    if cl.cause is None or not non_finite:
        return ""
    head = re.split(r"[,;:]", sentence[: trig.start])[-1][-50:]
    hit = cl.cause.search(head)
    return " ".join(hit.group().split()[:3]) if hit else ""


def _clause_of(sentence: str, trig: _Trigger) -> str:
    """The trigger's clause: from the last clause break before it to the next one after it."""
    head = re.split(r"[,;:]", sentence[: trig.start])[-1]
    tail = re.split(r"[,;:]", sentence[trig.end :])[0]
    return head + sentence[trig.start : trig.end] + tail


def _other_sense(cl: _CompiledLang, sentence: str, trig: _Trigger) -> str:
    """Why the trigger is used in a non-diplomatic sense (a travel ban on all citizens, a court's
    entry ban, a suspension of nuclear tests, a sports ban), or ''.

    Looked for before the trigger (within the sentence part after a semicolon) and after it
    up to the next comma or coordination.
    """
    rx = cl.other_sense.get(trig.type)
    if rx is None:
        return ""
    head = sentence[: trig.start].rsplit(";", 1)[-1]
    tail = re.split(r"[,;:]|\s(?:and|or|y|o|et|ou|und|oder|e|en|dan|atau)\s", sentence[trig.end : trig.end + 80])[0]
    hit = rx.search(head + sentence[trig.start : trig.end] + tail)
    return f"other sense: {hit.group()!r}" if hit else ""


def _modality(cl: _CompiledLang, sentence: str, trig: _Trigger, spent: Sequence[tuple[int, int]] = ()) -> str:
    """Why the trigger is a demand, threat, hypothesis, refusal or denial, or ''.

    The scope is the clause before the trigger plus the inside of a span trigger ("announces
    that X will lift all sanctions"). ``spent`` are object cues that belong to this trigger
    or to an earlier one ("suspends negotiations ... and summons"): not blockers here.
    """
    if re.search(r"\?[\"'»”’)\]]*$", sentence[trig.end :].split(".")[0].rstrip()):
        return "modality: a question"  # "Will Kenya expel the envoy?", "¿Romperá Chile con Perú?"
    if cl.idioms:
        sentence = cl.idioms.sub(lambda m: " " * len(m.group()), sentence)
    start = max(0, trig.start - BLOCK_BEFORE_CHARS)
    scope = sentence[start : trig.start]
    for sep in (";", ":", " — ", " – ", "(", "\u00ab", "\u201c"):
        scope = scope.rsplit(sep, 1)[-1]
    if cl.scope_break:
        breaks = list(cl.scope_break.finditer(scope))
        if breaks:
            scope = scope[breaks[-1].end() :]
    words = sentence[trig.start : trig.end].split()
    interior_start = trig.start + len(words[0]) if words else trig.end
    offset = trig.start - len(scope)
    if cl.block_before:
        for text, base in ((scope, offset), (sentence[interior_start : trig.end], interior_start)):
            for hit in cl.block_before.finditer(text):
                a, b = base + hit.start(), base + hit.end()
                if not any(s <= a and b <= e for s, e in spent):
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
        after = cl.block_after.search(tail)
        if after and not re.search(r"[.;,]", tail[: after.start()]):
            return f"negated: {after.group()!r}"
    if cl.cancel_after:
        # "X weighed expelling the envoy, but the minister ruled the measure out": a later
        # clause of the same sentence that discards the step cancels it.
        later = cl.cancel_after.search(sentence[trig.end :])
        if later:
            return f"cancelled: {later.group()!r}"
    return ""


# A year right before a trigger ("Ukraine's 2022 break in ties", "the 2019 expulsions").
_YEAR_PREMODIFIER = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)(?:[\s-]+[\w-]+)?\s*$")


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
    premodifier = _YEAR_PREMODIFIER.search(sentence[max(0, trig.start - 25) : trig.start])
    if premodifier and int(premodifier.group(1)) < year:
        return f"background: {premodifier.group(1)!r}"  # "Ukraine's 2022 break in ties"
    years = list(cl.year.finditer(sentence)) + (list(cl.year_after.finditer(sentence)) if cl.year_after else [])
    for m in years:
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
