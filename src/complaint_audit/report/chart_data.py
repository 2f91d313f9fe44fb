"""What each chart shows, as plain numbers with a title and a text description.

The context holds these so the Markdown can name the charts and describe them in words, and so
charts.py only draws: it gets small lists of numbers, never the records. The description is the
chart's accessible text (its SVG <title> and <desc>), written so a reader who cannot see the
chart loses nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.engine.judging import SMALL_BASE, counted_share
from complaint_audit.report.figures import team_names
from complaint_audit.report.teams import SMALL_GROUP
from complaint_audit.report.text import GROUP_METRIC, group_label, number, percent

_MEMBERS = ("mp", "councillor")
# The monthly chart shows at most the last three years: more bars than that cannot be read, and
# one stray early date would otherwise chart every month between it and the rest.
MAX_MONTHS_CHARTED = 36
_QUANTILES = {"whislo": 0.05, "q1": 0.25, "med": 0.5, "q3": 0.75, "whishi": 0.95}
# Charts by team draw at most this many teams, the largest, and the rest as one "all other teams":
# eight colours can be told apart, and a legend or an axis of 200 teams cannot be read.
CHARTED_TEAMS = 7


def by_month(records: pd.DataFrame) -> dict | None:
    """New complaints (each case at its first stage) received per month, by team.

    `records` carry `case`, one integer per case (context.assessment adds it), so each case's first
    row is found by sorting integers, and the months are counted by team with one bincount.
    """
    if records.empty:
        return None
    received = records["received"].to_numpy().astype("datetime64[s]")
    day = np.where(np.isnat(received), np.iinfo(np.int64).max, received.astype(np.int64))  # undated rows last
    order = np.lexsort((pd.factorize(records["stage"], sort=True)[0], day))  # by date received, then stage
    first = order[np.unique(records["case"].to_numpy()[order], return_index=True)[1]]
    month = received[first].astype("datetime64[M]")
    teams = team_names(records["team"]).iloc[first]
    names, dated = teams.cat.categories, ~np.isnat(month)
    month, codes = month[dated], teams.cat.codes.to_numpy()[dated]
    if not len(month):
        return None
    end = month.max()
    start = max(month.min(), end - np.timedelta64(MAX_MONTHS_CHARTED - 1, "M"))
    charted = month >= start
    earlier = int((~charted).sum())
    month, codes = month[charted], codes[charted]
    offsets = (month - start).astype(np.int64)
    cells = np.bincount(offsets * len(names) + codes, minlength=(offsets.max() + 1) * len(names))
    counts = cells.reshape(-1, len(names))  # a row per month, a column per team
    table = _largest_teams({str(names[code]): counts[:, code]
                            for code in sorted(np.unique(codes), key=lambda code: names[code])})
    months = [period.strftime("%b %Y") for period in pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")]
    busiest = counts.sum(axis=1)
    totals = "; ".join(f"{name} {number(int(column.sum()))}" for name, column in table.items())
    return {
        "title": "Complaints received each month, by team",
        "description": (f"Stacked bar chart of new complaints received each month from {months[0]} to {months[-1]}, "
                        f"by team. Totals: {totals}. The busiest month was {months[int(busiest.argmax())]} "
                        f"with {number(int(busiest.max()))}."
                        + (f" {number(earlier)} {'complaint' if earlier == 1 else 'complaints'} received before {months[0]} "
                           f"{'is' if earlier == 1 else 'are'} not charted." if earlier else "")),
        "months": months, "teams": {name: [int(n) for n in column] for name, column in table.items()},
        "not_charted": earlier,
    }


# What the on-time chart counts: the whole rule where an acknowledgement check ran (report/figures.py).
_ON_TIME_WORDS = {True: "stages acknowledged and answered on time", False: "responses sent on time"}


def on_time_by_team(answered: pd.DataFrame, target: float | None = None) -> dict | None:
    """Percent on time at Stage 1 and Stage 2, per team, with how many stages each bar counts: the CHARTED_TEAMS
    teams with most stages answered, and all other teams as one bar. A share of fewer than SMALL_GROUP stages is not
    drawn (the description says so). `target`: the share on time below which the timeliness checks turn amber."""
    if answered.empty:
        return None
    chosen = answered[answered["stage"].isin(["1", "2"])]
    team = _team_or_others(chosen["team"].astype("str"), answered["team"].astype("str").value_counts())
    grouped = chosen["on_time"].groupby([team, chosen["stage"]])
    sizes = grouped.size()
    shares = grouped.mean().mul(100).round(1).where(sizes >= SMALL_GROUP)
    teams = sorted(team.unique(), key=lambda name: (name.startswith(OTHER_TEAMS), name))
    stages = {f"Stage {stage}": [_maybe(shares.get((name, stage))) for name in teams] for stage in ("1", "2")}
    counts = {f"Stage {stage}": [int(sizes.get((name, stage), 0)) for name in teams] for stage in ("1", "2")}
    small = sorted({name for (name, _), size in sizes.items() if 0 < size < SMALL_GROUP})
    described = "; ".join(
        f"{team}: " + ", ".join(f"{label} {percent(values[index])}" for label, values in stages.items()
                               if values[index] is not None)
        for index, team in enumerate(teams))
    whole_rule = bool(answered["acknowledgement"].any())
    return {
        "title": "Stages acknowledged and answered on time, by stage and team" if whole_rule
                 else "Responses on time by stage and team",
        "description": (f"Horizontal bar chart of the percentage of {_ON_TIME_WORDS[whole_rule]}, by team and stage. "
                        f"{described}."
                        + (f" Not drawn, as fewer than {SMALL_GROUP} stages were answered there (a small group): "
                           f"{'; '.join(small)}." if small else "")
                        + (f" The dashed line is {percent(target)}, below which the timeliness checks turn amber."
                           if target is not None else "")),
        "teams": teams, "stages": stages, "counts": counts, "target": target,
    }


OTHER_TEAMS = "All other teams"


def _largest_teams(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The CHARTED_TEAMS teams with most complaints in the table, then the rest summed as OTHER_TEAMS (how many)."""
    if len(table) <= CHARTED_TEAMS + 1:
        return table
    largest = set(sorted(table, key=lambda name: (-int(table[name].sum()), name))[:CHARTED_TEAMS])
    others = [column for name, column in table.items() if name not in largest]
    return ({name: column for name, column in table.items() if name in largest}
            | {f"{OTHER_TEAMS} ({number(len(others))})": np.sum(others, axis=0)})


def _team_or_others(team: pd.Series, sizes: pd.Series) -> pd.Series:
    """Each row's team, or OTHER_TEAMS (how many) where it is not among the CHARTED_TEAMS largest by SIZES."""
    if len(sizes) <= CHARTED_TEAMS + 1:
        return team
    ranked = sizes.sort_index().sort_values(ascending=False, kind="stable")
    return team.where(team.isin(ranked.index[:CHARTED_TEAMS]), f"{OTHER_TEAMS} ({number(len(sizes) - CHARTED_TEAMS)})")


def _maybe(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _spread(days: np.ndarray) -> dict:
    """Box-plot statistics (5th, 25th, 50th, 75th, 95th percentiles): a few numbers, however many cases (as pandas'
    quantile gives them: linear between the two nearest)."""
    quantiles = np.percentile(days, np.array(list(_QUANTILES.values())) * 100.0)
    return {name: float(value) for name, value in zip(_QUANTILES, quantiles, strict=True)} | {"n": int(len(days))}


def members_against_public(records: pd.DataFrame, calendar: WorkingCalendar, ft001: dict | None) -> dict | None:
    """Working days from receipt to response, MPs' and councillors' complaints against the public's, per FT001 group."""
    if not ft001:
        return None
    compared = [GROUP_METRIC.match(name).groups()[:2] for name in ft001["metrics"]
                if GROUP_METRIC.match(name) and name.endswith("_member_median")]
    raised_via = records["raised_via"]
    kept = (records["responded"].notna() & raised_via.isin([*_MEMBERS, "public"])).to_numpy()
    days = calendar.working_days_between(records["received"][kept], records["responded"][kept]).astype("float64").to_numpy()
    member = raised_via.isin(_MEMBERS).to_numpy()[kept]
    counted = ~np.isnan(days)
    process, stage = (records[name].astype("category") for name in ("process", "stage"))
    process_code, stage_code = process.cat.codes.to_numpy()[kept], stage.cat.codes.to_numpy()[kept]
    groups = []
    for process_name, stage_name in compared:  # a process or stage not recorded: code -2, matching no row
        chosen = counted & (process_code == _code(process, process_name)) & (stage_code == _code(stage, stage_name))
        member_days, public_days = days[chosen & member], days[chosen & ~member]
        if len(member_days) and len(public_days):
            groups.append({"label": group_label(process_name, stage_name), "members": _spread(member_days),
                           "public": _spread(public_days)})
    if not groups:
        return None
    medians = "; ".join(f"{g['label']}: members {number(g['members']['med'])}, public {number(g['public']['med'])}"
                        for g in groups)
    return {
        "title": "Working days to respond: MP and councillor complaints against the public's",
        "description": ("Box plot of working days from receipt to response for complaints from MPs and councillors "
                        "and from the public, for each process and stage compared (boxes: middle half of cases; "
                        "whiskers: 5th to 95th percentile; n above each box, hatched where fewer than "
                        f"{SMALL_BASE}). Medians in working days: {medians}."),
        "groups": groups,
    }


def _code(column: pd.Series, value: str) -> int:
    """VALUE's code in the categorical COLUMN; -2 where it is not one of its categories."""
    return int(column.cat.categories.get_indexer([value])[0]) if value in column.cat.categories else -2


def childrens_stage2(csc002: dict | None) -> dict | None:
    """CSC002's two measures of children's Stage 2 compliance side by side."""
    metrics = (csc002 or {}).get("metrics", {})
    if "percent_on_time_as_required" not in metrics:
        return None
    recorded, required = metrics.get("percent_on_time_as_recorded"), metrics["percent_on_time_as_required"]
    return {
        "title": "Children's Stage 2 on time: as recorded against as required",
        "description": (f"Bar chart of {number(metrics.get('stage2_cases'))} children's Stage 2 complaints: "
                        f"{percent(recorded)} on time as the system records them (to the investigating officer's "
                        f"report) against {percent(required)} as the regulations require (to the adjudication "
                        "letter)."),
        "as_recorded": recorded, "as_required": required,
        "labels": [_of(metrics.get("on_time_as_recorded"), metrics.get("compared")),
                   _of(metrics.get("on_time_as_required"), metrics.get("compared"))],
    }


def _of(part: int | None, whole: int | None) -> str:
    """'31 of 31', the counts under a bar; empty where a run's results lack them."""
    return f"{part:,} of {whole:,}" if part is not None and whole else ""


def theme_checks(theme: dict) -> dict | None:
    """Each graded check of one theme: the share its grade rests on (its worst group beyond chance, else all its
    cases), with the counts, against its own amber and red thresholds; a base below SMALL_BASE gets no bar."""
    bars = [{"code": f["code"], "title": f["title"], "percent": f["graded"]["percent"], "rag": f["rag"],
             "failing": f["graded"]["failing"], "assessed": f["graded"]["assessed"], "group": f["graded"]["group"],
             "small": f["graded"]["assessed"] is not None and f["graded"]["assessed"] < SMALL_BASE,
             "amber": f["thresholds"].get("amber_above"), "red": f["thresholds"].get("red_above")}
            for f in sorted(theme["concerns"] + theme["others"], key=lambda f: f["code"])
            if f.get("graded") and f["status"] in ("pass", "warn", "fail")]
    if not bars:
        return None
    for bar in bars:
        bar["text"] = _bar_text(bar)
    described = "; ".join(f"{bar['title']} {bar['text']} ({bar['rag']})" for bar in bars)
    return {
        "title": f"{theme['title']}: share of cases failing each check",
        "description": ("Horizontal bar chart of the percentage of cases failing each check in this theme, its amber "
                        "and red thresholds marked, the worst group where a group set the grade: "
                        f"{described}."),
        "bars": bars,
    }


def _bar_text(bar: dict) -> str:
    """A theme chart's label: '16 of 64 (25.0%), worst group'; counts alone on a small base."""
    if bar["assessed"] is None:
        return percent(bar["percent"])
    text = counted_share(bar["failing"], bar["assessed"])
    return f"{text}, worst group" if bar["group"] else text
