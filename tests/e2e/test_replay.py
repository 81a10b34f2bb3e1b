"""End-to-end: ``crosswire replay`` as a user runs it, on seeds, bad input, the dev corpus, feeds-wild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, shared_path
from transforms.sinks import read_jsonl

pytestmark = pytest.mark.slow

# The bars of the issues; the scorer exits 1 when one is not met.
CORPUS_BARS = {
    "coverage": 1.0,
    "duplicates": 0.0,
    "lang_accuracy": 0.98,
    "bcubed_f1": 0.92,
    "xlang_pair_recall": 0.90,
    "action_f1": 0.85,
    "alert_p": 0.95,
    "alert_r": 0.90,
}


def replay(*paths: Path | str, out: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PUBSUB_EMULATOR_HOST"}
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", *map(str, paths), "--out", str(out), *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    result = replay(ROOT / "seeds", out=out)
    assert result.returncode == 0, result.stderr
    return out, result


def test_seed_replay_writes_every_output(seeds_out):
    out, result = seeds_out
    for name in ("articles", "stories", "alerts", "dead_letter", "sources", "duplicates"):
        assert (out / f"{name}.jsonl").exists(), name
    articles = read_jsonl(out / "articles.jsonl")
    assert sorted(a["lang"] for a in articles) == ["en", "id"]
    for a in articles:
        assert set(a) >= {"id", "link", "guid", "feed", "title", "summary", "published", "lang", "lang_confidence"}
        assert set(a) >= {"entities", "story_id", "actions"}
    assert "replay: 2 files, 2 items read, 2 articles, 0 duplicates, 0 dead letters" in result.stdout


def test_seed_articles_form_one_story(seeds_out):
    out, _ = seeds_out
    articles = read_jsonl(out / "articles.jsonl")
    assert len({a["story_id"] for a in articles}) == 1
    stories = read_jsonl(out / "stories.jsonl")
    assert len(stories) == 1 and stories[0]["languages"] == ["en", "id"]
    assert {"PER", "MEX"} <= set(stories[0]["shared_entities"])


def test_seed_replay_alerts_peru_declared_mexicos_president_persona_non_grata(seeds_out):
    out, result = seeds_out
    alerts = [a for a in read_jsonl(out / "alerts.jsonl") if a["kind"] == "alert"]
    keys = {(a["actor"]["code"], a["action"]["type"], a["target"]["code"]) for a in alerts}
    assert ("PER", "persona_non_grata", "MEX") in keys
    assert ("PER", "sever_relations", "MEX") in keys
    assert len(keys) == len(alerts), "one alert per (story, actor, type, target)"
    assert "PER → MEX" in result.stdout and "persona_non_grata" in result.stdout


def test_plain_text_articles_in_two_languages_form_one_story_with_its_alerts(tmp_path):
    result = replay(FIXTURES / "text", out=tmp_path)
    assert result.returncode == 0, result.stderr
    articles = read_jsonl(tmp_path / "articles.jsonl")
    assert sorted(a["lang"] for a in articles) == ["en", "es"]
    assert all(a["link"].startswith("file://") for a in articles)
    assert len({a["story_id"] for a in articles}) == 1
    alerts = read_jsonl(tmp_path / "alerts.jsonl")
    assert ("PER", "sever_relations", "MEX") in {
        (a["actor"]["code"], a["action"]["type"], a["target"]["code"]) for a in alerts if a["kind"] == "alert"
    }


def test_seed_texts_from_shared_form_one_story(tmp_path):
    seeds = shared_path("seeds")
    result = replay(*sorted(seeds.glob("*.txt")), out=tmp_path)
    assert result.returncode == 0, result.stderr
    articles = read_jsonl(tmp_path / "articles.jsonl")
    assert len(articles) == 2 and sorted(a["lang"] for a in articles) == ["en", "id"]
    assert len({a["story_id"] for a in articles}) == 1


def test_bad_input_is_accounted_for_and_the_run_goes_on(tmp_path):
    result = replay(FIXTURES / "bad", FIXTURES / "feeds", ROOT / "seeds", tmp_path / "missing.xml", out=tmp_path)
    assert result.returncode == 0, result.stderr
    letters = read_jsonl(tmp_path / "dead_letter.jsonl")
    by_file = {Path(d["source"].split("#")[0]).name: d for d in letters}
    assert {"empty.xml", "not-a-feed.xml", "binary.xml", "wrong-encoding.xml", "truncated.xml"} <= set(by_file)
    assert "unescaped-ampersand.xml" in by_file and "missing.xml" in by_file
    for letter in letters:
        assert letter["reason"] and letter["stage"] and len(letter["excerpt"]) <= 300
        assert f"dead letter [{letter['stage']}]" in result.stderr
    sources = read_jsonl(tmp_path / "sources.jsonl")
    items = sum(s["items"] for s in sources)
    articles = read_jsonl(tmp_path / "articles.jsonl")
    duplicates = read_jsonl(tmp_path / "duplicates.jsonl")
    item_letters = [d for d in letters if d["stage"] == "normalise"]
    assert len(articles) + len(duplicates) + len(item_letters) == items
    assert len(duplicates) == 2


def test_nothing_readable_exits_non_zero(tmp_path):
    result = replay(FIXTURES / "bad" / "empty.xml", FIXTURES / "bad" / "binary.xml", out=tmp_path)
    assert result.returncode == 1
    assert "nothing could be read" in result.stderr


def test_replay_attempts_no_download_and_prints_no_noise(seeds_out):
    _, result = seeds_out
    text = (result.stdout + result.stderr).lower()
    for word in ("prism", "download", "gcsfilesystem", "apitools", "warning"):
        assert word not in text, word


@pytest.mark.shared
def test_dev_corpus_replay_meets_the_bars(tmp_path):
    corpus = shared_path("corpus-dev")
    result = replay(corpus / "feeds", out=tmp_path)
    assert result.returncode == 0, result.stderr
    score = subprocess.run(
        [sys.executable, str(corpus.parent / "eval" / "score.py"), "--gold", str(corpus / "articles.jsonl")]
        + ["--pred", str(tmp_path), "--json"]
        + [f"--min={k}={v}" for k, v in CORPUS_BARS.items()],
        capture_output=True,
        text=True,
    )
    metrics = json.loads(score.stdout.splitlines()[0])
    assert score.returncode == 0, f"{score.stdout}"
    assert metrics["coverage"] == 1.0


@pytest.mark.shared
def test_feeds_wild_replay_accounts_for_every_file_and_stays_offline(tmp_path):
    wild = shared_path("feeds-wild")
    guard = tmp_path / "sitecustomize.py"
    guard.write_text(
        "import socket\n"
        "def _refuse(self, address, *a, **k):\n"
        "    if isinstance(address, tuple) and address[0] not in ('127.0.0.1', '::1', 'localhost'):\n"
        "        raise SystemExit(f'network access attempted: {address}')\n"
        "    return _connect(self, address, *a, **k)\n"
        "_connect = socket.socket.connect\n"
        "socket.socket.connect = _refuse\n"
    )
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(wild), "--out", str(out), "--quiet"]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "network access attempted" not in result.stderr
    files = {str(p) for p in wild.rglob("*.xml")}
    sources = {s["source"]: s for s in read_jsonl(out / "sources.jsonl")}
    letters = read_jsonl(out / "dead_letter.jsonl")
    failed_reads = {d["source"] for d in letters if d["stage"] == "read"}
    assert files == set(sources) | failed_reads
    articles = read_jsonl(out / "articles.jsonl")
    duplicates = read_jsonl(out / "duplicates.jsonl")
    item_letters = [d for d in letters if d["stage"] == "normalise"]
    assert len(articles) + len(duplicates) + len(item_letters) == sum(s["items"] for s in sources.values())
    for source in sources.values():
        if source["status"] == "failed":
            assert source["problems"], source
    assert len(articles) > 100


def test_configuration_error_is_one_clear_line_and_exit_2(tmp_path):
    result = replay(ROOT / "seeds", out=tmp_path, extra=("--tracked", str(tmp_path / "absent.yaml")))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"crosswire: configuration error: missing configuration file: {tmp_path / 'absent.yaml'}"
    )


def test_lingua_backend_replays_the_seeds(tmp_path):
    result = replay(ROOT / "seeds", out=tmp_path, extra=("--lang-backend", "lingua", "--quiet"))
    assert result.returncode == 0, result.stderr
    articles = read_jsonl(tmp_path / "articles.jsonl")
    assert sorted(a["lang"] for a in articles) == ["en", "id"]
    assert all(a["lang_confidence"] >= 0.5 for a in articles)


def test_a_bad_action_pattern_stops_the_replay_with_one_line_and_exit_2(tmp_path):
    """The replay compiles the action patterns beside its parsing, not in ``load_config``: a
    broken one must still be a configuration error, not a traceback."""
    import shutil

    import yaml

    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    lexicon = yaml.safe_load((configs / "actions.yaml").read_text(encoding="utf-8"))
    lexicon["triggers"]["expel_diplomat"]["en"]["verb"].append("expel(")
    (configs / "actions.yaml").write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    result = replay(ROOT / "seeds", out=tmp_path / "out", extra=("--config-dir", str(configs), "--quiet"))
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"crosswire: configuration error: {configs / 'actions.yaml'}: "), line
