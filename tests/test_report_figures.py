"""The report's figures from hand-made records: cases counted per council, late stages matched exactly, charts drawn.

These pin the vectorised versions (integer case keys, one sort, one bincount) to what a reader
sees: the counts, the on-time flags, the example cases and the numbers printed on the charts.
"""

from __future__ import annotations

import re
from dataclasses import asdict

import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.engine.registry import discover
from complaint_audit.report import chart_data, figures, suppressed_charts, teams
from complaint_audit.report.charts import draw
from complaint_audit.report.examples import first_cases
from complaint_audit.report.keys import case_codes, case_keys
from complaint_audit.report.suppression import Suppression
from tests.builders import canonical_records

_EXCEPTION_COLUMNS = ["check", "organisation", "case_id", "stage", "team", "figures"]


def _roles(*codes: str) -> dict[str, list[dict]]:
    """The on-time declarations of the checks CODES, as results.json carries them."""
    checks = discover()
    return {code: [asdict(part) for part in checks[code].on_time] for code in codes}


def _exceptions(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=_EXCEPTION_COLUMNS)


def _keyed(records: pd.DataFrame, exceptions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records and exceptions with their integer case keys, as context.assessment reads them."""
    records, exceptions = records.copy(), exceptions.copy()
    records["case_key"], exceptions["case_key"] = case_keys(records, exceptions)
    records["case"] = case_codes(records)
    return records, exceptions


def _two_councils():
    records = canonical_records(
        {"organisation": "North", "case_id": "C1", "responded": "2023-04-10"},
        {"organisation": "South", "case_id": "C1", "responded": "2023-05-10"},
        {"organisation": "North", "case_id": "C2", "stage": "2", "received": "2023-06-01", "responded": "2023-06-20"},
        {"organisation": "North", "case_id": "C3", "team": None, "received": "2023-06-05"},
        {"organisation": "North", "case_id": "K1", "process": "childrens_statutory", "stage": "2",
         "received": "2023-07-03", "responded": "2023-08-01"},
    )
    exceptions = _exceptions(
        ("TS002", "South", "C1", "1", "Team A", '{"days":30}'),
        ("CSC002", "North", "K1", "2", "Team A", '{"verdict":"late as recorded only"}'),
        ("TS005", "North", "C3", "1", None, "{}"),
        ("DQ006", "North", "C3", "1", None, "{}"),
    )
    return _keyed(records, exceptions)


def test_a_stage_is_late_only_when_its_own_organisation_case_and_stage_were_listed():
    records, exceptions = _two_councils()
    answered = figures.answered_stages(records, exceptions, _roles("TS002", "CSC002"))
    on_time = {(row.organisation, row.case_id, row.stage): row.on_time for row in answered.itertuples()}
    # South's C1 was late; North's C1 shares its id but not its council. C3 was never answered.
    # CSC002 lists K1 only because the recorded date was late: as the regulations measure it, it was on time.
    assert on_time == {("North", "C1", "1"): True, ("South", "C1", "1"): False, ("North", "C2", "2"): True,
                       ("North", "K1", "2"): True}


def test_the_headline_counts_a_case_id_once_per_organisation():
    records, exceptions = _two_councils()
    answered = figures.answered_stages(records, exceptions, _roles("TS002"))
    headline = figures.headline(records, answered)
    assert (headline["cases"], headline["stage_rows"]) == (5, 5)
    assert (headline["on_time"], headline["on_time_text"]) == (66.7, "2 of 3")  # 3 corporate stages answered: no percentage


def test_the_teams_table_names_a_missing_team_and_counts_its_listed_cases_once():
    records, exceptions = _two_councils()
    answered = figures.answered_stages(records, exceptions, _roles("TS002", "CSC002"))
    table = teams.section(teams.team_figures(records, answered, exceptions, WorkingCalendar(), {"TS005", "DQ006"}))
    assert table["columns"][0] == "Team" and table["in_full"] and table["ranked"] == []
    rows = {row[0]: dict(zip(table["columns"][1:], row[1:], strict=True)) for row in table["rows"]}
    assert list(rows) == ["No team recorded", "Team A"]
    assert [rows["Team A"][column] for column in ("Cases", "Stage 1 stages", "Stage 2 or later stages")] == ["4", "2", "2"]
    # 1 of 2 answered Stage 1 stages on time: counts, and no percentage of a group below ten
    assert rows["Team A"]["On time at Stage 1"] == "1 of 2 (small group)" and table["marked"]
    assert rows["No team recorded"]["On time at Stage 1"] == "–"
    # 4 working days over Easter 2023 and 23 over the two May bank holidays (coronation included)
    assert rows["Team A"]["Median working days, Stage 1"] == "13.5"
    assert rows["No team recorded"]["Cases listed by red or amber checks"] == "1 of 1 (small group)"  # C3 by two checks: one case
    assert rows["Team A"]["Cases listed by red or amber checks"] == "0 of 4 (small group)"
    assert [rows[name]["Red or amber checks (how many)"] for name in rows] == ["2", "0"]  # codes: in the appendix


def _many_teams(on_time: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """The numbers frame of teams.team_figures for teams with (on time, answered) at Stage 1 and nothing else."""
    frame = pd.DataFrame(0, index=pd.Index(sorted(on_time), dtype="object"), columns=[
        "cases", "stage1", "later", "decided", "upheld", "listed", "on_time_1", "answered_1", "on_time_2", "answered_2",
        "days_1", "check_count"])
    frame["on_time_1"] = [on_time[name][0] for name in frame.index]
    frame["answered_1"] = frame["cases"] = frame["stage1"] = [on_time[name][1] for name in frame.index]
    return frame.assign(median_days_1=float("nan"), checks="none")


def test_over_eight_teams_the_body_shows_the_three_worst_and_best_by_each_measure_and_never_a_small_group():
    shares = {f"Team {letter}": (on_time, 20) for letter, on_time in zip("ABCDEFGHIJ", range(10, 20), strict=True)}
    shares |= {"Team K": (40, 40), "Team L": (20, 20), "Tiny": (0, 9)}  # K and L both all on time; L is smaller
    table = teams.section(_many_teams(shares))
    assert (table["count"], table["in_full"], len(table["rows"])) == (13, False, 13)
    stage1 = next(ranked for ranked in table["ranked"] if ranked["measure"] == "On time at Stage 1")
    (worst, best) = stage1["groups"]
    assert worst["label"] == "The lowest shares" and [row[0] for row in worst["rows"]] == ["Team A", "Team B", "Team C"]
    assert best["label"] == "The highest shares" and [row[0] for row in best["rows"]] == ["Team K", "Team L", "Team J"]
    assert worst["rows"][0] == ["Team A", "20", "10 of 20 (50.0%)"] and best["rows"][0][2] == "40 of 40 (100.0%)"
    assert stage1["not_ranked"] == 1 and "of the 12 teams with at least 10 stages answered at Stage 1" in stage1["caption"]
    # every team in the appendix, with fewer columns: the volumes by stage and the median are in teams.xlsx
    assert table["columns"] == ["Team", "Cases", "On time at Stage 1", "On time at Stage 2", "Upheld or partly upheld",
                                "Cases listed by red or amber checks", "Red or amber checks (how many)"]
    assert dict((row[0], row[2]) for row in table["rows"])["Tiny"] == "0 of 9 (small group)"


def test_charts_by_team_draw_the_seven_largest_teams_and_all_the_others_as_one():
    sizes = {f"Team {index:02d}": index for index in range(1, 11)}  # Team 10 has 10 cases ... Team 01 one
    records, _ = _keyed(canonical_records(*[
        {"case_id": f"{name}-{case}", "team": name, "received": "2023-04-03", "responded": "2023-04-05"}
        for name, cases in sizes.items() for case in range(cases)]), _exceptions())
    chart = chart_data.by_month(records)
    assert chart["teams"] == {**{f"Team {index:02d}": [index] for index in range(4, 11)}, "All other teams (3)": [6]}
    answered = records.assign(on_time=records["case_id"].str.endswith("-0"), acknowledgement=False)
    on_time = chart_data.on_time_by_team(answered)
    assert on_time["teams"] == [*(f"Team {index:02d}" for index in range(4, 11)), "All other teams (3)"]
    # one on time in each team: 1 of 10 is drawn; under ten answered, a small group, is not
    assert on_time["stages"]["Stage 1"] == [None] * 6 + [10.0, None]
    assert "fewer than 10 stages were answered there (a small group): All other teams (3); Team 04; Team 05" in on_time["description"]
    assert on_time["counts"]["Stage 1"] == [4, 5, 6, 7, 8, 9, 10, 6]  # n beside every bar
    assert on_time["target"] is None and "dashed line" not in on_time["description"]
    with_target = chart_data.on_time_by_team(answered, target=95.0)
    assert with_target["description"].endswith("The dashed line is 95.0%, below which the timeliness checks turn amber.")


def test_the_on_time_charts_line_is_where_the_strictest_timeliness_check_turns_amber(sample_run):
    from complaint_audit.report.context import report_context

    assert report_context(sample_run)["charts"]["on_time"]["target"] == 95.0  # TS002: amber above 5% late


def test_a_findings_examples_are_its_first_five_cases_by_id_then_stage_without_repeats():
    listed = [("TS002", "North", case_id, stage, "Team A", "{}")
              for case_id, stage in [("C2", "2"), ("C10", "1"), ("C2", "1"), ("C2", "1"), ("C1", None), ("C1", "1"),
                                     ("C30", "1"), ("C4", "1")]]
    examples = first_cases(_exceptions(*listed, ("DQ006", "North", "C9", "1", "Team A", "{}")))
    shown = [(e["case_id"], None if pd.isna(e["stage"]) else e["stage"]) for e in examples["TS002"]]
    assert shown == [("C1", "1"), ("C1", None), ("C10", "1"), ("C2", "1"), ("C2", "2")]  # a missing stage last
    assert [(e["case_id"], e["stage"]) for e in examples["DQ006"]] == [("C9", "1")]


def test_the_monthly_chart_counts_each_case_once_in_the_month_of_its_first_stage():
    records, _ = _keyed(canonical_records(
        {"case_id": "C1", "received": "2023-04-03"},
        {"case_id": "C1", "stage": "2", "received": "2023-06-12"},
        {"case_id": "C2", "team": None, "received": "2023-06-01"},
        {"case_id": "C3", "received": "2023-04-20"},
    ), _exceptions())
    chart = chart_data.by_month(records)
    assert chart["months"] == ["Apr 2023", "May 2023", "Jun 2023"]
    assert chart["teams"] == {"No team recorded": [0, 0, 1], "Team A": [2, 0, 0]}
    assert chart["description"].endswith("Totals: No team recorded 1; Team A 2. The busiest month was Apr 2023 with 2.")


def test_the_on_time_chart_draws_a_bar_and_a_label_for_each_figure_and_escapes_team_names():
    chart = {"title": "On <time>", "description": "Stage 1 & 2", "teams": ["<b>Adults</b>", "Housing"],
             "stages": {"Stage 1": [80.0, None], "Stage 2": [50.5, 100.0]}}
    svg = str(draw({"on_time": chart})["on_time"])
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert "&lt;b&gt;Adults&lt;/b&gt;" in texts and "Housing" in texts and "<b>" not in svg
    assert [text for text in texts if re.fullmatch(r"\d+\.\d%", text)] == ["80.0%", "50.5%", "100.0%"]
    assert '<title id="on_time-title">On &lt;time&gt;</title><desc id="on_time-desc">Stage 1 &amp; 2</desc>' in svg
    # Each drawn bar is a rectangle from the axis, filled in its stage's colour, as long as its share.
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#[0-9A-F]+)"/>', svg)
    axis = bars[0][0]  # the legend's keys are rectangles too, beside the axes
    lengths = {colour: [float(width) for left, width, filled in bars if left == axis and filled == colour]
               for colour in ("#0072B2", "#E69F00")}
    (stage1,), (adults2, housing2) = lengths["#0072B2"], lengths["#E69F00"]
    assert abs(stage1 / housing2 - 0.8) < 0.01 and abs(adults2 / housing2 - 0.505) < 0.01


def test_the_monthly_chart_shows_the_last_three_years_and_says_how_many_earlier_complaints_it_leaves_out():
    records, _ = _keyed(canonical_records(
        {"case_id": "OLD", "received": "1971-02-01"},
        {"case_id": "C1", "received": "2021-05-03"},
        {"case_id": "C2", "received": "2024-04-20"},
    ), _exceptions())
    chart = chart_data.by_month(records)
    assert len(chart["months"]) == chart_data.MAX_MONTHS_CHARTED
    assert chart["months"][0] == "May 2021" and chart["months"][-1] == "Apr 2024"
    assert chart["description"].endswith("1 complaint received before May 2021 is not charted.")
    shown = suppressed_charts.by_month(chart, Suppression(5))
    assert "<5 complaints received before May 2021 are not charted." in shown["description"]


def test_the_teams_workbook_blanks_what_suppression_withholds_in_the_report():
    figures_by_team = _many_teams({"Team A": (15, 20), "Team B": (3, 3), "Team C": (9, 12)})
    plain = teams.workbook_sheet(figures_by_team).set_index("Team")
    assert plain.loc["Team A", ["On time at Stage 1: count", "On time at Stage 1: of", "On time at Stage 1: percent"]].tolist() == [15, 20, 75.0]
    assert pd.isna(plain.loc["Team B", "On time at Stage 1: percent"])  # 3 answered: a small group, counts only
    sheet = teams.workbook_sheet(figures_by_team, Suppression(5)).set_index("Team")
    assert sheet.loc["Team A", "On time at Stage 1: percent"] == 75.0
    assert sheet.loc["Team B", ["Cases", "On time at Stage 1: count", "On time at Stage 1: of"]].isna().all()
    # 9 of 12: the 3 late are a small count, so the share and its counts are blank, the team's cases are not
    assert sheet.loc["Team C", ["On time at Stage 1: count", "On time at Stage 1: percent"]].isna().all()
    assert sheet.loc["Team C", "Cases"] == 12


def test_a_box_of_too_few_cases_is_hatched_with_its_chart_s_own_pattern_and_says_small():
    spread = {"whislo": 2.0, "q1": 3.0, "med": 4.0, "q3": 6.0, "whishi": 11.0}
    chart = {"title": "Days", "description": "Boxes", "groups": [
        {"label": "corporate Stage 1", "members": {**spread, "n": 4}, "public": {**spread, "n": 80}}]}
    svg = str(draw({"members": chart})["members"])
    assert svg.count('fill="url(#members-hatch)"') == 1 and '<pattern id="members-hatch"' in svg  # the small box only
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg) == ["n=4", "small"]
    assert "<text" in svg and ">n=80</text>" in svg


def test_whole_number_ticks_step_as_a_reader_counts_and_fit_their_axis():
    from complaint_audit.report.plot import whole_ticks

    assert whole_ticks(0, 213, room=150, spacing=17) == [0, 50, 100, 150, 200]
    assert whole_ticks(0, 3.2, room=150, spacing=17) == [0, 1, 2, 3]  # counts: never 0.5
    assert whole_ticks(-2.6, 58, room=160, spacing=17) == [0, 10, 20, 30, 40, 50]
    assert whole_ticks(0, 130, room=150, spacing=17) == [0, 20, 40, 60, 80, 100, 120]
    assert whole_ticks(0, 1_200, room=60, spacing=17) == [0, 500, 1000]


def test_a_chart_s_axes_start_past_its_longest_label_measured_in_its_font():
    from complaint_audit.report.plot import EDGE, TICK, text_width

    assert text_width("iiii") < text_width("MMMM") and text_width("MMMM", bold=True) > text_width("MMMM")
    assert text_width(["short", "a longer label\nx"]) == text_width("a longer label")  # the widest line
    long_name = "Adult Social Care and Health Complaints and Representations"
    chart = {"title": "On time", "description": "d", "teams": ["Housing", long_name], "stages": {"Stage 1": [80.0, 90.0]}}
    svg = str(draw({"on_time": chart})["on_time"])
    bar_starts = {float(x) for x in re.findall(r'<rect x="([\d.]+)"[^>]*fill="#0072B2"/>', svg)}
    assert min(bar_starts) >= EDGE + text_width(long_name) + TICK - 0.01


def test_a_chart_of_nothing_but_zeros_or_one_value_still_draws_its_axes():
    """A month of no complaints, or every case answered in the same number of days, spans no range: the axis is
    drawn from 0 (or that value) to one more, not divided by nothing."""
    from complaint_audit.compare.charts import draw as draw_comparison

    spread = {"whislo": 3.0, "q1": 3.0, "med": 3.0, "q3": 3.0, "whishi": 3.0, "n": 12}
    drawn = draw({"by_month": {"title": "Each month", "description": "d", "months": ["Apr 2023"], "teams": {"A": [0]}},
                  "members": {"title": "Days", "description": "d", "groups": [{"label": "x", "members": spread,
                                                                                 "public": spread}]}})
    assert ">0</text>" in str(drawn["by_month"]) and ">1</text>" in str(drawn["by_month"])
    assert ">3</text>" in str(drawn["members"])
    compared = draw_comparison({"checks": {"title": "Checks", "description": "d", "organisations": ["A", "B"],
                                           "statuses": {"fail": [0, 0]}}})
    assert ">A</text>" in str(compared["checks"])


def test_a_team_name_longer_than_the_chart_is_wide_widens_it_and_its_bars_keep_their_proportions():
    long_name = "Adults " * 25
    svg = str(draw({"on_time": {"title": "On time", "description": "d", "teams": [long_name, "Housing"],
                                "stages": {"Stage 1": [50.0, 100.0]}}})["on_time"])
    width = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svg).group(1))
    bars = [float(length) for length in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" [^>]*fill="#0072B2"', svg)]
    assert width > 7.2 * 72 and len(bars) == 3  # two bars and the key
    assert abs(bars[0] / bars[1] - 0.5) < 0.01
