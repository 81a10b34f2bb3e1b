"""A Pub/Sub server for tests: the user's emulator, or Google's ``pstest`` fake.

``PUBSUB_EMULATOR_HOST`` wins when set (Google's emulator, for those with
gcloud). Otherwise we start the fake built by ``tests/pubsub/build.sh``
(``make install``) on a free port. A missing binary is a test failure, not a
skip: CI must exercise Pub/Sub.

Import the fixture from ``tests/conftest.py``::

    from tests.pubsub.fixture import pubsub_emulator, pubsub_project  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parents[2]
ENV_HOST = "PUBSUB_EMULATOR_HOST"
ENV_BINARY = "CROSSWIRE_FAKEPUBSUB"
READY_PREFIX = "fakepubsub ready on "
START_TIMEOUT_S = 15.0


def fake_binary() -> Path:
    """Where build.sh puts the fake (``$CROSSWIRE_FAKEPUBSUB`` overrides)."""
    if os.environ.get(ENV_BINARY):
        return Path(os.environ[ENV_BINARY])
    cache = Path(os.environ.get("CROSSWIRE_CACHE", REPO / ".cache"))
    return cache / "fakepubsub"


class FakePubsubError(RuntimeError):
    """The fake could not be found or started."""


@contextlib.contextmanager
def running_fake(binary: Path | None = None, timeout_s: float = START_TIMEOUT_S) -> Iterator[str]:
    """Start the fake on a free port; yield ``host:port``; stop it on exit."""
    binary = binary or fake_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise FakePubsubError(
            f"fake Pub/Sub server not built ({binary} missing). Run `make install` "
            f"(or tests/pubsub/build.sh), or set {ENV_HOST} to a running emulator."
        )
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        try:
            yield _wait_ready(proc, stderr, timeout_s)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()


def _wait_ready(proc: subprocess.Popen[bytes], stderr: IO[bytes], timeout_s: float) -> str:
    """Read the fake's ready line (it prints the port it really bound)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=0.1):
                line = proc.stdout.readline().decode("utf-8", "replace").strip()
                if line.startswith(READY_PREFIX):
                    return line[len(READY_PREFIX) :]
                if not line and proc.poll() is not None:
                    break
    stderr.seek(0)
    err = stderr.read()[-2000:]
    raise FakePubsubError(
        f"fake Pub/Sub server did not become ready in {timeout_s:.0f} s "
        f"(exit code {proc.poll()}): {err.decode('utf-8', 'replace')}"
    )


@pytest.fixture(scope="session")
def pubsub_emulator() -> Iterator[str]:
    """``host:port`` of a Pub/Sub emulator, exported as ``PUBSUB_EMULATOR_HOST``.

    The variable is set for the whole session once a test asks for this
    fixture: the Python client, Beam's Pub/Sub IO and subprocesses all read it.
    """
    existing = os.environ.get(ENV_HOST)
    if existing:
        yield existing
        return
    with contextlib.ExitStack() as stack:
        try:
            host = stack.enter_context(running_fake())
        except FakePubsubError as exc:
            pytest.fail(str(exc), pytrace=False)
        os.environ[ENV_HOST] = host
        try:
            yield host
        finally:
            os.environ.pop(ENV_HOST, None)


@pytest.fixture
def pubsub_project(pubsub_emulator: str) -> str:
    """A fresh project id per test, so tests sharing one server never collide."""
    return f"test-{uuid.uuid4().hex[:12]}"
