"""Entity extraction with canonical, language-independent ids.

The engine (``engine.py``) is language-independent; what differs by language lives in
``lang/<code>.py`` as data (case endings, clitics, title words, page furniture), turned
into name forms by ``morph.py`` and into masks by ``boilerplate.py``.
"""

from transforms.entities.engine import (
    EntityExtractor,
    country_name,
    fold,
    is_org_id,
    iter_entities,
    load_gazetteer,
    name_key,
)

__all__ = [
    "EntityExtractor",
    "country_name",
    "fold",
    "is_org_id",
    "iter_entities",
    "load_gazetteer",
    "name_key",
]
