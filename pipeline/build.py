"""Pipeline graphs: the replay over files and the shared enrichment stages.

``build_replay`` and ``build_stages`` return named PCollections so tests can run the graph
without the command line. Step labels are stable: Dataflow's ``--update`` matches on them.
"""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam

from pipeline.config import Config
from transforms.beam.actions import DetectActions
from transforms.beam.alerts import RaiseAlerts
from transforms.beam.entities import ExtractEntities
from transforms.beam.feeds import Deduplicate, ReadFeeds, with_event_time
from transforms.beam.language import DetectLanguage
from transforms.beam.sinks import WriteJsonl
from transforms.beam.stories import GroupStories, GroupStoriesBatch
from transforms.feeds import DEAD, DUPLICATE, SOURCES, list_input_files
from transforms.sinks import OUTPUT_FILES


def build_stages(articles: beam.PCollection, cfg: Config, streaming: bool = False) -> dict[str, beam.PCollection]:
    """De-duplicated articles -> language -> event time -> entities -> actions -> stories -> alerts.

    ``streaming`` picks the stateful, timer-driven grouping and alerting; a bounded replay
    groups the same way with the same pure functions behind one GroupByKey, with no timers.
    """
    enriched = (
        articles
        | "Language" >> DetectLanguage(cfg.lang_backend, cfg.languages, cfg.lang_floor)
        | "EventTime" >> beam.Map(with_event_time)
        | "Entities" >> ExtractEntities(cfg.gazetteer)
        | "Actions" >> DetectActions(cfg.lexicon)
    )
    grouped = enriched | "Stories" >> (GroupStories(cfg.stories) if streaming else GroupStoriesBatch(cfg.stories))
    alerts = grouped["articles"] | "Alerts" >> RaiseAlerts(cfg.tracked, cfg.renotify_s, streaming=streaming)
    return {"articles": grouped["articles"], "stories": grouped["stories"], "alerts": alerts}


def build_replay(
    p: beam.Pipeline, paths: list[str], cfg: Config, progress_total: int = 0
) -> dict[str, beam.PCollection]:
    """Files and folders -> every output of a replay, as PCollections."""
    files, missing = list_input_files(paths)
    read = p | "Paths" >> beam.Create(files) | "ReadFeeds" >> ReadFeeds(progress_total)
    deduped = read["articles"] | "Deduplicate" >> Deduplicate()
    outputs = build_stages(deduped["articles"], cfg)
    missing_pc = p | "MissingPaths" >> beam.Create(missing, reshuffle=False)
    outputs["dead_letter"] = (read[DEAD], missing_pc) | "AllDeadLetters" >> beam.Flatten()
    outputs[DUPLICATE] = deduped[DUPLICATE]
    outputs[SOURCES] = read[SOURCES]
    return outputs


def write_outputs(outputs: dict[str, beam.PCollection], out_dir: Path) -> None:
    """Each output as ``DIR/<name>.jsonl``; ``duplicates`` and ``sources`` make the accounting checkable."""
    renamed = {**outputs, "duplicates": outputs[DUPLICATE]}
    for name in OUTPUT_FILES:
        renamed[name] | f"Write_{name}" >> WriteJsonl(out_dir, name)
