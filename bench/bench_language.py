"""Language detection: accuracy and documents per second, per detector, on the pipeline's bounded text.

    .venv/bin/python bench/bench_language.py [--runs 3] [--corpus CORPUS/articles.jsonl] [--feeds LABEL=DIR ...]

Inputs: the gold corpus's articles (title + summary + body as the pipeline reads them, truth from
the gold), short snippets (the first 2 to 5 words of each title) and, with ``--feeds``, folders of
real feeds whose ``<language>`` is the truth (e.g. ``semeval=/tmp/semeval-train/feeds-original``).
Each row is one detector as the pipeline builds it (with the confidence floor). For a row that
may return only the configured languages, "und" is the right answer for a text in another one.
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

from pipeline.config import load_config  # noqa: E402
from pipeline.replay import parse_file  # noqa: E402
from transforms.feeds import list_input_files  # noqa: E402
from transforms.language import (  # noqa: E402
    MAX_DETECTION_CHARS,
    UNDETERMINED,
    LanguageDetector,
    LinguaDetector,
    detection_text,
    make_detector,
)
from transforms.records import Article  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():  # run from a worktree
    SHARED = Path("/work/shared")
LANGS = tuple(load_config(Path(__file__).resolve().parent.parent / "configs").languages)


def detectors() -> dict[str, tuple[LanguageDetector, bool]]:
    """Each row: a detector as the pipeline builds it, and whether it may return only ``LANGS``."""
    return {
        "langdetect, 55 languages": (make_detector("langdetect", LANGS, restrict=False), False),
        "lingua, configured only": (LinguaDetector(LANGS, others=()), True),
        "lingua, configured + others": (make_detector("lingua", LANGS), True),
        "fastText, lingua where unsure": (make_detector("fasttext", LANGS), True),
    }


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus-dev" / "articles.jsonl")
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
    rows = detectors()
    rates: dict[str, list[float]] = {name: [] for name in rows}
    accuracy: dict[tuple[str, str], float] = {}
    for _ in range(args.runs):  # interleaved, so that a change in the machine's load hits every row alike
        for name, (detector, restricted) in rows.items():
            detector.detect("warm up the model")
            count, start = 0, time.perf_counter()
            for label, docs in sets.items():
                found = [detector.detect(text[:MAX_DETECTION_CHARS])[0] for text, _ in docs]
                count += len(docs)
                hits = sum(right(f, truth, restricted) for f, (_, truth) in zip(found, docs, strict=True))
                accuracy[(name, label)] = hits / len(docs)
            rates[name].append(count / (time.perf_counter() - start))
    print(f"documents: {', '.join(f'{label} {len(docs)}' for label, docs in sets.items())}")
    print(f"| detector | docs/s (median of {args.runs}) | " + " | ".join(sets) + " |")
    print("|---|---|" + "---|" * len(sets))
    for name in rows:
        cells = " | ".join(f"{accuracy[(name, label)]:.1%}" for label in sets)
        print(f"| {name} | {statistics.median(rates[name]):,.0f} | {cells} |")


if __name__ == "__main__":
    main()
