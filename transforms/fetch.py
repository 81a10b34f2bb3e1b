"""Polite HTTP polling of feeds: conditional GET, limits, retries, per-host spacing.

We fetch the bytes ourselves and hand them to the parser (feedparser would
otherwise fetch with its own defaults): our User-Agent, connect and read
timeouts, a body-size cap, ETag / Last-Modified so an unchanged feed costs one
304, bounded retries with exponential backoff, and a minimum interval between
requests to one host.

``PollFeeds`` is the live source: a ``PeriodicImpulse`` tick fans out to every
feed; a stateful DoFn keyed by feed URL keeps its ``FeedState`` between polls
and fetches only feeds that are due, so each feed keeps its own interval.

Runners: ``PeriodicImpulse`` runs on Dataflow and, locally, on the
``FnApiRunner`` (live, but with batch watermarks: event-time timers fire as soon
as an element is in). The ``BundleBasedDirectRunner`` cannot run it (streaming:
"GroupByKey ... was not replaced"; batch: "OffsetRestrictionTracker is not
done"), and ``DirectRunner`` would try to download Prism first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import apache_beam as beam
import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.response
from apache_beam.coders import PickleCoder
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.periodicsequence import PeriodicImpulse
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import MAX_TIMESTAMP, Timestamp

from transforms.records import DeadLetter

USER_AGENT = "Crosswire/0.1 (+https://github.com/crosswire-news/crosswire)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
# Cloud metadata services: never a feed, whatever the network rules say.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
DEAD = "dead_letter"
FETCHED = "fetched"


# --- records -----------------------------------------------------------------


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently we fetch. One per pipeline, passed in at launch."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0  # per socket read
    total_timeout_s: float = 60.0  # whole attempt, headers and body: stops a server that drips bytes forever
    max_bytes: int = 10_000_000  # decoded body
    retries: int = 2  # after the first attempt
    backoff_s: float = 1.0  # first retry delay; doubles each retry
    backoff_max_s: float = 30.0
    min_host_interval_s: float = 1.0  # between two requests to one host
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    chunk_bytes: int = 64 * 1024
    # Loopback, private, link-local and metadata addresses are refused unless allowed
    # (here for every feed, or per feed with ``allow_private: true`` in feeds.yaml).
    allow_private: bool = False


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch (after retries). ``body`` only for a 200."""

    url: str
    status: int | None
    body: bytes | None
    etag: str | None
    last_modified: str | None
    fetched_at: float
    error: str | None = None
    not_modified: bool = False
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None


@dataclass(frozen=True)
class FeedState:
    """What we remember about one feed between polls (kept by the caller)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: float | None = None  # epoch seconds of the last attempt
    last_status: int | None = None
    failures: int = 0  # consecutive failed polls

    def after(self, result: FetchResult) -> FeedState:
        """The state after a fetch: new validators on 200/304, one more failure on error."""
        if result.error is not None:
            return dataclasses.replace(
                self, last_fetch=result.fetched_at, last_status=result.status, failures=self.failures + 1
            )
        if result.not_modified:  # a 304 may refresh the validators; keep ours when it does not
            return dataclasses.replace(
                self,
                etag=result.etag or self.etag,
                last_modified=result.last_modified or self.last_modified,
                last_fetch=result.fetched_at,
                last_status=result.status,
                failures=0,
            )
        return FeedState(self.url, result.etag, result.last_modified, result.fetched_at, result.status, 0)


# --- pure functions ------------------------------------------------------------


def conditional_headers(state: FeedState | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the server told us last time."""
    headers: dict[str, str] = {}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def backoff_delay(retry: int, base_s: float, cap_s: float) -> float:
    """Delay before retry number ``retry`` (1, 2, ...): base, 2 x base, 4 x base ... up to cap."""
    return float(min(cap_s, base_s * (2 ** max(0, retry - 1))))


def retry_after_s(value: str | None, now: float) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from ``now``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def poll_interval_s(interval_s: float, failures: int, max_factor: int = 16) -> float:
    """A failing feed is polled less often: interval x 2^failures, at most x ``max_factor``."""
    return interval_s * min(max_factor, 2**failures)


def is_due(state: FeedState | None, interval_s: float, now: float) -> bool:
    if state is None or state.last_fetch is None:
        return True
    return now >= state.last_fetch + poll_interval_s(interval_s, state.failures)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class BodyTooLarge(Exception):
    pass


class HostThrottle:
    """At least ``min_interval_s`` between two requests to one host (thread-safe).

    Callers reserve the next free slot under the lock and sleep outside it, so
    concurrent fetchers to one host queue up at the right spacing.
    """

    def __init__(
        self,
        min_interval_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval_s = min_interval_s
        self.clock, self.sleep = clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until ``host`` may be contacted; return the seconds waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.min_interval_s
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return delay


class Refused(Exception):
    """A URL or an address we will not fetch (server-side request forgery guard)."""


def address_problem(ip: str) -> str | None:
    """Why an IP address must not be fetched from (None: a public address)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"unparsable address {ip!r}"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr in METADATA_ADDRESSES:
        return "cloud metadata address"
    for name, flag in (
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("private", addr.is_private),
        ("unspecified", addr.is_unspecified),
        ("multicast", addr.is_multicast),
        ("reserved", addr.is_reserved),
    ):
        if flag:
            return f"{name} address"
    return None


def check_url(url: str, allow_private: bool, resolve: Callable[..., Any] = socket.getaddrinfo) -> None:
    """Raise ``Refused`` for a host that resolves to a refused address (requests rejects other schemes)."""
    parts = urlsplit(url)
    if allow_private or parts.scheme not in ("http", "https") or not parts.hostname:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = resolve(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        return  # unresolvable: the request itself fails with a connection error
    for info in infos:
        problem = address_problem(str(info[4][0]))
        if problem:
            raise Refused(f"refused: {parts.hostname} resolves to {info[4][0]} ({problem})")


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket under a streamed response (urllib3 2), or None."""
    conn = getattr(response.raw, "_connection", None)
    sock = getattr(conn, "sock", None)
    if not isinstance(sock, socket.socket):  # http.client let go of it ("Connection: close")
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def check_peer(response: requests.Response, allow_private: bool) -> None:
    """After DNS resolution and connect: the address really connected to (DNS rebinding)."""
    if allow_private:
        return
    sock = _socket_of(response)
    if sock is None:
        return
    try:
        peer = str(sock.getpeername()[0])
    except OSError:
        return
    problem = address_problem(peer)
    if problem:
        raise Refused(f"refused: connected to {peer} ({problem})")


class _Watchdog:
    """Shuts an attempt's socket down at a deadline or when ``cancel`` is set.

    A blocking read sees only its own per-read timeout; a server that drips a byte
    every few seconds, of its headers or of its body, never trips it. Shutting the
    socket from another thread makes the read fail at once, so the deadline is a
    total one for the whole attempt and a stop is prompt. The socket is the one
    ``_WatchedConnection`` registers before it waits for the status line.
    """

    def __init__(self, seconds: float, cancel: threading.Event | None) -> None:
        self.sock: socket.socket | None = None
        self.end = time.monotonic() + seconds
        self.cancel = cancel
        self.done = threading.Event()
        self.fired: str | None = None
        self.thread = threading.Thread(target=self._watch, name="fetch-deadline", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.is_set():
            left = self.end - time.monotonic()
            if self.cancel is not None and self.cancel.is_set():
                self.fired = "stopped"
            elif left <= 0:
                self.fired = "deadline"
            if self.fired:
                if self.sock is not None:
                    with contextlib.suppress(OSError):
                        self.sock.shutdown(socket.SHUT_RDWR)
                return
            self.done.wait(min(max(left, 0.0), 0.1))

    def watch(self, sock: socket.socket | None) -> None:
        """The socket to shut; one that arrives after the deadline is shut at once."""
        if sock is None:
            return
        self.sock = sock
        if self.fired:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.done.set()


_attempt = threading.local()  # .watchdog: the current thread's attempt, seen by its connections


class _WatchedConnection(urllib3.connection.HTTPConnection):
    """Hands its socket to the attempt's watchdog before waiting for the answer."""

    def getresponse(self) -> urllib3.response.BaseHTTPResponse:  # type: ignore[override]
        watchdog = getattr(_attempt, "watchdog", None)
        if watchdog is not None and isinstance(self.sock, socket.socket):
            watchdog.watch(self.sock)
        return super().getresponse()  # type: ignore[return-value]


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    getresponse = _WatchedConnection.getresponse  # type: ignore[assignment]


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """Connections whose sockets the deadline can reach while headers still arrive."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _read_body(response: requests.Response, policy: FetchPolicy, started: float) -> bytes:
    """The decoded body in chunks, stopping past ``max_bytes`` or ``total_timeout_s``."""
    length = response.headers.get("Content-Length", "")
    encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    if length.isdigit() and not encoded and int(length) > policy.max_bytes:
        raise BodyTooLarge(f"body over {policy.max_bytes} bytes (Content-Length {length})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=policy.chunk_bytes):  # gzip/deflate decoded here
        size += len(chunk)
        if size > policy.max_bytes:
            raise BodyTooLarge(f"body over {policy.max_bytes} bytes")
        if time.monotonic() - started > policy.total_timeout_s:
            raise requests.exceptions.Timeout(f"answer not complete after {policy.total_timeout_s:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in str(exc).lower():
        return f"read timeout: {exc}" if str(exc) else "read timeout"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"connection error: {exc}"
    return f"{type(exc).__name__}: {exc}"


def new_session(policy: FetchPolicy) -> requests.Session:
    session = requests.Session()
    session.max_redirects = policy.max_redirects
    session.headers.update({"User-Agent": policy.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"})
    for prefix in ("http://", "https://"):
        session.mount(prefix, _WatchedAdapter())
    return session


def origin_of(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def _get(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    policy: FetchPolicy,
    allow_private: bool,
) -> requests.Response:
    """GET ``url``, following redirects by hand so that every hop is checked (``Refused``).

    ``allow_private`` (a feed marked allowed) covers the feed's own origin only: a redirect
    elsewhere (another internal port, the metadata service) is checked like any URL.
    ``policy.allow_private`` allows everything.
    """
    seen = 0
    feed_origin = origin_of(url)
    while True:
        allowed = policy.allow_private or (allow_private and origin_of(url) == feed_origin)
        check_url(url, allowed)
        response = session.get(
            url,
            headers=headers,
            timeout=(policy.connect_timeout_s, policy.read_timeout_s),
            stream=True,
            allow_redirects=False,
        )
        try:
            check_peer(response, allowed)
        except Refused:
            response.close()  # never read: a refused answer's body goes nowhere
            raise
        location = response.headers.get("Location")
        if response.status_code not in REDIRECT_STATUS or not location:
            return response
        response.close()
        seen += 1
        if seen > policy.max_redirects:
            raise requests.exceptions.TooManyRedirects(f"more than {policy.max_redirects} redirects")
        url = urljoin(url, location)


def fetch(
    url: str,
    state: FeedState | None = None,
    policy: FetchPolicy = FetchPolicy(),
    throttle: HostThrottle | None = None,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    allow_private: bool | None = None,
    cancel: threading.Event | None = None,
) -> FetchResult:
    """One polite conditional GET with bounded retries. Never raises for network trouble.

    Retries 408/425/429/5xx, timeouts and connection errors, waiting
    ``backoff_delay`` (or a longer ``Retry-After``); other 4xx, an oversized
    body, a bad URL or a refused address fail at once. ``total_timeout_s``
    bounds each attempt, headers and body, however slowly they arrive; ``cancel`` aborts
    at once (a stopping run). Redirects are followed by hand, each hop checked.
    """
    allow = policy.allow_private if allow_private is None else allow_private
    own_session = session is None
    session = session or new_session(policy)
    headers = conditional_headers(state if state is None or state.url == url else None)
    status: int | None = None
    error = "not attempted"
    attempt = 0
    try:
        for attempt in range(1, policy.retries + 2):
            if cancel is not None and cancel.is_set():
                error = "stopped before the fetch completed"
                break
            if throttle is not None:
                throttle.wait(host_of(url))
            started = time.monotonic()
            retry_hint: float | None = None
            watchdog = _attempt.watchdog = _Watchdog(policy.total_timeout_s, cancel)
            try:
                with _get(session, url, headers, policy, allow) as response:
                    status = response.status_code
                    etag = response.headers.get("ETag")
                    last_modified = response.headers.get("Last-Modified")
                    if status == 304:
                        return FetchResult(url, status, None, etag, last_modified, clock(), None, True, attempt)
                    if status == 200:
                        watchdog.watch(_socket_of(response))  # a proxy's pool does not register it
                        try:
                            body = _read_body(response, policy, started)
                        except (requests.exceptions.RequestException, OSError):
                            if watchdog.fired is None:
                                raise
                        # A shut-down socket may read as a clean end of a body without a length:
                        # whatever the read returned, a fired watchdog means the body is partial.
                        if watchdog.fired == "deadline":
                            raise requests.exceptions.Timeout(f"answer not complete after {policy.total_timeout_s:g} s")
                        if watchdog.fired == "stopped":
                            raise requests.exceptions.ConnectionError("stopped")
                        return FetchResult(url, status, body, etag, last_modified, clock(), None, False, attempt)
                    error = f"HTTP {status}"
                    if status not in RETRYABLE_STATUS:
                        break
                    retry_hint = retry_after_s(response.headers.get("Retry-After"), clock())
            except Refused as exc:
                status, error = None, str(exc)
                break
            except BodyTooLarge as exc:
                error = str(exc)
                break
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema,
            ) as exc:
                error = f"bad url: {exc}"
                break
            except requests.exceptions.TooManyRedirects as exc:
                error = _describe(exc)
                break
            except (requests.exceptions.RequestException, OSError) as exc:
                status, error = None, _describe(exc)
                if watchdog.fired == "stopped":
                    error = "stopped before the fetch completed"
                    break
                if watchdog.fired == "deadline" and "not complete after" not in error:  # cut while reading headers
                    error = f"read timeout: answer not complete after {policy.total_timeout_s:g} s"
            finally:
                watchdog.close()
                _attempt.watchdog = None
            if attempt <= policy.retries:
                delay = backoff_delay(attempt, policy.backoff_s, policy.backoff_max_s)
                wait_s = min(policy.backoff_max_s, max(delay, retry_hint or 0.0))
                if cancel is not None:
                    if cancel.wait(wait_s):
                        error = "stopped before the fetch completed"
                        break
                else:
                    sleep(wait_s)
    finally:
        if own_session:
            session.close()
    return FetchResult(url, status, None, None, None, clock(), error, False, attempt)


def normalise_feeds(feeds: Iterable[Mapping[str, Any]], default_interval_s: float = 300.0) -> list[tuple[str, float]]:
    """``[{url, interval_s | interval_seconds}]`` -> ``[(url, seconds)]``; ValueError on bad entries."""
    out: dict[str, float] = {}
    for feed in feeds:
        url = str(feed.get("url") or "").strip()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise ValueError(f"feed url must be http(s)://host/...: {url!r}")
        given = feed.get("interval_s", feed.get("interval_seconds"))
        interval = float(default_interval_s if given is None else given)
        if not interval > 0:
            raise ValueError(f"feed interval must be positive: {url} {interval}")
        out[url] = interval  # a URL listed twice is polled once, with its last interval
    return sorted(out.items())


def private_allowed(feeds: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The feed URLs marked ``allow_private: true`` (an intranet feed, a test server)."""
    return frozenset(str(f.get("url") or "").strip() for f in feeds if f.get("allow_private") is True)


class FeedPoller:
    """Polls feeds on their own intervals outside Beam: the source of local live runs.

    The FnApiRunner runs ``PollFeeds`` live but hands its output downstream only
    once the impulse stops, so a local ``crosswire run`` polls here instead and
    publishes what it reads to Pub/Sub (see ``pipeline.live.LocalFeedBridge``).
    Same ``fetch``, ``FeedState`` and back-off as ``PollFeedFn``. Feeds are
    fetched concurrently and each result is handed on as soon as it is in
    (``start_due``), so one slow feed never holds up another; ``close()``
    aborts fetches still running (their feeds are simply fetched next time).
    """

    def __init__(
        self,
        feeds: Iterable[tuple[str, float]],
        policy: FetchPolicy = FetchPolicy(),
        clock: Callable[[], float] = time.time,
        workers: int = 8,
        allowed: Iterable[str] = (),
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.feeds = list(feeds)
        self.policy, self.clock = policy, clock
        self.allowed = frozenset(allowed)
        self.states: dict[str, FeedState] = {}
        self.throttle = HostThrottle(policy.min_host_interval_s)
        self.cancel = threading.Event()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[FetchResult]] = {}
        self._pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(self.feeds))), thread_name_prefix="poll")

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = new_session(self.policy)
            with self._lock:
                self._sessions.append(session)
        return session

    def _poll_one(self, url: str) -> FetchResult:
        state = self.states.get(url) or FeedState(url)
        allow = self.policy.allow_private or url in self.allowed
        result = fetch(url, state, self.policy, self.throttle, self._session(), allow_private=allow, cancel=self.cancel)
        if not self.cancel.is_set():
            self.states[url] = state.after(result)
        return result

    def due(self, now: float | None = None) -> list[str]:
        now = self.clock() if now is None else now
        with self._lock:
            busy = set(self._inflight)
        return [url for url, interval in self.feeds if url not in busy and is_due(self.states.get(url), interval, now)]

    def poll_due(self) -> list[FetchResult]:
        """Fetch every feed that is due, concurrently; results in feed order."""
        return list(self._pool.map(self._poll_one, self.due()))

    def start_due(self, on_result: Callable[[FetchResult], None]) -> int:
        """Start fetching every due feed not already being fetched; ``on_result`` gets each
        result (on a pool thread) as soon as it is in. Returns how many were started."""
        started = 0
        for url in self.due():
            with self._lock:
                if url in self._inflight or self.cancel.is_set():
                    continue
                future = self._pool.submit(self._poll_one, url)
                self._inflight[url] = future
            started += 1

            def done(fut: Future[FetchResult], url: str = url) -> None:
                try:
                    if not fut.cancelled() and fut.exception() is None:
                        result = fut.result()
                        if not (self.cancel.is_set() and result.error == "stopped before the fetch completed"):
                            on_result(result)
                finally:
                    with self._lock:
                        self._inflight.pop(url, None)

            future.add_done_callback(done)
        return started

    def in_flight(self) -> int:
        with self._lock:
            return len(self._inflight)

    def seconds_to_next(self, now: float | None = None) -> float:
        """How long until the next feed is due (0 when one already is)."""
        now = self.clock() if now is None else now
        waits = []
        for url, interval in self.feeds:
            state = self.states.get(url)
            if state is None or state.last_fetch is None:
                return 0.0
            waits.append(state.last_fetch + poll_interval_s(interval, state.failures) - now)
        return max(0.0, min(waits))

    def close(self, wait_s: float = 5.0) -> None:
        """Abort the fetches still running and wait (at most about ``wait_s``) for their threads."""
        self.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + wait_s
        while self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()


# --- Beam ----------------------------------------------------------------------


class PollFeedFn(beam.DoFn):
    """Keyed by feed URL: on each tick, fetch the feed if due, remembering its ``FeedState``.

    Outputs ``(url, body, fetched_at)`` stamped with the fetch time for a 200;
    a 304 outputs nothing; errors go to the ``dead_letter`` output.
    """

    FEED_STATE = ReadModifyWriteStateSpec("feed_state", PickleCoder())

    # One throttle per worker process: politeness across all keys on this worker.
    _throttles: dict[float, HostThrottle] = {}
    _throttles_lock = threading.Lock()

    def __init__(self, policy: FetchPolicy, allowed: Iterable[str] = ()) -> None:
        self.policy = policy
        self.allowed = frozenset(allowed)
        self.fetched = Metrics.counter("crosswire", "feeds_fetched")
        self.not_modified = Metrics.counter("crosswire", "feeds_not_modified")
        self.failed = Metrics.counter("crosswire", "feed_fetch_errors")
        self.bytes = Metrics.counter("crosswire", "feed_bytes")

    def setup(self) -> None:
        with PollFeedFn._throttles_lock:
            self.throttle = PollFeedFn._throttles.setdefault(
                self.policy.min_host_interval_s, HostThrottle(self.policy.min_host_interval_s)
            )
        self.session = new_session(self.policy)

    def teardown(self) -> None:
        self.session.close()

    def process(
        self,
        element: tuple[str, float],
        feed_state: Any = beam.DoFn.StateParam(FEED_STATE),
    ) -> Iterator[Any]:
        url, interval_s = element
        state: FeedState | None = feed_state.read()
        if not is_due(state, interval_s, time.time()):
            return
        allow = self.policy.allow_private or url in self.allowed
        result = fetch(url, state or FeedState(url), self.policy, self.throttle, self.session, allow_private=allow)
        feed_state.write((state or FeedState(url)).after(result))
        if result.error is not None:
            self.failed.inc()
            yield TaggedOutput(DEAD, DeadLetter.of(url, "fetch", result.error))
        elif result.not_modified:
            self.not_modified.inc()
        elif result.body is not None:
            self.fetched.inc()
            self.bytes.inc(len(result.body))
            yield TimestampedValue((url, result.body, result.fetched_at), result.fetched_at)


@dataclass(frozen=True)
class _Fanout:
    feeds: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    def __call__(self, tick: Any) -> list[tuple[str, float]]:
        return list(self.feeds)


class PollFeeds(beam.PTransform):
    """Poll feeds forever (or until ``stop_timestamp``), each on its own interval.

    ``feeds``: ``[{"url": ..., "interval_s": ...}]`` (``interval_seconds`` works too).
    One ``PeriodicImpulse`` ticks every ``tick_s`` (default: the shortest feed
    interval, between 1 and 60 s); the graph does not depend on the feed list,
    so labels stay stable for Dataflow ``--update``.

    Returns ``{"fetched": (url, body, fetched_at), "dead_letter": DeadLetter}``.
    Politeness (``min_host_interval_s``) holds per worker process.
    """

    def __init__(
        self,
        feeds: Iterable[Mapping[str, Any]],
        policy: FetchPolicy = FetchPolicy(),
        default_interval_s: float = 300.0,
        tick_s: float | None = None,
        start_timestamp: float | None = None,
        stop_timestamp: float | None = None,
    ) -> None:
        super().__init__()
        feeds = list(feeds)
        self.allowed = private_allowed(feeds)
        self.feeds = tuple(normalise_feeds(feeds, default_interval_s))
        if not self.feeds:
            raise ValueError("PollFeeds needs at least one feed")
        self.policy = policy
        shortest = min(interval for _, interval in self.feeds)
        self.tick_s = float(tick_s) if tick_s else min(60.0, max(1.0, shortest))
        self.start_timestamp = start_timestamp
        self.stop_timestamp = stop_timestamp

    def expand(self, pbegin: beam.pvalue.PBegin) -> dict[str, beam.PCollection]:
        start = Timestamp.of(self.start_timestamp if self.start_timestamp is not None else time.time())
        stop = Timestamp.of(self.stop_timestamp) if self.stop_timestamp is not None else MAX_TIMESTAMP
        polled = (
            pbegin
            | "Tick" >> PeriodicImpulse(start_timestamp=start, stop_timestamp=stop, fire_interval=self.tick_s)
            | "EveryFeed" >> beam.FlatMap(_Fanout(self.feeds)).with_output_types(tuple[str, float])
            | "Poll" >> beam.ParDo(PollFeedFn(self.policy, self.allowed)).with_outputs(DEAD, main=FETCHED)
        )
        return {FETCHED: polled[FETCHED], DEAD: polled[DEAD]}
