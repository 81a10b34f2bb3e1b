"""Checks made before a live pipeline is built: each failure is one line that says what to do.

``crosswire run`` hands the flags it does not know to Beam, and Beam drops the ones it
does not know either (with a warning nobody sees): a misspelt ``--alert-topic`` would run
a pipeline that publishes nothing. Pub/Sub problems (no emulator, no credentials, no topic)
otherwise surface as long tracebacks from deep inside the client or the runner.
"""

from __future__ import annotations

import difflib
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EMULATOR_ENV = "PUBSUB_EMULATOR_HOST"
TIMEOUT_S = 5.0


class PreflightError(RuntimeError):
    """A problem found before starting; the message is the one line shown to the user."""


@dataclass(frozen=True)
class Problem:
    """One failed check: what is wrong and what to do about it."""

    what: str
    fix: str

    def line(self) -> str:
        return f"{self.what}: {self.fix}"


# --- flags -----------------------------------------------------------------------


def beam_flag_parser():  # type: ignore[no-untyped-def]
    """Beam's parser with every PipelineOptions subclass loaded (Beam's own and Crosswire's)."""
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

    import pipeline.options  # noqa: F401 - registers CrosswireOptions

    parser = _BeamArgumentParser(allow_abbrev=False)
    seen: dict[str, type] = {}
    for cls in PipelineOptions.__subclasses__():
        seen.setdefault(str(cls), cls)
    for cls in seen.values():
        cls._add_argparse_args(parser)
    return parser


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``name``, hyphens and underscores alike; None when none is close."""
    folded = {c.replace("_", "-"): c for c in candidates}
    close = difflib.get_close_matches(name.replace("_", "-"), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def unknown_flags(args: Sequence[str], own: Iterable[str] = ()) -> list[Problem]:
    """Flags neither Crosswire nor Beam knows, each with the closest known spelling."""
    parser = beam_flag_parser()
    _, unknown = parser.parse_known_args(list(args))
    own = list(own)
    known = sorted({s for a in parser._actions for s in a.option_strings if s.startswith("--")})
    problems = []
    for arg in unknown:
        if not arg.startswith("-"):
            continue  # the value of an unknown flag: reported with its flag
        name = arg.split("=", 1)[0]
        close = closest(name, own) or closest(name, known)
        fix = f"did you mean {close}?" if close else "see `crosswire run --help` and Beam's pipeline options"
        problems.append(Problem(f"unknown flag {name}", fix))
    return problems


# --- Pub/Sub -----------------------------------------------------------------------


def emulator_problem(host: str) -> Problem | None:
    """The emulator at ``host:port`` accepts a TCP connection, or a Problem saying how to start one."""
    name, _, port = host.rpartition(":")
    try:
        with socket.create_connection((name.strip("[]") or "127.0.0.1", int(port)), timeout=TIMEOUT_S):
            return None
    except (OSError, ValueError) as exc:
        return Problem(
            f"no Pub/Sub emulator answers at {EMULATOR_ENV}={host} ({exc.__class__.__name__})",
            f"start one (`.cache/fakepubsub --port {port or 8085} &`, or `make demo`), or unset {EMULATOR_ENV} "
            "to use Google Cloud",
        )


def credentials_problem() -> Problem | None:
    """Application default credentials exist (Google Cloud without an emulator)."""
    try:
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError
    except ImportError:  # pragma: no cover - a dependency of google-cloud-pubsub
        return None
    try:
        google.auth.default()
    except DefaultCredentialsError:
        return Problem(
            f"no Google Cloud credentials and no {EMULATOR_ENV}",
            "run `gcloud auth application-default login`, or for a local emulator "
            f"`export {EMULATOR_ENV}=127.0.0.1:8085` (see README, Live mode)",
        )
    return None


def topic_problems(topic: str | None, subscription: str | None) -> list[Problem]:
    """The alerts topic (and the input subscription) exist; Pub/Sub answers within the timeout."""
    from google.api_core import exceptions
    from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

    problems: list[Problem] = []
    for path, kind in ((topic, "topics"), (subscription, "subscriptions")):
        if path and (not path.startswith("projects/") or f"/{kind}/" not in path or path.count("/") != 3):
            problems.append(Problem(f"bad Pub/Sub name {path!r}", f"write it as projects/PROJECT/{kind}/NAME"))
    if problems:
        return problems
    try:
        if topic:
            publisher = PublisherClient()
            try:
                publisher.get_topic(topic=topic, timeout=TIMEOUT_S)
            except exceptions.NotFound:
                project, name = topic.split("/")[1], topic.split("/")[3]
                problems.append(
                    Problem(
                        f"topic {topic} does not exist",
                        f"create it with `crosswire topics init --project {project} --alerts-topic {name}`",
                    )
                )
            finally:
                publisher.stop()
        if subscription:
            with SubscriberClient() as subscriber:
                try:
                    subscriber.get_subscription(subscription=subscription, timeout=TIMEOUT_S)
                except exceptions.NotFound:
                    project = subscription.split("/")[1]
                    problems.append(
                        Problem(
                            f"subscription {subscription} does not exist",
                            f"create it with `crosswire topics init --project {project} --input-topic TOPIC "
                            f"--input-subscription {subscription.split('/')[3]}`",
                        )
                    )
    except exceptions.PermissionDenied as exc:
        problems.append(
            Problem("Pub/Sub refused access", f"grant the Pub/Sub Editor role, or check the project ({exc.message})")
        )
    except (exceptions.GoogleAPICallError, exceptions.RetryError) as exc:
        where = os.environ.get(EMULATOR_ENV) or "pubsub.googleapis.com"
        problems.append(
            Problem(
                f"Pub/Sub at {where} did not answer ({exc.__class__.__name__})", "check the network or the emulator"
            )
        )
    return problems


def pubsub_problems(topic: str | None, subscription: str | None, local: bool) -> list[Problem]:
    """Emulator or credentials first (nothing else can work without them), then the topics.

    A local run always needs Pub/Sub (its feed poller publishes through a private topic).
    """
    if not topic and not subscription and not local:
        return []
    host = os.environ.get(EMULATOR_ENV)
    first = emulator_problem(host) if host and local else credentials_problem() if not host else None
    if first is not None:
        return [first]
    return topic_problems(topic, subscription)


def check_run(
    beam_args: Sequence[str],
    own_flags: Iterable[str],
    topic: str | None,
    subscription: str | None,
    local: bool,
) -> list[Problem]:
    """Everything ``crosswire run`` checks before building a pipeline, in the order worth fixing."""
    problems = unknown_flags(beam_args, own_flags)
    if problems:
        return problems
    return pubsub_problems(topic, subscription, local)
