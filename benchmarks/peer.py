"""The peer: what an analyst who does not use complaint-audit would write instead of `load` (issue 19).

One DuckDB SQL pass over the benchmark's corporate export (benchmarks/run.py's `_write_export`):
parse the CSV, put Stage 1, 2 and 3 (side by side in the export) one row per stage, parse the
dates with an explicit format, map outcome, process and raised_via as the sample profile
(sample_data/profiles/corporate.toml) maps them, replace the complainant's and the handlers'
names by a keyed hash, count the working days from each stage's receipt to its response from a
calendar table of England's bank holidays, and write Parquet partitioned by council and year
received. benchmarks/run.py times it in a process of its own (`--peer`), beside `load`.

The export is cp1252, which DuckDB's CSV reader does not read without its `encodings`
extension (downloaded on first use: nothing here downloads) and which is not latin-1 (DuckDB
refuses bytes 0x80-0x9F as latin-1), so the peer transcodes the file to UTF-8 first, with
`iconv` where the machine has it (0.8 s for the 1M-case export, against 1.7 s in Python, which
is the fallback), and that is counted in its time (`transcode_seconds` gives it apart; iconv's
memory, a few MB as it streams, is its own process's).

What the peer leaves out, and `load` does: validating the records and quarantining the bad
ones, masking personal details in free text, reconciling row counts, and the store's ledger.
DuckDB is a benchmark-only dependency (`pip install -e .[bench]`).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

# The calendar table's span: every date in the benchmark's exports, and deadlines past them.
CALENDAR_SPAN = ("2000-01-01", "2041-01-01")
ENCODING = "cp1252"
_BLOCK_CHARACTERS = 1 << 24

# The export's columns per stage (the profile's [layout.stages.N]); a stage row exists where any holds a value.
STAGES = {
    1: {"received": "Date Received", "acknowledged": "Stage 1 Acknowledged", "due": "Stage 1 Due",
        "extended_due": "Stage 1 Extended Due", "extension_reason": "Stage 1 Extension Reason",
        "responded": "Stage 1 Response Sent", "outcome": "Stage 1 Outcome", "signed_off_by": "Stage 1 Signed Off By",
        "handler_key": "Stage 1 Handler", "clock_stopped_days": "Stage 1 Days On Hold",
        "clock_stop_reason": "Stage 1 Hold Reason", "response_text": "Stage 1 Response",
        "refusal_ground": "Stage 1 Refusal Ground", "refusal_reason": "Stage 1 Refusal Notes"},
    2: {"received": "Stage 2 Requested", "acknowledged": "Stage 2 Acknowledged", "due": "Stage 2 Due",
        "extended_due": "Stage 2 Extended Due", "extension_reason": "Stage 2 Extension Reason",
        "responded": "Stage 2 Response Sent", "outcome": "Stage 2 Outcome", "signed_off_by": "Stage 2 Signed Off By",
        "handler_key": "Stage 2 Handler", "clock_stopped_days": "Stage 2 Days On Hold",
        "clock_stop_reason": "Stage 2 Hold Reason", "response_text": "Stage 2 Response",
        "refusal_ground": "Stage 2 Refusal Ground", "refusal_reason": "Stage 2 Refusal Notes"},
    3: {"received": "Stage 3 Requested", "responded": "Stage 3 Response Sent", "outcome": "Stage 3 Outcome",
        "signed_off_by": "Stage 3 Signed Off By"},
}
STAGE_DATES = ("received", "acknowledged", "due", "extended_due", "responded")

# The case's own columns (the profile's [columns]), written on every stage row.
CASE_COLUMNS = """
    "Council" AS organisation, "Case Ref" AS case_id,
    CASE "Complaint Type" WHEN 'Corporate' THEN 'corporate' WHEN 'Housing' THEN 'housing' END AS process,
    "Directorate" AS directorate, "Service" AS service, "Category" AS category, "Team" AS team,
    "How Received" AS channel,
    CASE "Source" WHEN 'Member of Public' THEN 'public' WHEN 'MP' THEN 'mp' WHEN 'Cllr' THEN 'councillor'
        WHEN 'Representative' THEN 'representative' WHEN 'Solicitor' THEN 'representative'
        WHEN 'Advocate' THEN 'advocate' WHEN 'Other Organisation' THEN 'other' END AS raised_via,
    "Handled By" AS handled_by, "Remedy" AS remedy, TRY_CAST("Remedy Amount (£)" AS DOUBLE) AS remedy_amount,
    try_strptime("Remedy Completed", '%d/%m/%Y')::DATE AS remedy_done, "Learning" AS learning,
    try_strptime("Action Due", '%d/%m/%Y')::DATE AS action_due,
    try_strptime("Action Completed", '%d/%m/%Y')::DATE AS action_done,
    try_strptime("Date Closed", '%d/%m/%Y')::DATE AS closed,
    CASE "Case Type" WHEN 'Complaint' THEN 'complaint' WHEN 'Service Request' THEN 'service_request'
        WHEN 'Stage 0 (Informal)' THEN 'informal' END AS recorded_as,
    try_strptime("Date Aware", '%d/%m/%Y')::DATE AS became_aware,
    -- The profile's complainant_key: email, first name and surname, trimmed and lower-cased, hashed with a key.
    CASE WHEN coalesce(nullif(trim("Email"), ''), nullif(trim("First Name"), ''), nullif(trim("Surname"), '')) IS NOT NULL
        THEN sha256($key || lower(trim(coalesce("Email", ''))) || chr(31) || lower(trim(coalesce("First Name", '')))
                    || chr(31) || lower(trim(coalesce("Surname", '')))) END AS complainant_key"""

OUTCOMES = """CASE {column} WHEN 'Upheld' THEN 'upheld' WHEN 'Partially Upheld' THEN 'partly_upheld'
        WHEN 'Not Upheld' THEN 'not_upheld' WHEN 'Withdrawn' THEN 'withdrawn'
        WHEN 'Resolved Informally' THEN 'resolved' WHEN 'Outside Complaints Procedure' THEN 'out_of_scope' END"""


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _stage_select(number: int, columns: dict[str, str]) -> str:
    """One stage's rows: the case's columns, then this stage's, where any of this stage's columns holds a value."""
    fields = []
    for field in STAGES[1]:
        column = columns.get(field)
        if column is None:
            fields.append(f"NULL AS {field}")
        elif field in STAGE_DATES:
            fields.append(f"try_strptime({_quoted(column)}, '%d/%m/%Y')::DATE AS {field}")
        elif field == "outcome":
            fields.append(f"{OUTCOMES.format(column=_quoted(column))} AS outcome")
        elif field == "handler_key":
            fields.append(f"sha256($key || lower(nullif(trim({_quoted(column)}), ''))) AS handler_key")
        elif field == "clock_stopped_days":
            fields.append(f"TRY_CAST({_quoted(column)} AS INTEGER) AS clock_stopped_days")
        else:
            fields.append(f"{_quoted(column)} AS {field}")
    present = ", ".join(f"nullif(trim({_quoted(column)}), '')" for column in columns.values())
    return (f"SELECT {CASE_COLUMNS},\n    '{number}' AS stage, {', '.join(fields)}\n"
            f"FROM export WHERE coalesce({present}) IS NOT NULL")


def peer_sql(source: str, holidays: str, out: str) -> list[str]:
    """The analyst's script, a statement at a time: the calendar table, the export, then one pass that reshapes,
    maps, hashes, counts working days and writes (`$key` is bound at run time)."""
    stages = "\nUNION ALL\n".join(_stage_select(number, columns) for number, columns in STAGES.items())
    return [f"""
CREATE TEMP TABLE calendar AS
WITH days AS (
    SELECT range::DATE AS day FROM range(DATE '{CALENDAR_SPAN[0]}', DATE '{CALENDAR_SPAN[1]}', INTERVAL 1 DAY)
), marked AS (
    SELECT day, isodow(day) <= 5 AND day NOT IN (SELECT day FROM read_csv('{holidays}', columns = {{'day': 'DATE'}}, header = true)) AS working
    FROM days
)
-- Each day numbered by the working days before it: working days from a to b = before(b) - before(a).
SELECT day, coalesce(sum(working::INTEGER) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
FROM marked""",
            f"CREATE TEMP VIEW export AS SELECT * FROM read_csv('{source}', header = true, delim = ',', all_varchar = true)",
            f"""
COPY (
    WITH stages AS (
{stages}
    )
    SELECT stages.*, responded_on.before - received_on.before AS working_days_to_response,
           year(stages.received) AS year
    FROM stages
    LEFT JOIN calendar AS received_on ON received_on.day = stages.received
    LEFT JOIN calendar AS responded_on ON responded_on.day = stages.responded
) TO '{out}' (FORMAT parquet, PARTITION_BY (organisation, year))"""]


def transcode(export: Path, target: Path) -> str:
    """The export's cp1252 text as UTF-8 (DuckDB reads UTF-8 and latin-1 only); which tool did it.

    iconv where there is one, as an analyst on Linux or macOS would; else Python, a block at a time.
    """
    if iconv := shutil.which("iconv"):
        with target.open("wb") as sink:
            subprocess.run([iconv, "-f", ENCODING.upper(), "-t", "UTF-8", str(export)], stdout=sink, check=True)
        return "iconv"
    with export.open(encoding=ENCODING, newline="") as source, target.open("w", encoding="utf-8", newline="") as sink:
        while block := source.read(_BLOCK_CHARACTERS):
            sink.write(block)
    return "python"


def run_peer(export: Path, holidays: Path, out: Path, key: str) -> dict:
    """Transcode, then the SQL pass into `out` (replaced): its seconds (the transcoding's apart), the cases and
    stage rows written (counted after the clock stops)."""
    import duckdb

    shutil.rmtree(out, ignore_errors=True)
    utf8 = out.with_suffix(".utf8.csv")
    started = time.perf_counter()
    transcoder = transcode(export, utf8)
    transcoded = time.perf_counter()
    connection = duckdb.connect()
    connection.execute("SET autoinstall_known_extensions = false")  # nothing downloads
    calendar_table, export_view, write = peer_sql(str(utf8), str(holidays), str(out))
    connection.execute(calendar_table)
    connection.execute(export_view)
    stage_rows = connection.execute(write, {"key": key}).fetchone()[0]  # COPY answers with the rows it wrote
    seconds = time.perf_counter() - started
    utf8.unlink()
    cases = connection.execute(f"SELECT count(DISTINCT case_id) FROM read_parquet('{out}/**/*.parquet')").fetchone()[0]
    return {"seconds": seconds, "transcode_seconds": transcoded - started, "transcoder": transcoder, "rows": cases,
            "stage_rows": stage_rows}
