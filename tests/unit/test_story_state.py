"""The streaming grouper's state: live copy, journal of deltas, snapshot (``transforms.story_state``)."""

from __future__ import annotations

import pickle

import pytest

from bench.concurrent_stories import stream
from tests.unit.test_stories import ROOT
from transforms import story_state
from transforms.stories import StoryGrouper, group_articles, load_story_config

CONFIG = load_story_config(ROOT / "configs")


def same_state(a, b):
    """Equal, and in the same order where order decides ties (stories, index postings, heaps)."""
    return (
        a == b
        and list(a.stories) == list(b.stories)
        and {f: list(p) for f, p in a.index.items()} == {f: list(p) for f, p in b.index.items()}
        and list(a.docfreq.df) == list(b.docfreq.df)
    )


def firings(articles, size):
    return [tuple(articles[i : i + size]) for i in range(0, len(articles), size)]


def test_a_rebuild_from_snapshot_and_journal_equals_the_live_state(monkeypatch):
    """Snapshots and journal entries both occur; the state rebuilt after any firing is the live one."""
    monkeypatch.setattr(story_state, "MIN_JOURNAL_BYTES", 0)
    articles, _ = stream(300)
    live = StoryGrouper(CONFIG)
    journal: list[bytes] = []
    snapshot = None
    kinds = set()
    mark = story_state.new_mark()
    for n, firing in enumerate(firings(articles, 7)):
        for article in firing:
            story_state.apply_article(live, article)
        written = story_state.persist(mark, live.state, firing)
        mark = written.mark
        if written.snapshot is not None:
            snapshot, journal = written.snapshot, []
            kinds.add("snapshot")
        else:
            journal.append(written.journal_entry)
            kinds.add("journal")
        if n % 10 == 3 or n == len(articles) // 7:  # a restart here: rebuild from what Beam kept
            rebuilt = story_state.rebuild(StoryGrouper(CONFIG), mark, snapshot, reversed(journal))
            assert same_state(rebuilt, live.state)
    assert kinds == {"snapshot", "journal"}


def test_entries_past_the_mark_or_folded_into_the_snapshot_are_not_applied_again():
    articles, _ = stream(40)
    grouper = StoryGrouper(CONFIG)
    results = list(story_state.replay_firings(grouper, firings(articles, 10)))
    entries = [r.journal_entry for r in results]
    assert all(entries) and results[-1].mark.seq == 4
    mark_after_two = results[1].mark
    rebuilt = story_state.rebuild(StoryGrouper(CONFIG), mark_after_two, None, entries)
    reference = StoryGrouper(CONFIG)
    for article in articles[:20]:
        story_state.apply_article(reference, article)
    assert same_state(rebuilt, reference.state)


def test_what_a_firing_writes_does_not_grow_with_the_live_stories():
    """One article into an empty grouper and into one holding 1,200 articles: the same bytes."""
    articles, _ = stream(1201)
    small, big = StoryGrouper(CONFIG), StoryGrouper(CONFIG)
    for article in articles[:-1]:
        story_state.apply_article(big, article)
    assert len(big.state.stories) > 150
    last = (articles[-1],)
    written = []
    for grouper in (small, big):
        story_state.apply_article(grouper, last[0])
        written.append(story_state.persist(story_state.new_mark(), grouper.state, last))
    assert written[0].snapshot is None and written[1].snapshot is None
    assert story_state.written_bytes(written[0]) == story_state.written_bytes(written[1])
    assert story_state.written_bytes(written[1]) < len(pickle.dumps(big.state)) / 100


def test_the_live_cache_gives_a_state_only_for_its_own_mark_and_only_once():
    cache = story_state.LiveStates(max_entries=2)
    mark = story_state.new_mark()
    state = StoryGrouper(CONFIG).new_state()
    cache.put(mark, "stories", None, state)
    later = story_state.StateMark(mark.token, seq=mark.seq + 1)
    assert cache.take(later, "stories", None) is None  # a firing was committed elsewhere
    cache.put(mark, "stories", None, state)
    assert cache.take(story_state.new_mark(), "stories", None) is None  # another lineage
    assert cache.take(mark, "stories", None) is state
    assert cache.take(mark, "stories", None) is None  # taken: back only when the firing put it
    for key in ("a", "b", "c"):
        cache.put(mark, key, None, state)
    assert cache.take(mark, "a", None) is None  # the least recently used went out


@pytest.mark.parametrize("size", [1, 50])
def test_firings_of_any_size_assign_as_the_pure_function(size):
    articles, _ = stream(300)
    assignment, _ = group_articles(articles, CONFIG)
    grouper = StoryGrouper(CONFIG)
    got = {}
    for firing in firings(articles, size):
        for article in firing:
            got[article.id] = story_state.apply_article(grouper, article)[1]
    assert got == assignment
