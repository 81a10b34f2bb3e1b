"""Feed ingestion: read files, parse entries, normalise them, drop duplicates.

Pure functions (bytes in, records out); their Beam DoFns and composites are in ``transforms.beam.feeds``.
Every input item ends as an ``Article``, a counted duplicate or a ``DeadLetter``.
"""

from __future__ import annotations

import calendar
import html
import io
import os
import re
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from w3lib.url import canonicalize_url

from transforms.records import Article, DeadLetter, stable_id

DEAD = "dead_letter"
DUPLICATE = "duplicate"
SOURCES = "sources"

MAX_FILE_BYTES = 20_000_000
MAX_ITEM_CHARS = 500_000
TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed"}

# Query parameters that only track a click; dropping them lets two links to one page compare equal.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"ocid|cmpid|ns_[a-z_]+|at_[a-z_]+|ito|spm|ref_src|smid|sr_share|taid)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RawFeed:
    """The bytes of one input file, as read."""

    source: str
    body: bytes
    fetched_ts: float  # the file's modification time (or the fetch time when polling)


@dataclass(frozen=True)
class Entry:
    """One parsed feed entry before normalisation; ``source`` and ``index`` keep input order for 'first wins'."""

    source: str
    feed: str
    index: int
    fields: dict[str, Any]
    feed_ts: float | None
    fetched_ts: float
    declared_lang: str = ""  # the entry's xml:lang, else the feed's <language>, as two letters


# ---------------------------------------------------------------------------------------------
# Reading


def list_input_files(paths: Iterable[str]) -> tuple[list[str], list[DeadLetter]]:
    """Expand files and folders (recursively) into a sorted list of readable input files.

    What cannot be read gets a dead letter rather than silence: a missing path, a folder
    that cannot be listed, a FIFO, socket or device (reading a FIFO would block forever).
    """
    files: list[str] = []
    missing: list[DeadLetter] = []

    def unlistable(err: OSError) -> None:
        missing.append(DeadLetter.of(str(err.filename or ""), "read", f"cannot list folder: {err.strerror or err}"))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, names in os.walk(path, onerror=unlistable):
                dirs.sort()
                for name in names:
                    child = Path(folder) / name
                    if name.startswith(".") or not _looks_like_input(child):
                        continue
                    if child.is_file():
                        files.append(str(child))
                    else:
                        missing.append(DeadLetter.of(str(child), "read", _not_regular(child)))
        elif path.is_file():
            files.append(str(path))
        elif path.exists() or path.is_symlink():
            missing.append(DeadLetter.of(str(path), "read", _not_regular(path)))
        else:
            missing.append(DeadLetter.of(str(path), "read", "no such file or folder"))
    return sorted(dict.fromkeys(files)), missing


def _not_regular(path: Path) -> str:
    """Why a path that is neither a folder nor a regular file is not read."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as e:
        return f"cannot read: {e.strerror or e}"  # a dangling symlink, a permission problem
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device or special file"
    return f"not a regular file ({kind}): not read"


def _looks_like_input(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in TEXT_SUFFIXES or suffix in FEED_SUFFIXES


def read_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> RawFeed | DeadLetter:
    """Read one file's bytes; too large or unreadable files become dead letters."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return DeadLetter.of(path, "read", f"file of {size} bytes is over the {max_bytes}-byte limit")
        with open(path, "rb") as f:
            body = f.read()
        return RawFeed(path, body, os.path.getmtime(path))
    except OSError as e:
        return DeadLetter.of(path, "read", f"cannot read: {e.strerror or e}")


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_feed(raw: RawFeed) -> tuple[list[Entry], list[DeadLetter]]:
    """Parse feed bytes with feedparser; keep what parsed, report what did not.

    feedparser is given a byte stream, never a string, so it cannot reach the network or the
    file system; it does not load external DTDs. A "bozo" feed keeps its parsed entries and
    adds one dead letter saying why it is ill-formed.
    """
    if Path(raw.source).suffix.lower() in TEXT_SUFFIXES:
        return parse_text_article(raw)
    if not raw.body.strip():
        return [], [DeadLetter.of(raw.source, "parse", "empty file")]
    wide = wide_encoding(raw.body)
    if wide is not None:
        raw = RawFeed(raw.source, to_utf8_xml(raw.body, wide), raw.fetched_ts)
    if _looks_binary(raw.body):
        return [], [DeadLetter.of(raw.source, "parse", "binary content, not a feed", raw.body[:80])]
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(raw.body), resolve_relative_uris=True, sanitize_html=True)
    except Exception as e:  # feedparser is meant never to raise; a crash is still only this file's
        return [], [DeadLetter.of(raw.source, "parse", f"feedparser failed: {type(e).__name__}: {e}", raw.body)]

    dead: list[DeadLetter] = []
    entries = parsed.get("entries") or []
    if parsed.get("bozo"):
        why = _bozo_reason(parsed.get("bozo_exception"))
        if not entries and not parsed.get("version"):
            return [], [DeadLetter.of(raw.source, "parse", f"not a readable feed: {why}", raw.body)]
        dead.append(
            DeadLetter.of(raw.source, "parse", f"ill-formed feed, {len(entries)} entries kept: {why}", raw.body)
        )
    elif not parsed.get("version") and not entries:
        return [], [DeadLetter.of(raw.source, "parse", "not a feed: no RSS or Atom root element", raw.body)]

    channel = parsed.get("feed") or {}
    feed_name = _clean_text(channel.get("title") or "") or Path(raw.source).stem
    feed_ts = _struct_to_ts(channel.get("updated_parsed") or channel.get("published_parsed"))
    feed_lang = declared_language(channel.get("language"))
    out = [
        Entry(raw.source, feed_name, i, dict(entry), feed_ts, raw.fetched_ts, entry_language(entry) or feed_lang)
        for i, entry in enumerate(entries)
    ]
    return out, dead


def declared_language(value: Any) -> str:
    """``en-US``, ``pt_BR``, ``DE`` -> two lower-case letters; anything else -> ''."""
    code = re.split(r"[-_\s]", str(value or "").strip(), maxsplit=1)[0].lower()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else ""


def entry_language(entry: Any) -> str:
    """The language an entry's own markup declares (xml:lang on its title or content)."""
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key) or {}
        code = declared_language(detail.get("language") if isinstance(detail, dict) else None)
        if code:
            return code
    return ""


def parse_text_article(raw: RawFeed) -> tuple[list[Entry], list[DeadLetter]]:
    """A plain-text file is one article: its first sentence is the title, the rest the body."""
    text = _decode_text(raw.body)
    if text is None:
        return [], [DeadLetter.of(raw.source, "parse", "binary content, not a text article", raw.body[:80])]
    text = text.strip()
    if not text:
        return [], [DeadLetter.of(raw.source, "parse", "empty file")]
    match = re.match(r"(.{20,300}?[.!?])(\s|$)", text, re.DOTALL)
    title = (match.group(1) if match else text[:200]).strip()
    fields = {
        "title": title,
        "link": Path(os.path.abspath(raw.source)).as_uri(),
        "id": "",
        "summary": "",
        "content": [{"value": text}],
    }
    return [Entry(raw.source, Path(raw.source).parent.name or "text", 0, fields, None, raw.fetched_ts)], []


def _decode_text(body: bytes) -> str | None:
    if _looks_binary(body):
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


# XML 1.0 Appendix F: the first four bytes of a document without a byte-order mark.
_XML_START = {
    b"\x00\x00\x00<": "utf-32-be",
    b"<\x00\x00\x00": "utf-32-le",
    b"\x00<\x00?": "utf-16-be",
    b"<\x00?\x00": "utf-16-le",
}
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def wide_encoding(body: bytes) -> str | None:
    """UTF-16 or UTF-32 (with or without a byte-order mark), else None.

    From the byte-order mark, then the XML declaration's first bytes, then, for text full of
    NUL bytes, charset-normalizer's reading of the bytes. feedparser and the binary check
    expect an 8-bit encoding, so these are transcoded to UTF-8 first.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    stripped = body.lstrip(b"\x00 \t\r\n") if body[:1] in (b" ", b"\t", b"\r", b"\n") else body
    if stripped[:4] in _XML_START:
        return _XML_START[stripped[:4]]
    if b"\x00" not in body[:2048]:
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    name = (best.encoding if best is not None else "").replace("_", "-").lower()
    if name.startswith(("utf-16", "utf-32")):
        return name
    return None


def to_utf8_xml(body: bytes, encoding: str) -> bytes:
    """``body`` decoded from ``encoding`` as UTF-8, its XML declaration saying so."""
    text = body.decode(encoding, errors="replace").lstrip("\ufeff")
    text = re.sub(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)[\"'][^\"']*[\"']", r'\1"utf-8"', text, count=1)
    return text.encode("utf-8")


def _looks_binary(body: bytes) -> bool:
    head = body[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark is text
        return False
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10


def _bozo_reason(exc: Any) -> str:
    if exc is None:
        return "unknown parser error"
    name = type(exc).__name__
    message = str(exc) or repr(exc)
    return f"{name}: {message}"[:300]


# ---------------------------------------------------------------------------------------------
# Normalising


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment, with block elements turned into spaces."""

    BLOCKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "blockquote"}
    SKIP = {"script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(fragment: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed."""
    if not fragment:
        return ""
    if "<" in fragment:
        parser = _TextExtractor()
        try:
            parser.feed(fragment)
            parser.close()
            fragment = "".join(parser.parts)
        except Exception:  # HTMLParser is lenient; this is a last resort for pathological markup
            fragment = re.sub(r"<[^>]*>", " ", fragment)
    return _clean_text(html.unescape(fragment))


def _clean_text(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def canonical_link(link: str) -> str:
    """One spelling per page, so two links to it compare equal (w3lib does the URL work).

    w3lib sorts the query, normalises percent-encoding (``%7e`` = ``~``, ``é`` = ``%C3%A9``),
    lower-cases the host and drops the fragment; here the tracking parameters and a
    default port go too. Brackets of an IPv6 host are kept. Non-web links (``urn:``,
    ``tag:``) are returned as given.
    """
    link = (link or "").strip()
    if not link:
        return ""
    try:
        parts = urllib.parse.urlsplit(link)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return link
        parts = urllib.parse.urlsplit(canonicalize_url(link))
        port = parts.port
    except ValueError:
        return link
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6: hostname drops the brackets
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    if port and port != default:
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.netloc.rpartition('@')[0]}@{host}"
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not TRACKING_PARAMS.match(urllib.parse.unquote_plus(pair.partition("=")[0]))
    )
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path or "/", query, ""))


def _struct_to_ts(value: Any) -> float | None:
    """feedparser's parsed dates are UTC ``struct_time``s; turn one into epoch seconds."""
    if not value:
        return None
    try:
        return float(calendar.timegm(value))
    except (TypeError, ValueError, OverflowError):
        return None


def iso_utc(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def entry_published(entry: Entry) -> tuple[float, str]:
    """Event time of an entry, and where it came from.

    Fallback order: the entry's published date, its updated date, the feed's own date, then
    the time the feed was fetched (for a replayed file: its modification time).
    """
    for key, source in (("published_parsed", "entry"), ("updated_parsed", "updated"), ("created_parsed", "entry")):
        ts = _struct_to_ts(entry.fields.get(key))
        if ts is not None:
            return ts, source
    if entry.feed_ts is not None:
        return entry.feed_ts, "feed"
    return entry.fetched_ts, "fetched"


def normalise_entry(entry: Entry, max_chars: int = MAX_ITEM_CHARS) -> Article | DeadLetter:
    """Turn a parsed entry into an ``Article``, or a dead letter when it cannot be one."""
    fields = entry.fields
    where = f"{entry.source}#{entry.index}"
    title = strip_html(str(fields.get("title") or ""))
    summary_html = str(fields.get("summary") or fields.get("description") or "")
    contents = [c.get("value", "") for c in fields.get("content") or [] if isinstance(c, dict)]
    body_html = max(contents, key=len) if contents else ""
    size = len(title) + len(summary_html) + len(body_html)
    if size > max_chars:
        return DeadLetter.of(where, "normalise", f"item of {size} characters is over the {max_chars} limit", title)
    summary = strip_html(summary_html)
    body = strip_html(body_html)
    if body == summary:
        body = ""
    link = canonical_link(str(fields.get("link") or ""))
    guid = str(fields.get("id") or fields.get("guid") or "").strip()
    if not link and guid.lower().startswith(("http://", "https://")):
        link = canonical_link(guid)
    if not (link or guid or title):
        return DeadLetter.of(where, "normalise", "item has neither link nor guid nor title", summary or body)
    if not (title or summary or body):
        return DeadLetter.of(where, "normalise", "item has no text (no title, summary or content)", link or guid)
    published_ts, published_source = entry_published(entry)
    identity = link or guid or f"{entry.feed}|{title}|{published_ts}"
    return Article(
        id=stable_id(identity),
        link=link or f"urn:crosswire:{stable_id(entry.source, guid or title)}",
        guid=guid,
        feed=entry.feed,
        title=title,
        summary=summary,
        body=body,
        published=iso_utc(published_ts),
        published_ts=published_ts,
        published_source=published_source,
        source=entry.source,
        declared_lang=entry.declared_lang,
    )


# ---------------------------------------------------------------------------------------------
# De-duplicating


def order_key(article: Article, entry_order: tuple[str, int]) -> tuple[float, str, int]:
    """'First' means earliest published, then input order: deterministic on every runner."""
    return (article.published_ts, entry_order[0], entry_order[1])


def first_wins(candidates: Iterable[tuple[Any, Article]]) -> tuple[tuple[Any, Article], list[Article]]:
    """Keep the first of several items that share a key; return it and the ones dropped."""
    ranked = sorted(candidates, key=lambda c: c[0])
    return ranked[0], [article for _, article in ranked[1:]]


def source_record(raw: RawFeed, entries: list[Entry], dead: list[DeadLetter]) -> dict[str, Any]:
    """One line of ``sources.jsonl``: what became of an input file, so every file is accounted for."""
    status = "ok" if entries else ("failed" if dead else "empty")
    return {"source": raw.source, "status": status, "items": len(entries), "problems": [d.reason for d in dead]}


def forget_at(event_ts: float, ttl_s: float, now: float) -> float:
    """When a de-duplication key may be forgotten: ``ttl_s`` after its event time, or, for an
    item already older than the TTL when it arrives, ``ttl_s`` after its arrival (a timer in
    the past would fire at once and the item would be new again at the next poll)."""
    return event_ts + ttl_s if event_ts + ttl_s > now else now + ttl_s


def guid_key(article: Article) -> tuple[str, Article]:
    """A guid identifies an item within its feed only; fall back to the link.

    The feed is the URL (or file) it came from, not its channel title: two feeds may
    share a title ("World News") and even guids, and must not drop each other's items.
    """
    return f"{article.source or article.feed}|{article.guid or article.link}", article
