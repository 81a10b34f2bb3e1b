"""Preflight of ``crosswire run``: misspelt flags and an absent emulator are caught before any pipeline."""

from __future__ import annotations

import socket

from pipeline.cli import RUN_FLAGS, main
from pipeline.preflight import closest, emulator_problem, unknown_flags


def test_a_misspelt_crosswire_flag_is_refused_with_the_right_spelling():
    problems = unknown_flags(["--alert-topic", "projects/p/topics/t"], RUN_FLAGS)
    assert [p.line() for p in problems] == ["unknown flag --alert-topic: did you mean --alerts-topic?"]


def test_a_misspelt_beam_flag_gets_beams_spelling_and_valid_flags_pass():
    assert unknown_flags(["--runner=DataflowRunner", "--project", "p-123456", "--streaming"], RUN_FLAGS) == []
    (problem,) = unknown_flags(["--temp_locaton=gs://b/tmp"], RUN_FLAGS)
    assert problem.what == "unknown flag --temp_locaton"
    assert problem.fix == "did you mean --temp_location?"


def test_a_flag_like_nothing_known_says_where_to_look():
    (problem,) = unknown_flags(["--zzqx"], RUN_FLAGS)
    assert "crosswire run --help" in problem.fix


def test_closest_compares_hyphens_and_underscores_alike():
    assert closest("--alerts_topic", ["--alerts-topic", "--out"]) == "--alerts-topic"
    assert closest("--banana", ["--alerts-topic", "--out"]) is None


def test_an_emulator_that_does_not_answer_is_one_line_saying_how_to_start_one():
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    problem = emulator_problem(f"127.0.0.1:{port}")
    assert problem is not None
    assert "no Pub/Sub emulator answers" in problem.what
    assert f"fakepubsub --port {port}" in problem.fix


def test_run_with_a_misspelt_flag_exits_2_with_one_line_per_problem(capsys):
    code = main(["run", "--alert-topic", "projects/crosswire-local/topics/t", "--streamin"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        "crosswire run: unknown flag --alert-topic: did you mean --alerts-topic?",
        "crosswire run: unknown flag --streamin: did you mean --streaming?",
    ]


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.startswith("crosswire ")


def test_bridge_cleanup_after_a_failed_create_raises_nothing():
    """The bridge's finally-block runs even when create() failed (no credentials, no emulator)."""
    from pipeline.live import LocalFeedBridge
    from transforms.fetch import FetchPolicy

    bridge = LocalFeedBridge("crosswire-local", [{"url": "http://127.0.0.1:9/feed.xml"}], FetchPolicy(), 300, print)
    bridge.stop()
    bridge.delete()  # was: AttributeError 'LocalFeedBridge' object has no attribute 'publisher'


def test_missing_credentials_without_an_emulator_say_how_to_log_in_or_use_one(monkeypatch, tmp_path):
    from pipeline.preflight import pubsub_problems

    monkeypatch.delenv("PUBSUB_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "absent.json"))
    (problem,) = pubsub_problems("projects/crosswire-local/topics/t", None, local=True)
    assert problem.what == "no Google Cloud credentials and no PUBSUB_EMULATOR_HOST"
    assert "gcloud auth application-default login" in problem.fix and "PUBSUB_EMULATOR_HOST=" in problem.fix


def test_other_commands_refuse_unknown_flags_with_the_nearest_spelling(capsys):
    try:
        main(["replay", "seeds", "--out", "x", "--qiuet"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "unrecognized arguments: --qiuet (did you mean --quiet?)" in capsys.readouterr().err
