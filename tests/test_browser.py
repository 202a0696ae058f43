"""The search page in a real headless Chromium (Debian's chromium + chromium-driver).

Skips with a reason when Chromium, its driver or selenium is missing (.ci/run installs
them). The browser is only ever pointed at the test server on 127.0.0.1.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import (
    SCRIPT_TITLE,
    LiveServer,
    copy_index,
    live_server,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1200,900"]


@pytest.fixture(scope="module")
def server(web_index_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = copy_index(web_index_template, tmp_path_factory.mktemp("browser") / "index")
    with live_server(path) as live:
        yield live


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.skip(f"Chromium or its driver is not installed ({CHROMIUM}, {CHROMEDRIVER}); "
                    "install Debian's chromium and chromium-driver (.ci/run does)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    from selenium.common.exceptions import WebDriverException

    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as exc:  # installed but unable to start here: not the page's fault
        pytest.skip(f"headless Chromium did not start: {exc.msg or exc}")
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def navigating(browser: Any, action: Any) -> None:
    """Do ``action`` (a click, a submit) and wait until the next page has loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    action()
    wait = WebDriverWait(browser, 20)
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")


def search_from_the_box(browser: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(text)
    navigating(browser, box.submit)


def test_type_a_query_see_highlights_and_page_forward(browser: Any, server: LiveServer):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    assert browser.title == "searcher"
    search_from_the_box(browser, "banjir")
    assert browser.title == "banjir – searcher"
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) == 10
    marks = browser.find_elements(By.CSS_SELECTOR, "li.hit .snippet mark")
    assert marks and all(m.text.lower() == "banjir" for m in marks)
    first_page = [h.find_element(By.CSS_SELECTOR, "h2").text for h in hits]

    navigating(browser, browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click)
    assert "page=2" in browser.current_url
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert 0 < len(hits) <= 10
    assert not set(first_page) & {h.find_element(By.CSS_SELECTOR, "h2").text for h in hits}
    assert browser.find_element(By.CSS_SELECTOR, ".pages [aria-current=page]").text == "2"
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "banjir"


def test_filters_narrow_the_results(browser: Any, server: LiveServer):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/?q=banjir")
    Select(browser.find_element(By.NAME, "source")).select_by_value("detik.com")
    Select(browser.find_element(By.NAME, "sort")).select_by_value("oldest")
    navigating(browser, browser.find_element(By.CSS_SELECTOR, "form.search button").click)
    sources = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit .source")}
    assert sources == {"detik.com"}
    days = [e.get_attribute("datetime") for e in browser.find_elements(By.CSS_SELECTOR, "li.hit time")]
    assert days == sorted(days) and len(days) >= 3


def test_script_in_a_title_renders_as_text(browser: Any, server: LiveServer):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    search_from_the_box(browser, "banjir kudus")
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit h2")]
    assert SCRIPT_TITLE in titles  # shown literally, tags and all
    assert browser.title == "banjir kudus – searcher"  # the script did not set it
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img, main b")

    navigating(browser, browser.find_element(By.LINK_TEXT, SCRIPT_TITLE).click)
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == SCRIPT_TITLE
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")


def test_page_fits_a_phone_screen(browser: Any, server: LiveServer):
    browser.set_window_size(390, 844)
    try:
        browser.get(server.url + "/?q=banjir")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0  # no sideways scrolling
    finally:
        browser.set_window_size(1200, 900)
