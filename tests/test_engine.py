"""The checks engine: discovery, selection, running, results files and exit codes."""

from __future__ import annotations

import importlib
import json
import os
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import numpy as np
import pandas as pd
import pytest

from complaint_audit.audit.exit_codes import ExitCode, FailOn, exit_code
from complaint_audit.audit.results import exceptions_table, results_schema, write_results
from complaint_audit.cli import app
from complaint_audit.columnwise import VALUES_PER_CORE
from complaint_audit.engine.contract import Area, Check, CheckResult, Status, exceptions
from complaint_audit.engine.registry import discover, select
from complaint_audit.engine.runner import run_checks
from complaint_audit.errors import UserError
from tests.builders import audit_data, canonical_records

PLUGIN = '''
from complaint_audit.engine.contract import Area, Check, CheckResult, Status


class Plugged(Check):
    """A plugged-in check."""

    code = "{code}"
    title = "Plugged in"
    area = Area.OVERSIGHT
    rule = "Nothing."
    source = "A test."

    def run(self, data, params):
        {body}
'''


def _plugin(code="XX001", body="return CheckResult(Status.PASS, {'records': len(data.records)}, 'fine')"):
    return textwrap.dedent(PLUGIN).format(code=code, body=body)


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A tiny third-party package, installed by putting it and its dist-info on sys.path."""
    (tmp_path / "tiny_checks.py").write_text(_plugin("XX001"))
    dist = tmp_path / "tiny_checks-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-checks\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[complaint_audit.checks]\ntiny = tiny_checks\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return tmp_path


def test_builtin_checks_are_found_through_the_entry_point():
    assert {"DQ001", "DQ006"} <= set(discover())


def test_a_third_party_check_is_found_through_its_entry_point(installed_plugin):
    assert discover()["XX001"].__module__ == "tiny_checks"


def test_a_check_in_a_local_folder_is_found(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "mine.py").write_text(_plugin("LOC001"))
    assert "LOC001" in discover([tmp_path / "local"])


def test_two_checks_with_one_code_is_an_error_naming_both(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "clash.py").write_text(_plugin("DQ001"))
    with pytest.raises(UserError, match=r"two checks have the code DQ001: complaint_audit.checks.data_quality.RequiredFields and .*clash.Plugged"):
        discover([tmp_path / "local"])


def test_a_local_module_that_fails_to_import_is_named(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "broken.py").write_text("import not_a_module_anywhere\n")
    with pytest.raises(UserError, match="broken.py: the local check module failed to load: No module named"):
        discover([tmp_path / "local"])


@pytest.mark.parametrize(
    ("selected", "ignored", "expected"),
    [
        ([], [], ["CSC001", "CSC002", "DQ001", "TS001"]),
        (["CSC"], [], ["CSC001", "CSC002"]),
        (["CSC", "TS001"], ["CSC002"], ["CSC001", "TS001"]),
        ([], ["DQ"], ["CSC001", "CSC002", "TS001"]),
    ],
)
def test_select_and_ignore_by_code_or_prefix(selected, ignored, expected):
    assert select(["CSC001", "CSC002", "DQ001", "TS001"], selected, ignored) == expected


def test_a_selector_that_matches_nothing_is_an_error():
    with pytest.raises(UserError, match="'QQ' matches no check code"):
        select(["DQ001"], ["QQ"])


def test_a_check_that_raises_is_an_error_and_the_others_still_run(tmp_path):
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "raises.py").write_text(_plugin("ERR001", "raise ValueError('no good')"))
    registry = discover([tmp_path / "local"])
    outcomes = run_checks(audit_data(canonical_records({"case_id": "C1"})), [registry["ERR001"], registry["DQ004"]])
    assert [(o.check.code, o.result.status) for o in outcomes] == [("ERR001", "error"), ("DQ004", "pass")]
    assert outcomes[0].result.finding == "The check failed: ValueError: no good"


def test_a_check_needing_an_absent_field_is_not_applicable():
    outcomes = run_checks(audit_data(canonical_records({"case_id": "C1"})), [discover()["DQ003"]])
    assert outcomes[0].result.status == "not_applicable"


def test_parameters_are_overridden_and_unknown_ones_refused():
    records = canonical_records({"case_id": "C1", "category": None})
    (outcome,) = run_checks(audit_data(records), [discover()["DQ001"]], {"DQ001": {"fields": ["team"], "red_above": 50}})
    assert (outcome.result.metrics["failing"], outcome.thresholds) == (0, {"amber_above": 2.0, "red_above": 50})
    with pytest.raises(UserError, match=r"DQ001 colour: unknown parameter \(parameters of DQ001: fields, amber_above, red_above\)"):
        run_checks(audit_data(records), [discover()["DQ001"]], {"DQ001": {"colour": "red"}})


@pytest.mark.parametrize(
    ("statuses", "fail_on", "too_much_quarantined", "code"),
    [
        ([Status.PASS, Status.NOT_APPLICABLE], FailOn.fail, False, ExitCode.OK),
        ([Status.PASS, Status.WARN], FailOn.fail, False, ExitCode.OK),
        ([Status.PASS, Status.WARN], FailOn.warn, False, ExitCode.FINDINGS),
        ([Status.FAIL], FailOn.fail, False, ExitCode.FINDINGS),
        ([Status.FAIL], FailOn.never, False, ExitCode.OK),
        ([Status.FAIL, Status.ERROR], FailOn.never, False, ExitCode.UNUSABLE),
        ([], FailOn.warn, False, ExitCode.OK),
        ([Status.PASS], FailOn.never, True, ExitCode.FINDINGS),
        ([Status.ERROR], FailOn.fail, True, ExitCode.UNUSABLE),
    ],
)
def test_exit_codes(statuses, fail_on, too_much_quarantined, code):
    assert exit_code(statuses, fail_on, too_much_quarantined=too_much_quarantined) == code


def _outcomes():
    records = canonical_records(
        {"case_id": "=HYPERLINK(\"x\")", "category": None},
        {"case_id": "C2", "category": "Waste", "raised_via": "public", "closed": "2023-05-01"},
    )
    return run_checks(audit_data(records), [discover()[code] for code in ("DQ001", "DQ003", "DQ005")])


def test_results_files_follow_the_schema_with_fixed_exception_columns(tmp_path):
    outcomes = _outcomes()
    write_results(tmp_path, outcomes, audit_data(pd.DataFrame()).as_of)
    document = json.loads((tmp_path / "results.json").read_text())
    jsonschema.validate(document, results_schema())
    assert document["summary"]["by_status"] == {"pass": 0, "warn": 0, "fail": 2, "not_applicable": 1, "error": 0}
    assert [(c["code"], c["status"], c["exceptions"]) for c in document["checks"]] == [
        ("DQ001", "fail", 1), ("DQ003", "not_applicable", 0), ("DQ005", "fail", 1)
    ]
    table = pd.read_parquet(tmp_path / "exceptions.parquet")
    assert list(table.columns) == ["check", "organisation", "case_id", "stage", "team", "reason", "figures"]
    assert table["check"].tolist() == ["DQ001", "DQ005"]


def test_spreadsheet_cells_that_look_like_formulas_are_neutralised(tmp_path):
    write_results(tmp_path, _outcomes(), audit_data(pd.DataFrame()).as_of)
    cells = pd.read_excel(tmp_path / "exceptions.xlsx", sheet_name="Exceptions", engine="openpyxl")
    assert cells["case_id"].iloc[0] == "'=HYPERLINK(\"x\")"


def test_the_workbook_holds_a_readable_share_of_each_check_and_the_csv_every_row(tmp_path, monkeypatch):
    import complaint_audit.audit.results as results

    monkeypatch.setattr(results, "SHEET_ROWS_PER_CHECK", 2)
    records = canonical_records(*({"case_id": f"C{n}", "category": None} for n in range(5)), {"case_id": "=cmd|x", "category": None})
    outcomes = run_checks(audit_data(records), [discover()["DQ001"]])
    write_results(tmp_path, outcomes, audit_data(pd.DataFrame()).as_of)
    summary = pd.read_excel(tmp_path / "exceptions.xlsx", sheet_name="Summary", engine="openpyxl")
    assert summary[["code", "exceptions", "in_this_workbook"]].values.tolist() == [["DQ001", 6, 2]]
    assert pd.read_excel(tmp_path / "exceptions.xlsx", sheet_name="Exceptions", engine="openpyxl")["case_id"].tolist() == ["C0", "C1"]
    every = pd.read_csv(tmp_path / "exceptions.csv", encoding="utf-8-sig")
    assert every["case_id"].tolist() == ["C0", "C1", "C2", "C3", "C4", "'=cmd|x"]


class _EveryRecordLate(Check):
    """Every record an exception, with figures of three kinds, one record's all missing."""

    code = "XX002"
    title = "Every record late"
    area = Area.OVERSIGHT
    rule = "Nothing."
    source = "A test."

    def run(self, data, params):
        return CheckResult(Status.FAIL, {}, "all late", exceptions(
            data.records, "late", days=pd.array([3, None], dtype="Int64"), due=pd.to_datetime(["2023-05-01", None]),
            share=[0.5, float("nan")]))


def test_each_outcome_carries_its_exceptions_as_the_results_text():
    """Made where the check ran (the helper, for its share), joined into the results' table as they are."""
    records = canonical_records({"case_id": "C1", "team": "Waste"}, {"case_id": "nan", "team": None})
    late, without = run_checks(audit_data(records), [_EveryRecordLate, discover()["DQ003"]])

    assert late.exceptions_text.column_names == ["check", "organisation", "case_id", "stage", "team", "reason", "figures"]
    assert without.result.exceptions.empty and without.exceptions_text.num_rows == 0
    table = exceptions_table([late, without])
    assert all(dtype == "str" for dtype in table.dtypes)
    assert table.fillna("MISSING").to_dict("records") == [
        {"check": "XX002", "organisation": "Testshire Council", "case_id": "C1", "stage": "1", "team": "Waste",
         "reason": "late", "figures": '{"days":3,"due":"2023-05-01T00:00:00.000","share":0.5}'},
        # A case id reading 'nan' is taken for a missing one, as it was when the table was made after the checks.
        {"check": "XX002", "organisation": "Testshire Council", "case_id": "MISSING", "stage": "1", "team": "MISSING",
         "reason": "late", "figures": '{"days":null,"due":null,"share":null}'},
    ]


def test_exceptions_table_is_empty_with_its_columns_when_nothing_fails():
    assert list(exceptions_table([])) == ["check", "organisation", "case_id", "stage", "team", "reason", "figures"]


def test_cli_checks_list_as_json(runner):
    result = runner.invoke(app, ["checks", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert rows["DQ006"]["title"] == "Stages in sequence"
    assert {"code", "title", "area", "source"} <= set(rows["DQ006"])


def test_cli_checks_explain_shows_the_page(runner):
    result = runner.invoke(app, ["checks", "explain", "dq005"])
    assert result.exit_code == 0, result.output
    assert "DQ005: Closed cases with no outcome" in result.output and "How to fix:" in result.output


def test_cli_check_writes_results_and_exits_by_fail_on(runner, tmp_path, sample_store):
    # 10 of the sample's 285 later stages (3.5%) skip the stage before: amber by default, green above 5%.
    config = tmp_path / "audit.toml"
    config.write_text("[checks.params.DQ006]\namber_above = 5\nred_above = 50\n")
    args = ["check", "--store", str(sample_store), "--out", str(tmp_path / "out"), "--select", "DQ005,DQ006"]
    result = runner.invoke(app, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [(c["code"], c["status"]) for c in document["checks"]] == [("DQ005", "pass"), ("DQ006", "pass")]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on", "warn"]).exit_code == 1
    assert json.loads((tmp_path / "out" / "results.json").read_text())["checks"][1]["status"] == "warn"


def test_cli_check_on_a_folder_that_is_not_a_store(runner, tmp_path):
    result = runner.invoke(app, ["check", "--store", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not a store (no load.json)" in result.stderr


def test_checks_run_side_by_side_give_the_same_outcomes_in_the_same_order(sample_records):
    checks = list(discover().values())
    one_at_a_time = run_checks(audit_data(sample_records), checks, workers=1)
    side_by_side = run_checks(audit_data(sample_records), checks, workers=2)
    assert [o.check.code for o in side_by_side] == [check.code for check in checks]
    for alone, together in zip(one_at_a_time, side_by_side, strict=True):
        assert (together.result.status, together.result.finding, together.result.metrics) == (
            alone.result.status, alone.result.finding, alone.result.metrics)
        pd.testing.assert_frame_equal(together.result.exceptions, alone.result.exceptions)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the checks always run one at a time")
def test_checks_of_few_records_run_one_at_a_time_and_of_many_side_by_side(tmp_path):
    """A second thread pays only on long columns: on a few thousand records it only contends for the GIL."""
    (tmp_path / "local").mkdir()
    body = ("import threading, time; time.sleep(0.05); "
            "return CheckResult(Status.PASS, {'records': len(data.records), 'thread': threading.current_thread().name}, 'fine')")
    for code in ("THR001", "THR002"):
        (tmp_path / "local" / f"{code.lower()}.py").write_text(_plugin(code, body))
    checks = list(discover([tmp_path / "local"]).values())
    checks = [check for check in checks if check.code.startswith("THR")]
    few = canonical_records({"case_id": "C1"}, {"case_id": "C2"})
    many = few.iloc[np.zeros(2 * VALUES_PER_CORE, dtype=int)].reset_index(drop=True)
    threads_for_few = {outcome.result.metrics["thread"] for outcome in run_checks(audit_data(few), checks)}
    threads_for_many = {outcome.result.metrics["thread"] for outcome in run_checks(audit_data(many), checks)}
    assert (len(threads_for_few), len(threads_for_many)) == (1, 2)


def test_a_check_run_alone_finds_what_it_finds_beside_the_others(sample_records):
    """Checks share values derived once per run (AuditData.derived): sharing must not change a result."""
    checks = list(discover().values())
    together = run_checks(audit_data(sample_records), checks, workers=2)
    for check, beside in zip(checks, together, strict=True):
        (alone,) = run_checks(audit_data(sample_records), [check], workers=1)
        assert (alone.result.status, alone.result.finding, alone.result.metrics) == (
            beside.result.status, beside.result.finding, beside.result.metrics), check.code
        pd.testing.assert_frame_equal(alone.result.exceptions, beside.result.exceptions)


def test_a_derived_value_is_computed_once_per_run_whichever_threads_ask():
    data = audit_data(canonical_records({"case_id": "C1"}, {"case_id": "C2"}))
    calls = []

    def at_least(shared, minimum):
        calls.append(minimum)
        time.sleep(0.05)  # long enough for every thread to ask while the first is still computing
        return len(shared.records) >= minimum

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: data.derived(at_least, 2), range(8)))
    assert answers == [True] * 8
    assert calls == [2]
    assert data.derived(at_least, 3) is False
    assert calls == [2, 3]
    assert audit_data(data.records).derived(at_least, 2) is True  # another run computes its own
    assert calls == [2, 3, 2]


def test_a_check_that_assessed_nothing_has_not_passed(tmp_path):
    """'0 of 0 open cases past their due date' was green: any check, built in or not, that
    assessed no case is not applicable, whatever status it returned."""
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "empty.py").write_text(_plugin("NIL001", "return CheckResult(Status.PASS, {'assessed': 0, 'failing': 0}, '0 of 0 fine')"))
    outcome, = run_checks(audit_data(canonical_records({"case_id": "C1"})), [discover([tmp_path / "local"])["NIL001"]])
    assert (outcome.result.status, outcome.result.finding) == ("not_applicable", "Not applicable: nothing to assess.")
