"""A browser check: headless Chromium renders the report page to an image without errors.

.ci/run installs Debian's chromium where it is missing, so CI always runs this; a developer's
machine without it skips, saying so.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags the probe of this machine kind uses: no sandbox as root, and no background traffic.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1200,3000",
]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_chromium_renders_the_report_without_errors(tmp_path, sample_run):
    shot = tmp_path / "report.png"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", (sample_run / "report.html").as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    problems = [line for line in result.stderr.splitlines() if "Uncaught" in line or "net::ERR_" in line or ":CONSOLE(" in line]
    assert problems == []


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_chromium_shows_the_summary_issues_what_could_not_be_tested_and_members_questions(tmp_path, sample_run):
    """The executive summary's new parts, as the browser builds the page: the issues, each linked to its finding, the
    box of what could not be tested, the committee's asks, and each theme's questions for members."""
    from html.parser import HTMLParser

    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (sample_run / "report.html").as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]

    class Parts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.issues, self.links, self.classes, self.ids = 0, [], [], set()

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            self.classes += (attributes.get("class") or "").split()
            self.ids.add(attributes.get("id"))
            self.issues += tag == "li" and "issue" in (attributes.get("class") or "").split()
            if tag == "a" and (attributes.get("href") or "").startswith("#finding-"):
                self.links.append(attributes["href"][1:])

    parts = Parts()
    parts.feed(result.stdout)
    assert 5 <= parts.issues <= 6
    assert "could-not-test" in parts.classes and "asks" in parts.classes
    assert parts.classes.count("questions") == 7  # one per theme
    assert all(link in parts.ids for link in parts.links)  # every issue and trend link lands on its finding
