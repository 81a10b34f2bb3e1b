#!/usr/bin/env python3
"""State bytes and time per timer firing of the streaming grouper, by number of live articles.

    .venv/bin/python bench/bench_stream_state.py [--live 1000,10000,50000] [--firings 20] [--per-firing 5]

For each size, the concurrent-story stream (``bench/concurrent_stories.py``) at a volume that
keeps about that many articles inside the 48-hour horizon is grouped; then ``--firings`` firings
of ``--per-firing`` new articles each are measured two ways:

- **whole state** (before): read, unpickle, apply, pickle, write the whole ``GrouperState``;
- **journal** (now, ``transforms/story_state.py``): the live copy is cached, the firing writes its
  journal entry and the mark. Printed too: the snapshot written at a compaction (once the journal
  outweighs the last snapshot, so it adds at most as much again on average) and the time to
  rebuild the state on a cache miss (unpickle the snapshot, replay a snapshot's worth of journal).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.concurrent_stories import stream  # noqa: E402
from transforms import story_state  # noqa: E402
from transforms.stories import StoryGrouper, load_story_config  # noqa: E402


def live_articles(grouper: StoryGrouper) -> int:
    return sum(len(story.members) for story in grouper.state.stories.values())


def measure(live: int, firings: int, per_firing: int, config: dict) -> dict[str, float]:
    extra = firings * per_firing
    replay = 500  # articles after the firings: the replay cost per article on a rebuild
    # ~5.5 articles a story, 36 h of coverage at most: this volume a day keeps ~live in 48 h
    articles, _ = stream(live + extra + replay, per_day=live / 2.0)
    warm, tail, after = articles[:live], articles[live : live + extra], articles[live + extra :]
    grouper = StoryGrouper(config)
    for article in warm:
        story_state.apply_article(grouper, article)
    batches = [tuple(tail[i : i + per_firing]) for i in range(0, extra, per_firing)]

    # before: the whole state through pickle at every firing
    whole = start_state = pickle.dumps(grouper.state, protocol=4)
    old_bytes, old_times = [], []
    for batch in batches:
        start = time.perf_counter()
        grouper.state = pickle.loads(whole)
        for article in batch:
            story_state.apply_article(grouper, article)
        whole = pickle.dumps(grouper.state, protocol=4)
        old_times.append(time.perf_counter() - start)
        old_bytes.append(len(whole))
    n_live = live_articles(grouper)

    # now: same start, live copy kept, deltas written
    grouper.state = pickle.loads(start_state)
    mark = story_state.new_mark()
    new_bytes, new_times, journal = [], [], []
    for batch in batches:
        start = time.perf_counter()
        for article in batch:
            story_state.apply_article(grouper, article)
        written = story_state.persist(mark, grouper.state, batch)
        new_times.append(time.perf_counter() - start)
        new_bytes.append(story_state.written_bytes(written))
        mark = written.mark
        journal.append(written.journal_entry or b"")
    start = time.perf_counter()
    snapshot = pickle.dumps((mark.seq, grouper.state), protocol=story_state.PICKLE_PROTOCOL)
    snapshot_s = time.perf_counter() - start
    # worst rebuild: the snapshot, then the heaviest journal before a compaction
    entry = statistics.median(len(e) for e in journal)
    bound = max(story_state.MIN_JOURNAL_BYTES, story_state.COMPACT_RATIO * len(snapshot))
    worst_firings = max(1, int(bound / entry))
    replay_articles = after
    start = time.perf_counter()
    rebuilt = StoryGrouper(config)
    rebuilt.state = pickle.loads(snapshot)[1]
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    for article in replay_articles:  # replay cost per article, scaled to the worst journal
        story_state.apply_article(rebuilt, article)
    per_article = (time.perf_counter() - start) / max(1, len(replay_articles))
    return {
        "live": n_live,
        "stories": len(grouper.state.stories),
        "old_bytes": statistics.median(old_bytes),
        "old_ms": 1000 * statistics.median(old_times),
        "new_bytes": statistics.median(new_bytes),
        "new_ms": 1000 * statistics.median(new_times),
        "snapshot_bytes": len(snapshot),
        "snapshot_ms": 1000 * snapshot_s,
        "rebuild_ms": 1000 * (load_s + per_article * worst_firings * per_firing),
        "worst_firings": worst_firings,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--live", default="1000,10000,50000", help="live articles to measure at, comma-separated")
    ap.add_argument("--firings", type=int, default=20)
    ap.add_argument("--per-firing", type=int, default=5)
    args = ap.parse_args(argv)
    config = load_story_config(ROOT / "configs")
    print(
        f"{args.firings} firings of {args.per_firing} articles; medians; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "| live articles | live stories | whole state: bytes / ms per firing | journal: bytes / ms per firing "
        "| snapshot at compaction: bytes / ms | rebuild on a miss, worst: ms |"
    )
    print("|---|---|---|---|---|---|")
    for live in (int(x) for x in args.live.split(",")):
        r = measure(live, args.firings, args.per_firing, config)
        print(
            f"| {r['live']:,} | {r['stories']:,} | {r['old_bytes'] / 1e6:.2f} MB / {r['old_ms']:.0f} ms "
            f"| {r['new_bytes'] / 1e3:.1f} kB / {r['new_ms']:.1f} ms "
            f"| {r['snapshot_bytes'] / 1e6:.2f} MB / {r['snapshot_ms']:.0f} ms "
            f"| {r['rebuild_ms']:.0f} ms ({r['worst_firings']} firings) |",
            flush=True,
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
