"""Flex Template entry point (``FLEX_TEMPLATE_PYTHON_PY_FILE``): build the live graph, submit, return.

The launcher passes the template parameters as ``--feeds=... --alerts_topic=...`` plus
Dataflow's own flags; the job is submitted and this program exits (a launcher that waited
on a streaming job would never finish).

Workers run the template's own image: the Dockerfile records the image's name in
``CROSSWIRE_SDK_CONTAINER_IMAGE`` (``docker build --build-arg IMAGE=...``), and unless the
launch names another one, that becomes ``--sdk_container_image`` with
``--sdk_location=container``. Launcher and workers then have the same code and packages.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

IMAGE_ENV = "CROSSWIRE_SDK_CONTAINER_IMAGE"


def template_flags(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """The launcher's flags, plus the worker image from the environment when none was given."""
    flags = list(argv)
    image = environ.get(IMAGE_ENV, "").strip()
    given = {"--" + f[2:].split("=", 1)[0].replace("-", "_") for f in flags if f.startswith("--")}
    if image and "--sdk_container_image" not in given and "--worker_harness_container_image" not in given:
        flags.append(f"--sdk_container_image={image}")
        if "--sdk_location" not in given:
            flags.append("--sdk_location=container")
    return flags


def build(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> tuple[Any, dict[str, Any]]:
    """The streaming pipeline and its named outputs, built (not run) from the template's flags."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.config import load_config
    from pipeline.live import build_live
    from pipeline.options import CrosswireOptions

    options = PipelineOptions(template_flags(argv, environ), streaming=True)
    opts = options.view_as(CrosswireOptions)
    cfg = load_config(Path(opts.config_dir) if opts.config_dir else None, opts.lang_backend, opts.tracked)
    pipeline = beam.Pipeline(options=options)
    outputs = build_live(pipeline, cfg, options)
    return pipeline, outputs


def main(argv: Sequence[str] | None = None) -> None:
    pipeline, _ = build(list(argv if argv is not None else sys.argv[1:]))
    pipeline.run()


if __name__ == "__main__":
    main()
