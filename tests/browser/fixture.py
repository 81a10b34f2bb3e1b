"""A headless Chromium driven through Selenium, from Debian's chromium and chromium-driver.

Installed by ``make install`` (tests/browser/install.sh). A missing browser is a test
failure, not a skip: CI must render the report. The driver is given explicitly, so
Selenium Manager never runs (it would try to download one); the browser starts with a
fresh profile and its background networking off.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator

import pytest

BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def find(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError(f"{' or '.join(names)} not found: run `make install` (tests/browser/install.sh)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="crosswire-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = find("chromium", "chromium-browser")
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=find("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
