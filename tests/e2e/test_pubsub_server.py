"""The test Pub/Sub server speaks enough of the API for the real Python client."""

from __future__ import annotations

import threading

import pytest
from google.api_core import exceptions
from google.cloud import pubsub_v1

pytestmark = pytest.mark.integration


@pytest.fixture
def clients(pubsub_emulator: str) -> tuple[pubsub_v1.PublisherClient, pubsub_v1.SubscriberClient]:
    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    yield publisher, subscriber
    subscriber.close()
    publisher.stop()


def test_topic_subscription_publish_pull_ack(clients, pubsub_project: str) -> None:
    publisher, subscriber = clients
    topic = publisher.topic_path(pubsub_project, "alerts")
    sub = subscriber.subscription_path(pubsub_project, "alerts-sub")
    publisher.create_topic(name=topic)
    # ack_deadline_seconds left unset: the client sends 0, the fake would reject it.
    created = subscriber.create_subscription(name=sub, topic=topic)
    assert created.ack_deadline_seconds == 10

    with pytest.raises(exceptions.AlreadyExists):
        publisher.create_topic(name=topic)

    ids = [publisher.publish(topic, f"m{i}".encode(), kind="alert", n=str(i)).result(timeout=10) for i in range(3)]
    assert len(set(ids)) == 3

    received = []
    while len(received) < 3:
        response = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
        received.extend(response.received_messages)
    assert sorted(m.message.data for m in received) == [b"m0", b"m1", b"m2"]
    assert {m.message.attributes["n"] for m in received} == {"0", "1", "2"}
    assert all(m.message.attributes["kind"] == "alert" for m in received)
    subscriber.acknowledge(subscription=sub, ack_ids=[m.ack_id for m in received])

    # Acknowledged: nothing comes back (the fake answers an empty pull after 0.5 s).
    response = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
    assert list(response.received_messages) == []


def test_streaming_pull(clients, pubsub_project: str) -> None:
    publisher, subscriber = clients
    topic = publisher.topic_path(pubsub_project, "t")
    sub = subscriber.subscription_path(pubsub_project, "s")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(name=sub, topic=topic)
    got: list[bytes] = []
    done = threading.Event()

    def callback(message: pubsub_v1.subscriber.message.Message) -> None:
        got.append(message.data)
        message.ack()
        if len(got) == 2:
            done.set()

    future = subscriber.subscribe(sub, callback)
    for data in (b"a", b"b"):
        publisher.publish(topic, data).result(timeout=10)
    try:
        assert done.wait(timeout=15)
    finally:
        future.cancel()
        future.result(timeout=10)
    assert sorted(got) == [b"a", b"b"]


def test_nack_redelivers(clients, pubsub_project: str) -> None:
    """modify_ack_deadline(0) still means nack (the 0 -> 10 s fix is for subscriptions only)."""
    publisher, subscriber = clients
    topic = publisher.topic_path(pubsub_project, "t")
    sub = subscriber.subscription_path(pubsub_project, "s")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(name=sub, topic=topic)
    publisher.publish(topic, b"x").result(timeout=10)
    first = subscriber.pull(subscription=sub, max_messages=1, timeout=10).received_messages
    assert len(first) == 1
    subscriber.modify_ack_deadline(subscription=sub, ack_ids=[first[0].ack_id], ack_deadline_seconds=0)
    again = subscriber.pull(subscription=sub, max_messages=1, timeout=10).received_messages
    assert [m.message.data for m in again] == [b"x"]
