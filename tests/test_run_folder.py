"""The run folder's manifest: read back as written, runs of earlier versions still read, and anything else refused."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.audit.run_folder import MANIFEST, RunFolder
from complaint_audit.errors import UserError
from complaint_audit.report.context import report_context
from tests.conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COMPLAINT_AUDIT_KEY", raising=False)
        return run_audit(SAMPLE_DATA / "audit.toml", out_root=tmp_path_factory.mktemp("runs"), formats=()).run_dir


def test_the_manifest_reads_back_as_it_was_written(run_dir):
    written = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest = RunFolder(run_dir).manifest()
    assert manifest.finished and manifest.run_id == run_dir.name
    assert (manifest.settings.organisation, manifest.settings.period.label) == ("Northshire County Council", "2023-24")
    assert list(manifest.to_json().items()) == list(written.items())  # every key, in the order written


def test_a_run_of_an_earlier_version_is_reported_as_before(run_dir, tmp_path):
    """Before manifests kept the calendar, the closure days and the timings, and kept times to the second."""
    old = tmp_path / run_dir.name
    shutil.copytree(run_dir, old)
    document = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    for key in ("calendar", "timings", "manifest_version"):
        del document[key]
    document |= {"nation": "england", "started_at": "2024-05-16T10:00:00+00:00", "finished_at": "2024-05-16T10:00:09+00:00"}
    document["config"]["text"] = document["config"]["text"].replace('[calendar]\n', "[calendar]\nclosure_days = [2023-12-27]\n")
    (old / MANIFEST).write_text(json.dumps(document), encoding="utf-8")

    manifest = RunFolder(old).finished_manifest()
    assert manifest.started_at == dt.datetime(2024, 5, 16, 10, tzinfo=dt.UTC)
    assert (manifest.settings.calendar.nation, manifest.settings.calendar.closure_days) == ("england", (dt.date(2023, 12, 27),))
    context, now = report_context(old), report_context(run_dir)
    assert context["appendix"]["lineage"]["started_at"] == "2024-05-16T10:00:00+00:00"
    assert context["appendix"]["lineage"]["timings"] == []
    assert context["meta"]["date"] == "16 May 2024"
    assert (context["overall"], context["headline"]) == (now["overall"], now["headline"])


@pytest.mark.parametrize("text", [
    "[]",
    '{"run_id": 5, "finished_at": "2024-05-16T10:00:09+00:00", "standard": {"colour": "red"}}',
    '{"finished_at": "2024-05-16T10:00:09+00:00", "period": "2023-24"}',
])
def test_a_manifest_this_tool_did_not_write_is_no_finished_run_and_cannot_be_reported(tmp_path, text):
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    assert RunFolder(tmp_path).finished_manifest() is None
    with pytest.raises(UserError, match=f"^{tmp_path / MANIFEST}: not "):
        RunFolder(tmp_path).manifest()


def test_a_run_without_a_finish_time_with_its_zone_is_not_finished(tmp_path):
    (tmp_path / MANIFEST).write_text('{"run_id": "x", "finished_at": "2024-05-16T10:00:09"}', encoding="utf-8")
    assert RunFolder(tmp_path).finished_manifest() is None
    assert RunFolder(tmp_path).manifest().finished_at == dt.datetime(2024, 5, 16, 10, 0, 9)
