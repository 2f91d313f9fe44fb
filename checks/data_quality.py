"""DQ: data quality. An audit is only as good as the records: these find what makes them unreliable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.engine.contract import (
    Area,
    Check,
    Priority,
    Recommendation,
    exceptions,
    flag_names,
    graded,
    not_in_export,
)
from complaint_audit.engine.remedies import CORRECT_THE_RECORDS
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import GOOD_PRACTICE
from complaint_audit.engine.toolkit import case_numbers
from complaint_audit.schema import DATE_FIELDS

_DEFAULT_THRESHOLDS = {"amber_above": 2.0, "red_above": 10.0}
# Pairs (earlier, later) whose order is fixed by the procedure itself.
_DATE_ORDER = (
    ("received", "acknowledged"),
    ("received", "investigation_completed"),
    ("received", "panel_held"),
    ("panel_held", "panel_report"),
    ("responded", "closed"),
    ("received", "closed"),
)
_STAGE_BEFORE = {"2": "1", "3": "2"}
_STAGE_NUMBER = {"1": 1, "2": 2, "3": 3}


class RequiredFields(Check):
    """Key fields recorded.

    What it checks: every record has the fields an audit of complaint handling depends on
    (by default team, category, raised_via and, once a response is sent, outcome).

    Why it matters: a record with no team cannot be given to anyone to improve, one with no
    category cannot show themes, and one with no outcome cannot be counted as upheld or not.
    Missing fields hide poor performance rather than show it.

    How to fix: make the fields mandatory in the case system, and review the list of
    exceptions each month until it is empty.
    """

    code = "DQ001"
    denominator = (
        "records (stage records of every process, the ombudsman's stage included) whose export has a column for at least "
        "one field tested: the `fields`, and the outcome once a response is sent and the source does not still call the "
        "record open"
    )
    general_source = "Good practice: reporting on complaint handling needs complete records"
    title = "Key fields recorded"
    area = Area.DATA_QUALITY
    rule = "Each complaint record holds its team, category, who raised it and, once answered, its outcome."
    source = "LGSCO Complaint Handling Code 8-9 (performance reporting needs complete records)"
    params = {"fields": ["team", "category", "raised_via"], **_DEFAULT_THRESHOLDS}
    fault = (
        "{failing} of {assessed} records ({percent_failing}) lack a field the council needs to report on and "
        "improve its complaint handling"
    )
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records
        still_open = records["status"].eq("open").fillna(False)  # answered, but the source says it still waits: a review, say
        exported = pd.DataFrame({name: data.exported(name) for name in [*params["fields"], "outcome"]})
        # An outcome is owed once answered, unless the source still calls the record open.
        tested = exported.assign(outcome=exported["outcome"] & records["responded"].notna() & ~still_open)
        missing = pd.DataFrame({name: records[name].isna() & tested[name] for name in tested.columns})
        failing = missing.any(axis=1)
        table = exceptions(records[failing], "missing " + flag_names(missing[failing]))
        return graded(
            int(failing.sum()), int(tested.any(axis=1).sum()), params,
            "{failing:,} of {assessed:,} records ({percent_failing}%) lack one or more key fields." + not_in_export(records, exported),
            table, Recommendation("Make team, category, who raised the complaint and the outcome mandatory in every case system.", Priority.QUICK_WIN),
        )


class DateOrder(Check):
    """Dates in a possible order.

    What it checks: dates that the procedure puts in a fixed order are recorded in that order
    (acknowledged, investigated, panel and closed on or after receipt; a panel report on or
    after the panel; closure on or after the response).

    Why it matters: a date out of order is a keying error or a back-dated record; either way
    the timescales computed from it are wrong.

    How to fix: correct the dates in the case system and add a validation rule there.
    """

    code = "DQ002"
    denominator = (
        "records (stage records of every process) holding both dates of at least one pair the procedure puts in order"
    )
    general_source = "Data quality: timescales are measured between these dates"
    title = "Dates in a possible order"
    area = Area.DATA_QUALITY
    rule = "Acknowledgement, investigation, panel and closure dates fall on or after the dates that precede them."
    source = "Data quality: timescales are measured between these dates"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = (
        "{failing} of {assessed} records with dates to compare ({percent_failing}) hold them in an impossible order, so the council "
        "cannot rely on its own timescale figures"
    )
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records
        broken = pd.DataFrame({f"{later} before {earlier}": records[later] < records[earlier] for earlier, later in _DATE_ORDER})
        comparable = pd.DataFrame({later: records[later].notna() & records[earlier].notna() for earlier, later in _DATE_ORDER})
        failing = broken.any(axis=1)
        table = exceptions(records[failing], flag_names(broken[failing], "; "))
        return graded(
            int(failing.sum()), int(comparable.any(axis=1).sum()), params,
            "{failing:,} of {assessed:,} records with dates to compare ({percent_failing}%) have them in an impossible order.",
            table, Recommendation("Correct the out-of-order dates and add date-order validation to the case systems.", Priority.QUICK_WIN),
        )


class PossibleDuplicates(Check):
    """Possible duplicate cases.

    What it checks: the same complainant (by pseudonymised key) raising complaints in the same
    category within a few days under different case references.

    Why it matters: duplicates inflate volumes and can split one complaint between two
    officers who answer it differently.

    How to fix: merge duplicates, and search for an open case before logging a new one.
    """

    code = "DQ003"
    denominator = "Stage 1 records with a complainant key, of every process"
    title = "Possible duplicate cases"
    area = Area.DATA_QUALITY
    rule = "One complaint is logged once."
    source = "Data quality"
    params = {"window_days": 5, **_DEFAULT_THRESHOLDS}
    requires = ("complainant_key",)
    fault = "{failing} of {assessed} first stages ({percent_failing}) look like the same complaint logged twice"
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = ("Check whether each of {people} listed made one complaint logged twice; merge the records, and make "
              "sure the complainant had one full answer.")

    def run(self, data, params):
        records = data.records
        chosen = records["stage"].eq("1") & records["complainant_key"].notna()
        first_stages = records.loc[chosen, ["organisation", "case_id", "stage", "team", "complainant_key", "category", "received"]]
        ordered = first_stages.iloc[_sort_order(first_stages, ["organisation", "complainant_key", "category", "received"])]
        group = ordered[["organisation", "complainant_key", "category"]]
        same_group = group.eq(group.shift()).all(axis=1)
        gap = (ordered["received"] - ordered["received"].shift()).dt.days
        duplicate = same_group & gap.le(params["window_days"]) & ordered["case_id"].ne(ordered["case_id"].shift())
        earlier_case = ordered["case_id"].shift()
        table = exceptions(
            ordered[duplicate], "same complainant and category as " + earlier_case[duplicate] + " within " + gap[duplicate].astype("Int64").astype("str") + " days",
            days_apart=gap[duplicate].astype("Int64"),
        )
        return graded(
            int(duplicate.sum()), int(chosen.sum()), params,
            "{failing:,} of {assessed:,} first stages ({percent_failing}%) look like repeats of another case logged days before.",
            table, Recommendation("Check for an open case from the same complainant before logging a new one, and merge duplicates.", Priority.QUICK_WIN),
        )


def _sort_order(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Positions that sort FRAME by COLUMNS as sort_values would (stable, missing last), by Arrow's sort.

    pandas sorts several text columns several times slower than Arrow does.
    """
    table = pa.table({name: _sortable(frame[name]) for name in columns})
    return pc.sort_indices(table, sort_keys=[(name, "ascending", "at_end") for name in columns]).to_numpy()


def _sortable(column: pd.Series) -> pa.Array:
    """The column as Arrow can sort it: a categorical (sorted categories) by its codes, missing as null."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        return pa.array(codes, mask=codes < 0)
    return pa.array(column, from_pandas=True)


class FutureDates(Check):
    """Dates after the audit date.

    What it checks: no date in a record is later than the audit's "as of" date.

    Why it matters: a future date is a keying error (a wrong year, day and month swapped); it
    makes a case look answered, or on time, when it was not.

    How to fix: correct the dates; check how the export writes dates if many are affected.
    """

    code = "DQ004"
    denominator = "every record: each stage record of every process, the ombudsman's stage included"
    title = "Dates after the audit date"
    area = Area.DATA_QUALITY
    rule = "No event is recorded as happening after the date of the audit."
    source = "Data quality"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = "{failing} of {assessed} records ({percent_failing}) carry dates after the audit date"
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records
        limit = pd.Timestamp(data.as_of)
        future = pd.DataFrame({name: records[name] > limit for name in DATE_FIELDS if name not in ("due", "extended_due", "action_due")})
        failing = future.any(axis=1)
        table = exceptions(records[failing], flag_names(future[failing]) + " after " + limit.strftime("%Y-%m-%d"))
        return graded(
            int(failing.sum()), len(records), params,
            "{failing:,} of {assessed:,} records ({percent_failing}%) have a date after the audit date.",
            table, Recommendation("Correct dates recorded in the future and check the export's date format.", Priority.QUICK_WIN), as_of=data.as_of.isoformat(),
        )


class ClosedWithoutOutcome(Check):
    """Closed cases with no outcome.

    What it checks: every stage that is closed (or answered) records its outcome.

    Why it matters: without an outcome the council cannot report how many complaints it
    upheld, which the codes require it to publish each year.

    How to fix: record the outcome before a case can be closed.
    """

    code = "DQ005"
    segments = ("team",)  # outcomes go unrecorded where one team's practice or form allows it
    denominator = (
        "records closed or answered whose export has an outcome column, of every process, less those the source still "
        "calls open"
    )
    general_source = "Good practice: an organisation reports how many complaints it upheld"
    title = "Closed cases with no outcome"
    area = Area.DATA_QUALITY
    rule = "A closed complaint stage records whether it was upheld."
    source = "LGSCO Complaint Handling Code 8.2; adult regulations reg 18 (annual report of well-founded complaints)"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = (
        "{failing} of {assessed} closed records ({percent_failing}) have no outcome, so the council cannot "
        "report how many complaints it upheld"
    )
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records
        still_open = records["status"].eq("open").fillna(False)  # answered, but the source says it still waits: a review, say
        # Only where the export has an outcome column: one without is not the council's blank.
        finished = (records["closed"].notna() | records["responded"].notna()) & data.exported("outcome") & ~still_open
        failing = finished & records["outcome"].isna()
        table = exceptions(records[failing], "closed or answered with no outcome")
        result = graded(
            int(failing.sum()), int(finished.sum()), params,
            "{failing:,} of {assessed:,} records ({percent_failing}%) are closed or answered with no outcome recorded.",
            table, Recommendation("Make the outcome mandatory before a complaint stage can be closed.", Priority.QUICK_WIN),
        )
        return by_segment(self, result, records.loc[finished, ["organisation", "team"]], failing[finished], params,
                          noun="records", failed="are closed or answered with no outcome recorded")


class StagesInSequence(Check):
    """Stages in sequence.

    What it checks: a Stage 2 has a Stage 1 and a Stage 3 has a Stage 2 for the same case, and
    a later stage is not received before the earlier one was answered.

    Why it matters: a complaint that starts at Stage 2 has skipped the council's first chance
    to put things right; the ombudsman found complaints from MPs and councillors doing this.

    How to fix: route every complaint through Stage 1 unless the policy records why not, and
    link escalations to their first stage in the case system.
    """

    code = "DQ006"
    denominator = (
        "later stages: each Stage 2 and Stage 3 record of the corporate, housing, children's and adult social care "
        "processes"
    )
    uk_rules = True
    title = "Stages in sequence"
    area = Area.DATA_QUALITY
    rule = "Each stage follows the one before it."
    source = "LGSCO Complaint Handling Code 5-6 (two stages); SI 2006/1738 regs 14-19 (three stages)"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = (
        "{failing} of {assessed} later stages ({percent_failing}) have no earlier stage on record, "
        "or started before it ended"
    )
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = ("Check the records of {people} listed; where a stage was in fact skipped or started before the last one "
              "ended, tell the complainant, apologise, and offer the stage they missed.")

    def run(self, data, params):
        records = data.records
        case = case_numbers(data).fillna(-1).to_numpy(dtype=np.int64)
        codes, stages = pd.factorize(records["stage"])
        number = np.array([_STAGE_NUMBER.get(str(stage), 0) for stage in stages] + [0])[codes]  # code -1 picks the 0
        is_later = number >= 2
        before_at = _positions_of(case * 4 + number, case[is_later] * 4 + number[is_later] - 1)
        later = records.loc[is_later, ["organisation", "case_id", "stage", "team", "received"]]
        previous_stage = later["stage"].map(_STAGE_BEFORE).astype("str")
        previous_responded = pd.Series(records["responded"].to_numpy()[before_at], index=later.index).where(before_at >= 0)
        skipped = pd.Series(before_at < 0, index=later.index)
        failing = skipped | (later["received"] < previous_responded)
        listed, no_earlier, earlier_stage = later[failing], skipped[failing], previous_stage[failing]
        reason = ("received before Stage " + earlier_stage + " was answered").where(
            ~no_earlier, "Stage " + listed["stage"].astype("str") + " with no Stage " + earlier_stage)
        table = exceptions(listed, reason)
        return graded(
            int(failing.sum()), int(is_later.sum()), params,
            "{failing:,} of {assessed:,} later stages ({percent_failing}%) have no earlier stage, or started before it ended.",
            table, Recommendation("Route every complaint through Stage 1 and link escalations to their first stage.", Priority.THREE_MONTHS), skipped_stage=int(skipped.sum()),
        )


def _positions_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each wanted key is among `keys` (-1 if nowhere), by a sorted search.

    A later stage finds the stage before it by one integer key (its case and stage number), a
    record key the store holds once: merging on a million case references costs several times more.
    """
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    return np.where(ordered[at] == wanted, order[at], -1) if len(ordered) else np.full(len(wanted), -1)
