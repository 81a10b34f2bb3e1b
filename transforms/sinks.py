"""Output files: one JSON object a line, written where the scorer and the user expect them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import apache_beam as beam

from transforms.records import fields_of


def to_json_line(row: Any) -> str:
    """A record (``to_json``, through ``json_fields``) or a dict as one compact, key-sorted JSON line.

    The same line as ``json.dumps(row.to_json(), ensure_ascii=False, sort_keys=True)``, but nested
    records (an article's entities and actions) are turned into dicts as the encoder meets them
    instead of being copied into plain data first: every output line of a replay is written by
    one process, and that copy cost it more than the encoding.
    """
    data = row.json_fields() if hasattr(row, "json_fields") else row
    return _ENCODER.encode(data)


def _record_fields(value: Any) -> Any:
    """The encoder's ``default``: a nested record as its fields (tuples and lists encode as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_of(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_record_fields)


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
