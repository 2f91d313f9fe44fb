"""The invariant that nothing is lost: rows read = loaded + quarantined, over random bad data."""

from __future__ import annotations

import csv
import io
from concurrent.futures import Future

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaint_audit.ingest.load import LoadJob, load_file
from complaint_audit.ingest.profile import load_profile
from complaint_audit.ingest.validate import REASONS
from tests.builders import WIDE_HEADER, WIDE_PROFILE, write

_dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["", "31/02/2024", "03/25/2023", "TBC", "45030", "2023-04-14", " 14/04/2023 "]),
)
_row = st.fixed_dictionaries(
    {
        "Case Ref": st.sampled_from(["C1", "C2", "C3", "", " c4 "]),
        "Source": st.sampled_from(["Member of Public", "MP", "cllr", "Pigeon", ""]),
        "Name": st.text(max_size=5),
        "Email": st.just(""),
        "S1 Received": _dates,
        "S1 Responded": _dates,
        "S1 Outcome": st.sampled_from(["Upheld", "Partially Upheld", "nope", ""]),
        "S2 Received": _dates,
        "S2 Responded": _dates,
        "S2 Outcome": st.sampled_from(["", "Not Upheld"]),
        "Letter": st.text(max_size=20),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=25))
def test_every_stage_row_is_loaded_or_quarantined_with_one_known_reason(tmp_path, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=WIDE_HEADER.split(","), lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    export = tmp_path / "random.csv"
    export.write_text("Title line\n" + buffer.getvalue(), encoding="utf-8")
    profile = load_profile(write(tmp_path / "p.toml", WIDE_PROFILE))

    batch, _ = load_file(LoadJob(export, profile, "random.csv"), lambda: _done("0" * 64), key="k-0123456789abcdef", defaults={})

    stage_columns = [["S1 Received", "S1 Responded", "S1 Outcome"], ["S2 Received", "S2 Responded", "S2 Outcome"]]
    expected_read = sum(max(1, sum(any(row[c].strip() for c in cols) for cols in stage_columns)) for row in rows)
    entry = batch.entry
    assert entry["source_rows"] == len(rows)
    assert entry["read"] == expected_read == entry["loaded"] + entry["quarantined"]
    assert len(batch.records) == entry["loaded"] and len(batch.quarantine) == entry["quarantined"]
    assert set(batch.quarantine["reason"]) <= set(REASONS)
    assert sum(entry["reasons"].values()) == entry["quarantined"]
    assert batch.records[["organisation", "case_id", "stage", "received"]].notna().all().all()
    assert not batch.records.duplicated(["organisation", "case_id", "stage"]).any()


def _done(digest: str) -> Future[str]:
    """A hash worked out already, as load_file's hasher gives it."""
    future: Future[str] = Future()
    future.set_result(digest)
    return future
