"""``crosswire subscribe`` refuses filters no alert can match, and says what was meant."""

from __future__ import annotations

from pipeline.filters import filter_problems
from pipeline.pubsub_cli import subscribe_main


def test_known_codes_organisations_and_actions_pass():
    countries = ["MEX", "fra", "UNO", "EU", "org:ICC"]
    assert filter_problems(countries, ["persona_non_grata", "166", "SANCTION", "coerce"]) == []


def test_two_letter_code_suggests_the_alpha_3_one():
    (problem,) = filter_problems(["fr"], [])
    assert problem.startswith("unknown country code 'fr'")
    assert problem.endswith("did you mean FRA (France)?")


def test_country_name_and_typo_are_refused_with_a_suggestion():
    first, second = filter_problems(["Mexico", "MXE"], [])
    assert first.endswith("did you mean MEX (Mexico)?")
    assert "MXE" in second and "did you mean" in second


def test_misspelt_action_suggests_the_type():
    (problem,) = filter_problems([], ["persona_non_grate"])
    assert problem.endswith("did you mean persona_non_grata?")


def test_subscribe_with_an_unknown_country_exits_2_before_connecting(capsys):
    code = subscribe_main(["--subscription", "projects/crosswire-local/subscriptions/s", "--country", "fr"])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: unknown country code 'fr' (--country takes ISO 3166 alpha-3 codes or UNO, EU...): "
        "did you mean FRA (France)?"
    ]
