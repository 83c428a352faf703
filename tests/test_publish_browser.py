"""``icor render html`` in a real browser: headless Chromium driven by Selenium.

One page load, shared by the module: no console errors, no network request, the filter
narrows the directory, the map shades one shape per member country, and at 360 px the
page does not scroll sideways. Skipped, with the reason, where Chromium or its driver is
not installed (``.ci/run`` installs Debian's ``chromium`` and ``chromium-driver``);
``ICOR_REQUIRE_BROWSER=1`` makes that an error instead, for a CI job that must run them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE

from icor_cli.publish.html import page_html
from icor_cli.store import find_registry, load

CHROMIUM = (shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome"))
DRIVER = shutil.which("chromedriver")
MISSING = "headless Chromium is not installed (apt-get install chromium chromium-driver)"

if (CHROMIUM is None or DRIVER is None) and os.environ.get("ICOR_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"ICOR_REQUIRE_BROWSER=1 but {MISSING}")
pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None, reason=MISSING)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium with the page of the registry as shipped (its frozen copy) loaded."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    page = tmp_path_factory.mktemp("html") / "members.html"
    page.write_text(page_html(load(find_registry(str(FIXTURE))).registry), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1200,900",
                     "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        driver.get(page.as_uri())
        driver.page_url = page.as_uri()
        yield driver
    finally:
        driver.quit()


def _visible_rows(driver: Any) -> list[str]:
    rows: list[str] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#members tr.member'))"
        ".filter(r => r.offsetParent !== null).map(r => r.querySelector('th').textContent)")
    return rows


def test_loads_without_console_errors_or_network_requests(browser: Any) -> None:
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    requested = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested and set(requested) <= {browser.page_url}, requested
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []


def test_filter_narrows_the_directory(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "filter")
    assert box.is_displayed()  # the script shows it
    assert len(_visible_rows(browser)) == 59
    status = browser.find_element(By.ID, "filter-status")
    box.send_keys("MLPD")
    assert _visible_rows(browser) == ["MLPD"]
    assert status.text == "1 of 59 members shown"
    for query, expected in (("deutsch", "MLPD"), ("DEUTSCH", "MLPD"),
                            ("révolutionnaire", "ORC"), ("revolutionnaire", "ORC"),
                            ("haitien", "NPCH (ML)"), ("бкп", "БКП"), ("bkp", "БКП"),
                            ("türkiye komünist", "TKP-ML")):
        box.clear()
        box.send_keys(query)
        assert expected in _visible_rows(browser), query
    box.clear()
    box.send_keys("no such party anywhere")
    assert _visible_rows(browser) == []
    assert status.text == "0 of 59 members shown"
    hidden_groups = browser.execute_script(
        "return Array.from(document.querySelectorAll('#members tbody')).every(g => g.hidden)")
    assert hidden_groups
    box.clear()
    box.send_keys(" ")
    assert len(_visible_rows(browser)) == 59


def test_keyboard_reaches_the_filter(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.refresh()  # focus starts from the top again
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    visited = []
    for _ in range(5):  # the skip link, the map table's summary, then the filter
        ActionChains(browser).send_keys(Keys.TAB).perform()
        visited.append(browser.switch_to.active_element.get_attribute("id")
                       or browser.switch_to.active_element.tag_name)
        if visited[-1] == "filter":
            break
    assert visited[-1] == "filter", visited
    browser.refresh()
    ActionChains(browser).send_keys(Keys.TAB).send_keys(Keys.ENTER).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "directory"


def test_map_shades_one_shape_per_member_country(browser: Any) -> None:
    shapes = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.map .member')).map(s => "
        "[s.dataset.country, getComputedStyle(s).fill, s.getBBox().width > 0])")
    assert len(shapes) == 45
    assert len({code for code, _, _ in shapes}) == 45
    land = browser.execute_script(
        "return getComputedStyle(document.querySelector('svg.map .land')).fill")
    assert all(fill != land for _, fill, _ in shapes)
    assert all(drawn for _, _, drawn in shapes)
    turkey = next(fill for code, fill, _ in shapes if code == "TR")
    kenya = next(fill for code, fill, _ in shapes if code == "KE")
    assert turkey != kenya  # 5 members against 1


def test_no_horizontal_scrolling_at_360_px(browser: Any, tmp_path: Path) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 360, "height": 740, "deviceScaleFactor": 1,
                             "mobile": True})
    try:
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.body.scrollWidth, "
            "window.innerWidth]")
        shot = tmp_path / "narrow.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 0
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    scroll, body, inner = widths
    assert inner == 360
    assert scroll <= inner and body <= inner, widths
