"""The HTML report in a real headless Chromium: it renders, and the alert list is on screen at once."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipeline.report import write_report
from tests.unit.test_report import sample_out

ALERT_BG = (0xFD, 0xEC, 0xEA)  # .alert background in the template
ALERT_BORDER = (0xC6, 0x28, 0x28)


def share_of(
    colours: list[tuple[int, tuple[int, int, int]]], colour: tuple[int, int, int], tolerance: int = 6
) -> float:
    """The share of pixels near ``colour``, from ``Image.getcolors`` (count, rgb) pairs."""
    total = sum(count for count, _ in colours)
    near = sum(
        count for count, rgb in colours if all(abs(a - b) <= tolerance for a, b in zip(rgb, colour, strict=True))
    )
    return near / total


@pytest.mark.integration
def test_report_renders_with_the_alert_list_visible(browser, tmp_path):
    from selenium.webdriver.common.by import By

    out = sample_out(tmp_path)
    write_report(out)
    driver = browser
    driver.get((out / "report" / "index.html").as_uri())
    assert driver.title.startswith("Crosswire report: 2 alerts, 2 stories")

    alerts = driver.find_elements(By.CSS_SELECTOR, "#alert-list li.alert")
    assert len(alerts) == 2
    viewport = driver.execute_script("return window.innerHeight")
    first = alerts[0]
    assert first.is_displayed() and first.rect["y"] < viewport  # on screen without scrolling
    assert first.find_element(By.TAG_NAME, "h3").text == "Peru → Mexico: persona non grata"
    evidence = first.find_element(By.CSS_SELECTOR, "blockquote.evidence")
    assert "Congress declared Sheinbaum persona non grata." in evidence.text
    assert evidence.find_element(By.TAG_NAME, "a").get_attribute("href") == "https://a.example/peru-mexico"

    story = driver.find_element(By.ID, "story-s1")
    assert [b.text for b in story.find_elements(By.CSS_SELECTOR, ".badge")][:2] == ["en", "id"]
    assert len(driver.find_elements(By.CSS_SELECTOR, "#timeline circle")) == 3
    assert driver.execute_script("return document.querySelectorAll('script').length") == 0  # escaped, not run

    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    assert shot.size[0] >= 1000
    colours = shot.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "a blank or nearly blank page"
    assert share_of(colours, ALERT_BG) > 0.03, "the alert cards are not on screen"
    assert share_of(colours, ALERT_BORDER) > 0.001
