"""The Dataflow job's graph, built from the Flex Template's flags without any cloud: every sink is there.

``--dataflow_endpoint`` on localhost makes Beam skip the checks that would contact Google
Cloud Storage (the job is built, never submitted), so this runs offline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apache_beam.options.pipeline_options import DebugOptions, SetupOptions, WorkerOptions

from dataflow.main import IMAGE_ENV, build, template_flags
from pipeline.durable import DURABLE_OUTPUTS

IMAGE = "europe-west1-docker.pkg.dev/crosswire-test/crosswire/crosswire:0.1.0"


def dataflow_flags(tmp_path: Path, *extra: str) -> list[str]:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {url: 'https://news.example/world.xml', interval_seconds: 300}\n")
    return [
        "--runner=DataflowRunner",
        "--project=crosswire-test",
        "--region=europe-west1",
        "--temp_location=gs://crosswire-test/tmp",
        "--dataflow_endpoint=http://localhost:1",  # offline: no validation against GCS, nothing submitted
        "--alerts_topic=projects/crosswire-test/topics/crosswire-alerts",
        "--output_prefix=gs://crosswire-test/output",
        f"--feeds={feeds}",
        *extra,
    ]


def transform_names(pipeline) -> set[str]:
    proto = pipeline.to_runner_api()
    return {t.unique_name for t in proto.components.transforms.values()}


def test_template_flags_give_workers_the_templates_image():
    assert template_flags(["--x=1"], {IMAGE_ENV: IMAGE}) == [
        "--x=1",
        f"--sdk_container_image={IMAGE}",
        "--sdk_location=container",
    ]
    given = ["--sdk_container_image=other/image:1"]
    assert template_flags(given, {IMAGE_ENV: IMAGE}) == given
    assert template_flags([], {}) == []


@pytest.mark.beam
def test_streaming_graph_has_every_durable_sink_and_the_alert_topic(tmp_path):
    pipeline, outputs = build(dataflow_flags(tmp_path), {IMAGE_ENV: IMAGE})
    options = pipeline.options
    assert options.view_as(WorkerOptions).sdk_container_image == IMAGE
    assert options.view_as(SetupOptions).sdk_location == "container"
    names = transform_names(pipeline)
    for name in DURABLE_OUTPUTS:
        assert f"Durable_{name}/Window" in names, name
        assert f"Durable_{name}/Write" in names, name
        assert any(n.startswith(f"Durable_{name}/Write/") for n in names), f"{name}: no file write inside"
    assert "PublishAlerts" in names and "PollFeeds" in names
    assert not any(n.startswith("Append_") for n in names)  # local files are for local runs only
    assert options.view_as(DebugOptions).dataflow_job_file is None


@pytest.mark.beam
def test_graph_reading_a_subscription_has_the_same_sinks(tmp_path):
    flags = dataflow_flags(tmp_path, "--input_subscription=projects/crosswire-test/subscriptions/articles")
    pipeline, _ = build(flags, {})
    names = transform_names(pipeline)
    assert "ReadArticles" in names and "PollFeeds" not in names
    assert {f"Durable_{name}" for name in DURABLE_OUTPUTS} <= names


def test_without_an_output_prefix_no_durable_sink_is_added(tmp_path):
    flags = [f for f in dataflow_flags(tmp_path) if not f.startswith("--output_prefix")]
    pipeline, _ = build(flags, {})
    assert not any(n.startswith("Durable_") for n in transform_names(pipeline))
