"""Language detection: accuracy and documents per second, per backend and text bound.

    .venv/bin/python bench/bench_language.py [--runs 3] [--corpus CORPUS/articles.jsonl] [--feeds LABEL=DIR ...]

Inputs: the gold corpus's articles (title + summary + body as the pipeline reads them, truth from
the gold), short snippets (the first 2 to 5 words of each title) and, with ``--feeds``, folders of
real feeds whose ``<language>`` is the truth (e.g. ``semeval=/tmp/semeval-train/feeds-original``).
Each row is one detector exactly as the pipeline builds it (``make_detector``, with the
confidence floor), so "und" counts as wrong for a configured language and right for another.
Throughput is the median of --runs timed passes, measured in the same process for every row.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.replay import parse_file  # noqa: E402
from transforms.feeds import list_input_files  # noqa: E402
from transforms.language import UNDETERMINED, detection_text, make_detector  # noqa: E402
from transforms.records import Article  # noqa: E402

LANGS = ("en", "es", "pt", "fr", "de", "it", "nl", "id")
ROWS = (  # (backend, restricted to the configured languages, characters read)
    ("langdetect", False, 3000),
    ("langdetect", False, 1000),
    ("langdetect", True, 1000),
    ("lingua", True, 3000),
    ("lingua", True, 1000),
)


def gold_docs(corpus: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [("\n".join(p for p in (r["title"], r["summary"], r["body"]) if p), r["lang"]) for r in rows]
    snippets = [(" ".join(r["title"].split()[: 2 + i % 4]), r["lang"]) for i, r in enumerate(rows)]
    return paragraphs, snippets


def feed_docs(folder: str) -> list[tuple[Article, str]]:
    """Articles of every feed in ``folder``, labelled with the feed's declared language."""
    docs = []
    files, _ = list_input_files([folder])
    for path in files:
        declared = re.search(rb"<language>\s*([A-Za-z]{2})", Path(path).read_bytes()[:4000])
        if not declared:
            continue
        docs += [(article, declared.group(1).decode().lower()) for _, article in parse_file(path).articles]
    return docs


def right(found: str, truth: str, restricted: bool) -> bool:
    if restricted and truth not in LANGS:
        return found == UNDETERMINED  # outside the configured languages, "unknown" is the right answer
    return found == truth


def measure(backend: str, restricted: bool, chars: int, docs: list[tuple[str, str]], runs: int) -> tuple[float, float]:
    detector = make_detector(backend, LANGS, restrict=restricted)
    detector.detect("warm up the model")
    texts = [text[:chars] for text, _ in docs]
    rates, found = [], []
    for _ in range(runs):
        start = time.perf_counter()
        found = [detector.detect(text)[0] for text in texts]
        rates.append(len(docs) / (time.perf_counter() - start))
    accuracy = sum(right(f, truth, restricted) for f, (_, truth) in zip(found, docs, strict=True)) / len(docs)
    return accuracy, statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus-dev/articles.jsonl"
    )
    ap.add_argument("--feeds", nargs="*", default=[], help="LABEL=DIR of feeds with a <language>")
    ap.add_argument("--limit", type=int, default=800, help="at most this many documents per feed set")
    args = ap.parse_args()
    paragraphs, snippets = gold_docs(args.corpus)
    sets = {"dev articles": paragraphs, "dev snippets": snippets}
    for spec in args.feeds:
        label, _, folder = spec.partition("=")
        docs = feed_docs(folder)
        step = max(1, len(docs) // args.limit)
        sets[label] = [(detection_text(a, 10**6), truth) for a, truth in docs[::step]]
        sets[f"{label} titles"] = [(a.title, truth) for a, truth in docs[::step]]
    print(f"{'backend':10} {'restrict':8} {'chars':>5} {'set':22} {'docs':>5} {'accuracy':>9} {'docs/s':>8}")
    for backend, restricted, chars in ROWS:
        for name, docs in sets.items():
            accuracy, rate = measure(backend, restricted, chars, docs, args.runs)
            print(f"{backend:10} {restricted!s:8} {chars:5} {name:22} {len(docs):5} {accuracy:9.1%} {rate:8.0f}")


if __name__ == "__main__":
    main()
