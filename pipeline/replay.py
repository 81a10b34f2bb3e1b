"""Run a replay over files on the in-process FnApiRunner and gather its summary.

The runner is chosen explicitly: Beam's default DirectRunner hands many batch pipelines
to Prism, a binary it tries to download (with no timeout). FnApiRunner needs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from pipeline.build import OUTPUT_FILES, Tap, build_replay, write_outputs
from pipeline.config import Config
from transforms.feeds import list_input_files
from transforms.sinks import read_jsonl

COUNTERS = ("files_read", "items_read", "duplicates", "empty_feeds")


def run_replay(
    paths: list[str], out_dir: Path, cfg: Config, progress: bool = False, tap: Tap | None = None
) -> dict[str, Any]:
    """Replay ``paths`` into ``out_dir``; return the counts of the closing summary line.

    ``tap``: a progress hook (``pipeline.progress``), passed to ``build_replay``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:  # a previous run's files must not survive into this one
        (out_dir / f"{name}.jsonl").unlink(missing_ok=True)
    files, _ = list_input_files(paths)
    options = PipelineOptions(["--direct_num_workers=1"])
    pipeline = beam.Pipeline(runner=FnApiRunner(), options=options)
    outputs = build_replay(pipeline, paths, cfg, progress_total=len(files) if progress else 0, tap=tap)
    write_outputs(outputs, out_dir)
    result = pipeline.run()
    result.wait_until_finish()
    counts = {name: 0 for name in COUNTERS}
    for counter in result.metrics().query(MetricsFilter().with_namespace("crosswire"))["counters"]:
        if counter.key.metric.name in counts:
            counts[counter.key.metric.name] += counter.committed or counter.attempted or 0
    alerts = read_jsonl(out_dir / "alerts.jsonl")
    return {
        "files": len(files),
        "items_read": counts["items_read"],
        "articles": len(read_jsonl(out_dir / "articles.jsonl")),
        "duplicates": counts["duplicates"],
        "dead_letters": len(read_jsonl(out_dir / "dead_letter.jsonl")),
        "empty_feeds": counts["empty_feeds"],
        "stories": len(read_jsonl(out_dir / "stories.jsonl")),
        "alerts": sum(1 for a in alerts if a.get("kind") == "alert"),
        "alert_updates": sum(1 for a in alerts if a.get("kind") == "update"),
        "files_read": counts["files_read"],
    }
