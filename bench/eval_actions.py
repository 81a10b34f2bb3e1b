"""Action detection on the gold corpus: P/R/F1 counted as ``../shared/eval/score.py`` counts them.

    python bench/eval_actions.py [--corpus ../shared/corpus-dev/articles.jsonl] [--errors] [--json]

Runs the real pipeline steps an article meets before actions: the feed stage's HTML
stripping, ``EntityExtractor`` on ``article_text``, then ``ActionDetector``. Per article the
predicted (type, actor, target) set is compared with the gold ``actions``; a prediction
equal to one of the article's ``background_actions`` is neutral (neither TP nor FP).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from transforms.actions import ActionDetector, Candidate, load_lexicon  # noqa: E402
from transforms.entities import EntityExtractor, load_gazetteer  # noqa: E402
from transforms.feeds import strip_html  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-dev" / "articles.jsonl"
Key = tuple[str, str, str]


@dataclass
class Report:
    """Counts and per-article errors of one evaluation run."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    neutral: int = 0
    per_type: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def metrics(self) -> dict[str, float | int]:
        return {
            "action_p": round(self.precision, 4),
            "action_r": round(self.recall, 4),
            "action_f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "neutral": self.neutral,
        }


def _key(action: dict[str, Any]) -> Key:
    return (str(action["type"]).lower(), str(action["actor"]).upper(), str(action["target"]).upper())


def article_parts(row: dict[str, Any]) -> tuple[str, str, str]:
    """Title, summary and body as the feed stage hands them on (HTML stripped)."""
    return strip_html(row.get("title") or ""), strip_html(row.get("summary") or ""), strip_html(row.get("body") or "")


def evaluate(corpus: Path, config_dir: Path = ROOT / "configs") -> Report:
    """Run extractor + detector over every gold article and count as the scorer does."""
    extractor = EntityExtractor(load_gazetteer(config_dir))
    detector = ActionDetector(load_lexicon(config_dir))
    report = Report()
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text = "\n".join(part for part in article_parts(row) if part)
        entities = extractor.extract(text, row["lang"])
        candidates = detector.candidates(text, row["lang"], entities, row.get("published"))
        got = {(a.type, a.actor, a.target) for a in detector.detect(text, row["lang"], entities, row.get("published"))}
        want = {_key(a) for a in row.get("actions", [])}
        neutral = {_key(a) for a in row.get("background_actions", [])}
        tp, fn, fp = want & got, want - got, got - want - neutral
        report.tp += len(tp)
        report.fn += len(fn)
        report.fp += len(fp)
        report.neutral += len(got & neutral - want)
        for k in tp:
            report.per_type[(k[0], "tp")] += 1
        for k in fn:
            report.per_type[(k[0], "fn")] += 1
        for k in fp:
            report.per_type[(k[0], "fp")] += 1
        if fn or fp:
            report.errors.append(
                {
                    "id": row.get("id"),
                    "lang": row["lang"],
                    "missed": sorted(fn),
                    "spurious": sorted(fp),
                    "evidence": [_describe(c) for c in candidates],
                }
            )
    return report


def _describe(c: Candidate) -> str:
    verdict = c.reason or f"{'+'.join(c.actors)} -> {'+'.join(c.targets)}{' (mutual)' if c.mutual else ''}"
    return f"[{c.sentence_index}] {c.type} {c.trigger!r}: {verdict}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--config", type=Path, default=ROOT / "configs")
    ap.add_argument("--errors", action="store_true", help="list every article with a miss or a false positive")
    ap.add_argument("--json", action="store_true", help="print the metrics as one JSON line")
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = evaluate(args.corpus, args.config)
    if args.json:
        print(json.dumps(report.metrics()))
    else:
        for name, value in report.metrics().items():
            print(f"{name:10} {value}")
        types = sorted({t for t, _ in report.per_type})
        print("\nper type            tp  fp  fn")
        for t in types:
            tp, fp, fn = (report.per_type[(t, kind)] for kind in ("tp", "fp", "fn"))
            print(f"{t:18} {tp:3} {fp:3} {fn:3}")
    if args.errors:
        for err in report.errors:
            print(f"\n{err['id']} ({err['lang']}) missed={err['missed']} spurious={err['spurious']}")
            for line in err["evidence"]:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
