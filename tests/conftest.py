"""Shared fixtures: paths, the shared corpora (skipped with a reason when absent), runners."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.fixture import browser  # noqa: F401  (session fixture)
from tests.pubsub.fixture import pubsub_emulator, pubsub_project  # noqa: F401  (session fixtures)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip saying why: a user's clone has no ../shared."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared comes with the project's workplace, not with a clone)")
    return path


@pytest.fixture(scope="session")
def config():
    from pipeline.config import load_config

    return load_config(ROOT / "configs")
