"""The replay's terminal output: the progress counters and the 100-column summary."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.progress import ReplayProgress
from pipeline.summary import LATEST_ALERTS, MAX_WIDTH, Digest, print_summary, stories_table, top_stories

ANSI = re.compile(r"\x1b\[")


@pytest.mark.beam
def test_the_progress_display_counts_each_stage_of_a_real_replay(tmp_path: Path):
    from pipeline.config import load_config
    from pipeline.replay import run_replay

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    seeds = sorted(str(p) for p in (Path(__file__).parents[2] / "seeds").glob("*.xml"))
    digest = Digest()
    with ReplayProgress(len(seeds), console=console) as display:
        summary = run_replay(seeds, tmp_path / "out", load_config(), progress=display.add, workers=1, digest=digest)
    assert display.counts["files"] == len(seeds)
    assert display.counts["items"] == summary["items_read"]
    for stage in ("distinct", "language", "entities", "actions", "grouped"):
        assert display.counts[stage] == summary["articles"], stage
    text = ANSI.sub("", stream.getvalue())
    assert "files read" in text and f"{len(seeds)}/{len(seeds)}" in text
    assert "grouped into stories" in text and f"{summary['articles']}/{summary['articles']}" in text
    # what the summary shows was gathered while writing: the same as reading the files back
    written = Digest.of_folder(tmp_path / "out")
    assert digest.story_count == summary["stories"] and digest.alert_count == summary["alerts"] > 0
    assert (digest.stories(), digest.alerts()) == (written.stories(), written.alerts())


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    stories = [
        {
            "id": f"s{i}",
            "first_seen": f"2026-10-{i + 1:02d}T10:00:00Z",
            "article_count": i + 1,
            "languages": ["de", "en", "es", "fr", "id", "it", "nl", "pt"][: 1 + i % 8],
            "headline": f"Story {i} " + "with a very long headline that must be cut " * 4,
            "terms": ["extra", "field"],  # fields the summary does not know are ignored
        }
        for i in range(25)
    ]
    alerts = [
        {
            "alert_id": f"a{i}",
            "kind": "alert",
            "action": {"type": "persona_non_grata"},
            "actor": {"code": "PER"},
            "target": {"code": "MEX"},
            "languages": ["en"],
            "first_seen": f"2026-10-{i + 1:02d}T11:00:00Z",
            "headline": "Peru declares Mexico's president persona non grata " * 3,
            "confidence": 0.9,
        }
        for i in range(12)
    ]
    alerts.append({"alert_id": "a3", "kind": "update", "languages": ["en", "es"]})  # an update, few fields
    alerts.append({"alert_id": "a99", "kind": "alert"})  # an alert missing most fields
    write(tmp_path / "stories.jsonl", stories)
    write(tmp_path / "alerts.jsonl", alerts)
    return tmp_path


def test_summary_is_plain_text_within_100_columns_with_top_stories_and_every_alert(out_dir):
    stream = io.StringIO()  # not a terminal: plain mode
    print_summary(Digest.of_folder(out_dir), stream)
    text = stream.getvalue()
    assert not ANSI.search(text)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= MAX_WIDTH
    assert "Stories (25, top 10 by articles; --all for every one)" in text
    assert "Story 24 " in text and "Story 14 " not in text  # the ten largest
    assert "Alerts (13)" in text
    assert text.count("PER → MEX") == 12
    assert "…" in text


def test_all_lists_every_story(out_dir):
    stream = io.StringIO()
    print_summary(Digest.of_folder(out_dir, everything=True), stream)
    text = stream.getvalue()
    assert "Stories (25)" in text
    assert all(f"Story {i} " in text for i in range(25))


def test_narrow_terminal_keeps_every_column():
    stream = io.StringIO()
    stories = [{"first_seen": "2026-10-01T10:00:00Z", "article_count": 3, "languages": ["en"], "headline": "x" * 200}]
    Console(file=stream, width=70).print(stories_table(stories, 1, False, 70))
    lines = stream.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 70
    assert "2026-10-01 10:00" in lines[-1] and " 3 " in lines[-1]


def test_updates_add_their_languages_to_the_alert():
    digest = Digest()
    digest.alert({"alert_id": "x", "kind": "alert", "languages": ["en"], "first_seen": "1", "headline": "h"})
    digest.alert({"alert_id": "x", "kind": "update", "languages": ["en", "fr"], "headline": "later"})
    digest.alert({"alert_id": "y", "kind": "alert", "languages": ["de"], "first_seen": "0"})
    assert [(r["alert_id"], r["languages"], r["headline"]) for r in digest.alerts()] == [
        ("y", ["de"], None),
        ("x", ["en", "fr"], "h"),
    ]


def test_a_long_run_shows_the_latest_alerts_and_the_largest_stories():
    """Thousands of alerts or stories (an archive replayed) keep the summary short; --all shows every one."""
    digest, everything = Digest(), Digest(everything=True)
    for i in range(500):
        story = {"id": f"s{i:03d}", "first_seen": f"t{i:03d}", "article_count": (i * 37) % 101, "languages": ["en"]}
        alert = {"alert_id": f"a{i:03d}", "kind": "alert", "first_seen": f"t{i:03d}", "headline": f"Alert {i:03d}"}
        for d in (digest, everything):
            d.story(story)
            d.alert(alert)
    assert [s["article_count"] for s in digest.stories()] == [100, 100, 100, 100, 100, 99, 99, 99, 99, 99]
    assert [a["alert_id"] for a in digest.alerts()] == [f"a{i:03d}" for i in range(500 - LATEST_ALERTS, 500)]
    assert len(everything.stories()) == len(everything.alerts()) == 500
    stream = io.StringIO()
    print_summary(digest, stream)
    text = stream.getvalue()
    assert f"Alerts (500, latest {LATEST_ALERTS}; --all for every one)" in text
    assert "Alert 499" in text and f"Alert {499 - LATEST_ALERTS:03d}" not in text


def test_top_stories_rank_by_articles_then_languages():
    stories = [
        {"id": "a", "article_count": 2, "languages": ["en"]},
        {"id": "b", "article_count": 2, "languages": ["en", "fr"]},
    ]
    assert [s["id"] for s in top_stories(stories, 1)] == ["b"]
