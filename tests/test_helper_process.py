"""The helper process: a run's letters, exports, checks and workbooks worked out on the other core, with the same results
as here."""

from __future__ import annotations

import functools
import operator
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import CancelledError
from pathlib import Path

import pandas as pd
import pytest

from complaint_audit.errors import UserError
from complaint_audit.helper_process import HelperProcess, Named
from complaint_audit.store import Store
from tests.conftest import SAMPLE_DATA


def test_tasks_run_in_another_process_in_the_order_given():
    with HelperProcess() as helper:
        pids = [helper.submit(os.getpid) for _ in range(3)]
        sums = [helper.submit(operator.add, number, 1) for number in range(5)]
        assert {pending.result() for pending in pids} != {os.getpid()}
        assert len({pending.result() for pending in pids}) == 1  # one helper for the block
        assert [pending.result() for pending in sums] == [1, 2, 3, 4, 5]


def test_replies_and_arguments_larger_than_a_pipe_come_whole_and_in_order():
    # A family of checks' outcomes is 0.1-0.5 MB; here several MB each way, a task sent while the last reply is read.
    big = os.urandom(3 << 20)
    with HelperProcess() as helper:
        echoed = [helper.submit(bytes, big[start:]) for start in range(4)]
        sizes = [helper.submit(len, big[:size]) for size in (0, 1, 5 << 20)]
        assert [pending.result() for pending in echoed] == [big[start:] for start in range(4)]
        assert [pending.result() for pending in sizes] == [0, 1, 3 << 20]
        assert helper.submit(os.getpid).result() != os.getpid()  # all of it in the helper, still there


def test_a_task_whose_arguments_cannot_be_pickled_is_worked_out_here_and_the_helper_takes_the_rest():
    with HelperProcess() as helper:
        here = helper.submit(_process_of, lambda: None)  # a lambda does not pickle
        there = helper.submit(_process_of, "a string")
        assert here.result() == os.getpid()
        assert there.result() != os.getpid()


def _process_of(value) -> int:
    return os.getpid()


def test_a_tasks_error_reaches_the_caller_as_it_was_raised():
    with HelperProcess() as helper:
        failed = helper.submit(operator.truediv, 1, 0)
        refused = helper.submit(_raise_user_error, "letters/index.csv: no column 'file'")
        after = helper.submit(operator.mul, 6, 7)
        with pytest.raises(ZeroDivisionError):
            failed.result()
        with pytest.raises(UserError, match="letters/index.csv: no column 'file'"):
            refused.result()
        assert after.result() == 42  # an error ends the task, not the helper


def _raise_user_error(message: str) -> None:
    raise UserError(message)


def test_a_task_named_by_its_module_runs_without_its_module_imported_here():
    """A run sends the report's template compiling by name: its module (and Jinja) is imported here only later."""
    sys.modules.pop("colorsys", None)
    with HelperProcess() as helper:
        converted = helper.submit(Named("colorsys", "rgb_to_hsv"), 1.0, 0.0, 0.0).result()
        assert "colorsys" not in sys.modules
        helper_pid = helper.submit(os.getpid).result()
        os.kill(helper_pid, signal.SIGKILL)
        worked_out_here = helper.submit(Named("colorsys", "rgb_to_hsv"), 0.0, 1.0, 0.0).result()
    assert converted == (0.0, 1.0, 1.0)
    assert worked_out_here == (1 / 3, 1.0, 1.0)
    assert "colorsys" in sys.modules  # the helper gone, the task was worked out here


def test_a_helper_that_dies_leaves_its_tasks_to_the_caller():
    with HelperProcess() as helper:
        helper_pid = helper.submit(os.getpid).result()
        os.kill(helper_pid, signal.SIGKILL)
        assert helper.submit(os.getpid).result() == os.getpid()
        assert helper.submit(operator.add, 2, 2).result() == 4


def test_a_helper_that_exits_as_it_starts_leaves_every_task_to_the_caller(monkeypatch):
    """A Python that cannot run the helper (here, a program that only exits): the first task and every later one are
    worked out here, none waits for an answer that will not come."""
    monkeypatch.setattr(sys, "executable", shutil.which("true"))
    with HelperProcess() as helper:
        assert [helper.submit(os.getpid).result() for _ in range(3)] == [os.getpid()] * 3


def test_where_no_process_can_be_started_the_caller_works_the_tasks_out(monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", _no_processes)
    with HelperProcess() as helper:
        assert helper.submit(os.getpid).result() == os.getpid()


def test_a_task_worked_out_here_is_worked_out_once_however_often_its_result_is_asked_for(monkeypatch):
    """A run asks for its results' files' task twice (before the report, and before it finishes): where no helper could
    be started, they were written twice."""
    monkeypatch.setattr(subprocess, "Popen", _no_processes)
    runs = []
    with HelperProcess() as helper:
        asked_twice = helper.submit(lambda: runs.append("results") or len(runs))
        soonest_then_result = helper.submit(lambda: runs.append("workbook") or len(runs))
        assert (asked_twice.result(), asked_twice.result()) == (1, 1)
        assert (soonest_then_result.soonest(), soonest_then_result.result()) == (2, 2)
    assert runs == ["results", "workbook"]


def _no_processes(*args, **kwargs):
    raise OSError(11, "Resource temporarily unavailable")


def test_a_block_left_by_an_error_ends_the_helper_at_once():
    started = time.monotonic()
    with pytest.raises(KeyError), HelperProcess() as helper:
        helper_pid = helper.submit(os.getpid).result()
        helper.submit(time.sleep, 600)  # a long task nobody needs any more
        raise KeyError("the run failed")
    assert time.monotonic() - started < 300  # not waited for
    with pytest.raises(ProcessLookupError):  # ended, and reaped
        os.kill(helper_pid, 0)


def test_a_task_printing_does_not_break_the_exchange(capfd):
    with HelperProcess() as helper:
        helper.submit(print, "a letter reader's warning").result()
        assert helper.submit(operator.add, 1, 1).result() == 2
    assert "a letter reader's warning" in capfd.readouterr().err


def test_a_script_without_a_main_guard_runs_its_audit_once(tmp_path):
    """multiprocessing's spawn and forkserver import the caller's script again in each process they start; the
    helper is started as a module instead, so a script without `if __name__ == "__main__"` runs once."""
    script = tmp_path / "audit_script.py"
    script.write_text(textwrap.dedent(f"""
        from complaint_audit.audit.run import run_audit
        run_audit({str(SAMPLE_DATA / "audit.toml")!r}, out_root={str(tmp_path / "runs")!r}, formats=("html",))
    """))
    subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path)
    runs = [folder for folder in (tmp_path / "runs").iterdir() if folder.is_dir()]
    assert len(runs) == 1
    assert (runs[0] / "report.html").read_text(encoding="utf-8").count("<svg") >= 3


def test_checks_shared_with_the_helper_give_what_they_give_here(sample_store):
    """The checks run a module at a time on both sides; every outcome, in the registry's order, is what a run without
    a helper gives: status, metrics, finding and each exception."""
    from complaint_audit.config import load_config
    from complaint_audit.engine.api import check_records, exported_fields
    from complaint_audit.engine.registry import discover
    from complaint_audit.store import Store

    store = Store(sample_store)
    audit = load_config(SAMPLE_DATA / "audit.toml")
    records, reviews, exported = store.read_records(), store.read_reviews(), exported_fields(store)
    alone = check_records(records, audit, reviews=reviews, exported_fields=exported).outcomes
    with HelperProcess() as helper:
        helper.submit(discover).result()  # started, with the checks imported: it takes its first module at once
        sent, sent_args = _recording_tasks(helper)
        shared = check_records(records, audit, reviews=reviews, exported_fields=exported, helper=helper).outcomes
    families = [{check.__module__.rsplit(".", 1)[-1] for check in task_args[2]} for task_args in sent_args]
    # remedies reads the letters with response_quality's reading: the two are sent together, so it is read once
    assert {"remedies", "response_quality"} in families and len(families) == len({outcome.check.__module__ for outcome in alone}) - 1
    ran_there = [pending for pending in sent if not pending.withdraw()]  # a task done can no longer be withdrawn
    assert 1 <= len(ran_there) < len(families)  # each side ran some
    # The largest family, first, is the helper's: this process, writing a run's store as the checks begin, takes it last
    assert families[0] == {"remedies", "response_quality"} and sent[0] in ran_there
    assert [outcome.check for outcome in shared] == [outcome.check for outcome in alone]
    for here, there in zip(alone, shared, strict=True):
        assert (there.result.status, there.result.finding) == (here.result.status, here.result.finding), here.check.code
        assert there.result.metrics == here.result.metrics, here.check.code
        pd.testing.assert_frame_equal(there.result.exceptions, here.result.exceptions)
        assert (there.standing, there.remedy, there.people_affected) == (here.standing, here.remedy, here.people_affected)


def test_where_no_helper_can_be_started_each_check_runs_once_here(sample_store, monkeypatch):
    """A bundled app, or a machine that starts no process: the families the helper would have taken are taken here, and
    each check runs once (they ran twice: once on this process's thread, once more when the outcome was asked for)."""
    from complaint_audit.config import load_config
    from complaint_audit.engine import runner
    from complaint_audit.engine.api import check_records, exported_fields

    store = Store(sample_store)
    audit = load_config(SAMPLE_DATA / "audit.toml")
    records, reviews, exported = store.read_records(), store.read_reviews(), exported_fields(store)
    ran, run_one = [], runner._run_one
    monkeypatch.setattr(runner, "_run_one", lambda check, *args: ran.append(check.code) or run_one(check, *args))
    monkeypatch.setattr(subprocess, "Popen", _no_processes)
    with HelperProcess() as helper:
        outcomes = check_records(records, audit, reviews=reviews, exported_fields=exported, helper=helper).outcomes
    assert sorted(ran) == sorted(outcome.check.code for outcome in outcomes)


def test_a_bundled_app_runs_the_sample_in_one_process_to_the_same_results(tmp_path, monkeypatch, sample_run):
    """A bundled app has no Python to start a helper with (sys.frozen): the whole run is worked out in this process, each
    check once, and gives the results a run with a helper gives."""
    import json

    from complaint_audit.audit.run import run_audit
    from complaint_audit.engine import runner

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delenv("COMPLAINT_AUDIT_KEY")  # the sample's own key, as sample_run's
    ran, run_one = [], runner._run_one
    monkeypatch.setattr(runner, "_run_one", lambda check, *args: ran.append(check.code) or run_one(check, *args))
    alone = run_audit(SAMPLE_DATA / "audit.toml", out_root=tmp_path, formats=("md",)).run_dir
    checks = [json.loads((folder / "results.json").read_text())["checks"] for folder in (alone, sample_run)]
    assert sorted(ran) == sorted(check["code"] for check in checks[0])
    for mine, theirs in zip(*checks, strict=True):
        assert {key: mine[key] for key in ("code", "status", "metrics", "finding")} == {
            key: theirs[key] for key in ("code", "status", "metrics", "finding")}
    assert (alone / "report.md").is_file() and (alone / "exceptions.xlsx").is_file()


def _recording_tasks(helper: HelperProcess) -> tuple[list, list]:
    """Every task submitted to HELPER from now on: its Pending, and its arguments."""
    sent, arguments, submit = [], [], helper.submit

    def recorded(task, *args):
        sent.append(submit(task, *args))
        arguments.append(args)
        return sent[-1]

    helper.submit = recorded
    return sent, arguments


def test_an_object_shared_is_sent_once_and_kept_by_the_helper():
    kept = []
    with HelperProcess() as helper:
        helper.share(kept)
        helper.submit(list.append, kept, "first").result()
        assert helper.submit(len, kept).result() == 1  # the helper's own copy, kept: the append is still there
        assert helper.submit(len, ["another", "list"]).result() == 2
    assert kept == []  # the helper has a copy, not this object


def test_an_object_forgotten_is_sent_whole_again():
    kept = []
    with HelperProcess() as helper:
        helper.share(kept)
        helper.submit(list.append, kept, "first").result()
        helper.forget(kept)
        assert helper.submit(len, kept).result() == 0  # this process's own, unchanged, sent again
        assert helper.submit(len, kept).result() == 0


def test_a_task_withdrawn_before_it_is_sent_never_runs_and_the_rest_do(tmp_path):
    marker = tmp_path / "ran"
    with HelperProcess() as helper:
        busy = helper.submit(time.sleep, 1)
        withdrawn = helper.submit(Path.write_text, marker, "ran")
        after = helper.submit(operator.add, 2, 3)
        assert withdrawn.withdraw()
        with pytest.raises(CancelledError):
            withdrawn.result()
        assert after.result() == 5
        assert busy.result() is None and not busy.withdraw()  # done: too late to withdraw
    assert not marker.exists()


def test_soonest_works_a_task_out_here_while_the_helper_is_busy_and_waits_for_one_it_has_begun():
    with HelperProcess() as helper:
        helper_pid = helper.submit(os.getpid).result()
        begun = helper.submit(_process_after, 1.0)
        queued = helper.submit(_process_after, 0.0)
        deadline = time.monotonic() + 60
        while not begun._future.running() and time.monotonic() < deadline:  # sent to the helper: it has begun it
            time.sleep(0.01)
        assert queued.soonest() == os.getpid()  # the helper still on the first: worked out here
        assert begun.soonest() == helper_pid
        assert queued.withdraw()  # taken back, never sent


def _process_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_warm_up_waits_for_the_tasks_before_it_and_runs_while_the_helper_is_idle(tmp_path):
    marker = tmp_path / "warmed"
    with HelperProcess() as helper:
        helper.submit(time.sleep, 1)
        helper.warm_up(functools.partial(Path.write_text, marker, "warm"))
        assert helper.submit(Path.exists, marker).result() is False  # submitted before the helper was idle: first
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.read_text() == "warm"
        assert helper.submit(operator.mul, 6, 7).result() == 42


def test_the_check_command_shares_a_small_stores_checks_with_a_helper(sample_store, monkeypatch):
    """`complaint-audit check` (check_store) gives the helper modules of checks as a run does; its outcomes are a run
    without a helper's."""
    from complaint_audit.engine.api import check_store
    from complaint_audit.engine.runner import outcomes_of

    submitted = []
    submit = HelperProcess.submit

    def recorded(helper, task, *args):
        submitted.append(task)
        return submit(helper, task, *args)

    monkeypatch.setattr(HelperProcess, "submit", recorded)
    shared = check_store(sample_store, config=SAMPLE_DATA / "audit.toml")
    assert submitted and set(submitted) == {outcomes_of}
    monkeypatch.setattr(HelperProcess, "submit", submit)
    monkeypatch.setattr(subprocess, "Popen", _no_processes)  # no helper: every check run here
    alone = check_store(sample_store, config=SAMPLE_DATA / "audit.toml")
    assert [(o.check.code, o.result.status, o.result.finding) for o in shared.outcomes] == \
           [(o.check.code, o.result.status, o.result.finding) for o in alone.outcomes]


def _sample_jobs():
    from complaint_audit.config import load_config
    from complaint_audit.ingest.sources import jobs_from_config

    return jobs_from_config(load_config(SAMPLE_DATA / "audit.toml"))


def _warm_helper(helper: HelperProcess) -> None:
    """HELPER started, with the load's modules imported: it begins a task handed to it at once."""
    helper.import_ahead("complaint_audit.ingest.load")
    helper.submit(os.getpid).result()  # waits for the warm-up before it


def test_exports_handed_to_the_helper_load_as_they_load_here(tmp_path):
    """The exports after the first go to the helper, which loads them from the last while this process loads from the
    first; each side takes the next the other has not begun. The store is what a load here alone writes, record for
    record, and so is each file's reconciliation."""
    from complaint_audit.ingest.load import hand_out, load_into_store

    jobs, key = _sample_jobs(), "test-key-0123456789"
    alone = load_into_store(jobs, tmp_path / "alone", key=key, defaults={})
    with HelperProcess() as helper:
        _warm_helper(helper)
        handed = hand_out(jobs, helper, key=key, defaults={})
        shared = load_into_store(jobs, tmp_path / "shared", key=key, defaults={}, elsewhere=handed)
        ran_there = [position for position, pending in handed.items() if not pending.withdraw()]  # done: not withdrawn
    assert sorted(handed) == [1, 2] and 2 in ran_there  # the last export, begun by the helper before this process came to it
    assert [entry["path"] for entry in shared.files] == [job.label for job in jobs]
    assert shared.files == alone.files and shared.warnings == alone.warnings
    pd.testing.assert_frame_equal(Store(tmp_path / "shared").read_records(), Store(tmp_path / "alone").read_records())
    pd.testing.assert_frame_equal(Store(tmp_path / "shared").read_quarantine(), Store(tmp_path / "alone").read_quarantine())


def test_only_small_exports_after_the_first_are_handed_out_from_the_last(monkeypatch):
    """The first export is always loaded here; one too large to send back (SHARED_FILE_BYTES) too."""
    from complaint_audit.ingest import load

    jobs = _sample_jobs()
    sizes = [job.path.stat().st_size for job in jobs]  # corporate.csv, adult_social_care.xlsx, childrens.json
    assert sizes[1] < sizes[2] < sizes[0]
    with HelperProcess() as helper:
        sent, arguments = _recording_tasks(helper)
        assert list(load.hand_out(jobs, helper, key=None, defaults={})) == [2, 1]
        monkeypatch.setattr(load, "SHARED_FILE_BYTES", sizes[2])
        assert list(load.hand_out(jobs, helper, key=None, defaults={})) == [1]
        for pending in sent:
            pending.withdraw()
    assert [args[0].label for args in arguments] == [jobs[2].label, jobs[1].label, jobs[1].label]


def test_an_export_the_helper_refuses_is_named_as_it_is_here(tmp_path):
    """An unusable export handed to the helper stops the load with the error a load here gives, naming the file, and
    nothing is stored."""
    from complaint_audit.ingest.load import LoadJob, hand_out, load_into_store

    jobs = _sample_jobs()
    broken = tmp_path / "childrens_complaints.json"
    broken.write_text('{"export": {}, "cases": [', encoding="utf-8")
    jobs[2] = LoadJob(broken, jobs[2].profile, jobs[2].label)
    with pytest.raises(UserError) as here:
        load_into_store(jobs, tmp_path / "alone", key="test-key-0123456789", defaults={})
    with HelperProcess() as helper:
        _warm_helper(helper)
        with pytest.raises(UserError) as there:
            load_into_store(jobs, tmp_path / "shared", key="test-key-0123456789", defaults={},
                            elsewhere=hand_out(jobs, helper, key="test-key-0123456789", defaults={}))
    assert str(there.value) == str(here.value) and str(broken) in str(there.value)
    assert not (tmp_path / "shared" / "ledger.json").exists()


def test_letters_handed_to_the_helper_are_read_as_they_are_here(tmp_path):
    """The letters go to the helper in tasks of a few files, which it reads from the last while this process, done with
    its exports, reads those not begun from the first: every letter as a reading here alone gives it, in the folder's
    order, with what the index says of each (each task is sent only its own files' entries)."""
    import dataclasses

    from complaint_audit.config import load_config
    from complaint_audit.letters.files import letter_files
    from complaint_audit.letters.read import LETTERS_PER_TASK, hand_out_letters, read_letters

    config = load_config(SAMPLE_DATA / "audit.toml").letters
    paths = letter_files(config)
    index = tmp_path / "index.csv"  # the first and the last letter named by path, one in the middle by name alone
    index.write_text("File,Case_ID,Stage,Kind\n"
                     f"{paths[0].name},C-0001,2,response\n{paths[-1].name},C-0002,1,extension\n"
                     f"{paths[len(paths) // 2].name.upper()},C-0003,,\n", encoding="utf-8")
    config = dataclasses.replace(config, index=index)
    alone = read_letters(config)
    with HelperProcess() as helper:
        _warm_helper(helper)
        sent, arguments = _recording_tasks(helper)
        letters = hand_out_letters(config, helper)
        sent[0].result()  # the helper has read the last task's letters
        shared = letters()
        ran_there = [pending for pending in sent if not pending.withdraw()]
    assert len(sent) == -(-len(paths) // LETTERS_PER_TASK) and 1 <= len(ran_there) < len(sent)  # each side read some
    assert [args[0] for args in reversed(arguments)] == [paths[start:start + LETTERS_PER_TASK]
                                                        for start in range(0, len(paths), LETTERS_PER_TASK)]
    assert shared == alone and [letter.label for letter in shared] == [f"letters/{path.name}" for path in paths]
    assert sum(len(args[2]) for args in arguments) == 3  # the index's three entries, each sent with its own file's task
    assert [letter.identity.reference for letter in shared if letter.identity.reference_from == "index"] == [
        "C-0001", "C-0003", "C-0002"]


def test_letters_the_helper_had_not_read_when_it_died_are_read_here():
    """A helper killed part-way through the letters loses none: the tasks it had not given back are read here."""
    from complaint_audit.config import load_config
    from complaint_audit.letters.read import hand_out_letters, read_letters

    config = load_config(SAMPLE_DATA / "audit.toml").letters
    with HelperProcess() as helper:
        _warm_helper(helper)
        helper_pid = helper.submit(os.getpid).result()
        sent, _ = _recording_tasks(helper)
        letters = hand_out_letters(config, helper)
        sent[0].result()  # the helper has read the last task's letters, and is on the next
        os.kill(helper_pid, signal.SIGKILL)
        shared = letters()
    assert shared == read_letters(config) and len(shared) == 321


def test_modules_imported_ahead_are_imported_in_the_helper():
    with HelperProcess() as helper:
        helper.import_ahead("colorsys")
        assert helper.submit(_imported, "colorsys").result() is True
        assert helper.submit(_imported, "wave").result() is False


def _imported(name: str) -> bool:
    return name in sys.modules


@pytest.mark.parametrize(("formats", "renders"), [(("html", "md"), True), (("xlsx",), False), ((), False)])
def test_a_runs_helper_imports_the_letters_readers_the_checks_and_the_report_it_writes_before_its_tasks(formats, renders):
    """As the command starts: what the helper's later tasks import (a letter's reader, a check, the report's templates)
    is imported while this process imports its own, not in the middle of the run; the templates only for a report."""
    from complaint_audit.cli import helper_imports_ahead

    with HelperProcess() as helper:
        helper_imports_ahead(helper, formats)
        deadline = time.monotonic() + 60
        # The checks are imported last; a warm-up runs whenever no task waits, so between these.
        while not helper.submit(_imported, "complaint_audit.checks.response_quality").result():
            assert time.monotonic() < deadline, "the helper never imported the checks"
            time.sleep(0.05)
        modules = ("complaint_audit.ingest.load", "pypdfium2", "complaint_audit.letters.docx_text",
                   "complaint_audit.letters.email_text", "complaint_audit.report.render")
        assert [helper.submit(_imported, name).result() for name in modules] == [True] * 4 + [renders]
