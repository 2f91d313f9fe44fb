"""benchmarks/timeline.py: the sample's run with both processes' steps on one clock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TIMELINE = Path(__file__).resolve().parents[1] / "benchmarks" / "timeline.py"


def test_the_timeline_shows_each_process_steps_in_the_order_they_began():
    printed = subprocess.run([sys.executable, str(TIMELINE)], check=True, capture_output=True, text=True).stdout
    lines = printed.splitlines()
    assert re.fullmatch(r"the work after start-up: \d+\.\d{3} s \(one run\)", lines[0])
    steps = [(side, step) for side, step in (re.fullmatch(r" *[\d.]+ +[\d.]+ +\d+ +\d+  (\w+) +(.+)", line).groups()
                                             for line in lines[2:-1])]
    # The exports are loaded on both sides, the letters' family of checks is the helper's, the report this process's.
    assert {("here", "an export loaded"), ("helper", "load_alone"), ("here", "a check"), ("helper", "write_result_files"),
            ("here", "the report rendered")} <= set(steps)
    assert any(side == "helper" and step.startswith("checks: the response_quality family (") for side, step in steps)
    order = [step for _, step in steps]
    assert order.index("an export loaded") < order.index("the store written") < order.index("the report rendered")
    assert lines[-1].startswith("the helper idle between its tasks: ")
