"""Pipeline options: Crosswire's own flags beside Beam's, read with ``options.view_as``."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions


class CrosswireOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--config_dir", default=None, help="folder of YAML configuration (default: configs/)")
        parser.add_argument("--lang_backend", default="fasttext", choices=("fasttext", "lingua", "langdetect"))
        parser.add_argument(
            "--tracked", default=None, help="YAML file of tracked countries (default: configs/tracked.yaml)"
        )
        parser.add_argument("--feeds", default=None, help="YAML list of feeds to poll (live mode)")
        parser.add_argument("--out", default=None, help="folder for JSONL outputs")
        parser.add_argument(
            "--output_prefix",
            default=None,
            help="streaming: write articles, stories, alerts and dead letters as windowed JSONL files under "
            "this prefix (gs://B/crosswire on Dataflow)",
        )
        parser.add_argument("--alerts_topic", default=None, help="Pub/Sub topic for alerts: projects/P/topics/T")
        parser.add_argument(
            "--input_subscription", default=None, help="Pub/Sub subscription of article JSON from another crawler"
        )
        parser.add_argument(
            "--state_dir",
            default=None,
            help="where a local run keeps what must survive a restart (default: OUT/.state, else ~/.local/state)",
        )
