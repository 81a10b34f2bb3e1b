"""``crosswire report``: the page, the Atom feed and the CSVs, from JSONL with missing and extra fields."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import feedparser

from pipeline.cli import main
from pipeline.report import merge_alerts, write_report

EVIL = "<script>alert('x')</script>"


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def sample_out(tmp_path: Path) -> Path:
    """Two stories and three alerts (one with an update, one with fields a newer pipeline adds)."""
    out = tmp_path / "out"
    out.mkdir()
    links = ["https://a.example/peru-mexico", "https://b.example/peru-meksiko", "https://c.example/sanctions"]
    write(
        out / "articles.jsonl",
        [
            {
                "id": "a1",
                "link": links[0],
                "feed": "The Andean Dispatch",
                "title": "Peru declares Mexico's president persona non grata",
                "published": "2025-11-06T20:40:00Z",
                "lang": "en",
                "story_id": "s1",
                "entities": [{"id": "person:claudia sheinbaum", "text": "Sheinbaum", "kind": "person"}],
                "actions": [{"type": "persona_non_grata", "actor": "PER", "target": "MEX"}],
            },
            {
                "id": "a2",
                "link": links[1],
                "feed": "Warta Nusantara",
                "title": "Peru nyatakan Presiden Meksiko persona non grata",
                "published": "2025-11-07T08:00:00Z",
                "lang": "id",
                "story_id": "s1",
            },
            {"id": "a3", "link": links[2], "title": EVIL, "published": "2025-11-09T10:00:00Z", "story_id": "s2"},
        ],
    )
    write(
        out / "stories.jsonl",
        [
            {
                "id": "s1",
                "first_seen": "2025-11-06T20:40:00Z",
                "last_seen": "2025-11-07T08:00:00Z",
                "languages": ["en", "id"],
                "article_count": 2,
                "headline": "Peru declares Mexico's president persona non grata",
                "shared_entities": ["PER", "MEX", "person:claudia sheinbaum"],
                "shared_terms": ["persona non grata", "congress"],
                "article_ids": ["a1", "a2"],
            },
            {"id": "s2", "first_seen": "2025-11-09T10:00:00Z", "headline": EVIL},  # few fields
        ],
    )
    write(
        out / "alerts.jsonl",
        [
            {
                "alert_id": "al1",
                "kind": "alert",
                "action": {"type": "persona_non_grata", "cameo": "166", "plover": "SANCTION"},
                "actor": {"code": "PER", "name": "Peru"},
                "target": {"code": "MEX", "name": "Mexico"},
                "story_id": "s1",
                "headline": "Peru declares Mexico's president persona non grata",
                "languages": ["en"],
                "article_links": [links[0]],
                "first_seen": "2025-11-06T20:40:00Z",
                "evidence": {
                    "sentence": "Congress declared Sheinbaum persona non grata.",
                    "lang": "en",
                    "link": links[0],
                },
                "confidence": 0.87,
                "basis": "lexicon",
            },
            {
                "alert_id": "al1",
                "kind": "update",
                "languages": ["en", "id"],
                "article_links": [links[0], links[1]],
                "first_seen": "2025-11-06T20:40:00Z",
                "updated": "2025-11-07T08:00:00Z",
            },
            {
                "alert_id": "al2",
                "kind": "alert",
                "action": {"type": "impose_sanctions"},
                "actor": "USA",
                "target": {"code": "NIC"},
                "headline": EVIL,
                "first_seen": "2025-11-09T10:00:00Z",
            },
        ],
    )
    return out


def test_updates_merge_into_their_alert():
    merged = merge_alerts(
        [
            {"alert_id": "x", "kind": "update", "languages": ["fr"], "updated": "2", "first_seen": "1"},
            {"alert_id": "x", "kind": "alert", "languages": ["en"], "first_seen": "1"},
        ]
    )
    assert len(merged) == 1
    assert merged[0]["kind"] == "alert" and merged[0]["languages"] == ["en", "fr"] and merged[0]["updated"] == "2"


def test_report_writes_page_feed_and_csvs(tmp_path, capsys):
    out = sample_out(tmp_path)
    assert main(["report", str(out)]) == 0
    dest = out / "report"
    assert "report: 2 alerts, 2 stories, 3 articles" in capsys.readouterr().out
    html = (dest / "index.html").read_text(encoding="utf-8")
    assert "Peru → Mexico: persona non grata" in html
    assert "Congress declared Sheinbaum persona non grata." in html
    assert "United States → Nicaragua: impose sanctions" in html  # a bare code and a code without a name
    assert "The Andean Dispatch" in html and "Warta Nusantara" in html  # outlets
    assert "Sheinbaum" in html and "persona non grata</span>" in html  # linking entity, shared term
    assert "confidence" in html and "0.87" in html and "lexicon" in html  # extra alert fields shown
    assert EVIL not in html and "&lt;script&gt;" in html  # escaped


def test_atom_feed_parses_with_one_entry_per_alert(tmp_path):
    out = sample_out(tmp_path)
    write_report(out)
    feed = feedparser.parse((out / "report" / "alerts.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    by_id = {e.id: e for e in feed.entries}
    assert set(by_id) == {"urn:crosswire:alert:al1", "urn:crosswire:alert:al2"}
    first = by_id["urn:crosswire:alert:al1"]
    assert first.title == "Peru → Mexico: persona non grata"
    assert first.link == "https://a.example/peru-mexico"
    assert first.updated == "2025-11-07T08:00:00Z"  # the update's time
    assert "Evidence (en): Congress declared" in first.summary
    assert [t.term for t in first.tags] == ["persona_non_grata"]


def test_csvs_have_a_row_per_record_and_the_extra_fields(tmp_path):
    out = sample_out(tmp_path)
    write_report(out)

    def rows(name: str) -> list[dict]:
        with open(out / "report" / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    alerts = rows("alerts.csv")
    assert [a["alert_id"] for a in alerts] == ["al1", "al2"]
    assert alerts[0]["languages"] == "en; id" and alerts[0]["confidence"] == "0.87" and alerts[1]["confidence"] == ""
    stories = rows("stories.csv")
    assert stories[0]["outlets"] == "The Andean Dispatch; Warta Nusantara"
    assert stories[0]["shared_terms"] == "persona non grata; congress"
    assert len(rows("articles.csv")) == 3


def test_report_of_a_folder_without_outputs_says_so(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 1
    assert "has no alerts.jsonl" in capsys.readouterr().err


def test_a_live_runs_repeated_story_lines_count_once_with_the_latest(tmp_path):
    out = sample_out(tmp_path)
    with open(out / "stories.jsonl", "a", encoding="utf-8") as f:  # a live run appends a story as it grows
        f.write(json.dumps({"id": "s2", "first_seen": "2025-11-09T10:00:00Z", "headline": "Grown", "article_count": 3}))
        f.write("\n")
    done = write_report(out)
    assert done["stories"] == 2
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "Grown" in html and EVIL not in html
