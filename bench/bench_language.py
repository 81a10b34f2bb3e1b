"""Language detection: accuracy and documents per second, langdetect vs lingua.

    .venv/bin/python bench/bench_language.py [--runs 5] [--corpus ../shared/corpus-dev/articles.jsonl]

Two inputs from the gold corpus: whole articles (title + summary + body) and short snippets
(the first 2 to 5 words of each title). Throughput is the median of --runs timed passes,
measured in the same process for both backends.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.language import make_detector  # noqa: E402

LANGS = ("en", "es", "pt", "fr", "de", "it", "nl", "id")


def load(corpus: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [(" ".join((r["title"], r["summary"], r["body"])), r["lang"]) for r in rows]
    snippets = [(" ".join(r["title"].split()[: 2 + i % 4]), r["lang"]) for i, r in enumerate(rows)]
    return paragraphs, snippets


def measure(backend: str, docs: list[tuple[str, str]], runs: int) -> tuple[float, float]:
    detector = make_detector(backend, LANGS, floor=0.0)  # the raw classifier, no "und" floor
    detector.detect("warm up the model")
    rates = []
    right = 0
    for _ in range(runs):
        start = time.perf_counter()
        right = sum(detector.detect(text)[0] == lang for text, lang in docs)
        rates.append(len(docs) / (time.perf_counter() - start))
    return right / len(docs), statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus-dev/articles.jsonl"
    )
    args = ap.parse_args()
    paragraphs, snippets = load(args.corpus)
    print(f"{'backend':10} {'input':10} {'docs':>5} {'accuracy':>9} {'docs/s (median)':>16}")
    for backend in ("langdetect", "lingua"):
        for name, docs in (("paragraphs", paragraphs), ("snippets", snippets)):
            accuracy, rate = measure(backend, docs, args.runs)
            print(f"{backend:10} {name:10} {len(docs):5} {accuracy:9.1%} {rate:16.0f}")


if __name__ == "__main__":
    main()
