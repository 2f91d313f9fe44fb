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
