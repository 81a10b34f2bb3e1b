"""The replay's closing summary on the terminal: top stories and every alert, at most 100 columns.

rich lays the tables out; on a terminal they get colour, anywhere else (a pipe, a file, CI)
the same layout is written as plain text with no escape codes. Records are read with
``.get`` throughout: stories and alerts may gain fields (or lack optional ones).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from transforms.sinks import read_jsonl

MAX_WIDTH = 100
TOP_STORIES = 10


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


def merged_alerts(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per alert id, with the languages its updates added; in time order."""
    firsts: dict[str, dict[str, Any]] = {}
    languages: dict[str, set[str]] = {}
    for a in alerts:
        key = str(a.get("alert_id", ""))
        languages.setdefault(key, set()).update(a.get("languages") or [])
        if a.get("kind", "alert") == "alert" or key not in firsts:
            firsts[key] = a
    rows = [{**a, "languages": sorted(languages[k])} for k, a in firsts.items()]
    return sorted(rows, key=lambda a: (str(a.get("first_seen", "")), str(a.get("alert_id", ""))))


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


def alerts_table(alerts: list[dict[str, Any]], width: int = MAX_WIDTH) -> Any:
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
    return layout(f"Alerts ({len(alerts)})", headers, rows, width)


def print_summary(out_dir: Path, stream: TextIO, everything: bool = False, width: int | None = None) -> None:
    """Top stories (all with ``everything``) and every alert of the replay in ``out_dir``."""
    stories = read_jsonl(Path(out_dir) / "stories.jsonl")
    alerts = merged_alerts(read_jsonl(Path(out_dir) / "alerts.jsonl"))
    console = console_for(stream, width)
    console.print()
    shown = top_stories(stories, None if everything else TOP_STORIES)
    console.print(stories_table(shown, len(stories), everything, console.width))
    console.print()
    console.print(alerts_table(alerts, console.width))
    console.print()
