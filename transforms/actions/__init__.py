"""Diplomatic actions in an article's text: lexicon -> triggers -> clause -> actor/target -> confidence.

One module per concern (see each module's docstring):

* ``lexicon``: ``configs/actions.yaml`` loaded, checked and compiled per language;
* ``sentences``: sentence splitting;
* ``clauses``: polarity, modality and time of a trigger's clause (why it is no action);
* ``attribution``: actor, target, coordination and mutual steps;
* ``confidence``: how directly the sentence states the action, with named reasons;
* ``detector``: ``ActionDetector`` tying them together (its Beam DoFn is in ``transforms.beam.actions``).
"""

from transforms.actions.attribution import ORG_PREFIX, Candidate, is_state, org_id
from transforms.actions.confidence import CONFIDENCE_PENALTIES, confidence
from transforms.actions.detector import ActionDetector
from transforms.actions.lexicon import ACTION_TYPES, GRAMMAR_SECTIONS, TRIGGER_KINDS, languages_of, load_lexicon
from transforms.actions.sentences import split_sentences

__all__ = [
    "ACTION_TYPES",
    "CONFIDENCE_PENALTIES",
    "GRAMMAR_SECTIONS",
    "ORG_PREFIX",
    "TRIGGER_KINDS",
    "ActionDetector",
    "Candidate",
    "confidence",
    "is_state",
    "languages_of",
    "load_lexicon",
    "org_id",
    "split_sentences",
]
