"""Output files: one JSON object a line, written where the scorer and the user expect them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import apache_beam as beam


def to_json_line(row: Any) -> str:
    """A record (with ``to_json``) or a dict as one compact, key-sorted JSON line."""
    data = row.to_json() if hasattr(row, "to_json") else row
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


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


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
