#!/usr/bin/env python3
"""A stream of many concurrent stories that share countries: does grouping hold as volume grows?

    .venv/bin/python bench/concurrent_stories.py [--articles 20000] [--per-day 3000] [--check 1000]

Deterministic (seeded). Each story is one event (an earthquake, an election, a trial, a strike, a
fire, a summit) in a country drawn from a skewed distribution (a few countries are in most of the
news), with its own person (a given name from a small shared pool, a surname of its own), its own
place and its own figures; 2 to 9 articles over up to 36 hours, each in one of four languages
(en, de, es, fr), written from per-language templates of its event type, so two earthquakes in
one country share their vocabulary and their country and differ by place, person and figures.
Articles also carry noise that real extraction produces: a bare given name taken as a person,
generic capitalised phrases taken as names. Entities are given with the text (extraction is a
separate stage); the grouper sees text and entities as it would in the pipeline.

Prints B-cubed precision / recall / F1 on the first ``--check`` articles and on the whole stream.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from transforms.records import Article, Entity, event_order  # noqa: E402
from transforms.stories import StoryGrouper, load_story_config  # noqa: E402

LANGS = ("en", "de", "es", "fr")
# The frequent countries: names per language (what the text says), id (what the entity says).
COUNTRIES = {
    "USA": ("the United States", "den USA", "Estados Unidos", "les États-Unis"),
    "DEU": ("Germany", "Deutschland", "Alemania", "l'Allemagne"),
    "FRA": ("France", "Frankreich", "Francia", "la France"),
    "TUR": ("Turkey", "der Türkei", "Turquía", "la Turquie"),
    "IND": ("India", "Indien", "India", "l'Inde"),
    "BRA": ("Brazil", "Brasilien", "Brasil", "le Brésil"),
    "MEX": ("Mexico", "Mexiko", "México", "le Mexique"),
    "ITA": ("Italy", "Italien", "Italia", "l'Italie"),
    "JPN": ("Japan", "Japan", "Japón", "le Japon"),
    "NGA": ("Nigeria", "Nigeria", "Nigeria", "le Nigeria"),
    "POL": ("Poland", "Polen", "Polonia", "la Pologne"),
    "EGY": ("Egypt", "Ägypten", "Egipto", "l'Égypte"),
}
GIVEN = ("Thomas", "Maria", "Ana", "Ali", "Peter", "Jean", "Carlos", "Sarah", "Michael", "Laura", "David", "Elena")
NOISE_NAMES = ("name:staatsanwalt", "name:prozent der stimmen", "name:breaking news", "name:update", "name:live")

# Per event type and language: title templates and one text template. {c} country, {p} person,
# {s} surname, {l} place, {n} a figure of the story, {m} another.
TEMPLATES: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "quake": {
        "en": (
            ("Earthquake of magnitude {m} strikes {l} in {c}", "{n} dead after quake near {l}"),
            "Rescuers searched the rubble in {l} after the earthquake. Mayor {p} said {n} people died "
            "and hundreds were injured. The quake was felt across {c}.",
        ),
        "de": (
            ("Erdbeben der Stärke {m} erschüttert {l} in {c}", "{n} Tote nach Erdbeben bei {l}"),
            "Retter suchten in {l} in den Trümmern. Bürgermeister {p} sagte, {n} Menschen seien gestorben "
            "und Hunderte verletzt. Das Beben war in ganz {c} zu spüren.",
        ),
        "es": (
            ("Un terremoto de magnitud {m} sacude {l} en {c}", "{n} muertos tras el sismo cerca de {l}"),
            "Los rescatistas buscaron entre los escombros de {l}. El alcalde {p} dijo que {n} personas "
            "murieron y cientos resultaron heridas. El sismo se sintió en todo {c}.",
        ),
        "fr": (
            ("Un séisme de magnitude {m} frappe {l} en {c}", "{n} morts après le séisme près de {l}"),
            "Les secouristes ont fouillé les décombres à {l}. Le maire {p} a déclaré que {n} personnes "
            "sont mortes et des centaines blessées. La secousse a été ressentie dans toute {c}.",
        ),
    },
    "election": {
        "en": (
            ("{p} wins mayoral election in {l}", "{s} claims victory in {l} vote with {n} percent"),
            "Voters in {l} elected {p} with {n} percent of the votes. Turnout was {m} percent, the election "
            "commission of {c} said. {s} promised new jobs.",
        ),
        "de": (
            ("{p} gewinnt Bürgermeisterwahl in {l}", "{s} siegt in {l} mit {n} Prozent"),
            "Die Wähler in {l} wählten {p} mit {n} Prozent der Stimmen. Die Wahlbeteiligung lag bei {m} "
            "Prozent, teilte die Wahlkommission in {c} mit. {s} versprach neue Arbeitsplätze.",
        ),
        "es": (
            ("{p} gana la alcaldía de {l}", "{s} se impone en {l} con el {n} por ciento"),
            "Los votantes de {l} eligieron a {p} con el {n} por ciento de los votos. La participación fue "
            "del {m} por ciento, informó la comisión electoral de {c}. {s} prometió empleo.",
        ),
        "fr": (
            ("{p} remporte la mairie de {l}", "{s} l'emporte à {l} avec {n} pour cent"),
            "Les électeurs de {l} ont élu {p} avec {n} pour cent des voix. La participation a atteint {m} "
            "pour cent, selon la commission électorale de {c}. {s} a promis des emplois.",
        ),
    },
    "trial": {
        "en": (
            ("Court in {l} opens trial of {p}", "{s} faces {n} years in prison, prosecutors in {l} say"),
            "The trial of {p} began in {l} on charges of fraud worth {m} million. Prosecutors in {c} are "
            "asking for {n} years in prison. {s} denies the charges.",
        ),
        "de": (
            ("Prozess gegen {p} in {l} beginnt", "Staatsanwalt fordert {n} Jahre Haft für {s}"),
            "In {l} begann der Prozess gegen {p} wegen Betrugs in Höhe von {m} Millionen. Die Anklage in "
            "{c} fordert {n} Jahre Haft. {s} bestreitet die Vorwürfe.",
        ),
        "es": (
            ("Comienza en {l} el juicio contra {p}", "La fiscalía pide {n} años de cárcel para {s}"),
            "El juicio contra {p} comenzó en {l} por un fraude de {m} millones. La fiscalía de {c} pide "
            "{n} años de prisión. {s} niega los cargos.",
        ),
        "fr": (
            ("Ouverture à {l} du procès de {p}", "Le parquet requiert {n} ans de prison contre {s}"),
            "Le procès de {p} s'est ouvert à {l} pour une fraude de {m} millions. Le parquet de {c} "
            "requiert {n} ans de prison. {s} nie les faits.",
        ),
    },
    "strike": {
        "en": (
            ("Workers at {l} port strike for higher pay", "Strike at {l} enters day {m}, union leader {s} says"),
            "Some {n} dock workers in {l} stopped work on Monday. Union leader {p} said the strike would "
            "go on until wages rise. Ports across {c} are watching.",
        ),
        "de": (
            ("Hafenarbeiter in {l} streiken für mehr Lohn", "Streik in {l} geht in den {m}. Tag"),
            "Rund {n} Hafenarbeiter in {l} legten am Montag die Arbeit nieder. Gewerkschaftschef {p} sagte, "
            "der Streik gehe weiter. Häfen in ganz {c} schauen zu.",
        ),
        "es": (
            ("Huelga de trabajadores del puerto de {l}", "La huelga en {l} cumple {m} días, dice {s}"),
            "Unos {n} estibadores de {l} dejaron de trabajar el lunes. El líder sindical {p} dijo que la "
            "huelga seguirá hasta que suban los salarios en {c}.",
        ),
        "fr": (
            ("Grève des dockers du port de {l}", "La grève à {l} entre dans son {m}e jour"),
            "Quelque {n} dockers de {l} ont cessé le travail lundi. Le syndicaliste {p} a dit que la grève "
            "continuerait. Les ports de {c} observent.",
        ),
    },
    "fire": {
        "en": (
            ("Wildfire near {l} forces {n} to flee", "Firefighters battle blaze around {l}"),
            "A wildfire has burned {m} hectares near {l}. Fire chief {p} said {n} residents were "
            "evacuated. Strong winds are expected across {c}.",
        ),
        "de": (
            ("Waldbrand bei {l}: {n} Menschen evakuiert", "Feuerwehr kämpft gegen Flammen um {l}"),
            "Ein Waldbrand hat bei {l} {m} Hektar verbrannt. Feuerwehrchef {p} sagte, {n} Anwohner seien "
            "in Sicherheit gebracht worden. In {c} wird starker Wind erwartet.",
        ),
        "es": (
            ("Un incendio cerca de {l} obliga a evacuar a {n}", "Los bomberos combaten el fuego en {l}"),
            "Un incendio forestal ha quemado {m} hectáreas cerca de {l}. El jefe de bomberos {p} dijo que "
            "{n} vecinos fueron evacuados. Se esperan fuertes vientos en {c}.",
        ),
        "fr": (
            ("Un incendie près de {l} force {n} habitants à fuir", "Les pompiers luttent contre le feu à {l}"),
            "Un incendie a détruit {m} hectares près de {l}. Le chef des pompiers {p} a indiqué que {n} "
            "habitants ont été évacués. Des vents forts sont attendus en {c}.",
        ),
    },
}
_SYLLABLES = ("ka", "ro", "mi", "ten", "ba", "lu", "dor", "vi", "sa", "nel", "ko", "ra", "zin", "pe", "tal", "mo")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def stream(n: int, per_day: float = 3000.0, seed: int = 7) -> tuple[list[Article], dict[str, str]]:
    """``n`` articles in event-time order, and the gold story of each article id."""
    rng = random.Random(seed)
    ids = list(COUNTRIES)
    weights = [1.0 / (rank + 1) for rank in range(len(ids))]  # a few countries are in most stories
    out: list[Article] = []
    gold: dict[str, str] = {}
    t, story = 0.0, 0
    while len(out) < n:
        story += 1
        sid = f"story{story:06d}"
        kind = rng.choice(sorted(TEMPLATES))
        country = rng.choices(ids, weights)[0]
        other = rng.choices(ids, weights)[0]
        given, surname, place = rng.choice(GIVEN), _word(rng, 4), _word(rng, 4)
        figures = {"n": str(rng.randint(12, 9999)), "m": str(rng.randint(3, 99))}
        start = t
        for _ in range(rng.randint(2, 9)):
            lang = rng.choice(LANGS)
            titles, text = TEMPLATES[kind][lang]
            title_t = rng.choice(titles)
            slots = {"c": COUNTRIES[country][LANGS.index(lang)], "p": f"{given} {surname}", "s": surname, "l": place}
            title = title_t.format(**slots, **figures)
            body = text.format(**slots, **figures)
            entities = [Entity(country, "country", slots["c"], len(title) + 1, len(title) + 2)]
            entities.append(Entity(f"name:{place.lower()}", "name", place, 0, 1))
            person = f"person:{given.lower()} {surname.lower()}" if "{p}" in title_t + text else None
            if person:
                entities.append(Entity(person, "person", slots["p"], len(title) + 3, len(title) + 4))
            if "{s}" in title_t:
                entities.append(Entity(f"person:{surname.lower()}", "person", surname, 0, 1))
            if rng.random() < 0.3:
                entities.append(Entity(other, "country", other, len(title) + 5, len(title) + 6))
            if rng.random() < 0.4:  # a bare given name from page furniture or a quote
                entities.append(Entity(f"person:{rng.choice(GIVEN).lower()}", "person", "x", len(title) + 7, 0))
            if rng.random() < 0.4:
                entities.append(Entity(rng.choice(NOISE_NAMES), "name", "x", len(title) + 8, 0))
            ts = 1.8e9 + start + rng.uniform(0, 36 * 3600)
            aid = f"c{len(out):07d}"
            out.append(Article(aid, "", "", "bench", title, "", body, "", ts, lang=lang, entities=tuple(entities)))
            gold[aid] = sid
        t += rng.expovariate(per_day / 86400.0) * 5.5  # ~5.5 articles a story
    out = sorted(out[:n], key=event_order)
    return out, {a.id: gold[a.id] for a in out}


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``pred`` against ``gold`` (item -> cluster)."""
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        by_gold[gold[item]].add(item)
        by_pred[pred[item]].add(item)
    p = r = 0.0
    for item in gold:
        g, c = by_gold[gold[item]], by_pred[pred[item]]
        both = len(g & c)
        p, r = p + both / len(c), r + both / len(g)
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def group(articles: list[Article], config: Mapping[str, object]) -> tuple[dict[str, str], StoryGrouper, float]:
    """Article id -> story id, streaming (expire, then assign, in event-time order); seconds taken."""
    grouper = StoryGrouper(config)
    pred: dict[str, str] = {}
    start = time.perf_counter()
    for article in articles:
        grouper.expire(article.published_ts)
        pred[article.id] = grouper.assign(article)
    return pred, grouper, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--per-day", type=float, default=3000.0)
    ap.add_argument("--check", type=int, default=1000)
    args = ap.parse_args(argv)
    config = load_story_config(ROOT / "configs")
    articles, gold = stream(args.articles, args.per_day)
    pred, grouper, seconds = group(articles, config)
    first = {a.id: gold[a.id] for a in articles[: args.check]}
    p1, r1, f1 = bcubed(first, pred)
    p, r, f = bcubed(gold, pred)
    print(f"first {len(first):,}: B3 P {p1:.3f} R {r1:.3f} F1 {f1:.3f}")
    print(f"all {len(articles):,}: B3 P {p:.3f} R {r:.3f} F1 {f:.3f} (drop {f1 - f:+.3f})")
    print(f"{len(articles) / seconds:,.0f} articles/s, {len(grouper.state.stories)} active stories at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
