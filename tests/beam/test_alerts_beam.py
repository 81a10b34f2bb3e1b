"""RaiseAlerts as a Beam composite: batch on FnApiRunner, streaming with TestStream."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to

from tests.unit.test_alerts import PNG, SEVER, article
from transforms.alerts import alerts_for
from transforms.beam.alerts import RaiseAlerts

pytestmark = pytest.mark.beam


def summary(alerts):
    return sorted((a["kind"], a["story_id"], a["action"]["type"], tuple(a["languages"])) for a in alerts)


def test_batch_alerts_match_the_pure_function_whatever_the_input_order():
    items = [
        article("c", 3, "id"),
        article("a", 1, "en", actions=(PNG, SEVER)),
        article("d", 4, "es", actions=(SEVER,)),
        article("b", 2, "en"),
    ]
    expected = summary(alerts_for(items))
    with TestPipeline(runner=FnApiRunner()) as p:
        got = p | beam.Create(items) | beam.Map(lambda a: beam.window.TimestampedValue(a, a.published_ts))
        assert_that(got | RaiseAlerts(streaming=False), lambda out: _check(out, expected))


def _check(out, expected):
    assert summary(out) == expected, summary(out)


@pytest.mark.streaming
def test_streaming_alert_then_update_as_the_watermark_advances():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    stream = (
        TestStream()
        .advance_watermark_to(0)
        .add_elements([beam.window.TimestampedValue(article("b", 20, "id"), 20)])
        .add_elements([beam.window.TimestampedValue(article("a", 10, "en"), 10)])
        .advance_watermark_to(30)
        .add_elements([beam.window.TimestampedValue(article("c", 40, "en"), 40)])
        .advance_watermark_to_infinity()
    )
    with TestPipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        kinds = p | stream | RaiseAlerts() | beam.Map(lambda a: (a["kind"], a["evidence"]["link"][-1]))
        assert_that(kinds, equal_to([("alert", "a"), ("update", "b")]))
