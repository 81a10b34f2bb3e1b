"""The ``crosswire`` command: replay files, run live, manage and read Pub/Sub alerts."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def quiet_imports() -> None:
    """Keep the user's terminal clean of import-time noise from Beam's optional GCP parts."""
    warnings.filterwarnings("ignore", message=".*apitools.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    for name in ("apache_beam", "apache_beam.io.gcp", "apache_beam.io.filesystems"):
        logging.getLogger(name).setLevel(logging.ERROR)


def add_replay_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "replay",
        help="replay feed files and folders through the pipeline",
        description="Read RSS/Atom feed files (and plain-text articles) and write JSONL outputs to --out.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="feed files, .txt articles, or folders of them")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--quiet", action="store_true", help="print only the summary line")
    p.add_argument(
        "--all", action="store_true", help="list every story and alert (default: 10 largest stories, 30 latest alerts)"
    )
    p.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes for per-article work (default: every core)"
    )
    add_config_args(p)
    p.set_defaults(func=replay_main)


def add_config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config-dir", type=Path, default=None, help="configuration folder (default: configs/)")
    p.add_argument("--tracked", default=None, help="YAML file of tracked countries (local or gs://)")
    p.add_argument("--lang-backend", default="fasttext", choices=("fasttext", "lingua", "langdetect"))


def load_config_from(args: argparse.Namespace, compile_patterns: bool = True) -> Any:
    from pipeline.config import load_config

    return load_config(args.config_dir, args.lang_backend, args.tracked, compile_patterns)


def replay_main(args: argparse.Namespace) -> int:
    from pipeline.replay import run_replay
    from pipeline.summary import Digest, print_summary

    cfg = load_config_from(args, compile_patterns=False)  # the replay compiles them beside its parsing
    started = time.monotonic()
    digest = None if args.quiet else Digest(everything=args.all)
    if sys.stderr.isatty() and not args.quiet:  # a live display; never in a pipe, a file or CI
        from pipeline.progress import ReplayProgress
        from transforms.feeds import list_input_files

        with ReplayProgress(len(list_input_files(args.paths)[0])) as display:
            summary = run_replay(args.paths, args.out, cfg, progress=display.add, workers=args.workers, digest=digest)
    else:
        summary = run_replay(args.paths, args.out, cfg, workers=args.workers, digest=digest)
    if digest is not None:
        from pipeline.tables import print_dead_letters

        print_dead_letters(args.out, sys.stderr)
        print_summary(digest, sys.stdout)
    summary["seconds"] = round(time.monotonic() - started, 1)
    print(
        "replay: {files} files, {items_read} items read, {articles} articles, {duplicates} duplicates, "
        "{dead_letters} dead letters, {empty_feeds} feeds with no items, {stories} stories, "
        "{alerts} alerts, {seconds} s -> {out}".format(out=args.out, **summary)
    )
    if summary["files"] == 0 or (summary["items_read"] == 0 and summary["empty_feeds"] == 0):
        print("crosswire: nothing could be read from the given paths", file=sys.stderr)
        return 1
    return 0


def add_run_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "run",
        help="run the live streaming pipeline: poll feeds (or read a subscription) and publish alerts",
        description="Poll feeds on their own intervals and publish alerts; other flags go to Beam "
        "(e.g. --runner DataflowRunner --project P --region R --temp_location gs://B/tmp).",
    )
    p.add_argument("--feeds", type=Path, default=None, help="YAML list of feeds (default: configs/feeds.yaml)")
    p.add_argument("--alerts-topic", default=None, metavar="projects/P/topics/T")
    p.add_argument("--input-subscription", default=None, metavar="projects/P/subscriptions/S")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="also append JSONL outputs here (local)")
    p.add_argument(
        "--output-prefix",
        default=None,
        metavar="gs://B/PATH",
        help="durable outputs (Dataflow): windowed JSONL files of articles, stories, alerts, dead letters",
    )
    add_config_args(p)
    p.set_defaults(func=run_main, beam_args=[])


RUN_FLAGS = (
    "--feeds",
    "--alerts-topic",
    "--input-subscription",
    "--out",
    "--output-prefix",
    "--config-dir",
    "--tracked",
    "--lang-backend",
)


def run_main(args: argparse.Namespace) -> int:
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.live import is_local, run_live
    from pipeline.preflight import check_run

    flags = list(args.beam_args)
    for name in ("feeds", "alerts_topic", "input_subscription", "out", "output_prefix"):
        value = getattr(args, name)
        if value is not None:
            flags.append(f"--{name}={value}")
    options = PipelineOptions(flags, streaming=True, save_main_session=False)
    problems = check_run(args.beam_args, RUN_FLAGS, args.alerts_topic, args.input_subscription, is_local(options))
    for problem in problems:
        print(f"crosswire run: {problem.line()}", file=sys.stderr)
    if problems:
        return 2
    cfg = load_config_from(args)
    return run_live(cfg, options)


def package_version() -> str:
    """The installed distribution's version (``setup.py``), or 'unknown' when run from a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crosswire")
    except PackageNotFoundError:
        return "unknown"


def add_report_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="write an HTML page, an Atom feed of alerts and CSV from a replay's (or run's) --out folder",
        description="Read OUT_DIR/*.jsonl and write index.html, alerts.atom, alerts.csv, stories.csv and "
        "articles.csv into OUT_DIR/report (or --dest).",
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the --out folder of `crosswire replay` or `run`")
    p.add_argument("--dest", type=Path, default=None, metavar="DIR", help="where to write (default OUT_DIR/report)")
    p.set_defaults(func=report_main)


def report_main(args: argparse.Namespace) -> int:
    from pipeline.report import write_report

    try:
        done = write_report(args.out_dir, args.dest)
    except FileNotFoundError as exc:
        print(f"crosswire report: {exc}", file=sys.stderr)
        return 1
    print(
        f"report: {done['alerts']} alerts, {done['stories']} stories, {done['articles']} articles -> "
        f"{done['dest'] / 'index.html'} (also {', '.join(done['files'][1:])})"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crosswire", description="Multilingual news monitoring: stories and diplomatic-action alerts."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    add_replay_parser(sub)
    add_run_parser(sub)
    add_report_parser(sub)
    from pipeline.pubsub_cli import add_subscribe_parser, add_topics_parser

    add_topics_parser(sub)
    add_subscribe_parser(sub)
    return parser


def unknown_arguments(parser: argparse.ArgumentParser, command: str, extra: list[str]) -> str:
    """``unrecognized arguments: --countr (did you mean --country?)`` for a sub-command's flags."""
    from pipeline.preflight import closest

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    known = [s for action in sub._actions for s in action.option_strings if s.startswith("--")]
    words = []
    for arg in extra:
        close = closest(arg.split("=", 1)[0], known) if arg.startswith("--") else None
        words.append(f"{arg} (did you mean {close}?)" if close else arg)
    return f"unrecognized arguments: {' '.join(words)}"


def main(argv: Sequence[str] | None = None) -> int:
    quiet_imports()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":  # run hands them to Beam, and its preflight checks them
        parser.error(unknown_arguments(parser, args.command, extra))
    if args.command == "run":
        args.beam_args = extra
    from pipeline.config import ConfigError

    try:
        return int(args.func(args))
    except ConfigError as e:
        print(f"crosswire: configuration error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("crosswire: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
