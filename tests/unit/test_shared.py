"""Built once per process: every DoFn instance and every bundle shares one built stage."""

from __future__ import annotations

from transforms import shared
from transforms.beam.actions import DetectActionsFn
from transforms.beam.entities import ExtractEntitiesFn


def test_built_once_builds_once_per_configuration():
    calls = []

    def build(tag):
        calls.append(tag)
        return object()

    a = shared.built_once("test", shared.config_key({"x": 1}), lambda: build("a"))
    b = shared.built_once("test", shared.config_key({"x": 1}), lambda: build("b"))
    c = shared.built_once("test", shared.config_key({"x": 2}), lambda: build("c"))
    assert a is b and a is not c and calls == ["a", "c"]


def test_a_build_may_use_another_built_object(config):
    """The action detector asks for its compiled languages while it is being built: with a lexicon
    whose languages are not compiled yet, that nested build must not wait for itself."""
    import copy
    import threading

    from transforms.actions import ActionDetector

    shared.clear()
    lexicon = copy.deepcopy(config.lexicon)
    lexicon["cue_window"] = 81  # another configuration: nothing of it is built yet
    built: list[ActionDetector] = []
    key = shared.config_key(lexicon)
    thread = threading.Thread(
        target=lambda: built.append(shared.built_once("actions", key, lambda: ActionDetector(lexicon))), daemon=True
    )
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the nested build waited for the lock its own thread holds"
    assert built and built[0].langs is shared.built_once("action-languages", key, dict)


def test_dofn_instances_and_bundles_share_the_built_stages(config):
    """The DirectRunner calls setup() per bundle in streaming; each call must not rebuild."""
    first, second = ExtractEntitiesFn(config.gazetteer), ExtractEntitiesFn(config.gazetteer)
    first.setup()
    second.setup()
    first.setup()
    assert first._extractor is second._extractor is not None
    actions_a, actions_b = DetectActionsFn(config.lexicon), DetectActionsFn(config.lexicon)
    actions_a.setup()
    actions_b.setup()
    assert actions_a.detector is actions_b.detector is not None
