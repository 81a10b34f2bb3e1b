"""Throughput of entity extraction against spaCy's tokenizer alone, over corpus-dev texts.

Why: the issue caps extraction at "a few times" the tokenizer's cost. Both are timed in the
same run (median of several passes, matchers built and warmed first), and the ratio is printed.

    .venv/bin/python bench/bench_entities.py [--runs 7] [--corpus ../shared/corpus-dev/articles.jsonl]

With ``--replay DIR`` (a ``crosswire replay`` output, e.g. of the SemEval originals; texts
stay outside the repo) it prints instead, per language, the share of articles with at least
one country entity, and how often the article's obvious country is among its entities. The
obvious country is found without the extractor: the state whose CLDR name stem (the folded
name in the article's language; in languages that inflect names, its last letters cut) occurs
at least twice in the folded text, at a word start, most often. A proxy, the same for every version measured.
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


_INFLECTING = frozenset({"pl", "ru", "uk", "cs", "tr", "ar"})


def _stems(lang: str) -> dict[str, str]:
    """Folded CLDR name stems in ``lang`` -> alpha-3 (one-word names only)."""
    import pycountry
    from babel import Locale

    from transforms.entities import fold

    out = {}
    try:
        names = Locale.parse(lang).territories
    except Exception:  # noqa: BLE001 - an unknown locale has no names
        return out
    for alpha_2, name in names.items():
        country = pycountry.countries.get(alpha_2=alpha_2) if len(alpha_2) == 2 and alpha_2.isalpha() else None
        if country is None or " " in name or "-" in name:
            continue
        key = fold(name)
        key = key[2:] if lang == "ar" and key.startswith("ال") else key
        if lang in _INFLECTING:  # cut the ending the cases change (Polska -> polsk)
            key = key[:-2] if len(key) > 6 else key[:-1] if len(key) > 4 else key
        out[key] = country.alpha_3
    return out


def replay_report(replay: Path) -> None:
    """Per language: share of articles with a country entity; obvious-country recall."""
    import re
    from collections import Counter, defaultdict

    from transforms.entities import fold

    rows = [json.loads(line) for line in (replay / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line]
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # articles, with country, obvious, found
    stems: dict[str, dict[str, str]] = {}
    for row in rows:
        lang = row["lang"]
        st = stats[lang]
        st[0] += 1
        countries = {e["country"] or e["id"] for e in row["entities"] if e["kind"] == "country"}
        st[1] += bool(countries)
        if lang not in stems:
            stems[lang] = _stems(lang)
        text = fold(" ".join(p for p in (row["title"], row["summary"], row["body"]) if p))
        counts = Counter()
        for stem, code in stems[lang].items():
            if len(stem) >= 4:
                counts[code] += len(re.findall(r"(?<!\w)" + re.escape(stem) if lang != "ar" else re.escape(stem), text))
        code, n = counts.most_common(1)[0] if counts else ("", 0)
        if n >= 2:
            st[2] += 1
            st[3] += code in countries
    print("lang  articles  with_country  obvious  obvious_found")
    for lang, (n, with_c, obvious, found) in sorted(stats.items()):
        share = found / obvious if obvious else float("nan")
        print(f"{lang:4}  {n:8}  {with_c / n:12.2f}  {obvious:7}  {found:5} ({share:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-dev" / "articles.jsonl")
    parser.add_argument("--replay", type=Path, help="report country coverage of a replay's articles.jsonl instead")
    args = parser.parse_args()
    if args.replay:
        replay_report(args.replay)
        return
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
