"""Defect 8: server-side request forgery through feed URLs and redirects.

Real local servers: a "secret" internal service on one port, feeds on another. Loopback,
private, link-local and metadata addresses are refused unless the feed is marked allowed, the
mark covers the feed's own origin only, every redirect hop is checked, names are checked after
DNS resolution, and no dead letter holds a byte of a refused answer.
"""

from __future__ import annotations

import time

import pytest

from pipeline.live import articles_from_fetch
from tests.faults.helpers import item_xml, rss
from tests.http_fixture import FeedServer, Reply
from transforms.fetch import FetchPolicy, fetch

POLICY = FetchPolicy(retries=0, min_host_interval_s=0.0, connect_timeout_s=1.0, read_timeout_s=2.0)
SECRET = b"AWS_SECRET_ACCESS_KEY=do-not-leak " * 20


@pytest.mark.integration
def test_loopback_feed_is_refused_unless_marked(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", Reply(200, rss([item_xml(1, time.time())])))
    refused = fetch(url, policy=POLICY)
    assert refused.error is not None and refused.error.startswith("refused: 127.0.0.1 resolves to 127.0.0.1")
    assert feed_server.seen("/feed.xml") == [], "a refused address was contacted"
    allowed = fetch(url, policy=POLICY, allow_private=True)
    assert allowed.ok


@pytest.mark.integration
def test_a_name_is_checked_after_dns_resolution(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", Reply(200, rss([item_xml(1, time.time())]))).replace("127.0.0.1", "localhost")
    got = fetch(url, policy=POLICY)
    assert got.error is not None and "localhost resolves to" in got.error and "loopback" in got.error
    assert feed_server.seen("/feed.xml") == []


@pytest.mark.integration
def test_redirects_to_internal_ports_and_metadata_are_refused_and_nothing_leaks(feed_server: FeedServer) -> None:
    with FeedServer() as internal:
        secret = internal.static("/admin", Reply(200, SECRET))
        to_internal = feed_server.static("/moved.xml", Reply(302, b"", {"Location": secret}))
        to_metadata = feed_server.static(
            "/cloud.xml", Reply(301, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        )
        loop = feed_server.static("/loop", Reply(302, b"", {"Location": "/loop"}))  # endless
        results = {
            name: fetch(url, policy=POLICY, allow_private=True)  # the feed itself is marked allowed
            for name, url in (("internal", to_internal), ("metadata", to_metadata), ("loop", loop))
        }
        assert internal.seen("/admin") == [], "the redirect to an internal port was followed"
    assert results["internal"].error == "refused: 127.0.0.1 resolves to 127.0.0.1 (loopback address)"
    assert results["metadata"].error == "refused: 169.254.169.254 resolves to 169.254.169.254 (cloud metadata address)"
    assert results["loop"].error == "too many redirects"
    for result in results.values():
        articles, dead = articles_from_fetch(result)
        assert articles == [] and all(b"SECRET" not in (d.excerpt or "").encode() for d in dead)
        assert all("SECRET" not in d.reason for d in dead)


def test_address_classes() -> None:
    from transforms.fetch import address_problem

    assert address_problem("169.254.169.254") == "cloud metadata address"
    assert address_problem("::ffff:10.0.0.1") == "private address"
    assert address_problem("fe80::1") == "link-local address"
    assert address_problem("192.168.1.1") == "private address"
    assert address_problem("0.0.0.0") is not None
    assert address_problem("93.184.216.34") is None
