#!/usr/bin/env python3
"""Story grouping on real news: SemEval-2022 Task 8 same-story pairs, beside the written dev corpus.

    .venv/bin/python bench/bench_semeval.py [FEEDS] [--gold GOLD] [--out DIR] [--corpus CORPUS]
    .venv/bin/python bench/bench_semeval.py --regroup DIR ...     # regroup a replay's articles only

FEEDS: the folder ``../shared/semeval/build_pairs.py`` writes (default
``/tmp/semeval-train/feeds-original``; build it as ``../shared/semeval/README.md`` says: the texts
are the publishers' and stay outside the repository). It is replayed with ``crosswire replay``'s
pipeline into ``--out`` and scored by ``../shared/semeval/score_pairs.py`` (imported by path):
same-story precision / recall / F1 overall, cross-language, same-language and per language pair.
With ``--corpus`` (default ``../shared/corpus-dev`` when present) the written corpus is replayed
too and its B-cubed F1 and cross-language pair recall printed beside.

``--regroup DIR`` skips the replay: it reads ``DIR/articles.jsonl`` (entities already extracted by
an earlier replay) and runs only the grouper, which is what tuning the grouping needs (seconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.records import Action, Article, Entity  # noqa: E402
from transforms.stories import group_articles, load_story_config  # noqa: E402

SHARED = ROOT.parent / "shared"
if not SHARED.is_dir():
    SHARED = Path("/work/shared")
PAIRS = ("ar-ar", "de-de", "de-en", "en-en", "es-es", "fr-fr", "pl-pl", "tr-tr")


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"no module at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_articles(path: Path) -> list[Article]:
    """A replay's articles.jsonl back into records (entities and actions included)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            row["entities"] = tuple(Entity(**e) for e in row["entities"])
            row["actions"] = tuple(Action(**a) for a in row["actions"])
            row["story_id"] = None
            out.append(Article(**row))
    return out


def replay(feeds: Path, out: Path) -> None:
    from pipeline.config import load_config
    from pipeline.replay import run_replay

    run_replay([str(feeds)], out, load_config(ROOT / "configs"))


def regroup(source: Path, out: Path) -> None:
    """Group ``source/articles.jsonl`` again with the current configuration into ``out``."""
    articles = read_articles(source / "articles.jsonl")
    assignment, stories = group_articles(articles, load_story_config(ROOT / "configs"))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        for article in articles:
            row = dataclasses.replace(article, story_id=assignment[article.id]).to_json()
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(out / "stories.jsonl", "w", encoding="utf-8") as f:
        for story in stories:
            f.write(json.dumps(story.to_json(), ensure_ascii=False) + "\n")


def pair_scores(gold: Path, pred: Path) -> dict[str, Any]:
    scorer = load_module(SHARED / "semeval" / "score_pairs.py", "score_pairs")
    rows = scorer.read_jsonl(pred / "articles.jsonl")
    return scorer.score(scorer.read_jsonl(gold), rows)["groups"]


def corpus_scores(corpus: Path, pred: Path) -> dict[str, Any]:
    scorer = load_module(corpus.parent / "eval" / "score.py", "corpus_score")
    return scorer.score(scorer.read_jsonl(corpus / "articles.jsonl"), pred)


def fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("feeds", nargs="?", type=Path, default=Path("/tmp/semeval-train/feeds-original"))
    ap.add_argument("--gold", type=Path, default=None, help="default: gold-original.jsonl beside FEEDS")
    ap.add_argument("--out", type=Path, default=None, help="replay output (default: a temporary folder)")
    ap.add_argument("--regroup", type=Path, default=None, help="regroup this replay's articles instead")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus-dev")
    ap.add_argument("--corpus-regroup", type=Path, default=None, help="regroup this corpus replay instead")
    args = ap.parse_args(argv)
    gold = args.gold or args.feeds.parent / "gold-original.jsonl"
    if not gold.is_file():
        print(f"no gold pairs at {gold}: build them as {SHARED / 'semeval' / 'README.md'} says", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-semeval-"))
    out = args.out or work / "semeval"
    if args.regroup:
        regroup(args.regroup, out)
    else:
        replay(args.feeds, out)
    groups = pair_scores(gold, out)
    print(f"SemEval same-story pairs ({gold})")
    print(f"{'group':<16}{'pairs':>6}{'same':>6}{'P':>7}{'R':>7}{'F1':>7}   tp/fp/fn/tn")
    for name in ("all", "cross-language", "same-language", *PAIRS):
        m = groups.get(name)
        if m is None:
            continue
        same = m["tp"] + m["fn"]
        print(
            f"{name:<16}{m['gold_pairs']:>6}{same:>6}{fmt(m['precision']):>7}{fmt(m['recall']):>7}{fmt(m['f1']):>7}"
            f"   {m['tp']}/{m['fp']}/{m['fn']}/{m['tn']}"
        )
    if args.corpus and (args.corpus / "articles.jsonl").is_file():
        corpus_out = work / "corpus"
        if args.corpus_regroup:
            regroup(args.corpus_regroup, corpus_out)
        else:
            replay(args.corpus / "feeds", corpus_out)
        s = corpus_scores(args.corpus, corpus_out)
        print(
            f"\n{args.corpus.name}: B3 F1 {s['bcubed_f1']:.3f} (P {s['bcubed_p']:.3f} R {s['bcubed_r']:.3f}), "
            f"cross-language pair recall {s['xlang_pair_recall']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
