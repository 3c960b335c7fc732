"""The HTML briefing in a real browser: headless Chromium driven over the DevTools protocol.

The sample corpus is scored in memory (the flow's own chain, without Prefect), rendered, and
opened from a file:// URL: no console errors, the page's script runs, the contested Tarvel
story shows both sides, and a screenshot is saved under test-artifacts/. A page built from
hostile articles runs no script of theirs. Skips when Debian's ``chromium`` is not installed.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from credence import pipeline, reporting
from credence.models import Article
from tests.conftest import PROJECT_ROOT
from tests.test_reporting import sample_inputs

websockets_sync = pytest.importorskip("websockets.sync.client", reason="the websockets package (a Prefect dependency) is absent")

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0",
]
# Every payload sets window.__pwned (or the document title) if it ever runs.
PAYLOADS = [
    "<script>window.__pwned = 'script';</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "<a href=\"javascript:window.__pwned = 'link'\">read more</a>",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "\"><script>document.title = 'pwned'</script>",
]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium is not installed (apt-get install chromium); the browser checks of report.html need it")


@dataclass
class PageResult:
    """What loading one page produced: console errors, values read from the page, a screenshot."""

    errors: list[str]
    values: dict[str, object]
    screenshot: bytes = field(repr=False)


class Browser:
    """A headless Chromium with one tab, driven over the DevTools protocol (no network needed)."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                pytest.fail("chromium did not open its DevTools port within 30 s")
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:  # noqa: S310 - local DevTools
            targets = json.load(response)
        url = next(target["webSocketDebuggerUrl"] for target in targets if target["type"] == "page")
        self.socket = websockets_sync.connect(url, max_size=None, open_timeout=10)
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params: object) -> dict:
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(message.get("method") == event for message in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=30)))

    def open(self, path: Path, probes: dict[str, str], *, width: int = 1280, height: int = 1500) -> PageResult:
        """Load a file, let scripts settle, read each probe (a JS expression), take a viewport screenshot."""
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        # Error events (img onerror) and late console messages arrive just after load.
        self.call("Runtime.evaluate", expression="new Promise(r => setTimeout(r, 150))", awaitPromise=True)
        values = {name: self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")
                  for name, expression in probes.items()}
        shot = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        return PageResult(errors=console_errors(self.events), values=values, screenshot=shot)

    def close(self) -> None:
        if getattr(self, "socket", None) is not None:
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def console_errors(events: list[dict]) -> list[str]:
    """Console errors, uncaught exceptions and browser log errors (CSP refusals included)."""
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("exception", {}).get("description", params["exceptionDetails"].get("text", "")))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = chromium_binary()
    profile = Path(tempfile.mkdtemp(prefix="credence-chromium-"))
    started = Browser(binary, profile)
    try:
        yield started
    finally:
        started.close()
        remove_profile(profile)


def remove_profile(profile: Path) -> None:
    """Delete the fresh profile; Chromium's helper processes may still be writing to it for a moment."""
    for _ in range(20):
        shutil.rmtree(profile, ignore_errors=True)
        if not profile.exists():
            return
        time.sleep(0.1)


def write_report(folder: Path, articles: pd.DataFrame, ledger: pd.DataFrame, scored: pd.DataFrame) -> Path:
    """Render report.html for scored claims the way the flow does, without Prefect."""
    data = reporting.build_report_data(reporting.run_summary(scored, ledger, "2026-11-29"), scored, ledger, articles, low_credibility=0.45)
    path = folder / "report.html"
    path.write_text(reporting.render_html(data), encoding="utf-8")
    return path


SAMPLE_PROBES = {
    "script": "document.documentElement.getAttribute('data-script')",
    "tarvel": """(() => {
        const box = [...document.querySelectorAll('#contested .dispute')].find(d =>
            [...d.querySelectorAll('.side.support .claim')].some(c => c.textContent.includes('completely liberated')
                && c.textContent.includes('Valdorian State News Agency')));
        if (!box) return null;
        const side = sel => [...box.querySelectorAll(sel + ' .claim')].map(c => ({
            source: c.querySelector('b').textContent, text: c.textContent.replace(/\\s+/g, ' ')}));
        return {supports: side('.side.support'), contradicts: side('.side.oppose')};
    })()""",
    "sorted": """(() => {
        const table = document.querySelector('#claims table');
        table.tHead.rows[0].cells[0].click();
        const scores = [...table.tBodies[0].rows].map(r => parseFloat(r.cells[0].dataset.value));
        return scores.every((s, i) => i === 0 || scores[i - 1] <= s);
    })()""",
    "filtered": """(() => {
        const select = document.querySelector('#claims .filter-bar select');
        select.value = 'contradicted';
        select.dispatchEvent(new Event('change'));
        const shown = [...document.querySelectorAll('#claims tbody tr')].filter(r => !r.hidden);
        return {shown: shown.length, all_contradicted: shown.every(r => r.dataset.status === 'contradicted')};
    })()""",
    "charts": "document.querySelectorAll('svg.chart').length",
    "highlights": "['source', 'cue', 'content'].map(k => document.querySelectorAll('mark.' + k).length)",
}


@pytest.fixture(scope="module")
def sample_page(browser, sample_scored, tmp_path_factory) -> PageResult:  # type: ignore[no-untyped-def]
    articles, ledger = sample_inputs()
    path = write_report(tmp_path_factory.mktemp("sample-report"), articles, ledger, sample_scored)
    page = browser.open(path, SAMPLE_PROBES)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(page.screenshot)
    shutil.copyfile(path, ARTIFACTS / "report.html")
    if os.environ.get("CREDENCE_UPDATE_SCREENSHOT"):
        # The README's picture is refreshed on request only, so a test run never dirties docs/.
        (PROJECT_ROOT / "docs").mkdir(exist_ok=True)
        (PROJECT_ROOT / "docs" / "report.png").write_bytes(page.screenshot)
    return page


def test_sample_report_has_no_console_errors_and_runs_its_script(sample_page):
    """The briefing loads offline without a console error, and its sorting/filtering script runs."""
    assert sample_page.errors == []
    assert sample_page.values["script"] == "ready"
    assert sample_page.values["sorted"] is True
    assert sample_page.values["filtered"]["shown"] > 0 and sample_page.values["filtered"]["all_contradicted"]
    assert sample_page.values["charts"] >= 3
    assert all(count > 0 for count in sample_page.values["highlights"])
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_sample_report_shows_both_sides_of_the_tarvel_story(sample_page):
    """The contested Tarvel story: VSNA's "completely liberated" on one side, Kestria's denials on the other."""
    sides = sample_page.values["tarvel"]
    assert sides is not None, "no contested box holds VSNA's 'completely liberated' claim"
    says, denies = sides["supports"], sides["contradicts"]
    assert any(c["source"] == "Kestrian Ministry of Foreign Affairs" and "denied" in c["text"] for c in denies), denies
    # Kestria's denials of "Valdoria's claims" are all on the other side.
    assert not any("Valdoria's claims that" in c["text"] for c in says), says


def hostile_articles() -> list[Article]:
    """Articles whose titles, outlets, URLs and text carry script payloads."""
    articles = []
    for number, payload in enumerate(PAYLOADS):
        text = (
            f"The minister said that {payload} the port was closed on Tuesday.\n\n"
            f"“{payload} Nobody was hurt,” said Anna Field, a spokeswoman. "
            f"According to {payload} officials, the ships left the harbour at night."
        )
        articles.append(Article(
            article_id=f"hostile{number}", outlet=f"Outlet {payload}", url="javascript:window.__pwned='url'",
            published_at="2026-11-28T10:00:00+00:00", published_at_origin="field", title=f"Title {payload}",
            text=text, source_file=f"{payload}.txt", record="",
        ))
    return articles


HOSTILE_PROBES = {
    "pwned": "window.__pwned === undefined ? null : String(window.__pwned)",
    "title": "document.title",
    "script": "document.documentElement.getAttribute('data-script')",
    "scripts": "document.scripts.length",
    "handlers": "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length",
    "bad_links": "[...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|#)/i.test(a.getAttribute('href'))).length",
    "payload_text": "document.body.textContent.includes(\"onerror=\")",
}


@pytest.fixture(scope="module")
def hostile_pages(settings, english, tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("hostile-report")
    articles = hostile_articles()
    scored = pipeline.score_articles(articles, settings, english)
    ledger = pd.DataFrame(
        [{"source_file": article.source_file, "record": "", "state": "processed", "reason": ""} for article in articles]
        + [{"source_file": PAYLOADS[1] + ".json", "record": PAYLOADS[0], "state": "quarantined", "reason": PAYLOADS[2]}]
    )
    report = write_report(folder, pipeline.articles_frame(articles), ledger, scored)
    html = report.read_text(encoding="utf-8")
    # Without its Content-Security-Policy the page must still be inert: escaping alone holds.
    policy = html[html.index('<meta http-equiv="Content-Security-Policy"') :]
    no_policy = folder / "report-without-csp.html"
    no_policy.write_text(html.replace(policy[: policy.index(">") + 1], ""), encoding="utf-8")
    # Control: the same payloads unescaped prove the probes would see a script that ran.
    control = folder / "control.html"
    control.write_text("<!DOCTYPE html><html><head><title>control</title></head><body>" + "".join(PAYLOADS) + "</body></html>", encoding="utf-8")
    return {"report": report, "report_without_csp": no_policy, "control": control}


@pytest.mark.parametrize(
    ("page", "inert"),
    [("report", True), ("report_without_csp", True), ("control", False)],
)
def test_hostile_articles_run_no_script(browser, hostile_pages, page, inert):
    """Payloads in titles, outlets, URLs and text are shown as text; none of them runs."""
    result = browser.open(hostile_pages[page], HOSTILE_PROBES)
    if inert:
        assert result.values["pwned"] is None
        assert result.values["title"] != "pwned"
        assert result.values["script"] == "ready"  # scripting was on: a payload would have run
        assert result.values["scripts"] == 1
        assert result.values["handlers"] == 0
        assert result.values["bad_links"] == 0
        assert result.values["payload_text"] is True  # shown as text, not dropped
        assert result.errors == []
    else:
        assert result.values["pwned"] is not None or result.values["title"] == "pwned"
    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / f"hostile-{page}.png").write_bytes(result.screenshot)
