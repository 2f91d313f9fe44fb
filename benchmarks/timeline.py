"""The bundled sample's `run` with both processes' steps on one clock: where the work after start-up goes.

    python benchmarks/timeline.py

One run as benchmarks/sample_run.py times it (the helper process started, the command's imports, then the run, HTML
and Markdown), in this process, with each step stamped on the wall clock from the run's start: this process's steps
(STEPS) as they begin and end, each check run here, and each task given to the helper as it is sent and as its reply
is read. The helper runs its tasks in turn, so a task's start is the later of its sending and the reply before it.
A task withdrawn (this process took it, as `soonest` does with letters the helper had not begun) is among this
process's steps.

Prints one line a step and side: the first start, the last end, how many times it ran and how long it was busy, in
the order the steps began; then the idle time of the helper between its tasks. Stamping costs a few milliseconds;
the figures are one run's, so read them beside `sample_run.py`'s medians.
"""

from __future__ import annotations

import functools
import gc
import importlib
import itertools
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# This process's steps: (module, function or Class.method, label).
STEPS = (
    ("complaint_audit.ingest.load", "load_file", "an export loaded"),
    ("complaint_audit.letters.read", "read_letter_files", "letters read"),
    ("complaint_audit.letters.attach", "attach_letters", "letters matched, masked, joined"),
    ("complaint_audit.store", "Store.commit", "the store written"),
    ("complaint_audit.audit.run", "_Checking.__call__", "the checks begun (records ready)"),
    ("complaint_audit.audit.run", "_Checking.run", "waiting for the checks"),
    ("complaint_audit.audit.run", "results_json", "results.json made"),
    ("complaint_audit.report.context", "assessment", "the assessment"),
    ("complaint_audit.report.context", "report_context", "the report's context"),
    ("complaint_audit.report.render", "render_reports", "the report rendered"),
)


@dataclass
class Span:
    side: str
    label: str
    start: float
    end: float


def main() -> None:
    from importlib.resources import files

    os.environ.setdefault("COMPLAINT_AUDIT_KEY", "benchmark-key-0123456789")
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample"
        shutil.copytree(Path(str(files("complaint_audit.sample_data"))), sample)
        spans, work = _stamped_run(sample / "audit.toml", Path(folder) / "runs")
    print(f"the work after start-up: {work:.3f} s (one run)")
    print(f"{'start':>6} {'end':>6} {'runs':>4} {'busy ms':>7}  side    step")
    by_step: dict[tuple[str, str], list[Span]] = {}
    for span in sorted(spans, key=lambda span: span.start):
        by_step.setdefault((span.side, span.label), []).append(span)
    for (side, label), steps in by_step.items():
        busy = sum(step.end - step.start for step in steps)
        print(f"{steps[0].start:6.3f} {max(step.end for step in steps):6.3f} {len(steps):4d} {1000 * busy:7.0f}  "
              f"{side:7s} {label}")
    helper = sorted((span for span in spans if span.side == "helper"), key=lambda span: span.start)
    gaps = [(before.end, after.start) for before, after in itertools.pairwise(helper)
            if after.start - before.end > 0.005]
    print("the helper idle between its tasks: " + (", ".join(f"{start:.3f}-{end:.3f} s" for start, end in gaps) or "none"))


def _stamped_run(config: Path, out_root: Path) -> tuple[list[Span], float]:
    from complaint_audit.cli import helper_imports_ahead, import_report
    from complaint_audit.helper_process import HelperProcess

    spans: list[Span] = []
    with HelperProcess() as helper:
        helper_imports_ahead(helper, ("html", "md"))
        from complaint_audit.audit.run import run_audit

        import_report(("html", "md"))
        clock = _Clock()
        for module, name, label in STEPS:
            _stamp(module, name, lambda start, end, label=label: spans.append(Span("here", label, start, end)), clock)
        _stamp("complaint_audit.engine.runner", "_outcome",
               lambda start, end: spans.append(Span("here", "a check", start, end)), clock)
        _stamp_helper(helper, spans, clock)
        gc.freeze()
        clock.start = time.perf_counter()
        run_audit(config, out_root=out_root, formats=("html", "md"), helper=helper)
        work = clock.now()
    return spans, work


class _Clock:
    start = 0.0

    def now(self) -> float:
        return time.perf_counter() - self.start


def _stamp(module: str, name: str, record, clock: _Clock) -> None:
    """MODULE's function (or Class.method) NAME replaced by one that records its start and end."""
    owner = importlib.import_module(module)
    *classes, function = name.split(".")
    for part in classes:
        owner = getattr(owner, part)
    original = getattr(owner, function)

    @functools.wraps(original)
    def stamped(*args, **kwargs):
        start = clock.now()
        try:
            return original(*args, **kwargs)
        finally:
            record(start, clock.now())

    setattr(owner, function, stamped)


def _stamp_helper(helper, spans: list[Span], clock: _Clock) -> None:
    """Each task HELPER is given recorded from its sending to its reply, started no earlier than the reply before it."""
    from complaint_audit.engine.runner import outcomes_of

    submit, last_end = helper.submit, [0.0]

    def stamped_submit(task, *args):
        pending = submit(task, *args)
        if not pending.given_to_helper:
            return pending
        sent = clock.now()
        label = (f"checks: the {args[2][0].__module__.rsplit('.', 1)[-1]} family ({len(args[2])})" if task is outcomes_of
                 else getattr(task, "__name__", None) or getattr(task, "function", str(task)))

        def done(future) -> None:
            if not future.cancelled():  # withdrawn: done here, and stamped among this process's steps
                spans.append(Span("helper", label, max(sent, last_end[0]), clock.now()))
                last_end[0] = spans[-1].end

        pending._future.add_done_callback(done)  # the Pending's own future: when the reply is read
        return pending

    helper.submit = stamped_submit


if __name__ == "__main__":
    sys.exit(main())
