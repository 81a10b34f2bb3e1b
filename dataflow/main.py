"""Flex Template entry point (``FLEX_TEMPLATE_PYTHON_PY_FILE``): build the live graph, submit, return.

The launcher passes the template parameters as ``--feeds=... --alerts_topic=...`` plus
Dataflow's own flags; the job is submitted and this program exits (a launcher that waited
on a streaming job would never finish).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> None:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.config import load_config
    from pipeline.live import build_live
    from pipeline.options import CrosswireOptions

    options = PipelineOptions(list(argv if argv is not None else sys.argv[1:]), streaming=True)
    opts = options.view_as(CrosswireOptions)
    cfg = load_config(Path(opts.config_dir) if opts.config_dir else None, opts.lang_backend, opts.tracked)
    pipeline = beam.Pipeline(options=options)
    build_live(pipeline, cfg, options)
    pipeline.run()


if __name__ == "__main__":
    main()
