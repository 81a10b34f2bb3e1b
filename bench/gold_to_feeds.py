"""Turn a gold articles.jsonl (the dev corpus's format) into RSS 2.0 feeds, one per language.

    .venv/bin/python bench/gold_to_feeds.py GOLD.jsonl OUT_DIR [--no-body-every N]

So that any gold file, such as tests/fixtures/heldout/articles.jsonl, can be replayed with
``crosswire replay OUT_DIR --out PRED`` and scored with ../shared/eval/score.py. Every N-th item
carries no body, as in real feeds where many items have only a title and a summary.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape


def rss_item(row: dict, with_body: bool) -> str:
    published = datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
    body = f"<content:encoded>{escape(row['body'])}</content:encoded>" if with_body and row.get("body") else ""
    return (
        f"<item><title>{escape(row['title'])}</title><link>{escape(row['link'])}</link>"
        f'<guid isPermaLink="false">{escape(row["id"])}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(row['summary'])}</description>{body}</item>"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--no-body-every", type=int, default=2, metavar="N")
    args = ap.parse_args()
    by_lang: dict[str, list[str]] = defaultdict(list)
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i, row in enumerate(rows):
        by_lang[row["lang"]].append(rss_item(row, with_body=bool(args.no_body_every) and i % args.no_body_every != 0))
    args.out.mkdir(parents=True, exist_ok=True)
    for lang, items in by_lang.items():
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Gold {lang}</title><link>https://gold.example/{lang}/</link>{''.join(items)}</channel></rss>\n"
        )
        (args.out / f"gold-{lang}.xml").write_text(xml, encoding="utf-8")
    print(f"{len(rows)} items in {len(by_lang)} feeds -> {args.out}")


if __name__ == "__main__":
    main()
