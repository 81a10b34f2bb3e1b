"""Story grouping, pure: hand-built articles and entity lists (no extractor needed)."""

from __future__ import annotations

import dataclasses
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.entities.engine import fold
from transforms.records import Action, Article, Entity, stable_id
from transforms.stories import (
    DocFreq,
    StoryGrouper,
    compile_topics,
    entity_bag,
    event_order,
    features_of,
    group_articles,
    headline_label_end,
    keyword_alternatives,
    keyword_pattern,
    load_story_config,
    topic_label,
    topic_scores,
)

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600.0
T0 = 1_790_000_000.0  # 2026-09-21, any fixed instant


@pytest.fixture(scope="module")
def config():
    return load_story_config(ROOT / "configs")


def ent(eid: str, start: int = 1000) -> Entity:
    kind = eid.split(":", 1)[0] if ":" in eid else "country"
    return Entity(eid, kind, eid, start, start + 3)


def article(
    aid: str,
    hours: float,
    lang: str,
    title: str,
    title_ids: tuple[str, ...] = (),
    body_ids: tuple[str, ...] = (),
    body: str = "",
) -> Article:
    """An article whose title mentions ``title_ids`` and whose body mentions ``body_ids``."""
    entities = tuple(ent(e, 0) for e in title_ids) + tuple(ent(e, len(title) + 1) for e in body_ids)
    return Article(
        id=aid,
        link=f"https://x.example/{aid}",
        guid=aid,
        feed="f",
        title=title,
        summary="",
        body=body,
        published="",
        published_ts=T0 + hours * HOUR,
        lang=lang,
        entities=entities,
    )


PETRO = "person:gustavo petro"

BREAK = [
    article(
        "a1",
        0,
        "es",
        "Petro anuncia que Colombia romperá relaciones diplomáticas con Israel",
        ("COL", "ISR", PETRO),
        ("COL", "ISR", "name:gaza", "name:tel aviv"),
        "La Cancillería notificará la ruptura; el personal de la embajada regresará.",
    ),
    article(
        "a2",
        1.5,
        "en",
        "Colombia to sever diplomatic ties with Israel, Petro tells rally",
        ("COL", "ISR", PETRO),
        ("name:gaza", "COL"),
        "The foreign ministry said diplomats in Tel Aviv would be brought home.",
    ),
    article(
        "a3",
        4,
        "fr",
        "La Colombie rompt ses relations diplomatiques avec Israël",
        ("COL", "ISR"),
    ),  # title only, as 41% of feed items: the pair + the diplomatic topic must suffice
    article(
        "a4",
        9,
        "de",
        "Kolumbien bricht diplomatische Beziehungen zu Israel ab",
        ("COL", "ISR"),
        (PETRO, "name:gaza"),
        "Der Botschafter wird zurückgerufen.",
    ),
]

FOOTBALL = article(
    "f1",
    30,
    "en",
    "Colombia's under-20s beat Israel in Algarve friendly match",
    ("COL", "ISR", "name:algarve"),
    ("person:jhon edier valoyes", PETRO, "COL", "ISR", "PRT"),
    "Striker Jhon Edier Valoyes scored twice in the tournament, two days after Petro announced the break "
    "in diplomatic relations. Fans filled the stadium.",
)

TRADE = article(
    "t1",
    20,
    "en",
    "Colombian coal shipments to Israel slow as importers look elsewhere",
    ("COL", "ISR"),
    ("COL",),
    "Port data showed 40,000 tonnes loaded in September.",
)


def test_cross_language_coverage_of_one_event_forms_one_story(config):
    assignment, stories = group_articles(BREAK, config)
    assert set(assignment.values()) == {stable_id("a1")}
    (story,) = stories
    assert story.languages == ("de", "en", "es", "fr")
    assert story.article_count == 4
    assert story.article_ids == ("a1", "a2", "a3", "a4")


def test_a_non_diplomatic_match_between_the_same_countries_next_day_stays_apart(config):
    assignment, _ = group_articles([*BREAK, FOOTBALL], config)
    assert assignment["f1"] == stable_id("f1")


def test_a_trade_report_sharing_only_the_country_pair_stays_apart(config):
    assignment, _ = group_articles([*BREAK, TRADE], config)
    assert assignment["t1"] == stable_id("t1")


def test_same_country_pair_different_episode_days_later_stays_apart(config):
    later = article(
        "b1",
        9 + 60,  # 2.5 days after the last article of the break
        "en",
        "Colombia summons Israeli ambassador over detained aid flotilla",
        ("COL", "ISR"),
        ("person:luis murillo", "name:global sumud flotilla"),
        "The foreign ministry summoned the envoy.",
    )
    assignment, stories = group_articles([*BREAK, later], config)
    assert assignment["b1"] == stable_id("b1")
    assert len(stories) == 2


def test_a_headline_about_another_pair_is_another_episode_even_with_the_same_person(config):
    """Colombia-Argentina the day after Colombia-Israel, Petro in both: two stories."""
    other = article(
        "c1",
        20,
        "en",
        "Colombia expels Argentine diplomats over Milei's insults to Petro",
        ("COL", "ARG", "person:javier milei", PETRO),
        (PETRO, "COL", "ARG"),
        "The foreign ministry expelled the diplomats.",
    )
    assignment, _ = group_articles([*BREAK, other], config)
    assert assignment["c1"] == stable_id("c1")


def test_a_third_country_reacting_in_the_headline_still_joins(config):
    reaction = article(
        "r1",
        12,
        "es",
        "Colombia rompió con Israel y la Cancillería argentina expresó su rechazo",
        ("COL", "ISR", "ARG"),
        (PETRO, "name:gaza"),
        "La ruptura de relaciones diplomáticas fue criticada.",
    )
    assignment, _ = group_articles([*BREAK, reaction], config)
    assert assignment["r1"] == stable_id("a1")


def test_country_pair_alone_does_not_pass_but_a_shared_person_does(config):
    grouper = StoryGrouper(config)
    grouper.assign(article("p1", 0, "en", "Leaders meet", ("MEX", "USA"), ("person:ana ruiz",)))
    neutral = article("p2", 2, "en", "A report", ("MEX", "USA"))
    (cand,) = grouper.candidates(neutral, grouper.vectorize(neutral))
    assert cand.evidence == pytest.approx(2.0) and not cand.joinable
    with_person = article("p3", 3, "en", "Ana Ruiz speaks", ("person:ana ruiz",), ("MEX",))
    assert grouper.assign(with_person) == stable_id("p1")


def test_story_expires_after_the_horizon_and_leaves_the_index(config):
    grouper = StoryGrouper(config)
    for a in BREAK:
        grouper.assign(a)
    horizon = config["horizon_hours"]
    assert grouper.expire(BREAK[-1].published_ts + (horizon - 1) * HOUR) == []
    closed = grouper.expire(BREAK[-1].published_ts + (horizon + 1) * HOUR)
    assert [s.id for s in closed] == [stable_id("a1")]
    assert grouper.state.stories == {} and grouper.state.index == {}
    echo = article("a9", 9 + horizon + 2, "en", BREAK[1].title, ("COL", "ISR", PETRO), ("name:gaza",))
    assert grouper.assign(echo) == stable_id("a9")


def test_article_beyond_the_horizon_starts_a_story_even_without_expire(config):
    late = article("a9", 9 + config["horizon_hours"] + 1, "en", BREAK[1].title, ("COL", "ISR", PETRO))
    assignment, _ = group_articles([*BREAK, late], config)
    assert assignment["a9"] == stable_id("a9")


def _mixed_corpus() -> list[Article]:
    items = [*BREAK, FOOTBALL, TRADE]
    for i in range(30):
        items.append(
            article(
                f"m{i:02d}",
                i * 3 % 50,
                "en",
                "Talks",
                ("MEX", "USA") if i % 2 else ("PER", "BOL"),
                (f"name:n{i % 4}x",),
            )
        )
    return items


def test_same_ids_whatever_the_input_order(config):
    items = _mixed_corpus()
    reference = group_articles(items, config)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert group_articles(shuffled, config) == reference


def test_same_ids_whatever_the_hash_seed():
    """Set iteration order changes with PYTHONHASHSEED; the grouping must not."""
    code = (
        "from tests.unit.test_stories import _mixed_corpus, ROOT;"
        "from transforms.stories import group_articles, load_story_config;"
        "a, s = group_articles(_mixed_corpus(), load_story_config(ROOT / 'configs'));"
        "print(sorted(a.items()), [(x.id, x.shared_entities, x.headline) for x in s])"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_candidates_examined_stay_bounded_by_the_article_not_the_story_count(config):
    grouper = StoryGrouper(config)
    for i in range(2000):  # unrelated stories, all active, many sharing a common country
        grouper.assign(article(f"u{i}", i * 0.01, "en", "x", ("USA",), (f"name:topic{i}", f"person:someone{i}")))
    assert len(grouper.state.stories) == 2000
    grouper.candidates_examined = 0
    probe = article("q", 21, "en", "y", ("USA", "name:topic5"), ("person:someone new",))
    assert grouper.assign(probe) == stable_id("u5")
    # USA is indexed by 2000 stories (> max_postings): it scores but proposes no candidate
    assert grouper.candidates_examined == 1


def test_shared_entities_explain_the_grouping(config):
    _, (story,) = group_articles(BREAK, config)
    assert set(story.shared_entities) >= {"COL", "ISR", PETRO, "name:gaza"}
    assert "name:tel aviv" not in story.shared_entities  # mentioned once
    assert story.shared_entities.index(PETRO) < story.shared_entities.index("COL")  # people weigh more


def test_story_record_fields(config):
    _, (story,) = group_articles(BREAK, config)
    assert story.id == stable_id("a1")
    assert story.first_seen == "2026-09-21T14:13:20Z"
    assert story.last_seen == "2026-09-21T23:13:20Z"
    assert story.headline in {a.title for a in BREAK}
    assert story.to_json()["article_count"] == 4


def test_headline_is_the_most_central_article(config):
    _, (story,) = group_articles(BREAK, config)
    # a2 and a1 carry the full set of story entities in their titles; a3 (title only) does not
    assert story.headline in (BREAK[0].title, BREAK[1].title)


def test_topic_labels_on_titles(config):
    grouper = StoryGrouper(config)

    def label(title: str, body: str = "") -> str | None:
        scores = topic_scores(article("x", 0, "en", title, body=body), grouper.topics, grouper.topic_title_weight)
        return topic_label(scores, "diplomacy")

    assert label("Sweden summons Iran's ambassador") == "diplomacy"
    assert label("Schweden bestellt iranischen Botschafter ein") == "diplomacy"
    assert label("Iraanse tiener wint schaaktoernooi in Stockholm", "Iran's ambassador attended.") == "sport"
    assert label("Typhoon Danlai makes landfall in Isabela; thousands evacuated") == "disaster"
    assert label("Argentinien: Inflation sinkt im September auf 1,9 Prozent") == "economy"
    assert label("Several lawmakers met") is None  # "several" is not "sever"
    assert label("Nothing to see") is None


def test_keyword_pattern_folds_accents_and_stems():
    pattern = keyword_pattern(["relações diplomáticas", "expuls*", "asile"])
    assert pattern is not None
    assert pattern.findall("romper relacoes diplomaticas; expulsam; asiles") == ["relacoes diplomaticas", "expulsam"]


def test_keyword_pattern_matches_what_one_plain_alternation_matches(config):
    """Grouping the keywords by first character (for speed) changes no match: the configured
    topics and compounds around ``*head`` keywords, on seeded random texts."""
    rng = random.Random(7)
    for per_lang in config["topics"].values():
        keywords = [w for ws in per_lang.values() for w in ws] + ["*overleg", "*oog", "**x", "*", "é*"]
        plain = re.compile(r"(?<!\w)(?:" + "|".join(regex for _, _, regex in keyword_alternatives(keywords)) + ")")
        grouped = keyword_pattern(keywords)
        assert grouped is not None
        pieces = [k.strip("*") for k in keywords] + ["o", "oo", "x", "-", " ", "_", "1", "ü", "grens", "", "'"]
        for _ in range(400):
            text = "".join(rng.choice(pieces) + rng.choice(["", " ", "", "-"]) for _ in range(12))
            assert grouped.findall(text) == plain.findall(text), text


def test_one_scan_counts_what_each_topic_pattern_finds(config):
    """``Topics.hits`` scans a text once for where any keyword may start; it must count what each
    topic's own ``findall`` counts, on the configured topics and texts made of their keywords,
    stems with other endings, compounds, multi-word keywords broken by punctuation and "_"."""
    topics = compile_topics(config["topics"])
    assert topics.any_start is not None
    rng = random.Random(11)
    keywords = [w for per_lang in config["topics"].values() for ws in per_lang.values() for w in ws]
    pieces = [fold(k.replace("*", "")) for k in keywords] + ["o", "s", "x", "-", "_", "1", "ü", "grens", "", "'"]
    checked = 0
    for _ in range(3000):
        joins = ["", " ", " ", "-", ". ", "_"]
        text = "".join(rng.choice(pieces) + rng.choice(joins) for _ in range(rng.randint(1, 12)))
        expected = {name: len(p.findall(text)) for name, p in topics.patterns.items() if p.findall(text)}
        assert topics.hits(text) == expected, text
        checked += bool(expected)
    assert checked > 1000  # most texts hold a keyword: the counts were compared, not only empty ones


def test_title_entities_weigh_more_and_tf_is_damped(config):
    a = article("x", 0, "en", "Title", ("COL",), ("COL", "COL", "ISR"))
    bag = entity_bag(a, config["kind_weights"], config["title_weight"]).weights
    assert bag["COL"] > bag["ISR"] * config["title_weight"]
    assert bag["ISR"] == pytest.approx(1.0)


def test_names_meet_on_their_words_across_languages():
    from transforms.stories import spelling_key

    def words(*ws: str) -> tuple[str, ...]:
        return tuple(f"w:{spelling_key(w)}" for w in ws)

    assert features_of("name:typhoon danlai", "name") == words("typhoon", "danlai") == words("tifon", "danlai")
    assert features_of("person:ferdinand marcos jr.", "person") == (
        *words("marcos"),
        "p:" + " ".join(spelling_key(w) for w in ("ferdinand", "marcos", "jr")),
    )
    assert features_of("name:arrecife de scarborough", "name") == words("arrecife", "scarborough")
    assert features_of("MEX", "country") == ("MEX",)
    a = article("x", 0, "id", "Topan", ("name:topan danlai terjang",), ("name:danlai", "CHN"))
    bag = entity_bag(a, {"name": 2.5, "country": 1.0}, 2.0)
    assert bag.entities["name:danlai"] == ("name", ("w:danlai",))
    assert set(bag.weights) == {*words("topan", "danlai", "terjang"), "CHN"}


def test_idfs_are_the_idf_of_each_id():
    df = DocFreq(half_life_s=10.0)
    df.add(["a", "b"], 0.0, "en")
    df.add(["a", "c"], 4.0, "de")
    for prior, group in ((0.0, None), (100.0, None), (0.0, "en"), (3.0, "de"), (0.0, "xx")):
        many = df.idfs(["a", "b", "c", "zzz"], 7.0, prior, group)
        assert many == {eid: df.idf(eid, 7.0, prior, group) for eid in ("a", "b", "c", "zzz")}


def test_document_frequencies_decay_and_prune_without_changing_idf():
    df = DocFreq(half_life_s=10.0)
    df.add(["a", "b"], 0.0)
    df.add(["a"], 0.0)
    assert df.idf("b", 0.0) > df.idf("a", 0.0)
    before = df.idf("b", 200.0)
    df.prune(200.0)
    assert "b" not in df.df and df.idf("b", 200.0) == before


def test_event_order_breaks_ties_by_id():
    a, b = article("b", 0, "en", "x"), article("a", 0, "en", "x")
    assert sorted([a, b], key=event_order) == [b, a]


def test_config_rejects_unknown_keys(tmp_path):
    (tmp_path / "stories.yaml").write_text("threshhold: 0.4\n")
    with pytest.raises(ValueError, match="unknown keys"):
        load_story_config(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_story_config(tmp_path / "nowhere")


# ------------------------------------------------------------------ the gold corpus (../shared)

SHARED_CORPUS = ROOT.parent / "shared" / "corpus-dev"


def _eval_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_stories", ROOT / "bench" / "eval_stories.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
@pytest.mark.skipif(
    not (SHARED_CORPUS / "articles.jsonl").is_file() or not (ROOT.parent / "shared" / "eval" / "score.py").is_file(),
    reason="../shared/corpus-dev and ../shared/eval/score.py are not beside the repository",
)
@pytest.mark.parametrize("mode", ["full", "alternate", "feeds"])
def test_corpus_dev_grouping_with_the_real_extractor(mode):
    """full: every body; alternate: every other article title + summary only; feeds: as delivered."""
    scores, misgrouped = _eval_module().evaluate(SHARED_CORPUS, mode)
    detail = "\n".join(misgrouped)
    assert scores["bcubed_f1"] >= 0.92, detail
    assert scores["xlang_pair_recall"] >= 0.90, detail


# ----------------------------------------------- non-diplomatic stories next to a diplomatic row


def _label(config, title: str, body: str = "", lang: str = "en") -> str | None:
    grouper = StoryGrouper(config)
    scores = topic_scores(article("x", 0, lang, title, body=body), grouper.topics, grouper.topic_title_weight)
    return topic_label(scores, "diplomacy")


def test_vocabulary_for_cups_tennis_baseball_books_volcanoes_and_talks(config):
    assert _label(config, "Copa Davis: España y Argentina ya conocen el orden de juego") == "sport"
    assert _label(config, "Japan edge South Korea 6-3 in Tokyo Dome exhibition", "A three-run sixth inning.") == "sport"
    assert _label(config, "Leipziger Buchmesse hält an Gastland Marokko fest", "Autorinnen und Verlage.") == "culture"
    assert _label(config, "Le Maroc invité d'honneur de la Foire du livre de Leipzig") == "culture"
    assert _label(config, "Nyiragongo : l'Observatoire volcanologique relève l'alerte") == "disaster"
    assert _label(config, "Guyana suspends border talks with Venezuela") == "diplomacy"
    assert _label(config, "Guyana schort grensoverleg met Venezuela op") == "diplomacy"  # a compound's head
    assert _label(config, "Voli Putri: Jepang Tundukkan China Tiga Set Langsung", lang="id") == "sport"
    assert _label(config, "Ghana edge Kenya to reach the Africa Cup final") == "sport"
    # words of other topics that diplomatic news uses in other senses stay out of the lists
    assert _label(config, "Alger et Bamako s'accusent", "La localité est le théâtre d'affrontements.") is None
    assert _label(config, "Riyad et Téhéran", "Dans le golfe Persique, un accord orchestré par Pékin.") is None


def test_keyword_pattern_leading_star_matches_the_head_of_a_compound():
    pattern = keyword_pattern(["*overleg", "*meisterschaft*"])
    assert pattern is not None
    assert pattern.findall("grensoverleg, overleg; overlegt; weltmeisterschaften") == [
        "grensoverleg",
        "overleg",
        "weltmeisterschaften",
    ]


RECALL = [
    article(
        "m1",
        0,
        "fr",
        "Rabat rappelle son ambassadrice à Berlin pour consultations",
        ("MAR", "DEU"),
        ("person:nasser bourita", "MAR"),
        "Le ministre des affaires étrangères Nasser Bourita a convoqué le chargé d'affaires allemand.",
    ),
    article("m2", 2, "de", "Marokko beordert Botschafterin aus Berlin zurück", ("MAR", "DEU")),
]


def test_a_book_fair_that_mentions_the_row_in_passing_stays_out_of_the_diplomatic_story(config):
    fair = article(
        "m3",
        20,
        "de",
        "Leipziger Buchmesse hält an Gastland Marokko fest",
        ("MAR",),
        ("MAR", "DEU"),
        "Trotz der Abberufung der marokkanischen Botschafterin kommen mehr als 40 Autorinnen und Autoren; "
        "die Verlage betonen, der Auftritt sei ein Projekt der Literatur.",
    )
    assignment, _ = group_articles([*RECALL, fair], config)
    assert assignment["m2"] == stable_id("m1")
    assert assignment["m3"] == stable_id("m3")


def test_a_cup_tie_in_three_languages_is_one_story_apart_from_the_row_between_its_countries(config):
    row = article(
        "d0",
        -20,
        "es",
        "España retira definitivamente a su embajadora en Buenos Aires",
        ("ESP", "ARG"),
        ("ESP", "ARG"),
        "La Cancillería confirmó la retirada de la embajadora.",
    )
    draw = article(
        "d1",
        0,
        "es",
        "Copa Davis: España y Argentina ya conocen el orden de juego en Córdoba",
        ("name:copa davis", "ESP", "ARG", "name:cordoba"),
    )
    tie = article(
        "d2",
        13,
        "pt",
        "Argentina e Espanha abrem duelo da Copa Davis em Córdoba em meio a crise diplomática",
        ("ARG", "ESP", "name:copa davis", "name:cordoba"),
        ("ARG", "ESP", "name:copa davis"),
        "O capitão espanhol disse que seus jogadores foram bem recebidos; a federação reforçou a segurança "
        "no estádio. A série começa um dia depois de Madri retirar sua embaixadora.",
    )
    result = article(
        "d3",
        21,
        "it",
        "Coppa Davis, l'Argentina si porta sul 2-0 contro la Spagna",
        ("name:coppa davis", "ARG", "ESP"),
        ("name:cordoba", "ARG"),
        "A Córdoba i padroni di casa vincono entrambi i singolari.",
    )
    assignment, _ = group_articles([row, draw, tie, result], config)
    assert assignment["d0"] == stable_id("d0")
    assert assignment["d1"] == assignment["d2"] == assignment["d3"] == stable_id("d1")


FLOOD_NL = article(
    "n1",
    0,
    "nl",
    "IJsgang zet grensstad Narva blank",
    ("name:narva",),
    ("EST", "RUS"),
    "Twee dagen nadat Tallinn een Russische diplomaat tot persona non grata verklaarde, kampen beide oevers "
    "van de grensrivier met hetzelfde water.",
)
FLOOD_EN = article(
    "n2",
    3,
    "en",
    "Ice jam floods streets on both banks of Narva River",
    ("name:narva river",),
    ("EST", "RUS"),
    "Rescuers evacuated dozens of residents as the border river burst its banks.",
)


def test_a_row_mentioned_in_passing_does_not_set_a_piece_against_its_own_story(config):
    """The Dutch piece's only topic words recall an expulsion (diplomatic, but weaker than one
    headline hit): the flood report on the same river still joins it."""
    grouper = StoryGrouper(config)
    grouper.assign(FLOOD_NL)
    (cand,) = grouper.candidates(FLOOD_EN, grouper.vectorize(FLOOD_EN))
    assert not cand.conflict and cand.joinable
    assignment, _ = group_articles([FLOOD_NL, FLOOD_EN], config)
    assert assignment["n2"] == stable_id("n1")


def test_a_clearly_diplomatic_story_still_fends_off_a_report_of_another_topic(config):
    expulsion = article(
        "n0",
        0,
        "nl",
        "Estland wijst Russische diplomaat uit; Narva protesteert",
        ("EST", "RUS", "name:narva"),
        ("EST", "RUS"),
        "De diplomaat werd persona non grata verklaard.",
    )
    grouper = StoryGrouper(config)
    grouper.assign(expulsion)
    (cand,) = grouper.candidates(FLOOD_EN, grouper.vectorize(FLOOD_EN))
    assert cand.conflict and not cand.joinable


def test_spelling_key_makes_transliterations_of_one_name_meet():
    from transforms.stories import features_of, spelling_key

    assert {spelling_key(w) for w in ("sobolevskaya", "sobolewskaja", "sobolevskaia")} == {"sobolevskaia"}
    assert spelling_key("nureddin") == spelling_key("nourredine")
    assert spelling_key("petro") != spelling_key("pedro")
    assert features_of("person:jelena sobolewskaja", "person") == features_of("person:yelena sobolevskaya", "person")
    assert features_of("MEX", "country") == ("MEX",)


def test_actions_between_wholly_other_states_are_another_episode(config):
    from transforms.stories import other_dyad

    def acting(a: Article, actor: str, target: str) -> Article:
        return dataclasses.replace(a, actions=(Action("sever_relations", actor, target, "161", "SANCTION", ""),))

    assert other_dyad({"HND", "TWN"}, {"CHN", "JPN"})
    assert not other_dyad({"VEN", "CHL"}, {"VEN", "ARG"})  # the same actor against a further state
    assert not other_dyad(set(), {"CHN", "JPN"})  # a reaction with no action of its own
    summons = "China summons Japan's ambassador over remarks on Taiwan, diplomatic row"
    rupture = "Honduras breaks diplomatic relations with Taiwan and turns to China"
    first = acting(article("a", 0, "en", summons, ("CHN", "JPN", "TWN"), ("CHN", "JPN", "TWN")), "CHN", "JPN")
    second = acting(article("b", 5, "es", rupture, ("HND", "TWN", "CHN"), ("HND", "TWN", "CHN")), "HND", "TWN")
    without_actions = [dataclasses.replace(first, actions=()), dataclasses.replace(second, actions=())]
    ids, _ = group_articles(without_actions, config)
    assert ids["a"] == ids["b"], "without the actions, the shared countries and topic would join them"
    ids, _ = group_articles([first, second], config)
    assert ids["a"] != ids["b"]


# ------------------------------------------------------------------------ content terms


@pytest.fixture(scope="module")
def analyzer(config):
    from transforms.stories import TermAnalyzer

    return TermAnalyzer(
        config["stemmers"], config["stop_words"], config["min_term_length"], config["character_bigrams"]
    )


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("en", ("elections", "election")),
        ("de", ("Erdbeben", "Erdbebens")),
        ("es", ("elecciones", "elección")),
        ("fr", ("inondations", "inondation")),
        ("pl", ("wyborach", "wybory")),
        ("tr", ("seçimlerde", "seçimler")),
        ("ar", ("الانتخابات", "بالانتخابات")),
        ("id", ("pemilihan", "pemilihannya")),
    ],
)
def test_inflected_forms_of_a_word_share_one_term(analyzer, lang, forms):
    keys = {analyzer.stem(lang, word.lower()) for word in forms}
    assert len(keys) == 1 and None not in keys


@pytest.mark.parametrize(
    ("lang", "stop"), [("en", "which"), ("de", "nicht"), ("es", "porque"), ("pl", "ponieważ"), ("tr", "çünkü")]
)
def test_stop_words_are_not_terms(analyzer, lang, stop):
    assert analyzer.stem(lang, stop) is None


def test_stems_of_a_text_are_the_stem_of_each_word(config):
    from transforms.stories import TermAnalyzer

    words = ["which", "elections", "election", "ab", "2024", "which", "earthquakes", "elections"]
    fresh = TermAnalyzer(config["stemmers"], config["stop_words"], config["min_term_length"])
    warm = TermAnalyzer(config["stemmers"], config["stop_words"], config["min_term_length"])
    warm.stem("en", "elections")  # one of them already in the cache
    assert fresh.stems("en", words) == warm.stems("en", words) == [warm.stem("en", w) for w in words]
    assert fresh.stems("en", words)[0] is None


def test_term_keys_and_mention_terms_are_the_prefixed_stems(config):
    from transforms.stories import TermAnalyzer

    analyzer = TermAnalyzer(config["stemmers"], config["stop_words"], config["min_term_length"])
    words = ["which", "elections", "election", "ab", "2024", "which", "earthquakes", "elections"]
    expected = [f"t:en:{key}" if key is not None else "" for key in analyzer.stems("en", words)]
    assert analyzer.term_keys("en", words) == analyzer.term_keys("en", words) == expected  # cold, then cached
    assert expected[0] == "" and expected[1] == expected[2] != ""
    for text in ("Maia Sandu", "the Elections Commission", "Moldova", ""):
        terms = tuple(t for t in expected_terms(analyzer, "en", text) if t)
        assert analyzer.mention_terms("en", text) == analyzer.mention_terms("en", text) == terms


def expected_terms(analyzer, lang, text):
    return [f"t:{lang}:{key}" for key in analyzer.stems(lang, analyzer.words(lang, text)) if key is not None]


def test_terms_count_each_sentence_once_and_keep_numbers(analyzer):
    text = "Earthquake kills 1,240 in Valdora"
    a = dataclasses_replace(article("e", 0, "en", text), summary=text, body=text + ". Rescuers search the rubble.")
    tf, title_terms = analyzer.terms(a)
    stem = analyzer.stem("en", "earthquake")
    assert tf[f"t:en:{stem}"] == 1  # the feed repeats the title in the summary and the body
    assert tf["n:1240"] == 1 and "n:1240" in title_terms
    assert f"t:en:{analyzer.stem('en', 'rubble')}" in tf


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("Valdora: floods cut the coastal road", "Valdora"),
        ("Health ministry: vaccine stocks run low", "Health ministry"),
        ("Göttingen: Mit Machete auf den Vater eingeschlagen", "Göttingen"),
        ("وزارة الصحة: ارتفاع الإصابات", "وزارة الصحة"),
        ("Floods cut the coastal road", ""),  # no label
        ("The coastal province of Valdora: help is late", ""),  # too long for a label
        ("Minister says: no deal", "Minister says"),
        ("At 10:30 the road was closed", ""),  # a time is no label
    ],
)
def test_headline_label_is_the_short_part_before_a_colon(title, label):
    assert title[: headline_label_end(title)] == label


def test_an_entity_in_a_headline_label_gets_no_headline_boost():
    title = "Valdora: floods cut the road to Marnia"
    a = dataclasses.replace(
        article("b", 0, "en", title),
        entities=(Entity("VLD", "country", "Valdora", 0, 7), Entity("MRN", "country", "Marnia", 31, 37)),
    )
    weights = entity_bag(a, {"country": 1.0}, title_weight=2.0).weights
    assert weights["VLD"] == 1.0 and weights["MRN"] == 2.0


def test_words_of_a_headline_label_weigh_as_text_not_as_headline(analyzer):
    """Two headlines under one speaker or place label are as often two stories."""
    tf, title_terms = analyzer.terms(article("l", 0, "en", "Valdora: floods cut the coastal road"))
    valdora, floods = (f"t:en:{analyzer.stem('en', w)}" for w in ("valdora", "floods"))
    assert valdora in tf and valdora not in title_terms
    assert floods in title_terms


def test_chinese_terms_are_character_pairs_cut_at_function_characters(analyzer):
    """No spaces between Chinese words: overlapping pairs index the text; 的 ends a pair; Latin words stay."""
    words = analyzer.words("zh", "中国外交部的发言人 GasBuddy说")
    assert {"中国", "外交", "交部", "发言", "gasbuddy", "说"} <= set(words)
    assert not [w for w in words if "的" in w]
    assert analyzer.words("en", "Foreign ministry") == ["foreign", "ministry"]
    tf, _ = analyzer.terms(article("z", 0, "zh", "中国外交部宣布召回大使"))
    assert "t:zh:大使" in tf and "t:zh:召回" in tf


ZH_QUAKE = "救援人员在{place}的废墟中搜寻。{place}市长{person}说，地震造成{n}人死亡，数百人受伤。全国都有震感。"
ZH_FIRST, ZH_SECOND = "安宁平和泰康华福兴昌", "江山林川河海湖岭溪峰原岗桥塘坪"


ZH_QUAKE_RETOLD = "{place}发生强烈地震，已有{n}人遇难。{place}市长{person}表示，救援工作仍在继续，数百人受伤。"


def zh_quake(aid: str, hours: float, place: str, person: str, n: str, template: str = ZH_QUAKE) -> Article:
    body = template.format(place=place, person=person, n=n)
    return article(aid, hours, "zh", f"{place}发生地震", body=body)


def test_two_chinese_reports_of_one_story_join_and_another_story_does_not(config):
    """Chinese has no spaces: its character pairs link two reports of one earthquake, not another."""
    places = [ZH_FIRST[i % 10] + ZH_SECOND[i // 10] for i in range(150)]
    warm = [zh_quake(f"w{i}", i * 0.1, place, f"Person{i}y", str(100 + i)) for i, place in enumerate(places)]
    one = zh_quake("q1", 20, "瓦尔多", "Kemal Ozturk", "47")
    two = zh_quake("q2", 21, "瓦尔多", "Kemal Ozturk", "47", ZH_QUAKE_RETOLD)  # other words, no sentence in common
    other = zh_quake("q3", 21.5, "梅尔卡", "Ayse Demir", "312")
    assignment, _ = group_articles([*warm, one, two, other], config)
    assert assignment["q2"] == assignment["q1"] == stable_id("q1")
    assert assignment["q3"] == stable_id("q3")


def dataclasses_replace(a: Article, **changes) -> Article:
    return dataclasses.replace(a, **changes)


QUAKE = (
    "Rescuers searched the rubble in {place} after the earthquake. Mayor {person} said {n} people died "
    "and hundreds were injured in {place}. The quake was felt across Turkey."
)


def quake(aid: str, hours: float, place: str, person: str, n: str) -> Article:
    """An earthquake report with no entity at all: only its words can link it."""
    return article(aid, hours, "en", f"Earthquake in {place}", body=QUAKE.format(place=place, person=person, n=n))


def test_same_language_reports_link_on_their_words_without_any_entity(config):
    """Once the word counts are warm (a few hundred texts), rare shared words are evidence."""
    warm = [quake(f"w{i}", i * 0.1, f"Town{i}x", f"Person{i}y", str(100 + i)) for i in range(150)]
    one = quake("q1", 20, "Valdora", "Kemal Ozturk", "47")
    two = quake("q2", 21, "Valdora", "Kemal Ozturk", "47")
    assignment, stories = group_articles([*warm, one, two], config)
    assert assignment["q2"] == assignment["q1"] == stable_id("q1")
    story = next(s for s in stories if s.id == stable_id("q1"))
    assert "en:valdora" in story.shared_terms and "47" in story.shared_terms


def test_two_stories_of_one_kind_and_country_stay_apart_on_their_own_words(config):
    """Two earthquakes in Turkey told in the same words share only generic vocabulary."""
    warm = [quake(f"w{i}", i * 0.1, f"Town{i}x", f"Person{i}y", str(100 + i)) for i in range(150)]
    one = quake("q1", 20, "Valdora", "Kemal Ozturk", "47")
    other = quake("q3", 21, "Merkana", "Ayse Demir", "312")
    assignment, _ = group_articles([*warm, one, other], config)
    assert assignment["q3"] == stable_id("q3")


def test_a_given_name_alone_is_not_a_feature_but_a_surname_and_the_full_name_are():
    assert features_of("person:thomas muller", "person") == ("w:muler", "p:thomas muler")
    assert "w:thomas" not in features_of("person:thomas muller", "person")
    shared_surname = set(features_of("person:muller", "person")) & set(features_of("person:thomas muller", "person"))
    assert shared_surname == {"w:muler"}


def test_document_frequency_pruning_keeps_entries_added_to_since():
    df = DocFreq(half_life_s=10.0)
    df.add(["a", "b"], 0.0)
    for t in range(10, 200, 10):
        df.add(["a"], float(t))
    df.prune(200.0)
    assert "a" in df.df and "b" not in df.df
    assert len(df.due) == 1  # one scheduled check per live entry: pruning never scans the table


def test_a_concurrent_stream_groups_like_its_beginning(config):
    sys.path.insert(0, str(ROOT / "bench"))
    from concurrent_stories import bcubed, group, stream

    articles, gold = stream(1500)
    pred, _, _ = group(articles, config)
    first = {a.id: gold[a.id] for a in articles[:500]}
    f_first, f_all = bcubed(first, pred)[2], bcubed(gold, pred)[2]
    assert f_all >= 0.88 and f_first - f_all <= 0.03


def test_same_language_texts_sharing_names_but_almost_no_words_stay_apart(config):
    """One president and one country in both, yet one text is about a software investment and
    the other about a holiday ceremony: same language, too few shared words to be one story."""
    pres = "person:elena varga"
    invest = article(
        "m1",
        0,
        "en",
        "Software giant to invest billions in Valdoria data centres",
        ("VEN",),
        (pres, "USA"),
        body="The company will build cloud servers and train programmers. President Elena Varga welcomed "
        "the investment in computing infrastructure, broadband and digital skills for engineers.",
    )
    ceremony = article(
        "m2",
        3,
        "en",
        "President keeps independence parade despite the flu outbreak",
        ("VEN",),
        (pres, "USA"),
        body="Elena Varga refused to cancel the military parade and fireworks. Hospitals reported fewer "
        "patients with fever this week, and schools will reopen after the national holiday.",
    )
    assert group_articles([invest, ceremony], config)[0]["m2"] == stable_id("m2")
    assert group_articles([invest, ceremony], {**config, "min_term_cosine": 0.0})[0]["m2"] == stable_id("m1")


def test_a_follow_up_in_one_language_of_a_multilingual_story_joins_on_what_all_share(config):
    """Four languages told the break; a second Spanish text on its aftermath shares the story's
    states and topic but few words with the one Spanish member: it still belongs."""
    follow_up = article(
        "a5",
        12,
        "es",
        "Bogotá no dará marcha atrás en la ruptura con Israel",
        ("COL", "ISR"),
        ("COL", "ISR"),
        "El Gobierno insistió ante estudiantes universitarios en que la decisión es firme y pidió a los "
        "empresarios buscar otros mercados para el carbón, el café y las flores.",
    )
    assignment, _ = group_articles([*BREAK, follow_up], config)
    assert assignment["a5"] == stable_id("a1")
    alone = group_articles([*BREAK, follow_up], {**config, "consensus_languages": 99})[0]
    assert alone["a5"] == stable_id("a5"), "without the consensus rule the few shared words keep it out"


def test_a_text_without_topic_words_joins_through_a_step_between_the_storys_parties(config):
    """Two states alone are no story; a reported step between the story's own parties is."""
    sever = Action("sever_relations", "COL", "ISR", "1212", "REDUCE", "Colombia rompe con Israel.")
    recall = Action("recall_ambassador", "COL", "ISR", "1054", "REDUCE", "Colombia llama a su embajador.")
    told = [dataclasses.replace(a, actions=(sever,)) for a in BREAK]
    quote = article("a6", 14, "nl", "Petro: 'Geen weg terug'", ("COL",), ("COL", "ISR"), "Bogota en Israel.")
    assert group_articles([*told, quote], config)[0]["a6"] == stable_id("a6")
    stepped = dataclasses.replace(quote, actions=(recall,))
    assert group_articles([*told, stepped], config)[0]["a6"] == stable_id("a1")


def test_a_word_in_every_text_of_a_small_language_is_common_within_that_language():
    """Five Arabic texts among a hundred: a word in all five is rare over the stream, but common
    among the texts of its language, which is where it is compared."""
    df = DocFreq(half_life_s=1e9)
    for i in range(95):
        df.add([f"t:en:w{i}"], float(i), "en")
    for i in range(5):
        df.add(["t:ar:qal", f"t:ar:x{i}"], 100.0 + i, "ar")
    assert df.idf("t:ar:qal", 105.0) > 3.0  # over all texts: looks rare
    assert df.idf("t:ar:qal", 105.0, group="ar") == pytest.approx(1.0)  # in every Arabic text
    assert df.idf("t:ar:x1", 105.0, group="ar") > df.idf("t:ar:qal", 105.0, group="ar")


DISCLAIMER = (
    "The publisher provides this information as is without any warranty of any kind. "
    "Questions about using or reusing this material should go to the provider of the article named above. "
    "Subscribers can read three reports a month for free after they register their details."
)


def _terms_of(grouper: StoryGrouper, a: Article) -> set[str]:
    return {t.split(":")[-1] for t in grouper.vectorize(a).terms}


def test_a_disclaimer_repeated_under_another_headline_is_furniture(config):
    """A site's disclaimer under every headline is page furniture: the second text under another
    headline loses its words and the names in it; the first text cannot know yet and keeps them."""
    grouper = StoryGrouper(config)
    flood = article(
        "f1",
        0,
        "en",
        "River port of Kelmora closed by floods",
        body="Floodwater closed the river port of Kelmora on Monday. " + DISCLAIMER,
    )
    tax = article(
        "f2",
        1,
        "en",
        "Parliament passes the tax reform in a late vote",
        body="Deputies passed the tax reform late on Monday after a long debate. " + DISCLAIMER,
    )
    at = len(tax.title) + 1 + tax.body.index("Subscribers")  # offsets index title + "\n" + body
    tax = dataclasses_replace(tax, entities=(Entity("name:subscribers", "name", "Subscribers", at, at + 11),))
    assert {"warranti", "publish"} <= _terms_of(grouper, flood)
    v = grouper.vectorize(tax)
    words = {t.split(":")[-1] for t in v.terms}
    assert not {"warranti", "publish", "subscrib"} & words and {"tax", "reform", "deputi"} <= words
    assert "name:subscribers" not in v.entities


def test_a_copy_of_one_report_keeps_its_sentences(config):
    """A wire report on two sites: under a similar headline with an edited body, or as the same body
    under a rewritten headline, its sentences are the story's, not furniture."""
    text = "Floodwater closed the river port of Kelmora on Monday and ferries stayed in the harbour."
    grouper = StoryGrouper(config)
    grouper.vectorize(article("c1", 0, "en", "River port of Kelmora closed by floods", body=text))
    edited = article("c2", 1, "en", "Floods close the river port of Kelmora", body=text + " Shops shut early.")
    assert {"floodwat", "ferri", "harbour"} <= _terms_of(grouper, edited)
    grouper = StoryGrouper(config)
    grouper.vectorize(article("c1", 0, "en", "River port of Kelmora closed by floods", body=text))
    rewritten = article("c3", 1, "en", "Ferries stuck as water rises", body=text)
    assert {"floodwat", "ferri", "harbour"} <= _terms_of(grouper, rewritten)
    off = StoryGrouper({**config, "furniture_min_words": 0})
    off.vectorize(article("c1", 0, "en", "River port of Kelmora closed by floods", body="Ferries wait. " + DISCLAIMER))
    assert "warranti" in _terms_of(off, article("c4", 1, "en", "Parliament passes the tax reform", body=DISCLAIMER))


def test_furniture_is_forgotten_after_the_horizon(config):
    grouper = StoryGrouper(config)
    grouper.vectorize(
        article("h1", 0, "en", "River port of Kelmora closed by floods", body="Ferries wait. " + DISCLAIMER)
    )
    assert grouper.state.sentences
    grouper.expire(T0 + 49 * HOUR)
    assert not grouper.state.sentences and not grouper.state.sentence_due
    assert "warranti" in _terms_of(
        grouper, article("h2", 50, "en", "Parliament passes the tax reform", body=DISCLAIMER)
    )
