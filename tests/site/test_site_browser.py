"""The built site as a reader without a network sees it: every page in headless Chromium.

The site (``_build/html``, or ``$CVBOOK_SITE``) is served from 127.0.0.1 by ``python -m http.server``;
Chromium resolves no other host, and its network log must show no request to one. For every page:
no console error, no request off 127.0.0.1, every formula typeset by the local MathJax, every image
loaded, every saved widget view rendered by the vendored widget manager, and the Colab and download
buttons pointing at the page's own source. Search must find a glossary term. One screenshot per
chapter goes to ``_build/screenshots/`` (not committed).

Skips, with the reason, when Chromium, chromedriver or the built site is missing, so the unit run
passes without them; ``CVBOOK_BROWSER_TEST=1`` (set by ``.ci/browser_test.sh``) turns those skips into
failures.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("CVBOOK_SITE") or REPO / "_build" / "html")
SCREENSHOTS = SITE.parent / "screenshots"
CHROMIUM = os.environ.get("CVBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CVBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRED = os.environ.get("CVBOOK_BROWSER_TEST") == "1"
REPO_URL = "https://github.com/cvbook-authors/cvbook"  # checked against _config.yml below
WAIT_S = 30.0  # per page, for MathJax and the widget manager; a page normally settles in < 2 s


def _missing() -> str | None:
    if not (SITE / "index.html").exists():
        return f"no built site at {SITE} (run `jupyter-book build . -W -n --keep-going` first)"
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not (Path(exe).exists() and os.access(exe, os.X_OK)):
            return f"{exe} not found (Debian: apt-get install -y chromium chromium-driver fonts-noto-cjk)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


MISSING = _missing()


def _pages() -> list[str]:
    if MISSING:
        return ["(no site)"]
    skip = ("_static", "_sources", "_images")
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if p.relative_to(SITE).parts[0] not in skip)


PAGES = _pages()


@pytest.fixture(scope="module")
def server():
    if MISSING:
        if REQUIRED:
            pytest.fail(f"browser test required (CVBOOK_BROWSER_TEST=1) but {MISSING}")
        pytest.skip(MISSING)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(SITE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "index.html", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the local http.server did not start")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cvbook-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
        # every host but the local server is unresolvable: the page sees what an offline reader sees
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    opts.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _drain(driver) -> tuple[list[str], list[str]]:
    """Console errors and requested URLs since the last call (reading a log clears it)."""
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return errors, urls


def _foreign(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        # the browser's own pages (its new-tab page asks for chrome-untrusted://new-tab-page/...), not the site's
        if parts.scheme in ("data", "blob", "about", "chrome", "chrome-untrusted", "chrome-search", "devtools"):
            continue
        if parts.hostname != "127.0.0.1":
            out.append(url)
    return out


# Collects the page's state once it has settled; returns null while it is still working.
_STATE_JS = r"""
const mj = window.MathJax;
const mathDone = !mj || (mj.startup && mj.startup.document && mj.startup.promise
                 && window.__cvbookMathDone === true);
if (mj && mj.startup && mj.startup.promise && window.__cvbookMathDone === undefined) {
  window.__cvbookMathDone = false;
  mj.startup.promise.then(() => { window.__cvbookMathDone = true; });
}
const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
const rendered = views.filter(v => {
  const prev = v.previousElementSibling;
  return prev && prev.classList.contains('widget-subarea') && prev.children.length > 0
         && prev.getBoundingClientRect().height > 0;
}).length;
document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
const imgs = Array.from(document.images);
const pending = imgs.filter(i => !i.complete).length;
if (document.readyState !== 'complete' || !mathDone || rendered < views.length || pending > 0) {
  return null;
}
const math = Array.from(document.querySelectorAll('.math'));
const untypeset = math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));
const merrors = Array.from(document.querySelectorAll('mjx-merror')).map(m => m.textContent.slice(0, 60));
// prose with raw TeX delimiters left over (code and typeset math removed first)
const clone = document.querySelector('main, article, body').cloneNode(true);
clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea').forEach(n => n.remove());
const text = clone.textContent;
const raw = [];
for (const d of ['$$', '\\[', '\\(', '\\begin{']) { if (text.includes(d)) raw.push(d); }
const broken = imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src'));
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
return {views: views.length, rendered, untypeset, merrors, raw, broken, nimages: imgs.length,
        colab: links.filter(h => h.includes('colab.research.google.com')),
        downloads: links.filter(h => h.includes('_sources/'))};
"""


def _settle(driver, timeout: float = WAIT_S) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = driver.execute_script(_STATE_JS)
        if state is not None:
            return state
        if time.monotonic() > deadline:
            views = driver.execute_script(
                "return [document.readyState, window.__cvbookMathDone,"
                " document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length,"
                " document.querySelectorAll('.widget-subarea').length,"
                " Array.from(document.images).filter(i => !i.complete).map(i => i.src)]"
            )
            raise AssertionError(
                f"page did not settle in {timeout:.0f} s: readyState, MathJax done, widget views, "
                f"rendered widget areas, pending images = {views}"
            )
        time.sleep(0.1)


def _source_of(page: str) -> Path | None:
    """The source file (``.ipynb`` or ``.md``) a page was built from, relative to the repository."""
    stem = page[: -len(".html")]
    for ext in (".ipynb", ".md"):
        if (SITE / "_sources" / (stem + ext)).exists():
            return Path(stem + ext)
    return None


def test_repository_url_matches_config():
    from cvbook.book import repository_url

    assert repository_url() == REPO_URL


@pytest.mark.parametrize("page", PAGES)
def test_page_offline(browser, server, page):
    _drain(browser)
    browser.get(server + page)
    state = _settle(browser)
    errors, urls = _drain(browser)
    problems = []
    if errors:
        problems.append(f"console errors: {errors}")
    if foreign := _foreign(urls):
        problems.append(f"requests to other hosts: {foreign}")
    if state["untypeset"]:
        problems.append(f"{len(state['untypeset'])} formulas not typeset, e.g. {state['untypeset'][:3]}")
    if state["merrors"]:
        problems.append(f"MathJax errors: {state['merrors'][:3]}")
    if state["raw"]:
        problems.append(f"raw TeX delimiters in the prose: {state['raw']}")
    if state["broken"]:
        problems.append(f"images that did not load: {state['broken']}")
    if state["rendered"] != state["views"]:
        problems.append(f"{state['views'] - state['rendered']} of {state['views']} saved widget views not rendered")
    source = _source_of(page)
    if source is not None:
        depth = page.count("/")
        own = ("../" * depth) + "_sources/" + source.as_posix()
        if own not in state["downloads"]:
            problems.append(f"no download button for {own}; links to sources: {state['downloads']}")
        wrong = [d for d in state["downloads"] if d != own]
        if wrong:
            problems.append(f"download links to other pages' sources: {wrong}")
        with urllib.request.urlopen(server + "_sources/" + source.as_posix(), timeout=10) as r:
            if r.status != 200 or not r.read(1):
                problems.append(f"download {own} is empty or missing")
        if source.suffix == ".ipynb":
            colab = f"https://colab.research.google.com/github/{REPO_URL.split('github.com/')[1]}/blob/main/{source.as_posix()}"
            if state["colab"] != [colab]:
                problems.append(f"Colab button {state['colab']} should be [{colab}]")
    elif page.startswith(("notebooks/", "book/")):
        problems.append("page has no source in _sources/")
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("term", ["感受野", "receptive field"])
def test_search_finds_glossary_term(browser, server, term):
    _drain(browser)
    browser.get(server + "search.html?q=" + urllib.parse.quote(term))
    deadline = time.monotonic() + WAIT_S
    hits: list[str] = []
    while time.monotonic() < deadline:
        hits = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.getAttribute('href'))"
        )
        # Sphinx shows the hits one by one (on timers) and writes the summary ("... found N pages"); the
        # summary can be there before the last hits are: done only when all N are listed
        found = browser.execute_script(
            "const p = document.querySelector('#search-results p.search-summary');"
            " if (!p) return null; if (/did not match/i.test(p.textContent)) return 0;"
            " const m = p.textContent.match(/found (\\d+)/i); return m ? parseInt(m[1]) : null"
        )
        done = found is not None and len(hits) >= found
        if done or any("glossary" in h for h in hits):
            break
        time.sleep(0.2)
    errors, urls = _drain(browser)
    assert not errors and not _foreign(urls), (errors, _foreign(urls))
    assert any("book/glossary.html" in h for h in hits), f"search for {term!r} did not find the glossary: {hits}"


def _chapter_pages() -> list[str]:
    """One page per chapter (its first notebook page, else its index) and the glossary."""
    if MISSING:
        return ["(no site)"]
    chosen = {}
    for page in PAGES:
        parts = page.split("/")
        if parts[0] == "notebooks" and len(parts) == 3:
            current = chosen.get(parts[1])
            if current is None or (current.endswith("index.html") and not page.endswith("index.html")):
                chosen[parts[1]] = page
    return sorted(chosen.values()) + ["book/glossary.html"]


@pytest.mark.parametrize("page", _chapter_pages())
def test_screenshot_per_chapter(browser, server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(server + page)
    _settle(browser)
    _drain(browser)
    target = SCREENSHOTS / (page[: -len(".html")].replace("/", "__") + ".png")
    assert browser.save_screenshot(str(target)) and target.stat().st_size > 0
