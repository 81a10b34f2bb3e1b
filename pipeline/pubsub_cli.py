"""``crosswire topics init`` and ``crosswire subscribe``: set up and watch the alert topic.

Both talk to Pub/Sub with the official client, so ``PUBSUB_EMULATOR_HOST``
points them at an emulator (or the test fake) exactly as it does Beam.

``subscribe`` prints each alert once (see ``transforms.pubsub_io.version_key``:
a redelivery or re-publish has the same ``alert_id`` and is skipped, whatever its
links or evidence; an update that reaches a new language is printed as ``UPDATE``),
acknowledges after printing, and exits 0
on Ctrl-C, SIGTERM, ``--timeout`` or ``--max-messages``. Messages that are
filtered out, duplicate or undecodable are acknowledged too: a subscription
belongs to one reader, and leaving them would only have them redelivered.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any, TextIO

from transforms.pubsub_io import (
    AlertFilter,
    SeenIds,
    decode_alert,
    format_alert_line,
    version_key,
)

DEFAULT_ALERTS_TOPIC = "crosswire-alerts"
DEFAULT_SUBSCRIPTION = "crosswire-alerts-cli"
# Printing is instant: a short lease means a crashed reader's messages come back
# in ~10 s instead of the client's default 60 s.
LEASE_EXTENSION_S = 10


def resource_path(project: str, kind: str, name: str) -> str:
    """``name`` as ``projects/P/<kind>/name``; a full path is kept as given."""
    if name.startswith("projects/"):
        if f"/{kind}/" not in name:
            raise ValueError(f"expected projects/P/{kind}/NAME, got {name!r}")
        return name
    if not name or "/" in name:
        raise ValueError(f"bad {kind[:-1]} name {name!r}")
    return f"projects/{project}/{kind}/{name}"


def _split_csv(values: Sequence[str] | None) -> list[str]:
    """``--country MEX --country ECU,PER`` -> ``["MEX", "ECU", "PER"]``."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


# --- topics init -------------------------------------------------------------


def add_topics_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Mount ``topics init`` on a parent parser's sub-parsers; sets ``func``."""
    topics = subparsers.add_parser("topics", help="create the Pub/Sub topics and subscriptions")
    actions = topics.add_subparsers(dest="topics_command", required=True)
    init = actions.add_parser("init", help="create topics and subscriptions (idempotent)")
    init.add_argument("--project", required=True, help="Google Cloud project id")
    init.add_argument(
        "--alerts-topic",
        default=DEFAULT_ALERTS_TOPIC,
        help=f"topic the pipeline publishes alerts to (default {DEFAULT_ALERTS_TOPIC})",
    )
    init.add_argument(
        "--subscription",
        action="append",
        help=f"subscription(s) on the alerts topic; repeatable (default {DEFAULT_SUBSCRIPTION})",
    )
    init.add_argument("--input-topic", help="topic of raw articles for the live pipeline (optional)")
    init.add_argument(
        "--input-subscription",
        help="subscription on --input-topic that the pipeline reads (optional)",
    )
    init.add_argument("--ack-deadline", type=int, default=60, help="subscriptions' ack deadline, s (default 60)")
    init.set_defaults(func=run_topics_init)
    return topics


def run_topics_init(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Create what is missing; report what already existed. Exit code 0 or 1."""
    out = out or sys.stdout
    from google.api_core import exceptions
    from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

    project = args.project
    try:
        pairs: list[tuple[str, list[str]]] = [
            (
                resource_path(project, "topics", args.alerts_topic),
                [
                    resource_path(project, "subscriptions", s)
                    for s in _split_csv(args.subscription) or [DEFAULT_SUBSCRIPTION]
                ],
            )
        ]
        if args.input_topic:
            subs = [args.input_subscription] if args.input_subscription else []
            pairs.append(
                (
                    resource_path(project, "topics", args.input_topic),
                    [resource_path(project, "subscriptions", s) for s in subs],
                )
            )
        elif args.input_subscription:
            raise ValueError("--input-subscription needs --input-topic")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    publisher = PublisherClient()
    subscriber = SubscriberClient()
    try:
        for topic, subscriptions in pairs:
            try:
                publisher.create_topic(name=topic)
                print(f"created topic        {topic}", file=out)
            except exceptions.AlreadyExists:
                print(f"exists  topic        {topic}", file=out)
            for sub in subscriptions:
                try:
                    subscriber.create_subscription(name=sub, topic=topic, ack_deadline_seconds=args.ack_deadline)
                    print(f"created subscription {sub}", file=out)
                except exceptions.AlreadyExists:
                    print(f"exists  subscription {sub}", file=out)
    except exceptions.GoogleAPICallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        subscriber.close()
        publisher.stop()
    return 0


# --- subscribe ---------------------------------------------------------------


def add_subscribe_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Mount ``subscribe`` on a parent parser's sub-parsers; sets ``func``."""
    sub = subparsers.add_parser("subscribe", help="print alerts as they arrive")
    sub.add_argument(
        "--subscription",
        required=True,
        help="projects/P/subscriptions/S (see `crosswire topics init`)",
    )
    sub.add_argument(
        "--country",
        action="append",
        help="only alerts with this actor or target (ISO alpha-3); repeatable or comma-separated",
    )
    sub.add_argument(
        "--action",
        action="append",
        help="only this action type, CAMEO or PLOVER code; repeatable or comma-separated",
    )
    sub.add_argument(
        "--basis",
        action="append",
        choices=("single_source", "corroborated"),
        help="only alerts on this basis: one confident report, or two outlets or languages agreeing; repeatable",
    )
    sub.add_argument("--json", action="store_true", help="print JSON lines instead of text")
    sub.add_argument("--max-messages", type=int, default=0, help="exit after printing N alerts (0: no limit)")
    sub.add_argument("--timeout", type=float, default=0.0, help="exit after SECONDS (0: run until Ctrl-C)")
    sub.add_argument(
        "--remember",
        type=int,
        default=100_000,
        help="alert versions remembered for de-duplication (default 100000)",
    )
    sub.set_defaults(func=run_subscribe)
    return sub


class AlertPrinter:
    """The streaming-pull callback: decode, filter, de-duplicate, print, ack.

    Runs on the client's callback threads, hence the lock. Once the quota of
    ``max_messages`` is printed, later messages are nacked (not lost).
    """

    def __init__(
        self,
        out: TextIO,
        alert_filter: AlertFilter,
        seen: SeenIds,
        as_json: bool = False,
        max_messages: int = 0,
        err: TextIO | None = None,
    ) -> None:
        self.out, self.err = out, err or sys.stderr
        self.alert_filter, self.seen = alert_filter, seen
        self.as_json, self.max_messages = as_json, max_messages
        self.printed = self.duplicates = self.filtered = self.invalid = 0
        self.done = threading.Event()
        self._lock = threading.Lock()

    def render(self, alert: dict[str, Any]) -> str:
        if self.as_json:
            return json.dumps(alert, ensure_ascii=False, sort_keys=True)
        return format_alert_line(alert)

    def __call__(self, message: Any) -> None:
        with self._lock:
            if self.done.is_set():
                message.nack()
                return
            try:
                alert = decode_alert(message.data)
            except ValueError as exc:
                self.invalid += 1
                print(f"warning: skipped message {message.message_id}: {exc}", file=self.err)
                message.ack()
                return
            if not self.alert_filter(alert):
                self.filtered += 1
                message.ack()
                return
            key = version_key(alert)
            if key in self.seen:
                self.duplicates += 1
                message.ack()
                return
            try:
                print(self.render(alert), file=self.out, flush=True)
            except BrokenPipeError:  # `crosswire subscribe | head`
                message.nack()
                self.done.set()
                return
            self.seen.check_and_add(key)
            message.ack()
            self.printed += 1
            if self.max_messages and self.printed >= self.max_messages:
                self.done.set()


def _stop_on_sigterm() -> None:
    """SIGTERM ends the subscriber like Ctrl-C does (only possible on the main thread)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def run_subscribe(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Streaming pull until Ctrl-C, ``--timeout`` or ``--max-messages``. Exit code 0 or 1."""
    out, err = out or sys.stdout, err or sys.stderr
    from google.api_core import exceptions
    from google.cloud.pubsub_v1 import SubscriberClient, types

    if not args.subscription.startswith("projects/") or "/subscriptions/" not in args.subscription:
        print("error: --subscription must be projects/P/subscriptions/S", file=err)
        return 1
    from pipeline.filters import filter_problems

    problems = filter_problems(_split_csv(args.country), _split_csv(args.action))
    for problem in problems:
        print(f"error: {problem}", file=err)
    if problems:
        return 2
    printer = AlertPrinter(
        out,
        AlertFilter.of(_split_csv(args.country), _split_csv(args.action), args.basis or ()),
        SeenIds(max_items=max(1, args.remember)),
        as_json=args.json,
        max_messages=max(0, args.max_messages),
        err=err,
    )
    subscriber = SubscriberClient()
    flow = types.FlowControl(max_messages=100, max_duration_per_lease_extension=LEASE_EXTENSION_S)
    future = subscriber.subscribe(args.subscription, printer, flow_control=flow, await_callbacks_on_shutdown=True)
    _stop_on_sigterm()
    deadline = time.monotonic() + args.timeout if args.timeout > 0 else None
    code = 0
    try:
        while not printer.done.is_set() and not future.done():
            wait = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if wait <= 0:
                break
            printer.done.wait(wait)
    except KeyboardInterrupt:
        pass
    finally:
        future.cancel()
        try:
            future.result(timeout=30)
        except exceptions.NotFound:
            print(f"error: subscription not found: {args.subscription}", file=err)
            code = 1
        except exceptions.GoogleAPICallError as exc:
            print(f"error: {exc}", file=err)
            code = 1
        except futures.CancelledError:
            pass
        subscriber.close()
    print(
        f"{printer.printed} printed, {printer.duplicates} duplicates, "
        f"{printer.filtered} filtered out, {printer.invalid} invalid",
        file=err,
    )
    return code


# --- entry points --------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosswire")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_topics_parser(subparsers)
    add_subscribe_parser(subparsers)
    return parser


def topics_main(argv: Sequence[str] | None = None) -> int:
    """``crosswire topics ...`` with ``argv`` the arguments after ``topics``."""
    args = _parser().parse_args(["topics", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


def subscribe_main(argv: Sequence[str] | None = None) -> int:
    """``crosswire subscribe ...`` with ``argv`` the arguments after ``subscribe``."""
    args = _parser().parse_args(["subscribe", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipeline.pubsub_cli topics|subscribe ...`` (until ``crosswire`` mounts them)."""
    args = _parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
