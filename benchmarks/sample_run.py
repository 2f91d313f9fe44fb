"""A council's year, in two parts: the bundled sample's `run` (HTML and Markdown), start-up and the work after it.

    python benchmarks/sample_run.py [--repeat 5]

Each repeat is a fresh interpreter (start-up is only paid once per process), which starts the run's helper process
and imports what `complaint-audit run` imports, as the command does, then runs the sample's audit into a temporary
folder. It prints the median of the repeats for each part, on the clock and in this process's CPU time, and the
helper's CPU time over the whole run (its imports included), beside the load average: on a shared machine the clock
can be twice what the work costs, and the two processes' CPU time tells more than it.

The runs find the modules' bytecode compiled, as every run after a user's first does (Python keeps it beside the
modules, and pip compiles a wheel's at install): a first, untimed run compiles it into a temporary folder
(PYTHONPYCACHEPREFIX), so a machine that keeps none (PYTHONDONTWRITEBYTECODE, as the one these figures were measured
on sets) does not have every run compile the tool's modules anew, some 0.1-0.2 s of the work. --compile-each-run
measures as such a machine runs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# One measured process, as `complaint-audit run` runs: the run's helper process started, the imports the command makes
# (the helper's meanwhile), then the run with what was loaded frozen out of garbage collection; five figures on one line,
# the last the helper's CPU time from its start to the run's end (its imports included: they cannot be told apart).
_ONE_RUN = """
import gc, sys, tempfile, time
from pathlib import Path
wall, cpu = time.perf_counter(), time.process_time()
from complaint_audit.cli import RUN_HELPER_IMPORTS, app
from complaint_audit.helper_process import HelperProcess
with HelperProcess() as helper:
    helper.import_ahead(*RUN_HELPER_IMPORTS)
    from complaint_audit.audit.run import run_audit
    gc.freeze()
    started = time.perf_counter(), time.process_time()
    run_audit(Path(sys.argv[1]), out_root=Path(tempfile.mkdtemp()), formats=("html", "md"), helper=helper)
    helper_cpu = helper.submit(time.process_time).result()
done = time.perf_counter(), time.process_time()
print(started[0] - wall, started[1] - cpu, done[0] - started[0], done[1] - started[1], helper_cpu)
"""


def measure(repeat: int, keep_bytecode: bool = True) -> dict[str, float]:
    """Median seconds of start-up and of the work after it, on the clock and in CPU time, and of the helper's CPU time,
    over REPEAT runs; with KEEP_BYTECODE, after a first run that compiles the modules' bytecode."""
    from importlib.resources import files

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample"
        # A copy, as `complaint-audit demo` runs it: the run writes its lock and history beside audit.toml.
        shutil.copytree(Path(str(files("complaint_audit.sample_data"))), sample)
        env = {**os.environ, "COMPLAINT_AUDIT_KEY": os.environ.get("COMPLAINT_AUDIT_KEY", "benchmark-key-0123456789")}
        if keep_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")

        def one_run() -> list[float]:
            return [float(value) for value in subprocess.run(
                [sys.executable, "-c", _ONE_RUN, str(sample / "audit.toml")], check=True, capture_output=True,
                text=True, env=env).stdout.split()[-5:]]

        if keep_bytecode:
            one_run()  # compiles the bytecode of every module the run imports, in both processes
        runs = [one_run() for _ in range(repeat)]
    names = ("startup_seconds", "startup_cpu_seconds", "work_seconds", "work_cpu_seconds", "helper_cpu_seconds")
    return {name: statistics.median(run[index] for run in runs) for index, name in enumerate(names)}


EACH_COMPILING = ", each compiling the modules' bytecode"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes to take the median of")
    parser.add_argument("--compile-each-run", action="store_true",
                        help="as a machine that keeps no bytecode runs it (PYTHONDONTWRITEBYTECODE): no first run")
    args = parser.parse_args()
    figures = measure(args.repeat, keep_bytecode=not args.compile_each_run)
    print(f"start-up {figures['startup_seconds']:.2f} s ({figures['startup_cpu_seconds']:.2f} s CPU); "
          f"the work after it {figures['work_seconds']:.2f} s ({figures['work_cpu_seconds']:.2f} s CPU; the helper "
          f"{figures['helper_cpu_seconds']:.2f} s CPU with its imports); median of {args.repeat}"
          f"{EACH_COMPILING if args.compile_each_run else ''}, load average "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
