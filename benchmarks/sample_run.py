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

    python benchmarks/sample_run.py --against 86dbac1 [--repeat 20]

--against REV alternates single runs of this checkout with runs of git revision REV's package (each on its own
bundled sample, with its own bytecode), and prints both medians and the paired difference: this machine's speed moves
by a fifth from hour to hour, more than most changes, and only runs taken in turn compare them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
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
    try:
        from complaint_audit.cli import helper_imports_ahead
    except ImportError:  # a revision before the helper imported what its later tasks need
        helper_imports_ahead = lambda helper, formats: helper.import_ahead(*RUN_HELPER_IMPORTS)
    helper_imports_ahead(helper, ("html", "md"))
    from complaint_audit.audit.run import run_audit
    try:
        from complaint_audit.cli import import_report
    except ImportError:  # a revision before the report's modules were imported with the command's
        import_report = lambda formats: None
    import_report(("html", "md"))
    gc.freeze()
    started = time.perf_counter(), time.process_time()
    run_audit(Path(sys.argv[1]), out_root=Path(tempfile.mkdtemp()), formats=("html", "md"), helper=helper)
    helper_cpu = helper.submit(time.process_time).result()
done = time.perf_counter(), time.process_time()
print(started[0] - wall, started[1] - cpu, done[0] - started[0], done[1] - started[1], helper_cpu)
"""


NAMES = ("startup_seconds", "startup_cpu_seconds", "work_seconds", "work_cpu_seconds", "helper_cpu_seconds")


def measure(repeat: int, keep_bytecode: bool = True) -> dict[str, float]:
    """Median seconds of start-up and of the work after it, on the clock and in CPU time, and of the helper's CPU time,
    over REPEAT runs; with KEEP_BYTECODE, after a first run that compiles the modules' bytecode."""
    from importlib.resources import files

    with tempfile.TemporaryDirectory() as folder:
        one_run = _runner(Path(folder), Path(str(files("complaint_audit.sample_data"))), None, keep_bytecode)
        runs = [one_run() for _ in range(repeat)]
    return {name: statistics.median(run[index] for run in runs) for index, name in enumerate(NAMES)}


def _runner(folder: Path, sample_data: Path, package: Path | None, keep_bytecode: bool) -> Callable[[], list[float]]:
    """One timed run of the sample, its five figures: of this checkout's package, or of PACKAGE (a folder holding a
    complaint_audit package, put first on the path), with the bytecode of its own (after a first, untimed run)."""
    sample = folder / "sample"
    # A copy, as `complaint-audit demo` runs it: the run writes its lock and history beside audit.toml.
    shutil.copytree(sample_data, sample)
    env = {**os.environ, "COMPLAINT_AUDIT_KEY": os.environ.get("COMPLAINT_AUDIT_KEY", "benchmark-key-0123456789")}
    if package is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(package), *filter(None, [env.get("PYTHONPATH")])])
    if keep_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")

    def one_run() -> list[float]:
        return [float(value) for value in subprocess.run(
            [sys.executable, "-c", _ONE_RUN, str(sample / "audit.toml")], check=True, capture_output=True,
            text=True, env=env).stdout.split()[-5:]]

    if keep_bytecode:
        one_run()  # compiles the bytecode of every module the run imports, in both processes
    return one_run


def against(revision: str, repeat: int, keep_bytecode: bool = True) -> dict[str, dict[str, float]]:
    """REPEAT single runs of this checkout and of REVISION's package taken in turn (which goes first alternating):
    each side's medians, and the paired difference of the work (this checkout's less REVISION's): its mean, standard
    error and median."""
    from importlib.resources import files

    with tempfile.TemporaryDirectory() as folder:
        package = _package_of(revision, Path(folder) / "revision")
        sides = {"this": _runner(Path(folder) / "this", Path(str(files("complaint_audit.sample_data"))), None,
                                 keep_bytecode),
                 revision: _runner(Path(folder) / "other", package / "complaint_audit" / "sample_data", package,
                                   keep_bytecode)}
        runs: dict[str, list[list[float]]] = {name: [] for name in sides}
        for turn in range(repeat):
            for name in (list(sides) if turn % 2 == 0 else list(reversed(sides))):
                runs[name].append(sides[name]())
    figures = {name: {key: statistics.median(run[index] for run in done) for index, key in enumerate(NAMES)}
               for name, done in runs.items()}
    differences = [mine[2] - theirs[2] for mine, theirs in zip(runs["this"], runs[revision], strict=True)]
    figures["difference"] = {"mean": statistics.mean(differences), "median": statistics.median(differences),
                             "standard_error": statistics.stdev(differences) / len(differences) ** 0.5
                             if len(differences) > 1 else float("nan")}
    return figures


def _package_of(revision: str, folder: Path) -> Path:
    """REVISION's complaint_audit package laid out in FOLDER as an install has it (pyproject's package-dir: the checks,
    templates and sample data inside the package), from `git archive`; FOLDER, to put on the path."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    mapping = tomllib.loads(subprocess.run(["git", "-C", str(root), "show", f"{revision}:pyproject.toml"], check=True,
                                           capture_output=True, text=True).stdout)["tool"]["setuptools"]["package-dir"]
    tree = folder / "tree"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", revision, *sorted(set(mapping.values()))], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for name, path in sorted(mapping.items(), key=lambda item: item[0].count(".")):
        target = folder / name.replace(".", "/")
        if not target.exists():
            shutil.copytree(tree / path, target)
    return folder


EACH_COMPILING = ", each compiling the modules' bytecode"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes to take the median of")
    parser.add_argument("--compile-each-run", action="store_true",
                        help="as a machine that keeps no bytecode runs it (PYTHONDONTWRITEBYTECODE): no first run")
    parser.add_argument("--against", metavar="REV", help="alternate runs with git revision REV's package")
    args = parser.parse_args()
    if args.against:
        compared = against(args.against, args.repeat, keep_bytecode=not args.compile_each_run)
        for name in ("this", args.against):
            print(f"{name}: start-up {compared[name]['startup_seconds']:.2f} s; the work after it "
                  f"{compared[name]['work_seconds']:.2f} s ({compared[name]['work_cpu_seconds']:.2f} s CPU; the helper "
                  f"{compared[name]['helper_cpu_seconds']:.2f} s CPU with its imports); median of {args.repeat}")
        difference = compared["difference"]
        print(f"the work, this less {args.against}, run by run in turn: {difference['mean']:+.3f} s "
              f"+- {difference['standard_error']:.3f} s (mean, standard error), median {difference['median']:+.3f} s; "
              f"load average {os.getloadavg()[0]:.1f}")
        return
    figures = measure(args.repeat, keep_bytecode=not args.compile_each_run)
    print(f"start-up {figures['startup_seconds']:.2f} s ({figures['startup_cpu_seconds']:.2f} s CPU); "
          f"the work after it {figures['work_seconds']:.2f} s ({figures['work_cpu_seconds']:.2f} s CPU; the helper "
          f"{figures['helper_cpu_seconds']:.2f} s CPU with its imports); median of {args.repeat}"
          f"{EACH_COMPILING if args.compile_each_run else ''}, load average "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
