"""Real-news bench: replay real feeds, score actions and alerts, list the false alerts.

    python bench/eval_realnews.py [FEEDS] [--labels LABELS] [--probe PROBE_FEEDS] [--out DIR]
                                  [--scorer score_actions.py] [--reuse] [--json]

FEEDS (default ``/tmp/wcep/dev/feeds``) is a folder of feeds built by
``../shared/realnews/build_wcep.py``: the texts are Wikipedia's and stay outside the repo.
The replay is the real ``crosswire replay``; the scoring is the shared real-news scorer
(``score_actions.py --json``), whose figures this script prints per type, with every false
alert (and, apart, every alert on a key the labels keep as background).

``--probe`` (default ``/tmp/semeval-train/feeds-original``, skipped when absent) replays a
set of real articles that report almost no diplomatic action: every alert there is probably
false, so all of them are listed with their basis, confidence and evidence, to be read.
``--reuse`` scores an earlier replay in ``--out`` instead of replaying again.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared") if Path("/work/shared").is_dir() else ROOT.parent / "shared"
DEFAULT_FEEDS = Path("/tmp/wcep/dev/feeds")
DEFAULT_PROBE = Path("/tmp/semeval-train/feeds-original")
DEFAULT_LABELS = SHARED / "realnews" / "labels-2025.jsonl"
DEFAULT_SCORER = SHARED / "realnews" / "score_actions.py"


def replay(feeds: Path, out: Path) -> float:
    """Run ``crosswire replay`` on a folder; returns the wall time in seconds."""
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(feeds), "--out", str(out)]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def score(scorer: Path, labels: Path, pred: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(scorer), "--labels", str(labels), "--pred", str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _row(name: str, m: dict[str, Any]) -> str:
    f = lambda v: f"{v:.3f}" if isinstance(v, (int, float)) else "  -  "  # noqa: E731
    counts = " ".join(f"{k} {m[k]}" for k in ("tp", "fp", "fn", "correct", "false", "neutral") if k in m)
    return f"  {name:20} P {f(m.get('p'))}  R {f(m.get('r'))}  F1 {f(m.get('f1'))}   {counts}"


def print_report(m: dict[str, Any], seconds: float | None) -> None:
    took = f" (replay {seconds:.0f} s)" if seconds is not None else ""
    print(f"real news: {m['labelled_articles']} labelled articles, {m['gold_actions']} gold actions{took}")
    print(_row("ACTIONS", m["actions"]))
    print(_row("ALERTS", m["alerts"]))
    print(_row("alerts, bg neutral", m["alerts_bg_neutral"]))
    print("actions by type:")
    for name, row in sorted(m["actions_by_type"].items()):
        print(_row(name, row))
    print("alerts by type:")
    for name, row in sorted(m["alerts_by_type"].items()):
        print(_row(name, row))
    false = [a for a in m["alert_list"] if a.get("status") == "fp"]
    background = [a for a in m["alert_list"] if a.get("status") == "background"]
    print(f"false alerts ({len(false)}):")
    for a in false:
        print(f"  {a.get('type')} {a.get('actor')}->{a.get('target')}  {' '.join(a.get('ids') or [])}")
    print(f"alerts on background keys ({len(background)}):")
    for a in background:
        print(f"  {a.get('type')} {a.get('actor')}->{a.get('target')}  {' '.join(a.get('ids') or [])}")
    print(f"missed keys ({len(m.get('alert_missed_keys') or [])}):")
    for k in m.get("alert_missed_keys") or []:
        print(f"  {k.get('type')} {k.get('actor')}->{k.get('target')}")


def probe_alerts(out: Path) -> list[dict[str, Any]]:
    path = out / "alerts.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("kind") == "alert"]


def print_probe(alerts: list[dict[str, Any]], seconds: float | None) -> None:
    took = f" (replay {seconds:.0f} s)" if seconds is not None else ""
    print(f"false-alert probe: {len(alerts)} alerts{took}; each is probably false, read them:")
    for a in alerts:
        ev = a.get("evidence") or {}
        print(
            f"  {a['action']['type']} {a['actor']['code']}->{a['target']['code']} "
            f"[{a.get('basis', '-')}, {a.get('confidence', '-')}, {ev.get('lang')}] {str(ev.get('sentence'))[:160]!r}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("feeds", nargs="?", type=Path, default=DEFAULT_FEEDS)
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--probe", type=Path, default=DEFAULT_PROBE)
    ap.add_argument("--out", type=Path, default=Path("/tmp/crosswire-realnews"))
    ap.add_argument("--reuse", action="store_true", help="score the replays already in --out")
    ap.add_argument("--json", action="store_true", help="print the scorer's JSON and the probe alerts")
    args = ap.parse_args(argv)
    if not args.feeds.is_dir():
        print(f"feeds folder not found: {args.feeds} (build it with ../shared/realnews/build_wcep.py)", file=sys.stderr)
        return 2
    main_out, probe_out = args.out / "realnews", args.out / "probe"
    seconds = None if args.reuse else replay(args.feeds, main_out)
    m = score(args.scorer, args.labels, main_out)
    probe: list[dict[str, Any]] | None = None
    probe_seconds = None
    if args.probe.is_dir():
        probe_seconds = None if args.reuse else replay(args.probe, probe_out)
        probe = probe_alerts(probe_out)
    if args.json:
        print(json.dumps({"realnews": m, "probe_alerts": probe}, ensure_ascii=False, indent=1))
        return 0
    print_report(m, seconds)
    if probe is not None:
        print_probe(probe, probe_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
