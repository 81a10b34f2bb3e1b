"""Replay throughput against the NLP floor on the same texts, and peak memory at several sizes.

    .venv/bin/python -m bench.bench_replay [--size 2000] [--runs 3] [--workers N] [--memory-sizes 10000,25800]
        [--corpus ../shared/corpus-dev] [--scaler ../shared/eval/scale_corpus.py]

The corpus is the gold corpus copied with shifted dates (``scale_corpus.py``) up to ``--size``
articles. In one run this measures:

- **floor**: per-article CPU cost of each stage (feed parsing, language ID, entity extraction,
  action detection), on a sample of the same articles, in a fresh process (caches as cold as a
  replay's): the per-core rate a replay could reach with no overhead at all;
- **replay**: ``crosswire replay --workers 1`` and ``--workers N`` as a user runs them;
- the floor is measured first and again after every replay, so each replay sits between two
  floors; its share is its rate / (the mean of those two floors' rates x workers), and the
  headline is the median share of ``--runs`` replays. On a shared virtual machine the speed
  drifts by a fifth within minutes (floors minutes apart ranged 2.3 to 3.6 ms an article; no
  CPU was stolen): a ratio of medians taken minutes apart moved from 63 % to 73 % between two
  runs of the same code. The floor times ``--sample`` articles: on a copied corpus that holds each
  text many times (about 18 at 25,850 articles), so its caches are about as warm as the
  replay's;
- **memory**: peak proportional set size (PSS: shared pages counted once) of the replay's
  process tree, and of its largest process, at each of ``--memory-sizes``, in runs of their own
  (sampling PSS costs CPU, so the timed runs do not).

The machine may be shared: the load average and the CPU the replay got are printed beside.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("CROSSWIRE_SHARED", ROOT.parent / "shared"))
if not SHARED.is_dir():
    SHARED = Path("/work/shared")


def gold_count(corpus: Path) -> int:
    return sum(1 for line in (corpus / "articles.jsonl").open(encoding="utf-8") if line.strip())


def scaled(corpus: Path, size: int, scaler: Path, work: Path) -> Path:
    """A corpus of about ``size`` articles: enough shifted copies of the gold one."""
    copies = max(1, math.ceil(size / gold_count(corpus)))
    out = work / f"corpus-{copies}"
    if not (out / "feeds").is_dir():
        subprocess.run([sys.executable, str(scaler), str(corpus), str(out), "--copies", str(copies)], check=True)
    return out / "feeds"


# ----------------------------------------------------------------------------- floor


def floor(feeds: Path, sample: int) -> dict[str, float]:
    """CPU milliseconds per article for each stage, in this process, on the corpus's own articles.

    CPU time, not wall time: on a shared machine it is what the stages cost, whatever the load.
    """
    from pipeline.config import load_config
    from pipeline.replay import parse_file, warm
    from transforms.entities import iter_entities
    from transforms.feeds import list_input_files
    from transforms.language import detect_article_language
    from transforms.records import article_text

    cfg = load_config(ROOT / "configs")
    stages = warm(cfg)
    files, _ = list_input_files([str(feeds)])
    start = time.process_time()
    articles = [a for path in files for _, a in parse_file(path).articles]
    parse_ms = 1000 * (time.process_time() - start) / len(articles)
    step = max(1, len(articles) // sample)
    picked = articles[::step][:sample]
    times = {"language": 0.0, "entities": 0.0, "actions": 0.0}
    for article in picked:
        t0 = time.process_time()
        article = detect_article_language(article, stages.detector)
        t1 = time.process_time()
        entities = tuple(iter_entities(stages.extractor, article))
        t2 = time.process_time()
        stages.actions.detect(article_text(article), article.lang, entities, article.published)
        t3 = time.process_time()
        times["language"] += t1 - t0
        times["entities"] += t2 - t1
        times["actions"] += t3 - t2
    per = {"parse": parse_ms, **{k: 1000 * v / len(picked) for k, v in times.items()}}
    per["total"] = sum(per.values())
    return per


# ----------------------------------------------------------------------------- replay


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):  # the process may have ended meanwhile
                todo += [int(c) for c in (task / "children").read_text().split()]
    return pids


def _kib(pid: int, field: str, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def floor_in_a_fresh_process(feeds: Path, sample: int) -> dict[str, float]:
    """``floor`` measured by a new interpreter: each measurement starts from cold caches."""
    cmd = [sys.executable, "-m", "bench.bench_replay", "--floor-of", str(feeds), "--sample", str(sample)]
    done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def replay(feeds: Path, workers: int, out: Path, memory: bool = False) -> dict[str, float]:
    """One ``crosswire replay`` as a user runs it: articles/s, CPU it got and, with ``memory``, the
    peak PSS of its process tree. Reading PSS makes the kernel walk every page of the replay's
    processes (~20 ms of CPU four times a second, on the cores the replay runs on), so the runs
    that time the replay do not sample it."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(feeds), "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--workers", str(workers)], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    peak_tree = peak_one = 0
    while memory and proc.poll() is None:
        pss = [_kib(p, "Pss:", "smaps_rollup") for p in _tree(proc.pid)]
        peak_tree, peak_one = max(peak_tree, sum(pss)), max(peak_one, max(pss, default=0))
        time.sleep(0.25)
    proc.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"replay failed: {' '.join(cmd)}")
    articles = sum(1 for _ in (out / "articles.jsonl").open(encoding="utf-8"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "articles": articles,
        "seconds": wall,
        "rate": articles / wall,
        "cpu_rate": articles / cpu,
        "cores_used": cpu / wall,
        "pss_tree_mib": peak_tree / 1024,
        "pss_max_mib": peak_one / 1024,
        "load": load,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=int(os.environ.get("BENCH_SIZE", 2000)))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--sample", type=int, default=2000, help="articles timed per stage for the floor")
    ap.add_argument("--memory-sizes", default="", help="comma-separated corpus sizes for the memory curve")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus-dev")
    ap.add_argument("--scaler", type=Path, default=SHARED / "eval" / "scale_corpus.py")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "crosswire-bench")
    ap.add_argument("--floor-of", type=Path, default=None, help=argparse.SUPPRESS)  # one floor, as JSON
    args = ap.parse_args(argv)
    if args.floor_of is not None:
        print(json.dumps(floor(args.floor_of, args.sample)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    feeds = scaled(args.corpus, args.size, args.scaler, args.work)
    print(f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}")

    floors = [floor_in_a_fresh_process(feeds, args.sample)]
    runs: dict[int, list[dict[str, float]]] = {1: [], args.workers: []}
    for _ in range(args.runs):
        for workers in runs:
            result = replay(feeds, workers, args.work / "out")
            floors.append(floor_in_a_fresh_process(feeds, args.sample))
            # its floor: the mean per-core rate of the floors just before and just after it
            result["floor_rate"] = (1000 / floors[-2]["total"] + 1000 / floors[-1]["total"]) / 2
            runs[workers].append(result)
    per = {stage: statistics.median(f[stage] for f in floors) for stage in floors[0]}
    stages = ", ".join(f"{k} {v:.2f}" for k, v in per.items() if k != "total")
    each = " / ".join(f"{f['total']:.2f}" for f in floors)
    print(
        f"floor: {per['total']:.2f} CPU ms/article, median of {each} ({stages}) = {1000 / per['total']:.0f} "
        "articles/s/core"
    )
    for workers, results in runs.items():
        shares = [r["rate"] / (r["floor_rate"] * workers) for r in results]
        cpu_shares = [r["cpu_rate"] / r["floor_rate"] for r in results]
        print(
            f"replay --workers {workers}: {results[0]['articles']} articles, median "
            f"{statistics.median(r['rate'] for r in results):.0f} articles/s; "
            f"**{statistics.median(shares):.0%} of floor x {workers}** "
            f"(each run: {' / '.join(f'{x:.0%}' for x in shares)}); "
            f"articles per CPU-second {statistics.median(cpu_shares):.0%} of floor; "
            f"cores used {statistics.median(r['cores_used'] for r in results):.2f}; "
            f"load {statistics.median(r['load'] for r in results):.1f}"
        )
    speedup = statistics.median(r["rate"] for r in runs[args.workers]) / statistics.median(r["rate"] for r in runs[1])
    print(f"speed-up with {args.workers} workers: {speedup:.2f}x")

    for size in [int(s) for s in args.memory_sizes.split(",") if s]:
        result = replay(scaled(args.corpus, size, args.scaler, args.work), args.workers, args.work / "out", memory=True)
        print(
            f"memory at {result['articles']} articles: peak PSS {result['pss_tree_mib']:.0f} MiB for the process tree, "
            f"{result['pss_max_mib']:.0f} MiB its largest process; {result['rate']:.0f} articles/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
