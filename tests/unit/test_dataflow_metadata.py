"""The Flex Template's parameter regexes accept real values and reject near misses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

METADATA = json.loads((Path(__file__).resolve().parents[2] / "dataflow" / "metadata.json").read_text())
PARAMS = {p["name"]: p for p in METADATA["parameters"]}

CASES = {
    "feeds": (["gs://my-bucket/crosswire/feeds.yaml", "gs://b-1/f.yml"], ["/local/feeds.yaml", "gs://b/x.json"]),
    "alerts_topic": (["projects/my-project/topics/crosswire-alerts"], ["crosswire-alerts", "projects/p1234/subs/s"]),
    "input_subscription": (["projects/my-project/subscriptions/articles"], ["projects/my-project/topics/articles"]),
    "tracked": (["gs://my-bucket/tracked.yaml"], ["MEX,PER", "tracked.yaml"]),
    "output_prefix": (["gs://my-bucket/crosswire/output", "gs://b-1"], ["/tmp/out", "s3://bucket/x"]),
    "sdk_container_image": (
        ["europe-west1-docker.pkg.dev/my-project/crosswire/crosswire:0.1.0", "gcr.io/p/crosswire"],
        ["crosswire", "https://gcr.io/p/crosswire"],
    ),
}


def test_parameters_are_the_pipeline_options() -> None:
    assert set(PARAMS) == set(CASES)
    assert [n for n, p in PARAMS.items() if not p.get("isOptional")] == ["alerts_topic"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_regexes(name: str) -> None:
    good, bad = CASES[name]
    (regex,) = PARAMS[name]["regexes"]
    assert all(re.fullmatch(regex, value) for value in good)
    assert not any(re.fullmatch(regex, value) for value in bad)
