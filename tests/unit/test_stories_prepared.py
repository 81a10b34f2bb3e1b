"""Grouping in two steps: ``prepare`` on any worker, the stateful rest on the one key.

The streaming graph prepares each article in a parallel DoFn and ships it to the grouping key;
the ids and stories must be those of a grouper that prepares everything itself.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from datetime import datetime
from pathlib import Path

import pytest

from transforms.entities import EntityExtractor, load_gazetteer
from transforms.feeds import strip_html
from transforms.records import Article, article_text, event_order
from transforms.stories import StoryGrouper, load_story_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [ROOT / "tests" / "fixtures" / name / "articles.jsonl" for name in ("heldout", "blind", "blind2")]
DISCLAIMER = (
    "The publisher provides this information as is without any warranty of any kind. "
    "Questions about using or reusing this material should go to the provider of the article named above."
)


def _article(row: dict, extractor: EntityExtractor) -> Article:
    article = Article(
        id=row["id"],
        link=row["link"],
        guid=row["link"],
        feed="fixture",
        title=strip_html(row["title"]),
        summary=strip_html(row.get("summary") or ""),
        body=strip_html(row.get("body") or ""),
        published=row["published"],
        published_ts=datetime.fromisoformat(row["published"].replace("Z", "+00:00")).timestamp(),
        lang=row["lang"],
    )
    return dataclasses.replace(article, entities=tuple(extractor.extract(article_text(article), article.lang)))


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    extractor = EntityExtractor(load_gazetteer(ROOT / "configs"))
    rows = [json.loads(line) for path in FIXTURES for line in path.read_text(encoding="utf-8").splitlines() if line]
    # one site's disclaimer under two English headlines: the second text takes the furniture path
    first, second = (next(r for r in rows if r["id"] == rid) for rid in ("ho-001", "ho-081"))
    rows.append({**first, "id": "furniture-1", "link": "https://site.example/1", "body": first["body"] + DISCLAIMER})
    rows.append({**second, "id": "furniture-2", "link": "https://site.example/2", "body": second["body"] + DISCLAIMER})
    return sorted((_article(row, extractor) for row in rows), key=event_order)


def test_articles_prepared_elsewhere_get_the_ids_and_stories_of_one_grouper(articles):
    config = load_story_config(ROOT / "configs")
    alone, fed, elsewhere = StoryGrouper(config), StoryGrouper(config), StoryGrouper(config)
    for article in articles:
        shipped = pickle.loads(pickle.dumps(elsewhere.prepare(article)))  # as Beam ships it to the key
        alone.expire(article.published_ts)
        fed.expire(article.published_ts)
        assert fed.assign(article, shipped) == alone.assign(article), article.id
    assert fed.stories() == alone.stories()
    assert fed.state.sentences == alone.state.sentences
    assert len({s.id for s in alone.stories()}) < len(articles)  # some stories have several articles


def test_a_prepared_text_loses_its_furniture_on_the_key(articles):
    """``prepare`` cannot know a site's furniture (it needs the earlier texts): the key strips it
    and takes the words of what is left."""
    config = load_story_config(ROOT / "configs")
    grouper = StoryGrouper(config)
    by_id = {a.id: a for a in articles}
    grouper.vectorize(by_id["furniture-1"])
    second = by_id["furniture-2"]
    prepared = StoryGrouper(config).prepare(second)
    assert any(t.endswith(":warranti") for t in prepared.tf)
    terms = grouper.vectorize(second, prepared).terms
    assert terms and not any(t.endswith((":warranti", ":publish")) for t in terms)
