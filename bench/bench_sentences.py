"""Sentence splitting speed: sentencex on real article texts, median of several passes.

python bench/bench_sentences.py [--corpus ../shared/corpus-dev/articles.jsonl] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from transforms.actions import split_sentences  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus-dev/articles.jsonl")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [("\n".join(r.get(k) or "" for k in ("title", "summary", "body")), r.get("lang") or "en") for r in rows]
    chars = sum(len(t) for t, _ in texts)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        count = sum(len(split_sentences(t, lang)) for t, lang in texts)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{len(texts)} articles, {chars} characters, {count} sentences")
    print(f"median of {args.runs}: {median * 1000:.1f} ms, {median / len(texts) * 1000:.3f} ms an article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
