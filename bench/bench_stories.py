#!/usr/bin/env python3
"""Throughput of the pure story grouper (one key, one core): the figure behind "one key is enough".

    .venv/bin/python bench/bench_stories.py [--articles 20000] [--per-hour 200] [--corpus ../shared/corpus-dev]

Times are CPU seconds of this process (`time.process_time`): on a shared machine wall time
measures the neighbours. Synthetic stream, deterministic (seeded): ``--per-hour`` articles an
hour spread over stories of 3-8 articles in several languages, each article with 2-3 countries
from a pool of 60, a person
and 1-2 names of its story plus some noise names, a title and a few sentences of text for the
topic keywords. The active state therefore holds ``per-hour x horizon`` articles' stories, as a
live deployment would. With ``--corpus``, also times the grouper alone on the gold corpus with
entities already extracted (entity extraction is a separate stage and is not counted).
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.records import Article, Entity, event_order  # noqa: E402
from transforms.stories import StoryGrouper, load_story_config  # noqa: E402

COUNTRIES = [f"C{i:02d}" for i in range(60)]
TITLES = [
    "{a} expels {b} diplomats after a spying row",
    "{a} recalls its ambassador from {b}",
    "{a} beats {b} 2-1 in a friendly match at the stadium",
    "{a} and {b} sign a trade deal as exports rise",
    "Storm floods villages in {a}; thousands evacuated",
]
BODY = "The foreign ministry said the decision followed talks. Officials in {a} declined to comment. " * 3


def synthetic(n: int, per_hour: float, seed: int = 1) -> list[Article]:
    rng = random.Random(seed)
    out: list[Article] = []
    story = 0
    t = 0.0
    while len(out) < n:
        story += 1
        a, b = rng.sample(COUNTRIES, 2)
        kind = rng.randrange(len(TITLES))
        person = f"person:someone {story}"
        names = [f"name:place{story}", f"name:event{story}"]
        for _ in range(rng.randint(3, 8)):
            t += rng.expovariate(per_hour / 3600.0)
            title = TITLES[kind].format(a=a, b=b)
            ids = [a, b, *rng.sample(COUNTRIES, rng.randint(0, 1)), person, *rng.sample(names, rng.randint(1, 2))]
            ids += [f"name:noise{rng.randrange(100000)}" for _ in range(rng.randint(0, 3))]
            entities = tuple(Entity(e, _kind(e), e, 0 if i < 2 else len(title) + 10 * i, 0) for i, e in enumerate(ids))
            out.append(
                Article(
                    id=f"s{len(out):07d}",
                    link="",
                    guid="",
                    feed="bench",
                    title=title,
                    summary="",
                    body=BODY.format(a=a),
                    published="",
                    published_ts=1.8e9 + t + rng.uniform(-3600, 3600),  # stories interleave
                    lang=rng.choice(["en", "es", "fr", "de"]),
                    entities=entities,
                )
            )
    return sorted(out[:n], key=event_order)


def _kind(eid: str) -> str:
    return eid.split(":", 1)[0] if ":" in eid else "country"


def run(articles: list[Article], config: dict) -> tuple[float, StoryGrouper, int]:
    grouper = StoryGrouper(config)
    for lang in sorted({a.lang for a in articles}):  # stemmers and stop words load once per worker
        grouper.analyzer.stem(lang, "warm")
    start = time.process_time()
    closed = 0
    for article in articles:
        closed += len(grouper.expire(article.published_ts))
        grouper.assign(article)
    return time.process_time() - start, grouper, closed


def run_two_steps(articles: list[Article], config: dict) -> tuple[float, float]:
    """CPU seconds of ``prepare`` over every article (any worker, in parallel, in the streaming
    graph) and of the one key's work given the prepared articles (what bounds one key)."""
    preparer, grouper = StoryGrouper(config), StoryGrouper(config)
    for lang in sorted({a.lang for a in articles}):
        preparer.analyzer.stem(lang, "warm")
        grouper.analyzer.stem(lang, "warm")
    start = time.process_time()
    prepared = [preparer.prepare(article) for article in articles]
    prepare_s = time.process_time() - start
    start = time.process_time()
    for article, p in zip(articles, prepared, strict=True):
        grouper.expire(article.published_ts)
        grouper.assign(article, p)
    return prepare_s, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--per-hour", type=float, default=200.0)
    ap.add_argument(
        "--stream",
        choices=("concurrent", "legacy"),
        default="concurrent",
        help="concurrent: bench/concurrent_stories.py (texts in 4 languages, ~125 articles an hour); "
        "legacy: the entity-only stream above (--per-hour)",
    )
    ap.add_argument("--corpus", type=Path, default=None)
    args = ap.parse_args(argv)
    config = load_story_config(ROOT / "configs")

    if args.stream == "legacy":
        articles = synthetic(args.articles, args.per_hour)
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from concurrent_stories import stream

        articles, _ = stream(args.articles)
    elapsed, grouper, closed = run(articles, config)
    state = pickle.dumps(grouper.state)
    print(
        f"synthetic: {len(articles)} articles in {elapsed:.2f} s = {len(articles) / elapsed:,.0f} articles/s "
        f"({elapsed / len(articles) * 1e6:,.0f} us/article); "
        f"{grouper.candidates_examined / len(articles):.1f} candidates/article; "
        f"{len(grouper.state.stories)} active stories, {closed} closed; state {len(state) / 1e6:.1f} MB pickled"
    )
    prepare_s, key_s = run_two_steps(articles, config)
    n = len(articles)
    print(
        f"in two steps (streaming): prepare {prepare_s / n * 1e6:,.0f} us/article on any worker; the one key "
        f"{key_s / n * 1e6:,.0f} us/article = {n / key_s:,.0f} articles/s ({elapsed / key_s:.2f}x the one-step rate)"
    )
    if args.corpus:
        spec_path = ROOT / "bench" / "eval_stories.py"
        import importlib.util

        spec = importlib.util.spec_from_file_location("eval_stories", spec_path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        gold = module.with_entities(module.corpus_articles(args.corpus, "full"), ROOT / "configs")
        gold = sorted(gold, key=event_order)
        repeats = 50
        start = time.process_time()
        for _ in range(repeats):
            run(gold, config)
        elapsed = time.process_time() - start
        print(f"corpus-dev (full text, entities given): {len(gold) * repeats / elapsed:,.0f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
