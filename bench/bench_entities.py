"""Throughput of entity extraction against spaCy's tokenizer alone, over corpus-dev texts.

Why: the issue caps extraction at "a few times" the tokenizer's cost. Both are timed in the
same run (median of several passes, matchers built and warmed first), and the ratio is printed.

    .venv/bin/python bench/bench_entities.py [--runs 7] [--corpus ../shared/corpus-dev/articles.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.entities import EntityExtractor, load_gazetteer  # noqa: E402


def _texts(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [("\n".join(p for p in (r["title"], r["summary"], r["body"]) if p), r["lang"]) for r in rows]


def _median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-dev" / "articles.jsonl")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"corpus not found: {args.corpus}")

    texts = _texts(args.corpus)
    t0 = time.perf_counter()
    extractor = EntityExtractor(load_gazetteer(ROOT / "configs"))
    for lang in sorted({lang for _, lang in texts}):
        extractor.matcher(lang)
    build = time.perf_counter() - t0
    tokenizers = {lang: extractor.matcher(lang).nlp.tokenizer for _, lang in texts}

    def tokenize_only() -> None:
        for text, lang in texts:
            tokenizers[lang](text)

    def extract_all() -> None:
        for text, lang in texts:
            extractor.extract(text, lang)

    tokenize_only()
    extract_all()  # warm caches (token fold cache) before timing
    tok = _median_seconds(tokenize_only, args.runs)
    full = _median_seconds(extract_all, args.runs)
    n = len(texts)
    chars = sum(len(t) for t, _ in texts)
    entities = sum(len(extractor.extract(t, lang)) for t, lang in texts)
    print(f"articles: {n}  chars: {chars}  languages: {len(tokenizers)}  entities: {entities}  runs: {args.runs}")
    print(f"matcher build (all languages, once per worker): {build:.2f} s")
    print(f"tokenizer only : {tok * 1000:8.1f} ms  {tok / n * 1e3:6.3f} ms/article  {n / tok:8.0f} articles/s")
    print(f"full extraction: {full * 1000:8.1f} ms  {full / n * 1e3:6.3f} ms/article  {n / full:8.0f} articles/s")
    print(f"ratio full / tokenizer: {full / tok:.2f}x")


if __name__ == "__main__":
    main()
