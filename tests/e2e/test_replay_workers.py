"""Replay on several processes: the same bytes as on one, and the same lines as the Beam graph."""

from __future__ import annotations

import json
import subprocess
import sys

import apache_beam as beam
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from pipeline.build import OUTPUT_FILES, build_replay, write_outputs
from pipeline.replay import run_replay
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Every kind of input the project has: gold feeds, seeds, repeats, bad files, plain text."""
    feeds = tmp_path_factory.mktemp("gold-feeds")
    gold = FIXTURES / "heldout" / "articles.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gold_to_feeds.py"), str(gold), str(feeds)], check=True)
    return [str(feeds), str(ROOT / "seeds"), *(str(FIXTURES / name) for name in ("feeds", "bad", "text"))]


def test_two_workers_write_the_same_bytes_as_one(inputs, config, tmp_path):
    one = run_replay(inputs, tmp_path / "one", config, workers=1)
    two = run_replay(inputs, tmp_path / "two", config, workers=2)
    assert one["articles"] > 80 and one["duplicates"] > 0 and one["dead_letters"] > 0 and one["alerts"] > 0
    assert {k: v for k, v in one.items() if k != "workers"} == {k: v for k, v in two.items() if k != "workers"}
    for name in OUTPUT_FILES:
        assert (tmp_path / "one" / f"{name}.jsonl").read_bytes() == (tmp_path / "two" / f"{name}.jsonl").read_bytes()
    written = {json.loads(line)["lang"] for line in (tmp_path / "one" / "articles.jsonl").open(encoding="utf-8")}
    assert len(written) >= 3 and written <= set(one["languages"]) <= {*config.languages, "und"}


def test_only_the_languages_of_the_input_get_matchers(config, tmp_path):
    """Languages are detected where the files are parsed, so a replay of the seeds (English and
    Indonesian) builds two languages' matchers, not every configured one's."""
    summary = run_replay([str(ROOT / "seeds")], tmp_path / "seeds", config, workers=2)
    assert summary["languages"] == ["en", "id"]
    assert summary["articles"] == 2 and summary["alerts"] >= 2


def test_replay_gives_the_lines_of_the_beam_graph(inputs, config, tmp_path):
    summary = run_replay(inputs, tmp_path / "pool", config, workers=2)
    pipeline = beam.Pipeline(runner=FnApiRunner())
    write_outputs(build_replay(pipeline, inputs, config), tmp_path / "beam")
    pipeline.run().wait_until_finish()
    lines = {}
    for name in OUTPUT_FILES:
        pool = (tmp_path / "pool" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        graph = (tmp_path / "beam" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert sorted(pool) == sorted(graph), name
        lines[name] = len(graph)
    assert (summary["articles"], summary["stories"], summary["dead_letters"], summary["duplicates"]) == (
        lines["articles"],
        lines["stories"],
        lines["dead_letter"],
        lines["duplicates"],
    )


def test_a_replay_never_loads_beam(tmp_path):
    """The replay runs the pure stages in its own processes: importing Beam would cost each run
    over a second of one core before any file is read. Every other command may load it."""
    args = ["replay", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--quiet", "--workers", "2"]
    script = (
        "import sys\n"
        "from pipeline.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'apache_beam')[:3])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "alerts.jsonl").stat().st_size > 0
