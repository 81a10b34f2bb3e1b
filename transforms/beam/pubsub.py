"""Beam wrappers of ``transforms.pubsub_io``: alerts published to a Pub/Sub topic."""

from __future__ import annotations

from typing import Any

import apache_beam as beam
from apache_beam.io.gcp.pubsub import PubsubMessage, WriteToPubSub

from transforms.pubsub_io import Alert, alert_attributes, encode_alert


def to_pubsub_message(alert: Alert) -> PubsubMessage:
    """An alert as a Pub/Sub message: canonical JSON body plus filterable attributes."""
    return PubsubMessage(encode_alert(alert), alert_attributes(alert))


class PublishAlerts(beam.PTransform):
    """Publish alert dicts to a Pub/Sub topic, one JSON message each.

    No ``id_label``: the Python DirectRunner rejects it on writes, so delivery is
    at least once and subscribers de-duplicate on ``version_key`` (the alert_id).
    Messages carry ``ATTRIBUTE_KEYS`` as attributes.
    """

    def __init__(self, topic: str) -> None:
        super().__init__()
        if not topic.startswith("projects/") or "/topics/" not in topic:
            raise ValueError(f"topic must look like projects/P/topics/T, got {topic!r}")
        self.topic = topic

    def expand(self, alerts: beam.PCollection[dict[str, Any]]) -> beam.pvalue.PDone:
        return (
            alerts
            | "ToPubsubMessage" >> beam.Map(to_pubsub_message).with_output_types(PubsubMessage)
            | "WriteAlerts" >> WriteToPubSub(self.topic, with_attributes=True)
        )
