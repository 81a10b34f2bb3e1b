"""``crosswire report OUT_DIR``: a replay's (or a live run's) JSONL turned into things people read.

Writes, into ``OUT_DIR/report`` (or ``--dest``):

- ``index.html``: one static page, no script, no network: the alerts with their evidence
  sentence and links, a timeline of the largest stories, and every story with its
  languages, outlets, the entities (and shared terms) that link its articles, and its articles;
- ``alerts.atom``: an Atom 1.0 feed of the alerts, for a feed reader;
- ``alerts.csv``, ``stories.csv``, ``articles.csv``: for a spreadsheet.

Records are read with ``.get``: fields a newer pipeline adds (an alert's ``confidence`` or
``basis``, a story's ``shared_terms``) are shown when present, and missing ones left blank.
"""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transforms.sinks import read_jsonl

ATOM = "http://www.w3.org/2005/Atom"
TIMELINE_STORIES = 40
# Alert fields shown in their own place; any other simple field is listed under "details".
ALERT_FIELDS = {
    "alert_id",
    "kind",
    "action",
    "actor",
    "target",
    "story_id",
    "headline",
    "languages",
    "article_links",
    "first_seen",
    "updated",
    "evidence",
}
TERM_FIELDS = ("shared_terms", "terms")


# --- pure helpers -----------------------------------------------------------------


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 UTC time (``...Z``) -> aware datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def mapping(value: Any) -> dict[str, Any]:
    """A nested record (``action``, ``evidence``) or an empty one when absent or of another shape."""
    return value if isinstance(value, dict) else {}


def party(value: Any) -> tuple[str, str]:
    """An alert's actor or target -> (code, name); a bare code names itself."""
    if isinstance(value, dict):
        code = str(value.get("code") or "")
        return code, str(value.get("name") or country_name(code))
    return str(value or ""), country_name(str(value or ""))


def country_name(code: str) -> str:
    """ISO alpha-3 -> the country's common name (pycountry); anything else as given."""
    if len(code) == 3 and code.isalpha() and code.isupper():
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            return str(getattr(country, "common_name", None) or country.name)
    return code


def language_name(code: str) -> str:
    import pycountry

    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return str(lang.name) if lang is not None else code


def entity_names(articles: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Entity id -> a readable name: the country's name, else the surface text seen most often."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for entity in article.get("entities") or []:
            if isinstance(entity, dict) and entity.get("id") and entity.get("text"):
                seen[str(entity["id"])][str(entity["text"])] += 1
    names = {eid: texts.most_common(1)[0][0] for eid, texts in seen.items()}
    for eid in list(names):
        if country_name(eid) != eid:
            names[eid] = country_name(eid)
    return names


def display_entity(eid: str, names: dict[str, str]) -> str:
    if eid in names:
        return names[eid]
    if country_name(eid) != eid:
        return country_name(eid)
    return eid.split(":", 1)[-1].title() if ":" in eid else eid


def merge_alerts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per alert id: the alert, with its updates' languages, links and latest time."""
    merged: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r.get("kind") != "alert", str(r.get("updated") or r.get("first_seen")))):
        key = str(row.get("alert_id") or "")
        if key not in merged:
            merged[key] = {**row, "languages": list(row.get("languages") or []), "updates": 0}
            merged[key].setdefault("updated", row.get("first_seen"))
            continue
        alert = merged[key]
        alert["updates"] += 1
        alert["languages"] = sorted(set(alert["languages"]) | set(row.get("languages") or []))
        links = list(alert.get("article_links") or [])
        alert["article_links"] = links + [x for x in row.get("article_links") or [] if x not in links]
        alert["updated"] = max(str(alert.get("updated") or ""), str(row.get("updated") or row.get("first_seen") or ""))
    return sorted(merged.values(), key=lambda a: (str(a.get("first_seen") or ""), str(a.get("alert_id"))))


def alert_title(alert: dict[str, Any]) -> str:
    """``Peru → Mexico: persona non grata``."""
    actor, target = party(alert.get("actor"))[1], party(alert.get("target"))[1]
    action = alert.get("action") or {}
    kind = str(action.get("type", "") if isinstance(action, dict) else action).replace("_", " ")
    return f"{actor or '?'} → {target or '?'}: {kind or 'action'}"


def details(record: dict[str, Any], known: set[str]) -> list[tuple[str, str]]:
    """The extra simple fields of a record (numbers, strings, lists of them), for display."""
    out = []
    for key in sorted(set(record) - known):
        value = record[key]
        if isinstance(value, bool | int | float | str) and value != "":
            out.append((key, f"{value:.2f}" if isinstance(value, float) else str(value)))
        elif isinstance(value, list) and value and all(isinstance(v, str | int | float) for v in value):
            out.append((key, ", ".join(map(str, value))))
    return out


def story_view(
    story: dict[str, Any], articles: list[dict[str, Any]], names: dict[str, str], span: tuple[float, float]
) -> dict[str, Any]:
    """What the page shows of one story: its articles in time order, outlets, entities, terms."""
    ordered = sorted(articles, key=lambda a: (str(a.get("published") or ""), str(a.get("id"))))
    outlets = sorted({str(a.get("feed")) for a in ordered if a.get("feed")})
    terms: list[str] = []
    for field in TERM_FIELDS:
        value = story.get(field)
        if isinstance(value, list):
            terms = [str(t) for t in value if isinstance(t, str | int | float)]
            break
    start, end = span
    width = max(end - start, 1.0)
    first, last = parse_time(story.get("first_seen")), parse_time(story.get("last_seen") or story.get("first_seen"))
    return {
        "id": story.get("id", ""),
        "headline": story.get("headline") or (ordered[0].get("title") if ordered else "") or "(no headline)",
        "first_seen": story.get("first_seen", ""),
        "last_seen": story.get("last_seen", ""),
        "count": story.get("article_count") or len(ordered) or len(story.get("article_ids") or []),
        "languages": [(c, language_name(c)) for c in story.get("languages") or []],
        "outlets": outlets,
        "entities": [display_entity(str(e), names) for e in story.get("shared_entities") or []],
        "terms": terms,
        "articles": ordered,
        "x0": 100.0 * ((first.timestamp() if first else start) - start) / width,
        "x1": 100.0 * ((last.timestamp() if last else start) - start) / width,
        "dots": [
            (100.0 * (t.timestamp() - start) / width, bool(a.get("actions")))
            for t, a in ((parse_time(a.get("published")), a) for a in ordered)
            if t is not None
        ],
    }


def latest_by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per id, the last written: a live run appends a story again as it grows, and a
    restarted run (same ``--out``) appends the same articles again."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        latest[str(row.get("id", ""))] = row
    return list(latest.values())


def time_span(stories: list[dict[str, Any]]) -> tuple[float, float]:
    times = [
        t.timestamp()
        for s in stories
        for t in (parse_time(s.get("first_seen")), parse_time(s.get("last_seen")))
        if t is not None
    ]
    return (min(times), max(times)) if times else (0.0, 1.0)


# --- writers ------------------------------------------------------------------------


def render_html(
    out_dir: Path, alerts: list[dict[str, Any]], stories: list[dict[str, Any]], articles: list[dict]
) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in articles:
        by_story[str(article.get("story_id"))].append(article)
    names = entity_names(articles)
    span = time_span(stories)
    views = [story_view(s, by_story.get(str(s.get("id")), []), names, span) for s in stories]
    views.sort(key=lambda v: (str(v["first_seen"]), str(v["id"])))
    largest = sorted(views, key=lambda v: (-int(v["count"] or 0), str(v["first_seen"])))[:TIMELINE_STORIES]
    largest.sort(key=lambda v: (str(v["first_seen"]), str(v["id"])))
    story_ids = {str(v["id"]) for v in views}
    env = Environment(loader=PackageLoader("pipeline", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["when"] = lambda iso: str(iso or "")[:16].replace("T", " ")
    return env.get_template("report.html.j2").render(
        source=str(out_dir),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        alerts=[
            {
                **a,
                "title": alert_title(a),
                "actor_code": party(a.get("actor"))[0],
                "target_code": party(a.get("target"))[0],
                "action_info": mapping(a.get("action")) or {"type": a.get("action")},
                "evidence_info": mapping(a.get("evidence")),
                "details": details(a, ALERT_FIELDS | {"updates"}),
                "story_known": str(a.get("story_id")) in story_ids,
            }
            for a in alerts
        ],
        stories=views,
        timeline=largest,
        span=[dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M") for t in span],
        article_count=len(articles),
    )


def atom_feed(alerts: list[dict[str, Any]], source: str) -> bytes:
    """An Atom 1.0 feed, one entry per alert (newest first); ids are stable across runs."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    def stamp(value: Any) -> str:
        parsed = parse_time(value) or dt.datetime.fromtimestamp(0, dt.UTC)
        return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", "Crosswire alerts")
    sub(feed, "subtitle", f"Diplomatic actions detected in {source}")
    sub(feed, "id", "urn:crosswire:alerts")
    sub(feed, "updated", stamp(max((str(a.get("updated") or a.get("first_seen") or "") for a in alerts), default="")))
    author = sub(feed, "author")
    sub(author, "name", "Crosswire")
    sub(feed, "generator", "Crosswire")
    for alert in sorted(alerts, key=lambda a: str(a.get("first_seen") or ""), reverse=True):
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:crosswire:alert:{alert.get('alert_id', '')}")
        sub(entry, "title", alert_title(alert))
        sub(entry, "published", stamp(alert.get("first_seen")))
        sub(entry, "updated", stamp(alert.get("updated") or alert.get("first_seen")))
        evidence = mapping(alert.get("evidence"))
        link = evidence.get("link") or next(iter(alert.get("article_links") or []), None)
        if link:
            sub(entry, "link", href=str(link), rel="alternate")
        for other in alert.get("article_links") or []:
            if other != link:
                sub(entry, "link", href=str(other), rel="related")
        action = mapping(alert.get("action"))
        if action.get("type"):
            sub(entry, "category", term=str(action["type"]), label=str(action["type"]).replace("_", " "))
        lines = [str(alert.get("headline") or "")]
        if evidence.get("sentence"):
            lines.append(f"Evidence ({evidence.get('lang', '?')}): {evidence['sentence']}")
        lines.append(f"Languages: {', '.join(alert.get('languages') or [])}")
        lines += [f"{key}: {value}" for key, value in details(alert, ALERT_FIELDS | {"updates"})]
        sub(entry, "summary", "\n".join(line for line in lines if line), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """UTF-8 with a BOM, so spreadsheets guess the encoding right; lists joined by ``;``."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v) for v in row])


def write_csvs(dest: Path, alerts: list[dict[str, Any]], stories: list[dict[str, Any]], articles: list[dict]) -> None:
    extra = sorted({key for a in alerts for key, _ in details(a, ALERT_FIELDS | {"updates"})})
    alert_rows = []
    for a in alerts:
        action = mapping(a.get("action")) or {"type": a.get("action")}
        evidence = mapping(a.get("evidence"))
        (actor, actor_name), (target, target_name) = party(a.get("actor")), party(a.get("target"))
        simple = dict(details(a, ALERT_FIELDS | {"updates"}))
        alert_rows.append(
            [a.get("alert_id"), a.get("first_seen"), a.get("updated"), actor, actor_name, action.get("type")]
            + [action.get("cameo"), action.get("plover"), target, target_name, a.get("languages"), a.get("headline")]
            + [evidence.get("sentence"), evidence.get("lang"), evidence.get("link"), a.get("article_links")]
            + [a.get("story_id")]
            + [simple.get(key, "") for key in extra]
        )
    write_csv(
        dest / "alerts.csv",
        ["alert_id", "first_seen", "updated", "actor", "actor_name", "action", "cameo", "plover", "target"]
        + ["target_name", "languages", "headline", "evidence_sentence", "evidence_lang", "evidence_link"]
        + ["article_links", "story_id", *extra],
        alert_rows,
    )
    outlets: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        if article.get("feed"):
            outlets[str(article.get("story_id"))].add(str(article["feed"]))
    write_csv(
        dest / "stories.csv",
        ["id", "first_seen", "last_seen", "article_count", "languages", "outlets", "headline", "shared_entities"]
        + ["shared_terms"],
        (
            [s.get("id"), s.get("first_seen"), s.get("last_seen"), s.get("article_count"), s.get("languages")]
            + [sorted(outlets.get(str(s.get("id")), ())), s.get("headline"), s.get("shared_entities")]
            + [next((s[f] for f in TERM_FIELDS if isinstance(s.get(f), list)), [])]
            for s in sorted(stories, key=lambda s: (str(s.get("first_seen")), str(s.get("id"))))
        ),
    )
    write_csv(
        dest / "articles.csv",
        ["id", "published", "lang", "feed", "title", "link", "story_id", "actions"],
        (
            [a.get("id"), a.get("published"), a.get("lang"), a.get("feed"), a.get("title"), a.get("link")]
            + [a.get("story_id")]
            + [
                [
                    f"{x.get('actor')} {x.get('type')} {x.get('target')}"
                    for x in a.get("actions") or []
                    if isinstance(x, dict)
                ]
            ]
            for a in sorted(articles, key=lambda a: (str(a.get("published")), str(a.get("id"))))
        ),
    )


def write_report(out_dir: Path, dest: Path | None = None) -> dict[str, Any]:
    """Read ``out_dir``'s JSONL, write the page, the feed and the CSVs; return what was written."""
    out_dir = Path(out_dir)
    if not (out_dir / "alerts.jsonl").is_file() and not (out_dir / "stories.jsonl").is_file():
        raise FileNotFoundError(f"{out_dir} has no alerts.jsonl or stories.jsonl: give the --out of a replay or run")
    dest = Path(dest) if dest else out_dir / "report"
    dest.mkdir(parents=True, exist_ok=True)
    alerts = merge_alerts(read_jsonl(out_dir / "alerts.jsonl"))
    stories = latest_by_id(read_jsonl(out_dir / "stories.jsonl"))
    articles = latest_by_id(read_jsonl(out_dir / "articles.jsonl"))
    (dest / "index.html").write_text(render_html(out_dir, alerts, stories, articles), encoding="utf-8")
    (dest / "alerts.atom").write_bytes(atom_feed(alerts, str(out_dir)))
    write_csvs(dest, alerts, stories, articles)
    files = ["index.html", "alerts.atom", "alerts.csv", "stories.csv", "articles.csv"]
    return {"dest": dest, "files": files, "alerts": len(alerts), "stories": len(stories), "articles": len(articles)}
