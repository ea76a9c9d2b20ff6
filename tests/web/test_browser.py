"""The web view in a real headless browser (Chromium through Selenium): search, facet, case.

Runs when Chromium, its driver and Selenium are installed (Debian: chromium and
chromium-driver; PyPI: selenium, in the dev extra), and skips cleanly otherwise. Nothing
is downloaded: the driver is the installed one. With MOTIONER_SCREENSHOTS=DIR the
screenshots are also written to DIR (docs/ holds the ones in the README).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture()
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (CHROMIUM and DRIVER):
        pytest.skip("Chromium and chromedriver are not installed")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _shot(driver, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 10_000
    if os.environ.get("MOTIONER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["MOTIONER_SCREENSHOTS"]) / name)


def test_search_facet_and_open_a_case(served, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(served + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("nattvandring", Keys.ENTER)
    rows = browser.find_elements(By.CSS_SELECTOR, "ol.rows > li")
    assert rows, browser.page_source[:2000]
    first = rows[0]
    assert "nattvandr" in first.find_element(By.CLASS_NAME, "title").text.lower()
    meta = first.find_element(By.CLASS_NAME, "meta").text
    assert re.match(r"\d{4}-\d{2}-\d{2}", meta), meta  # a date leads the row
    assert first.find_elements(By.TAG_NAME, "mark")  # the query's words are marked
    _shot(browser, tmp_path, "web-search.png")

    # A facet: only rows of that party remain, and the facet shows as chosen.
    party = browser.find_element(By.CSS_SELECTOR, "ul[data-facet='party'] a")
    value = party.find_element(By.TAG_NAME, "span").text
    party.click()
    assert f"party={value}" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "ul[data-facet='party'] a.on")
    for row in browser.find_elements(By.CSS_SELECTOR, "ol.rows > li"):
        assert value in row.find_element(By.CLASS_NAME, "meta").text

    # Open the case of the first row: its history, in date order, with the referral.
    browser.find_element(By.CSS_SELECTOR, "ol.rows > li a.title[href^='/case/']").click()
    assert "/case/" in browser.current_url
    cells = browser.find_elements(By.CSS_SELECTOR, "#history tbody tr td:first-child")
    dates = [c.text for c in cells if c.text]
    assert len(cells) >= 3 and dates == sorted(dates)
    assert "remitterad" in browser.find_element(By.ID, "history").text
    _shot(browser, tmp_path, "web-case.png")

    # A paper of the case opens its document.
    browser.find_element(By.CSS_SELECTOR, "#history a[href^='/doc/']").click()
    assert browser.find_element(By.TAG_NAME, "pre").text.strip()
