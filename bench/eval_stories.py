#!/usr/bin/env python3
"""Story grouping on a gold corpus: B-cubed F1, cross-language pair recall, misgrouped articles.

    .venv/bin/python bench/eval_stories.py [--corpus ../shared/corpus-dev] [--mode all|full|alternate|feeds] [-v]

Entities come from the real ``EntityExtractor``; the language is the gold one (language
detection is scored elsewhere). Modes, because 41% of real feed items carry no body:

* ``full``       title + summary + body for every article;
* ``alternate``  every other article (in id order) has title + summary only;
* ``feeds``      the text exactly as ``corpus/feeds/*.xml`` delivers it (``transforms.feeds``).

Scores are computed as ``shared/eval/score.py`` does (its ``bcubed`` is imported by path).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import importlib.util
import json
import re
import sys
from collections import defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.records import Article, article_text  # noqa: E402
from transforms.stories import StoryGrouper, group_articles, load_story_config, topic_label, topic_scores  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-dev"
MODES = ("full", "alternate", "feeds")


def _score_module(corpus: Path) -> Any:
    path = corpus.parent / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("crosswire_gold_score", path)
    assert spec is not None and spec.loader is not None, f"no scorer at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text or "")).split())


def gold_rows(corpus: Path) -> list[dict[str, Any]]:
    with open(corpus / "articles.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _norm_link(link: str) -> str:
    return (link or "").strip().rstrip("/")


def corpus_articles(corpus: Path, mode: str) -> list[Article]:
    """The gold articles as the grouper would see them in ``mode`` (no entities yet)."""
    rows = gold_rows(corpus)
    if mode == "feeds":
        return _from_feeds(corpus, rows)
    out = []
    for i, row in enumerate(sorted(rows, key=lambda r: r["id"])):
        ts = datetime.fromisoformat(row["published"].replace("Z", "+00:00")).timestamp()
        body = "" if mode == "alternate" and i % 2 == 1 else row["body"]
        out.append(
            Article(
                id=row["id"],
                link=row["link"],
                guid=row["link"],
                feed=row.get("outlet", ""),
                title=_plain(row["title"]),
                summary=_plain(row["summary"]),
                body=_plain(body),
                published=row["published"],
                published_ts=ts,
                lang=row["lang"],
            )
        )
    return out


def _from_feeds(corpus: Path, rows: list[dict[str, Any]]) -> list[Article]:
    from transforms.feeds import normalise_entry, parse_feed, read_file

    by_link = {_norm_link(r["link"]): r for r in rows}
    seen: dict[str, Article] = {}
    for path in sorted((corpus / "feeds").glob("*.xml")):
        raw = read_file(str(path))
        entries, _ = parse_feed(raw)  # type: ignore[arg-type]
        for entry in entries:
            art = normalise_entry(entry)
            if not isinstance(art, Article):
                continue
            row = by_link.get(_norm_link(art.link))
            if row is None or row["id"] in seen:
                continue  # a repeat: first wins, as the pipeline's de-duplication does
            seen[row["id"]] = dataclasses.replace(art, id=row["id"], lang=row["lang"])
    return [seen[k] for k in sorted(seen)]


def with_entities(articles: list[Article], config_dir: Path) -> list[Article]:
    from transforms.entities import EntityExtractor, load_gazetteer

    extractor = EntityExtractor(load_gazetteer(config_dir))
    return [dataclasses.replace(a, entities=tuple(extractor.extract(article_text(a), a.lang))) for a in articles]


def scores(rows: list[dict[str, Any]], assignment: dict[str, str], corpus: Path) -> dict[str, float]:
    """B-cubed P/R/F1 and cross-language pair recall, as ``score.py`` computes them."""
    scorer = _score_module(corpus)
    gold = {r["id"]: r["story"] for r in rows}
    pred = {k: f"pred:{assignment[k]}" if k in assignment else f"missing:{k}" for k in gold}
    p, r, f1 = scorer.bcubed(gold, pred)
    lang = {r["id"]: r["lang"] for r in rows}
    members: dict[str, list[str]] = defaultdict(list)
    for k, story in gold.items():
        members[story].append(k)
    pairs = hits = 0
    for ks in members.values():
        for a, b in combinations(ks, 2):
            if lang[a] != lang[b]:
                pairs += 1
                hits += pred[a] == pred[b]
    return {"bcubed_p": p, "bcubed_r": r, "bcubed_f1": f1, "xlang_pair_recall": hits / pairs if pairs else 1.0}


def evaluate(corpus: Path, mode: str, config: dict[str, Any] | None = None) -> tuple[dict[str, float], list[str]]:
    """Scores and a human-readable list of the misgrouped articles."""
    config = config or load_story_config(ROOT / "configs")
    rows = gold_rows(corpus)
    articles = with_entities(corpus_articles(corpus, mode), ROOT / "configs")
    assignment, _ = group_articles(articles, config)
    return scores(rows, assignment, corpus), misgrouped(rows, articles, assignment, config)


def misgrouped(
    rows: list[dict[str, Any]], articles: list[Article], assignment: dict[str, str], config: dict[str, Any]
) -> list[str]:
    """Per gold story split over predicted stories, and per predicted story mixing gold stories."""
    gold = {r["id"]: r["story"] for r in rows}
    by_id = {a.id: a for a in articles}
    grouper = StoryGrouper(config)
    pred_members: dict[str, list[str]] = defaultdict(list)
    gold_members: dict[str, list[str]] = defaultdict(list)
    for k in sorted(gold):
        pred_members[assignment.get(k, "-")].append(k)
        gold_members[gold[k]].append(k)
    lines = []

    def describe(k: str) -> str:
        a = by_id.get(k)
        if a is None:
            return f"    {k} (missing)"
        label = topic_label(topic_scores(a, grouper.topics, grouper.topic_title_weight), grouper.diplomatic)
        ids = sorted({e.id for e in a.entities})
        body = "body" if a.body else "no body"
        return f"    {k} {a.lang} [{gold[k]}] ({body}, {label}) {a.title[:70]!r}\n        {ids}"

    for story, ks in sorted(gold_members.items()):
        preds = sorted({assignment.get(k, "-") for k in ks})
        if len(preds) > 1:
            lines.append(
                f"SPLIT {story}: " + ", ".join(f"{p[:6]}={[k for k in ks if assignment.get(k) == p]}" for p in preds)
            )
    for p, ks in sorted(pred_members.items(), key=lambda kv: kv[1][0]):
        stories = sorted({gold[k] for k in ks})
        if len(stories) > 1:
            lines.append(f"MIXED {p[:6]}: {stories}")
            lines.extend(describe(k) for k in ks)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--mode", choices=("all", *MODES), default="all")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misgrouped articles")
    args = ap.parse_args(argv)
    for mode in MODES if args.mode == "all" else (args.mode,):
        m, lines = evaluate(args.corpus, mode)
        print(f"{mode:10} " + "  ".join(f"{k} {v:.4f}" for k, v in m.items()))
        if args.verbose:
            print("\n".join(lines) or "    (nothing misgrouped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
