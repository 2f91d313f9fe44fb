"""The council's return to the Regulator of Social Housing beside its own records, and among other councils.

A pure function of what the run kept: regulator.json (ingest/published/regulator.py: the council's
line as returned and every council's CH02) and TS007's figures in results.json (the same year's
return beside the housing records, worked out on the Code's clock), so the section renders without
the workbook and says the same in every format.
"""

from __future__ import annotations

import numpy as np

from complaint_audit.report.suppression import Suppression
from complaint_audit.report.text import number

CHECK = "TS007"
STAGES = ("1", "2")
# Councils of a similar size: stock within this factor of the council's, either way.
SIMILAR_FACTOR = 2


def section(record: dict | None, checks: list[dict], suppression: Suppression) -> dict | None:
    """The section's content, or None when the run was given no regulator's workbook."""
    if record is None:
        return None
    compared = _compared(checks)
    year = compared["year_compared"] if compared else max(record["years"])
    returned = {row["stage"]: row for row in record["returned"] if row["year"] == year}
    files = "; ".join(f"{entry['file']} ({entry['year']}; SHA-256 {entry['sha256']})" for entry in record["files"])
    rows = []
    for stage in STAGES:
        ours = returned.get(stage)
        if ours is None:
            continue
        theirs = _records_side(compared, stage)
        rows += _stage_rows(stage, ours, theirs, suppression)
    return {
        "title": f"The council's return to the Regulator of Social Housing for {year}",
        "year": year,
        "notes": record["notes"],
        "landlord": record["landlord"],
        "table": {"columns": ["Measure", "As returned", "From the records", "Difference"], "rows": rows},
        "reading": _reading(compared, year),
        "source": f"{files}; the council's line is {record['landlord']} ({record['landlord_code']})",
    }


def peers_chart(record: dict | None, checks: list[dict]) -> dict | None:
    """The council's CH02 (as returned, and as its records give it) among every council's in the workbook, and among
    councils of a similar size, per stage: the points to draw and a description that says where it stands."""
    if record is None:
        return None
    compared = _compared(checks)
    year = compared["year_compared"] if compared else max(record["years"])
    mine = {row["stage"]: row for row in record["returned"] if row["year"] == year}
    stages, sentences = [], []
    for stage in STAGES:
        ours = mine.get(stage)
        councils = [row for row in record["councils"] if row["year"] == year and row["stage"] == stage]
        others = [row for row in councils if row["landlord_code"] != record["landlord_code"]]
        if ours is None or ours["percent_on_time"] is None or not others:  # no other council: nothing to place it among
            continue
        homes = ours["homes"]
        similar = [row for row in others if homes / SIMILAR_FACTOR <= row["homes"] <= homes * SIMILAR_FACTOR]
        records_percent = (compared or {}).get(f"housing_stage_{stage}_percent_on_time_in_records")
        stages.append({
            "label": f"Stage {stage}", "all": sorted(row["percent_on_time"] for row in others),
            "similar": sorted(row["percent_on_time"] for row in similar),
            "returned": round(ours["percent_on_time"], 1), "records": records_percent,
        })
        sentences.append(_stage_sentence(stage, record["landlord"], ours["percent_on_time"], records_percent,
                                         others, similar, homes))
    if not stages:
        return None
    return {
        "title": f"The council's CH02 among councils, {year}",
        "description": (f"Dot chart of the CH02 of every council in the regulator's workbook for {year}: per stage, "
                        "a row of all councils and a row of those of a similar size (homes within a factor of "
                        f"{SIMILAR_FACTOR} of the council's), with the council's figure as returned and as its records "
                        "give it marked on each. " + " ".join(sentences)),
        "stages": stages,
        "council": record["landlord"],
    }


def _compared(checks: list[dict]) -> dict | None:
    """TS007's figures where it compared the return with the records, else None."""
    check = next((check for check in checks if check["code"] == CHECK), None)
    if check is None or "year_compared" not in check["metrics"]:
        return None
    return check["metrics"]


def _records_side(compared: dict | None, stage: str) -> dict | None:
    if compared is None or f"housing_stage_{stage}_complaints_in_records" not in compared:
        return None
    return {name: compared[f"housing_stage_{stage}_{name}"] for name in
            ("complaints_in_records", "on_time_in_records", "percent_on_time_in_records", "gap_points")}


def _stage_rows(stage: str, ours: dict, theirs: dict | None, suppression: Suppression) -> list[list[str]]:
    """CH01 (count and rate per 1,000 homes) and CH02 (share, with its counts) for one stage, returned and recorded."""
    homes = ours["homes"]
    count = suppression.count
    complaints = None if ours["complaints"] is None else int(ours["complaints"])
    ch01 = [f"Stage {stage} complaints received (CH01)", _or_blank(complaints, count),
            count(theirs["complaints_in_records"]) if theirs else "not compared",
            _difference(complaints, theirs["complaints_in_records"] if theirs else None)]
    rate = [f"Stage {stage} complaints per 1,000 homes ({number(int(homes))} homes)" if homes else
            f"Stage {stage} complaints per 1,000 homes",
            _rate(complaints, homes), _rate(theirs["complaints_in_records"], homes) if theirs else "not compared", ""]
    answered, on_time = ours["answered"], ours["answered_on_time"]
    ch02 = [f"Stage {stage} answered within the Code's timescales (CH02)",
            "not given" if not answered or on_time is None else _share(int(on_time), int(answered), suppression),
            _share(theirs["on_time_in_records"], theirs["complaints_in_records"], suppression) if theirs else
            "not compared",
            _gap(theirs, on_time, answered)]
    return [ch01, rate, ch02]


def _gap(theirs: dict | None, on_time, answered) -> str:
    """The returned share less the records', in points; on a base below 10 the difference in counts instead."""
    if theirs is None or not answered or on_time is None:
        return ""
    if theirs["gap_points"] == 0:
        return "none"
    if min(int(answered), theirs["complaints_in_records"]) < 10:
        return f"{int(on_time) - theirs['on_time_in_records']:+,} answered on time"
    return f"{theirs['gap_points']:+.1f} points"


def _or_blank(value, count) -> str:
    return "not given" if value is None else count(value)


def _difference(returned: int | None, recorded: int | None) -> str:
    if returned is None or recorded is None:
        return ""
    return "none" if returned == recorded else f"{returned - recorded:+,}"


def _rate(complaints, homes) -> str:
    return "not given" if complaints is None or not homes else f"{1000 * complaints / homes:.1f}"


def _share(numerator: int, denominator: int, suppression: Suppression) -> str:
    """'89.9% (447 of 497)'; counts alone on a base below 10, and the share withheld where it would reveal a small count."""
    counts = f"{suppression.count(numerator)} of {suppression.count(denominator)}"
    if denominator < 10 or suppression.withholds(numerator, denominator):
        return counts
    return f"{100 * numerator / denominator:.1f}% ({counts})"


def _reading(compared: dict | None, year: str) -> str:
    """One sentence: whether the return and the records agree (TS007's thresholds), or why they were not compared."""
    if compared is None:
        return (f"The return was not set beside the housing records: TS007 could not compare them for {year} (see "
                "its finding).")
    gaps = {stage: compared.get(f"housing_stage_{stage}_gap_points") for stage in STAGES}
    apart = {stage: gap for stage, gap in gaps.items() if gap}
    if not apart:
        return f"For {year} the council's return agrees with its housing records at each stage."
    said = "; ".join(_stage_gap(compared, stage, gap) for stage, gap in apart.items())
    return (f"For {year} the share of complaints the council returned as answered within the Code's timescales does "
            f"not agree with its housing records: {said} (TS007).")


def _stage_gap(compared: dict, stage: str, gap: float) -> str:
    """'at Stage 1 it is 3.4 points kinder than the records'; in counts on a base below 10."""
    prefix = f"housing_stage_{stage}_"
    if min(compared[prefix + "answered_returned"], compared[prefix + "complaints_in_records"]) < 10:
        more = compared[prefix + "on_time_returned"] - compared[prefix + "on_time_in_records"]
        return (f"at Stage {stage} it returned {abs(more):,} {'more' if more > 0 else 'fewer'} answered on time than "
                "the records show")
    return f"at Stage {stage} it is {abs(gap):.1f} points {'kinder' if gap > 0 else 'harsher'} than the records"


def _stage_sentence(stage: str, council: str, returned: float, records: float | None, others: list[dict],
                    similar: list[dict], homes: float) -> str:
    """Where the council stands at one stage: counts of the councils it is above, among all and the similar-sized."""
    shares = np.array([row["percent_on_time"] for row in others])
    text = (f"Stage {stage}: {len(others) + 1} councils, CH02 from {min(shares.min(), returned):.1f}% to "
            f"{max(shares.max(), returned):.1f}% (median of the others {np.median(shares):.1f}%). {council} returned "
            f"{returned:.1f}%, {_above(int((shares < returned).sum()), len(others))} other councils")
    if records is not None:
        text += f"; the {records:.1f}% its records give would be higher than {int((shares < records).sum())}"
    low, high = homes / SIMILAR_FACTOR, homes * SIMILAR_FACTOR
    if similar:
        near = np.array([row["percent_on_time"] for row in similar])
        text += (f". Among the {len(similar)} other councils with {number(int(np.ceil(low)))} to "
                 f"{number(int(high))} homes, its return is {_above(int((near < returned).sum()), len(similar))}")
        if records is not None:
            text += f" and its records {_above(int((near < records).sum()), len(similar))}"
    else:
        text += f". No other council has {number(int(np.ceil(low)))} to {number(int(high))} homes"
    return text + "."


def _above(count: int, total: int) -> str:
    """'higher than 3 of the 10', 'higher than none of the 4', 'higher than all 4'."""
    if count == total:
        return f"higher than all {total}"
    return f"higher than {'none' if count == 0 else count} of the {total}"
