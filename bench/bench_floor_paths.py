"""The fast paths of the per-article stages against the plain ones, in one process, article by article.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_floor_paths.py [FEEDS] [--sample 400]

Entities: the chunk cache (``EntityExtractor._text_units``) against spaCy on every whole text (an
extractor with its own tokenizers, so no spaCy cache is shared). Actions: the trigger index
against running every trigger pattern. The two paths alternate on each article (which goes first
alternates too), so a load on the machine weighs on both alike; CPU time, milliseconds an article,
over the same sample of articles as ``bench_replay``'s floor (cold caches: one pass). Each pair
must give equal results, or the bench stops.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from pipeline.config import load_config
    from pipeline.replay import parse_file, warm
    from transforms.entities import EntityExtractor
    from transforms.feeds import list_input_files
    from transforms.language import detect_article_language
    from transforms.records import article_text

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("feeds", nargs="?", default="/tmp/crosswire-bench/corpus-235/feeds")
    ap.add_argument("--sample", type=int, default=400)
    args = ap.parse_args(argv)

    class PlainExtractor(EntityExtractor):
        def _text_units(self, m: Any, text: str) -> list[tuple[str, int, int, str]]:
            return self._doc_units(m, text)

    cfg = load_config(ROOT / "configs")
    stages = warm(cfg)
    files, _ = list_input_files([args.feeds])
    articles = [a for path in files for _, a in parse_file(path).articles]
    picked = articles[:: max(1, len(articles) // args.sample)][: args.sample]
    plain_x = PlainExtractor(stages.extractor.gazetteer)
    for lang in (*cfg.languages, "und"):
        plain_x.matcher(lang)
    plain_a = copy.copy(stages.actions)
    plain_a.langs = {lang: copy.copy(cl) for lang, cl in stages.actions.langs.items()}
    for cl in plain_a.langs.values():
        cl.trigger_index = None
    paths = {"entities": (plain_x, stages.extractor), "actions": (plain_a, stages.actions)}
    cpu = {f"{stage} {kind}": 0.0 for stage in paths for kind in ("plain", "fast")}

    def timed(key: str, run: Any, *args: Any) -> Any:
        start = time.process_time()
        result = run(*args)
        cpu[key] += time.process_time() - start
        return result

    for n, article in enumerate(picked):
        article = detect_article_language(article, stages.detector)
        text = article_text(article)
        order = ("plain", "fast") if n % 2 else ("fast", "plain")
        ents: dict[str, Any] = {}
        for kind in order:
            extractor = paths["entities"][kind == "fast"]
            ents[kind] = timed(f"entities {kind}", extractor.extract, text, article.lang)
        if ents["plain"] != ents["fast"]:
            raise SystemExit(f"entities differ on {article.id}")
        found: dict[str, Any] = {}
        for kind in order:
            detector = paths["actions"][kind == "fast"]
            found[kind] = timed(f"actions {kind}", detector.detect, text, article.lang, ents["fast"], article.published)
        if found["plain"] != found["fast"]:
            raise SystemExit(f"actions differ on {article.id}")
    per = {k: 1000 * v / len(picked) for k, v in cpu.items()}
    print(f"{len(picked)} articles, load average {os.getloadavg()[0]:.1f}; CPU ms an article:")
    for stage in paths:
        plain, fast = per[f"{stage} plain"], per[f"{stage} fast"]
        print(f"  {stage:8} plain {plain:.2f} -> fast {fast:.2f} ({fast / plain - 1:+.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
