"""The offline run's HTML reports, rendered in a real browser: Debian's headless Chromium, driven by
selenium through Debian's matching chromedriver (`make browser` installs both; nothing is fetched).

What a person sees is asserted on the rendered page: the first screen holds the verdict counts and
the first FAIL; the "hide skip" toggle and the filters hide and show rows; a matrix cell's link
lands on that vendor's row; a check id's link on its rule; the copy button copies; printed, the
controls go and the evidence stays. Screenshots are kept in the offline run's temporary folder
(`<tmp>/offline0/*.png`) for a person to look at.
"""

import base64
import json
import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900"]


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        message = f"{CHROMIUM} or {CHROMEDRIVER} is not installed: run `make browser`"
        if os.environ.get("CI"):
            pytest.fail(message + " (make test installs it)")
        pytest.skip(message)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="llmconform-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")  # a new, empty profile every run
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


def _open(browser, path):
    browser.get(Path(path).as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    return browser


def _on_first_screen(browser, element):
    top, bottom, height = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];", element)
    return top >= -1 and top < height and bottom > 0  # -1: sub-pixel rounding of a scrolled-to anchor


def _arrived(browser, anchor):
    """Wait until the link's page has loaded and run its script."""
    from urllib.parse import unquote

    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: unquote(d.current_url).endswith("#" + anchor)
                                     and d.execute_script("return document.readyState") == "complete")


def _shot(browser, offline, name):
    path = offline["root"] / f"{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def _by(css):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


@pytest.fixture(scope="module")
def failing(fake, offline):
    """A run with a FAIL to show, whatever the vendors' documents hold today: the loopback fake with
    one MUST broken (a chat completion whose `object` is wrong), its reports written as a user's
    `--report-dir` would be, and a matrix of the offline vendors beside it."""
    import subprocess
    import sys

    from selftest.harness import ROOT, run

    out = offline["root"] / "failing"
    with fake.faulty("chat.object-wrong"):
        code, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/response/schema",
                                                                      "openai-chat/response/choice-indexes"],
                              extra=["--report-dir", str(out)])
    assert code == 1 and report["summary"]["fail"] == 1, report.get("summary")
    vendor = report["vendor"]
    runs = [*(offline["dir"] / f"{v}.json" for v in offline["vendors"]), out / f"{vendor}.json"]
    compare = subprocess.run([sys.executable, "-m", "llmconform.cli", "compare", *map(str, runs),
                              "--html", str(out / "matrix.html")], capture_output=True, text=True, timeout=120,
                             cwd=ROOT)
    assert compare.returncode == 0, compare.stderr
    return {"dir": out, "vendor": vendor, "vendors": [*offline["vendors"], vendor]}


def test_the_first_screen_holds_the_counts_and_the_first_fail(browser, offline, failing):
    for page in (failing["dir"] / f"{failing['vendor']}.html", offline["root"] / "all.html"):
        _open(browser, page)
        assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0, \
            "self-contained: the page loads nothing"
        counts = browser.find_elements(*_by("table.overview td[data-verdict]"))
        fails = [c.text for c in counts if c.get_attribute("data-verdict") == "fail"]
        folder, shown = ((failing["dir"], [failing["vendor"]]) if page.stem == failing["vendor"]
                         else (offline["dir"], offline["vendors"]))
        reports = [json.loads((folder / f"{v}.json").read_text()) for v in shown]
        assert fails == [str(r["summary"]["fail"]) for r in reports]
        assert len(counts) == 5 * len(fails) and all(_on_first_screen(browser, c) for c in counts)
        fail_ids = [r["id"] for report in reports for r in report["results"] if r["verdict"] == "fail"]
        if not fail_ids:  # the vendors' documents may break no MUST: then the first finding is a WARN
            continue
        first = browser.find_elements(*_by("article.finding"))[0]
        assert "f-fail" in first.get_attribute("class") and first.text.split()[1] in fail_ids, first.text[:200]
        assert _on_first_screen(browser, first.find_element(*_by("h3"))), "the first FAIL is on the first screen"
        evidence = first.text
        for what in ("expected", "received", "status", "content type", "body excerpt", "curl -sS"):
            assert what in evidence, what
        _shot(browser, offline, page.stem)


def test_the_skip_toggle_and_the_filters_hide_and_show_rows(browser, offline):
    _open(browser, offline["dir"] / "toiotech.html")
    skips = browser.find_elements(*_by("table.checks tr.check[data-verdicts='skip']"))
    passes = browser.find_elements(*_by("table.checks tr.check[data-verdicts='pass']"))
    assert skips and passes
    assert not any(r.is_displayed() for r in skips), "skip rows are hidden at first"
    assert all(r.is_displayed() for r in passes)
    shown = browser.find_element(*_by("#shown")).text
    toggle = browser.find_element(*_by("#hide-skip"))
    toggle.click()
    assert all(r.is_displayed() for r in skips[:20]) and not toggle.is_selected()
    assert browser.find_element(*_by("#shown")).text != shown
    toggle.click()
    assert not any(r.is_displayed() for r in skips)
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(*_by("#filter-verdict"))).select_by_value("warn")
    rows = browser.find_elements(*_by("table.checks tr.check"))
    assert {r.get_attribute("data-verdicts") for r in rows if r.is_displayed()} == {"warn"}
    Select(browser.find_element(*_by("#filter-verdict"))).select_by_value("")
    Select(browser.find_element(*_by("#filter-surface"))).select_by_value("openai-responses")
    assert {r.get_attribute("data-surface") for r in rows if r.is_displayed()} == {"openai-responses"}
    _shot(browser, offline, "toiotech-filtered")


def test_a_matrix_cell_lands_on_its_row(browser, offline, failing):
    _open(browser, failing["dir"] / "matrix.html")
    header = browser.find_elements(*_by("table.overview th.run a"))
    assert [a.text for a in header] == failing["vendors"]
    assert all(a.get_attribute("href").endswith(f"/{v}.html") for a, v in zip(header, failing["vendors"],
                                                                                  strict=True))
    cell = browser.find_element(*_by("table.matrix tr.failing td.v.fail a"))
    assert _on_first_screen(browser, cell), "which vendor fails what is on the matrix's first screen"
    _shot(browser, offline, "matrix")
    anchor = cell.get_attribute("href").split("#", 1)[1]  # check:<vendor>:<id>
    vendor = anchor.split(":")[1]
    cell.click()
    _arrived(browser, anchor)
    assert browser.current_url.endswith(f"/{vendor}.html#" + anchor)
    landed = browser.find_element("id", anchor)
    assert landed.is_displayed() and _on_first_screen(browser, landed)
    assert "linked" in landed.get_attribute("class") and "FAIL" in landed.text
    _shot(browser, offline, "matrix-cell-landed")
    # A skip cell's row is hidden by "hide skip"; its link still shows it.
    _open(browser, failing["dir"] / "matrix.html")
    skip_cell = browser.find_element(*_by("#checks table.matrix td.v.skip a"))
    target = skip_cell.get_attribute("href").split("#", 1)[1]
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", skip_cell)
    _arrived(browser, target)
    landed = browser.find_element("id", target)
    assert landed.is_displayed() and _on_first_screen(browser, landed)


def test_a_check_id_links_to_its_rule(browser, offline):
    _open(browser, offline["dir"] / "mixrouter.html")
    link = browser.find_element(*_by("article.finding a.rule"))
    ident = link.text
    link.click()
    rule = browser.find_element("id", f"rule:{ident}")
    assert _on_first_screen(browser, rule)
    text = browser.find_element(*_by(f"dl.rules dt[id='rule:{ident}'] + dd")).text
    assert len(text) > 20, "the rule is the check's own text"


def test_the_copy_button_copies_the_curl_line(browser, offline):
    _open(browser, offline["dir"] / "mixrouter.html")
    button = browser.find_element(*_by("article.finding button.copy"))
    from selenium.webdriver.support.ui import WebDriverWait

    button.click()
    # The clipboard answers asynchronously; the label says "copied" for 1.5 s once it has.
    WebDriverWait(browser, 1.4, poll_frequency=0.05).until(lambda d: button.text != "copy")
    assert button.text == "copied", "the copy went through (clipboard or the textarea fallback)"


def test_printed_the_controls_go_and_the_evidence_stays(browser, offline):
    _open(browser, offline["dir"] / "mixrouter.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(*_by(".controls")).is_displayed()
        body = browser.find_element(*_by("article.finding pre.curl"))
        assert body.is_displayed()
        assert browser.execute_script("return getComputedStyle(arguments[0]).maxHeight", body) == "none"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (offline["root"] / "mixrouter.pdf").write_bytes(pdf)
