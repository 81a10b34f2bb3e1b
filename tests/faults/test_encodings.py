"""Defect 9: UTF-16 without a byte-order mark and UTF-32 were rejected as binary.

Served by a real local server; the encoding is found from the XML declaration's bytes or, with
no declaration, by charset-normalizer, and the entries come out with their accents intact.
"""

from __future__ import annotations

import time

import pytest

from pipeline.live import articles_from_fetch
from tests.http_fixture import FeedServer, Reply
from transforms.fetch import FetchPolicy, fetch

POLICY = FetchPolicy(retries=0, min_host_interval_s=0.0, allow_private=True)
TITLE = "Perú rompe relaciones con Venezuela: «ruptura total»"


def feed(declared: str | None) -> str:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    return (
        f'{decl}<rss version="2.0"><channel><title>Diario</title><item><title>{TITLE}</title>'
        f"<link>https://example.org/es/1</link><pubDate>{date}</pubDate>"
        "<description>El gobierno peruano anunció la ruptura de relaciones diplomáticas.</description>"
        "</item></channel></rss>"
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("utf-16-le, declared, no BOM", feed("utf-16").encode("utf-16-le")),
        ("utf-16-be, declared, no BOM", feed("utf-16").encode("utf-16-be")),
        ("utf-32 with BOM", feed("utf-32").encode("utf-32")),
        ("utf-32-le, declared, no BOM", feed("utf-32").encode("utf-32-le")),
        ("utf-16-le, no declaration, no BOM", feed(None).encode("utf-16-le")),
    ],
)
def test_wide_encodings_are_read(feed_server: FeedServer, name: str, body: bytes) -> None:
    url = feed_server.static("/feed.xml", Reply(200, body, {"Content-Type": "application/rss+xml"}))
    articles, dead = articles_from_fetch(fetch(url, policy=POLICY))
    assert [a.title for a in articles] == [TITLE], f"{name}: {[d.reason for d in dead]}"
