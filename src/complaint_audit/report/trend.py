"""The change since the previous run: headline figures, checks better or worse, recommendations new, repeated, resolved.

Both runs are reduced to the same assessment (context.assessment) before they are compared, so
a figure in the trend is computed exactly as it is in the report it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaint_audit.report.text import long_date, number, percent, plural

if TYPE_CHECKING:
    from complaint_audit.report.context import Assessment

_SEVERITY = {"fail": 4, "warn": 3, "error": 2, "pass": 1, "not_applicable": 0}


def _change(before, after, *, higher_is_better: bool | None, points: bool) -> dict:
    """A before/after pair with its difference in words and whether it is better or worse."""
    if before is None or after is None:
        return {"before": _text(before, points), "after": _text(after, points), "change": "–", "direction": ""}
    delta = round(after - before, 1)
    change = "no change" if delta == 0 else (f"{delta:+.1f} points" if points else f"{delta:+,g}")
    if delta == 0 or higher_is_better is None:
        direction = ""
    else:
        direction = "better" if (delta > 0) == higher_is_better else "worse"
    return {"before": _text(before, points), "after": _text(after, points), "change": change, "direction": direction}


def _text(value, points: bool) -> str:
    return percent(value) if points else number(value)


def _headline_changes(current: Assessment, previous: Assessment) -> list[dict]:
    now, then = current.headline, previous.headline
    rows = [
        {"label": "Complaints (cases)", **_change(then["cases"], now["cases"], higher_is_better=None, points=False)},
        {"label": "On time, all stages",
         **_change(then["on_time"], now["on_time"], higher_is_better=True, points=True)},
    ]
    before_stages = {row["stage"]: row for row in then["stages"]}
    for row in now["stages"]:
        old = before_stages.get(row["stage"], {})
        if row["on_time"] is not None or old.get("on_time") is not None:
            rows.append({"label": f"On time at {row['stage']}",
                         **_change(old.get("on_time"), row["on_time"], higher_is_better=True, points=True)})
    rows.append({"label": "Upheld or partly upheld",
                 **_change(then["upheld"], now["upheld"], higher_is_better=None, points=True)})
    for status, label in (("fail", "Checks red"), ("warn", "Checks amber")):
        before, after = previous.overall["counts"][status], current.overall["counts"][status]
        rows.append({"label": label, **_change(before, after, higher_is_better=False, points=False)})
    return rows


def _check_changes(current: Assessment, previous: Assessment) -> list[dict]:
    """Every check of this run: its status and share failing then (if it ran then) and now."""
    before = {f["code"]: f for f in previous.findings}
    rows = []
    for finding in current.findings:
        old = before.get(finding["code"])
        if old is None:
            rows.append({"code": finding["code"], "title": finding["title"], "before": "not run",
                         "after": finding["status_label"], "before_percent": "–",
                         "after_percent": finding["percent_text"],
                         "change": "–", "direction": "new check"})
            continue
        share = _change(old["percent_failing"], finding["percent_failing"], higher_is_better=False, points=True)
        severity = _SEVERITY[finding["status"]] - _SEVERITY[old["status"]]
        direction = share["direction"] if severity == 0 else ("worse" if severity > 0 else "better")
        rows.append({"code": finding["code"], "title": finding["title"], "before": old["status_label"],
                     "after": finding["status_label"], "before_percent": share["before"],
                     "after_percent": share["after"], "change": share["change"], "direction": direction,
                     "status_changed": severity != 0})
    return rows


def recommendation_states(current: list[dict], previous: list[dict] | None) -> tuple[list[dict], list[dict]]:
    """The current recommendations marked new or repeated, and the previous ones now resolved."""
    if previous is None:
        return [{**item, "state": "new"} for item in current], []
    earlier = {item["action"] for item in previous}
    marked = [{**item, "state": "repeated" if item["action"] in earlier else "new"} for item in current]
    now = {item["action"] for item in current}
    return marked, [{**item, "state": "resolved"} for item in previous if item["action"] not in now]


def compare(current: Assessment, previous: Assessment, resolved: list[dict]) -> dict:
    """The trend section: what changed between the previous assessment and this one."""
    checks = _check_changes(current, previous)
    states = [item["state"] for item in current.recommendations]
    worse = [row for row in checks if row.get("status_changed") and row["direction"] == "worse"]
    better = [row for row in checks if row.get("status_changed") and row["direction"] == "better"]
    before, now = previous.overall["label"], current.overall["label"]
    summary = (f"the overall assessment {'remains ' + now if before == now else f'has gone from {before} to {now}'}. "
               f"{plural(len(worse), 'check')} got worse and {len(better)} better; of the recommendations, "
               f"{states.count('new')} {'is' if states.count('new') == 1 else 'are'} new, {states.count('repeated')} "
               f"repeated and {len(resolved)} resolved.")
    return {
        "previous_run": previous.run_id, "previous_as_of": long_date(previous.as_of),
        "previous_rag": before, "rag": now, "summary": summary,
        "headline": _headline_changes(current, previous),
        "worse": worse, "better": better,
        "changed": [row for row in checks if row["change"] not in ("no change", "–") and not row.get("status_changed")],
        "recommendations": {"new": states.count("new"), "repeated": states.count("repeated"),
                            "resolved": len(resolved)},
        "resolved": resolved,
    }
