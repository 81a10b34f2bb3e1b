"""Durable outputs of a streaming job: articles, stories, alerts and dead letters as files (GCS).

``--out`` appends to local files from one process, which only a local run can do. On
Dataflow, ``--output_prefix gs://B/crosswire`` writes each output under its own folder as
JSON lines, one set of files per window (``window_s``, default 5 minutes), so nothing the
job produces lives only in Pub/Sub or in worker memory:

    gs://B/crosswire/articles/articles-<window start>-<window end>-<shard>-of-<n>.jsonl
    gs://B/crosswire/stories/...   gs://B/crosswire/alerts/...   gs://B/crosswire/dead_letter/...

Step labels (``Durable_<name>``) are stable, so ``--update`` keeps them.
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam
from apache_beam.transforms import window

from transforms.sinks import to_json_line

DURABLE_OUTPUTS = ("articles", "stories", "alerts", "dead_letter")
DEFAULT_WINDOW_S = 300


class WriteWindowedJsonl(beam.PTransform):
    """An unbounded PCollection -> JSON-lines files under ``PREFIX/NAME/``, one set per fixed window."""

    def __init__(self, prefix: str, name: str, window_s: int = DEFAULT_WINDOW_S) -> None:
        super().__init__()
        self.path = f"{prefix.rstrip('/')}/{name}/{name}"
        self.window_s = window_s

    def expand(self, rows: beam.PCollection) -> Any:
        return (
            rows
            | "ToJson" >> beam.Map(to_json_line)
            | "Window" >> beam.WindowInto(window.FixedWindows(self.window_s))
            | "Write" >> beam.io.WriteToText(self.path, file_name_suffix=".jsonl", triggering_frequency=self.window_s)
        )


def write_durable(outputs: dict[str, beam.PCollection], prefix: str, window_s: int = DEFAULT_WINDOW_S) -> None:
    """Attach a file sink to each of ``DURABLE_OUTPUTS`` (called by ``build_live`` with ``--output_prefix``)."""
    for name in DURABLE_OUTPUTS:
        outputs[name] | f"Durable_{name}" >> WriteWindowedJsonl(prefix, name, window_s)
