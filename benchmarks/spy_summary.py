"""Where a profiled `load` spends its time, from py-spy's raw (folded) output, by step and by function.

    py-spy record --idle --format raw -r 100 -o load-idle.txt -- python benchmarks/run.py --phase load --file EXPORT
    py-spy record --format raw -r 100 -o load.txt -- python benchmarks/run.py --phase load --file EXPORT
    python benchmarks/spy_summary.py load-idle.txt   # read its steps: the wall-clock time
    python benchmarks/spy_summary.py load.txt        # read its functions: the CPU time

By step: the main thread's samples by the line of `load_file` or `_load_into_store` they were in
and the call made from it; recorded with --idle they include its waits on the worker threads, so
they add up to the wall-clock time. By function: every thread's samples by the innermost
complaint_audit function on their stack, or where there is none (pyarrow's reader threads calling
Python's codecs) by their innermost frame; recorded without --idle they are CPU time (with it,
the idle workers' waits swamp them).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

STEPS = ("load_file", "_load_into_store")
RATE = 100  # samples a second, py-spy's -r


def _frames(stack: str) -> list[tuple[str, str, str]]:
    """(function, file relative to its package folder, line) for each frame, outermost first."""
    frames = []
    for frame in stack.split(";"):
        match = re.match(r"(.*?) \((.*?)(?::(\d+))?\)$", frame)
        function, path, line = match.groups() if match else (frame, "", "")
        frames.append((function, re.sub(r".*?/(site-packages|src|benchmarks|lib/python3\.\d+)/", "", path), line or ""))
    return frames


def summarise(folded: Path) -> tuple[Counter, Counter, int, int]:
    """Samples by step of the main thread, by innermost complaint_audit function; the two totals."""
    by_step, by_function, main_samples, samples = Counter(), Counter(), 0, 0
    for line in folded.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames, count = _frames(stack), int(count)
        samples += count
        own = [frame for frame in frames if frame[1].startswith("complaint_audit")]
        function, path, _ = (own or frames)[-1]
        by_function[f"{function} ({path})"] += count
        if frames[0][0] == "<module>":  # the main thread
            main_samples += count
            steps = [index for index, frame in enumerate(frames) if frame[0] in STEPS]
            step = "before the load (imports, profile, config)"
            if steps:
                index = steps[-1]
                called = frames[index + 1][0] if index + 1 < len(frames) else "(its own line)"
                step = f"{frames[index][0]}:{frames[index][2]} -> {called}"
            by_step[step] += count
    return by_step, by_function, main_samples, samples


def main() -> None:
    by_step, by_function, main_samples, samples = summarise(Path(sys.argv[1]))
    print(f"main thread: {main_samples / RATE:.1f} s")
    for step, count in by_step.most_common(14):
        print(f"{count / RATE:6.1f} s {100 * count / main_samples:5.1f}%  {step}")
    print(f"all threads: {samples / RATE:.1f} s of samples")
    for function, count in by_function.most_common(16):
        print(f"{count / RATE:6.1f} s {100 * count / samples:5.1f}%  {function}")


if __name__ == "__main__":
    main()
