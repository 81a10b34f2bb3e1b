"""Beam wrappers of ``transforms.sinks``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import apache_beam as beam

from transforms.sinks import to_json_line


class WriteJsonl(beam.PTransform):
    """Write a PCollection to exactly ``DIR/NAME.jsonl`` (one shard, no shard suffix).

    One shard keeps the file names the scorer reads; replays are local and small enough
    for that. Lines are in no particular order.
    """

    def __init__(self, out_dir: str | Path, name: str) -> None:
        super().__init__()
        self.prefix = str(Path(out_dir) / name)

    def expand(self, rows: beam.PCollection) -> Any:
        return (
            rows
            | "ToJson" >> beam.Map(to_json_line)
            | "Write"
            >> beam.io.WriteToText(self.prefix, file_name_suffix=".jsonl", num_shards=1, shard_name_template="")
        )
