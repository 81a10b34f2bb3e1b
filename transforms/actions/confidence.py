"""Confidence per action, from evidence a reader can check, each piece named in ``reasons``."""

from __future__ import annotations

from transforms.actions.attribution import Candidate

# Evidence weights: what a reader would check before trusting a lone report.
CONFIDENCE_PENALTIES = {
    "nominal": 0.15,  # a noun ("the expulsion of") rather than a verb of doing
    "actor_attached": 0.1,  # actor read off a role noun ("embassy in X") rather than a subject
    "actor_article": 0.3,  # actor not in the sentence: taken from the rest of the article
    "actor_anaphor": 0.25,  # actor named as "the country": the last state named before it
    "target_article": 0.2,  # target not in the sentence
    "cause": 0.4,  # a step named as the cause of another ("in response to X's sanctions")
    "target_place": 0.35,  # the target is only a place where the sanctioned operate ("in X")
}


def confidence(cand: Candidate) -> tuple[float, tuple[str, ...]]:
    """Confidence in a kept candidate (0..1) and the evidence, named.

    Polarity, modality, time and sentence completeness have already dropped what they
    rule out; what is left is graded by how directly the sentence states the action.
    """
    score = 1.0
    reasons = [f"trigger: {'noun' if cand.nominal else cand.kind}"]
    if cand.nominal:
        score -= CONFIDENCE_PENALTIES["nominal"]
    if cand.actor_from in ("article", "reprisal"):
        score -= CONFIDENCE_PENALTIES["actor_article"]
        reasons.append(f"actor: {cand.actor_from}")
    elif cand.actor_from == "anaphor":
        score -= CONFIDENCE_PENALTIES["actor_anaphor"]
        reasons.append("actor: 'the country', the last state named before")
    elif cand.actor_from in ("location", "owner"):
        score -= CONFIDENCE_PENALTIES["actor_attached"]
        reasons.append(f"actor: role noun ({cand.actor_from})")
    else:
        reasons.append(f"actor: same clause ({cand.actor_from or 'list'})")
    if cand.target_from in ("article", "reprisal"):
        score -= CONFIDENCE_PENALTIES["target_article"]
        reasons.append(f"target: {cand.target_from}")
    elif cand.target_place:
        score -= CONFIDENCE_PENALTIES["target_place"]
        reasons.append("target: a place ('in X'), not an owner")
    else:
        reasons.append("target: same sentence")
    if cand.cause:
        score -= CONFIDENCE_PENALTIES["cause"]
        reasons.append(f"clause: cause of another step ({cand.cause!r})")
    else:
        reasons.append("clause: affirmative, current")
    if cand.mutual:
        reasons.append("mutual: stated")
    return round(max(score, 0.0), 2), tuple(reasons)
