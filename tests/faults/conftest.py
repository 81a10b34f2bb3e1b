"""The fault suite opts into the local HTTP server fixture."""

from tests.http_fixture import feed_server  # noqa: F401
