"""The replay's closing summary on the terminal: top stories and the latest alerts, at most 100 columns.

What it shows is gathered while the outputs are written (``Digest``), never by reading them back:
a replay of 100,000 articles writes tens of megabytes of stories and alerts. rich lays the tables
out; on a terminal they get colour, anywhere else (a pipe, a file, CI) the same layout is written
as plain text with no escape codes. Records are read with ``.get`` throughout: stories and alerts
may gain fields (or lack optional ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from transforms.sinks import read_jsonl

MAX_WIDTH = 100
TOP_STORIES = 10
LATEST_ALERTS = 30  # a replay of an archive may raise thousands; alerts.jsonl holds them all
_ALERT_FIELDS = ("alert_id", "kind", "first_seen", "actor", "target", "action", "headline")


def code(party: Any) -> str:
    """An alert's actor or target: ``{"code": "MEX", ...}`` or a bare code."""
    return str(party.get("code", "")) if isinstance(party, dict) else str(party or "")


def when(iso: Any) -> str:
    """``2025-06-04T12:30:00Z`` -> ``2025-06-04 12:30``."""
    return str(iso or "")[:16].replace("T", " ")


def top_stories(stories: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """The stories with most articles (then most languages, then earliest); all of them when ``limit`` is None."""
    ranked = sorted(
        stories,
        key=lambda s: (
            -int(s.get("article_count") or len(s.get("article_ids") or [])),
            -len(s.get("languages") or []),
            str(s.get("first_seen", "")),
            str(s.get("id", "")),
        ),
    )
    return ranked if limit is None else ranked[:limit]


class Digest:
    """What the summary shows, gathered row by row as the outputs are written: the top stories
    (every story with ``everything``) and one row per alert id, to which its updates add their
    languages; kept as the few fields the tables print."""

    def __init__(self, everything: bool = False) -> None:
        self.everything = everything
        self.story_count = 0
        self._stories: list[dict[str, Any]] = []
        self._alerts: dict[str, dict[str, Any]] = {}

    def story(self, row: Mapping[str, Any]) -> None:
        self.story_count += 1
        self._stories.append(
            {
                "id": row.get("id"),
                "first_seen": row.get("first_seen"),
                "article_count": row.get("article_count") or len(row.get("article_ids") or []),
                "languages": list(row.get("languages") or []),
                "headline": row.get("headline"),
            }
        )
        if not self.everything and len(self._stories) > 4 * TOP_STORIES:
            self._stories = top_stories(self._stories, TOP_STORIES)

    def alert(self, row: Mapping[str, Any]) -> None:
        key = str(row.get("alert_id", ""))
        merged = self._alerts.get(key)  # an update adds its languages to the alert it follows
        if merged is None or row.get("kind", "alert") == "alert":
            kept = {k: row.get(k) for k in _ALERT_FIELDS}
            kept["languages"] = sorted({*(row.get("languages") or []), *(merged or {}).get("languages", [])})
            self._alerts[key] = kept
        else:
            merged["languages"] = sorted({*merged["languages"], *(row.get("languages") or [])})

    def stories(self) -> list[dict[str, Any]]:
        return top_stories(self._stories, None if self.everything else TOP_STORIES)

    def alerts(self) -> list[dict[str, Any]]:
        """Every alert in time order, or the latest ``LATEST_ALERTS``."""
        rows = sorted(self._alerts.values(), key=lambda a: (str(a.get("first_seen") or ""), str(a.get("alert_id"))))
        return rows if self.everything else rows[-LATEST_ALERTS:]

    @property
    def alert_count(self) -> int:
        return len(self._alerts)

    @classmethod
    def of_folder(cls, out_dir: Path, everything: bool = False) -> Digest:
        """The digest of a replay folder written earlier, from its files (tests; a replay itself
        gives its digest to ``run_replay``)."""
        digest = cls(everything)
        for row in read_jsonl(Path(out_dir) / "stories.jsonl"):
            digest.story(row)
        for row in read_jsonl(Path(out_dir) / "alerts.jsonl"):
            digest.alert(row)
        return digest


def console_for(stream: TextIO, width: int | None = None) -> Any:
    """A rich console: colour on a terminal, plain text elsewhere; never wider than 100 columns."""
    from rich.console import Console

    terminal = stream.isatty()
    width = min(width or (Console(file=stream).width if terminal else MAX_WIDTH), MAX_WIDTH)
    return Console(
        file=stream,
        width=width,
        force_terminal=terminal,
        no_color=not terminal,
        color_system="auto" if terminal else None,
        highlight=False,
        emoji=False,
    )


def fit(text: Any, width: int) -> str:
    """One line of at most ``width`` characters, ending in … when cut."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def layout(title: str, headers: list[str], rows: list[list[str]], width: int, right: tuple[int, ...] = ()) -> Any:
    """A borderless rich table whose last column (the headline) is cut to what the others leave."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False, expand=False)
    sizes = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    last = max(len(headers[-1]), width - sum(sizes) - 2 * len(sizes))
    for i, header in enumerate(headers):
        table.add_column(header, no_wrap=True, justify="right" if i in right else "left")
    for row in rows:
        table.add_row(*row[:-1], fit(row[-1], last))
    return table


def stories_table(stories: list[dict[str, Any]], total: int, everything: bool, width: int = MAX_WIDTH) -> Any:
    shown = "" if everything or total <= len(stories) else f", top {len(stories)} by articles; --all for every one"
    rows = [
        [
            when(s.get("first_seen")),
            str(s.get("article_count") or len(s.get("article_ids") or [])),
            fit(",".join(s.get("languages") or []), 20),
            str(s.get("headline") or ""),
        ]
        for s in stories
    ]
    headers = ["first seen (UTC)", "n", "languages", "headline"]
    return layout(f"Stories ({total}{shown})", headers, rows, width, right=(1,))


def alerts_table(alerts: list[dict[str, Any]], total: int, width: int = MAX_WIDTH) -> Any:
    rows = []
    for a in alerts:
        action = a.get("action") or {}
        rows.append(
            [
                when(a.get("first_seen")),
                f"{code(a.get('actor'))} → {code(a.get('target'))}",
                str(action.get("type", "") if isinstance(action, dict) else action),
                fit(",".join(a.get("languages") or []), 14),
                str(a.get("headline") or ""),
            ]
        )
    headers = ["time (UTC)", "actor → target", "action", "languages", "headline"]
    shown = "" if total <= len(alerts) else f", latest {len(alerts)}; --all for every one"
    return layout(f"Alerts ({total}{shown})", headers, rows, width)


def print_summary(digest: Digest, stream: TextIO, width: int | None = None) -> None:
    """The top stories and the latest alerts of a replay (every one of both with ``digest.everything``)."""
    console = console_for(stream, width)
    console.print()
    console.print(stories_table(digest.stories(), digest.story_count, digest.everything, console.width))
    console.print()
    console.print(alerts_table(digest.alerts(), digest.alert_count, console.width))
    console.print()
