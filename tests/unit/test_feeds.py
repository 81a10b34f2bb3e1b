"""Feed reading, parsing, normalising and de-duplication: the pure functions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from transforms.feeds import (
    Entry,
    RawFeed,
    canonical_link,
    declared_language,
    entry_published,
    first_wins,
    list_input_files,
    normalise_entry,
    parse_feed,
    read_file,
    strip_html,
)
from transforms.records import Article, DeadLetter

BAD = FIXTURES / "bad"


def parse_path(path: Path):
    raw = read_file(str(path))
    assert isinstance(raw, RawFeed)
    return parse_feed(raw)


def entry(**fields) -> Entry:
    return Entry("feed.xml", "Feed", 0, fields, None, 1_700_000_000.0)


def test_strip_html_removes_tags_and_decodes_entities():
    html = "<p>President <strong>Petro</strong> said &mdash; again</p><p><a href='x'>More &raquo;</a></p>"
    assert strip_html(html) == "President Petro said — again More »"


def test_strip_html_drops_scripts_and_collapses_whitespace():
    assert strip_html("<script>alert(1)</script>  Hello\n\n <b>world</b>") == "Hello world"


@pytest.mark.parametrize(
    ("link", "canonical"),
    [
        ("https://News.Example/a/b?utm_source=rss&utm_medium=feed", "https://news.example/a/b"),
        ("https://news.example/a?id=7&fbclid=xyz#comments", "https://news.example/a?id=7"),
        ("http://news.example:80/x", "http://news.example/x"),
        ("https://news.example:8443/x", "https://news.example:8443/x"),
        ("https://blog.example/?p=123", "https://blog.example/?p=123"),
        ("urn:uuid:1234", "urn:uuid:1234"),
        # query order does not matter; blank values are kept
        ("https://news.example/a?b=2&a=1&utm_medium=x", "https://news.example/a?a=1&b=2"),
        ("https://news.example/a?z=&a=1", "https://news.example/a?a=1&z="),
        # one percent-encoding: unreserved characters decoded, others upper-case hex, non-ASCII encoded
        ("https://news.example/%7euser/caf%c3%a9", "https://news.example/~user/caf%C3%A9"),
        ("https://news.example/café?q=été", "https://news.example/caf%C3%A9?q=%C3%A9t%C3%A9"),
        ("https://news.example/a?q=a%20b", "https://news.example/a?q=a+b"),
        # IPv6 hosts keep their brackets; the default port goes, another stays
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
        ("https://[2001:db8::1]:8443/x?b=1&a=2", "https://[2001:db8::1]:8443/x?a=2&b=1"),
        ("https://news.example", "https://news.example/"),
    ],
)
def test_canonical_link(link, canonical):
    assert canonical_link(link) == canonical


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://news.example/a?a=1&b=2", "https://NEWS.example:443/a?b=2&a=1#top"),
        ("https://news.example/caf%C3%A9", "https://news.example/café"),
        ("http://[2001:db8::1]/x", "http://[2001:DB8::1]:80/x?utm_source=rss"),
    ],
)
def test_two_spellings_of_one_page_compare_equal(first, second):
    assert canonical_link(first) == canonical_link(second)


def test_canonical_link_keeps_a_malformed_link_as_given():
    assert canonical_link("http://[::1/x") == "http://[::1/x"


def test_published_falls_back_from_entry_to_feed_to_fetch_time():
    assert entry_published(entry(published_parsed=time.gmtime(1000)))[0] == 1000
    assert entry_published(entry(updated_parsed=time.gmtime(2000))) == (2000, "updated")
    with_feed = Entry("f", "F", 0, {}, 3000.0, 4000.0)
    assert entry_published(with_feed) == (3000.0, "feed")
    assert entry_published(Entry("f", "F", 0, {}, None, 4000.0)) == (4000.0, "fetched")


def test_normalise_entry_builds_an_article_in_utc():
    article = normalise_entry(
        entry(
            title="<b>Peru</b> cuts ties",
            link="https://n.example/x?utm_campaign=a",
            id="g-1",
            summary="<p>Lima &amp; Mexico</p>",
            content=[{"value": "<p>Body text.</p>"}],
            published_parsed=time.gmtime(1_762_461_600),
        )
    )
    assert isinstance(article, Article)
    assert (article.title, article.summary, article.body) == ("Peru cuts ties", "Lima & Mexico", "Body text.")
    assert article.link == "https://n.example/x"
    assert article.published == "2025-11-06T20:40:00Z"


def test_normalise_entry_rejects_items_without_identity_or_text():
    assert isinstance(normalise_entry(entry(summary="text only")), DeadLetter)
    letter = normalise_entry(entry(link="https://n.example/empty"))
    assert isinstance(letter, DeadLetter) and "no text" in letter.reason


def test_normalise_entry_rejects_huge_items():
    letter = normalise_entry(entry(title="Big", link="https://n.example/big", summary="x" * 600_000))
    assert isinstance(letter, DeadLetter) and "over the" in letter.reason


def test_first_wins_keeps_the_earliest_and_reports_the_rest():
    a = Article("a", "https://x/1", "g", "F", "one", "", "", "2026-01-01T00:00:00Z", 10.0)
    b = Article("b", "https://x/1", "g", "F", "two", "", "", "2026-01-01T00:00:00Z", 5.0)
    kept, dropped = first_wins([((10.0, "f", 0), a), ((5.0, "f", 1), b)])
    assert kept[1] is b and dropped == [a]


@pytest.mark.parametrize(
    ("name", "reason", "kept"),
    [
        ("empty.xml", "empty file", 0),
        ("not-a-feed.xml", "not a feed", 0),
        ("binary.xml", "binary content", 0),
        ("wrong-encoding.xml", "CharacterEncoding", 1),
        ("truncated.xml", "SAXParseException", 2),
        ("unescaped-ampersand.xml", "SAXParseException", 1),
    ],
)
def test_bad_input_gives_a_dead_letter_and_keeps_what_parsed(name, reason, kept):
    entries, dead = parse_path(BAD / name)
    assert len(entries) == kept
    assert len(dead) == 1 and reason in dead[0].reason
    assert dead[0].source.endswith(name)


def test_wrongly_declared_encoding_still_reads_the_text():
    entries, _ = parse_path(BAD / "wrong-encoding.xml")
    article = normalise_entry(entries[0])
    assert isinstance(article, Article) and "Cancillería" in article.title


def test_the_declared_language_comes_from_the_item_else_the_feed():
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>pt-BR</language>'
        b"<item><title>Um</title><link>https://x.example/1</link></item>"
        b"</channel></rss>"
    )
    entries, dead = parse_feed(RawFeed("f.xml", feed, 0.0))
    assert not dead and [e.declared_lang for e in entries] == ["pt"]
    assert normalise_entry(entries[0]).declared_lang == "pt"  # type: ignore[union-attr]
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>T</title>'
        b'<entry xml:lang="fr"><title>Un</title><link href="https://x.example/2"/><id>2</id></entry>'
        b'<entry><title>Two</title><link href="https://x.example/3"/><id>3</id></entry></feed>'
    )
    entries, _ = parse_feed(RawFeed("a.xml", atom, 0.0))
    assert [e.declared_lang for e in entries] == ["fr", "en"]
    assert declared_language("zh-Hant-TW") == "zh"
    assert declared_language("english") == "" and declared_language(None) == ""


def test_text_file_is_one_article_with_a_file_link(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Peru cuts diplomatic ties with Mexico. The decision came on Monday.\n", encoding="utf-8")
    entries, dead = parse_path(path)
    article = normalise_entry(entries[0])
    assert not dead and isinstance(article, Article)
    assert article.title == "Peru cuts diplomatic ties with Mexico."
    assert article.link.startswith("file://") and "The decision came" in article.body


def test_list_input_files_expands_folders_and_reports_missing_paths():
    files, missing = list_input_files([str(ROOT / "seeds"), "/nonexistent/crosswire"])
    assert [Path(f).name for f in files] == ["andean-dispatch.xml", "warta-nusantara.xml"]
    assert len(missing) == 1 and "no such file" in missing[0].reason


@pytest.mark.parametrize("name", ["andean-dispatch.xml", "warta-nusantara.xml"])
def test_seed_feeds_parse_cleanly(name):
    entries, dead = parse_path(ROOT / "seeds" / name)
    assert not dead and len(entries) == 1
    article = normalise_entry(entries[0])
    assert isinstance(article, Article)
    assert "Sheinbaum" in article.title and article.body and article.published.startswith("2025-11-06")
    assert "utm_" not in article.link
