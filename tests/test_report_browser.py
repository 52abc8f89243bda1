"""The batch report (issue 7) in a real headless browser: Debian's chromium, driven by
selenium through chromedriver. The page is opened from the file system; the test
checks the rows, that every image loaded, sorting, and takes a screenshot."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digitize.batch import batch_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def report(tmp_path_factory, example_path):
    inp = tmp_path_factory.mktemp("in")
    shutil.copy(example_path, inp / "good.png")
    shutil.copy(example_path, inp / "again.png")
    (inp / "broken.png").write_text("not an image")
    out = tmp_path_factory.mktemp("out")
    res = CliRunner().invoke(batch_app, [str(inp), "-o", str(out), "--workers", "1", "--quiet"])
    assert res.exit_code == 9, res.output
    return out


def test_report_lists_every_row_failed_first(report):
    page = (report / "index.html").read_text()
    assert page.count("<tr class=") == 3
    assert page.index('class="failed"') < page.index('class="ok"')
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network


def test_thumbnails_show_the_heatmap_and_link_the_full_overlay(report):
    """Each row shows its heatmap's part of the "found" panel, at most 480 px, big
    enough to read, and links the full three-panel overlay."""
    import re

    import numpy as np
    from PIL import Image

    page = (report / "index.html").read_text()
    links = re.findall(r'<a href="([^"]+)"[^>]*><img src="([^"]+)"', page)
    assert len(links) == 2
    for href, src in links:
        assert href.endswith("overlay.png") and src.endswith("thumb-1.png")
        full, thumb = Image.open(report / href), Image.open(report / src)
        assert max(thumb.size) <= 480 and thumb.width >= 300, "the heatmap large enough to read"
        assert thumb.width < full.width / 2, "one panel, not the three"
        green = np.all(np.asarray(thumb.convert("RGB")) == (0, 200, 0), axis=2)
        assert green.mean() > 0.005, "the plot box drawn in the found panel is in it"


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver "
                    "(.ci/run installs them)")
def test_report_in_headless_chromium(report, tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        driver.get((report / "index.html").resolve().as_uri())
        rows = driver.find_elements("css selector", "tbody tr")
        assert len(rows) == 3
        assert rows[0].get_attribute("class") == "failed"
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth]);")
        assert len(images) == 2 and all(done and w > 0 for done, w in images), images
        # sort by status: one click puts ok rows last-to-first the other way round
        driver.find_elements("css selector", "th")[0].click()
        driver.find_elements("css selector", "th")[0].click()
        first = driver.find_elements("css selector", "tbody tr")[0].get_attribute("class")
        assert first == "ok"
        shot = tmp_path / "report.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        driver.quit()
