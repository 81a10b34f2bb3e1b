"""Readable terminal tables of a replay's stories and alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from transforms.sinks import read_jsonl

MAX_DEAD_LETTER_LINES = 20


def _fit(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _code(party: Any) -> str:
    return party.get("code", "") if isinstance(party, dict) else str(party or "")


def format_table(headers: list[str], rows: list[list[str]], width: int) -> list[str]:
    """Columns sized to their content; the last column takes what is left of the width."""
    if not rows:
        return []
    sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
    last = max(20, width - sum(sizes) - 2 * len(sizes))
    lines = ["  ".join(h.ljust(s) for h, s in zip(headers[:-1], sizes, strict=True)) + "  " + headers[-1]]
    for row in rows:
        cells = [c.ljust(s) for c, s in zip(row[:-1], sizes, strict=True)]
        lines.append("  ".join(cells) + "  " + _fit(row[-1], last))
    return lines


def story_rows(stories: list[dict[str, Any]]) -> list[list[str]]:
    ordered = sorted(stories, key=lambda s: (s.get("first_seen", ""), s.get("id", "")))
    return [
        [
            s.get("first_seen", "")[:16].replace("T", " "),
            str(s.get("article_count", "")),
            ",".join(s.get("languages", [])),
            s.get("headline", ""),
        ]
        for s in ordered
    ]


def alert_rows(alerts: list[dict[str, Any]]) -> list[list[str]]:
    ordered = sorted((a for a in alerts if a.get("kind") == "alert"), key=lambda a: (a["first_seen"], a["alert_id"]))
    latest_languages: dict[str, list[str]] = {}
    for a in alerts:
        latest_languages[a["alert_id"]] = sorted(set(latest_languages.get(a["alert_id"], [])) | set(a["languages"]))
    return [
        [
            a["first_seen"][:16].replace("T", " "),
            f"{_code(a['actor'])} → {_code(a['target'])}",
            a["action"]["type"],
            ",".join(latest_languages[a["alert_id"]]),
            a.get("headline", ""),
        ]
        for a in ordered
    ]


def print_tables(out_dir: Path, stream: TextIO, width: int = 120) -> None:
    stories = read_jsonl(out_dir / "stories.jsonl")
    alerts = read_jsonl(out_dir / "alerts.jsonl")
    print(f"\nStories ({len(stories)})", file=stream)
    for line in format_table(["first seen (UTC)", "n", "languages", "headline"], story_rows(stories), width):
        print("  " + line, file=stream)
    print(f"\nAlerts ({sum(1 for a in alerts if a.get('kind') == 'alert')})", file=stream)
    rows = alert_rows(alerts)
    for line in format_table(["time (UTC)", "actor → target", "action", "languages", "headline"], rows, width):
        print("  " + line, file=stream)
    print(file=stream)


def print_dead_letters(out_dir: Path, stream: TextIO) -> None:
    """One clear line per rejected input (the first few; the file has them all)."""
    letters = read_jsonl(out_dir / "dead_letter.jsonl")
    for letter in sorted(letters, key=lambda d: d["source"])[:MAX_DEAD_LETTER_LINES]:
        print(f"dead letter [{letter['stage']}] {letter['source']}: {letter['reason']}", file=stream)
    if len(letters) > MAX_DEAD_LETTER_LINES:
        print(f"... and {len(letters) - MAX_DEAD_LETTER_LINES} more in {out_dir / 'dead_letter.jsonl'}", file=stream)
