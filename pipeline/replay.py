"""Replay files on every core, in flat memory, with the same bytes whatever the worker count.

Per-article work (read, parse, normalise, language, entities, actions) is independent from
article to article, so it runs in a pool of forked worker processes. The order-sensitive steps
(de-duplication: "first wins"; stories: "the first article names the story"; alerts) run here,
over the articles in event-time order, with the same pure functions the Beam graph of
``pipeline.build`` uses (a test checks both give the same lines).

Parsing and language detection need no matchers, so the files are parsed and their articles'
languages detected (by a first pool, forked before) while this process builds the matchers that
the enrichment workers, forked after, inherit: only those of the languages the input holds, each
as soon as a parsed file shows it (a replay of English and Indonesian builds two, not thirteen).

Memory stays flat: each parsing process writes its articles to its own spool file on disk, and
this process keeps only a small index entry per article; enriched articles come back a few
chunks at a time, in event-time order, and leave as soon as they are grouped and written.
Story state is bounded by the horizon.
Every output is written as it is produced, in an order fixed by the input (never by scheduling),
and the summary is counted while writing.

Beam's in-process runners were measured for this and set aside (see the README): one worker
keeps every PCollection in memory, and two workers in threads share one GIL.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from pipeline.config import Config, compile_action_patterns
from pipeline.summary import Digest
from transforms.actions import ActionDetector
from transforms.alerts import ActionAlerts, observe, tracked_actions
from transforms.entities import EntityExtractor, iter_entities
from transforms.feeds import (
    guid_key,
    list_input_files,
    normalise_entry,
    order_key,
    parse_feed,
    read_file,
    source_record,
)
from transforms.language import detect_article_language, shared_detector
from transforms.records import Article, DeadLetter, Story, article_text, fields_of
from transforms.shared import built_once, config_key
from transforms.sinks import OUTPUT_FILES, to_json_bytes
from transforms.stories import Prepared, StoryGrouper

CHUNK = 32  # articles per task: large enough to amortise the pipe, small enough to balance
IN_FLIGHT_PER_WORKER = 3  # chunks waiting per worker: keeps workers busy, memory bounded
# The parsers run beside the matcher build, on what CPU it leaves: the build is the longer path,
# and a parser taking its share would only delay it (measured; see the README).
PARSER_NICE = 10


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------ per-process stages


class Stages(NamedTuple):
    detector: Any  # None where the languages are detected elsewhere (the replay's parsing pool)
    extractor: EntityExtractor
    actions: ActionDetector


def detector_for(cfg: Config) -> Any:
    """The language detector for ``cfg``, built once per process."""
    return shared_detector(cfg.lang_backend, cfg.languages, cfg.lang_floor)


def stages_for(cfg: Config, detector: bool = True) -> Stages:
    """The enrichment stages for ``cfg``, built once per process (shared with the DoFns)."""
    return Stages(
        detector_for(cfg) if detector else None,
        built_once("entities", config_key(cfg.gazetteer), lambda: EntityExtractor(cfg.gazetteer)),
        built_once("actions", config_key(cfg.lexicon), lambda: ActionDetector(cfg.lexicon)),
    )


def warm(cfg: Config) -> Stages:
    """Build every stage of every configured language (live mode, benches): nothing is built later."""
    stages = stages_for(cfg)
    for lang in (*cfg.languages, "und"):
        stages.extractor.matcher(lang)
    stages.detector.detect("warm up the detector")
    return stages


def enrich(article: Article, stages: Stages) -> Article:
    """Entities and actions, as the Beam stages after language detection do to one article (its
    language is detected beforehand, where the file is parsed)."""
    article = dataclasses.replace(article, entities=tuple(iter_entities(stages.extractor, article)))
    found = stages.actions.detect(article_text(article), article.lang, article.entities, article.published)
    return dataclasses.replace(article, actions=tuple(found))


class ParsedFile(NamedTuple):
    path: str
    read_ok: bool
    source: dict[str, Any] | None
    dead: list[DeadLetter]
    items: int
    articles: list[tuple[tuple[float, str, int], Article]]


def parse_file(path: str) -> ParsedFile:
    """One input file -> its normalised articles (with their input order), dead letters, source record."""
    raw = read_file(path)
    if isinstance(raw, DeadLetter):
        return ParsedFile(path, False, None, [raw], 0, [])
    entries, dead = parse_feed(raw)
    source = source_record(raw, entries, dead)
    articles = []
    for entry in entries:
        try:
            result = normalise_entry(entry)
        except Exception as e:  # one odd entry must not stop the run
            result = DeadLetter.of(f"{entry.source}#{entry.index}", "normalise", f"{type(e).__name__}: {e}")
        if isinstance(result, DeadLetter):
            dead.append(result)
        else:
            articles.append((order_key(result, (entry.source, entry.index)), result))
    return ParsedFile(path, True, source, dead, len(entries), articles)


# Set in each worker (inherited through fork, or by the initializer).
_worker: dict[str, Any] = {}


def _in_pool() -> None:
    """The parent's SIGTERM handler must not outlive the fork: Pool.terminate() relies on it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _init_parser(cfg: Config, spool_dir: str, in_pool: bool = True) -> None:
    if in_pool:
        _in_pool()
        os.nice(PARSER_NICE)
    _worker.update(cfg=cfg, spool_dir=spool_dir, spool_out=None, spool_name=None)


def _init_worker(cfg: Config, spools: list[str], in_pool: bool = True) -> None:
    if in_pool:
        _in_pool()
    # In the pool, each article also gets what grouping needs of it alone (``StoryGrouper.prepare``):
    # this process, which groups them one by one, then does only the stateful rest.
    _worker.update(cfg=cfg, spools=spools, spool_in={}, stages=None, preparer=None, prepare=in_pool)


class Spooled(NamedTuple):
    """A parsed file as its parsing process hands it back: its articles are in that process's spool
    file ``spool``; their index entries (an ``Indexed`` but for the spool) come back."""

    read_ok: bool
    source: dict[str, Any] | None
    dead: list[DeadLetter]
    items: int
    spool: str
    entries: list[tuple[tuple[float, str, int], tuple[float, str], str, str, int, int, tuple[str, float]]]
    languages: frozenset[str]  # detected in its articles: the matchers the enrichment needs


def _parse_and_spool(path: str) -> Spooled:
    """Parsing task: parse one file, detect its articles' languages and append them to this
    process's own spool file."""
    detector = detector_for(_worker["cfg"])
    spool = _worker["spool_out"]
    if spool is None:
        fd, _worker["spool_name"] = tempfile.mkstemp(prefix="parsed-", suffix=".pickle", dir=_worker["spool_dir"])
        spool = _worker["spool_out"] = os.fdopen(fd, "wb")
    parsed = parse_file(path)
    entries = []
    languages = set()
    for order, article in parsed.articles:
        detected = detect_article_language(article, detector)
        languages.add(detected.lang)
        # spooled as parsed, its language beside it: a duplicate is written as the Beam graph writes it
        blob = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        offset = spool.tell()
        spool.write(blob)
        guid, _ = guid_key(article)
        language = (detected.lang, detected.lang_confidence)
        entries.append((order, (article.published_ts, article.id), guid, article.link, offset, len(blob), language))
    spool.flush()  # a pool worker leaves through os._exit: nothing may wait in a buffer
    spool_name = _worker["spool_name"]
    return Spooled(parsed.read_ok, parsed.source, parsed.dead, parsed.items, spool_name, entries, frozenset(languages))


def largest_first(files: list[str]) -> list[tuple[int, str]]:
    """(position, path) of each file, the largest first: a large file parsed last would leave
    every process but one idle until it is done (a replay of 13 files spent its last 3 s so)."""

    def size(path: str) -> int:
        try:
            return os.path.getsize(path)
        except OSError:  # read_file gives it its dead letter
            return 0

    return sorted(enumerate(files), key=lambda job: (-size(job[1]), job[0]))


def _parse_and_spool_job(job: tuple[int, str]) -> tuple[int, Spooled]:
    return job[0], _parse_and_spool(job[1])


def in_input_order(results: Iterable[tuple[int, Any]], seen: Callable[[Any], None]) -> Iterator[Any]:
    """``results`` (position, result) as they come, yielded in position order; ``seen`` is told
    of each one as it comes."""
    waiting: dict[int, Any] = {}
    following = 0
    for position, result in results:
        seen(result)
        waiting[position] = result
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def _read_spooled(spool: IO[bytes], offset: int, length: int) -> Article:
    spool.seek(offset)
    return pickle.loads(spool.read(length))  # type: ignore[no-any-return]


def _spool_in(spool: int) -> IO[bytes]:
    files = _worker["spool_in"]
    if spool not in files:
        files[spool] = open(_worker["spools"][spool], "rb")  # noqa: SIM115 (kept open for the worker's life)
    return files[spool]  # type: ignore[no-any-return]


Span = tuple[int, int, int, tuple[str, float]]  # spool, offset, length, (language, confidence)


def _enrich_chunk(spans: list[Span]) -> bytes:
    """Worker task: read a chunk of spooled articles, enrich (and prepare) them, send them back in
    one pickle as (article, prepared or None) pairs."""
    if _worker.get("stages") is None:  # found in the cache the parent warmed before forking
        _worker["stages"] = stages_for(_worker["cfg"], detector=False)
    stages = _worker["stages"]
    preparer = _worker.get("preparer")
    if preparer is None and _worker.get("prepare"):
        preparer = _worker["preparer"] = StoryGrouper(_worker["cfg"].stories)
    done = []
    for spool, off, n, (lang, conf) in spans:
        article = _read_spooled(_spool_in(spool), off, n)
        article = enrich(dataclasses.replace(article, lang=lang, lang_confidence=conf), stages)
        done.append((article, preparer.prepare(article) if preparer is not None else None))
    return pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------------------ writing


class Outputs:
    """The six JSONL files, written line by line; counts what it writes, and gives the stories and
    alerts to ``digest`` (the closing summary's tables) as they go."""

    def __init__(self, out_dir: Path, digest: Digest | None = None) -> None:
        self.files = {name: open(out_dir / f"{name}.jsonl", "wb") for name in OUTPUT_FILES}  # noqa: SIM115
        self.lines = dict.fromkeys(OUTPUT_FILES, 0)
        self.alerts = self.updates = 0
        self.digest = digest

    def write(self, name: str, row: Any) -> None:
        self.files[name].write(to_json_bytes(row) + b"\n")
        self.lines[name] += 1

    def story(self, story: Story) -> None:
        self.write("stories", story)
        if self.digest is not None:
            self.digest.story(fields_of(story))

    def alert(self, payload: dict[str, Any]) -> None:
        self.write("alerts", payload)
        if self.digest is not None:
            self.digest.alert(payload)
        if payload.get("kind") == "update":
            self.updates += 1
        else:
            self.alerts += 1

    def close(self) -> None:
        for f in self.files.values():
            f.close()


class Indexed(NamedTuple):
    """What this process keeps per parsed article: keys for de-duplication and order, where it is
    spooled, and its detected language."""

    order: tuple[float, str, int]
    event: tuple[float, str]
    guid: str
    link: str
    spool: int  # which spool file: each parsing process writes its own
    offset: int
    length: int
    language: tuple[str, float]  # detected (language, confidence): set on the article when it is enriched


def first_wins_by(entries: Iterable[Indexed], key: str) -> tuple[list[Indexed], list[Indexed]]:
    """Keep the first (by ``order``) of each group sharing ``key``; the Beam graph's ``first_wins``."""
    kept: dict[str, Indexed] = {}
    dropped: list[Indexed] = []
    for entry in entries:
        k = getattr(entry, key)
        best = kept.get(k)
        if best is None:
            kept[k] = entry
        elif entry.order < best.order:
            dropped.append(best)
            kept[k] = entry
        else:
            dropped.append(entry)
    return list(kept.values()), dropped


Progress = Callable[[str, int], None]  # (stage, items done since the last call): pipeline.progress


def _no_progress(stage: str, n: int) -> None:
    pass


# ------------------------------------------------------------------ the run


def run_replay(
    paths: list[str],
    out_dir: Path,
    cfg: Config,
    progress: Progress | None = None,
    workers: int | None = None,
    digest: Digest | None = None,
) -> dict[str, Any]:
    """Replay ``paths`` into ``out_dir`` on ``workers`` processes (default: every core); return the summary counts.

    ``progress(stage, n)`` is told as items pass each stage (the stage names of ``pipeline.progress``);
    ``digest`` is given every story and alert written (what the closing summary prints).
    """
    progress = progress or _no_progress
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or default_workers()
    files, missing = list_input_files(paths)
    out = Outputs(out_dir, digest)
    spool_dir = tempfile.mkdtemp(prefix="crosswire-spool-")
    parsers = pool = None
    on_term = _exit_cleanly_on_sigterm()
    try:
        ctx = multiprocessing.get_context("fork")
        jobs = largest_first(files)
        if workers > 1:  # the files are parsed while this process builds the matchers
            parsers = ctx.Pool(workers, initializer=_init_parser, initargs=(cfg, spool_dir))
            parsed: Iterable[tuple[int, Spooled]] = parsers.imap_unordered(_parse_and_spool_job, jobs)
        else:
            _init_parser(cfg, spool_dir, in_pool=False)
            parsed = map(_parse_and_spool_job, jobs)
        compile_action_patterns(cfg)  # if load_config left them: a bad one stops the run here
        # each language's matchers are built as the parsed files show it, before the enrichment
        # workers fork: they inherit them
        extractor = stages_for(cfg, detector=False).extractor
        counts, index, spools = _read_all(parsed, missing, out, progress, extractor.matcher)
        if parsers is not None:  # every file is parsed and flushed: the parsers leave on their own
            parsers.close()
            parsers.join()
            parsers = None
        elif _worker["spool_out"] is not None:
            _worker["spool_out"].close()
        if workers > 1:
            gc.freeze()  # the built matchers: the collector then leaves their pages shared with the workers
            pool = ctx.Pool(workers, initializer=_init_worker, initargs=(cfg, spools))
        _init_worker(cfg, spools, in_pool=False)  # this process reads the duplicates from the spools
        kept, dropped = first_wins_by(index, "guid")
        kept, dropped_link = first_wins_by(kept, "link")
        del index
        progress("distinct", len(kept))
        for entry in sorted(dropped + dropped_link, key=lambda e: e.order):
            out.write("duplicates", _read_spooled(_spool_in(entry.spool), entry.offset, entry.length))
        kept.sort(key=lambda e: e.event)
        spans = [(e.spool, e.offset, e.length, e.language) for e in kept]
        del kept, dropped, dropped_link  # from here on, only where each article is spooled
        enriched = _enriched_in_order(spans, pool)
        _group_and_alert(enriched, cfg, out, progress)
    finally:
        for running in (parsers, pool):
            if running is not None:
                running.terminate()
                running.join()
        for f in _worker.get("spool_in", {}).values():
            f.close()
        if _worker.get("spool_out") is not None:
            _worker["spool_out"].close()
        _worker.clear()
        gc.unfreeze()
        out.close()
        shutil.rmtree(spool_dir, ignore_errors=True)
        if on_term is not None:
            signal.signal(signal.SIGTERM, on_term)
    return {
        "files": len(files),
        "items_read": counts["items_read"],
        "articles": out.lines["articles"],
        "duplicates": out.lines["duplicates"],
        "dead_letters": out.lines["dead_letter"],
        "empty_feeds": counts["empty_feeds"],
        "stories": out.lines["stories"],
        "alerts": out.alerts,
        "alert_updates": out.updates,
        "files_read": counts["files_read"],
        "languages": counts["languages"],  # detected in the input: the only ones whose matchers were built
        "workers": workers,
    }


def _exit_cleanly_on_sigterm() -> Any:
    """SIGTERM raises SystemExit, so the pool's workers and the spool file go with the run."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _read_all(
    parsed: Iterable[tuple[int, Spooled]],
    missing: list[DeadLetter],
    out: Outputs,
    progress: Progress,
    build: Callable[[str], Any],
) -> tuple[dict[str, Any], list[Indexed], list[str]]:
    """Index every parsed file's spooled articles; write sources and dead letters in file order;
    ``build`` each language the articles are in, once, as it first appears (``counts["languages"]``),
    whatever the order the files are parsed in."""
    counts: dict[str, Any] = {"items_read": 0, "empty_feeds": 0, "files_read": 0}
    index: list[Indexed] = []
    spools: dict[str, int] = {}
    built: set[str] = set()

    def arrived(result: Spooled) -> None:
        progress("files", 1)
        progress("items", result.items)
        for lang in sorted(result.languages - built):
            build(lang)
            built.add(lang)

    for letter in missing:
        out.write("dead_letter", letter)
    for result in in_input_order(parsed, arrived):
        for letter in result.dead:
            out.write("dead_letter", letter)
        if not result.read_ok:
            continue
        counts["files_read"] += 1
        counts["items_read"] += result.items
        if result.items == 0 and not result.dead:
            counts["empty_feeds"] += 1
        out.write("sources", result.source)
        spool = spools.setdefault(result.spool, len(spools))
        index.extend(
            Indexed(o, event, guid, link, spool, off, n, language)
            for o, event, guid, link, off, n, language in result.entries
        )
    counts["languages"] = sorted(built)
    return counts, index, list(spools)


def _enriched_in_order(spans: list[Span], pool: Any) -> Iterator[tuple[Article, Prepared | None]]:
    """Enriched articles (with what the pool prepared for grouping) in the order of ``spans``, with
    at most a few chunks in flight at once."""
    chunks = (spans[i : i + CHUNK] for i in range(0, len(spans), CHUNK))
    if pool is None:
        for chunk in chunks:
            yield from pickle.loads(_enrich_chunk(chunk))
        return
    pending: deque[Any] = deque()
    limit = IN_FLIGHT_PER_WORKER * pool._processes
    for chunk in chunks:
        pending.append(pool.apply_async(_enrich_chunk, (chunk,)))
        if len(pending) >= limit:
            yield from pickle.loads(pending.popleft().get())
    while pending:
        yield from pickle.loads(pending.popleft().get())


def _group_and_alert(
    articles: Iterable[tuple[Article, Prepared | None]], cfg: Config, out: Outputs, progress: Progress
) -> None:
    """Stories and alerts over articles in event-time order: ``group_articles`` and ``alerts_for``, streamed."""
    grouper = StoryGrouper(cfg.stories)
    alert_state: dict[tuple[str, str, str], ActionAlerts] = {}
    # An action key quiet for longer than the re-alert window, whose stories have all closed, can
    # only "alert again": forgetting it changes no output and keeps the state bounded.
    for done, (article, prepared) in enumerate(articles, 1):
        if done % 1000 == 0:
            cutoff = article.published_ts - cfg.renotify_s
            live = grouper.state.stories
            for key in [
                k
                for k, s in alert_state.items()
                if (s.last_seen_ts or 0.0) < cutoff and not any(sid in live for sid in s.by_story)
            ]:
                del alert_state[key]
        for story in grouper.expire(article.published_ts):
            out.story(story)
        grouped = dataclasses.replace(article, story_id=grouper.assign(article, prepared))
        out.write("articles", grouped)
        for key, _, action in tracked_actions(grouped, cfg.tracked):
            payload = observe(alert_state.setdefault(key, ActionAlerts()), grouped, action, cfg.renotify_s)
            if payload is not None:
                out.alert(payload)
        for stage in ("language", "entities", "actions", "grouped"):  # enriched together in a worker
            progress(stage, 1)
    for story in sorted(grouper.stories(), key=lambda s: (s.first_seen, s.id)):
        out.story(story)
